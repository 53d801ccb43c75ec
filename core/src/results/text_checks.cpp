#include "results/text_checks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "headroom/results.h"

namespace headroom::results_text {
namespace {

using nlohmann::json;

// One SAX pass that builds the document and checks what the tree would hide or let through:
// depth, duplicate keys (found by the insertion itself, no second set of keys) and non-finite
// numbers (a literal like 1e999 parses to infinity). The path of a problem is built only when
// there is one.
class ScanningBuilder {
 public:
  explicit ScanningBuilder(json& doc) : doc_(doc) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(json::number_integer_t v) { return put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return put(v); }
  bool number_float(json::number_float_t v, const json::string_t&) {
    if (!std::isfinite(v)) return fail("holds a number that is not finite (" + path() + ")");
    return put(v);
  }
  bool string(json::string_t& v) { return put(std::move(v)); }
  bool binary(json::binary_t&) { return fail("is not valid JSON (binary value)"); }
  bool start_object(std::size_t) { return open(json::value_t::object, true); }
  bool start_array(std::size_t) { return open(json::value_t::array, false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k) {
    Frame& frame = frames_.back();
    auto& object = frame.value->get_ref<json::object_t&>();
    const auto [it, inserted] = object.emplace(std::move(k), nullptr);
    frame.key = &it->first;
    if (!inserted) return fail("has a duplicate key \"" + it->first + "\" in " + path());
    member_ = &it->second;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return fail("is not valid JSON (byte " + std::to_string(position) + ")");
  }
  std::string problem() const { return problem_.value_or(""); }

 private:
  struct Frame {
    json* value = nullptr;
    bool object = false;
    const std::string* key = nullptr;  // the member being read, in the tree's own key
  };

  // Where the next value goes: the document, the end of an array, or the member just keyed.
  template <typename Value>
  json* place(Value&& v) {
    if (frames_.empty()) {
      doc_ = json(std::forward<Value>(v));
      return &doc_;
    }
    Frame& frame = frames_.back();
    if (!frame.object) {
      auto& array = frame.value->get_ref<json::array_t&>();
      array.emplace_back(std::forward<Value>(v));
      return &array.back();
    }
    *member_ = json(std::forward<Value>(v));
    return member_;
  }
  template <typename Value>
  bool put(Value&& v) {
    place(std::forward<Value>(v));
    return true;
  }
  bool open(json::value_t type, bool object) {
    if (frames_.size() >= static_cast<std::size_t>(kMaxSubmissionDepth)) {
      return fail("nests deeper than " + std::to_string(kMaxSubmissionDepth) + " levels");
    }
    frames_.push_back(Frame{place(type), object, nullptr});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  bool fail(std::string why) {
    if (!problem_) problem_ = std::move(why);
    return false;
  }
  std::string path() const {
    std::string out;
    for (const Frame& frame : frames_) {
      if (frame.object && frame.key != nullptr) out += (out.empty() ? "" : ".") + *frame.key;
    }
    return out.empty() ? "the document" : out;
  }

  json& doc_;
  std::vector<Frame> frames_;
  json* member_ = nullptr;
  std::optional<std::string> problem_;
};

}  // namespace

std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(s[at]); };
  while (i < s.size()) {
    // ASCII, almost all of a result file, eight bytes at a time.
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = byte(i);
    std::size_t extra = 0;
    std::uint32_t min = 0, cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1, min = 0x80, cp = c & 0x1fu;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, min = 0x800, cp = c & 0x0fu;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, min = 0x10000, cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + extra >= s.size()) return i;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((byte(i + k) & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (byte(i + k) & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += extra + 1;
  }
  return std::string_view::npos;
}

std::string parse_scanned(std::string_view json_text, json& doc) {
  ScanningBuilder builder(doc);
  json::sax_parse(json_text, &builder);
  return builder.problem();
}

std::string hex_id(std::uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04x", v);
  return text;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_version(std::string_view v) {
  // MAJOR.MINOR.PATCH with an optional -pre or +build suffix.
  std::size_t i = 0, parts = 0;
  while (parts < 3) {
    const std::size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == start) return false;
    ++parts;
    if (parts < 3) {
      if (i >= v.size() || v[i] != '.') return false;
      ++i;
    }
  }
  if (i == v.size()) return true;
  if (v[i] != '-' && v[i] != '+') return false;
  for (++i; i < v.size(); ++i) {
    const char c = v[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_hex_digest(std::string_view v) {
  return v.size() == 16 && std::all_of(v.begin(), v.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A token a machine name looks like: "gpu-box.local", "node7.lab.example.com" (labels of
// letters, digits and '-', the last all letters), "localhost", or Windows' default
// "DESKTOP-XXXX" / "LAPTOP-XXXX". Version numbers ("22.3.6", "560.35.03") have no letter TLD.
bool hostname_like(std::string_view token) {
  while (!token.empty() && (token.back() == '.' || token.back() == ',')) token.remove_suffix(1);
  const std::string t = lower(token);
  if (t == "localhost" || t.rfind("desktop-", 0) == 0 || t.rfind("laptop-", 0) == 0) return true;
  std::vector<std::string> labels;
  std::string label;
  for (const char c : t) {
    if (c == '.') {
      labels.push_back(label);
      label.clear();
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      label.push_back(c);
    } else {
      return false;
    }
  }
  labels.push_back(label);
  if (labels.size() < 2) return false;
  for (const auto& l : labels) {
    if (l.empty()) return false;
  }
  const std::string& tld = labels.back();
  return tld.size() >= 2 &&
         std::all_of(tld.begin(), tld.end(), [](char c) { return c >= 'a' && c <= 'z'; }) &&
         std::any_of(labels.front().begin(), labels.front().end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

std::vector<std::string> tokens_of(std::string_view text) {
  std::vector<std::string> out;
  std::string token;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '[' ||
        c == ']' || c == ';' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ',' ||
        c == '=') {
      if (!token.empty()) out.push_back(token);
      token.clear();
    } else {
      token.push_back(c);
    }
  }
  if (!token.empty()) out.push_back(token);
  return out;
}

// Privacy: paths and user names anywhere; '@' and host names where a device or build string
// could carry them (the PHODEVI_SANITIZE analogue: the bench writes none of these itself).
std::optional<std::string> private_text(std::string_view value, bool identity_field) {
  const std::string v = lower(value);
  for (const char* path : {"/home/", "/root/", "/users/", "c:\\users", "\\users\\", "/var/home/"}) {
    if (v.find(path) != std::string::npos) return std::string("a user path (\"") + path + "\")";
  }
  if (v.rfind("~/", 0) == 0 || v.find(" ~/") != std::string::npos)
    return std::string("a home-relative path (\"~/\")");
  if (!identity_field) return std::nullopt;
  if (v.find('@') != std::string::npos) return std::string("an '@' (a user or e-mail address)");
  for (const auto& token : tokens_of(value)) {
    if (hostname_like(token)) return "a host name (\"" + token + "\")";
  }
  return std::nullopt;
}

}  // namespace headroom::results_text
