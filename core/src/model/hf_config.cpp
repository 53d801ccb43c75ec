// Hugging Face config.json -> ModelArch. Field names and defaults follow each family's
// configuration class in huggingface/transformers (models/<family>/configuration_<family>.py).
#include <algorithm>
#include <cctype>
#include <string>

#include "base/json_util.h"
#include "headroom/model.h"
#include "model/hf_internal.h"

namespace headroom {
namespace {

using json_util::Json;

constexpr const char* kSupportedFamilies[] = {
    "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2",
    "gemma3", "gemma3_text", "phi3", "phimoe", "deepseek_v2", "deepseek_v3", "gpt_oss", "granite",
    "olmo2", "starcoder2", "cohere", "internlm2",
    // Hybrid and linear-attention families (hf_hybrid.cpp).
    "qwen3_next", "qwen3_5_moe_text", "qwen3_5_text", "nemotron_h", "granitemoehybrid", "falcon_h1",
    "jamba", "lfm2", "kimi_linear",
    // Attention families whose fields the common reader covers (hf_families.cpp for the rest).
    "glm4_moe", "glm4_moe_lite", "kimi_k2", "minimax_m2", "qwen3_vl_text", "qwen3_vl_moe_text",
    "cohere2", "olmo3", "smollm3", "seed_oss", "ernie4_5", "ernie4_5_moe", "exaone4", "granitemoe",
    "phi", "gpt_neox", "llama4_text",
    // Per-layer widths and the sparse-attention indexer (hf_shapes.cpp).
    "deepseek_v32", "glm_moe_dsa", "gemma4_text", "mimo_v2_flash", "nemotron-nas",
    // MiniMax sparse attention (hf_minimax_m3.cpp).
    "minimax_m3"};

// Families refused by name with the reason (hf_families.cpp normalize_family_keys).
constexpr const char* kRefusedFamilies[] = {"hunyuan_v1_moe", "falcon",       "lfm2_moe",
                                            "gemma3n",        "gemma3n_text", "deepseek_v4",
                                            "minimax_m3_vl",  "step3p5",      "step3p7"};

bool is_supported(const std::string& family) {
  return std::find(std::begin(kSupportedFamilies), std::end(kSupportedFamilies), family) !=
         std::end(kSupportedFamilies);
}

bool is_refused_by_name(const std::string& family) {
  return std::find(std::begin(kRefusedFamilies), std::end(kRefusedFamilies), family) !=
         std::end(kRefusedFamilies);
}

std::string supported_list() {
  std::string list;
  for (const char* family : kSupportedFamilies) {
    if (!list.empty()) list += ", ";
    list += family;
  }
  return list;
}

using hf::missing;
using hf::read_optional;

// Reads a required positive integer field; writes the error message on failure.
bool read_required(const Json& config, const char* key, std::uint32_t& out,
                   std::optional<Error>& error) {
  auto value = json_util::get_uint(config, key);
  if (!value || *value == 0 || *value > 0xFFFFFFFFull) {
    if (!error) {
      error = value && *value == 0
                  ? parse_failure(std::string("config.") + key, "must be a positive integer (got 0)")
                  : missing(key);
    }
    return false;
  }
  out = static_cast<std::uint32_t>(*value);
  return true;
}

// Per-layer attention kinds: an explicit layer_types list wins; otherwise the family's rule.
std::optional<Error> read_layer_attention(const Json& config, ModelArch& arch) {
  const std::uint32_t n = arch.num_layers;
  const Json* types = json_util::find(config, "layer_types");
  if (types != nullptr) {
    if (!types->is_array() || types->size() != n) {
      return parse_failure("config.layer_types",
                           "must list one entry per layer (" + std::to_string(n) + ")");
    }
    for (const auto& entry : *types) {
      const std::string kind = entry.is_string() ? entry.get<std::string>() : "";
      if (kind == "sliding_attention") {
        arch.layer_attention.push_back(AttentionKind::sliding);
      } else if (kind == "full_attention") {
        arch.layer_attention.push_back(AttentionKind::full);
      } else if (kind == "deepseek_sparse_attention" &&
                 (arch.family == "deepseek_v32" || arch.family == "glm_moe_dsa")) {
        // ModelOpt's GLM-5.2 export lists its DSA layers so: MLA with the indexer.
        arch.layer_attention.push_back(AttentionKind::mla);
      } else {
        return refused(ErrorCode::unsupported, "config.layer_types",
                       "config.layer_types has an unsupported entry '" + kind + "'");
      }
    }
    return std::nullopt;
  }
  const std::string& family = arch.family;
  const std::uint32_t window = arch.sliding_window_tokens;
  if (window == 0) return std::nullopt;
  if (family == "gemma2") {
    // Gemma 2 alternates local (even layers) and global attention (transformers Gemma2 modeling).
    for (std::uint32_t i = 0; i < n; ++i) {
      arch.layer_attention.push_back(i % 2 == 0 ? AttentionKind::sliding : AttentionKind::full);
    }
  } else if (family == "gemma3" || family == "gemma3_text") {
    // Gemma 3: sliding_window_pattern (6) = five local layers then one global.
    const std::uint32_t pattern = read_optional(config, "sliding_window_pattern", 6);
    for (std::uint32_t i = 0; i < n; ++i) {
      const bool global = pattern > 0 && (i + 1) % pattern == 0;
      arch.layer_attention.push_back(global ? AttentionKind::full : AttentionKind::sliding);
    }
  } else if (family == "cohere2" || family == "exaone4" || family == "olmo3") {
    // sliding_window_pattern P: P - 1 sliding layers, then a global one (Cohere2 and OLMo 3
    // default 4; EXAONE 4 also writes it as a string such as "LLLG"); EXAONE's last layer is
    // always global.
    std::uint32_t pattern = read_optional(config, "sliding_window_pattern", 4);
    if (const auto text = json_util::get_string(config, "sliding_window_pattern"))
      pattern = static_cast<std::uint32_t>(text->size());
    for (std::uint32_t i = 0; i < n; ++i) {
      const bool global =
          pattern == 0 || (i + 1) % pattern == 0 || (family == "exaone4" && i + 1 == n);
      arch.layer_attention.push_back(global ? AttentionKind::full : AttentionKind::sliding);
    }
  } else if (family == "qwen2" || family == "qwen3" || family == "qwen2_moe" ||
             family == "qwen3_moe" || family == "smollm3" || family == "seed_oss" ||
             family == "qwen3_vl_text" || family == "qwen3_vl_moe_text") {
    // Qwen uses the window only with use_sliding_window, on layers >= max_window_layers.
    if (json_util::get_bool(config, "use_sliding_window").value_or(false)) {
      const std::uint32_t first = read_optional(config, "max_window_layers", n);
      for (std::uint32_t i = 0; i < n; ++i) {
        arch.layer_attention.push_back(i >= first ? AttentionKind::sliding : AttentionKind::full);
      }
    } else {
      arch.sliding_window_tokens = 0;
    }
  } else {
    // Mistral v0.1, Phi-3, Mixtral and others: one window for every layer.
    arch.layer_attention.assign(n, AttentionKind::sliding);
  }
  return std::nullopt;
}

void read_moe(const Json& config, ModelArch& arch) {
  arch.num_experts = read_optional(
      config, "num_local_experts",
      read_optional(config, "n_routed_experts", read_optional(config, "num_experts", 0)));
  if (arch.num_experts == 0) return;
  arch.experts_per_token =
      read_optional(config, "num_experts_per_tok", read_optional(config, "experts_per_token", 2));
  // Mixtral, PhiMoE and gpt-oss use intermediate_size as the expert width.
  arch.moe_intermediate_size =
      read_optional(config, "moe_intermediate_size", arch.intermediate_size);
  arch.shared_expert_intermediate_size =
      read_optional(config, "shared_expert_intermediate_size", 0);
  arch.num_shared_experts =
      read_optional(config, "n_shared_experts", arch.shared_expert_intermediate_size > 0 ? 1 : 0);
  if (arch.shared_expert_intermediate_size == 0 && arch.num_shared_experts > 0) {
    // In 64 bits and clamped, so a hostile product reaches validate_arch's limit, not a wrap.
    const std::uint64_t width = std::uint64_t{arch.num_shared_experts} * arch.moe_intermediate_size;
    arch.shared_expert_intermediate_size =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(width, 0xFFFFFFFFull));
  }
  arch.first_dense_layers = read_optional(config, "first_k_dense_replace", 0);
}

// Real Gemma 3 configs omit text_config keys that equal Gemma3TextConfig's defaults
// (transformers models/gemma3/configuration_gemma3.py), so the parser must supply them.
void apply_text_config_defaults(Json& config) {
  const std::string family = json_util::get_string(config, "model_type").value_or("");
  if (family != "gemma3" && family != "gemma3_text") return;
  const std::pair<const char*, std::uint64_t> defaults[] = {{"vocab_size", 262208},
                                                            {"hidden_size", 2304},
                                                            {"intermediate_size", 9216},
                                                            {"num_hidden_layers", 26},
                                                            {"num_attention_heads", 8},
                                                            {"num_key_value_heads", 4},
                                                            {"head_dim", 256},
                                                            {"sliding_window", 4096},
                                                            {"sliding_window_pattern", 6},
                                                            {"max_position_embeddings", 131072}};
  for (const auto& [key, value] : defaults) {
    if (!json_util::find(config, key)) config[key] = value;
  }
}

// A ViT-style image encoder (SigLIP in Gemma 3): per layer 4 h^2 attention + 2 h i MLP
// (+ biases and norms), patch and position embeddings, and a projector into the text width.
// Gemma 3 4B: 27 x (4 x 1152^2 + 2 x 1152 x 4304) + ... = 419.8M, the gap between the
// text-only count and the checkpoint's 4.30B.
std::optional<Error> read_vision(const Json& vision, ModelArch& arch) {
  // Each width is bounded like the text model's (validate_arch); a patch of 0 would divide the
  // image into infinitely many positions.
  struct Field {
    const char* key;
    std::uint32_t fallback, low, high;
  };
  const Field fields[] = {{"hidden_size", 1152, 1, 1u << 20},
                          {"intermediate_size", 4304, 1, 1u << 22},
                          {"num_hidden_layers", 27, 1, 4096},  // "depth" in Qwen3-VL
                          {"image_size", 896, 1, 1u << 16},
                          {"patch_size", 14, 1, 1u << 16}};
  double values[5] = {};
  for (std::size_t i = 0; i < 5; ++i) {
    const Field& f = fields[i];
    const std::string field = std::string("config.vision_config.") + f.key;
    if (json_util::has_bad_uint(vision, f.key)) return missing(field.substr(7));
    std::uint32_t value = read_optional(vision, f.key, f.fallback);
    if (i == 2)
      value =
          read_optional(vision, "num_hidden_layers", read_optional(vision, "depth", f.fallback));
    if (value < f.low || value > f.high) {
      return invalid(field, "must be " + std::to_string(f.low) + ".." + std::to_string(f.high));
    }
    values[i] = value;
  }
  const double h = values[0], inter = values[1], layers = values[2], image = values[3],
               patch = values[4];
  if (patch > image)
    return invalid("config.vision_config.patch_size", "must be at most image_size");
  const double per_layer = 4 * h * h + 2 * h * inter + 9 * h + inter;
  // Qwen3-VL states its learned position table (num_position_embeddings) instead of an image size.
  const bool qwen3_vl = json_util::get_uint(vision, "num_position_embeddings").has_value();
  const double positions =
      qwen3_vl ? static_cast<double>(read_optional(vision, "num_position_embeddings", 0))
               : (image / patch) * (image / patch);
  double params =
      layers * per_layer + 3 * patch * patch * h + positions * h + h * arch.hidden_size + 2 * h;
  if (qwen3_vl) {
    // transformers Qwen3VLVisionModel: a Conv3d patch embedding over temporal_patch_size frames
    // (with bias), and a patch merger 4h -> 4h -> out_hidden_size after the 2x2 spatial merge,
    // repeated once per deepstack_visual_indexes entry (those normalise over 4h). Qwen3-VL-8B:
    // 576.4M with the three deepstack mergers, the gap between Qwen3-8B and the 8.77B checkpoint.
    const double t = read_optional(vision, "temporal_patch_size", 2);
    const double merged = 4 * h;
    const double out = read_optional(vision, "out_hidden_size", arch.hidden_size);
    const Json* deepstack = json_util::find(vision, "deepstack_visual_indexes");
    const double stacks =
        deepstack != nullptr && deepstack->is_array() ? static_cast<double>(deepstack->size()) : 0;
    const double merger = merged * merged + merged + merged * out + out;
    params = layers * per_layer + 3 * t * patch * patch * h + h + positions * h + (2 * h + merger) +
             stacks * (2 * merged + merger);
  }
  arch.vision_hidden_size = static_cast<std::uint32_t>(h);
  arch.vision_params = static_cast<std::uint64_t>(params);  // at most ~2e16 with the bounds above
  return std::nullopt;
}

// llm-compressor checkpoints (quant_method "compressed-tensors") describe their weights in
// config_groups.<group>.weights {num_bits, type, strategy, group_size} (neuralmagic/compressed-
// tensors QuantizationArgs): map the first group to the matching Headroom format.
std::string compressed_tensors_format(const Json& quant) {
  const Json* groups = json_util::find(quant, "config_groups");
  if (groups == nullptr || !groups->is_object() || groups->empty()) return "compressed-tensors";
  const Json* weights = json_util::find(groups->begin().value(), "weights");
  if (weights == nullptr) return "compressed-tensors";
  const std::uint64_t bits = json_util::get_uint(*weights, "num_bits").value_or(0);
  const std::string type = json_util::get_string(*weights, "type").value_or("int");
  const std::string strategy = json_util::get_string(*weights, "strategy").value_or("");
  if (bits == 8 && type == "float")
    return strategy == "tensor" ? "fp8" : strategy == "block" ? "fp8-block" : "fp8-channel";
  if (bits == 8 && type == "int") return "int8";
  if (bits == 4 && type == "int")
    return json_util::get_uint(*weights, "group_size").value_or(128) == 32 ? "gptq-g32" : "gptq";
  if (bits == 4 && type == "float") return "mxfp4";
  return "compressed-tensors";
}

// ModelOpt (NVIDIA Model Optimizer) exports: quant_method "modelopt" with quant_algo beside it
// (config.json) or in a nested "quantization" object (hf_quant_config.json's layout); vLLM
// modelopt.py from_config reads both. ignore / exclude_modules name what stays 16-bit: lm_head
// always, and in NVFP4_MLP_ONLY recipes (nvidia/MiniMax-M2.5-NVFP4) every *self_attn*.
std::string modelopt_format(const Json& quant, ModelArch& arch) {
  const Json* nested = json_util::find(quant, "quantization");
  const Json& body = (nested != nullptr && nested->is_object()) ? *nested : quant;
  std::string algo = json_util::get_string(body, "quant_algo").value_or("");
  std::transform(algo.begin(), algo.end(), algo.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::size_t excluded = 0;
  bool attention_kept = false;
  bool shared_kept = false;
  const Json* lists[] = {json_util::find(body, "ignore"), json_util::find(body, "exclude_modules"),
                         &body != &quant ? json_util::find(quant, "ignore") : nullptr};
  for (const Json* list : lists) {
    if (list == nullptr || !list->is_array()) continue;
    for (const Json& item : *list) {
      if (!item.is_string()) continue;
      ++excluded;
      const std::string& name = item.get_ref<const std::string&>();
      // self_attn (transformers), linear_attn (Qwen3.5 DeltaNet), attn (DeepSeek-V4 "*.attn.*").
      if (name.find("self_attn") != std::string::npos ||
          name.find("linear_attn") != std::string::npos || name.find(".attn.") != std::string::npos)
        attention_kept = true;
      if (name.find("shared_expert") != std::string::npos) shared_kept = true;
    }
  }
  const std::string kept = " (" + std::to_string(excluded) +
                           " ignore/exclude_modules entries stay 16-bit" +
                           (attention_kept ? ", attention among them)" : ")");
  // FP8 KV scales in the checkpoint (hf_quant_config kv_cache_quant_algo, or config.json
  // kv_cache_scheme {type float, num_bits 8}) do not choose the cache type: the request does.
  const std::string kv_algo = json_util::get_string(body, "kv_cache_quant_algo").value_or("");
  const Json* kv_scheme = json_util::find(body, "kv_cache_scheme");
  if (kv_algo == "FP8" || (kv_scheme != nullptr && kv_scheme->is_object() &&
                           json_util::get_uint(*kv_scheme, "num_bits").value_or(0) == 8)) {
    arch.notes.push_back(
        "the checkpoint ships FP8 KV-cache scales; the KV cache is sized as kv_cache_dtype says "
        "(pass fp8 for an FP8 cache)");
  }
  if (algo == "NVFP4" || algo == "W4A16_NVFP4") {
    const std::uint64_t group = json_util::get_uint(body, "group_size").value_or(16);
    if (group != 16) return "modelopt NVFP4 group_size " + std::to_string(group);
    arch.notes.push_back("config.json quantization_config: ModelOpt " + algo +
                         ", fp4 e2m1 + fp8 scale per 16 (4.5 bits a weight)" + kept);
    // NVIDIA's MoE recipes leave attention and shared experts 16-bit: routed experts only.
    if (attention_kept && arch.is_moe() && (shared_kept || arch.num_shared_experts == 0))
      return "nvfp4-experts";
    return attention_kept ? "nvfp4-mlp" : "nvfp4";
  }
  if (algo == "FP8" || algo == "FP8_PER_CHANNEL_PER_TOKEN" || algo == "FP8_PB_WO") {
    arch.notes.push_back("config.json quantization_config: ModelOpt " + algo + kept);
    return algo == "FP8" ? "fp8_static" : algo == "FP8_PB_WO" ? "fp8-block" : "fp8-channel";
  }
  // MIXED_PRECISION (per-layer quantized_layers) and newer algorithms are refused by name.
  return "modelopt " + (algo.empty() ? std::string("without quant_algo") : algo);
}

void read_native_quant(const Json& config, ModelArch& arch) {
  const Json* quant = json_util::find(config, "quantization_config");
  if (quant == nullptr) return;
  const std::string method = json_util::get_string(*quant, "quant_method").value_or("");
  arch.native_quant_method = method;
  if (method == "fp8") {
    arch.native_quant = json_util::find(*quant, "weight_block_size") ? "fp8-block" : "fp8";
  } else if (method == "mxfp4") {
    arch.native_quant = "mxfp4";
  } else if (method == "awq") {
    arch.native_quant = read_optional(*quant, "group_size", 128) == 64 ? "awq-g64" : "awq";
  } else if (method == "gptq") {
    arch.native_quant = read_optional(*quant, "group_size", 128) == 32 ? "gptq-g32" : "gptq";
  } else if (method == "bitsandbytes") {
    arch.native_quant =
        json_util::get_bool(*quant, "load_in_8bit").value_or(false) ? "bnb-int8" : "bnb-nf4";
  } else if (method == "compressed-tensors") {
    arch.native_quant = compressed_tensors_format(*quant);
  } else if (method == "modelopt" || method == "modelopt_fp4") {
    arch.native_quant = modelopt_format(*quant, arch);
  } else if (!method.empty()) {
    arch.native_quant = method;
  }
}

}  // namespace

Result<ModelArch> parse_hf_config(std::string_view json_text, std::string_view id) {
  if (json_util::nests_too_deep(json_text)) return json_util::too_deep("config", "config.json");
  auto parsed = json_util::parse(json_text);
  if (!parsed) return refused(ErrorCode::parse_error, "config", "config.json is not valid JSON");
  if (!parsed->is_object()) {
    return refused(ErrorCode::parse_error, "config", "config.json is not a JSON object");
  }
  // Multimodal wrappers (Gemma 3, Mistral 3) keep the language model under text_config. It is
  // moved out of the document, not copied: the rest of the parser reads `config` either way.
  Json& root = *parsed;
  const Json* vision = json_util::find(root, "vision_config");
  Json merged;
  Json* config_ptr = &root;
  if (auto text = root.find("text_config"); text != root.end() && text->is_object()) {
    merged = std::move(*text);
    for (const char* key : {"quantization_config", "torch_dtype", "tie_word_embeddings"}) {
      if (!json_util::find(merged, key) && json_util::find(root, key)) merged[key] = root[key];
    }
    if (!json_util::get_string(merged, "model_type")) merged["model_type"] = root["model_type"];
    apply_text_config_defaults(merged);
    config_ptr = &merged;
  }
  Json& config = *config_ptr;

  ModelArch arch;
  arch.id = std::string(id);
  arch.name = std::string(id);
  arch.source = "config.json";
  auto family = json_util::get_string(config, "model_type");
  if (!family) return parse_failure("config.model_type", "is missing");
  arch.family = *family;
  if (is_refused_by_name(arch.family) || is_supported(arch.family)) {
    if (auto refusal = hf::normalize_family_keys(config, arch.family)) return *refusal;
  }
  if (!is_supported(arch.family)) {
    return refused(ErrorCode::unsupported, "config.model_type",
                   "config.model_type '" + arch.family +
                       "' is not supported (supported: " + supported_list() + ")");
  }

  std::optional<Error> error;
  read_required(config, "hidden_size", arch.hidden_size, error);
  read_required(config, "num_hidden_layers", arch.num_layers, error);
  read_required(config, "num_attention_heads", arch.num_heads, error);
  read_required(config, "vocab_size", arch.vocab_size, error);
  if (error) return *error;
  for (const char* key : {"num_key_value_heads", "head_dim", "intermediate_size", "sliding_window",
                          "kv_lora_rank", "moe_intermediate_size", "max_position_embeddings"}) {
    if (json_util::has_bad_uint(config, key)) return missing(key);
  }
  // transformers' default when num_key_value_heads is absent is multi-head attention.
  arch.num_kv_heads = read_optional(config, "num_key_value_heads", arch.num_heads);
  if (!json_util::find(config, "num_key_value_heads") && !json_util::find(config, "kv_lora_rank")) {
    arch.notes.push_back(
        "config has no num_key_value_heads: multi-head attention assumed (transformers' default)");
  }
  arch.head_dim = read_optional(config, "head_dim", 0);
  if (arch.head_dim == 0) {
    if (arch.hidden_size % arch.num_heads != 0) {
      return parse_failure("config.head_dim",
                           "is missing and hidden_size is not divisible by num_attention_heads");
    }
    arch.head_dim = arch.hidden_size / arch.num_heads;
  }
  arch.v_head_dim = arch.head_dim;
  arch.intermediate_size = read_optional(config, "intermediate_size", 0);
  arch.max_context_tokens = json_util::get_uint(config, "max_position_embeddings").value_or(0);
  if (json_util::find(config, "max_position_embeddings") && arch.max_context_tokens == 0)
    return parse_failure("config.max_position_embeddings", "must be at least 1 (got 0)");
  // Older families name the trained context otherwise (GPT-2 n_positions, ChatGLM seq_length).
  for (const char* key : {"n_positions", "seq_length", "max_sequence_length"}) {
    if (arch.max_context_tokens > 0) break;
    if (json_util::has_bad_uint(config, key)) return missing(key);
    arch.max_context_tokens = json_util::get_uint(config, key).value_or(0);
  }
  if (arch.max_context_tokens == 0)
    arch.notes.push_back(
        "config states no context length (max_position_embeddings): contexts are not capped by "
        "the model");
  // transformers' PretrainedConfig default for tie_word_embeddings is true; families that set
  // it false in their class (llama, mistral, qwen2...) also write it into their configs.
  // Cohere2 ties its embeddings (research/model-families-2026.md §5) and LFM2 by default, under
  // its own key tie_embedding (Lfm2Config).
  const std::string& f = arch.family;
  // SmolLM3Config also defaults to tied embeddings and its published config omits the key.
  const bool tie_default =
      f.rfind("gemma", 0) == 0 || f == "cohere2" || f == "lfm2" || f == "smollm3";
  arch.tie_embeddings =
      json_util::get_bool(config, "tie_word_embeddings")
          .value_or(json_util::get_bool(config, "tie_embedding").value_or(tie_default));
  arch.attention_bias = json_util::get_bool(config, "attention_bias")
                            .value_or(arch.family == "qwen2" || arch.family == "qwen2_moe");
  arch.sliding_window_tokens = read_optional(config, "sliding_window", 0);

  read_moe(config, arch);
  if (arch.intermediate_size == 0 && arch.moe_intermediate_size == 0)
    return missing("intermediate_size");

  arch.kv_lora_rank = read_optional(config, "kv_lora_rank", 0);
  if (arch.kv_lora_rank > 0) {
    arch.q_lora_rank = read_optional(config, "q_lora_rank", 0);
    arch.qk_rope_head_dim = read_optional(config, "qk_rope_head_dim", 64);
    arch.qk_nope_head_dim = read_optional(config, "qk_nope_head_dim", 128);
    arch.head_dim = arch.qk_nope_head_dim + arch.qk_rope_head_dim;
    arch.v_head_dim = read_optional(config, "v_head_dim", 128);
    arch.num_kv_heads = arch.num_heads;
  }

  if (hf::is_hybrid_family(arch.family)) {
    if (auto hybrid_error = hf::read_hybrid(config, arch)) return *hybrid_error;
  } else if (auto layer_error = read_layer_attention(config, arch)) {
    return *layer_error;
  }
  if (auto family_error = hf::read_family_layers(config, arch)) return *family_error;

  if (!json_util::find(config, "torch_dtype") && !json_util::find(config, "dtype") &&
      arch.native_quant.empty() && !json_util::find(config, "quantization_config")) {
    arch.notes.push_back("config has no torch_dtype: 16-bit (bfloat16) weights assumed");
  }
  const std::string dtype =
      json_util::get_string(config, "torch_dtype")
          .value_or(json_util::get_string(config, "dtype").value_or("bfloat16"));
  auto parsed_dtype = parse_dtype(dtype);
  const bool dtype_given = json_util::find(config, "torch_dtype") || json_util::find(config, "dtype");
  if (!parsed_dtype && dtype_given) {
    return parse_failure(json_util::find(config, "torch_dtype") ? "config.torch_dtype" : "config.dtype",
                         "'" + dtype + "' is not a dtype (bfloat16, float16, float32, ...)");
  }
  arch.native_dtype = parsed_dtype ? parsed_dtype.value() : DType::bf16;
  if (arch.native_dtype == DType::f32) {
    // Served in 16-bit: vLLM's dtype "auto" casts float32 checkpoints to bfloat16 / float16.
    arch.native_dtype = DType::bf16;
    arch.notes.push_back(
        "float32 checkpoint: sized as served in 16-bit (vLLM's dtype auto casts it; transformers "
        "without torch_dtype would load float32, twice the weights)");
  }
  read_native_quant(config, arch);

  if (vision != nullptr) {
    if (!vision->is_object()) return parse_failure("config.vision_config", "must be an object");
    if (auto vision_error = arch.family == "kimi_linear" ? hf::read_kimi_vision(*vision, arch)
                                                         : read_vision(*vision, arch))
      return *vision_error;
  }
  if (auto invalid = validate_arch(arch)) return *invalid;
  return arch;
}

}  // namespace headroom
