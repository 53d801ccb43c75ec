// The text-level checks of a submission, before and beside its numbers: strict UTF-8, one SAX
// pass for depth, duplicate keys and non-finite literals, version and digest spellings, and the
// privacy scan (paths, user names, host names). Private to core/src/results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace headroom::results_text {

// The offset of the first byte that breaks strict UTF-8 (RFC 3629), or npos.
std::size_t invalid_utf8_at(std::string_view s);

// One pass over the document: "" and `doc` filled when its structure is acceptable, else why not
// ("nests deeper than 8 levels", "has a duplicate key ...", "holds a number that is not
// finite ..."; `doc` is then unspecified).
std::string parse_scanned(std::string_view json_text, nlohmann::json& doc);

std::string hex_id(std::uint32_t v);
std::string lower(std::string_view s);
bool is_version(std::string_view v);
bool is_hex_digest(std::string_view v);
bool hostname_like(std::string_view token);
std::vector<std::string> tokens_of(std::string_view text);
// Why `value` may not be published (a path, a user name; in identity fields also '@' or a host
// name), or nullopt.
std::optional<std::string> private_text(std::string_view value, bool identity_field);

}  // namespace headroom::results_text
