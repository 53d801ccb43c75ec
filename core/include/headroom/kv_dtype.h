// KvDtype: the storage type of the attention KV cache and the runtimes that offer it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "headroom/dtype.h"
#include "headroom/result.h"

namespace headroom {

struct KvDtype {
  std::string id;                  // "auto", "fp16", "fp8", "q8_0", ...
  DType dtype = DType::bf16;       // "auto": placeholder for the model's native 16-bit type
  double bytes_per_element = 2.0;  // block scales included: q8_0 34/32, q4_0 18/32
  // llama.cpp refuses a quantized V cache without flash attention (K alone is allowed).
  bool needs_flash_attention_for_v = false;
  std::vector<std::string> runtimes;  // of: vllm sglang trtllm tgi llama.cpp ollama transformers
  std::string source;
};

// Every known KV cache type, in a stable display order.
const std::vector<KvDtype>& kv_dtypes();

// Case-insensitive; accepts runtime spellings ("f16", "fp8_e4m3", "float16", ...).
Result<const KvDtype*> find_kv_dtype(std::string_view id);

}  // namespace headroom
