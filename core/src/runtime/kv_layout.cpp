#include "runtime/kv_layout.h"

#include <algorithm>
#include <cmath>

#include "base/saturating.h"

namespace headroom {

std::uint64_t KvLayout::bytes_per_token() const {
  std::uint64_t total = 0;
  for (const auto& group : groups) total = add_bytes(total, group.bytes_per_token);
  return total;
}

std::uint64_t KvLayout::bytes_for(std::uint64_t tokens, std::uint64_t sequences,
                                  std::uint64_t block_tokens,
                                  std::uint64_t extra_window_tokens) const {
  const std::uint64_t block = std::max<std::uint64_t>(block_tokens, 1);
  std::uint64_t total = 0;
  for (const auto& group : groups) {
    std::uint64_t held = tokens;
    if (group.window_tokens > 0) held = std::min(tokens, group.window_tokens + extra_window_tokens);
    // Saturating: 2^35 bytes per token x 8192 tokens x 65536 users is 2^64, which wraps to 0.
    const std::uint64_t blocks = held / block + (held % block != 0 ? 1 : 0);
    const std::uint64_t per_sequence = mul_bytes(mul_bytes(blocks, block), group.bytes_per_token);
    total = add_bytes(total, mul_bytes(per_sequence, sequences));
  }
  return add_bytes(total,
                   mul_bytes(mul_bytes(state_bytes_per_sequence, state_copies), sequences));
}

double auto_kv_bytes_per_element(const ModelArch& arch, RuntimeId runtime, const Card& card) {
  // Every NVIDIA Blackwell part (SM100, SM103, SM120) reports a major capability of 10 or more.
  const bool sm10_plus = card.vendor == "nvidia" && card.architecture.rfind("Blackwell", 0) == 0;
  if (runtime == RuntimeId::sglang && arch.has_indexer() && arch.is_mla() && sm10_plus) return 1.0;
  return 2.0;
}

namespace {

std::uint64_t state_bytes(const ModelArch& arch, RuntimeId runtime, std::uint32_t tp) {
  const StateElements state = recurrent_state_elements(arch);
  if (state.conv == 0 && state.ssm == 0) return 0;
  double conv_bytes = 2, ssm_bytes = 2;  // the model's 16-bit dtype
  if (is_llama_cpp(runtime)) {
    conv_bytes = ssm_bytes = 4;
  } else if (runtime == RuntimeId::sglang) {
    ssm_bytes = 4;
  } else if (runtime == RuntimeId::vllm && arch.ssm_state_f32) {
    ssm_bytes = 4;
  }
  const double bytes =
      static_cast<double>(state.conv) * conv_bytes + static_cast<double>(state.ssm) * ssm_bytes;
  // llama.cpp splits layers over GPUs (the caller divides); the others shard each layer.
  const double split = is_llama_cpp(runtime) ? 1.0 : static_cast<double>(tp);
  return bytes_from_double(std::ceil(bytes / split));
}

// The lightning indexer's key cache per token per layer (DeepSeek-V3.2, GLM-5). vLLM
// (DeepseekV32IndexerCache: head_size = index_head_dim + index_head_dim / 128 x 4, uint8) and
// SGLang (NSA index_k_with_scale buffer, the same formula) keep fp8 keys plus one fp32 scale per
// 128 values whatever the KV dtype: 132 B for index_head_dim 128. llama.cpp (llama_kv_cache_dsa)
// keeps one head of index_head_dim in the K cache type, without scale.
// MiniMax sparse attention (MiniMax-M3) keeps one index key of index_head_dim per token in 16 bits
// whatever the KV dtype, on every tensor-parallel rank: vLLM's MiniMaxM3IndexerCache (an
// MLAAttentionSpec of one head; vllm-project/vllm vllm/models/minimax_m3/common/indexer.py
// @0484480bc73081c4a5133b3cb53018323fce632d, indexer_kv_dtype "bf16" by default, "an fp8 indexer
// cache is a non-default opt-in": vllm/config/attention.py:55 @ v0.24.0 as ai-dynamo/aiconfigurator
// commit dbb322e6f records) and SGLang's MiniMaxSparseKVPool (an index-K pool of head_num 1 built
// with index_dtype = the model dtype in model_runner_kv_cache_mixin.py
// _build_minimax_sparse_kv_pool; read in SGLang trees, commit not pinned): 256 B for dim 128.
std::uint64_t indexer_bytes_per_layer(const ModelArch& arch, double kv_bytes_per_element,
                                      bool llama_cpp) {
  if (!arch.has_indexer()) return 0;
  const std::uint64_t dim = arch.index_head_dim;
  if (arch.is_block_sparse()) return dim * 2;
  if (llama_cpp)
    return bytes_from_double(std::ceil(static_cast<double>(dim) * kv_bytes_per_element));
  return dim + dim / 128 * 4;
}

// K + V elements of one token in one attention layer, on one GPU.
double layer_elements(const ModelArch& arch, std::uint32_t layer, bool llama_cpp, std::uint32_t tp,
                      bool llama_mla_keeps_v) {
  if (arch.is_mla()) {
    const double latent = arch.kv_lora_rank + arch.qk_rope_head_dim;
    // MLA has no KV heads to split: every tensor-parallel rank keeps the whole latent.
    return llama_cpp && llama_mla_keeps_v ? latent + arch.kv_lora_rank : latent;
  }
  // Per-layer widths: Gemma 4's global layers and MiMo-V2's sliding layers have their own KV
  // heads and head sizes. Gemma 4's K=V layers still cache V (the value is k_proj's output
  // before the key's norm and RoPE, so the two differ).
  const LayerShape shape = arch.shape_of(layer);
  // Under tensor parallelism KV heads are split; with fewer KV heads than GPUs each GPU
  // keeps one replicated head (vLLM QKVParallelLinear). llama.cpp splits layers, not heads:
  // every layer keeps all its heads and the caller divides the layers over the GPUs.
  const double heads = llama_cpp
                           ? static_cast<double>(shape.num_kv_heads)
                           : std::max(1.0, std::ceil(static_cast<double>(shape.num_kv_heads) / tp));
  return heads * (shape.head_dim + shape.v_head_dim);
}

}  // namespace

// SGLang's hybrid sliding-window pool (model_config.py is_hybrid_swa_model, unless
// server_args sets disable_hybrid_swa_memory): model_runner.py set_num_token_hybrid splits the
// pool into full-layer and window-layer token pools of full_max = bytes / (full + r x window
// bytes per token) and r x full_max tokens (--swa-full-tokens-ratio r = 0.8), so neither pool
// borrows from the other; releases since sglang PR #17220 (merged 2026-01-16) free out-of-window
// tokens every window of decode steps, so a running request holds up to 2 windows there (sglang
// PR #22645: "each request holds up to 2 * sliding_window_size SWA tokens"). Models with window
// layers that SGLang does not pool apart (Gemma 2/3 are not in is_hybrid_swa_model; gpt-oss,
// though listed, had disable_hybrid_swa_memory = True set unconditionally in
// _handle_model_specific_adjustments through the 0.5.x releases read here, and sglang PR #17630
// of 2026-01-23 still enables it by editing server_args; sgl-project's 0.5.9 takes the hybrid
// path, ovg-project/kvcached PR #263) cache every token in every layer.

bool sglang_pools_windows(const ModelArch& arch, const Release& release) {
  if (arch.family == "llama4" || arch.family == "llama4_text") return true;
  if (arch.family == "gpt_oss") return !release.known() || !release.before(0, 5, 9);
  return false;
}

bool sglang_holds_whole_windows(const ModelArch& arch, const Release& release) {
  bool full_layer = false;
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
    const AttentionKind kind = arch.attention_of(layer);
    full_layer |= kind == AttentionKind::full || kind == AttentionKind::mla;
  }
  return !(full_layer && sglang_pools_windows(arch, release));
}

// vLLM PR #21761 (2025-07-28) turned the hybrid KV cache manager off for chunked local
// attention unless VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1 ("There is a latency
// regression when using chunked local attention with the hybrid KV cache manager. Disabling it,
// by default", as a v0.12.0 Llama-4-Scout start-up on 8x H200 logs it:
// fuhengwu2021/coderepo extra/HYBRID_KV_CACHE_ANALYSIS.md at 07c4f0a5), and without the manager
// every layer caches every token; PR #29627 (opened 2025-11-27, after v0.12.0) made the default
// on, which later releases keep (vllm PR #46553, June 2026, to turn it off again was closed).
// Before #21761 the manager's chunked spec (PR #19351, June 2025) applied; Headroom counts
// every release before 0.13 as whole-chunk, the first after the logged v0.12.0.
bool vllm_holds_whole_chunks(const ModelArch& arch, const Release& release) {
  if (!release.known() || !release.before(0, 13)) return false;
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer)
    if (arch.attention_of(layer) == AttentionKind::chunked) return true;
  return false;
}

KvLayout make_kv_layout(const ModelArch& arch, double kv_bytes_per_element, RuntimeId runtime,
                        std::uint32_t tensor_parallel, bool llama_mla_keeps_v,
                        bool prefix_caching, bool whole_window_layers) {
  const bool llama_cpp = is_llama_cpp(runtime);
  const std::uint32_t tp = std::max<std::uint32_t>(tensor_parallel, 1);
  const bool budgeted_dsa = arch.has_indexer() && arch.is_mla() &&
                            (runtime == RuntimeId::vllm || runtime == RuntimeId::sglang);
  const std::uint64_t indexer = indexer_bytes_per_layer(arch, kv_bytes_per_element, llama_cpp);
  KvLayout layout;
  std::uint64_t first_layer_bytes = 0;  // one attention layer's page per token (vLLM hybrids)
  auto add = [&](std::uint64_t window, std::uint64_t bytes) {
    for (auto& group : layout.groups) {
      if (group.window_tokens == window) {
        group.bytes_per_token = add_bytes(group.bytes_per_token, bytes);
        return;
      }
    }
    layout.groups.push_back(KvLayerGroup{bytes, window});
  };
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
    const AttentionKind kind = arch.attention_of(layer);
    if (kind == AttentionKind::none) continue;
    std::uint64_t per_layer = bytes_from_double(std::ceil(
        layer_elements(arch, layer, llama_cpp, tp, llama_mla_keeps_v) * kv_bytes_per_element));
    if (budgeted_dsa && kv_bytes_per_element == 1.0) {
      // vLLM rewrites fp8 to fp8_ds_mla and SGLang's NSA pool stores the same record: the
      // latent in fp8, one fp32 scale per 128 latent values and the RoPE part in bf16
      // (512 + 16 + 128 = 656 B for DeepSeek-V3.2).
      per_layer = std::uint64_t{arch.kv_lora_rank} + arch.kv_lora_rank / 128 * 4 +
                  std::uint64_t{arch.qk_rope_head_dim} * 2;
    }
    if (first_layer_bytes == 0) first_layer_bytes = per_layer;
    // TensorRT-LLM sizes every layer's blocks for the whole sequence unless the run sets
    // kv_cache_config.max_attention_window ("if kv_cache_config.max_attention_window is None: Use
    // max_seq_len as default max_attention_window", KVCacheManager in
    // tensorrt_llm/_torch/pyexecutor/resource_manager.py, 1.0-1.2); a model's sliding window only
    // masks its attention (modeling_gpt_oss.py passes attention_window_size per forward call).
    // Per-layer windows are an opt-in ("max_attention_window: [128, 128, 128, 131072]  # This
    // allows KV cache manager to possibly improve memory efficiency",
    // examples/models/core/exaone/README.md); no run in the validation set sets it.
    const bool windowed = (kind == AttentionKind::sliding || kind == AttentionKind::chunked) &&
                          runtime != RuntimeId::trtllm && !whole_window_layers;
    add(windowed ? arch.sliding_window_tokens : 0, per_layer);
    ++layout.attention_layers;
    if ((kind == AttentionKind::sliding || kind == AttentionKind::chunked) &&
        arch.sliding_window_tokens > 0) {
      auto read = std::find_if(layout.window_reads.begin(), layout.window_reads.end(),
                               [&](const KvWindowRead& w) {
                                 return w.window_tokens == arch.sliding_window_tokens;
                               });
      if (read == layout.window_reads.end())
        read = layout.window_reads.insert(layout.window_reads.end(),
                                          KvWindowRead{0, arch.sliding_window_tokens, 0});
      read->bytes_per_token = add_bytes(read->bytes_per_token, per_layer);
      ++read->layers;
    }
    if (indexer > 0) {
      // The indexer scores every earlier token, so its keys grow with the sequence; a layer that
      // shares another's top-k (IndexShare) keeps none, but still attends sparsely. MiniMax's
      // block-sparse layers read index_topk tokens of their K/V too (sparse_topk_blocks blocks).
      if (arch.owns_indexer(layer)) {
        add(0, indexer);
        layout.indexer_bytes_per_token = add_bytes(layout.indexer_bytes_per_token, indexer);
      }
      // MiniMax-M3's layers without an indexer (its first three) attend to every token.
      if (!arch.is_block_sparse() || arch.owns_indexer(layer))
        layout.sparse_bytes_per_token = add_bytes(layout.sparse_bytes_per_token, per_layer);
    }
  }
  layout.state_bytes_per_sequence = state_bytes(arch, runtime, tp);
  const std::uint64_t per_layer = first_layer_bytes;
  if (runtime == RuntimeId::vllm && layout.state_bytes_per_sequence > 0 && per_layer > 0) {
    // vLLM (HybridAttentionMambaModelConfig, no prefix caching) raises the attention block to
    // 16 x cdiv(mamba_page, 16 x attn_1tok) tokens and pads each recurrent layer's state page to
    // block x attn_1tok, so both kinds share one page size (Qwen3-Next: 544 tokens, +1.49%).
    std::uint64_t state_layers = 0;
    for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer)
      if (arch.state_of(layer) != StateKind::none) ++state_layers;
    const std::uint64_t page = (layout.state_bytes_per_sequence + state_layers - 1) / state_layers;
    const std::uint64_t unit = 16 * per_layer;
    layout.min_block_tokens = 16 * ((page + unit - 1) / unit);
    layout.state_bytes_per_sequence =
        mul_bytes(state_layers, mul_bytes(layout.min_block_tokens, per_layer));
    // Prefix caching ("align" mode) keeps 2 blocks per state group and request, at the block
    // size above for Gated DeltaNet and Mamba-2 alike (2,096 tokens in the Qwen3.6 v0.24 logs):
    // only the experimental mamba_cache_mode "all" rounds the block up to a multiple of the
    // Mamba-2 chunk size; "align" sets mamba_block_size to the attention block as chosen
    // (vllm/model_executor/models/config.py HybridAttentionMambaModelConfig).
    if (prefix_caching) layout.state_copies = 2;
  }
  return layout;
}

}  // namespace headroom
