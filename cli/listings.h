// `headroom models|cards|formats|runtimes`: the catalogs as tables or JSON.
#pragma once

#include <string>

#include "headroom/catalog.h"

namespace headroom::cli {

std::string list_models(const Catalog& catalog, bool json);
std::string list_cards(const Catalog& catalog, bool json);
std::string list_formats(bool json);
std::string list_runtimes(bool json);

}  // namespace headroom::cli
