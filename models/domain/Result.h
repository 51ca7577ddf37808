#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace PoolDesk {

// What went wrong, in a form callers can branch on (code) and show to a person (message,
// already translated and saying what to do).
struct Error {
    enum class Code {
        InvalidInput, // the caller's input is malformed; nothing changed
        NotFound,     // a named thing does not exist
        Conflict,     // already exists / state forbids it
        Refused,      // a policy refused (limit reached, pool exhausted): see Refusal
        Storage,      // the database failed
        Network,      // a remote service failed
        Unavailable,  // a dependency (keychain, server) is not reachable
        Cancelled,
    };
    Code code = Code::Storage;
    QString message;
    // For refusals: a stable machine-readable key ("pool_exhausted", "max_concurrent_calls", ...)
    // that the CLI's --json output and the service's JSON errors carry.
    QString reason = {};
    // For database failures: the engine's own code (PostgreSQL's SQLSTATE, SQLite's result code),
    // so callers branch on it rather than on message text, which follows the server's language.
    QString nativeCode = {};
    // For refusals that time lifts (rate_limited): whole seconds until a retry can succeed.
    int retryAfterSeconds = 0;
};

// Expected-style return value: either a T or an Error (C++23's std::expected is not yet available).
template <typename T>
class Result {
public:
    Result(T value)
        : m_data(std::move(value)) {}
    Result(Error error)
        : m_data(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

struct Unit {};
using Status = Result<Unit>;
inline Status success() {
    return Unit{};
}

inline Error makeError(Error::Code code, QString message, QString reason = {}) {
    return Error{code, std::move(message), std::move(reason)};
}

} // namespace PoolDesk
