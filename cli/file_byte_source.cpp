#include "file_byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace headroom::cli {

FileByteSource::FileByteSource(const std::string& path) {
  // stat before open: opening a FIFO (or a device) named model.gguf blocks until a writer comes,
  // forever. O_NONBLOCK covers a path swapped for a FIFO between the two calls, and the fstat
  // below checks what was actually opened.
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) {
    error_ = std::strerror(errno);
    return;
  }
  if (!S_ISREG(before.st_mode)) {
    error_ = "not a regular file";
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return;
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
    error_ = "not a regular file";
    ::close(fd_);
    fd_ = -1;
    return;
  }
  size_bytes_ = static_cast<std::uint64_t>(info.st_size);
}

FileByteSource::~FileByteSource() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileByteSource::read_at(std::uint64_t offset, void* out, std::size_t bytes) const {
  if (fd_ < 0 || offset > size_bytes_ || bytes > size_bytes_ - offset) return false;
  auto* cursor = static_cast<char*>(out);
  while (bytes > 0) {
    const ssize_t got = ::pread(fd_, cursor, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    cursor += got;
    offset += static_cast<std::uint64_t>(got);
    bytes -= static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace headroom::cli
