// The weight tensors of an architecture, named and shaped as llama.cpp's GGUF converter and
// the HF checkpoints store them (rows = output features, cols = input features).
#include <string>

#include "headroom/model.h"
#include "model/tensor_builder.h"

namespace headroom {
namespace {

bool has_extra_norms(const std::string& family) {
  // Gemma 2/3 add post-attention and post-FFN norms to every block.
  return family == "gemma2" || family == "gemma3" || family == "gemma3_text" ||
         family == "gemma4_text";
}

bool has_qk_norm(const std::string& family) {
  return family == "qwen3" || family == "qwen3_moe" || family == "gemma3" ||
         family == "gemma3_text" || family == "olmo2" || family == "qwen3_next" ||
         family == "qwen3_5_moe_text" || family == "qwen3_5_text" || family == "qwen3_vl_text" ||
         family == "qwen3_vl_moe_text" || family == "lfm2" || family == "olmo3" ||
         family == "exaone4" || family == "minimax_m2" || family == "gemma4_text" ||
         family == "minimax_m3";
}

// DeepSeek sparse attention's lightning indexer (DeepSeek-V3.2-Exp inference/model.py Indexer,
// llama.cpp blk.N.indexer.*): wq_b q_lora -> heads x dim, wk hidden -> dim, its LayerNorm
// (weight + bias), weights_proj hidden -> heads. No q_lora_rank: the query comes from hidden.
void add_indexer(const ModelArch& a, int layer, TensorListBuilder& out) {
  const std::uint64_t heads = a.index_n_heads, dim = a.index_head_dim;
  const std::uint64_t q_in = a.q_lora_rank > 0 ? a.q_lora_rank : a.hidden_size;
  out.add_layer(layer, "indexer.attn_q_b.weight", TensorRole::attn_q_b, heads * dim, q_in);
  out.add_layer(layer, "indexer.attn_k.weight", TensorRole::attn_k, dim, a.hidden_size);
  out.add_layer(layer, "indexer.k_norm.weight", TensorRole::attn_norm, 1, dim);
  out.add_layer(layer, "indexer.k_norm.bias", TensorRole::attn_norm, 1, dim);
  out.add_layer(layer, "indexer.proj.weight", TensorRole::other, heads, a.hidden_size);
}

// MiniMax sparse attention's indexer (sgl-project/sglang models/minimax_m3.py
// @01b5f572b7b678e2fa5a727881f1ff3ab4dd3c6d, index_qkv_proj with the value head disabled):
// index_q_proj hidden -> index heads x dim, sharded like the KV heads; index_k_proj hidden -> one
// shared head of dim, replicated on every rank; per-head index_q_norm / index_k_norm.
void add_block_sparse_indexer(const ModelArch& a, int layer, TensorListBuilder& out) {
  const std::uint64_t heads = a.index_n_heads, dim = a.index_head_dim;
  out.add_layer(layer, "indexer.attn_q.weight", TensorRole::attn_k, heads * dim, a.hidden_size);
  out.add_layer(layer, "indexer.attn_k.weight", TensorRole::attn_kv_a, dim, a.hidden_size);
  out.add_layer(layer, "indexer.q_norm.weight", TensorRole::attn_norm, 1, dim);
  out.add_layer(layer, "indexer.k_norm.weight", TensorRole::attn_norm, 1, dim);
}

void add_attention(const ModelArch& a, int layer, TensorListBuilder& out) {
  const std::uint64_t hidden = a.hidden_size;
  if (a.is_mla()) {
    const std::uint64_t q_width =
        std::uint64_t{a.num_heads} * (a.qk_nope_head_dim + a.qk_rope_head_dim);
    if (a.q_lora_rank > 0) {
      out.add_layer(layer, "attn_q_a.weight", TensorRole::attn_q_a, a.q_lora_rank, hidden);
      out.add_layer(layer, "attn_q_a_norm.weight", TensorRole::attn_q_a_norm, 1, a.q_lora_rank);
      out.add_layer(layer, "attn_q_b.weight", TensorRole::attn_q_b, q_width, a.q_lora_rank);
    } else {
      out.add_layer(layer, "attn_q.weight", TensorRole::attn_q, q_width, hidden);
    }
    out.add_layer(layer, "attn_kv_a_mqa.weight", TensorRole::attn_kv_a,
                  a.kv_lora_rank + a.qk_rope_head_dim, hidden);
    out.add_layer(layer, "attn_kv_a_norm.weight", TensorRole::attn_kv_a_norm, 1, a.kv_lora_rank);
    out.add_layer(layer, "attn_kv_b.weight", TensorRole::attn_kv_b,
                  std::uint64_t{a.num_heads} * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank);
    out.add_layer(layer, "attn_output.weight", TensorRole::attn_o, hidden,
                  std::uint64_t{a.num_heads} * a.v_head_dim);
    // Gated MLA output (Kimi K3 mla_use_output_gate): sigmoid(g_proj(x)) scales each head.
    if (a.attn_output_gate)
      out.add_layer(layer, "attn_gate.weight", TensorRole::attn_q,
                    std::uint64_t{a.num_heads} * a.v_head_dim, hidden);
    if (a.owns_indexer(static_cast<std::uint32_t>(layer))) add_indexer(a, layer, out);
    return;
  }
  // Per-layer widths (Gemma 4 global layers, MiMo-V2 sliding layers, Nemotron-NAS blocks).
  const LayerShape shape = a.shape_of(static_cast<std::uint32_t>(layer));
  const std::uint64_t q_width = std::uint64_t{shape.num_heads} * shape.head_dim;
  const std::uint64_t k_width = std::uint64_t{shape.num_kv_heads} * shape.head_dim;
  const std::uint64_t v_width = std::uint64_t{shape.num_kv_heads} * shape.v_head_dim;
  const std::uint64_t o_width = std::uint64_t{shape.num_heads} * shape.v_head_dim;
  // A gated-output q_proj (Qwen3-Next) emits the query and the gate.
  out.add_layer(layer, "attn_q.weight", TensorRole::attn_q,
                a.attn_output_gate ? 2 * q_width : q_width, hidden);
  out.add_layer(layer, "attn_k.weight", TensorRole::attn_k, k_width, hidden);
  if (!shape.k_eq_v) out.add_layer(layer, "attn_v.weight", TensorRole::attn_v, v_width, hidden);
  out.add_layer(layer, "attn_output.weight", TensorRole::attn_o, hidden, o_width);
  if (a.attention_bias) {
    out.add_layer(layer, "attn_q.bias", TensorRole::attn_bias, 1, q_width);
    out.add_layer(layer, "attn_k.bias", TensorRole::attn_bias, 1, k_width);
    if (!shape.k_eq_v) out.add_layer(layer, "attn_v.bias", TensorRole::attn_bias, 1, v_width);
    if (a.family == "gpt_oss" || a.family == "phi" || a.family == "starcoder2" ||
        a.family == "gpt_neox")
      out.add_layer(layer, "attn_output.bias", TensorRole::attn_bias, 1, hidden);
  }
  if (has_qk_norm(a.family)) {
    out.add_layer(layer, "attn_q_norm.weight", TensorRole::attn_norm, 1, shape.head_dim);
    out.add_layer(layer, "attn_k_norm.weight", TensorRole::attn_norm, 1, shape.head_dim);
  }
  if (a.is_block_sparse() && a.owns_indexer(static_cast<std::uint32_t>(layer)))
    add_block_sparse_indexer(a, layer, out);
  // MiMo-V2-Flash: a learned sink logit per head on its sliding layers
  // (add_swa_attention_sink_bias).
  if (a.family == "mimo_v2_flash" &&
      a.attention_of(static_cast<std::uint32_t>(layer)) == AttentionKind::sliding)
    out.add_layer(layer, "attn_sinks.weight", TensorRole::attn_sinks, 1, shape.num_heads);
  if (a.family == "gpt_oss")
    out.add_layer(layer, "attn_sinks.weight", TensorRole::attn_sinks, 1, a.num_heads);
}

void add_ffn(const ModelArch& a, int layer, TensorListBuilder& out) {
  const std::uint64_t hidden = a.hidden_size;
  const FfnKind kind = a.ffn_of(static_cast<std::uint32_t>(layer));
  if (kind == FfnKind::none) return;
  if (kind == FfnKind::dense) {
    const LayerShape shape = a.shape_of(static_cast<std::uint32_t>(layer));
    if (shape.ffn_linear) {  // Nemotron-NAS replace_with_linear
      out.add_layer(layer, "ffn_linear.weight", TensorRole::ffn_down, hidden, hidden);
      return;
    }
    const std::uint64_t width = shape.ffn_width;
    if (a.gated_ffn) out.add_layer(layer, "ffn_gate.weight", TensorRole::ffn_gate, width, hidden);
    out.add_layer(layer, "ffn_up.weight", TensorRole::ffn_up, width, hidden);
    out.add_layer(layer, "ffn_down.weight", TensorRole::ffn_down, hidden, width);
    if (a.ffn_bias) {
      out.add_layer(layer, "ffn_up.bias", TensorRole::ffn_bias, 1, width);
      out.add_layer(layer, "ffn_down.bias", TensorRole::ffn_bias, 1, hidden);
    }
    return;
  }
  const std::uint64_t experts = a.num_experts;
  const std::uint64_t width = a.moe_intermediate_size;
  out.add_layer(layer, "ffn_gate_inp.weight", TensorRole::ffn_router, experts, hidden);
  // LatentMoE: the routed experts read and write the latent width; the two projections run for
  // every token, like a dense layer.
  const std::uint64_t io = a.moe_latent_size > 0 ? a.moe_latent_size : hidden;
  if (a.moe_latent_size > 0) {
    out.add_layer(layer, "ffn_latent_in.weight", TensorRole::ffn_latent, io, hidden);
    out.add_layer(layer, "ffn_latent_out.weight", TensorRole::ffn_latent, hidden, io);
  }
  if (a.gated_ffn)
    out.add_layer(layer, "ffn_gate_exps.weight", TensorRole::ffn_gate_exps, experts * width, io);
  out.add_layer(layer, "ffn_up_exps.weight", TensorRole::ffn_up_exps, experts * width, io);
  out.add_layer(layer, "ffn_down_exps.weight", TensorRole::ffn_down_exps, experts * io, width);
  if (a.family == "gpt_oss") {
    out.add_layer(layer, "ffn_gate_inp.bias", TensorRole::ffn_bias, 1, experts);
    out.add_layer(layer, "ffn_gate_exps.bias", TensorRole::ffn_bias, 1, experts * width);
    out.add_layer(layer, "ffn_up_exps.bias", TensorRole::ffn_bias, 1, experts * width);
    out.add_layer(layer, "ffn_down_exps.bias", TensorRole::ffn_bias, 1, experts * hidden);
  }
  if (a.shared_expert_intermediate_size > 0) {
    const std::uint64_t shared = a.shared_expert_intermediate_size;
    if (a.gated_ffn)
      out.add_layer(layer, "ffn_gate_shexp.weight", TensorRole::ffn_gate_shexp, shared, hidden);
    out.add_layer(layer, "ffn_up_shexp.weight", TensorRole::ffn_up_shexp, shared, hidden);
    out.add_layer(layer, "ffn_down_shexp.weight", TensorRole::ffn_down_shexp, hidden, shared);
    // Qwen2-MoE gates its shared expert with a 1-output linear.
    if (a.family == "qwen2_moe" || a.family == "qwen3_next" || a.family == "qwen3_5_moe_text")
      out.add_layer(layer, "ffn_gate_inp_shexp.weight", TensorRole::ffn_router, 1, hidden);
  }
}

}  // namespace

const char* to_string(TensorRole role) {
  switch (role) {
    case TensorRole::token_embd:
      return "token_embd";
    case TensorRole::output:
      return "output";
    case TensorRole::output_norm:
      return "output_norm";
    case TensorRole::attn_norm:
      return "attn_norm";
    case TensorRole::attn_q:
      return "attn_q";
    case TensorRole::attn_k:
      return "attn_k";
    case TensorRole::attn_v:
      return "attn_v";
    case TensorRole::attn_qkv:
      return "attn_qkv";
    case TensorRole::attn_o:
      return "attn_output";
    case TensorRole::attn_bias:
      return "attn_bias";
    case TensorRole::attn_sinks:
      return "attn_sinks";
    case TensorRole::attn_q_a:
      return "attn_q_a";
    case TensorRole::attn_q_b:
      return "attn_q_b";
    case TensorRole::attn_kv_a:
      return "attn_kv_a";
    case TensorRole::attn_kv_b:
      return "attn_kv_b";
    case TensorRole::attn_q_a_norm:
      return "attn_q_a_norm";
    case TensorRole::attn_kv_a_norm:
      return "attn_kv_a_norm";
    case TensorRole::ffn_norm:
      return "ffn_norm";
    case TensorRole::ffn_gate:
      return "ffn_gate";
    case TensorRole::ffn_up:
      return "ffn_up";
    case TensorRole::ffn_down:
      return "ffn_down";
    case TensorRole::ffn_gate_up:
      return "ffn_gate_up";
    case TensorRole::ffn_router:
      return "ffn_router";
    case TensorRole::ffn_gate_exps:
      return "ffn_gate_exps";
    case TensorRole::ffn_up_exps:
      return "ffn_up_exps";
    case TensorRole::ffn_down_exps:
      return "ffn_down_exps";
    case TensorRole::ffn_gate_up_exps:
      return "ffn_gate_up_exps";
    case TensorRole::ffn_gate_shexp:
      return "ffn_gate_shexp";
    case TensorRole::ffn_up_shexp:
      return "ffn_up_shexp";
    case TensorRole::ffn_down_shexp:
      return "ffn_down_shexp";
    case TensorRole::ffn_latent:
      return "ffn_latent";
    case TensorRole::ffn_bias:
      return "ffn_bias";
    case TensorRole::ssm:
      return "ssm";
    case TensorRole::vision:
      return "vision";
    case TensorRole::other:
      return "other";
  }
  return "other";
}

std::vector<TensorSpec> model_tensors(const ModelArch& a) {
  if (!a.tensors.empty()) return a.tensors;
  TensorListBuilder out(a.native_dtype);
  out.reserve(std::size_t{a.num_layers} * 20 + 8);  // at most ~20 tensors a block
  out.add("token_embd.weight", TensorRole::token_embd, -1, a.vocab_size, a.hidden_size);
  const int norms = has_extra_norms(a.family) ? 2 : 1;
  for (int layer = 0; layer < static_cast<int>(a.num_layers); ++layer) {
    for (int i = 0; i < norms; ++i) {
      out.add_layer(layer, i == 0 ? "attn_norm.weight" : "post_attention_norm.weight",
                    TensorRole::attn_norm, 1, a.hidden_size);
      out.add_layer(layer, i == 0 ? "ffn_norm.weight" : "post_ffw_norm.weight",
                    TensorRole::ffn_norm, 1, a.hidden_size);
    }
    // A hybrid layer holds attention, a recurrent mixer, or both (Falcon-H1).
    if (a.attention_of(static_cast<std::uint32_t>(layer)) != AttentionKind::none)
      add_attention(a, layer, out);
    else if (a.shape_of(static_cast<std::uint32_t>(layer)).attn_linear)  // Nemotron-NAS
      out.add_layer(layer, "attn_linear.weight", TensorRole::attn_o, a.hidden_size, a.hidden_size);
    add_recurrent_mixer(a, layer, out);
    add_ffn(a, layer, out);
    if (a.family == "kimi_linear") add_kimi_linear_layer_extras(a, layer, out);
  }
  if (a.family == "kimi_linear") add_kimi_linear_model_extras(a, out);
  out.add("output_norm.weight", TensorRole::output_norm, -1, 1, a.hidden_size);
  if (!a.tie_embeddings)
    out.add("output.weight", TensorRole::output, -1, a.vocab_size, a.hidden_size);
  if (a.vision_params > 0 && a.vision_hidden_size > 0) {
    out.add("vision_tower.weight", TensorRole::vision, -1, a.vision_params / a.vision_hidden_size,
            a.vision_hidden_size);
  }
  return out.take();
}

bool is_routed_expert(TensorRole role) {
  return role == TensorRole::ffn_gate_exps || role == TensorRole::ffn_up_exps ||
         role == TensorRole::ffn_down_exps || role == TensorRole::ffn_gate_up_exps;
}

std::uint64_t total_params(const std::vector<TensorSpec>& tensors) {
  std::uint64_t total = 0;
  for (const auto& tensor : tensors) total += tensor.elements();
  return total;
}

std::uint64_t active_params(const ModelArch& arch, const std::vector<TensorSpec>& tensors) {
  // Matmul parameters per token: the embedding is a row lookup (unless it doubles as the
  // output head), and only experts_per_token of num_experts routed experts run.
  std::uint64_t active = 0;
  for (const auto& tensor : tensors) {
    if (tensor.role == TensorRole::token_embd && !arch.tie_embeddings) continue;
    if (tensor.role == TensorRole::vision) continue;  // runs once per image, not per token
    if (is_routed_expert(tensor.role) && arch.num_experts > 0) {
      active += tensor.elements() / arch.num_experts * arch.experts_per_token;
    } else {
      active += tensor.elements();
    }
  }
  return active;
}

std::uint64_t active_params_with_embedding(const ModelArch& arch,
                                           const std::vector<TensorSpec>& tensors) {
  std::uint64_t embedding = 0;
  for (const auto& tensor : tensors) {
    if (tensor.role == TensorRole::token_embd && !arch.tie_embeddings) embedding += tensor.elements();
  }
  return active_params(arch, tensors) + embedding;
}

std::uint64_t total_params(const ModelArch& arch) { return total_params(model_tensors(arch)); }

std::uint64_t active_params(const ModelArch& arch) {
  return active_params(arch, model_tensors(arch));
}

}  // namespace headroom
