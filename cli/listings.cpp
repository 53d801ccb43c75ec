#include "listings.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "headroom/kv_dtype.h"
#include "headroom/runtime.h"
#include "headroom/units.h"
#include "headroom/weight_format.h"

namespace headroom::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& doc) { return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

}  // namespace

std::string list_models(const Catalog& catalog, bool json) {
  if (json) {
    Json list = Json::array();
    for (const auto& m : catalog.models) {
      list.push_back({{"id", m.arch.id}, {"name", m.arch.name}, {"family", m.arch.family}, {"hf_repo", m.hf_repo},
                      {"params", total_params(m.arch)}, {"active_params", active_params(m.arch)},
                      {"params_reported", m.params_reported}, {"layers", m.arch.num_layers},
                      {"max_context_tokens", m.arch.max_context_tokens}, {"aliases", m.aliases}, {"source", m.arch.source}});
    }
    return dump({{"schema", "headroom.models.v1"}, {"models", list}});
  }
  std::string out;
  char row[256];
  std::snprintf(row, sizeof row, "%-34s %-12s %9s %9s %8s  %s\n", "id", "family", "params", "active", "context", "name");
  out += row;
  for (const auto& m : catalog.models) {
    std::snprintf(row, sizeof row, "%-34s %-12s %8.2fB %8.2fB %8llu  %s\n", m.arch.id.c_str(), m.arch.family.c_str(),
                  total_params(m.arch) / 1e9, active_params(m.arch) / 1e9,
                  static_cast<unsigned long long>(m.arch.max_context_tokens), m.arch.name.c_str());
    out += row;
  }
  return out;
}

std::string list_cards(const Catalog& catalog, bool json) {
  if (json) {
    Json list = Json::array();
    for (const auto& c : catalog.cards) {
      list.push_back({{"id", c.id}, {"name", c.name}, {"vendor", c.vendor}, {"segment", c.segment},
                      {"memory_bytes", c.memory_bytes}, {"usable_memory_bytes", c.usable_memory_bytes},
                      {"bandwidth_bytes_per_s", c.bandwidth_bytes_per_s},
                      {"bf16_flops_per_s", c.throughput.bf16_flops_per_s}, {"fp8_flops_per_s", c.throughput.fp8_flops_per_s},
                      {"l2_cache_bytes", c.l2_cache_bytes}, {"unified_memory", c.unified_memory}, {"sources", c.sources}});
    }
    return dump({{"schema", "headroom.cards.v1"}, {"cards", list}});
  }
  std::string out;
  char row[256];
  std::snprintf(row, sizeof row, "%-26s %-8s %11s %11s %10s %9s  %s\n", "id", "vendor", "memory", "usable", "bandwidth", "bf16 TF", "name");
  out += row;
  for (const auto& c : catalog.cards) {
    std::snprintf(row, sizeof row, "%-26s %-8s %11s %11s %10s %9.0f  %s\n", c.id.c_str(), c.vendor.c_str(),
                  format_bytes(static_cast<double>(c.memory_bytes)).c_str(), format_bytes(static_cast<double>(c.usable_memory_bytes)).c_str(),
                  format_bandwidth(c.bandwidth_bytes_per_s).c_str(), c.throughput.bf16_flops_per_s / 1e12, c.name.c_str());
    out += row;
  }
  return out;
}

std::string list_formats(bool json) {
  if (json) {
    Json formats = Json::array();
    for (const auto& f : weight_formats()) {
      Json quality = Json::array();
      for (const auto& q : f.quality) {
        quality.push_back({{"metric", q.metric}, {"value", q.value}, {"baseline", q.baseline}, {"model", q.model}, {"source", q.source}});
      }
      formats.push_back({{"id", f.id}, {"name", f.name}, {"family", f.family}, {"bits_per_weight", f.nominal_bits_per_weight},
                         {"description", f.description}, {"runtimes", f.runtimes}, {"quality", quality}, {"source", f.source}});
    }
    Json kv = Json::array();
    for (const auto& k : kv_dtypes()) {
      kv.push_back({{"id", k.id}, {"bytes_per_element", k.bytes_per_element}, {"needs_flash_attention_for_v", k.needs_flash_attention_for_v},
                    {"runtimes", k.runtimes}, {"source", k.source}});
    }
    return dump({{"schema", "headroom.formats.v1"}, {"weight_formats", formats}, {"kv_cache_dtypes", kv}});
  }
  std::string out = "weight formats\n";
  char row[512];
  for (const auto& f : weight_formats()) {
    std::snprintf(row, sizeof row, "  %-14s %-6s %5.2f bpw  %s\n", f.id.c_str(), f.family.c_str(), f.nominal_bits_per_weight,
                  quality_summary(f).c_str());
    out += row;
  }
  out += "\nKV cache dtypes\n";
  for (const auto& k : kv_dtypes()) {
    std::string runtimes;
    for (const auto& r : k.runtimes) runtimes += (runtimes.empty() ? "" : ",") + r;
    std::snprintf(row, sizeof row, "  %-10s %6.4f bytes/element  %s%s\n", k.id.c_str(), k.bytes_per_element, runtimes.c_str(),
                  k.needs_flash_attention_for_v ? "  (V needs flash attention in llama.cpp)" : "");
    out += row;
  }
  return out;
}

std::string list_runtimes(bool json) {
  if (json) {
    Json list = Json::array();
    for (const auto& r : runtime_profiles()) {
      list.push_back({{"id", r.key}, {"name", r.name}, {"budget_rule", r.budget_rule}, {"source", r.source}});
    }
    return dump({{"schema", "headroom.runtimes.v1"}, {"runtimes", list}});
  }
  std::string out;
  for (const auto& r : runtime_profiles()) out += std::string("  ") + r.key + "\t" + r.name + "\n      " + r.budget_rule + "\n";
  return out;
}

}  // namespace headroom::cli
