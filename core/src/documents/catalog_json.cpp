#include "headroom/documents.h"

#include <nlohmann/json.hpp>

#include "headroom/kv_dtype.h"
#include "headroom/runtime.h"
#include "headroom/weight_format.h"

namespace headroom {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& doc) {
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// What any model has, from a catalog or from a file the front end read.
Json model_summary(const ModelArch& arch) {
  return {{"id", arch.id},
          {"name", arch.name},
          {"family", arch.family},
          {"params", total_params(arch)},
          {"active_params", active_params(arch)},
          {"layers", arch.num_layers},
          {"max_context_tokens", arch.max_context_tokens},
          {"source", arch.source}};
}

}  // namespace

std::string models_json_text(const Catalog& catalog) {
  Json list = Json::array();
  for (const auto& m : catalog.models) {
    Json entry = model_summary(m.arch);
    entry["hf_repo"] = m.hf_repo;
    entry["params_reported"] = m.params_reported;
    entry["aliases"] = m.aliases;
    list.push_back(std::move(entry));
  }
  return dump({{"schema", kModelListSchema}, {"models", list}});
}

std::string model_response_json(const Result<ModelArch>& model) {
  if (!model) return error_response_json(model.error());
  Json summary = model_summary(model.value());
  summary["notes"] = model->notes;
  const Json response{{"ok", true}, {"model", std::move(summary)}};
  return response.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string cards_json_text(const Catalog& catalog) {
  Json list = Json::array();
  for (const auto& c : catalog.cards) {
    list.push_back({{"id", c.id},
                    {"name", c.name},
                    {"vendor", c.vendor},
                    {"segment", c.segment},
                    {"memory_bytes", c.memory_bytes},
                    {"usable_memory_bytes", c.usable_memory_bytes},
                    {"bandwidth_bytes_per_s", c.bandwidth_bytes_per_s},
                    {"bf16_flops_per_s", c.throughput.bf16_flops_per_s},
                    {"fp8_flops_per_s", c.throughput.fp8_flops_per_s},
                    {"l2_cache_bytes", c.l2_cache_bytes},
                    {"unified_memory", c.unified_memory},
                    {"sources", c.sources}});
  }
  return dump({{"schema", kCardListSchema}, {"cards", list}});
}

std::string formats_json_text() {
  Json formats = Json::array();
  for (const auto& f : weight_formats()) {
    Json quality = Json::array();
    for (const auto& q : f.quality) {
      quality.push_back({{"metric", q.metric},
                         {"value", q.value},
                         {"baseline", q.baseline},
                         {"model", q.model},
                         {"source", q.source}});
    }
    formats.push_back({{"id", f.id},
                       {"name", f.name},
                       {"family", f.family},
                       {"bits_per_weight", f.nominal_bits_per_weight},
                       {"description", f.description},
                       {"runtimes", f.runtimes},
                       {"quality", quality},
                       {"quality_summary", quality_summary(f)},
                       {"source", f.source}});
  }
  Json kv = Json::array();
  for (const auto& k : kv_dtypes()) {
    kv.push_back({{"id", k.id},
                  {"bytes_per_element", k.bytes_per_element},
                  {"needs_flash_attention_for_v", k.needs_flash_attention_for_v},
                  {"runtimes", k.runtimes},
                  {"source", k.source}});
  }
  return dump(
      {{"schema", kFormatListSchema}, {"weight_formats", formats}, {"kv_cache_dtypes", kv}});
}

std::string runtimes_json_text() {
  Json list = Json::array();
  for (const auto& r : runtime_profiles()) {
    list.push_back(
        {{"id", r.key}, {"name", r.name}, {"budget_rule", r.budget_rule}, {"source", r.source}});
  }
  return dump({{"schema", kRuntimeListSchema}, {"runtimes", list}});
}

Result<std::string> catalog_json_text(const Catalog& catalog, std::string_view kind) {
  if (kind == "models") return models_json_text(catalog);
  if (kind == "cards") return cards_json_text(catalog);
  if (kind == "formats") return formats_json_text();
  if (kind == "runtimes") return runtimes_json_text();
  return refused(
      ErrorCode::unknown_name, "kind",
      "unknown catalog '" + std::string(kind) + "' (known: models, cards, formats, runtimes)");
}

}  // namespace headroom
