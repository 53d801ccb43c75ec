// Looking up weight formats by id or alias, and summarising their quality cost in one line.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "base/text_match.h"
#include "headroom/weight_format.h"

namespace headroom {
namespace {

// Lower case, '-' and '.' folded into '_', so "Q4-K-M", "fp8_block", "bnb.nf4" all match.
std::string canonical(std::string_view id) {
  std::string out(id);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return (c == '-' || c == '.') ? '_' : static_cast<char>(std::tolower(c));
  });
  return out;
}

// Alternative spellings users and runtimes use, mapped to catalog ids.
constexpr std::pair<const char*, const char*> kAliases[] = {
    {"bfloat16", "bf16"},
    {"float16", "fp16"},
    {"half", "fp16"},
    {"float32", "fp32"},
    {"f32", "fp32"},
    {"fp8_e4m3", "fp8"},
    {"fp8_static", "fp8"},
    {"fp8_dynamic", "fp8-channel"},
    {"fp8_rowwise", "fp8-channel"},
    {"fp8_per_channel", "fp8-channel"},
    {"deepseek_fp8", "fp8-block"},
    {"fp8_block128", "fp8-block"},
    {"w8a8", "int8"},
    {"int8_w8a8", "int8"},
    {"smoothquant", "int8"},
    {"awq_int4", "awq"},
    {"awq_g128", "awq"},
    {"gptq_int4", "gptq"},
    {"gptq_g128", "gptq"},
    {"w4a16", "gptq"},
    {"nf4", "bnb-nf4"},
    {"bnb_4bit", "bnb-nf4"},
    {"bitsandbytes", "bnb-nf4"},
    {"nf4_nodq", "bnb-nf4-nodq"},
    {"bnb_8bit", "bnb-int8"},
    {"llm_int8", "bnb-int8"},
    {"mxfp4_moe", "mxfp4-gguf"},
    {"modelopt_fp4", "nvfp4"},  // vLLM's --quantization name for ModelOpt NVFP4
    {"w4a16_nvfp4", "nvfp4"},   // ModelOpt quant_algo: the same weights, weight-only kernels
    {"nvfp4_mlp_only", "nvfp4-mlp"},
    {"q4_k", "q4_k_m"},
    {"q5_k", "q5_k_m"},
    {"q3_k", "q3_k_m"},
    {"gguf_f16", "f16"},
    {"gguf_bf16", "bf16-gguf"},
    {"original", "native"},
};

// Formats holding the same weights in the Hugging Face and the GGUF world.
constexpr std::pair<const char*, const char*> kCounterparts[] = {
    {"fp16", "f16"},
    {"bf16", "bf16-gguf"},
    {"mxfp4", "mxfp4-gguf"},  // gpt-oss's experts stay MXFP4; the GGUF stores the rest as Q8_0
};

bool serves(const WeightFormat& format, std::string_view runtime) {
  return std::find(format.runtimes.begin(), format.runtimes.end(), runtime) !=
         format.runtimes.end();
}

// The integer bits of a format's main type: 4 for q4_k_m, awq and nf4, 8 for q8_0 and fp8.
int width_bits(const WeightFormat& format) {
  return static_cast<int>(std::floor(bits_per_element(format.main_dtype)));
}

std::string format_number(double value, int decimals, bool with_sign) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, with_sign ? "%+.*f" : "%.*f", decimals, value);
  return buffer;
}

// Decimals that keep small deltas readable: 0.0059 -> "0.0059", 0.196 -> "0.196", 3.88 -> "3.88".
int decimals_for(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude == 0.0 || magnitude >= 10.0) return 1;
  if (magnitude >= 1.0) return 2;
  if (magnitude >= 0.1) return 3;
  return 4;
}

const QualityCost* find_metric(const WeightFormat& format, std::string_view metric) {
  for (const auto& cost : format.quality) {
    if (cost.metric == metric) return &cost;
  }
  return nullptr;
}

std::string describe(const QualityCost& cost) {
  const std::string tail = " vs " + cost.baseline + " on " + cost.model + "; " + cost.source;
  if (cost.metric == "ppl_delta_pct") return format_number(cost.value, 1, true) + "% PPL" + tail;
  if (cost.metric == "recovery_pct") {
    return format_number(cost.value, 1, false) + "% score recovery" + tail;
  }
  if (cost.metric == "mmlu_delta_pts") {
    return format_number(cost.value, 1, true) + " MMLU pts" + tail;
  }
  if (cost.metric == "loss_delta_pct") {
    return "<" + format_number(cost.value, 2, false) + "% loss" + tail;
  }
  return format_number(cost.value, decimals_for(cost.value), true) + " " + cost.metric + tail;
}

}  // namespace

Result<const WeightFormat*> find_weight_format(std::string_view id) {
  std::string key = canonical(id);
  for (const auto& [alias, target] : kAliases) {
    if (key == alias) key = canonical(target);
  }
  std::string known;
  for (const auto& format : weight_formats()) {
    if (key == canonical(format.id)) return &format;
    known += (known.empty() ? "" : ", ") + format.id;
  }
  // Without separators ("q4km"): only where exactly one format squeezes to the same letters.
  const std::string bare = squeeze(key);
  const WeightFormat* only = nullptr;
  int hits = 0;
  for (const auto& format : weight_formats()) {
    if (!bare.empty() && squeeze(format.id) == bare) {
      only = &format;
      ++hits;
    }
  }
  if (hits == 1) return only;
  return refused(ErrorCode::unknown_name, "quant",
                 "unknown weight format '" + std::string(id) + "' (known: " + known + ")");
}

const WeightFormat* counterpart_for_runtime(const WeightFormat& format, std::string_view runtime) {
  if (serves(format, runtime)) return nullptr;
  for (const auto& [hf, gguf] : kCounterparts) {
    const char* other = format.id == hf ? gguf : format.id == gguf ? hf : nullptr;
    if (other == nullptr) continue;
    auto found = find_weight_format(other);
    if (found && serves(*found.value(), runtime)) return found.value();
  }
  return nullptr;
}

std::string formats_at_width(const WeightFormat& format, std::string_view runtime) {
  const int wanted = width_bits(format);
  // The width served closest to the wanted one (the narrower on a tie), then its formats.
  int best = -1;
  for (const auto& other : weight_formats()) {
    if (other.family == "native" || !serves(other, runtime)) continue;
    const int width = width_bits(other);
    if (best < 0 || std::abs(width - wanted) < std::abs(best - wanted) ||
        (std::abs(width - wanted) == std::abs(best - wanted) && width < best)) {
      best = width;
    }
  }
  if (best < 0) return "";
  std::string list;
  for (const auto& other : weight_formats()) {
    if (other.family == "native" || !serves(other, runtime) || width_bits(other) != best) continue;
    list += (list.empty() ? "" : ", ") + other.id;
  }
  return list + " at " + std::to_string(best) + " bits";
}

std::string quality_summary(const WeightFormat& format) {
  if (format.quality.empty()) return "reference precision (no quantization loss)";
  const QualityCost* absolute = find_metric(format, "ppl_delta");
  const QualityCost* relative = find_metric(format, "ppl_delta_pct");
  if (absolute != nullptr) {
    std::string line = format_number(absolute->value, decimals_for(absolute->value), true) + " PPL";
    if (relative != nullptr && relative->model == absolute->model) {
      line += " (" + format_number(relative->value, 1, true) + "%)";
    }
    return line + " vs " + absolute->baseline + " on " + absolute->model + "; " + absolute->source;
  }
  if (relative != nullptr && relative->baseline == "native" && relative->value == 0.0) {
    return "no loss vs the released weights (" + relative->model + "); " + relative->source;
  }
  return describe(format.quality.front());
}

}  // namespace headroom
