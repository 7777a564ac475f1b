#pragma once
// OnnxExporter: a trained KwsNetwork as an ONNX model (opset 13) for runtimes on boards —
// batch-norm folded into the convolutions, "same" padding as Conv pads, then Relu,
// GlobalAveragePool, Flatten and Gemm. Input "mfcc" [1, 1, H, W] takes raw MFCCs: the training
// normalization (x - mean) / std is the graph's first two nodes (Sub, Div). Output "logits"
// [1, classes]. Every written or inspected model passes onnx::checker. Stateless and thread-safe;
// errors name the file. Torch and ONNX headers stay in the .cpp.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"

namespace perfnas {

// One conv unit with its batch-norm folded in (row-major float32 data).
struct FoldedConv {
    std::array<std::int64_t, 4> weightShape{};  // filters, input channels, kh, kw
    std::vector<float> weight;                  // W' = W * gamma / sqrt(var + eps)
    std::vector<float> bias;                    // b' = beta - mean * gamma / sqrt(var + eps)
    std::array<std::int64_t, 4> pads{};         // ONNX order: top, left, bottom, right
    std::array<std::int64_t, 2> strides{};
};

struct FoldedNetwork {
    ArchitectureSpec spec;
    std::vector<FoldedConv> convs;
    std::vector<float> classifierWeight;  // [classes, channels]
    std::vector<float> classifierBias;    // [classes]
};

struct OnnxModelInfo {
    float inputMean = 0.0F;  // the checkpoint's input normalization
    float inputStd = 1.0F;
    std::vector<std::string> classNames;  // stored as metadata "classes" (comma-separated)
};

// What a model file holds, read back (and checked) for tests and summaries.
struct OnnxGraph {
    struct Node {
        std::string opType;
        std::vector<std::string> inputs;
        std::vector<std::string> outputs;
        std::map<std::string, std::vector<std::int64_t>> intAttributes;  // ints and int lists
    };
    struct Tensor {
        std::vector<std::int64_t> shape;
        std::vector<float> data;
    };
    std::int64_t opsetVersion = 0;
    std::string inputName;
    std::vector<std::int64_t> inputShape;
    std::string outputName;
    std::vector<std::int64_t> outputShape;
    std::vector<Node> nodes;  // topological order
    std::map<std::string, Tensor> initializers;
    std::map<std::string, std::string> metadata;
};

class OnnxExporter {
public:
    static constexpr int kOpsetVersion = 13;

    // Loads weights saved by the trainer (torch::save of the KwsNetwork for `spec`, i.e. a
    // checkpoint's model.pt) and folds each batch-norm (eval mode, running statistics) into its
    // conv. InvalidInput naming the file when the weights do not fit the spec.
    static Result<FoldedNetwork> fold(const ArchitectureSpec& spec,
                                      const std::filesystem::path& weightsFile);
    // Builds the graph, checks it and writes it (through a temporary file and a rename).
    static Status write(const FoldedNetwork& network, const OnnxModelInfo& info,
                        const std::filesystem::path& file);
    // Parses a model file and runs onnx::checker on it.
    static Result<OnnxGraph> inspect(const std::filesystem::path& file);
};

}  // namespace perfnas
