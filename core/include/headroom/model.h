// ModelArch: the architecture facts that sizing needs, normalized from a catalog entry,
// a Hugging Face config.json or a GGUF header. TensorSpec: one weight tensor of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "headroom/dtype.h"
#include "headroom/result.h"

namespace headroom {

// How a layer attends; decides what its KV cache holds. `chunked`: Llama 4 local layers, which
// attend within fixed chunks and so hold at most one chunk (sliding_window_tokens) of KV.
enum class AttentionKind { full, sliding, mla, none, chunked };

// What a layer keeps per sequence besides (or instead of) KV: a fixed-size recurrent state
// (conv window + SSM/delta-rule matrix) that does not grow with the context. `kda`: Kimi Delta
// Attention (kimi_linear), whose state has Gated DeltaNet's shape with key_heads = value_heads
// and key_head_dim = value_head_dim (vLLM MambaStateShapeCalculator.kda_state_shape).
enum class StateKind { none, mamba2, mamba1, gated_deltanet, short_conv, kda };

// What a layer's feed-forward block is (Nemotron-H layers have a mixer and no FFN).
enum class FfnKind { dense, moe, none };

// Widths of the recurrent mixers (transformers configuration_<family>.py names in comments).
struct RecurrentDims {
  std::uint32_t conv_kernel = 0;  // conv_kernel / mamba_d_conv / linear_conv_kernel_dim / L_cache
  std::uint32_t d_inner = 0;      // Mamba inner width (H x P for Mamba-2)
  std::uint32_t n_groups = 0;     // Mamba-2 B/C groups
  std::uint32_t d_state = 0;      // SSM state size N
  std::uint32_t n_heads = 0;      // Mamba-2 heads H
  std::uint32_t dt_rank = 0;      // Mamba-1 time-step rank
  std::uint32_t key_heads = 0;    // Gated DeltaNet nk, dk, nv, dv
  std::uint32_t key_head_dim = 0;
  std::uint32_t value_heads = 0;
  std::uint32_t value_head_dim = 0;
  bool conv_bias = false;
  bool proj_bias = false;
  bool gated_norm = true;  // Mamba-2 RMSNorm over d_inner before out_proj
  bool full_rank_gate = false;  // KDA output gate: g_proj h -> H d instead of g_a / g_b (rank d)
};

// One layer's attention and FFN widths where layers differ (Gemma 4's global layers,
// MiMo-V2-Flash's sliding layers, Nemotron-NAS blocks); a 0 width means the model-wide value.
struct LayerShape {
  std::uint32_t num_heads = 0;
  std::uint32_t num_kv_heads = 0;
  std::uint32_t head_dim = 0;
  std::uint32_t v_head_dim = 0;
  bool k_eq_v = false;          // no v_proj: V comes from k_proj (Gemma 4 attention_k_eq_v)
  bool attn_linear = false;     // attention replaced by one hidden x hidden linear (no KV)
  std::uint32_t ffn_width = 0;  // dense FFN width (Nemotron-NAS ffn_mult)
  bool ffn_linear = false;      // FFN replaced by one hidden x hidden linear
};

// Per-sequence recurrent state in elements, whole model (all recurrent layers, before TP).
struct StateElements {
  std::uint64_t conv = 0;  // convolution windows
  std::uint64_t ssm = 0;   // SSM / delta-rule matrices
};

// What a weight tensor is for; decides quantization recipes and tensor-parallel sharding.
enum class TensorRole {
  token_embd,
  output,
  output_norm,
  attn_norm,
  attn_q,
  attn_k,
  attn_v,
  attn_qkv,
  attn_o,
  attn_bias,
  attn_sinks,
  attn_q_a,
  attn_q_b,
  attn_kv_a,
  attn_kv_b,
  attn_q_a_norm,
  attn_kv_a_norm,  // MLA
  ffn_norm,
  ffn_gate,
  ffn_up,
  ffn_down,
  ffn_gate_up,
  ffn_router,
  ffn_gate_exps,
  ffn_up_exps,
  ffn_down_exps,
  ffn_gate_up_exps,
  ffn_gate_shexp,
  ffn_up_shexp,
  ffn_down_shexp,
  ffn_latent,  // LatentMoE fc1/fc2_latent_proj: run for every token, replicated under TP
  ffn_bias,
  ssm,     // a recurrent mixer's linear projections (Mamba, Gated DeltaNet, short conv)
  vision,  // a multimodal checkpoint's image encoder + projector, lumped into one tensor
  other,
};
const char* to_string(TensorRole role);
// The routed MoE expert tensors (not the shared expert, not the router).
bool is_routed_expert(TensorRole role);

struct TensorSpec {
  std::string name;  // GGUF-style name, e.g. "blk.3.attn_v.weight"
  TensorRole role = TensorRole::other;
  int layer = -1;             // -1 for tensors outside the repeating blocks
  std::uint64_t rows = 1;     // output features (product of GGUF ne1..ne3, experts included)
  std::uint64_t cols = 1;     // input features (GGUF ne0; quant blocks run along it)
  DType dtype = DType::bf16;  // storage type once a weight format is applied
  std::uint64_t elements() const { return rows * cols; }
};

struct ModelArch {
  std::string id;      // catalog id, or the file name it came from
  std::string name;    // human name
  std::string family;  // HF model_type ("llama", "gemma2", "deepseek_v3", ...)
  std::string source;  // where the architecture facts come from

  std::uint32_t num_layers = 0;
  std::uint32_t hidden_size = 0;
  std::uint32_t num_heads = 0;
  std::uint32_t num_kv_heads = 0;
  std::uint32_t head_dim = 0;           // K head size (explicit head_dim when the config has it)
  std::uint32_t v_head_dim = 0;         // V head size (equal to head_dim except MLA)
  std::uint32_t intermediate_size = 0;  // dense FFN width
  std::uint32_t vocab_size = 0;
  std::uint64_t max_context_tokens = 0;
  bool tie_embeddings = false;
  bool attention_bias = false;  // q/k/v biases (qwen2, gpt-oss)

  // Per-layer attention kind; empty means all layers full attention.
  std::vector<AttentionKind> layer_attention;
  std::uint32_t sliding_window_tokens = 0;  // also Llama 4's attention_chunk_size

  // Hybrid / recurrent layers. Empty layer_state: no recurrent layers. Empty layer_ffn: every
  // layer has an FFN, MoE from first_dense_layers on.
  std::vector<StateKind> layer_state;
  std::vector<FfnKind> layer_ffn;
  RecurrentDims recurrent;
  // vLLM keeps Nemotron-H's SSM state in float32 (config mamba_ssm_cache_dtype); other families'
  // states take the model dtype there.
  bool ssm_state_f32 = false;
  bool gated_ffn = true;          // false: up/down only (Phi, StarCoder2, Nemotron-H relu2)
  bool ffn_bias = false;          // biases on the MLP projections (Phi, StarCoder2)
  bool attn_output_gate = false;  // q_proj twice as wide, the half gates the output (Qwen3-Next);
                                  // on MLA layers a g_proj h -> heads x v_head_dim (Kimi K3)
  // Block attention residuals (Kimi K3 attn_res_block_size): a 1 x h query and an RMSNorm before
  // each layer's attention and MLP, and one pair before the final norm. 0: plain residuals.
  std::uint32_t attn_res_block_size = 0;

  // Per-layer widths; empty: every layer uses the fields above.
  std::vector<LayerShape> layer_shapes;

  // Mixture of experts (num_experts == 0: dense).
  std::uint32_t num_experts = 0;
  std::uint32_t experts_per_token = 0;
  std::uint32_t moe_intermediate_size = 0;
  std::uint32_t num_shared_experts = 0;
  std::uint32_t shared_expert_intermediate_size = 0;
  std::uint32_t first_dense_layers = 0;  // deepseek first_k_dense_replace
  // LatentMoE (Nemotron 3 Super / Ultra): the router reads the hidden state, fc1_latent_proj takes
  // it down to this width, the routed experts run there, fc2_latent_proj takes it back; the
  // shared expert stays at the hidden width. 0: experts at hidden_size.
  std::uint32_t moe_latent_size = 0;
  bool moe_latent_norm = false;  // RMSNorm over the latent before the up projection (Kimi K3)

  // Multi-head latent attention (DeepSeek V2/V3).
  std::uint32_t kv_lora_rank = 0;
  std::uint32_t q_lora_rank = 0;
  std::uint32_t qk_rope_head_dim = 0;
  std::uint32_t qk_nope_head_dim = 0;

  // DeepSeek sparse attention (DeepSeek-V3.2, GLM-5): the lightning indexer on every MLA layer
  // (index_n_heads x index_head_dim queries, one shared key of index_head_dim cached per token).
  std::uint32_t index_n_heads = 0;
  std::uint32_t index_head_dim = 0;
  std::uint32_t index_topk = 0;  // tokens each query attends to after the indexer's selection
  // IndexShare (GLM-5.2 indexer_types): which layers own an indexer; the others reuse the top-k
  // of the last layer that does, and hold no indexer weights or keys. Empty: every MLA layer.
  std::vector<bool> layer_owns_indexer;
  // MiniMax sparse attention (MiniMax-M3 sparse_attention_config): block-sparse GQA over the
  // ordinary K/V cache, no MLA. Its indexer (index_n_heads query heads, one shared key of
  // index_head_dim per token, kept in 16 bits whatever the KV dtype) scores blocks of this many
  // tokens; a query attends index_topk tokens (sparse_topk_blocks blocks, the local one among
  // them) on the layers that own an indexer, and every token on the others. 0: not MiniMax's.
  std::uint32_t index_block_tokens = 0;

  std::uint64_t vision_params = 0;  // image encoder of a multimodal checkpoint (vLLM loads it)
  std::uint32_t vision_hidden_size = 0;

  DType native_dtype = DType::bf16;  // torch_dtype of the published checkpoint
  std::string native_quant;          // e.g. "mxfp4" (gpt-oss), "fp8" (DeepSeek-V3); empty if none
  std::string native_quant_method;   // quantization_config.quant_method ("mxfp4", "compressed-tensors")

  // Assumptions the parser made where the source was silent ("no torch_dtype: assumed bfloat16").
  std::vector<std::string> notes;

  // Exact tensors when the source lists them (GGUF); empty means derive from the architecture.
  std::vector<TensorSpec> tensors;

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  bool has_indexer() const { return index_n_heads > 0 && index_head_dim > 0; }
  bool is_block_sparse() const { return has_indexer() && index_block_tokens > 0; }
  bool owns_indexer(std::uint32_t layer) const {
    return has_indexer() && (layer >= layer_owns_indexer.size() || layer_owns_indexer[layer]);
  }
  // Layer `layer`'s widths with the model-wide values filled in.
  LayerShape shape_of(std::uint32_t layer) const {
    LayerShape s = layer < layer_shapes.size() ? layer_shapes[layer] : LayerShape{};
    if (s.num_heads == 0) s.num_heads = num_heads;
    if (s.num_kv_heads == 0) s.num_kv_heads = num_kv_heads;
    if (s.head_dim == 0) s.head_dim = head_dim;
    if (s.v_head_dim == 0) s.v_head_dim = s.head_dim == head_dim ? v_head_dim : s.head_dim;
    if (s.ffn_width == 0) s.ffn_width = intermediate_size;
    return s;
  }
  bool layer_is_moe(std::uint32_t layer) const {
    if (layer < layer_ffn.size()) return is_moe() && layer_ffn[layer] == FfnKind::moe;
    return is_moe() && layer >= first_dense_layers;
  }
  FfnKind ffn_of(std::uint32_t layer) const {
    if (layer < layer_ffn.size()) return layer_ffn[layer];
    return layer_is_moe(layer) ? FfnKind::moe : FfnKind::dense;
  }
  StateKind state_of(std::uint32_t layer) const {
    return layer < layer_state.size() ? layer_state[layer] : StateKind::none;
  }
  bool has_recurrent_state() const {
    for (const StateKind kind : layer_state)
      if (kind != StateKind::none) return true;
    return false;
  }
  AttentionKind attention_of(std::uint32_t layer) const {
    return layer < layer_attention.size() ? layer_attention[layer]
                                          : (is_mla() ? AttentionKind::mla : AttentionKind::full);
  }
};

// Parses a Hugging Face config.json text. Fields that matter and are missing give an error
// naming them ("config.num_key_value_heads ..."); unknown architectures are refused.
Result<ModelArch> parse_hf_config(std::string_view json_text, std::string_view id);
// config.json with the hf_quant_config.json a ModelOpt checkpoint keeps beside it: its
// "quantization" becomes the quantization_config (quant_method modelopt) when config.json has
// none. The merged config.json text, or why hf_quant_config.json cannot be read.
Result<std::string> with_hf_quant_config(std::string_view config_json,
                                         std::string_view hf_quant_config_json);

// The weight tensors of an architecture, in unquantized form (dtype = native_dtype), shaped as
// the runtimes store them. Returns arch.tensors when the architecture came with its own list.
std::vector<TensorSpec> model_tensors(const ModelArch& arch);

// Parameter counts from the tensor list.
std::uint64_t total_params(const ModelArch& arch);
// Parameters touched per token (MoE: shared + experts_per_token routed experts).
std::uint64_t active_params(const ModelArch& arch);
// The same from a list model_tensors(arch) already built: sizing builds it once per request
// instead of once per figure (a table over every card builds it for each card).
std::uint64_t total_params(const std::vector<TensorSpec>& tensors);
std::uint64_t active_params(const ModelArch& arch, const std::vector<TensorSpec>& tensors);
// active_params plus the input embedding table, as model cards count "activated parameters"
// ("17B active" for Llama 4 Scout); the speed model reads only active_params per token.
std::uint64_t active_params_with_embedding(const ModelArch& arch,
                                           const std::vector<TensorSpec>& tensors);

// The recurrent state one sequence keeps, in elements (all zero for attention-only models).
StateElements recurrent_state_elements(const ModelArch& arch);

// Checks a normalized architecture for impossible values; names the field.
std::optional<Error> validate_arch(const ModelArch& arch);

}  // namespace headroom
