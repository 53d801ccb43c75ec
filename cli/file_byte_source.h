// A GGUF ByteSource over a file with pread: the reader pulls only header bytes.
#pragma once

#include <string>

#include "headroom/gguf.h"

namespace headroom::cli {

class FileByteSource final : public ByteSource {
 public:
  ~FileByteSource() override;
  // Opens `path`; on failure, `error()` says why.
  explicit FileByteSource(const std::string& path);
  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  std::uint64_t size() const override { return size_bytes_; }
  bool read_at(std::uint64_t offset, void* out, std::size_t bytes) const override;

 private:
  int fd_ = -1;
  std::uint64_t size_bytes_ = 0;
  std::string error_;
};

}  // namespace headroom::cli
