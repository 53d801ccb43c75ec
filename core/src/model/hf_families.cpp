// Families whose layers differ from the common decoder in ways the generic reader cannot see:
// renamed keys (ERNIE), MoE on some layers only (ERNIE, Llama 4), non-gated MLPs (Phi,
// StarCoder2, GPT-NeoX), and shapes not modelled, refused by name. Keys and defaults from
// transformers models/<family>/configuration_<family>.py and modeling_<family>.py.
#include <string>

#include "model/hf_internal.h"

namespace headroom::hf {
namespace {

void rename(Json& config, const char* from, const char* to) {
  if (json_util::find(config, to) == nullptr && json_util::find(config, from) != nullptr)
    config[to] = config[from];
}

Error not_modelled(const std::string& family, const std::string& why) {
  return refused(ErrorCode::unsupported, "config.model_type",
                 "config.model_type '" + family + "' is not supported: " + why);
}

}  // namespace

std::optional<Error> normalize_family_keys(Json& config, const std::string& family) {
  if (family == "ernie4_5_moe") {
    rename(config, "moe_num_experts", "num_experts");
    rename(config, "moe_k", "num_experts_per_tok");
    rename(config, "moe_num_shared_experts", "n_shared_experts");
  } else if (family == "nemotron_h" && json_util::find(config, "num_hidden_layers") == nullptr) {
    // Newer NemotronHConfig files omit num_hidden_layers: it is len(layers_block_type).
    if (const Json* types = json_util::find(config, "layers_block_type");
        types && types->is_array())
      config["num_hidden_layers"] = types->size();
    else if (const auto pattern = json_util::get_string(config, "hybrid_override_pattern"))
      config["num_hidden_layers"] = pattern->size();
  } else if (family == "kimi_linear") {
    return normalize_kimi_linear(config);  // hf_kimi_linear.cpp
  } else if (family == "nemotron-nas") {
    return normalize_nemotron_nas(config);
  } else if (family == "gemma4_text") {
    rename(config, "top_k_experts", "num_experts_per_tok");
  } else if (family == "gemma3n" || family == "gemma3n_text") {
    return not_modelled(family,
                        "its per-layer embeddings (a vocab_size_per_layer_input x layers x "
                        "hidden_size_per_layer_input table that runtimes may keep off the GPU), "
                        "AltUp and LAuReL weights and the KV its last num_kv_shared_layers "
                        "layers share are not modelled");
  } else if (family == "deepseek_v4") {
    return not_modelled(family,
                        "its compressed sparse attention (compress_ratios 4 / 128 per layer, "
                        "with their own compressed-KV and indexer caches), hyper-connections "
                        "(hc_mult) and hash-routed layers are not modelled");
  } else if (family == "hunyuan_v1_moe") {
    return not_modelled(family,
                        "per-layer expert counts and cross-layer KV sharing (CLA) of its "
                        "checkpoints are not verified");
  } else if (family == "falcon") {
    return not_modelled(family,
                        "its multi-query / new_decoder_architecture layouts are not modelled");
  } else if (family == "lfm2_moe") {
    return not_modelled(family, "LFM2-MoE's expert layers are not modelled (LFM2 dense is)");
  } else if (family == "minimax_m3_vl") {
    // nvidia/MiniMax-M3-NVFP4's wrapper: vision_config is a 32-layer ViT with RoPE positions,
    // a patch-merge MLP and a projector that read_vision does not describe.
    return not_modelled(family,
                        "MiniMax-M3's vision tower (RoPE positions, patch_merge_mlp, projector) is "
                        "not modelled; its text model is supported as model_type minimax_m3");
  } else if (family == "step3p5" || family == "step3p7") {
    // Step-3.5/3.7-Flash (vLLM and SGLang step3p5.py): sliding layers take their own head count
    // from attention_other_setting (Step-3.7-Flash: 96 query heads there, 64 on full layers,
    // 8 KV heads on both), a head-wise sigmoid gate g_proj, per-layer rope, and layer_types
    // that also list the MTP layers (48 entries for 45 layers). The only config at hand
    // (ai-dynamo/aiconfigurator model_configs/stepfun-ai--Step-3.7-Flash_config.json
    // @095f58a51c4ca8e61b66ec108d86f223f8d559ce) is a trimmed copy without
    // attention_other_setting, which would count 64 heads on every layer.
    return not_modelled(family,
                        "Step-3.x-Flash's per-layer-kind attention (attention_other_setting: 96 "
                        "query heads on sliding layers against 64 on full ones, head-wise "
                        "g_proj gates) is not verified against a verbatim config.json, and "
                        "trimmed copies without attention_other_setting would be miscounted");
  }
  return std::nullopt;
}

std::optional<Error> read_family_layers(const Json& c, ModelArch& a) {
  const std::string& f = a.family;
  const std::uint32_t n = a.num_layers;
  if (f == "gemma4_text" || f == "mimo_v2_flash" || f == "nemotron-nas" || f == "deepseek_v32" ||
      f == "glm_moe_dsa") {
    return read_layer_shapes(c, a);
  } else if (f == "minimax_m3") {
    return read_minimax_m3(c, a);
  } else if (f == "phi" || f == "starcoder2" || f == "gpt_neox") {
    // fc1/fc2 (c_fc/c_proj, dense_h_to_4h/dense_4h_to_h), no gate; biases on every projection
    // (StarCoder2: when use_bias, its default).
    a.gated_ffn = false;
    const bool bias = f != "starcoder2" || json_util::get_bool(c, "use_bias").value_or(true);
    a.attention_bias = bias;
    a.ffn_bias = bias;
  } else if (f == "ernie4_5_moe" && a.is_moe()) {
    // A layer is MoE iff (i + 1) % moe_layer_interval == 0 and start <= i <= end
    // (modeling_ernie4_5_moe.py Ernie4_5_MoeDecoderLayer).
    const std::uint32_t interval = read_optional(c, "moe_layer_interval", 1);
    const std::uint32_t start = read_optional(c, "moe_layer_start_index", 0);
    const std::uint32_t end = read_optional(c, "moe_layer_end_index", n - 1);
    a.layer_ffn.assign(n, FfnKind::dense);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (interval > 0 && (i + 1) % interval == 0 && i >= start && i <= end)
        a.layer_ffn[i] = FfnKind::moe;
    }
  } else if (f == "llama4_text" || f == "llama4") {
    // MoE layers are range(step - 1, L, step); each has experts of intermediate_size and one
    // shared expert of intermediate_size; the others use intermediate_size_mlp.
    const std::uint32_t step = read_optional(c, "interleave_moe_layer_step", 1);
    if (step == 0) return invalid("config.interleave_moe_layer_step", "must be positive");
    a.moe_intermediate_size = a.intermediate_size;
    a.shared_expert_intermediate_size = a.intermediate_size;
    a.num_shared_experts = 1;
    a.intermediate_size = read_optional(c, "intermediate_size_mlp", a.intermediate_size);
    a.layer_ffn.assign(n, FfnKind::dense);
    for (std::uint32_t i = step - 1; i < n; i += step) a.layer_ffn[i] = FfnKind::moe;
    // RoPE layers (no_rope_layers[i] == 1; by default all but every 4th) attend within
    // attention_chunk_size chunks; the NoPE layers are global.
    const std::uint32_t chunk = read_optional(c, "attention_chunk_size", 0);
    a.layer_attention.assign(n, AttentionKind::full);
    if (chunk > 0) {
      const Json* rope = json_util::find(c, "no_rope_layers");
      for (std::uint32_t i = 0; i < n; ++i) {
        bool chunked = (i + 1) % 4 != 0;
        if (rope != nullptr && rope->is_array() && rope->size() == n && (*rope)[i].is_number())
          chunked = (*rope)[i].get<double>() != 0;
        if (chunked) a.layer_attention[i] = AttentionKind::chunked;
      }
      a.sliding_window_tokens = chunk;
    }
  }
  return std::nullopt;
}

}  // namespace headroom::hf
