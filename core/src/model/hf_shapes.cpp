// Families whose layers differ in width, not only in kind: Gemma 4 (global layers with their own
// head size and KV heads, K=V), MiMo-V2-Flash (sliding layers with their own KV heads),
// Nemotron-NAS / DeciLM (per-block attention and FFN widths, blocks without attention), and the
// DeepSeek sparse-attention indexer (DeepSeek-V3.2, GLM-5). Keys from transformers
// models/gemma4/modular_gemma4.py (Gemma4TextAttention), XiaomiMiMo/MiMo-V2-Flash config.json,
// nvidia/Llama-3_3-Nemotron-Super-49B-v1 modeling_decilm.py and deepseek-ai/DeepSeek-V3.2-Exp
// inference/model.py.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "model/hf_internal.h"

namespace headroom::hf {
namespace {

Error not_modelled(const std::string& family, const std::string& why) {
  return refused(ErrorCode::unsupported, "config.model_type",
                 "config.model_type '" + family + "' is not supported: " + why);
}

// Gemma 4: sliding layers use head_dim / num_key_value_heads; full layers use global_head_dim
// and, with attention_k_eq_v, num_global_key_value_heads and no v_proj. With enable_moe_block
// every layer runs its dense MLP beside the routed experts, which is a shared expert of
// intermediate_size in Headroom's terms.
std::optional<Error> read_gemma4(const Json& c, ModelArch& a) {
  if (read_optional(c, "hidden_size_per_layer_input", 0) > 0 ||
      read_optional(c, "num_kv_shared_layers", 0) > 0 ||
      json_util::get_bool(c, "use_double_wide_mlp").value_or(false)) {
    return not_modelled(a.family,
                        "per-layer embeddings (hidden_size_per_layer_input), KV shared across "
                        "the last num_kv_shared_layers layers and double-wide MLPs (Gemma 4 "
                        "E2B/E4B) are not modelled");
  }
  const bool k_eq_v = json_util::get_bool(c, "attention_k_eq_v").value_or(false);
  const std::uint32_t global_dim = read_optional(c, "global_head_dim", a.head_dim);
  const std::uint32_t global_kv =
      k_eq_v ? read_optional(c, "num_global_key_value_heads", a.num_kv_heads) : a.num_kv_heads;
  a.layer_shapes.assign(a.num_layers, LayerShape{});
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    if (a.attention_of(i) != AttentionKind::full) continue;
    LayerShape& s = a.layer_shapes[i];
    s.num_kv_heads = global_kv;
    s.head_dim = s.v_head_dim = global_dim;
    s.k_eq_v = k_eq_v;
  }
  const bool moe = json_util::get_bool(c, "enable_moe_block").value_or(false);
  if (!moe) {
    a.num_experts = 0;
  } else if (a.is_moe()) {
    a.num_shared_experts = 1;
    a.shared_expert_intermediate_size = a.intermediate_size;
  }
  return std::nullopt;
}

// MiMo-V2-Flash: hybrid_layer_pattern 1 = sliding (swa_* widths), 0 = global; moe_layer_freq
// 1 = MoE, 0 = dense.
std::optional<Error> read_mimo_v2(const Json& c, ModelArch& a) {
  std::vector<bool> sliding, moe;
  if (auto error = read_flags(c, "hybrid_layer_pattern", "config.hybrid_layer_pattern",
                              a.num_layers, sliding))
    return error;
  if (auto error = read_flags(c, "moe_layer_freq", "config.moe_layer_freq", a.num_layers, moe))
    return error;
  if (a.sliding_window_tokens == 0) return missing("sliding_window");
  a.v_head_dim = read_optional(c, "v_head_dim", a.head_dim);
  LayerShape swa;
  swa.num_heads = read_optional(c, "swa_num_attention_heads", a.num_heads);
  swa.num_kv_heads = read_optional(c, "swa_num_key_value_heads", a.num_kv_heads);
  swa.head_dim = read_optional(c, "swa_head_dim", a.head_dim);
  swa.v_head_dim = read_optional(c, "swa_v_head_dim", a.v_head_dim);
  a.layer_attention.assign(a.num_layers, AttentionKind::full);
  a.layer_shapes.assign(a.num_layers, LayerShape{});
  a.layer_ffn.assign(a.num_layers, FfnKind::dense);
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    if (sliding[i]) {
      a.layer_attention[i] = AttentionKind::sliding;
      a.layer_shapes[i] = swa;
    }
    if (moe[i] && a.is_moe()) a.layer_ffn[i] = FfnKind::moe;
  }
  return std::nullopt;
}

// DeciLM's ffn_mult -> width: int(2 x mult x hidden / 3) rounded up to a multiple of 256
// (_ffn_mult_to_intermediate_size, the same in vLLM, SGLang and TensorRT-LLM).
std::uint32_t ffn_mult_width(double mult, std::uint32_t hidden) {
  const auto width = static_cast<std::uint64_t>(2.0 * mult * hidden / 3.0);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((width + 255) / 256 * 256, 1u << 23));
}

}  // namespace

std::optional<Error> read_flags(const Json& parent, const char* key, const std::string& field,
                                std::uint32_t layers, std::vector<bool>& out) {
  const Json* list = json_util::find(parent, key);
  if (list == nullptr || !list->is_array() || list->size() != layers)
    return parse_failure(field,
                         "must list one 0/1 entry per layer (" + std::to_string(layers) + ")");
  out.clear();
  for (const auto& entry : *list) {
    if (!entry.is_number_integer() || entry.get<std::int64_t>() < 0 ||
        entry.get<std::int64_t>() > 1)
      return parse_failure(field, "entries must be 0 or 1");
    out.push_back(entry.get<std::int64_t>() == 1);
  }
  return std::nullopt;
}

// Nemotron-NAS block_configs: each block's attention (no_op: none; replace_with_linear: one
// hidden x hidden linear; else num_heads / n_heads_in_group KV heads) and FFN (no_op,
// replace_with_linear, or ffn_mult). Fills intermediate_size (the widest block) and
// num_key_value_heads (the first attention block's) before the common read.
std::optional<Error> normalize_nemotron_nas(Json& c) {
  const Json* blocks = json_util::find(c, "block_configs");
  if (blocks == nullptr || !blocks->is_array() || blocks->empty())
    return parse_failure("config.block_configs", "must be a non-empty list of blocks");
  const std::uint32_t heads = read_optional(c, "num_attention_heads", 0);
  const std::uint32_t hidden = read_optional(c, "hidden_size", 0);
  if (heads == 0 || hidden == 0) return missing(heads == 0 ? "num_attention_heads" : "hidden_size");
  std::uint32_t widest = 0, kv_heads = 0;
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    const std::string field = "config.block_configs[" + std::to_string(i) + "]";
    const Json& block = (*blocks)[i];
    const Json* attention = json_util::find(block, "attention");
    const Json* ffn = json_util::find(block, "ffn");
    if (attention == nullptr || ffn == nullptr || !attention->is_object() || !ffn->is_object())
      return parse_failure(field, "must have attention and ffn objects");
    if (json_util::find(*attention, "sparsify") != nullptr)  // find() skips null values
      return refused(ErrorCode::unsupported, field + ".attention.sparsify",
                     "sparsified Nemotron-NAS attention blocks are not modelled");
    if (json_util::find(*attention, "window_length") != nullptr)
      return refused(ErrorCode::unsupported, field + ".attention.window_length",
                     "windowed Nemotron-NAS attention blocks are not modelled");
    const bool attn_off = json_util::get_bool(*attention, "no_op").value_or(false) ||
                          json_util::get_bool(*attention, "replace_with_linear").value_or(false);
    if (!attn_off) {
      const std::uint32_t group = read_optional(*attention, "n_heads_in_group", 0);
      if (group == 0 || heads % group != 0)
        return parse_failure(
            field + ".attention.n_heads_in_group",
            "must be a positive divisor of num_attention_heads (" + std::to_string(heads) + ")");
      if (kv_heads == 0) kv_heads = heads / group;
    }
    const bool ffn_off = json_util::get_bool(*ffn, "no_op").value_or(false) ||
                         json_util::get_bool(*ffn, "replace_with_linear").value_or(false);
    if (!ffn_off) {
      const Json* mult = json_util::find(*ffn, "ffn_mult");
      if (mult == nullptr || !mult->is_number() || !(mult->get<double>() > 0) ||
          mult->get<double>() > 1000)
        return parse_failure(field + ".ffn.ffn_mult", "must be a positive number");
      widest = std::max(widest, ffn_mult_width(mult->get<double>(), hidden));
    }
  }
  if (blocks->size() != read_optional(c, "num_hidden_layers", 0))
    return parse_failure("config.block_configs",
                         "must list one block per layer (num_hidden_layers)");
  c["intermediate_size"] = widest > 0 ? widest : hidden;
  c["num_key_value_heads"] = kv_heads > 0 ? kv_heads : heads;
  return std::nullopt;
}

std::optional<Error> read_layer_shapes(const Json& c, ModelArch& a) {
  const std::string& f = a.family;
  if (f == "gemma4_text") return read_gemma4(c, a);
  if (f == "mimo_v2_flash") return read_mimo_v2(c, a);
  if (f == "deepseek_v32" || f == "glm_moe_dsa") {
    // Every layer owns an indexer unless indexer_types shares them (GLM-5.2's IndexShare:
    // "full" layers run theirs, "shared" layers reuse the last full layer's top-k and have no
    // indexer module, so no indexer weights or key cache). index_topk_freq without the list
    // does not say which layers own one.
    if (const Json* types = json_util::find(c, "indexer_types")) {
      if (!types->is_array() || types->size() != a.num_layers)
        return parse_failure("config.indexer_types",
                             "must list one entry per layer (" + std::to_string(a.num_layers) +
                                 ")");
      for (const auto& entry : *types) {
        const std::string kind = entry.is_string() ? entry.get<std::string>() : "";
        if (kind != "full" && kind != "shared")
          return parse_failure("config.indexer_types",
                               "entries must be \"full\" or \"shared\", not '" + kind + "'");
        a.layer_owns_indexer.push_back(kind == "full");
      }
      if (a.layer_owns_indexer.empty() || !a.layer_owns_indexer.front())
        return parse_failure("config.indexer_types",
                             "the first layer must own its indexer (\"full\"): a shared layer "
                             "reuses an earlier one");
    } else if (read_optional(c, "index_topk_freq", 1) > 1) {
      return not_modelled(f, "indexers shared across layers by index_topk_freq without the "
                             "indexer_types list that names them");
    }
    a.index_n_heads = read_optional(c, "index_n_heads", 0);
    a.index_head_dim = read_optional(c, "index_head_dim", 0);
    a.index_topk = read_optional(c, "index_topk", 2048);
    if (a.index_n_heads == 0 || a.index_head_dim == 0)
      return missing(a.index_n_heads == 0 ? "index_n_heads" : "index_head_dim");
    if (!a.is_mla()) return missing("kv_lora_rank");
    return std::nullopt;
  }
  if (f == "nemotron-nas") {
    const Json* blocks = json_util::find(c, "block_configs");  // checked by normalize_nemotron_nas
    if (blocks == nullptr || blocks->size() != a.num_layers)
      return parse_failure("config.block_configs", "must list one block per layer");
    a.layer_attention.assign(a.num_layers, AttentionKind::full);
    a.layer_shapes.assign(a.num_layers, LayerShape{});
    a.layer_ffn.assign(a.num_layers, FfnKind::dense);
    for (std::uint32_t i = 0; i < a.num_layers; ++i) {
      const Json& attention = *json_util::find((*blocks)[i], "attention");
      const Json& ffn = *json_util::find((*blocks)[i], "ffn");
      LayerShape& s = a.layer_shapes[i];
      if (json_util::get_bool(attention, "no_op").value_or(false)) {
        a.layer_attention[i] = AttentionKind::none;
      } else if (json_util::get_bool(attention, "replace_with_linear").value_or(false)) {
        a.layer_attention[i] = AttentionKind::none;
        s.attn_linear = true;
      } else {
        s.num_kv_heads = a.num_heads / read_optional(attention, "n_heads_in_group", 1);
      }
      if (json_util::get_bool(ffn, "no_op").value_or(false)) {
        a.layer_ffn[i] = FfnKind::none;
      } else if (json_util::get_bool(ffn, "replace_with_linear").value_or(false)) {
        s.ffn_linear = true;
      } else {
        s.ffn_width =
            ffn_mult_width(json_util::find(ffn, "ffn_mult")->get<double>(), a.hidden_size);
      }
    }
  }
  return std::nullopt;
}

}  // namespace headroom::hf
