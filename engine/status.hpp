// Status: every engine API that a browser can reach reports failure as a value
// (an ok flag plus a human-readable message), never as an exception or abort.
// The message names the parameter and the numbers involved.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace cnn {

class Status {
 public:
  Status() = default;  // ok
  static Status ok() { return Status(); }

  // printf-style message. Kept free of iostreams so the wasm build stays small.
  static Status error(const char* fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 1, 2)))
#endif
  {
    Status s;
    s.ok_ = false;
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    s.message_ = buf;
    return s;
  }

  bool is_ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string& message() const { return message_; }

  // Prefix the message with context, e.g. "layer 3 (dense): ".
  Status with_context(const std::string& prefix) const {
    if (ok_) return *this;
    Status s = *this;
    s.message_ = prefix + s.message_;
    return s;
  }

 private:
  bool ok_ = true;
  std::string message_;
};

// The shortest text that reads back as exactly v ("4294967296", "0.1", "NaN"),
// for messages that echo a value as it was given.
inline std::string exact_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

#define CNN_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::cnn::Status _st = (expr);            \
    if (!_st.is_ok()) return _st;          \
  } while (0)

}  // namespace cnn
