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

// A model name as a user typed it, read against the catalog: a Hugging Face repo of a quantized
// derivative ("Qwen/Qwen3-8B-AWQ", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M") names the
// base model and, often, the weight format.
struct ModelName {
  const CatalogModel* model = nullptr;
  // The weight formats the name says, the likeliest first ("FP8" -> fp8, fp8-channel,
  // fp8-block); empty when it says none.
  std::vector<std::string> formats;
  bool any_gguf = false;  // "-GGUF" without a quant: every GGUF format agrees with the name
  // How the name was read ("'Qwen/Qwen3-8B-AWQ' read as model qwen3-8b with format awq"); "" for
  // a catalog id, alias or repo as listed.
  std::string note;
};

struct Catalog {
  std::vector<CatalogModel> models;
  std::vector<Card> cards;

  // Lookups by id, alias or Hugging Face repo (case-insensitive); errors list close matches.
  Result<const CatalogModel*> find_model(std::string_view id) const;
  // find_model, then a derivative's repo name read down to its base model (names.cpp).
  Result<ModelName> read_model_name(std::string_view text) const;
  // By id; else by the name as typed or as a driver reports it ("rtx4090", "4090", "NVIDIA
  // GeForce RTX 4090", "AMD Radeon RX 7900 XTX (RADV NAVI31)"), when it fits one card only.
  // Several fits are an error listing them; none, one naming the nearest ids.
  Result<const Card*> find_card(std::string_view text) const;
  // The card a Vulkan device reports (PCI vendor and device id); nullptr when not catalogued.
  const Card* find_card_by_vulkan_id(std::uint32_t vendor_id, std::uint32_t device_id) const;
};

Result<std::vector<CatalogModel>> parse_models_catalog(std::string_view json_text);
Result<std::vector<Card>> parse_cards_catalog(std::string_view json_text);
// Both embedded catalogs; an error here is a build defect, reported like any other.
Result<Catalog> load_builtin_catalog();

}  // namespace headroom
