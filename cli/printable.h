// Text from files (a config.json's model_type, a GGUF's general.name, a bench file's device name)
// reaches the terminal through these: control characters are shown as \xNN, so a newline cannot
// forge an output line and an ESC cannot drive the terminal.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace headroom::cli {

// C0 controls, DEL and the C1 controls (U+0080..U+009F, two bytes in UTF-8: some terminals act
// on U+009B as CSI) become \xNN; with keep_newlines, '\n' stays (multi-line text the CLI built).
inline std::string printable(std::string_view text, bool keep_newlines = false) {
  std::string out;
  out.reserve(text.size());
  auto escape = [&out](unsigned char byte) {
    char hex[5];
    std::snprintf(hex, sizeof hex, "\\x%02x", byte);
    out += hex;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n' && keep_newlines) {
      out += '\n';
    } else if (byte < 0x20 || byte == 0x7f) {
      escape(byte);
    } else if (byte == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      escape(byte);
      escape(static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

}  // namespace headroom::cli
