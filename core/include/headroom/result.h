// Result<T>: the value of a computation, or the reason it could not be done.
// The core never throws across its API (exceptions lose their message in wasm);
// member names follow std::expected so a later swap is mechanical.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace headroom {

enum class ErrorCode { invalid_argument, unknown_name, parse_error, unsupported, does_not_fit };

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::invalid_argument;
  std::string field;    // dotted path of the offending input, e.g. "workload.users"
  std::string message;  // one sentence a user can act on; already names the field
};

inline Error make_error(ErrorCode code, std::string field, std::string message) {
  return Error{code, std::move(field), std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}     // NOLINT

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
