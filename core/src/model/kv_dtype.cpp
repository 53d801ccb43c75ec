#include "headroom/kv_dtype.h"

#include "base/text_match.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace headroom {
namespace {

// llama.cpp: --cache-type-k/-v accept f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1
// (common/arg.cpp kv_cache_types); a quantized V cache needs flash attention
// (src/llama-context.cpp llama_init_from_model: "V cache quantization requires flash_attn").
constexpr const char* kLlamaCppSource =
    "llama.cpp common/arg.cpp kv_cache_types; ggml-common.h block sizes; src/llama-context.cpp "
    "(quantized V cache requires flash attention)";
constexpr const char* kOllamaNote = "; Ollama OLLAMA_KV_CACHE_TYPE offers f16, q8_0, q4_0";

std::string lower(std::string_view text) {
  std::string out = to_lower(text);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

KvDtype ggml_kv(const char* id, DType type, bool ollama) {
  std::vector<std::string> runtimes = {"llama.cpp"};
  if (ollama) runtimes.emplace_back("ollama");
  return KvDtype{id,
                 type,
                 bits_per_element(type) / 8.0,
                 dtype_info(type).block_elems > 1,
                 std::move(runtimes),
                 std::string(kLlamaCppSource) + (ollama ? kOllamaNote : "")};
}

}  // namespace

const std::vector<KvDtype>& kv_dtypes() {
  static const std::vector<KvDtype> kTable = [] {
    std::vector<KvDtype> table;
    table.push_back({"auto",
                     DType::bf16,
                     2.0,
                     false,
                     {"vllm", "sglang", "trtllm", "tgi", "transformers", "llama.cpp", "ollama"},
                     "vLLM/SGLang --kv-cache-dtype auto: the model's own 16-bit dtype "
                     "(vllm/config/cache.py CacheDType); llama.cpp/Ollama default f16"});
    table.push_back({"fp16",
                     DType::f16,
                     2.0,
                     false,
                     {"llama.cpp", "ollama"},
                     "IEEE half, 2 bytes; llama.cpp --cache-type-k default f16 (other runtimes "
                     "reach it through auto on an fp16 model)"});
    table.push_back({"bf16",
                     DType::bf16,
                     2.0,
                     false,
                     {"llama.cpp", "vllm"},
                     "bfloat16, 2 bytes; llama.cpp common/arg.cpp kv_cache_types; vLLM "
                     "CacheDType 'bfloat16'"});
    table.push_back({"fp32",
                     DType::f32,
                     4.0,
                     false,
                     {"llama.cpp"},
                     "llama.cpp common/arg.cpp kv_cache_types (f32)"});
    // FP8 KV: one byte per element; per-tensor scales (k_scale/v_scale) are negligible.
    table.push_back({"fp8",
                     DType::fp8_e4m3,
                     1.0,
                     false,
                     {"vllm", "sglang", "trtllm", "tgi"},
                     "vLLM --kv-cache-dtype fp8/fp8_e4m3 (docs: Quantized KV Cache); SGLang "
                     "fp8_e4m3; TensorRT-LLM FP8 KV cache; TGI --kv-cache-dtype fp8_e4m3fn"});
    table.push_back({"fp8_e5m2",
                     DType::fp8_e5m2,
                     1.0,
                     false,
                     {"vllm", "sglang", "tgi"},
                     "vLLM/SGLang --kv-cache-dtype fp8_e5m2; TGI --kv-cache-dtype fp8_e5m2"});
    table.push_back({"int8",
                     DType::i8,
                     1.0,
                     false,
                     {"trtllm"},
                     "TensorRT-LLM INT8 KV cache (int8 + per-tensor scale), docs "
                     "'Numerical Precision: INT8 KV cache'"});
    table.push_back(ggml_kv("q8_0", DType::q8_0, true));       // 34 B per 32 elements
    table.push_back(ggml_kv("q4_0", DType::q4_0, true));       // 18 B per 32
    table.push_back(ggml_kv("q4_1", DType::q4_1, false));      // 20 B per 32
    table.push_back(ggml_kv("q5_0", DType::q5_0, false));      // 22 B per 32
    table.push_back(ggml_kv("q5_1", DType::q5_1, false));      // 24 B per 32
    table.push_back(ggml_kv("iq4_nl", DType::iq4_nl, false));  // 18 B per 32
    return table;
  }();
  return kTable;
}

Result<const KvDtype*> find_kv_dtype(std::string_view id) {
  std::string key = lower(id);
  if (key == "f16" || key == "float16" || key == "half") key = "fp16";
  if (key == "bfloat16") key = "bf16";
  if (key == "f32" || key == "float32" || key == "float") key = "fp32";
  if (key == "fp8_e4m3" || key == "fp8_e4m3fn" || key == "float8_e4m3fn") key = "fp8";
  if (key == "float8_e5m2") key = "fp8_e5m2";
  if (key == "i8") key = "int8";
  std::string known;
  for (const auto& entry : kv_dtypes()) {
    if (key == entry.id) return &entry;
    known += (known.empty() ? "" : ", ") + entry.id;
  }
  return refused(ErrorCode::unknown_name, "kv_cache_dtype",
                 "unknown KV cache dtype '" + std::string(id) + "' (known: " + known + ")");
}

}  // namespace headroom
