// Tensor role and layer from GGUF tensor names (llama.cpp gguf-py TENSOR_NAMES).
#include <array>
#include <utility>

#include "headroom/gguf.h"

namespace headroom {
namespace {

struct RoleName {
  std::string_view base;
  TensorRole role;
};

// Names after "blk.N." with ".weight"/".bias" removed.
constexpr std::array kBlockRoles = {
    RoleName{"attn_norm", TensorRole::attn_norm},
    RoleName{"attn_norm_2", TensorRole::attn_norm},
    RoleName{"attn_q_norm", TensorRole::attn_norm},
    RoleName{"attn_k_norm", TensorRole::attn_norm},
    RoleName{"attn_output_norm", TensorRole::attn_norm},
    RoleName{"attn_sub_norm", TensorRole::attn_norm},
    RoleName{"post_attention_norm", TensorRole::attn_norm},
    RoleName{"attn_q", TensorRole::attn_q},
    RoleName{"attn_k", TensorRole::attn_k},
    RoleName{"attn_v", TensorRole::attn_v},
    RoleName{"attn_qkv", TensorRole::attn_qkv},
    RoleName{"attn_output", TensorRole::attn_o},
    RoleName{"attn_sinks", TensorRole::attn_sinks},
    RoleName{"attn_q_a", TensorRole::attn_q_a},
    RoleName{"attn_q_b", TensorRole::attn_q_b},
    RoleName{"attn_kv_a_mqa", TensorRole::attn_kv_a},
    RoleName{"attn_kv_b", TensorRole::attn_kv_b},
    RoleName{"attn_k_b", TensorRole::attn_kv_b},  // kv_b split in two by newer conversions
    RoleName{"attn_v_b", TensorRole::attn_kv_b},
    RoleName{"attn_q_a_norm", TensorRole::attn_q_a_norm},
    RoleName{"attn_kv_a_norm", TensorRole::attn_kv_a_norm},
    RoleName{"ffn_norm", TensorRole::ffn_norm},
    RoleName{"post_ffw_norm", TensorRole::ffn_norm},
    RoleName{"pre_ffw_norm_2", TensorRole::ffn_norm},
    RoleName{"post_ffw_norm_1", TensorRole::ffn_norm},
    RoleName{"post_ffw_norm_2", TensorRole::ffn_norm},
    RoleName{"ffn_sub_norm", TensorRole::ffn_norm},
    RoleName{"layer_output_norm", TensorRole::ffn_norm},
    RoleName{"ffn_gate", TensorRole::ffn_gate},
    RoleName{"ffn_up", TensorRole::ffn_up},
    RoleName{"ffn_down", TensorRole::ffn_down},
    RoleName{"ffn_gate_inp", TensorRole::ffn_router},
    RoleName{"ffn_gate_inp_shexp", TensorRole::ffn_router},
    RoleName{"exp_probs_b", TensorRole::ffn_router},
    RoleName{"ffn_gate_exps", TensorRole::ffn_gate_exps},
    RoleName{"ffn_up_exps", TensorRole::ffn_up_exps},
    RoleName{"ffn_down_exps", TensorRole::ffn_down_exps},
    RoleName{"ffn_gate_up_exps", TensorRole::ffn_gate_up_exps},
    RoleName{"ffn_gate_shexp", TensorRole::ffn_gate_shexp},
    RoleName{"ffn_up_shexp", TensorRole::ffn_up_shexp},
    RoleName{"ffn_down_shexp", TensorRole::ffn_down_shexp},
    // Recurrent mixers (llama.cpp LLM_TENSOR_SSM_*): the projections; conv, A and D stay other.
    RoleName{"ssm_in", TensorRole::ssm},
    RoleName{"ssm_out", TensorRole::ssm},
    RoleName{"ssm_x", TensorRole::ssm},
    RoleName{"ssm_dt", TensorRole::ssm},
    RoleName{"ssm_ba", TensorRole::ssm},
    RoleName{"ssm_beta_alpha", TensorRole::ssm},
    RoleName{"ssm_norm", TensorRole::attn_norm},
};

bool is_norm(TensorRole role) {
  return role == TensorRole::attn_norm || role == TensorRole::ffn_norm ||
         role == TensorRole::output_norm || role == TensorRole::attn_q_a_norm ||
         role == TensorRole::attn_kv_a_norm;
}

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "ffn_gate.7" (one tensor per expert, older Mixtral files) -> the stacked-experts role.
std::optional<TensorRole> per_expert_role(std::string_view base) {
  const auto dot = base.find('.');
  if (dot == std::string_view::npos || !is_digits(base.substr(dot + 1))) return std::nullopt;
  const auto stem = base.substr(0, dot);
  if (stem == "ffn_gate") return TensorRole::ffn_gate_exps;
  if (stem == "ffn_up") return TensorRole::ffn_up_exps;
  if (stem == "ffn_down") return TensorRole::ffn_down_exps;
  return std::nullopt;
}

TensorRole block_role(std::string_view base, bool is_bias) {
  TensorRole role = TensorRole::other;
  for (const auto& entry : kBlockRoles) {
    if (entry.base == base) role = entry.role;
  }
  if (role == TensorRole::other) role = per_expert_role(base).value_or(TensorRole::other);
  if (!is_bias || role == TensorRole::other || is_norm(role) || role == TensorRole::ffn_router ||
      role == TensorRole::attn_sinks) {
    return role;
  }
  return base.starts_with("attn_") ? TensorRole::attn_bias : TensorRole::ffn_bias;
}

}  // namespace

GgufTensorName parse_gguf_tensor_name(std::string_view name) {
  GgufTensorName result;
  bool is_bias = false;
  std::string_view base = name;
  if (base.ends_with(".weight")) {
    base.remove_suffix(7);
  } else if (base.ends_with(".bias")) {
    base.remove_suffix(5);
    is_bias = true;
  }
  if (base.starts_with("blk.")) {
    const auto rest = base.substr(4);
    const auto dot = rest.find('.');
    const auto number = rest.substr(0, dot);
    // At most 9 digits keeps the layer inside int.
    if (dot == std::string_view::npos || !is_digits(number) || number.size() > 9) return result;
    int layer = 0;
    for (const char c : number) layer = layer * 10 + (c - '0');
    result.layer = layer;
    result.role = block_role(rest.substr(dot + 1), is_bias);
    return result;
  }
  if (base == "token_embd") result.role = TensorRole::token_embd;
  if (base == "output") result.role = TensorRole::output;
  if (base == "output_norm") result.role = TensorRole::output_norm;
  return result;
}

}  // namespace headroom
