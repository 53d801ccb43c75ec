#include "text_file.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace headroom::cli {

Result<std::string> read_text_file(const std::string& path, const std::string& field,
                                   std::uint64_t max_bytes) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return make_error(ErrorCode::invalid_argument, field, "cannot open " + path);
  }
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return make_error(ErrorCode::invalid_argument, field,
                      path + " is larger than " + std::to_string(max_bytes >> 20) +
                          " MiB; is it the right file?");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::invalid_argument, field, "cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace headroom::cli
