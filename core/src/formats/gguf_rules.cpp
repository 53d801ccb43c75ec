// GGUF quantization mixes, following llama.cpp src/llama-quant.cpp
// (ggml-org/llama.cpp): tensor_allows_quantization, llama_tensor_get_type_impl,
// tensor_type_fallback and llama_ftype_get_default_type. Rules implemented, in
// llama.cpp's order:
//
// 0. Not quantized (kept as convert_hf_to_gguf.py wrote them, F32): 1-D
// tensors, *_norm,
//    biases, attention sinks and the MoE router ffn_gate_inp (convert forces
//    FFN_GATE_INP to F32; llama-quantize never quantizes it). F16/BF16 files
//    store the other 2-D weights so.
// 1. output.weight, and token_embd when the model has no output.weight (tied
// embeddings):
//    MXFP4_MOE -> Q8_0; cols not a multiple of the default type's block -> Q8_0
//    (also Falcon); IQ2_XXS/IQ2_XS/IQ3_XXS/IQ1_S/IQ2_S/IQ2_M/IQ1_M -> Q5_K;
//    otherwise Q6_K unless Q8_0.
// 2. MXFP4_MOE: expert tensors (3-D) MXFP4, every other quantizable tensor
// Q8_0.
// 3. token_embd (untied): IQ2_XXS/IQ2_XS/IQ1_S/IQ1_M -> Q2_K;
// IQ2_S/IQ2_M/IQ3_XXS -> IQ3_S;
//    otherwise the default type.
// 4. IQ2_XXS/IQ2_XS/IQ2_S/IQ2_M/IQ1_S/IQ1_M: attn_v Q4_K when n_gqa >= 4 or
// n_expert >= 4
//    (else IQ3_S for IQ2_S/M, Q2_K otherwise); attn_k Q4_K for 8 experts; the
//    first n/8 ffn_down tensors Q2_K (IQ3_S for IQ2_S/M); attn_output Q5_K for
//    8 experts, else IQ2_XXS for IQ1_S/M and IQ3_S for IQ2_S/M.
// 5. attn_v (and attn_qkv, attn_kv_b): Q2_K -> Q4_K if n_gqa >= 4 else Q3_K;
// Q2_K_S -> Q4_K if
//    n_gqa >= 4; IQ3_XXS -> Q4_K if n_gqa >= 4 else IQ3_S (no imatrix) /
//    IQ3_XXS; IQ3_XS/IQ3_S
//    -> Q4_K if n_gqa >= 4; IQ3_M -> Q4_K; Q3_K_M -> Q5_K for the first two,
//    then Q4_K; Q3_K_L -> Q5_K; IQ4_NL/IQ4_XS -> Q5_K if n_gqa >= 4;
//    Q4_K_M/Q5_K_M -> Q6_K where use_more_bits(i, n) (i < n/8, i >= 7n/8, or (i
//    - n/8) % 3 == 2); Q4_K_S -> Q5_K for the first four. A 70B model bumps
//    Q3_K/Q4_K to Q5_K; 8 experts -> Q8_0.
// 6. attn_k: 8 experts -> Q8_0; IQ3_XS -> IQ3_XXS; IQ3_XXS -> IQ2_S. attn_q:
// IQ3_XS -> IQ3_XXS;
//    IQ3_XXS -> IQ2_S.
// 7. ffn_down (layer i of n): Q2_K -> Q3_K; Q2_K_S -> Q4_K for i < n/8; IQ3_XXS
// without
//    imatrix -> Q4_K for i < n/8 else Q3_K; Q3_K_M -> Q5_K for i < n/16, else
//    Q4_K (Falcon: Q3_K unless use_more_bits); IQ3_M -> Q4_K for i < n/8 (or
//    use_more_bits with 8 experts); Q3_K_L -> Q5_K (Falcon Q4_K); Q4_K_M ->
//    Q6_K where use_more_bits (Falcon: Q6_K for i < n/16, Q5_K where
//    use_more_bits); IQ4_NL/IQ4_XS without imatrix -> Q5_K for i < n/8; Q5_K_M
//    -> Q6_K where use_more_bits; Q4_K_S -> Q5_K for i < n/8 (not Falcon);
//    Q4_0/Q5_0 with imatrix -> Q4_1/Q5_1 for i < n/8.
// 8. attn_output: 8 experts -> Q5_K for the low-bit mixes; otherwise Q2_K ->
// Q3_K,
//    IQ3_XXS -> IQ3_S, Q3_K_M -> Q4_K, Q3_K_L -> Q5_K, IQ3_M -> Q4_K (Falcon:
//    Q3_K_L -> Q4_K).
// 9. ffn_gate/ffn_up: IQ3_XS -> IQ3_XXS for n/8 <= i < 7n/8.
// 10. Fallback when cols is not a multiple of the chosen type's block:
// IQ1-IQ3/IQ4_XS -> IQ4_NL;
//    Q2_K/Q3_K/TQ -> Q4_0; Q4_K -> Q5_0; Q5_K -> Q5_1; Q6_K -> Q8_0; still not
//    divisible -> F16.
//
// Importance matrix: assumed present exactly for the mixes llama-quantize
// refuses to make without one (IQ1_*, IQ2_*, IQ3_XXS, Q2_K_S:
// tensor_requires_imatrix), absent otherwise.
#include "formats/gguf_rules.h"

namespace headroom::gguf_rules {
namespace {

bool use_more_bits(int i_layer, int n_layers) {
  return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 || (i_layer - n_layers / 8) % 3 == 2;
}

// llama.cpp layer_info: dense models count tensors; MoE models read the layer
// from the name.
int layer_index(const TensorSpec& tensor, const ModelFacts& facts, int counter) {
  return (facts.n_expert > 1 && tensor.layer >= 0) ? tensor.layer : counter;
}

DType output_type(Ftype ftype, DType new_type, const TensorSpec& tensor, const ModelFacts& facts) {
  if (ftype == Ftype::mxfp4_moe) return DType::q8_0;
  if (facts.is_falcon || tensor.cols % dtype_info(new_type).block_elems != 0) return DType::q8_0;
  if (ftype == Ftype::iq2_xxs || ftype == Ftype::iq2_xs || ftype == Ftype::iq3_xxs ||
      ftype == Ftype::iq1_s || ftype == Ftype::iq2_s || ftype == Ftype::iq2_m ||
      ftype == Ftype::iq1_m) {
    return DType::q5_k;
  }
  return new_type == DType::q8_0 ? DType::q8_0 : DType::q6_k;
}

DType iq2_family_type(Ftype ftype, DType new_type, Category cat, const ModelFacts& facts,
                      Counters& counters) {
  const bool s_or_m = ftype == Ftype::iq2_s || ftype == Ftype::iq2_m;
  if (is_attn_v_like(cat)) {
    ++counters.i_attention_wv;
    if (facts.n_gqa >= 4 || facts.n_expert >= 4) return DType::q4_k;
    return s_or_m ? DType::iq3_s : DType::q2_k;
  }
  if (facts.n_expert == 8 && cat == Category::attn_k) return DType::q4_k;
  if (cat == Category::ffn_down) {
    const bool first = counters.i_ffn_down < facts.n_layer / 8;
    ++counters.i_ffn_down;
    if (first) return s_or_m ? DType::iq3_s : DType::q2_k;
    return new_type;
  }
  if (cat == Category::attn_output) {
    if (facts.n_expert == 8) return DType::q5_k;
    if (ftype == Ftype::iq1_s || ftype == Ftype::iq1_m) return DType::iq2_xxs;
    if (s_or_m) return DType::iq3_s;
  }
  return new_type;
}

DType attn_v_type(Ftype ftype, DType new_type, const ModelFacts& facts, Counters& counters) {
  const int i = counters.i_attention_wv;
  const bool gqa4 = facts.n_gqa >= 4;
  if (ftype == Ftype::q2_k) {
    new_type = gqa4 ? DType::q4_k : DType::q3_k;
  } else if (ftype == Ftype::q2_k_s && gqa4) {
    new_type = DType::q4_k;
  } else if (ftype == Ftype::iq3_xxs) {
    new_type = gqa4 ? DType::q4_k : (!facts.has_imatrix ? DType::iq3_s : DType::iq3_xxs);
  } else if ((ftype == Ftype::iq3_xs || ftype == Ftype::iq3_s) && gqa4) {
    new_type = DType::q4_k;
  } else if (ftype == Ftype::iq3_m) {
    new_type = DType::q4_k;
  } else if (ftype == Ftype::q3_k_m) {
    new_type = i < 2 ? DType::q5_k : DType::q4_k;
  } else if (ftype == Ftype::q3_k_l) {
    new_type = DType::q5_k;
  } else if ((ftype == Ftype::iq4_nl || ftype == Ftype::iq4_xs) && gqa4) {
    new_type = DType::q5_k;
  } else if ((ftype == Ftype::q4_k_m || ftype == Ftype::q5_k_m) &&
             use_more_bits(i, counters.n_attention_wv)) {
    new_type = DType::q6_k;
  } else if (ftype == Ftype::q4_k_s && i < 4) {
    new_type = DType::q5_k;
  }
  if (facts.is_70b && (new_type == DType::q3_k || new_type == DType::q4_k)) new_type = DType::q5_k;
  if (facts.n_expert == 8) new_type = DType::q8_0;
  ++counters.i_attention_wv;
  return new_type;
}

DType ffn_down_type(Ftype ftype, DType new_type, const TensorSpec& tensor, const ModelFacts& facts,
                    Counters& counters) {
  const int i = layer_index(tensor, facts, counters.i_ffn_down);
  const int n = facts.n_layer;
  ++counters.i_ffn_down;
  const bool falcon = facts.is_falcon;
  switch (ftype) {
    case Ftype::q2_k:
      return DType::q3_k;
    case Ftype::q2_k_s:
      return i < n / 8 ? DType::q4_k : new_type;
    case Ftype::iq3_xxs:
      if (!facts.has_imatrix) return i < n / 8 ? DType::q4_k : DType::q3_k;
      return new_type;
    case Ftype::q3_k_m:
      if (i < n / 16) return DType::q5_k;
      return (!falcon || use_more_bits(i, n)) ? DType::q4_k : DType::q3_k;
    case Ftype::iq3_m:
      if (i < n / 8 || (facts.n_expert == 8 && use_more_bits(i, n))) return DType::q4_k;
      return new_type;
    case Ftype::q3_k_l:
      return falcon ? DType::q4_k : DType::q5_k;
    case Ftype::q4_k_m:
      if (falcon) {
        if (i < n / 16) return DType::q6_k;
        return use_more_bits(i, n) ? DType::q5_k : DType::q4_k;
      }
      return use_more_bits(i, n) ? DType::q6_k : new_type;
    case Ftype::iq4_nl:
    case Ftype::iq4_xs:
      return (i < n / 8 && !facts.has_imatrix) ? DType::q5_k : new_type;
    case Ftype::q5_k_m:
      return use_more_bits(i, n) ? DType::q6_k : new_type;
    case Ftype::q4_k_s:
      return (!falcon && i < n / 8) ? DType::q5_k : new_type;
    case Ftype::q4_0:
      return (facts.has_imatrix && i < n / 8) ? DType::q4_1 : new_type;
    case Ftype::q5_0:
      return (facts.has_imatrix && i < n / 8) ? DType::q5_1 : new_type;
    default:
      return new_type;
  }
}

DType attn_output_type(Ftype ftype, DType new_type, const ModelFacts& facts) {
  if (facts.is_falcon) return ftype == Ftype::q3_k_l ? DType::q4_k : new_type;
  if (facts.n_expert == 8) {
    switch (ftype) {
      case Ftype::q2_k:
      case Ftype::iq3_xs:
      case Ftype::iq3_xxs:
      case Ftype::q3_k_s:
      case Ftype::q3_k_m:
      case Ftype::iq4_nl:
      case Ftype::q4_k_s:
      case Ftype::q4_k_m:
      case Ftype::iq3_s:
      case Ftype::iq3_m:
      case Ftype::iq4_xs:
        return DType::q5_k;
      default:
        return new_type;
    }
  }
  switch (ftype) {
    case Ftype::q2_k:
      return DType::q3_k;
    case Ftype::iq3_xxs:
      return DType::iq3_s;
    case Ftype::q3_k_m:
      return DType::q4_k;
    case Ftype::q3_k_l:
      return DType::q5_k;
    case Ftype::iq3_m:
      return DType::q4_k;
    default:
      return new_type;
  }
}

DType gate_or_up_type(Ftype ftype, DType new_type, const TensorSpec& tensor,
                      const ModelFacts& facts, int& counter) {
  const int i = layer_index(tensor, facts, counter);
  const int n = facts.n_layer;
  ++counter;
  if (ftype == Ftype::iq3_xs && i >= n / 8 && i < 7 * n / 8) return DType::iq3_xxs;
  return new_type;
}

}  // namespace

bool is_attn_v_like(Category c) {
  return c == Category::attn_v || c == Category::attn_qkv || c == Category::attn_kv_b;
}

bool is_iq2_family(Ftype f) {
  return f == Ftype::iq2_xxs || f == Ftype::iq2_xs || f == Ftype::iq1_s || f == Ftype::iq2_s ||
         f == Ftype::iq2_m || f == Ftype::iq1_m;
}

// llama_tensor_get_type_impl.
DType choose_type(Ftype ftype, DType new_type, const TensorSpec& tensor, Category cat,
                  const ModelFacts& facts, Counters& counters) {
  if (cat == Category::output || (facts.tied && cat == Category::token_embd)) {
    return output_type(ftype, new_type, tensor, facts);
  }
  if (ftype == Ftype::mxfp4_moe) return is_routed_expert(tensor.role) ? DType::mxfp4 : DType::q8_0;
  if (cat == Category::token_embd) {
    if (ftype == Ftype::iq2_xxs || ftype == Ftype::iq2_xs || ftype == Ftype::iq1_s ||
        ftype == Ftype::iq1_m) {
      return DType::q2_k;
    }
    if (ftype == Ftype::iq2_s || ftype == Ftype::iq2_m || ftype == Ftype::iq3_xxs) {
      return DType::iq3_s;
    }
    return new_type;
  }
  if (is_iq2_family(ftype)) return iq2_family_type(ftype, new_type, cat, facts, counters);
  if (is_attn_v_like(cat)) return attn_v_type(ftype, new_type, facts, counters);
  if (cat == Category::attn_k) {
    if (facts.n_expert == 8) return DType::q8_0;
    if (ftype == Ftype::iq3_xs) return DType::iq3_xxs;
    if (ftype == Ftype::iq3_xxs) return DType::iq2_s;
    return new_type;
  }
  if (cat == Category::attn_q) {
    if (ftype == Ftype::iq3_xs) return DType::iq3_xxs;
    if (ftype == Ftype::iq3_xxs) return DType::iq2_s;
    return new_type;
  }
  if (cat == Category::ffn_down) return ffn_down_type(ftype, new_type, tensor, facts, counters);
  if (cat == Category::attn_output) return attn_output_type(ftype, new_type, facts);
  if (cat == Category::ffn_gate) {
    return gate_or_up_type(ftype, new_type, tensor, facts, counters.i_ffn_gate);
  }
  if (cat == Category::ffn_up) {
    return gate_or_up_type(ftype, new_type, tensor, facts, counters.i_ffn_up);
  }
  return new_type;
}

// tensor_type_fallback.
DType fallback(DType type, std::uint64_t cols) {
  if (cols % dtype_info(type).block_elems == 0) return type;
  DType next = DType::f16;
  switch (type) {
    case DType::iq1_s:
    case DType::iq1_m:
    case DType::iq2_xxs:
    case DType::iq2_xs:
    case DType::iq2_s:
    case DType::iq3_xxs:
    case DType::iq3_s:
    case DType::iq4_xs:
      next = DType::iq4_nl;
      break;
    case DType::q2_k:
    case DType::q3_k:
    case DType::tq1_0:
    case DType::tq2_0:
      next = DType::q4_0;
      break;
    case DType::q4_k:
      next = DType::q5_0;
      break;
    case DType::q5_k:
      next = DType::q5_1;
      break;
    case DType::q6_k:
      next = DType::q8_0;
      break;
    default:
      next = DType::f16;
      break;  // llama.cpp throws here; F16 is what it would need
  }
  return cols % dtype_info(next).block_elems == 0 ? next : DType::f16;
}

}  // namespace headroom::gguf_rules
