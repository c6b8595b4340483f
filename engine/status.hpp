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

// A decimal number as text ("0.1307", "-2e-1", "4294967296"), read without
// strtod (whose tables would add to the wasm modules): at most 18 significant
// digits and a scale within 1e-22..1e22, so that the value is the digits times
// or divided by an exact power of ten. With up to 15 digits (any integer below
// 2^53) the digits are exact too and the value is correctly rounded; with more,
// within a rounding of it. Other text, more digits or a wider scale: false.
inline bool read_decimal(const std::string& t, double* out) {
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  const bool negative = i < t.size() && t[i] == '-';
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  uint64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool any = false, point = false;
  for (; i < t.size(); ++i) {
    if (t[i] == '.' && !point) {
      point = true;
    } else if (t[i] >= '0' && t[i] <= '9') {
      any = true;
      if (mantissa == 0 && t[i] == '0') {
        if (point) --scale;
        continue;
      }
      if (++digits > 18) return false;
      mantissa = mantissa * 10 + uint64_t(t[i] - '0');
      if (point) --scale;
    } else {
      break;
    }
  }
  if (!any) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    const bool minus = i < t.size() && t[i] == '-';
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    int e = 0;
    const size_t start = i;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
      if ((e = e * 10 + (t[i] - '0')) > 1000) return false;
    if (i == start) return false;
    scale += minus ? -e : e;
  }
  if (i != t.size()) return false;
  if (mantissa == 0) scale = 0;
  if (scale < -22 || scale > 22) return false;
  const double m = double(mantissa);
  *out = (negative ? -1 : 1) * (scale >= 0 ? m * kPow10[scale] : m / kPow10[-scale]);
  return true;
}

// Text that reads back as exactly v, for messages that echo a value as it
// was given: the 15-digit form when it is exact ("4294967296", "0.1",
// "2000000"; every decimal of up to 15 digits is), else 17 digits. Whether
// it is exact, read_decimal tells: 15 digits read back correctly rounded.
inline std::string exact_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  double back = 0;
  if (!(read_decimal(buf, &back) && back == v)) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

#define CNN_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::cnn::Status _st = (expr);            \
    if (!_st.is_ok()) return _st;          \
  } while (0)

}  // namespace cnn
