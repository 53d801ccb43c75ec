#include "text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace headroom::cli {

Result<std::string> read_text_file(const std::string& path, const std::string& field,
                                   std::uint64_t max_bytes) {
  // stat before open, and open non-blocking: a FIFO or device under a file name would block the
  // open (or the read) forever. fstat then checks the file actually opened.
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return make_error(ErrorCode::invalid_argument, field, "cannot open " + path);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error(ErrorCode::invalid_argument, field, "cannot open " + path);
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(ErrorCode::invalid_argument, field, "cannot open " + path);
  }
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    ::close(fd);
    return make_error(ErrorCode::invalid_argument, field,
                      path + " is larger than " + std::to_string(max_bytes >> 20) +
                          " MiB; is it the right file?");
  }
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      return make_error(ErrorCode::invalid_argument, field, "cannot read " + path);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > max_bytes) {  // the file grew after the fstat
      ::close(fd);
      return make_error(ErrorCode::invalid_argument, field, path + " grew while it was read");
    }
  }
  ::close(fd);
  return text;
}

}  // namespace headroom::cli
