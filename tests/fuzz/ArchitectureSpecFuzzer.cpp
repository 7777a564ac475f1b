// ArchitectureSpec::fromJson on arbitrary text (users write their own seeds): no crash, and every
// accepted spec survives toJson -> fromJson unchanged.
#include "core/model/ArchitectureSpec.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using perfnas::ArchitectureSpec;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto spec = ArchitectureSpec::fromJson(text);
    if (!spec) {
        perfnas::fuzz::check(!spec.error().message.empty(), "an error has a message");
        return 0;
    }
    (void)spec->notation();
    const std::string json = spec->toJson();
    auto again = ArchitectureSpec::fromJson(json);
    perfnas::fuzz::check(again.ok(), "toJson output parses",
                         json + "\n" + (again ? "" : again.error().message));
    perfnas::fuzz::check(*again == *spec, "round trip keeps the spec", json);
    return 0;
}
