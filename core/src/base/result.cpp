#include "headroom/result.h"

namespace headroom {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::unknown_name:
      return "unknown_name";
    case ErrorCode::parse_error:
      return "parse_error";
    case ErrorCode::unsupported:
      return "unsupported";
  }
  return "invalid_argument";
}

}  // namespace headroom
