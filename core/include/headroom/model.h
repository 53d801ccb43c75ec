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

// How a layer attends; decides what its KV cache holds.
enum class AttentionKind { full, sliding, mla, none };

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
  ffn_bias,
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
  std::uint32_t sliding_window_tokens = 0;

  // Mixture of experts (num_experts == 0: dense).
  std::uint32_t num_experts = 0;
  std::uint32_t experts_per_token = 0;
  std::uint32_t moe_intermediate_size = 0;
  std::uint32_t num_shared_experts = 0;
  std::uint32_t shared_expert_intermediate_size = 0;
  std::uint32_t first_dense_layers = 0;  // deepseek first_k_dense_replace

  // Multi-head latent attention (DeepSeek V2/V3).
  std::uint32_t kv_lora_rank = 0;
  std::uint32_t q_lora_rank = 0;
  std::uint32_t qk_rope_head_dim = 0;
  std::uint32_t qk_nope_head_dim = 0;

  std::uint64_t vision_params = 0;  // image encoder of a multimodal checkpoint (vLLM loads it)
  std::uint32_t vision_hidden_size = 0;

  DType native_dtype = DType::bf16;  // torch_dtype of the published checkpoint
  std::string native_quant;          // e.g. "mxfp4" (gpt-oss), "fp8" (DeepSeek-V3); empty if none

  // Assumptions the parser made where the source was silent ("no torch_dtype: assumed bfloat16").
  std::vector<std::string> notes;

  // Exact tensors when the source lists them (GGUF); empty means derive from the architecture.
  std::vector<TensorSpec> tensors;

  bool is_moe() const { return num_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  bool layer_is_moe(std::uint32_t layer) const { return is_moe() && layer >= first_dense_layers; }
  AttentionKind attention_of(std::uint32_t layer) const {
    return layer < layer_attention.size() ? layer_attention[layer]
                                          : (is_mla() ? AttentionKind::mla : AttentionKind::full);
  }
};

// Parses a Hugging Face config.json text. Fields that matter and are missing give an error
// naming them ("config.num_key_value_heads ..."); unknown architectures are refused.
Result<ModelArch> parse_hf_config(std::string_view json_text, std::string_view id);

// The weight tensors of an architecture, in unquantized form (dtype = native_dtype), shaped as
// the runtimes store them. Returns arch.tensors when the architecture came with its own list.
std::vector<TensorSpec> model_tensors(const ModelArch& arch);

// Parameter counts from the tensor list.
std::uint64_t total_params(const ModelArch& arch);
// Parameters touched per token (MoE: shared + experts_per_token routed experts).
std::uint64_t active_params(const ModelArch& arch);

// Checks a normalized architecture for impossible values; names the field.
std::optional<Error> validate_arch(const ModelArch& arch);

}  // namespace headroom
