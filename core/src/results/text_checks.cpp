#include "results/text_checks.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "headroom/results.h"

namespace headroom::results_text {
namespace {

using nlohmann::json;

// The checks of the SAX pass that builds the document: depth, duplicate keys and non-finite
// numbers (a literal like 1e999 parses to infinity), which the DOM would hide or let through.
class StructureScan {
 public:
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t v, const json::string_t&) {
    if (!std::isfinite(v)) return fail("holds a number that is not finite (" + path() + ")");
    return true;
  }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return push(true); }
  bool end_object() { return pop(); }
  bool start_array(std::size_t) { return push(false); }
  bool end_array() { return pop(); }
  bool key(json::string_t& k) {
    Level& level = levels_.back();
    if (!level.keys.insert(k).second) return fail("has a duplicate key \"" + k + "\" in " + path());
    level.key = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    return fail("is not valid JSON (byte " + std::to_string(position) + ")");
  }

  std::optional<std::string> problem;

 private:
  struct Level {
    bool object = false;
    std::set<std::string> keys;
    std::string key;
  };
  bool push(bool object) {
    if (levels_.size() >= static_cast<std::size_t>(kMaxSubmissionDepth)) {
      return fail("nests deeper than " + std::to_string(kMaxSubmissionDepth) + " levels");
    }
    levels_.push_back(Level{object, {}, {}});
    return true;
  }
  bool pop() {
    levels_.pop_back();
    return true;
  }
  bool fail(std::string why) {
    if (!problem) problem = std::move(why);
    return false;
  }
  std::string path() const {
    std::string out;
    for (const auto& level : levels_) {
      if (level.object && !level.key.empty()) out += (out.empty() ? "" : ".") + level.key;
    }
    return out.empty() ? "the document" : out;
  }
  std::vector<Level> levels_;
};

}  // namespace

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Returns the
// offset of the first bad byte, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(s[at]); };
  while (i < s.size()) {
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

namespace {

// The scan and nlohmann's own tree builder on the same events: one pass of the lexer gives the
// checks and the document (a 10,000-file site build spent a third of its time lexing twice).
class ScanningBuilder {
 public:
  explicit ScanningBuilder(json& doc) : dom_(doc, false) {}
  bool null() { return scan_.null() && dom_.null(); }
  bool boolean(bool v) { return scan_.boolean(v) && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) {
    return scan_.number_integer(v) && dom_.number_integer(v);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return scan_.number_unsigned(v) && dom_.number_unsigned(v);
  }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return scan_.number_float(v, s) && dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return scan_.string(v) && dom_.string(v); }
  bool binary(json::binary_t& v) { return scan_.binary(v) && dom_.binary(v); }
  bool start_object(std::size_t n) { return scan_.start_object(n) && dom_.start_object(n); }
  bool end_object() { return scan_.end_object() && dom_.end_object(); }
  bool start_array(std::size_t n) { return scan_.start_array(n) && dom_.start_array(n); }
  bool end_array() { return scan_.end_array() && dom_.end_array(); }
  bool key(json::string_t& k) { return scan_.key(k) && dom_.key(k); }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& e) {
    return scan_.parse_error(position, token, e);
  }
  std::string problem() const { return scan_.problem.value_or(""); }

 private:
  StructureScan scan_;
  nlohmann::detail::json_sax_dom_parser<json> dom_;
};

}  // namespace

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
  if (!identity_field) return std::nullopt;
  if (v.find('@') != std::string::npos) return std::string("an '@' (a user or e-mail address)");
  for (const auto& token : tokens_of(value)) {
    if (hostname_like(token)) return "a host name (\"" + token + "\")";
  }
  return std::nullopt;
}

}  // namespace headroom::results_text
