// Result<T>: the value of a computation, or the reason it could not be done.
// The core never throws across its API (exceptions lose their message in wasm);
// member names follow std::expected so a later swap is mechanical.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace headroom {

enum class ErrorCode { invalid_argument, unknown_name, parse_error, unsupported };

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::invalid_argument;
  std::string field;    // the offending input in the core's vocabulary: a request key ("users",
                        // "max_model_len"), a document path ("config.num_hidden_layers",
                        // "results[3].median_seconds")
  std::string message;  // one sentence a user can act on, naming the field in the same vocabulary
                        // (front ends put their own names for it: headroom/cli's flags)
};

// The error funnel. Most errors are about one field and start with it: invalid() and
// parse_failure() write "<field> <why>", so the field is named once, in one style (no trailing
// period). refused() carries a whole sentence whose subject is not the field ("unknown card
// 'x'", "a sequence of N tokens exceeds ...").
inline Error invalid(std::string field, const std::string& why) {
  std::string message = field + " " + why;
  return Error{ErrorCode::invalid_argument, std::move(field), std::move(message)};
}
inline Error parse_failure(std::string field, const std::string& why) {
  std::string message = field + " " + why;
  return Error{ErrorCode::parse_error, std::move(field), std::move(message)};
}
inline Error refused(ErrorCode code, std::string field, std::string sentence) {
  return Error{code, std::move(field), std::move(sentence)};
}
// The same error, met inside a larger document: the field gains a prefix ("bench." + field).
inline Error nested(std::string_view prefix, Error error) {
  error.field = std::string(prefix) + (error.field.empty() ? "" : "." + error.field);
  return error;
}
inline Error make_error(ErrorCode code, std::string field, std::string message) {
  return refused(code, std::move(field), std::move(message));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT

  bool has_value() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return has_value(); }
  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

}  // namespace headroom
