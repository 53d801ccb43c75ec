// KvLayout: what one token costs in KV cache on one GPU, layer by layer, so that sliding
// window layers (which stop growing at their window) and MLA latents are counted exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "headroom/model.h"
#include "headroom/runtime.h"

namespace headroom {

struct KvLayerGroup {
  std::uint64_t bytes_per_token = 0;  // K + V of all layers in the group, one GPU
  std::uint64_t window_tokens = 0;    // 0: full attention (grows with the sequence)
};

struct KvLayout {
  std::vector<KvLayerGroup> groups;       // one for full layers, one per distinct window
  std::uint64_t bytes_per_token() const;  // all layers (inside any window)
  // KV bytes for `sequences` sequences of `tokens` each, allocated in blocks of
  // `block_tokens` per sequence; `extra_window_tokens` is what a runtime keeps beyond the
  // window (llama.cpp keeps n_ubatch more).
  std::uint64_t bytes_for(std::uint64_t tokens, std::uint64_t sequences, std::uint64_t block_tokens,
                          std::uint64_t extra_window_tokens = 0) const;
};

// K and V element counts per token follow the runtime's cache layout: vLLM stores the MLA
// latent (kv_lora_rank + rope dims) once per token; llama.cpp keeps it as K (latent + rope) and
// V (latent) unless flash attention lets V be a view of K.
KvLayout make_kv_layout(const ModelArch& arch, double kv_bytes_per_element, RuntimeId runtime,
                        std::uint32_t tensor_parallel, bool flash_attention);

}  // namespace headroom
