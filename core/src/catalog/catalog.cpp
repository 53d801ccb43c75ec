// Parses the models and cards catalogs (schemas in docs/data-files.md).
#include "headroom/catalog.h"
#include "headroom/documents.h"

#include "base/embedded.h"
#include "base/json_util.h"

namespace headroom {
namespace {

using json_util::Json;

Result<Json> parse_catalog(std::string_view text, const char* schema, const char* list_key) {
  auto doc = json_util::parse(text);
  if (!doc || !doc->is_object()) return parse_failure(list_key, "catalog is not a JSON object");
  if (json_util::get_string(*doc, "schema").value_or("") != schema) {
    return parse_failure(std::string(list_key) + ".schema", std::string("must be ") + schema);
  }
  const Json* list = json_util::find(*doc, list_key);
  if (list == nullptr || !list->is_array()) return parse_failure(list_key, "must be an array");
  return *list;
}

double tflops(const Json& card, const char* key) {
  const Json* table = json_util::find(card, "tflops");
  if (table == nullptr) return 0;
  return json_util::get_number(*table, key).value_or(0) * 1e12;
}

std::string join_sources(const Json& card) {
  std::string text;
  const Json* sources = json_util::find(card, "sources");
  if (sources == nullptr || !sources->is_object()) return text;
  for (const auto& [key, value] : sources->items()) {
    if (!value.is_string()) continue;
    if (!text.empty()) text += "; ";
    text += key + ": " + value.get<std::string>();
  }
  return text;
}

}  // namespace

Result<std::vector<CatalogModel>> parse_models_catalog(std::string_view json_text) {
  auto list = parse_catalog(json_text, kModelsDataSchema, "models");
  if (!list) return list.error();
  std::vector<CatalogModel> models;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string where = "models[" + std::to_string(i) + "]";
    auto id = json_util::get_string(entry, "id");
    const Json* config = json_util::find(entry, "config");
    if (!id || config == nullptr) return parse_failure(where, "needs an id and a config");
    // A ModelOpt checkpoint keeps its quantization in hf_quant_config.json beside config.json;
    // an entry may carry that file too, merged as a user's pair of files is.
    std::string config_text = config->dump();
    if (const Json* quant = json_util::find(entry, "hf_quant_config")) {
      auto merged = with_hf_quant_config(config_text, quant->dump());
      if (!merged) return parse_failure(where + " (" + *id + ")", merged.error().message);
      config_text = std::move(merged).value();
    }
    auto arch = parse_hf_config(config_text, *id);
    if (!arch) return parse_failure(where + " (" + *id + ")", arch.error().message);
    CatalogModel model;
    model.arch = std::move(arch).value();
    model.arch.name = json_util::get_string(entry, "name").value_or(*id);
    model.hf_repo = json_util::get_string(entry, "hf_repo").value_or("");
    model.params_reported = json_util::get_uint(entry, "params_reported").value_or(0);
    if (const Json* sources = json_util::find(entry, "sources")) {
      model.arch.source = json_util::get_string(*sources, "config").value_or("");
      model.params_source = json_util::get_string(*sources, "params").value_or("");
    }
    if (const Json* aliases = json_util::find(entry, "aliases"); aliases && aliases->is_array()) {
      for (const auto& alias : *aliases) {
        if (alias.is_string()) model.aliases.push_back(alias.get<std::string>());
      }
    }
    models.push_back(std::move(model));
  }
  return models;
}

Result<std::vector<Card>> parse_cards_catalog(std::string_view json_text) {
  auto list = parse_catalog(json_text, kCardsDataSchema, "cards");
  if (!list) return list.error();
  std::vector<Card> cards;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string where = "cards[" + std::to_string(i) + "]";
    Card card;
    card.id = json_util::get_string(entry, "id").value_or("");
    card.name = json_util::get_string(entry, "name").value_or(card.id);
    card.vendor = json_util::get_string(entry, "vendor").value_or("");
    card.segment = json_util::get_string(entry, "segment").value_or("");
    card.architecture = json_util::get_string(entry, "architecture").value_or("");
    card.memory_bytes = json_util::get_uint(entry, "memory_bytes").value_or(0);
    card.usable_memory_bytes =
        json_util::get_uint(entry, "usable_memory_bytes").value_or(card.memory_bytes);
    card.memory_type = json_util::get_string(entry, "memory_type").value_or("");
    card.bandwidth_bytes_per_s = json_util::get_number(entry, "bandwidth_bytes_per_s").value_or(0);
    card.throughput =
        CardThroughput{tflops(entry, "fp16"), tflops(entry, "bf16"), tflops(entry, "fp8"),
                       tflops(entry, "int8"), tflops(entry, "int4"), tflops(entry, "fp4")};
    if (card.throughput.bf16_flops_per_s == 0)
      card.throughput.bf16_flops_per_s = card.throughput.fp16_flops_per_s;
    if (card.throughput.fp16_flops_per_s == 0)
      card.throughput.fp16_flops_per_s = card.throughput.bf16_flops_per_s;
    card.l2_cache_bytes = json_util::get_uint(entry, "l2_cache_bytes").value_or(0);
    card.interconnect = json_util::get_string(entry, "interconnect").value_or("");
    card.unified_memory = json_util::get_bool(entry, "unified_memory").value_or(false);
    if (const Json* vulkan = json_util::find(entry, "vulkan")) {
      card.vulkan_vendor_id =
          static_cast<std::uint32_t>(json_util::get_uint(*vulkan, "vendor_id").value_or(0));
      if (const Json* ids = json_util::find(*vulkan, "device_ids"); ids && ids->is_array()) {
        for (const auto& device : *ids) {
          if (device.is_number_unsigned())
            card.vulkan_device_ids.push_back(device.get<std::uint32_t>());
        }
      }
    }
    // Device names drivers report (nvidia-smi, Vulkan) that the catalog name does not spell.
    if (const Json* aliases = json_util::find(entry, "aliases"); aliases && aliases->is_array()) {
      for (const auto& alias : *aliases) {
        if (alias.is_string()) card.aliases.push_back(alias.get<std::string>());
      }
    }
    card.sources = join_sources(entry);
    if (card.id.empty() || card.memory_bytes == 0 || card.usable_memory_bytes > card.memory_bytes ||
        card.bandwidth_bytes_per_s <= 0 || card.throughput.fp16_flops_per_s <= 0) {
      return parse_failure(
          where + " (" + card.id + ")",
          "needs id, memory_bytes >= usable_memory_bytes, bandwidth and fp16/bf16 tflops");
    }
    cards.push_back(std::move(card));
  }
  return cards;
}

Result<Catalog> load_builtin_catalog() {
  auto models = parse_models_catalog(embedded::models_json());
  if (!models) return models.error();
  auto cards = parse_cards_catalog(embedded::cards_json());
  if (!cards) return cards.error();
  return Catalog{std::move(models).value(), std::move(cards).value()};
}

const Card* Catalog::find_card_by_vulkan_id(std::uint32_t vendor_id,
                                            std::uint32_t device_id) const {
  for (const auto& card : cards) {
    if (card.vulkan_vendor_id != vendor_id) continue;
    for (std::uint32_t id : card.vulkan_device_ids) {
      if (id == device_id) return &card;
    }
  }
  return nullptr;
}

}  // namespace headroom
