// Status: every engine API that a browser can reach reports failure as a value
// (an ok flag plus a human-readable message), never as an exception or abort.
// The message names the parameter and the numbers involved. A failure that a
// page may have to say in its reader's language also carries a code and its
// named numbers ("kernel_too_big", {axis: "height", kernel: 7, padded: 5, ...}):
// the English message stays for the C API and the logs, and a page writes its
// own sentence from the code and the numbers.
#pragma once

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace cnn {

// One named value of a coded failure: a number or a short text.
struct StatusValue {
  StatusValue(const char* n, double v) : name(n), number(v) {}
  StatusValue(const char* n, int32_t v) : name(n), number(double(v)) {}
  StatusValue(const char* n, int64_t v) : name(n), number(double(v)) {}
  StatusValue(const char* n, const char* t) : name(n), is_text(true), text(t) {}
  StatusValue(const char* n, std::string t) : name(n), is_text(true), text(std::move(t)) {}
  std::string name;
  bool is_text = false;
  double number = 0;
  std::string text;
};

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

  // The code of a failure the pages know how to say, and its named numbers
  // (what the message says in numbers); an empty code for the others.
  const std::string& code() const { return code_; }
  const std::vector<StatusValue>& params() const { return params_; }

  // The same failure with a code and its named numbers, e.g.
  // Status::error("stride ...").with_code("same_needs_stride_1", {{"stride_h", 2}, {"stride_w", 2}}).
  Status with_code(const char* code, std::initializer_list<StatusValue> params) const {
    Status s = *this;
    if (s.ok_) return s;
    s.code_ = code;
    s.params_.assign(params.begin(), params.end());
    return s;
  }

  // The same failure with its named numbers replaced (the code stays).
  Status with_values(std::vector<StatusValue> params) const {
    Status s = *this;
    if (!s.ok_) s.params_ = std::move(params);
    return s;
  }

  // Prefix the message with context, e.g. "layer 3 (dense): " (the code and its numbers stay).
  Status with_context(const std::string& prefix) const {
    if (ok_) return *this;
    Status s = *this;
    s.message_ = prefix + s.message_;
    return s;
  }

 private:
  bool ok_ = true;
  std::string message_;
  std::string code_;
  std::vector<StatusValue> params_;
};

// Text that reads back as exactly v, for messages that echo a value as it
// was given: the 15-digit form when it is exact ("4294967296", "0.1",
// "2000000"; every decimal of up to 15 digits is), else 17 digits. The check
// needs no strtod (which would add its tables to the wasm module): a 15-digit
// mantissa times a power of ten up to 1e22 is one correctly rounded operation.
inline std::string exact_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.14e", std::fabs(v));  // d.dddddddddddddde±x: 15 digits
  long long mantissa = 0;
  for (const char* p = buf; *p && *p != 'e'; ++p)
    if (*p >= '0' && *p <= '9') mantissa = mantissa * 10 + (*p - '0');
  const int k = std::atoi(std::strchr(buf, 'e') + 1) - 14;
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool exact15 = k >= -22 && k <= 22 &&
                       (k >= 0 ? double(mantissa) * kPow10[k] : double(mantissa) / kPow10[-k]) == std::fabs(v);
  std::snprintf(buf, sizeof buf, exact15 ? "%.15g" : "%.17g", v);
  return buf;
}

#define CNN_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::cnn::Status _st = (expr);            \
    if (!_st.is_ok()) return _st;          \
  } while (0)

}  // namespace cnn
