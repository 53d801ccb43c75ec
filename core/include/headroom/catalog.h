// The built-in catalogs (models, cards), parsed from the JSON embedded at build time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "headroom/card.h"
#include "headroom/model.h"
#include "headroom/result.h"

namespace headroom {

struct CatalogModel {
  ModelArch arch;
  std::string hf_repo;
  std::vector<std::string> aliases;
  std::uint64_t params_reported = 0;
  std::string params_source;
};

struct Catalog {
  std::vector<CatalogModel> models;
  std::vector<Card> cards;

  // Lookups by id, alias or Hugging Face repo (case-insensitive); errors list close matches.
  Result<const CatalogModel*> find_model(std::string_view id) const;
  Result<const Card*> find_card(std::string_view id) const;
  // The card a Vulkan device reports (PCI vendor and device id); nullptr when not catalogued.
  const Card* find_card_by_vulkan_id(std::uint32_t vendor_id, std::uint32_t device_id) const;
};

Result<std::vector<CatalogModel>> parse_models_catalog(std::string_view json_text);
Result<std::vector<Card>> parse_cards_catalog(std::string_view json_text);
// Both embedded catalogs; an error here is a build defect, reported like any other.
Result<Catalog> load_builtin_catalog();

}  // namespace headroom
