// Recurrent mixer weights, shaped as the transformers modules hold them (per layer):
//  - Mamba-2 (NemotronHMamba2Mixer, GraniteMoeHybridMambaLayer, FalconH1Mixer): in_proj
//    h -> 2 d_in + 2 G N + H, conv1d (d_in + 2 G N) x K (+ bias), dt_bias, A_log, D (H each),
//    gated RMSNorm d_in, out_proj d_in -> h.
//  - Mamba-1 (JambaMambaMixer): in_proj h -> 2 d_in, conv1d d_in x K (+ bias), x_proj
//    d_in -> R + 2N, dt_proj R -> d_in (+ bias), A_log d_in x N, D d_in, out_proj d_in -> h,
//    and the dt/B/C layernorms (R, N, N).
//  - Gated DeltaNet (Qwen3NextGatedDeltaNet): in_proj_qkvz h -> 2 nk dk + 2 nv dv, in_proj_ba
//    h -> 2 nv, conv1d (2 nk dk + nv dv) x K, dt_bias and A_log (nv), gated norm dv, out_proj
//    nv dv -> h.
//  - Short conv (Lfm2ShortConv): in_proj h -> 3h, conv h x L_cache, out_proj h -> h.
#include "model/tensor_builder.h"

namespace headroom {

void add_recurrent_mixer(const ModelArch& a, int layer, TensorListBuilder& out) {
  const RecurrentDims& r = a.recurrent;
  const std::uint64_t h = a.hidden_size;
  const std::uint64_t k = r.conv_kernel;
  switch (a.state_of(static_cast<std::uint32_t>(layer))) {
    case StateKind::mamba2: {
      const std::uint64_t d_in = r.d_inner, gn = std::uint64_t{2} * r.n_groups * r.d_state;
      const std::uint64_t conv_dim = d_in + gn;
      out.add_layer(layer, "ssm_in.weight", TensorRole::ssm, 2 * d_in + gn + r.n_heads, h);
      if (r.proj_bias)
        out.add_layer(layer, "ssm_in.bias", TensorRole::ffn_bias, 1, 2 * d_in + gn + r.n_heads);
      out.add_layer(layer, "ssm_conv1d.weight", TensorRole::other, conv_dim, k);
      if (r.conv_bias) out.add_layer(layer, "ssm_conv1d.bias", TensorRole::ffn_bias, 1, conv_dim);
      out.add_layer(layer, "ssm_dt.bias", TensorRole::ffn_bias, 1, r.n_heads);
      out.add_layer(layer, "ssm_a", TensorRole::other, 1, r.n_heads);
      out.add_layer(layer, "ssm_d", TensorRole::other, 1, r.n_heads);
      if (r.gated_norm) out.add_layer(layer, "ssm_norm.weight", TensorRole::attn_norm, 1, d_in);
      out.add_layer(layer, "ssm_out.weight", TensorRole::ssm, h, d_in);
      if (r.proj_bias) out.add_layer(layer, "ssm_out.bias", TensorRole::ffn_bias, 1, h);
      return;
    }
    case StateKind::mamba1: {
      const std::uint64_t d_in = r.d_inner, n = r.d_state, rank = r.dt_rank;
      out.add_layer(layer, "ssm_in.weight", TensorRole::ssm, 2 * d_in, h);
      if (r.proj_bias) out.add_layer(layer, "ssm_in.bias", TensorRole::ffn_bias, 1, 2 * d_in);
      out.add_layer(layer, "ssm_conv1d.weight", TensorRole::other, d_in, k);
      if (r.conv_bias) out.add_layer(layer, "ssm_conv1d.bias", TensorRole::ffn_bias, 1, d_in);
      out.add_layer(layer, "ssm_x.weight", TensorRole::ssm, rank + 2 * n, d_in);
      out.add_layer(layer, "ssm_dt.weight", TensorRole::ssm, d_in, rank);
      out.add_layer(layer, "ssm_dt.bias", TensorRole::ffn_bias, 1, d_in);
      out.add_layer(layer, "ssm_a", TensorRole::other, d_in, n);
      out.add_layer(layer, "ssm_d", TensorRole::other, 1, d_in);
      out.add_layer(layer, "ssm_dt_norm.weight", TensorRole::attn_norm, 1, rank);
      out.add_layer(layer, "ssm_b_norm.weight", TensorRole::attn_norm, 1, n);
      out.add_layer(layer, "ssm_c_norm.weight", TensorRole::attn_norm, 1, n);
      out.add_layer(layer, "ssm_out.weight", TensorRole::ssm, h, d_in);
      if (r.proj_bias) out.add_layer(layer, "ssm_out.bias", TensorRole::ffn_bias, 1, h);
      return;
    }
    case StateKind::gated_deltanet: {
      const std::uint64_t key = std::uint64_t{r.key_heads} * r.key_head_dim;
      const std::uint64_t value = std::uint64_t{r.value_heads} * r.value_head_dim;
      out.add_layer(layer, "attn_qkv.weight", TensorRole::ssm, 2 * key + value, h);
      out.add_layer(layer, "attn_gate.weight", TensorRole::ssm, value, h);
      out.add_layer(layer, "ssm_ba.weight", TensorRole::ssm, std::uint64_t{2} * r.value_heads, h);
      out.add_layer(layer, "ssm_conv1d.weight", TensorRole::other, 2 * key + value, k);
      out.add_layer(layer, "ssm_dt.bias", TensorRole::ffn_bias, 1, r.value_heads);
      out.add_layer(layer, "ssm_a", TensorRole::other, 1, r.value_heads);
      out.add_layer(layer, "ssm_norm.weight", TensorRole::attn_norm, 1, r.value_head_dim);
      out.add_layer(layer, "ssm_out.weight", TensorRole::ssm, h, value);
      return;
    }
    case StateKind::kda:
      add_kda_mixer(a, layer, out);  // hf_kimi_linear.cpp
      return;
    case StateKind::short_conv:
      out.add_layer(layer, "shortconv.in_proj.weight", TensorRole::ssm, 3 * h, h);
      out.add_layer(layer, "shortconv.conv.weight", TensorRole::other, h, k);
      out.add_layer(layer, "shortconv.out_proj.weight", TensorRole::ssm, h, h);
      return;
    case StateKind::none:
      return;
  }
}

StateElements recurrent_state_elements(const ModelArch& a) {
  // Cache shapes from llama.cpp llama_hparams::n_embd_r / n_embd_s and vLLM
  // MambaStateShapeCalculator (research/model-families-2026.md section 1).
  const RecurrentDims& r = a.recurrent;
  const std::uint64_t window = r.conv_kernel > 0 ? r.conv_kernel - 1 : 0;
  StateElements total;
  for (std::uint32_t layer = 0; layer < a.num_layers; ++layer) {
    switch (a.state_of(layer)) {
      case StateKind::mamba2:
        total.conv += window * (r.d_inner + std::uint64_t{2} * r.n_groups * r.d_state);
        total.ssm += std::uint64_t{r.d_inner} * r.d_state;  // H x P x N with H x P = d_inner
        break;
      case StateKind::mamba1:
        total.conv += window * r.d_inner;
        total.ssm += std::uint64_t{r.d_inner} * r.d_state;
        break;
      case StateKind::gated_deltanet:
      case StateKind::kda:  // q, k, v convs and a d x d state per head (nk = nv, dk = dv)
        total.conv += window * (std::uint64_t{2} * r.key_heads * r.key_head_dim +
                                std::uint64_t{r.value_heads} * r.value_head_dim);
        total.ssm += std::uint64_t{r.value_heads} * r.key_head_dim * r.value_head_dim;
        break;
      case StateKind::short_conv:
        total.conv += window * a.hidden_size;
        break;
      case StateKind::none:
        break;
    }
  }
  return total;
}

}  // namespace headroom
