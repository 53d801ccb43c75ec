// The per-tensor type rules of llama.cpp's quantizer (src/llama-quant.cpp), private to
// core/src/formats: which type a tensor gets under a file type (ftype), and the fallback when
// its row length is not a whole number of blocks. The rules themselves are listed in
// gguf_rules.cpp; apply_gguf.cpp walks a model's tensors through them.
#pragma once

#include <cstdint>

#include "headroom/dtype.h"
#include "headroom/model.h"

namespace headroom::gguf_rules {

enum class Ftype {
  f16,
  bf16,
  q4_0,
  q4_1,
  q5_0,
  q5_1,
  q8_0,
  q2_k,
  q2_k_s,
  q3_k_s,
  q3_k_m,
  q3_k_l,
  q4_k_s,
  q4_k_m,
  q5_k_s,
  q5_k_m,
  q6_k,
  iq2_xxs,
  iq2_xs,
  iq2_s,
  iq2_m,
  iq3_xxs,
  iq3_xs,
  iq3_s,
  iq3_m,
  iq1_s,
  iq1_m,
  iq4_nl,
  iq4_xs,
  mxfp4_moe,
};

// llama-quant.cpp tensor_get_category, from the role instead of the name.
enum class Category {
  token_embd,
  attn_q,
  attn_k,
  attn_v,
  attn_qkv,
  attn_kv_b,
  attn_output,
  ffn_up,
  ffn_gate,
  ffn_down,
  output,
  other,
};

// Model facts llama_tensor_get_type_impl reads from hparams.
struct ModelFacts {
  int n_layer = 0;
  int n_expert = 0;
  int n_gqa = 0;        // n_head / n_head_kv
  bool is_70b = false;  // llama.cpp LLM_TYPE_70B: 80-layer GQA llama/qwen2
  bool is_falcon = false;
  bool tied = false;  // no output.weight: token_embd doubles as the output
  bool has_imatrix = false;
};

struct Counters {
  int n_attention_wv = 0;
  int i_attention_wv = 0;
  int i_ffn_down = 0;
  int i_ffn_gate = 0;
  int i_ffn_up = 0;
};

bool is_attn_v_like(Category c);
bool is_iq2_family(Ftype f);

// llama_tensor_get_type_impl: the type of one tensor of category `cat`, starting from the
// file type's default `new_type`; `counters` advance as llama.cpp's do.
DType choose_type(Ftype ftype, DType new_type, const TensorSpec& tensor, Category cat,
                  const ModelFacts& facts, Counters& counters);

// tensor_type_fallback: a type whose block divides `cols`, else F16.
DType fallback(DType type, std::uint64_t cols);

}  // namespace headroom::gguf_rules
