// Batch-norm folding (eval mode): y = gamma * (conv(x, W) - mu) / sqrt(var + eps) + beta
//   = conv(x, W') + b' with W' = W * s, b' = beta - mu * s, s = gamma / sqrt(var + eps) per filter.
// "same" padding follows KwsNetwork.cpp (TensorFlow's rule): total = max((out - 1) * stride + k -
// in, 0), the odd extra row/column at the bottom/right; ONNX Conv pads take that asymmetry
// directly. Graph per the ONNX operator spec, opset 13: Sub, Div, Conv, Relu, GlobalAveragePool,
// Flatten, Gemm.
#include "core/model/OnnxExporter.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>

#include "core/model/KwsNetwork.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
static_assert(std::endian::native == std::endian::little, "ONNX raw_data is little-endian");

// The IR version that shipped with opset 13 (ONNX 1.8): the oldest runtimes that read opset 13.
constexpr std::int64_t kIrVersion = 7;

std::array<std::int64_t, 2> samePadding(int input, int kernel, int stride) {
    const int output = (input + stride - 1) / stride;
    const int total = std::max((output - 1) * stride + kernel - input, 0);
    return {total / 2, total - total / 2};
}

std::vector<float> toVector(const torch::Tensor& tensor) {
    const torch::Tensor flat = tensor.detach().to(torch::kFloat32).contiguous();
    return {flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel()};
}

void addInitializer(onnx::GraphProto& graph, const std::string& name,
                    const std::vector<std::int64_t>& shape, const std::vector<float>& data) {
    onnx::TensorProto* tensor = graph.add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (std::int64_t dim : shape) tensor->add_dims(dim);
    tensor->set_raw_data(
        std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
}

void setTensorType(onnx::ValueInfoProto& value, const std::string& name,
                   const std::vector<std::int64_t>& shape) {
    value.set_name(name);
    onnx::TypeProto_Tensor* type = value.mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    for (std::int64_t dim : shape) type->mutable_shape()->add_dim()->set_dim_value(dim);
}

onnx::NodeProto& addNode(onnx::GraphProto& graph, const std::string& opType,
                         const std::string& name, const std::vector<std::string>& inputs,
                         const std::string& output) {
    onnx::NodeProto* node = graph.add_node();
    node->set_op_type(opType);
    node->set_name(name);
    for (const std::string& input : inputs) node->add_input(input);
    node->add_output(output);
    return *node;
}

void addInts(onnx::NodeProto& node, const std::string& name,
             const std::vector<std::int64_t>& values) {
    onnx::AttributeProto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (std::int64_t value : values) attribute->add_ints(value);
}

void addInt(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    onnx::AttributeProto* attribute = node.add_attribute();
    attribute->set_name(name);
    attribute->set_type(onnx::AttributeProto_AttributeType_INT);
    attribute->set_i(value);
}

onnx::ModelProto buildModel(const FoldedNetwork& network, const OnnxModelInfo& info) {
    const ArchitectureSpec& spec = network.spec;
    onnx::ModelProto model;
    model.set_ir_version(kIrVersion);
    model.set_producer_name("PerfNAS");
    model.set_doc_string("Keyword-spotting CNN " + spec.notation() +
                         ". Input: raw MFCCs (coefficients x frames); the graph normalizes them as "
                         "(x - mean) / std.");
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(OnnxExporter::kOpsetVersion);
    auto addMetadata = [&model](const std::string& key, const std::string& value) {
        onnx::StringStringEntryProto* entry = model.add_metadata_props();
        entry->set_key(key);
        entry->set_value(value);
    };
    std::string classes;
    for (const std::string& name : info.classNames) classes += (classes.empty() ? "" : ",") + name;
    addMetadata("classes", classes);
    addMetadata("spec", spec.toJson());
    addMetadata("input_mean", std::to_string(info.inputMean));
    addMetadata("input_std", std::to_string(info.inputStd));

    onnx::GraphProto& graph = *model.mutable_graph();
    graph.set_name(spec.name.empty() ? "kws" : spec.name);
    setTensorType(*graph.add_input(), "mfcc", {1, 1, spec.inputHeight, spec.inputWidth});
    setTensorType(*graph.add_output(), "logits", {1, spec.classes});

    addInitializer(graph, "input_mean", {1}, {info.inputMean});
    addInitializer(graph, "input_std", {1}, {info.inputStd});
    addNode(graph, "Sub", "center", {"mfcc", "input_mean"}, "centered");
    addNode(graph, "Div", "scale", {"centered", "input_std"}, "normalized");
    std::string x = "normalized";
    for (std::size_t i = 0; i < network.convs.size(); ++i) {
        const FoldedConv& conv = network.convs[i];
        const std::string index = std::to_string(i + 1);
        const auto& shape = conv.weightShape;
        addInitializer(graph, "conv" + index + ".weight", {shape.begin(), shape.end()},
                       conv.weight);
        addInitializer(graph, "conv" + index + ".bias", {shape[0]}, conv.bias);
        onnx::NodeProto& node =
            addNode(graph, "Conv", "conv" + index,
                    {x, "conv" + index + ".weight", "conv" + index + ".bias"}, "conv" + index);
        addInts(node, "kernel_shape", {shape[2], shape[3]});
        addInts(node, "strides", {conv.strides[0], conv.strides[1]});
        addInts(node, "pads", {conv.pads.begin(), conv.pads.end()});
        addInts(node, "dilations", {1, 1});
        addInt(node, "group", 1);
        addNode(graph, "Relu", "relu" + index, {"conv" + index}, "relu" + index);
        x = "relu" + index;
    }
    const auto channels = static_cast<std::int64_t>(network.classifierBias.empty()
                                                        ? 0
                                                        : network.classifierWeight.size() /
                                                              network.classifierBias.size());
    addNode(graph, "GlobalAveragePool", "pool", {x}, "pooled");
    addInt(addNode(graph, "Flatten", "flatten", {"pooled"}, "features"), "axis", 1);
    addInitializer(graph, "classifier.weight", {spec.classes, channels}, network.classifierWeight);
    addInitializer(graph, "classifier.bias", {spec.classes}, network.classifierBias);
    addInt(addNode(graph, "Gemm", "classifier",
                   {"features", "classifier.weight", "classifier.bias"}, "logits"),
           "transB", 1);
    return model;
}

std::vector<std::int64_t> shapeOf(const onnx::ValueInfoProto& value) {
    std::vector<std::int64_t> shape;
    for (const auto& dim : value.type().tensor_type().shape().dim())
        shape.push_back(dim.dim_value());
    return shape;
}

}  // namespace

Result<FoldedNetwork> OnnxExporter::fold(const ArchitectureSpec& spec,
                                         const fs::path& weightsFile) {
    if (auto valid = spec.validate(); !valid) return valid.error();
    if (!fs::exists(weightsFile))
        return makeError(ErrorCode::NotFound, weightsFile.string() + ": no such weights file");
    FoldedNetwork folded{.spec = spec};
    try {
        torch::NoGradGuard noGrad;
        KwsNetwork network(spec);
        torch::load(network, weightsFile.string());
        network->eval();
        const auto parameters = network->named_parameters();
        const auto buffers = network->named_buffers();
        const auto children = network->named_children();
        int height = spec.inputHeight;
        int width = spec.inputWidth;
        for (std::size_t i = 0; i < spec.units.size(); ++i) {
            const ConvUnit& unit = spec.units[i];
            const std::string index = std::to_string(i + 1);
            const auto norm =
                std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(children["bn" + index]);
            if (!norm) return makeError(ErrorCode::Internal, "KwsNetwork has no module bn" + index);
            const double eps = norm->options.eps();
            const torch::Tensor weight = parameters["conv" + index + ".weight"];
            // torch::load replaces a parameter of another shape instead of failing: check.
            const int channels = i == 0 ? 1 : spec.units[i - 1].filters;
            const std::vector<std::int64_t> expected = {unit.filters, channels, unit.kh, unit.kw};
            if (!weight.sizes().equals(expected)) {
                return makeError(ErrorCode::InvalidInput,
                                 weightsFile.string() + ": conv" + index + " weights " +
                                     c10::str(weight.sizes()) + " do not fit " + spec.notation());
            }
            const torch::Tensor scale = parameters["bn" + index + ".weight"] /
                                        torch::sqrt(buffers["bn" + index + ".running_var"] + eps);
            const torch::Tensor bias = parameters["bn" + index + ".bias"] -
                                       buffers["bn" + index + ".running_mean"] * scale;
            FoldedConv conv;
            for (int d = 0; d < 4; ++d)
                conv.weightShape[static_cast<std::size_t>(d)] = weight.size(d);
            conv.weight = toVector(weight * scale.reshape({-1, 1, 1, 1}));
            conv.bias = toVector(bias);
            const auto [top, bottom] = samePadding(height, unit.kh, unit.stride[0]);
            const auto [left, right] = samePadding(width, unit.kw, unit.stride[1]);
            conv.pads = {top, left, bottom, right};
            conv.strides = {unit.stride[0], unit.stride[1]};
            folded.convs.push_back(std::move(conv));
            height = (height + unit.stride[0] - 1) / unit.stride[0];
            width = (width + unit.stride[1] - 1) / unit.stride[1];
        }
        const torch::Tensor classifier = parameters["classifier.weight"];
        const std::vector<std::int64_t> expected = {spec.classes, spec.units.back().filters};
        if (!classifier.sizes().equals(expected)) {
            return makeError(ErrorCode::InvalidInput,
                             weightsFile.string() + ": classifier weights " +
                                 c10::str(classifier.sizes()) + " do not fit " +
                                 std::to_string(spec.classes) + " classes");
        }
        folded.classifierWeight = toVector(classifier);
        folded.classifierBias = toVector(parameters["classifier.bias"]);
        for (const FoldedConv& conv : folded.convs) {
            for (float value : conv.weight) {
                if (!std::isfinite(value)) {
                    return makeError(ErrorCode::InvalidInput,
                                     weightsFile.string() + ": the weights are not finite");
                }
            }
        }
    } catch (const c10::Error& error) {
        return makeError(ErrorCode::InvalidInput,
                         weightsFile.string() + ": cannot load the weights of " + spec.notation() +
                             ": " + error.what_without_backtrace());
    } catch (const std::exception& error) {
        return makeError(ErrorCode::InvalidInput, weightsFile.string() + ": " + error.what());
    }
    return folded;
}

Status OnnxExporter::write(const FoldedNetwork& network, const OnnxModelInfo& info,
                           const fs::path& file) {
    const onnx::ModelProto model = buildModel(network, info);
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& error) {
        return makeError(ErrorCode::Internal,
                         file.string() + ": the ONNX checker rejects the graph: " + error.what());
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes)) {
        return makeError(ErrorCode::Internal, file.string() + ": the model cannot be serialized");
    }
    const fs::path temporary = file.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out)
            return makeError(ErrorCode::IoFailure, temporary.string() + ": cannot be written");
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec)
        return makeError(ErrorCode::IoFailure,
                         file.string() + ": cannot be renamed into place: " + ec.message());
    return Done{};
}

Result<OnnxGraph> OnnxExporter::inspect(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, file.string() + ": cannot be opened");
    onnx::ModelProto model;
    if (!model.ParseFromIstream(&in))
        return makeError(ErrorCode::InvalidInput, file.string() + ": not an ONNX model");
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& error) {
        return makeError(ErrorCode::InvalidInput,
                         file.string() + ": the ONNX checker rejects it: " + error.what());
    }
    OnnxGraph graph;
    for (const auto& opset : model.opset_import()) {
        if (opset.domain().empty() || opset.domain() == "ai.onnx")
            graph.opsetVersion = opset.version();
    }
    for (const auto& entry : model.metadata_props()) graph.metadata[entry.key()] = entry.value();
    const onnx::GraphProto& proto = model.graph();
    if (proto.input_size() != 1 || proto.output_size() != 1) {
        return makeError(ErrorCode::InvalidInput,
                         file.string() + ": expected one input and one output");
    }
    graph.inputName = proto.input(0).name();
    graph.inputShape = shapeOf(proto.input(0));
    graph.outputName = proto.output(0).name();
    graph.outputShape = shapeOf(proto.output(0));
    for (const auto& node : proto.node()) {
        OnnxGraph::Node parsed{.opType = node.op_type(),
                               .inputs = {node.input().begin(), node.input().end()},
                               .outputs = {node.output().begin(), node.output().end()}};
        for (const auto& attribute : node.attribute()) {
            if (attribute.type() == onnx::AttributeProto_AttributeType_INT) {
                parsed.intAttributes[attribute.name()] = {attribute.i()};
            } else if (attribute.type() == onnx::AttributeProto_AttributeType_INTS) {
                parsed.intAttributes[attribute.name()] = {attribute.ints().begin(),
                                                          attribute.ints().end()};
            }
        }
        graph.nodes.push_back(std::move(parsed));
    }
    for (const auto& tensor : proto.initializer()) {
        OnnxGraph::Tensor parsed{.shape = {tensor.dims().begin(), tensor.dims().end()}};
        if (tensor.data_type() != onnx::TensorProto_DataType_FLOAT) {
            return makeError(ErrorCode::InvalidInput,
                             file.string() + ": initializer " + tensor.name() + " is not float32");
        }
        if (tensor.has_raw_data()) {
            const std::string& raw = tensor.raw_data();
            parsed.data.resize(raw.size() / sizeof(float));
            std::memcpy(parsed.data.data(), raw.data(), parsed.data.size() * sizeof(float));
        } else {
            parsed.data.assign(tensor.float_data().begin(), tensor.float_data().end());
        }
        graph.initializers[tensor.name()] = std::move(parsed);
    }
    return graph;
}

}  // namespace perfnas
