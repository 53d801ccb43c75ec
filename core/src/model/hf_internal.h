// Shared inside model/: small config.json readers and the per-family layer readers that
// parse_hf_config (hf_config.cpp) calls for hybrid (hf_hybrid.cpp) and other families whose
// layers differ (hf_families.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "headroom/model.h"

namespace headroom::hf {

using json_util::Json;

inline Error missing(const std::string& field) {
  return parse_failure("config." + field, "is missing or not a non-negative integer");
}

inline std::uint32_t read_optional(const Json& config, const char* key, std::uint32_t fallback) {
  auto value = json_util::get_uint(config, key);
  return value && *value <= 0xFFFFFFFFull ? static_cast<std::uint32_t>(*value) : fallback;
}

// True for the families hf_hybrid.cpp reads (recurrent or per-layer mixers).
bool is_hybrid_family(const std::string& family);

// Layer kinds (attention / recurrent state / FFN) and mixer widths of a hybrid family; called
// after the common fields (hidden_size, heads, MoE) are read.
std::optional<Error> read_hybrid(const Json& config, ModelArch& arch);

// Renames one family's keys to the common ones before parsing (ERNIE's moe_num_experts...), so
// the generic reader counts it; returns the refusal when a family's shape is not supported.
std::optional<Error> normalize_family_keys(Json& config, const std::string& family);

// Per-layer FFN kinds and family flags after the common read (GLM first dense layers, ERNIE's
// MoE interval, Phi's non-gated MLP, Llama 4 interleaving ...).
std::optional<Error> read_family_layers(const Json& config, ModelArch& arch);

// Kimi Linear / Kimi-K3 text (hf_kimi_linear.cpp): key renames before the common read, the
// per-layer KDA / MLA / MoE kinds after it (called from read_hybrid), and K3's MoonViT3d tower.
std::optional<Error> normalize_kimi_linear(Json& config);
std::optional<Error> read_kimi_linear(const Json& config, ModelArch& arch);
// A LatentMoE width under `key` (nemotron_h moe_latent_size, kimi_linear
// routed_expert_hidden_size): 1 to hidden_size, on a model with routed experts; absent or null
// leaves arch.moe_latent_size 0.
std::optional<Error> read_moe_latent(const Json& config, const char* key, ModelArch& arch);
std::optional<Error> read_kimi_vision(const Json& vision, ModelArch& arch);

// Nemotron-NAS: derives intermediate_size and num_key_value_heads from block_configs so the
// common reader can run (hf_shapes.cpp).
std::optional<Error> normalize_nemotron_nas(Json& config);

// Per-layer widths (Gemma 4, MiMo-V2-Flash, Nemotron-NAS) and the sparse-attention indexer
// (DeepSeek-V3.2, GLM-5), after the common read (hf_shapes.cpp).
std::optional<Error> read_layer_shapes(const Json& config, ModelArch& arch);

// A per-layer list of 0/1 flags under `key` (MiMo-V2's hybrid_layer_pattern and moe_layer_freq,
// MiniMax-M3's sparse_attention_freq ...), one entry per layer; errors name `field`.
std::optional<Error> read_flags(const Json& parent, const char* key, const std::string& field,
                                std::uint32_t layers, std::vector<bool>& out);

// MiniMax-M3: dense / MoE layers, per-head q/k norms and MiniMax sparse attention
// (hf_minimax_m3.cpp).
std::optional<Error> read_minimax_m3(const Json& config, ModelArch& arch);

}  // namespace headroom::hf
