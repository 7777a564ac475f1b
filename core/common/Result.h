#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad file, bad input),
// or an Error whose message names the file / host / parameter and what was expected.
// A small stand-in for C++23 std::expected; exceptions are reserved for programmer errors.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace perfnas {

enum class ErrorCode {
    InvalidInput,  // the caller's input (file contents, parameter) is wrong: CLI exit status 2
    NotFound,      // a file or folder that should exist does not: CLI exit status 2
    IoFailure,     // reading or writing failed for another reason: CLI exit status 1
    Cancelled,     // the cancel token fired
    Internal,      // anything else: CLI exit status 1
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : m_state(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& {
        assert(ok());
        return std::get<T>(m_state);
    }
    T& value() & {
        assert(ok());
        return std::get<T>(m_state);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(m_state));
    }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<Error>(m_state);
    }

private:
    std::variant<T, Error> m_state;
};

// Result of an operation that produces nothing but can fail.
struct Done {};
using Status = Result<Done>;

inline Error makeError(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace perfnas
