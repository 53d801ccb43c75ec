// Data files compiled into the core by cmake/headroom_embed.cmake.
#pragma once

#include <string_view>

namespace headroom::embedded {
std::string_view models_json();
std::string_view cards_json();
}  // namespace headroom::embedded
