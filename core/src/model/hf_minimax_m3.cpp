// MiniMax-M3 (config.json model_type "minimax_m3"): GQA attention with per-head q/k norms, MiniMax
// sparse attention on the layers sparse_attention_config.sparse_attention_freq marks, dense FFNs
// of dense_intermediate_size where moe_layer_freq is 0, and MoE layers of num_local_experts
// experts of intermediate_size plus n_shared_experts shared experts of intermediate_size.
// Module names and widths from sgl-project/sglang python/sglang/srt/models/minimax_m3.py
// @01b5f572b7b678e2fa5a727881f1ff3ab4dd3c6d (MiniMaxM3Attention: qkv_proj, o_proj, q_norm /
// k_norm of head_dim, and on sparse layers index_qkv_proj = index_q_proj (sparse_num_index_heads
// x sparse_index_dim) + index_k_proj (one head of sparse_index_dim) with index_q_norm /
// index_k_norm, index_v_proj and index_o_proj only where sparse_disable_index_value is 0;
// MiniMaxM3MoE: gate, experts of config.intermediate_size, shared_experts of intermediate_size x
// n_shared_experts; MiniMaxM3DecoderLayer: MiniMaxM3MLP of dense_intermediate_size where
// moe_layer_freq[i] == 0). The cache is modelled in runtime/kv_layout.cpp.
#include <string>
#include <vector>

#include "model/hf_internal.h"

namespace headroom::hf {
namespace {

Error not_modelled(const std::string& field, const std::string& why) {
  return refused(ErrorCode::unsupported, field, "MiniMax-M3 " + why + " is not modelled");
}

// A positive width under sparse_attention_config, at most `high`.
std::optional<Error> read_width(const Json& sparse, const char* key, std::uint32_t high,
                                std::uint32_t& out) {
  const std::string field = std::string("config.sparse_attention_config.") + key;
  const auto value = json_util::get_uint(sparse, key);
  if (!value || *value == 0) return parse_failure(field, "is missing or not a positive integer");
  if (*value > high) return invalid(field, "must be at most " + std::to_string(high));
  out = static_cast<std::uint32_t>(*value);
  return std::nullopt;
}

std::optional<Error> read_sparse_attention(const Json& c, ModelArch& a) {
  const Json* sparse = json_util::find(c, "sparse_attention_config");
  if (sparse == nullptr) return std::nullopt;  // dense attention on every layer
  if (!sparse->is_object())
    return parse_failure("config.sparse_attention_config", "must be an object");
  if (!json_util::get_bool(*sparse, "use_sparse_attention").value_or(true)) return std::nullopt;
  const std::string prefix = "config.sparse_attention_config.";
  std::vector<bool> sparse_layers;
  if (auto error = read_flags(*sparse, "sparse_attention_freq", prefix + "sparse_attention_freq",
                              a.num_layers, sparse_layers))
    return error;
  bool any = false;
  for (const bool s : sparse_layers) any = any || s;
  if (!any) return std::nullopt;
  // SGLang builds index_v_proj / index_o_proj and an index V cache on sparse layers whose
  // sparse_disable_index_value entry is 0; no published M3 layer has them, and a config without
  // the list does not say which layers would.
  std::vector<bool> no_value;
  if (json_util::find(*sparse, "sparse_disable_index_value") == nullptr)
    return not_modelled(prefix + "sparse_disable_index_value",
                        "without sparse_disable_index_value (which sparse layers carry an index "
                        "value path)");
  if (auto error = read_flags(*sparse, "sparse_disable_index_value",
                              prefix + "sparse_disable_index_value", a.num_layers, no_value))
    return error;
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    if (sparse_layers[i] && !no_value[i])
      return not_modelled(prefix + "sparse_disable_index_value",
                          "sparse layer " + std::to_string(i) +
                              " with an index value path (index_v_proj, index_o_proj and an "
                              "index V cache)");
  }
  std::uint32_t heads = 0, dim = 0, topk = 0, block = 0;
  if (auto error = read_width(*sparse, "sparse_num_index_heads", 4096, heads)) return error;
  if (auto error = read_width(*sparse, "sparse_index_dim", 4096, dim)) return error;
  if (auto error = read_width(*sparse, "sparse_topk_blocks", 1u << 15, topk)) return error;
  if (auto error = read_width(*sparse, "sparse_block_size", 1u << 15, block)) return error;
  // The forced initial and local blocks are part of the sparse_topk_blocks budget, so a query
  // attends at most sparse_topk_blocks x sparse_block_size tokens (the budget the MiniMax-M3
  // FLOPs accounting of NVIDIA NeMo Automodel, nemo_automodel/components/models/minimax_m3_vl,
  // counts; it refuses configs where they do not fit).
  const std::uint32_t forced = read_optional(*sparse, "sparse_init_block", 0) +
                               read_optional(*sparse, "sparse_local_block", 1);
  if (forced > topk)
    return invalid(
        prefix + "sparse_topk_blocks",
        "must hold sparse_init_block + sparse_local_block (" + std::to_string(forced) + ")");
  a.index_n_heads = heads;
  a.index_head_dim = dim;
  a.index_block_tokens = block;
  a.index_topk = topk * block;
  a.layer_owns_indexer = sparse_layers;
  return std::nullopt;
}

}  // namespace

std::optional<Error> read_minimax_m3(const Json& c, ModelArch& a) {
  if (json_util::get_bool(c, "attention_output_gate").value_or(false))
    return not_modelled("config.attention_output_gate", "attention output gate");
  // SGLang's default qk_norm_type is per_layer (one norm over all heads); only per_head norms
  // (head_dim weights, what the published config uses) are modelled.
  const std::string norm = json_util::get_string(c, "qk_norm_type").value_or("per_layer");
  if (!json_util::get_bool(c, "use_qk_norm").value_or(false) || norm != "per_head")
    return not_modelled("config.qk_norm_type", "attention without per_head q/k norms");

  // FFN widths as SGLang builds them: routed and shared experts from intermediate_size, dense
  // layers from dense_intermediate_size.
  const std::uint32_t expert_width = read_optional(c, "intermediate_size", 0);
  if (expert_width == 0) return missing("intermediate_size");
  std::vector<bool> moe_layers(a.num_layers, true);  // SGLang: no moe_layer_freq, all MoE
  if (json_util::find(c, "moe_layer_freq") != nullptr) {
    if (auto error =
            read_flags(c, "moe_layer_freq", "config.moe_layer_freq", a.num_layers, moe_layers))
      return error;
  }
  a.layer_ffn.assign(a.num_layers, FfnKind::dense);
  bool any_dense = false, any_moe = false;
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    if (moe_layers[i]) {
      a.layer_ffn[i] = FfnKind::moe;
      any_moe = true;
    } else {
      any_dense = true;
    }
  }
  if (any_moe && a.num_experts == 0) return missing("num_local_experts");
  if (any_dense) {
    a.intermediate_size = read_optional(c, "dense_intermediate_size", 0);
    if (a.intermediate_size == 0) return missing("dense_intermediate_size");
  }
  a.moe_intermediate_size = expert_width;
  a.num_shared_experts = read_optional(c, "n_shared_experts", 0);
  const std::uint64_t shared = std::uint64_t{a.num_shared_experts} * expert_width;
  if (shared > (1u << 22)) return invalid("config.n_shared_experts", "is implausibly large");
  a.shared_expert_intermediate_size = static_cast<std::uint32_t>(shared);
  if (const auto declared = json_util::get_uint(c, "shared_intermediate_size");
      declared && *declared != shared)
    return not_modelled("config.shared_intermediate_size",
                        "shared expert width other than intermediate_size x n_shared_experts "
                        "(what SGLang builds)");
  return read_sparse_attention(c, a);
}

}  // namespace headroom::hf
