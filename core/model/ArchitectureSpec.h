#pragma once
// ArchitectureSpec: a keyword-spotting CNN in docs/architecture.md's JSON form — input size,
// classes, and a chain of conv units (conv -> batch-norm -> ReLU, "same" padding), followed by
// global average pooling and a linear classifier. Parsing rejects unknown keys and impossible
// shapes with a message naming the unit and field. A plain value type.

#include <array>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

struct ConvUnit {
    int kh = 3;
    int kw = 3;
    int filters = 100;
    std::array<int, 2> stride = {1, 1};  // (height, width)

    bool operator==(const ConvUnit&) const = default;
};

struct ArchitectureSpec {
    std::string name;
    int inputHeight = 40;  // MFCC coefficients
    int inputWidth = 32;   // frames
    int classes = 10;
    std::vector<ConvUnit> units;

    bool operator==(const ArchitectureSpec&) const = default;

    // The paper's seed as shipped in resources/seeds/paper-seed.json: 6 units of 100 filters,
    // unit 1 4x10 with stride (1, 2), units 2-6 3x3; 40x32 input, 10 classes.
    static ArchitectureSpec paperSeed();

    static Result<ArchitectureSpec> fromJson(const std::string& text);
    static Result<ArchitectureSpec> fromFile(const std::string& path);
    std::string toJson() const;

    // Every unit's kernel fits its input, counts are positive, strides are >= 1.
    Status validate() const;

    // Table II notation of one unit: "3x3, 40".
    static std::string unitNotation(const ConvUnit& unit);
    // All units: "{4x10, 100} {3x3, 100} ...".
    std::string notation() const;
};

}  // namespace perfnas
