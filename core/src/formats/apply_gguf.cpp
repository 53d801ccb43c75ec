// GGUF quantization mixes: every tensor of a model through llama.cpp's quantizer rules
// (formats/gguf_rules.cpp, a port of src/llama-quant.cpp in ggml-org/llama.cpp), starting from
// the file type's default type (llama_ftype_get_default_type).
#include <optional>
#include <string_view>
#include <utility>

#include "formats/gguf_rules.h"
#include "formats/internal.h"
#include "headroom/weight_format.h"

namespace headroom {

namespace {

using namespace gguf_rules;

struct Recipe {
  std::string_view id;  // WeightFormat id
  Ftype ftype;
  DType default_type;  // llama_ftype_get_default_type
};

constexpr Recipe kRecipes[] = {
    {"f16", Ftype::f16, DType::f16},          {"bf16-gguf", Ftype::bf16, DType::bf16},
    {"q4_0", Ftype::q4_0, DType::q4_0},       {"q4_1", Ftype::q4_1, DType::q4_1},
    {"q5_0", Ftype::q5_0, DType::q5_0},       {"q5_1", Ftype::q5_1, DType::q5_1},
    {"q8_0", Ftype::q8_0, DType::q8_0},       {"q2_k", Ftype::q2_k, DType::q2_k},
    {"q2_k_s", Ftype::q2_k_s, DType::q2_k},   {"q3_k_s", Ftype::q3_k_s, DType::q3_k},
    {"q3_k_m", Ftype::q3_k_m, DType::q3_k},   {"q3_k_l", Ftype::q3_k_l, DType::q3_k},
    {"q4_k_s", Ftype::q4_k_s, DType::q4_k},   {"q4_k_m", Ftype::q4_k_m, DType::q4_k},
    {"q5_k_s", Ftype::q5_k_s, DType::q5_k},   {"q5_k_m", Ftype::q5_k_m, DType::q5_k},
    {"q6_k", Ftype::q6_k, DType::q6_k},       {"iq2_xxs", Ftype::iq2_xxs, DType::iq2_xxs},
    {"iq2_xs", Ftype::iq2_xs, DType::iq2_xs}, {"iq2_s", Ftype::iq2_s, DType::iq2_xs},
    {"iq2_m", Ftype::iq2_m, DType::iq2_s},    {"iq3_xxs", Ftype::iq3_xxs, DType::iq3_xxs},
    {"iq3_xs", Ftype::iq3_xs, DType::iq3_s},  {"iq3_s", Ftype::iq3_s, DType::iq3_s},
    {"iq3_m", Ftype::iq3_m, DType::iq3_s},    {"iq1_s", Ftype::iq1_s, DType::iq1_s},
    {"iq1_m", Ftype::iq1_m, DType::iq1_m},    {"iq4_nl", Ftype::iq4_nl, DType::iq4_nl},
    {"iq4_xs", Ftype::iq4_xs, DType::iq4_xs}, {"mxfp4-gguf", Ftype::mxfp4_moe, DType::mxfp4},
};

Category category_of(TensorRole role) {
  switch (role) {
    case TensorRole::token_embd:
      return Category::token_embd;
    case TensorRole::output:
      return Category::output;
    case TensorRole::attn_qkv:
      return Category::attn_qkv;
    case TensorRole::attn_kv_b:
      return Category::attn_kv_b;
    case TensorRole::attn_v:
      return Category::attn_v;
    case TensorRole::attn_k:
      return Category::attn_k;
    case TensorRole::attn_q:
      return Category::attn_q;
    case TensorRole::attn_o:
      return Category::attn_output;
    case TensorRole::ffn_up:
    case TensorRole::ffn_up_exps:
    case TensorRole::ffn_up_shexp:
      return Category::ffn_up;
    case TensorRole::ffn_gate:
    case TensorRole::ffn_gate_exps:
    case TensorRole::ffn_gate_shexp:
    case TensorRole::ffn_gate_up:  // "ffn_gate_up" matches "ffn_gate" first
    case TensorRole::ffn_gate_up_exps:
      return Category::ffn_gate;
    case TensorRole::ffn_down:
    case TensorRole::ffn_down_exps:
    case TensorRole::ffn_down_shexp:
      return Category::ffn_down;
    default:
      return Category::other;  // MLA q_a/q_b/kv_a and the rest: default type
  }
}

// tensor_allows_quantization: 2-D+ weights only; norms, biases, sinks and the
// router stay F32.
bool allows_quantization(const TensorSpec& tensor) {
  switch (tensor.role) {
    case TensorRole::output_norm:
    case TensorRole::attn_norm:
    case TensorRole::ffn_norm:
    case TensorRole::attn_q_a_norm:
    case TensorRole::attn_kv_a_norm:
    case TensorRole::attn_bias:
    case TensorRole::ffn_bias:
    case TensorRole::attn_sinks:
    case TensorRole::ffn_router:
      return false;
    default:
      return tensor.rows > 1 && tensor.cols > 1;
  }
}

bool is_quantized(DType type) { return dtype_info(type).block_elems > 1; }

ModelFacts model_facts(const ModelArch& arch, const std::vector<TensorSpec>& tensors, Ftype ftype) {
  ModelFacts facts;
  facts.n_layer = static_cast<int>(arch.num_layers);
  facts.n_expert = static_cast<int>(arch.num_experts);
  facts.n_gqa = arch.num_kv_heads > 0 ? static_cast<int>(arch.num_heads / arch.num_kv_heads) : 0;
  facts.is_70b = arch.num_layers == 80 && arch.num_kv_heads < arch.num_heads &&
                 (arch.family == "llama" || arch.family == "qwen2");
  facts.is_falcon = arch.family == "falcon";
  facts.tied = true;
  for (const auto& tensor : tensors) {
    if (tensor.role == TensorRole::output) facts.tied = false;
  }
  facts.has_imatrix = is_iq2_family(ftype) || ftype == Ftype::iq3_xxs || ftype == Ftype::q2_k_s;
  return facts;
}

}  // namespace

Result<std::vector<TensorSpec>> detail::apply_gguf_mix(const ModelArch& arch,
                                                       std::vector<TensorSpec> tensors,
                                                       const WeightFormat& format) {
  std::optional<Recipe> recipe;
  for (const auto& candidate : kRecipes) {
    if (candidate.id == format.id) recipe = candidate;
  }
  if (!recipe) {
    return refused(ErrorCode::unsupported, "quant",
                   "weight_format '" + format.id + "' has no llama.cpp quantization recipe");
  }
  const ModelFacts facts = model_facts(arch, tensors, recipe->ftype);
  Counters counters;
  for (const auto& tensor : tensors) {
    if (allows_quantization(tensor) && is_attn_v_like(category_of(tensor.role))) {
      ++counters.n_attention_wv;
    }
  }
  for (auto& tensor : tensors) {
    if (!allows_quantization(tensor)) {
      tensor.dtype = DType::f32;
      continue;
    }
    DType type = recipe->default_type;
    if (is_quantized(type)) {
      type = choose_type(recipe->ftype, type, tensor, category_of(tensor.role), facts, counters);
      type = fallback(type, tensor.cols);
    }
    tensor.dtype = type;
  }
  return tensors;
}

}  // namespace headroom
