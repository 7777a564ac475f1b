#include "app/cli/CliSupport.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace perfnas::cli {

int reportError(const Error& error) {
    std::cerr << "perfnas: " << error.message << '\n';
    switch (error.code) {
        case ErrorCode::InvalidInput:
        case ErrorCode::NotFound:
            return kExitBadInput;
        case ErrorCode::IoFailure:
        case ErrorCode::Cancelled:
        case ErrorCode::Internal:
            return kExitFailure;
    }
    return kExitFailure;
}

void printJson(const nlohmann::json& document) { std::cout << document.dump(2) << '\n'; }

}  // namespace perfnas::cli
