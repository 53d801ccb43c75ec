// arch_from_gguf: ModelArch from general.architecture and the <arch>.* hyperparameter keys
// (llama.cpp gguf-py Keys.LLM / Keys.Attention / Keys.Rope), plus the header's tensor list.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "gguf/recurrent.h"
#include "headroom/gguf.h"

namespace headroom {
namespace {

constexpr std::uint64_t kMaxLayers = 4096;

std::string field_of(std::string_view key) { return "gguf.metadata['" + std::string(key) + "']"; }

// Reads "<arch>.<suffix>" keys as uint32 counts; a per-layer integer array counts as its
// maximum. The first problem is kept in `error` and every later read returns the fallback.
class ArchKeys {
 public:
  ArchKeys(const GgufHeader& header, std::string arch) : header_(header), arch_(std::move(arch)) {}

  std::string key(std::string_view suffix) const { return arch_ + "." + std::string(suffix); }
  bool has(std::string_view suffix) const { return header_.find(key(suffix)) != nullptr; }

  std::uint32_t count(std::string_view suffix, std::uint32_t fallback = 0) {
    const auto values = per_layer(suffix);
    if (values.empty()) return scalar(suffix).value_or(fallback);
    return *std::max_element(values.begin(), values.end());
  }

  std::uint32_t required(std::string_view suffix) {
    if (!has(suffix) && !error) {
      error = parse_failure(field_of(key(suffix)),
                            "is missing (needed for the " + arch_ + " architecture)");
    }
    return count(suffix);
  }

  // The per-layer values when the key holds an integer array; empty for a scalar or no key.
  std::vector<std::uint32_t> per_layer(std::string_view suffix) {
    const std::string k = key(suffix);
    const GgufValue* value = header_.find(k);
    const auto* array = value ? std::get_if<GgufArray>(value) : nullptr;
    if (array == nullptr || error) return {};
    if (!array->has_ints() || array->length == 0) {
      fail(k, "must be an integer or a non-empty integer array");
      return {};
    }
    std::vector<std::uint32_t> out;
    for (const std::int64_t v : array->ints) {
      if (v < 0 || v > std::numeric_limits<std::uint32_t>::max()) {
        fail(k, "holds " + std::to_string(v) + ", outside 0..4294967295");
        return {};
      }
      out.push_back(static_cast<std::uint32_t>(v));
    }
    return out;
  }

  std::optional<std::uint32_t> scalar(std::string_view suffix) {
    const std::string k = key(suffix);
    const GgufValue* value = header_.find(k);
    if (value == nullptr || error) return std::nullopt;
    const auto v = header_.get_uint(k);
    if (!v) {
      fail(k, "must be a non-negative integer");
      return std::nullopt;
    }
    if (*v > std::numeric_limits<std::uint32_t>::max()) {
      fail(k, "must be at most 4294967295 (got " + std::to_string(*v) + ")");
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(*v);
  }

  void fail(const std::string& k, const std::string& what) {
    if (!error) error = parse_failure(field_of(k), "" + what);
  }

  std::optional<Error> error;

 private:
  const GgufHeader& header_;
  std::string arch_;
};

// llama.cpp's set_swa_pattern(n): layer il slides when il % n < n - 1 (n == 0: all slide).
std::vector<AttentionKind> swa_pattern(std::uint32_t layers, std::uint32_t n) {
  std::vector<AttentionKind> kinds(layers, AttentionKind::full);
  for (std::uint32_t il = 0; il < layers; ++il) {
    if (n == 0 || il % n < n - 1) kinds[il] = AttentionKind::sliding;
  }
  return kinds;
}

// Layers per architecture when the file carries no sliding_window_pattern key.
std::uint32_t default_swa_period(std::string_view arch) {
  if (arch == "gemma2" || arch == "gpt-oss") return 2;  // even layers slide
  if (arch == "gemma3") return 6;                       // 5 sliding, then 1 full
  return 1;                                             // none
}

void set_layer_attention(ArchKeys& keys, const std::string& family, ModelArch& arch,
                         std::vector<std::string>& notes) {
  const std::uint32_t layers = arch.num_layers;
  if (arch.is_mla()) {
    arch.layer_attention.assign(layers, AttentionKind::mla);
  } else if (family == "llama4") {
    // llama.cpp (LLM_ARCH_LLAMA4): chunked attention with n_swa = 8192 and set_swa_pattern(4),
    // i.e. 3 chunked layers then a global one, unless attention.sliding_window is present and 0;
    // the chunked cache is sized like a sliding one (research/model-families-2026.md section 2).
    const bool off = keys.has("attention.sliding_window") && arch.sliding_window_tokens == 0;
    if (!off) {
      arch.sliding_window_tokens = 8192;
      arch.layer_attention = swa_pattern(layers, 4);
      std::replace(arch.layer_attention.begin(), arch.layer_attention.end(),
                   AttentionKind::sliding, AttentionKind::chunked);
    }
  } else if (keys.has("attention.sliding_window_pattern")) {
    const auto flags = keys.per_layer("attention.sliding_window_pattern");
    if (!flags.empty()) {
      if (flags.size() != layers) {
        keys.fail(keys.key("attention.sliding_window_pattern"),
                  "has " + std::to_string(flags.size()) + " entries for " + std::to_string(layers) +
                      " layers");
        return;
      }
      arch.layer_attention.resize(layers);
      for (std::uint32_t il = 0; il < layers; ++il) {
        arch.layer_attention[il] = flags[il] != 0 ? AttentionKind::sliding : AttentionKind::full;
      }
    } else if (const auto n = keys.scalar("attention.sliding_window_pattern")) {
      arch.layer_attention = swa_pattern(layers, *n);
    }
  } else if (const std::uint32_t period = default_swa_period(family); period > 1) {
    if (arch.sliding_window_tokens > 0) {
      arch.layer_attention = swa_pattern(layers, period);
    } else {
      notes.push_back(family + ": no attention.sliding_window, so every layer is full attention");
    }
  } else if (arch.sliding_window_tokens > 0) {
    notes.push_back(family +
                    ": attention.sliding_window is set but llama.cpp applies no "
                    "sliding layers for this architecture; all layers full");
  }
  // A sliding layer without a window would cache nothing; size it as full attention instead.
  if (arch.sliding_window_tokens == 0 &&
      std::count(arch.layer_attention.begin(), arch.layer_attention.end(), AttentionKind::sliding) >
          0) {
    std::replace(arch.layer_attention.begin(), arch.layer_attention.end(), AttentionKind::sliding,
                 AttentionKind::full);
    notes.push_back(keys.key("attention.sliding_window_pattern") +
                    " marks sliding layers but attention.sliding_window is missing; "
                    "sized as full attention");
  }
  // Layers with no KV heads (hybrid models) hold no attention cache.
  const auto kv_heads = keys.per_layer("attention.head_count_kv");
  if (kv_heads.size() == layers && std::count(kv_heads.begin(), kv_heads.end(), 0u) > 0) {
    if (arch.layer_attention.empty()) arch.layer_attention.assign(layers, AttentionKind::full);
    for (std::uint32_t il = 0; il < layers; ++il) {
      if (kv_heads[il] == 0) arch.layer_attention[il] = AttentionKind::none;
    }
  }
}

void set_heads(ArchKeys& keys, ModelArch& arch, std::vector<std::string>& notes) {
  arch.num_heads = keys.required("attention.head_count");
  for (const auto* suffix : {"attention.head_count", "attention.head_count_kv"}) {
    const auto values = keys.per_layer(suffix);
    if (values.empty()) continue;
    if (values.size() != arch.num_layers) {
      keys.fail(keys.key(suffix), "has " + std::to_string(values.size()) + " entries for " +
                                      std::to_string(arch.num_layers) + " layers");
      return;
    }
    if (std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) != values.end()) {
      // Each layer keeps its own count (Nemotron-NAS / deci blocks, Gemma 4's global layers):
      // the KV cache is sized per layer; the maximum stands for the model-wide figure.
      notes.push_back(keys.key(suffix) + " varies per layer; each layer's KV is sized with its " +
                      "own count (model-wide maximum " +
                      std::to_string(*std::max_element(values.begin(), values.end())) + ")");
      arch.layer_shapes.resize(arch.num_layers);
      const bool kv = std::string_view(suffix).ends_with("_kv");
      for (std::uint32_t il = 0; il < arch.num_layers; ++il)
        (kv ? arch.layer_shapes[il].num_kv_heads : arch.layer_shapes[il].num_heads) = values[il];
    }
  }
  arch.num_kv_heads = keys.count("attention.head_count_kv", arch.num_heads);
  const std::uint32_t key_length = keys.count("attention.key_length");
  if (key_length > 0) {
    arch.head_dim = key_length;
  } else if (arch.num_heads > 0) {
    arch.head_dim = arch.hidden_size / arch.num_heads;
  }
  arch.v_head_dim = keys.count("attention.value_length", arch.head_dim);
}

void set_experts(ArchKeys& keys, ModelArch& arch) {
  arch.num_experts = keys.count("expert_count");
  arch.experts_per_token = keys.count("expert_used_count");
  arch.first_dense_layers = keys.count("leading_dense_block_count");
  arch.num_shared_experts = keys.count("expert_shared_count");
  // Mixtral-style files carry only feed_forward_length, which is then the expert width.
  arch.moe_intermediate_size =
      keys.count("expert_feed_forward_length", arch.num_experts > 0 ? arch.intermediate_size : 0);
  // DeepSeek stores all shared experts as one FFN of expert_shared_count expert widths.
  arch.shared_expert_intermediate_size = keys.count(
      "expert_shared_feed_forward_length", arch.num_shared_experts * arch.moe_intermediate_size);
}

void set_mla(ArchKeys& keys, ModelArch& arch, std::vector<std::string>& notes) {
  arch.kv_lora_rank = keys.count("attention.kv_lora_rank");
  arch.q_lora_rank = keys.count("attention.q_lora_rank");
  if (arch.kv_lora_rank == 0) return;
  arch.qk_rope_head_dim = keys.count("rope.dimension_count");
  if (keys.has("attention.key_length_mla")) {
    // Absorbed layout: key_length = kv_lora_rank + rope dim and head_count_kv = 1 describe the
    // cache; the per-head sizes live in the *_mla keys.
    arch.head_dim = keys.count("attention.key_length_mla");
    arch.v_head_dim = keys.count("attention.value_length_mla", arch.head_dim);
    arch.num_kv_heads = arch.num_heads;
    notes.push_back(
        "MLA: head sizes from attention.key_length_mla/value_length_mla; "
        "num_kv_heads set to head_count");
  }
  if (arch.head_dim > arch.qk_rope_head_dim) {
    arch.qk_nope_head_dim = arch.head_dim - arch.qk_rope_head_dim;
  }
}

Result<std::uint32_t> vocab_size(const GgufHeader& header, ArchKeys& keys) {
  if (const auto tokens = header.array_length("tokenizer.ggml.tokens")) {
    if (*tokens > std::numeric_limits<std::uint32_t>::max()) {
      return parse_failure(field_of("tokenizer.ggml.tokens"), "has more than 2^32 tokens");
    }
    return static_cast<std::uint32_t>(*tokens);
  }
  if (keys.has("vocab_size")) return keys.count("vocab_size");
  if (const TensorSpec* embd = header.find_tensor("token_embd.weight")) {
    if (embd->rows <= std::numeric_limits<std::uint32_t>::max()) {
      return static_cast<std::uint32_t>(embd->rows);
    }
  }
  return parse_failure(field_of("tokenizer.ggml.tokens"),
                       "is missing and neither " + keys.key("vocab_size") +
                           " nor token_embd.weight gives the vocabulary size");
}

// Sliding layers with their own head size (Gemma 4: attention.key_length_swa 256 against the
// global layers' key_length 512; llama_hparams n_embd_head_k_swa).
void set_swa_widths(ArchKeys& keys, ModelArch& arch) {
  if (!keys.has("attention.key_length_swa")) return;
  const std::uint32_t k = keys.count("attention.key_length_swa");
  const std::uint32_t v = keys.count("attention.value_length_swa", k);
  arch.layer_shapes.resize(arch.num_layers);
  for (std::uint32_t il = 0; il < arch.num_layers; ++il) {
    if (arch.attention_of(il) != AttentionKind::sliding) continue;
    arch.layer_shapes[il].head_dim = k;
    arch.layer_shapes[il].v_head_dim = v;
  }
}

// DeepSeek sparse attention (llama.cpp LLM_ARCH_DEEPSEEK32 "deepseek32", LLM_ARCH_GLM_DSA
// "glm-dsa"): the indexer's heads, key length and top-k; the NextN (MTP) blocks counted in
// block_count get no cache in these architectures (llama_model::create_memory filters them).
std::optional<Error> set_indexer(ArchKeys& keys, const std::string& family, ModelArch& arch) {
  if (family != "deepseek32" && family != "glm-dsa") return std::nullopt;
  if (!arch.is_mla())
    return parse_failure(field_of(keys.key("attention.kv_lora_rank")),
                         "is missing (needed for the " + family + " architecture)");
  arch.index_n_heads = keys.required("attention.indexer.head_count");
  arch.index_head_dim = keys.required("attention.indexer.key_length");
  arch.index_topk = keys.count("attention.indexer.top_k", 2048);
  if (keys.error) return keys.error;
  const std::uint32_t nextn = keys.count("nextn_predict_layers");
  if (nextn >= arch.num_layers)
    return parse_failure(field_of(keys.key("nextn_predict_layers")),
                         "must be below block_count (" + std::to_string(arch.num_layers) + ")");
  for (std::uint32_t il = arch.num_layers - nextn; il < arch.num_layers; ++il)
    arch.layer_attention[il] = AttentionKind::none;
  return std::nullopt;
}

// llama.cpp architectures whose layers Headroom does not model, refused by name with the reason.
std::optional<std::string> unmodelled_arch(const GgufHeader& header, const std::string& family) {
  if (family == "gemma3n")
    return "per-layer embeddings, AltUp and the KV shared by its last layers are not modelled";
  if (family == "deepseek4")
    return "its compressed sparse attention and hyper-connections are not modelled";
  if (family == "mimo2")
    return "its per-layer sliding-window head layout in GGUF is not verified";
  if (family == "gemma4" && (header.find("gemma4.attention.shared_kv_layers") != nullptr &&
                             header.get_uint("gemma4.attention.shared_kv_layers").value_or(1) > 0))
    return "KV shared across its last attention.shared_kv_layers layers (Gemma 4 E2B/E4B) is "
           "not modelled";
  if (family == "gemma4" && header.find("gemma4.embedding_length_per_layer_input") != nullptr &&
      header.get_uint("gemma4.embedding_length_per_layer_input").value_or(1) > 0)
    return "per-layer embeddings (embedding_length_per_layer_input) are not modelled";
  return std::nullopt;
}

bool has_attention_bias(const GgufHeader& header) {
  return std::any_of(header.tensors.begin(), header.tensors.end(), [](const TensorSpec& t) {
    return t.role == TensorRole::attn_bias &&
           (t.name.ends_with("attn_q.bias") || t.name.ends_with("attn_k.bias") ||
            t.name.ends_with("attn_v.bias") || t.name.ends_with("attn_qkv.bias"));
  });
}

}  // namespace

Result<ModelArch> arch_from_gguf(const GgufHeader& header, std::string_view id,
                                 std::vector<std::string>* notes) {
  std::vector<std::string> local_notes;
  std::vector<std::string>& out_notes = notes != nullptr ? *notes : local_notes;
  const auto family = header.get_string("general.architecture");
  if (!family || family->empty()) {
    return parse_failure(field_of("general.architecture"), "is missing or not a string");
  }
  // Recurrent models keep a per-sequence state, not a KV cache per token. The hybrids Headroom
  // knows (recurrent.cpp) are sized with that state; any other architecture carrying
  // <arch>.ssm.* or <arch>.wkv.* keys (llama.cpp src/llama-arch.cpp: mamba, rwkv ...) is refused
  // by name rather than sized as an attention model.
  const bool hybrid = is_gguf_hybrid(*family);
  for (const char* marker : {".ssm.", ".wkv.", ".rwkv.", ".shortconv."}) {
    if (hybrid) break;
    for (const auto& [key, value] : header.metadata) {
      if (key.find(marker) != std::string::npos) {
        return refused(ErrorCode::unsupported, field_of("general.architecture"),
                       "architecture '" + *family + "' keeps recurrent state (" + key +
                           "); Headroom sizes attention models only");
      }
    }
  }
  if (const auto why = unmodelled_arch(header, *family)) {
    return refused(ErrorCode::unsupported, field_of("general.architecture"),
                   "architecture '" + *family + "' is not supported: " + *why);
  }
  ModelArch arch;
  arch.id = std::string(id);
  arch.name = header.get_string("general.name").value_or(std::string(id));
  arch.family = *family;
  arch.source = "GGUF header";

  ArchKeys keys(header, *family);
  arch.num_layers = keys.required("block_count");
  arch.hidden_size = keys.required("embedding_length");
  if (keys.error) return *keys.error;
  if (arch.num_layers == 0 || arch.num_layers > kMaxLayers) {
    return parse_failure(field_of(keys.key("block_count")),
                         "must be 1.." + std::to_string(kMaxLayers) + " (got " +
                             std::to_string(arch.num_layers) + ")");
  }
  set_heads(keys, arch, out_notes);
  if (const auto ff = keys.per_layer("feed_forward_length");
      std::adjacent_find(ff.begin(), ff.end(), std::not_equal_to<>()) != ff.end()) {
    out_notes.push_back(keys.key("feed_forward_length") + " varies per layer; using its maximum");
  }
  arch.intermediate_size = keys.count("feed_forward_length");
  arch.max_context_tokens = keys.count("context_length");
  arch.sliding_window_tokens = keys.count("attention.sliding_window");
  set_experts(keys, arch);
  set_mla(keys, arch, out_notes);
  if (keys.error) return *keys.error;
  auto vocab = vocab_size(header, keys);
  if (!vocab) return vocab.error();
  arch.vocab_size = *vocab;
  set_layer_attention(keys, *family, arch, out_notes);
  if (keys.error) return *keys.error;
  set_swa_widths(keys, arch);
  if (auto error = set_indexer(keys, *family, arch)) return *error;
  if (keys.error) return *keys.error;
  if (hybrid) {
    if (auto error = set_recurrent_layers(header, *family, arch)) return *error;
  }

  arch.tensors = header.tensors;
  arch.tie_embeddings = header.find_tensor("output.weight") == nullptr;
  arch.attention_bias = has_attention_bias(header);
  return arch;
}

}  // namespace headroom
