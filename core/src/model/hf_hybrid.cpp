// Hybrid and linear-attention families: which layers attend, which keep a recurrent state and
// which have an FFN, plus the mixer widths. Keys and defaults follow transformers
// models/<family>/configuration_<family>.py (commits in research/model-families-2026.md §5).
#include <algorithm>
#include <string>
#include <vector>

#include "model/hf_internal.h"

namespace headroom::hf {
namespace {

// A product of two widths, clamped so a hostile config reaches validate_arch's bound, not a wrap.
std::uint32_t product(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(a * b, 0xFFFFFFFFull));
}

Error bad_layers(const std::string& field, const std::string& why) {
  return parse_failure("config." + field, why);
}

// One entry per layer of `layer_types`-style string lists; empty when the key is absent.
std::optional<Error> read_layer_strings(const Json& config, const char* key, std::uint32_t n,
                                        std::vector<std::string>& out) {
  const Json* types = json_util::find(config, key);
  if (types == nullptr) return std::nullopt;
  if (!types->is_array() || types->size() != n)
    return bad_layers(key, "must list one entry per layer (" + std::to_string(n) + ")");
  for (const auto& entry : *types) {
    if (!entry.is_string()) return bad_layers(key, "entries must be strings");
    out.push_back(entry.get<std::string>());
  }
  return std::nullopt;
}

bool in_int_list(const Json& config, const char* key, std::uint32_t value) {
  const Json* list = json_util::find(config, key);
  if (list == nullptr || !list->is_array()) return false;
  for (const auto& entry : *list)
    if (entry.is_number_integer() && entry.get<std::int64_t>() == value) return true;
  return false;
}

void set_layer(ModelArch& a, std::uint32_t i, AttentionKind attention, StateKind state,
               FfnKind ffn) {
  a.layer_attention[i] = attention;
  a.layer_state[i] = state;
  a.layer_ffn[i] = ffn;
}

// Qwen3-Next, Qwen3.5: Gated DeltaNet layers with full attention every
// full_attention_interval (4) layers; MoE unless mlp_only_layers or decoder_sparse_step say not.
std::optional<Error> read_qwen_next(const Json& c, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  std::vector<std::string> types;
  if (auto error = read_layer_strings(c, "layer_types", n, types)) return error;
  const std::uint32_t interval = read_optional(c, "full_attention_interval", 4);
  const std::uint32_t sparse_step = read_optional(c, "decoder_sparse_step", 1);
  for (std::uint32_t i = 0; i < n; ++i) {
    bool full = interval > 0 && (i + 1) % interval == 0;
    if (!types.empty()) {
      if (types[i] != "full_attention" && types[i] != "linear_attention")
        return refused(ErrorCode::unsupported, "config.layer_types",
                       "config.layer_types has an unsupported entry '" + types[i] + "'");
      full = types[i] == "full_attention";
    }
    const bool moe = a.is_moe() && !in_int_list(c, "mlp_only_layers", i) && sparse_step > 0 &&
                     (i + 1) % sparse_step == 0;
    set_layer(a, i, full ? AttentionKind::full : AttentionKind::none,
              full ? StateKind::none : StateKind::gated_deltanet,
              moe ? FfnKind::moe : FfnKind::dense);
  }
  RecurrentDims& r = a.recurrent;
  r.conv_kernel = read_optional(c, "linear_conv_kernel_dim", 4);
  r.key_heads = read_optional(c, "linear_num_key_heads", 16);
  r.key_head_dim = read_optional(c, "linear_key_head_dim", 128);
  r.value_heads = read_optional(c, "linear_num_value_heads", 32);
  r.value_head_dim = read_optional(c, "linear_value_head_dim", 128);
  a.attn_output_gate = json_util::get_bool(c, "attn_output_gate").value_or(true);
  // Qwen3.5/3.6 configs state mamba_ssm_dtype "float32": vLLM takes it for an auto
  // mamba_ssm_cache_dtype (model_executor/models/config.py Qwen3.5 rewrite, v0.22.1-v0.24.0;
  // qwen3_5.py get_mamba_state_dtype_from_config), and its v0.24 pools match the f32 page.
  a.ssm_state_f32 = json_util::get_string(c, "mamba_ssm_dtype").value_or("") == "float32";
  return std::nullopt;
}

// Nemotron-H: one mixer per layer from hybrid_override_pattern (M Mamba-2, * attention, - MLP,
// E MoE) or layers_block_type; MLP and experts are non-gated relu2.
std::optional<Error> read_nemotron_h(const Json& c, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  std::vector<std::string> types;
  if (auto error = read_layer_strings(c, "layers_block_type", n, types)) return error;
  if (types.empty()) {
    const auto pattern = json_util::get_string(c, "hybrid_override_pattern");
    if (!pattern || pattern->size() != n)
      return bad_layers("hybrid_override_pattern",
                        "must have one character per layer (" + std::to_string(n) + ")");
    for (const char ch : *pattern) {
      types.push_back(ch == 'M'   ? "mamba"
                      : ch == '*' ? "attention"
                      : ch == '-' ? "mlp"
                      : ch == 'E' ? "moe"
                                  : std::string(1, ch));
    }
  }
  // LatentMoE (NemotronHMoE: gate on the hidden state, fc1_latent_proj, experts, fc2_latent_proj).
  if (auto error = read_moe_latent(c, "moe_latent_size", a)) return error;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string& t = types[i];
    if (t == "mamba") {
      set_layer(a, i, AttentionKind::none, StateKind::mamba2, FfnKind::none);
    } else if (t == "attention") {
      set_layer(a, i, AttentionKind::full, StateKind::none, FfnKind::none);
    } else if (t == "mlp") {
      set_layer(a, i, AttentionKind::none, StateKind::none, FfnKind::dense);
    } else if (t == "moe" && a.is_moe()) {
      set_layer(a, i, AttentionKind::none, StateKind::none, FfnKind::moe);
    } else {
      return refused(
          ErrorCode::unsupported, "config.hybrid_override_pattern",
          "nemotron_h layer " + std::to_string(i) + " has an unsupported kind '" + t + "'");
    }
  }
  a.gated_ffn = false;
  if (a.is_moe()) {
    a.shared_expert_intermediate_size =
        read_optional(c, "moe_shared_expert_intermediate_size", a.shared_expert_intermediate_size);
    if (a.shared_expert_intermediate_size == 0) a.num_shared_experts = 0;
  }
  if (const std::uint32_t d = read_optional(c, "attention_head_dim", 0); d > 0) {
    a.head_dim = d;
    a.v_head_dim = d;
  }
  RecurrentDims& r = a.recurrent;
  r.n_heads = read_optional(c, "mamba_num_heads", 128);
  r.d_inner = product(r.n_heads, read_optional(c, "mamba_head_dim", 64));
  r.n_groups = read_optional(c, "n_groups", 8);
  r.d_state = read_optional(c, "ssm_state_size", 128);
  r.conv_kernel = read_optional(c, "conv_kernel", 4);
  r.conv_bias = json_util::get_bool(c, "use_conv_bias").value_or(true);
  r.proj_bias = json_util::get_bool(c, "use_bias").value_or(false);
  // vLLM overrides an auto SSM cache dtype with the config's mamba_ssm_cache_dtype, else float32.
  a.ssm_state_f32 =
      json_util::get_string(c, "mamba_ssm_cache_dtype").value_or("float32") == "float32";
  return std::nullopt;
}

void read_mamba2_granite_falcon(const Json& c, ModelArch& a, bool falcon) {
  RecurrentDims& r = a.recurrent;
  const std::uint32_t expand = read_optional(c, "mamba_expand", 2);
  r.d_inner = product(expand, a.hidden_size);
  if (falcon) r.d_inner = read_optional(c, "mamba_d_ssm", r.d_inner);  // overrides expand x h
  r.n_heads = read_optional(c, "mamba_n_heads", 128);
  r.n_groups = read_optional(c, "mamba_n_groups", 1);
  r.d_state = read_optional(c, "mamba_d_state", 256);
  r.conv_kernel = read_optional(c, "mamba_d_conv", 4);
  r.conv_bias = json_util::get_bool(c, "mamba_conv_bias").value_or(true);
  r.proj_bias = json_util::get_bool(c, "mamba_proj_bias").value_or(false);
  r.gated_norm = falcon ? json_util::get_bool(c, "mamba_rms_norm").value_or(false) : true;
}

// Granite 4.0-H: layer_types mamba / attention; every layer has the shared MLP
// (shared_intermediate_size) and, with num_local_experts > 0, experts of intermediate_size.
std::optional<Error> read_granite_hybrid(const Json& c, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  std::vector<std::string> types;
  if (auto error = read_layer_strings(c, "layer_types", n, types)) return error;
  if (types.empty()) return bad_layers("layer_types", "is missing (granitemoehybrid)");
  const std::uint32_t shared = read_optional(c, "shared_intermediate_size", 0);
  if (a.is_moe()) {
    a.moe_intermediate_size = a.intermediate_size;
    a.shared_expert_intermediate_size = shared;
    a.num_shared_experts = shared > 0 ? 1 : 0;
  } else {
    a.intermediate_size = shared;  // only the shared MLP, as a dense FFN
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    if (types[i] != "mamba" && types[i] != "attention")
      return refused(ErrorCode::unsupported, "config.layer_types",
                     "config.layer_types has an unsupported entry '" + types[i] + "'");
    const bool attention = types[i] == "attention";
    set_layer(a, i, attention ? AttentionKind::full : AttentionKind::none,
              attention ? StateKind::none : StateKind::mamba2,
              a.is_moe() ? FfnKind::moe : FfnKind::dense);
  }
  read_mamba2_granite_falcon(c, a, false);
  return std::nullopt;
}

// Falcon-H1: attention and Mamba-2 side by side in every layer, then a gated MLP.
std::optional<Error> read_falcon_h1(const Json& c, ModelArch& a) {
  for (std::uint32_t i = 0; i < a.num_layers; ++i)
    set_layer(a, i, AttentionKind::full, StateKind::mamba2, FfnKind::dense);
  read_mamba2_granite_falcon(c, a, true);
  return std::nullopt;
}

// Jamba: attention where i % attn_layer_period == attn_layer_offset (else Mamba-1); experts
// where i % expert_layer_period == expert_layer_offset.
std::optional<Error> read_jamba(const Json& c, ModelArch& a) {
  const std::uint32_t attn_period = read_optional(c, "attn_layer_period", 8);
  const std::uint32_t attn_offset = read_optional(c, "attn_layer_offset", 4);
  const std::uint32_t moe_period = read_optional(c, "expert_layer_period", 2);
  const std::uint32_t moe_offset = read_optional(c, "expert_layer_offset", 1);
  if (attn_period == 0 || moe_period == 0)
    return bad_layers("attn_layer_period", "and expert_layer_period must be positive");
  for (std::uint32_t i = 0; i < a.num_layers; ++i) {
    const bool attention = i % attn_period == attn_offset;
    const bool moe = a.is_moe() && i % moe_period == moe_offset;
    set_layer(a, i, attention ? AttentionKind::full : AttentionKind::none,
              attention ? StateKind::none : StateKind::mamba1, moe ? FfnKind::moe : FfnKind::dense);
  }
  RecurrentDims& r = a.recurrent;
  r.d_inner = product(read_optional(c, "mamba_expand", 2), a.hidden_size);
  r.d_state = read_optional(c, "mamba_d_state", 16);
  r.conv_kernel = read_optional(c, "mamba_d_conv", 4);
  r.dt_rank = read_optional(c, "mamba_dt_rank", (a.hidden_size + 15) / 16);  // "auto": ceil(h/16)
  r.conv_bias = json_util::get_bool(c, "mamba_conv_bias").value_or(true);
  r.proj_bias = json_util::get_bool(c, "mamba_proj_bias").value_or(false);
  return std::nullopt;
}

// LFM2: layer_types full_attention / conv (or full_attn_idxs); gated MLP on every layer whose
// width Lfm2MLP adjusts: 2/3 with block_auto_adjust_ff_dim, x block_ffn_dim_multiplier, then
// rounded up to block_multiple_of.
std::optional<Error> read_lfm2(const Json& c, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  std::vector<std::string> types;
  if (auto error = read_layer_strings(c, "layer_types", n, types)) return error;
  for (std::uint32_t i = 0; i < n; ++i) {
    bool attention = false;
    if (!types.empty()) {
      if (types[i] != "full_attention" && types[i] != "conv")
        return refused(ErrorCode::unsupported, "config.layer_types",
                       "config.layer_types has an unsupported entry '" + types[i] + "'");
      attention = types[i] == "full_attention";
    } else {
      attention = in_int_list(c, "full_attn_idxs", i);
    }
    set_layer(a, i, attention ? AttentionKind::full : AttentionKind::none,
              attention ? StateKind::none : StateKind::short_conv, FfnKind::dense);
  }
  // Lfm2MLP starts from intermediate_size (block_ff_dim in older remote-code configs).
  double ff = read_optional(c, "intermediate_size", read_optional(c, "block_ff_dim", 0));
  if (json_util::get_bool(c, "block_auto_adjust_ff_dim").value_or(true)) {
    ff = static_cast<double>(static_cast<std::uint64_t>(2.0 * ff / 3.0));
    if (const auto multiplier = json_util::get_number(c, "block_ffn_dim_multiplier"))
      ff = static_cast<double>(static_cast<std::uint64_t>(*multiplier * ff));
    const std::uint64_t multiple = read_optional(c, "block_multiple_of", 256);
    if (multiple > 0) {
      const auto width = static_cast<std::uint64_t>(ff);
      ff = static_cast<double>((width + multiple - 1) / multiple * multiple);
    }
  }
  a.intermediate_size = static_cast<std::uint32_t>(ff);
  a.recurrent.conv_kernel = read_optional(c, "conv_L_cache", 3);
  a.recurrent.conv_bias = json_util::get_bool(c, "conv_bias").value_or(false);
  return std::nullopt;
}

}  // namespace

std::optional<Error> read_moe_latent(const Json& c, const char* key, ModelArch& a) {
  const Json* latent = json_util::find(c, key);
  if (latent == nullptr || latent->is_null()) return std::nullopt;
  const std::string field = std::string("config.") + key;
  if (!latent->is_number_unsigned() || latent->get<std::uint64_t>() == 0 ||
      latent->get<std::uint64_t>() > a.hidden_size)
    return refused(ErrorCode::invalid_argument, field,
                   field + " must be a whole number from 1 to hidden_size (" +
                       std::to_string(a.hidden_size) + ")");
  if (!a.is_moe())
    return refused(ErrorCode::invalid_argument, field,
                   field + " is set but the model has no routed experts");
  a.moe_latent_size = static_cast<std::uint32_t>(latent->get<std::uint64_t>());
  return std::nullopt;
}

bool is_hybrid_family(const std::string& family) {
  return family == "qwen3_next" || family == "qwen3_5_moe_text" || family == "qwen3_5_text" ||
         family == "nemotron_h" || family == "granitemoehybrid" || family == "falcon_h1" ||
         family == "jamba" || family == "lfm2" || family == "kimi_linear";
}

std::optional<Error> read_hybrid(const Json& config, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  a.layer_attention.assign(n, AttentionKind::full);
  a.layer_state.assign(n, StateKind::none);
  a.layer_ffn.assign(n, a.is_moe() ? FfnKind::moe : FfnKind::dense);
  a.sliding_window_tokens = 0;  // none of these families slides its attention layers
  const std::string& f = a.family;
  if (f == "qwen3_next" || f == "qwen3_5_moe_text" || f == "qwen3_5_text")
    return read_qwen_next(config, a);
  if (f == "nemotron_h") return read_nemotron_h(config, a);
  if (f == "granitemoehybrid") return read_granite_hybrid(config, a);
  if (f == "falcon_h1") return read_falcon_h1(config, a);
  if (f == "jamba") return read_jamba(config, a);
  if (f == "lfm2") return read_lfm2(config, a);
  if (f == "kimi_linear") return read_kimi_linear(config, a);  // hf_kimi_linear.cpp
  return std::nullopt;
}

}  // namespace headroom::hf
