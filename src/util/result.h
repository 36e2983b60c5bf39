// Result<T>: the value a fallible operation returns across module boundaries.
//
// Errors are values, never exceptions: every function that can fail for reasons
// outside the caller's control (bad input, missing rows, storage failures) returns
// Result<T> or Status. An Error carries a category (mapped to an HTTP status or a
// CLI exit code by the edge that reports it) and a message safe to show a client:
// it never names a client address, user agent or contact detail.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace publius {

enum class ErrorCode {
  kBadRequest,       // malformed input: 400
  kUnauthorized,     // missing or invalid credentials: 401
  kForbidden,        // authenticated but not allowed: 403
  kNotFound,         // 404
  kGone,             // 410
  kUnprocessable,    // well-formed but invalid (validation): 422
  kTooManyRequests,  // 429
  kPayloadTooLarge,  // 413
  kConflict,         // 409
  kUnavailable,      // busy or temporarily unavailable, worth retrying: 503 with Retry-After
  kInternal,         // storage or invariant failure: 500
};

// Why one field of the input was refused, for clients that point at the field:
// the field's name as the client sent it ("username"), a stable code naming the
// reason ("ERR_TAKEN", as Mastodon's) and the reason in words ("has already been taken").
struct FieldError {
  std::string field;
  std::string code;
  std::string description;
  bool operator==(const FieldError&) const = default;
};

struct Error {
  ErrorCode code;
  std::string message;
  // Seconds after which a retry may succeed, when the error knows (a throttled
  // sign-in); 0: it does not. The edge sends it as Retry-After.
  int64_t retry_after_s = 0;
  // Each refused field, in the order found, when the error is about fields of the
  // input (a registration); empty otherwise. The edge sends them beside the message.
  std::vector<FieldError> details = {};
};

inline Error bad_request(std::string m) { return {ErrorCode::kBadRequest, std::move(m)}; }
inline Error unauthorized(std::string m) { return {ErrorCode::kUnauthorized, std::move(m)}; }
inline Error forbidden(std::string m) { return {ErrorCode::kForbidden, std::move(m)}; }
inline Error not_found(std::string m = "Record not found") {
  return {ErrorCode::kNotFound, std::move(m)};
}
inline Error unprocessable(std::string m) { return {ErrorCode::kUnprocessable, std::move(m)}; }
inline Error conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Error unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Error too_many_requests(std::string m, int64_t retry_after_s) {
  return {ErrorCode::kTooManyRequests, std::move(m), retry_after_s};
}
inline Error internal_error(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
// A 422 about fields of the input, phrased as Mastodon does: "Validation failed: "
// then each field's name, capitalized, with its description, joined by ", "
// ("Validation failed: Username has already been taken").
inline Error validation_failed(std::vector<FieldError> details) {
  std::string message = "Validation failed: ";
  for (size_t i = 0; i < details.size(); ++i) {
    std::string field = details[i].field;
    if (!field.empty() && field[0] >= 'a' && field[0] <= 'z') field[0] = field[0] - 'a' + 'A';
    message += (i ? ", " : "") + field + " " + details[i].description;
  }
  return {ErrorCode::kUnprocessable, std::move(message), 0, std::move(details)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Status: Result without a value.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace publius

// Propagates an error from an expression yielding Result/Status.
#define PUBLIUS_TRY(expr)                                                   \
  do {                                                                      \
    auto publius_try_result_ = (expr);                                      \
    if (!publius_try_result_.ok()) return publius_try_result_.take_error(); \
  } while (0)

// Binds a Result's value to `lhs`, or returns its error. NOLINT: lhs may be "auto x", no parens.
#define PUBLIUS_ASSIGN_OR_RETURN(lhs, expr)                    \
  auto PUBLIUS_CONCAT_(publius_r_, __LINE__) = (expr);         \
  if (!PUBLIUS_CONCAT_(publius_r_, __LINE__).ok())             \
    return PUBLIUS_CONCAT_(publius_r_, __LINE__).take_error(); \
  lhs = std::move(PUBLIUS_CONCAT_(publius_r_, __LINE__)).value()  // NOLINT
#define PUBLIUS_CONCAT_INNER_(a, b) a##b
#define PUBLIUS_CONCAT_(a, b) PUBLIUS_CONCAT_INNER_(a, b)
