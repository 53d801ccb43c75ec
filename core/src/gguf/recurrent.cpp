// GGUF hybrids: which layers keep a recurrent state and its widths, from the keys llama.cpp
// reads (src/llama-arch.cpp LLM_KV_SSM_*, LLM_KV_SHORTCONV_L_CACHE, full_attention_interval;
// per-arch rules in llama_model::create_memory, research/model-families-2026.md §2).
#include <string>

#include "gguf/recurrent.h"

namespace headroom {
namespace {

std::uint32_t u32(const GgufHeader& header, const std::string& key, std::uint32_t fallback) {
  const auto v = header.get_uint(key);
  return v && *v <= 0xFFFFFFFFull ? static_cast<std::uint32_t>(*v) : fallback;
}

// The per-layer integer array under `key`, or the scalar repeated; empty when absent.
std::vector<std::uint32_t> per_layer(const GgufHeader& header, const std::string& key,
                                     std::uint32_t layers) {
  const GgufValue* value = header.find(key);
  if (value == nullptr) return {};
  if (const auto* array = std::get_if<GgufArray>(value)) {
    std::vector<std::uint32_t> out;
    if (!array->has_ints() || array->length != layers) return {};
    for (const std::int64_t v : array->ints)
      out.push_back(v > 0 ? static_cast<std::uint32_t>(v) : 0);
    return out;
  }
  const auto v = header.get_uint(key);
  if (!v) return {};
  return std::vector<std::uint32_t>(layers, static_cast<std::uint32_t>(*v));
}

}  // namespace

bool is_gguf_hybrid(std::string_view arch) {
  return arch == "qwen3next" || arch == "qwen35" || arch == "qwen35moe" || arch == "nemotron_h" ||
         arch == "nemotron_h_moe" || arch == "granitehybrid" || arch == "falcon-h1" ||
         arch == "jamba" || arch == "lfm2";
}

std::optional<Error> set_recurrent_layers(const GgufHeader& header, const std::string& family,
                                          ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  const std::string p = family + ".";
  RecurrentDims& r = a.recurrent;
  const auto kv_heads = per_layer(header, p + "attention.head_count_kv", n);
  const auto ff = per_layer(header, p + "feed_forward_length", n);
  if (a.layer_attention.empty()) a.layer_attention.assign(n, AttentionKind::full);
  a.layer_state.assign(n, StateKind::none);
  if (family == "lfm2") {
    // LFM2: layers without KV heads are short convolutions, n_embd_r = n_embd x (l_cache - 1).
    r.conv_kernel = u32(header, p + "shortconv.l_cache", 0);
    if (r.conv_kernel == 0)
      return parse_failure("gguf.metadata['" + p + "shortconv.l_cache']", "is missing");
    for (std::uint32_t i = 0; i < n; ++i) {
      if (kv_heads.size() == n && kv_heads[i] == 0) {
        a.layer_state[i] = StateKind::short_conv;
        a.layer_attention[i] = AttentionKind::none;
      }
    }
    return std::nullopt;
  }
  r.conv_kernel = u32(header, p + "ssm.conv_kernel", 0);
  r.d_inner = u32(header, p + "ssm.inner_size", 0);
  r.d_state = u32(header, p + "ssm.state_size", 0);
  r.n_groups = u32(header, p + "ssm.group_count", 0);
  r.n_heads = u32(header, p + "ssm.time_step_rank", 0);
  for (const char* key : {"ssm.conv_kernel", "ssm.inner_size", "ssm.state_size"}) {
    if (!header.get_uint(p + key))
      return parse_failure("gguf.metadata['" + p + key + "']",
                           "is missing (needed for the recurrent state of " + family + ")");
  }
  // Mamba-2's n_embd_r = (d_conv - 1)(d_inner + 2 G N) and n_embd_s = N d_inner hold for every
  // ssm architecture llama.cpp has: Mamba-1 (Jamba) has G = 0; Gated DeltaNet (Qwen3-Next)
  // stores nk as group_count and dk as state_size, nv dv as inner_size.
  StateKind kind = StateKind::mamba2;
  if (family == "jamba") kind = StateKind::mamba1;
  if (family == "qwen3next" || family == "qwen35" || family == "qwen35moe") {
    kind = StateKind::gated_deltanet;
    r.key_heads = r.n_groups;
    r.key_head_dim = r.d_state;
    r.value_heads = r.n_heads;
    r.value_head_dim = r.n_heads > 0 ? r.d_inner / r.n_heads : 0;
    const std::uint32_t interval = u32(header, p + "full_attention_interval", 4);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (interval == 0 || (i + 1) % interval != 0) {
        a.layer_state[i] = kind;
        a.layer_attention[i] = AttentionKind::none;
      }
    }
    return std::nullopt;
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    if (family == "falcon-h1") {
      a.layer_state[i] = kind;  // attention and Mamba-2 in every layer
      continue;
    }
    const bool no_kv = kv_heads.size() == n && kv_heads[i] == 0;
    // Nemotron-H: MLP/MoE layers (feed_forward_length > 0) hold neither KV nor state.
    const bool ffn_layer =
        (family == "nemotron_h" || family == "nemotron_h_moe") && ff.size() == n && ff[i] > 0;
    if (no_kv) a.layer_attention[i] = AttentionKind::none;
    if (no_kv && !ffn_layer) a.layer_state[i] = kind;
  }
  return std::nullopt;
}

}  // namespace headroom
