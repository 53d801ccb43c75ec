// Kimi Linear (model_type kimi_linear: Kimi-Linear-48B-A3B, and the text_config of Kimi-K3):
// Kimi Delta Attention (KDA) layers with a recurrent state, MLA full-attention layers, a dense
// first layer then MoE (LatentMoE in K3), and K3's block attention residuals and MoonViT3d
// vision tower. Sources read for every shape below:
//  - vllm-project/vllm vllm/model_executor/models/kimi_linear.py@01d99586 (KimiDecoderLayer:
//    KDA where config.is_kda_layer(i), i.e. (i + 1) in linear_attn_config.kda_layers, MLA
//    elsewhere; MoE where i >= first_k_dense_replace and i % moe_layer_freq == 0; shared experts
//    num_shared_experts x moe_intermediate_size wide).
//  - vllm-project/vllm vllm/model_executor/layers/kda.py@01a7e5d9 (KimiDeltaAttention weights).
//  - ml-explore/mlx-lm mlx_lm/models/kimi_k3.py@3b04b9f1 (K3: full-rank g_proj, MLA g_proj output
//    gate, KimiK3SparseMoE routed_expert_down/up_proj + routed_expert_norm, the
//    self_attention_res / mlp_res / output_attn_res proj + norm pairs).
//  - sgl-project/sglang python/sglang/srt/configs/kimi_linear.py@008b79d2 (the same 1-based
//    is_kda_layer rule; K3's keys routed_expert_hidden_size, attn_res_block_size, ...).
//  - huggingface.co/moonshotai/Kimi-K3 modeling_kimi_k3.py (MoonViT3dPretrainedModel,
//    MoonViTEncoderLayer, PatchMergerMLPV2), the vision count in read_kimi_vision.
#include <set>
#include <string>
#include <utility>

#include "model/hf_internal.h"
#include "model/tensor_builder.h"

namespace headroom::hf {
namespace {

Error bad(const std::string& field, const std::string& why) {
  return parse_failure("config." + field, why);
}

// A required positive width inside an object (linear_attn_config, vision_config).
std::optional<Error> read_width(const Json& object, const std::string& where, const char* key,
                                std::uint32_t high, std::uint32_t& out) {
  const auto value = json_util::get_uint(object, key);
  if (!value || *value == 0 || *value > high)
    return bad(where + "." + key, "is missing or not a whole number 1.." + std::to_string(high));
  out = static_cast<std::uint32_t>(*value);
  return std::nullopt;
}

// The 1-based layer numbers of linear_attn_config.kda_layers / full_attn_layers.
std::optional<Error> read_layer_numbers(const Json& lac, const char* key, std::uint32_t n,
                                        std::set<std::uint32_t>& out) {
  const std::string field = std::string("linear_attn_config.") + key;
  const Json* list = json_util::find(lac, key);
  if (list == nullptr) return std::nullopt;
  if (!list->is_array()) return bad(field, "must be a list of layer numbers");
  for (const Json& entry : *list) {
    if (!entry.is_number_integer() || entry.get<std::int64_t>() < 1 ||
        entry.get<std::int64_t>() > n)
      return bad(field, "entries must be 1-based layer numbers 1.." + std::to_string(n) +
                            " (vLLM and SGLang is_kda_layer test layer_idx + 1)");
    out.insert(static_cast<std::uint32_t>(entry.get<std::int64_t>()));
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> normalize_kimi_linear(Json& config) {
  // KimiLinearConfig names (configuration_kimi.py, vLLM transformers_utils/configs/kimi_linear.py)
  // to the ones read_moe reads; num_shared_experts x moe_intermediate_size is the shared width.
  for (const auto& [from, to] : {std::pair{"num_experts_per_token", "num_experts_per_tok"},
                                 std::pair{"num_shared_experts", "n_shared_experts"}}) {
    if (json_util::find(config, to) == nullptr && json_util::find(config, from) != nullptr &&
        !config[from].is_null())
      config[to] = config[from];
  }
  // K3's hidden_size 7168 is not a multiple of its 96 heads; the MLA head is qk_nope + qk_rope.
  if (json_util::find(config, "head_dim") == nullptr) {
    const auto nope = json_util::get_uint(config, "qk_nope_head_dim");
    const auto rope = json_util::get_uint(config, "qk_rope_head_dim");
    if (nope && rope && *nope + *rope > 0 && *nope + *rope <= 4096)
      config["head_dim"] = *nope + *rope;
  }
  return std::nullopt;
}

std::optional<Error> read_kimi_linear(const Json& c, ModelArch& a) {
  const std::uint32_t n = a.num_layers;
  const Json* lac = json_util::find(c, "linear_attn_config");
  if (lac == nullptr || !lac->is_object())
    return bad("linear_attn_config",
               "is missing or not an object (kimi_linear needs its KDA "
               "layers, num_heads, head_dim, short_conv_kernel_size)");
  if (!a.is_mla())
    return bad("kv_lora_rank", "is missing: kimi_linear full-attention layers are MLA");
  std::set<std::uint32_t> kda, full;
  if (auto error = read_layer_numbers(*lac, "kda_layers", n, kda)) return error;
  if (auto error = read_layer_numbers(*lac, "full_attn_layers", n, full)) return error;
  if (json_util::find(*lac, "kda_layers") == nullptr)
    return bad("linear_attn_config.kda_layers", "is missing");
  for (const std::uint32_t layer : kda)
    if (full.count(layer) != 0)
      return bad("linear_attn_config.full_attn_layers",
                 "and kda_layers both list layer " + std::to_string(layer));
  RecurrentDims& r = a.recurrent;
  std::uint32_t heads = 0, dim = 0, kernel = 0;
  if (auto e = read_width(*lac, "linear_attn_config", "num_heads", 4096, heads)) return e;
  if (auto e = read_width(*lac, "linear_attn_config", "head_dim", 4096, dim)) return e;
  if (auto e = read_width(*lac, "linear_attn_config", "short_conv_kernel_size", 1024, kernel))
    return e;
  // KDA: q, k, v of heads x head_dim each, one d x d delta-rule state per head.
  r.key_heads = r.value_heads = heads;
  r.key_head_dim = r.value_head_dim = dim;
  r.conv_kernel = kernel;
  r.full_rank_gate = json_util::get_bool(*lac, "use_full_rank_gate").value_or(false);

  const std::uint32_t freq = read_optional(c, "moe_layer_freq", 1);
  if (freq == 0) return bad("moe_layer_freq", "must be at least 1");
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool is_kda = kda.count(i + 1) != 0;
    const bool moe = a.is_moe() && i >= a.first_dense_layers && i % freq == 0;
    a.layer_attention[i] = is_kda ? AttentionKind::none : AttentionKind::mla;
    a.layer_state[i] = is_kda ? StateKind::kda : StateKind::none;
    a.layer_ffn[i] = moe ? FfnKind::moe : FfnKind::dense;
  }
  // vLLM keeps the KDA recurrent state in float32 whatever the cache dtype
  // (MambaStateDtypeCalculator.kda_state_dtype returns (conv dtype, torch.float32),
  // vllm/model_executor/layers/mamba/mamba_utils.py@02d71083).
  a.ssm_state_f32 = true;
  a.attn_output_gate = json_util::get_bool(c, "mla_use_output_gate").value_or(false);
  a.attn_res_block_size = read_optional(c, "attn_res_block_size", 0);
  // LatentMoE: the gate reads the hidden state, routed_expert_down_proj h -> L, the experts run
  // at L, routed_expert_norm (latent_moe_use_norm), routed_expert_up_proj L -> h; the shared
  // experts stay at h (mlx-lm KimiK3SparseMoE).
  if (auto error = read_moe_latent(c, "routed_expert_hidden_size", a)) return error;
  if (a.moe_latent_size > 0)
    a.moe_latent_norm = json_util::get_bool(c, "latent_moe_use_norm").value_or(false);
  if (json_util::find(c, "quantization_config") != nullptr && a.moe_latent_size > 0) {
    a.notes.push_back(
        "kimi_linear: routed_expert_down/up_proj (the LatentMoE projections) are counted 16-bit "
        "beside the quantized routed experts; the MXFP4 experts are counted as stored (vLLM's and "
        "SGLang's gpt-oss padding belongs to their mxfp4 quant method, not to this "
        "compressed-tensors checkpoint's, whose layout is not read)");
  }
  return std::nullopt;
}

std::optional<Error> read_kimi_vision(const Json& v, ModelArch& a) {
  // MoonViT3d (vt_* keys of KimiK3Config.vision_config) and its PatchMergerMLPV2 projector.
  const std::string where = "vision_config";
  std::uint32_t h = 0, inter = 0, layers = 0, patch = 0, pos_h = 0, pos_w = 0;
  if (auto e = read_width(v, where, "vt_hidden_size", 1u << 16, h)) return e;
  if (auto e = read_width(v, where, "vt_intermediate_size", 1u << 18, inter)) return e;
  if (auto e = read_width(v, where, "vt_num_hidden_layers", 4096, layers)) return e;
  if (auto e = read_width(v, where, "patch_size", 1024, patch)) return e;
  if (auto e = read_width(v, where, "init_pos_emb_height", 4096, pos_h)) return e;
  if (auto e = read_width(v, where, "init_pos_emb_width", 4096, pos_w)) return e;
  const std::uint32_t qkv = read_optional(v, "qkv_hidden_size", h);  // default: hidden_dim
  const std::uint32_t mm = read_optional(v, "mm_hidden_size", h);
  const std::uint32_t text = read_optional(v, "text_hidden_size", a.hidden_size);
  if (qkv == 0 || qkv > (1u << 16) || mm == 0 || mm > (1u << 16) || text == 0 || text > (1u << 20))
    return bad(where + ".qkv_hidden_size", "mm_hidden_size and text_hidden_size must be 1..65536");
  std::uint64_t merge = 4;  // merge_kernel_size [2, 2]
  if (const Json* kernel = json_util::find(v, "merge_kernel_size"); kernel != nullptr) {
    if (!kernel->is_array() || kernel->size() != 2 || !(*kernel)[0].is_number_unsigned() ||
        !(*kernel)[1].is_number_unsigned() || (*kernel)[0].get<std::uint64_t>() == 0 ||
        (*kernel)[1].get<std::uint64_t>() == 0 || (*kernel)[0].get<std::uint64_t>() > 16 ||
        (*kernel)[1].get<std::uint64_t>() > 16)
      return bad(where + ".merge_kernel_size", "must be two whole numbers 1..16");
    merge = (*kernel)[0].get<std::uint64_t>() * (*kernel)[1].get<std::uint64_t>();
  }
  for (const auto& [key, expected] :
       {std::pair{"mm_projector_type", "patchmergerv2"}, std::pair{"mlp_type", "mlp2"},
        std::pair{"pos_emb_type", "divided_fixed"}}) {
    const std::string value = json_util::get_string(v, key).value_or(expected);
    if (value != expected)
      return refused(ErrorCode::unsupported, "config.vision_config." + std::string(key),
                     "config.vision_config." + std::string(key) + " '" + value +
                         "' is not modelled (Kimi-K3's is '" + expected + "')");
  }
  // getattr defaults of MoonViT3dPretrainedModel: biases on unless the config turns them off.
  const bool attn_bias = json_util::get_bool(v, "attn_bias").value_or(true);
  const bool linear_bias = json_util::get_bool(v, "linear_bias").value_or(true);
  const bool patch_bias = json_util::get_bool(v, "patch_embed_proj_bias").value_or(true);
  const bool layernorm = json_util::get_string(v, "norm_type").value_or("layernorm") != "rmsnorm";
  const std::uint64_t H = h, I = inter, Q = qkv, norm = layernorm ? 2 * H : H;
  // Conv2d 3 -> h over patch x patch, and the learned height x width x h position table.
  const std::uint64_t embed = 3 * std::uint64_t{patch} * patch * H + (patch_bias ? H : 0) +
                              std::uint64_t{pos_h} * pos_w * H;
  // norm0, norm1, wqkv h -> 3 qkv, wo qkv -> h, MLP2 fc0 h -> i, fc1 i -> h.
  const std::uint64_t per_layer = 2 * norm + H * 3 * Q + (attn_bias ? 3 * Q : 0) + Q * H +
                                  (attn_bias ? H : 0) + H * I + I * H + (linear_bias ? I + H : 0);
  // PatchMergerMLPV2: Linear(mm x merge, same), GELU, Linear(mm x merge, text), RMSNorm(text).
  const std::uint64_t merged = std::uint64_t{mm} * merge;
  const std::uint64_t projector = merged * merged + merged * text + text;
  a.vision_hidden_size = h;
  a.vision_params = embed + std::uint64_t{layers} * per_layer + norm + projector;
  return std::nullopt;
}

}  // namespace headroom::hf

namespace headroom {

// KimiDeltaAttention (vLLM layers/kda.py, mlx-lm KimiK3DeltaAttention), P = heads x head_dim:
// q/k/v_proj h -> P, q/k/v_conv1d P x K, f_a_proj h -> d, f_b_proj d -> P (the per-channel decay),
// b_proj h -> heads (beta), the output gate (g_proj h -> P, or g_a_proj h -> d and
// g_b_proj d -> P), A_log (heads), dt_bias (P), o_norm (d), o_proj P -> h.
void add_kda_mixer(const ModelArch& a, int layer, TensorListBuilder& out) {
  const RecurrentDims& r = a.recurrent;
  const std::uint64_t h = a.hidden_size, d = r.value_head_dim, heads = r.value_heads;
  const std::uint64_t p = heads * d;
  out.add_layer(layer, "attn_q.weight", TensorRole::ssm, p, h);
  out.add_layer(layer, "attn_k.weight", TensorRole::ssm, p, h);
  out.add_layer(layer, "attn_v.weight", TensorRole::ssm, p, h);
  out.add_layer(layer, "ssm_conv1d_q.weight", TensorRole::other, p, r.conv_kernel);
  out.add_layer(layer, "ssm_conv1d_k.weight", TensorRole::other, p, r.conv_kernel);
  out.add_layer(layer, "ssm_conv1d_v.weight", TensorRole::other, p, r.conv_kernel);
  out.add_layer(layer, "ssm_f_a.weight", TensorRole::ssm, d, h);
  out.add_layer(layer, "ssm_f_b.weight", TensorRole::ssm, p, d);
  out.add_layer(layer, "ssm_beta.weight", TensorRole::ssm, heads, h);
  if (r.full_rank_gate) {
    out.add_layer(layer, "attn_gate.weight", TensorRole::ssm, p, h);
  } else {
    out.add_layer(layer, "attn_gate_a.weight", TensorRole::ssm, d, h);
    out.add_layer(layer, "attn_gate_b.weight", TensorRole::ssm, p, d);
  }
  out.add_layer(layer, "ssm_a", TensorRole::other, 1, heads);
  out.add_layer(layer, "ssm_dt.bias", TensorRole::ffn_bias, 1, p);
  out.add_layer(layer, "ssm_norm.weight", TensorRole::attn_norm, 1, d);
  out.add_layer(layer, "ssm_out.weight", TensorRole::ssm, h, p);
}

// Per layer beside the common norms: the block attention-residual queries and norms
// (self_attention_res, mlp_res: proj 1 x h + RMSNorm h each), and on MoE layers the router's
// e_score_correction_bias (experts) and the latent RMSNorm (routed_expert_norm).
void add_kimi_linear_layer_extras(const ModelArch& a, int layer, TensorListBuilder& out) {
  const std::uint64_t h = a.hidden_size;
  if (a.attn_res_block_size > 0) {
    out.add_layer(layer, "attn_res_proj.weight", TensorRole::other, 1, h);
    out.add_layer(layer, "attn_res_norm.weight", TensorRole::attn_norm, 1, h);
    out.add_layer(layer, "ffn_res_proj.weight", TensorRole::other, 1, h);
    out.add_layer(layer, "ffn_res_norm.weight", TensorRole::ffn_norm, 1, h);
  }
  if (a.ffn_of(static_cast<std::uint32_t>(layer)) == FfnKind::moe) {
    out.add_layer(layer, "ffn_exp_probs_b.bias", TensorRole::ffn_bias, 1, a.num_experts);
    if (a.moe_latent_size > 0 && a.moe_latent_norm)
      out.add_layer(layer, "ffn_latent_norm.weight", TensorRole::ffn_norm, 1, a.moe_latent_size);
  }
}

// output_attn_res (proj 1 x h + RMSNorm h) before the final norm.
void add_kimi_linear_model_extras(const ModelArch& a, TensorListBuilder& out) {
  if (a.attn_res_block_size == 0) return;
  out.add("output_res_proj.weight", TensorRole::other, -1, 1, a.hidden_size);
  out.add("output_res_norm.weight", TensorRole::output_norm, -1, 1, a.hidden_size);
}

}  // namespace headroom
