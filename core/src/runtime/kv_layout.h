// KvLayout: what one token costs in KV cache on one GPU, layer by layer, so that sliding
// window layers (which stop growing at their window) and MLA latents are counted exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "base/release.h"
#include "headroom/card.h"
#include "headroom/model.h"
#include "headroom/runtime.h"

namespace headroom {

struct KvLayerGroup {
  std::uint64_t bytes_per_token = 0;  // K + V of all layers in the group, one GPU
  std::uint64_t window_tokens = 0;    // 0: full attention (grows with the sequence)
};

// Sliding-window and chunked layers by window, as attention reads them: a decode step reads at
// most `window_tokens` of their KV per sequence whatever the cache holds (TensorRT-LLM allocates
// them at full length and still attends within the window).
struct KvWindowRead {
  std::uint64_t bytes_per_token = 0;  // K + V of these layers, one GPU
  std::uint64_t window_tokens = 0;
  std::uint32_t layers = 0;
};

struct KvLayout {
  std::vector<KvLayerGroup> groups;       // one for full layers, one per distinct window
  std::vector<KvWindowRead> window_reads;  // the windowed part of bytes_per_token(), by window
  std::uint32_t attention_layers = 0;      // layers with any attention (hybrids: a few)
  // Recurrent state (Mamba, Gated DeltaNet, short conv) one sequence keeps, whatever its length,
  // on one GPU; 0 for attention-only models.
  std::uint64_t state_bytes_per_sequence = 0;
  // State copies a runtime holds per sequence: 2 for vLLM's prefix caching on hybrids
  // (mamba_cache_mode "align": MambaManager keeps the previous step's state block until the next
  // step frees it, single_type_kv_cache_manager.py), else 1. Decode still reads one.
  std::uint32_t state_copies = 1;
  // vLLM hybrids: the attention block size that makes one attention page as large as one
  // recurrent layer's state page (0: the runtime's default block size applies).
  std::uint64_t min_block_tokens = 0;
  // DeepSeek sparse attention: the indexer's key cache per token, all layers, one GPU; already
  // counted in the full-attention group (shown apart because it is not K or V).
  std::uint64_t indexer_bytes_per_token = 0;
  // ... and the MLA latent of those layers, which a decode step reads for index_topk tokens only.
  std::uint64_t sparse_bytes_per_token = 0;
  std::uint64_t bytes_per_token() const;  // all attention layers (inside any window)
  // KV bytes for `sequences` sequences of `tokens` each, allocated in blocks of
  // `block_tokens` per sequence, plus each sequence's recurrent state copies; `extra_window_tokens` is
  // what a runtime keeps beyond the window (llama.cpp keeps n_ubatch more).
  std::uint64_t bytes_for(std::uint64_t tokens, std::uint64_t sequences, std::uint64_t block_tokens,
                          std::uint64_t extra_window_tokens = 0) const;
};

// Bytes per KV element a runtime uses when the KV dtype is left at auto: the model's 16-bit type,
// except SGLang's DeepSeek sparse attention (DSA) models, which it stores as fp8_e4m3 on compute
// capability 10 and up (server_args.py: "Setting KV cache dtype to fp8_e4m3 for DeepSeek DSA
// on SM10 device"; bfloat16 below).
double auto_kv_bytes_per_element(const ModelArch& arch, RuntimeId runtime, const Card& card);

// K and V element counts per token follow the runtime's cache layout: vLLM stores the MLA
// latent (kv_lora_rank + rope dims) once per token; so does llama.cpp since its V-less cache
// (PR #19067, 2026-01-24: "const bool has_v = !is_mla" in llama-kv-cache.cpp), flash attention
// or not; `llama_mla_keeps_v`: a build before it, which kept the latent again as V.
// The recurrent state's element types follow the runtime: llama.cpp keeps conv and SSM state
// in f32 (llama_model::create_memory); vLLM uses the model dtype for both (mamba_cache_dtype
// auto), f32 for Nemotron-H's SSM state; SGLang keeps conv in bf16 and the SSM state in f32
// (--mamba-ssm-dtype default). Tensor parallelism splits heads and conv channels.
// `prefix_caching`: vLLM's --enable-prefix-caching (hybrids hold two state copies).
// `whole_window_layers`: sliding-window layers cache every token (SGLang without its hybrid
// sliding-window pool, sglang_holds_whole_windows); TensorRT-LLM always does.
KvLayout make_kv_layout(const ModelArch& arch, double kv_bytes_per_element, RuntimeId runtime,
                        std::uint32_t tensor_parallel, bool llama_mla_keeps_v,
                        bool prefix_caching = false, bool whole_window_layers = false);

// SGLang splits its pool into full-layer and window-layer tokens for these models in this
// release (kv_layout.cpp); the others' window layers hold every token in its one pool.
bool sglang_pools_windows(const ModelArch& arch, const Release& release);
// SGLang caches every token of this model's window layers: no hybrid pool for it, or no
// full-attention layer to split the pool against.
bool sglang_holds_whole_windows(const ModelArch& arch, const Release& release);
// vLLM caches every token of this model's chunked local-attention layers (Llama 4) in this
// release: its hybrid KV cache manager was off for them by default (kv_layout.cpp).
bool vllm_holds_whole_chunks(const ModelArch& arch, const Release& release);

}  // namespace headroom
