#include "listings.h"

#include <cstdio>

#include "headroom/documents.h"
#include "headroom/kv_dtype.h"
#include "headroom/runtime.h"
#include "headroom/units.h"
#include "headroom/weight_format.h"

namespace headroom::cli {

std::string list_models(const Catalog& catalog, bool json) {
  if (json) return models_json_text(catalog);
  std::string out;
  char row[256];
  std::snprintf(row, sizeof row, "%-34s %-12s %9s %9s %8s  %s\n", "id", "family", "params",
                "active", "context", "name");
  out += row;
  for (const auto& m : catalog.models) {
    std::snprintf(row, sizeof row, "%-34s %-12s %8.2fB %8.2fB %8llu  %s\n", m.arch.id.c_str(),
                  m.arch.family.c_str(), static_cast<double>(total_params(m.arch)) / 1e9,
                  static_cast<double>(active_params(m.arch)) / 1e9,
                  static_cast<unsigned long long>(m.arch.max_context_tokens), m.arch.name.c_str());
    out += row;
  }
  return out;
}

std::string list_cards(const Catalog& catalog, bool json) {
  if (json) return cards_json_text(catalog);
  std::string out;
  char row[256];
  std::snprintf(row, sizeof row, "%-26s %-8s %11s %11s %10s %9s  %s\n", "id", "vendor", "memory",
                "usable", "bandwidth", "bf16 TF", "name");
  out += row;
  for (const auto& c : catalog.cards) {
    std::snprintf(row, sizeof row, "%-26s %-8s %11s %11s %10s %9.0f  %s\n", c.id.c_str(),
                  c.vendor.c_str(), format_bytes(static_cast<double>(c.memory_bytes)).c_str(),
                  format_bytes(static_cast<double>(c.usable_memory_bytes)).c_str(),
                  format_bandwidth(c.bandwidth_bytes_per_s).c_str(),
                  c.throughput.bf16_flops_per_s / 1e12, c.name.c_str());
    out += row;
  }
  return out;
}

std::string list_formats(bool json) {
  if (json) return formats_json_text();
  std::string out = "weight formats\n";
  char row[512];
  for (const auto& f : weight_formats()) {
    std::snprintf(row, sizeof row, "  %-14s %-6s %5.2f bpw  %s\n", f.id.c_str(), f.family.c_str(),
                  f.nominal_bits_per_weight, quality_summary(f).c_str());
    out += row;
  }
  out += "\nKV cache dtypes\n";
  for (const auto& k : kv_dtypes()) {
    std::string runtimes;
    for (const auto& r : k.runtimes) runtimes += (runtimes.empty() ? "" : ",") + r;
    std::snprintf(row, sizeof row, "  %-10s %6.4f bytes/element  %s%s\n", k.id.c_str(),
                  k.bytes_per_element, runtimes.c_str(),
                  k.needs_flash_attention_for_v ? "  (V needs flash attention in llama.cpp)" : "");
    out += row;
  }
  return out;
}

std::string list_runtimes(bool json) {
  if (json) return runtimes_json_text();
  std::string out;
  for (const auto& r : runtime_profiles())
    out += std::string("  ") + r.key + "\t" + r.name + "\n      " + r.budget_rule + "\n";
  return out;
}

}  // namespace headroom::cli
