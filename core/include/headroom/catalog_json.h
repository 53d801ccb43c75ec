// The catalogs as JSON documents (headroom.models.v1, headroom.cards.v1, headroom.formats.v1,
// headroom.runtimes.v1): one definition shared by `headroom models --json` and the wasm API.
#pragma once

#include <string>
#include <string_view>

#include "headroom/catalog.h"

namespace headroom {

std::string models_json_text(const Catalog& catalog);
std::string cards_json_text(const Catalog& catalog);
std::string formats_json_text();
std::string runtimes_json_text();
// By name: "models" | "cards" | "formats" | "runtimes"; an error naming `kind` otherwise.
Result<std::string> catalog_json_text(const Catalog& catalog, std::string_view kind);

}  // namespace headroom
