// JSON text the engine writes: a string literal, escaped as JSON requires
// (a quote, a backslash, a control character). The importer reads it back
// (onnx_import.cpp's labels); a page reads it with JSON.parse.
#pragma once

#include <cstdio>
#include <string>

namespace cnn {

inline void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace cnn
