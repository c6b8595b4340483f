// Whole-file reading and writing for the native tools and the tests (kept out
// of model_io.cpp so the web module, which loads models from bytes, links no
// file I/O).
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "model_io.hpp"

namespace cnn {

Status read_file(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error("cannot open %s: %s", path.c_str(), std::strerror(errno));
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) return Status::error("cannot read %s", path.c_str());
  *out = std::move(data);
  return Status::ok();
}

Status write_file(const std::string& path, const std::vector<uint8_t>& data) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error("cannot create %s: %s", tmp.c_str(), std::strerror(errno));
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    return Status::error("cannot write %s", tmp.c_str());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::error("cannot rename %s to %s: %s", tmp.c_str(), path.c_str(), std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace cnn
