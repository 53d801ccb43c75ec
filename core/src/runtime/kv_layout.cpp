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
  return add_bytes(total, mul_bytes(state_bytes_per_sequence, sequences));
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

}  // namespace

KvLayout make_kv_layout(const ModelArch& arch, double kv_bytes_per_element, RuntimeId runtime,
                        std::uint32_t tensor_parallel, bool flash_attention) {
  const bool llama_cpp = is_llama_cpp(runtime);
  const std::uint32_t tp = std::max<std::uint32_t>(tensor_parallel, 1);
  // Elements per token per layer, on one GPU.
  double elements = 0;
  if (arch.is_mla()) {
    const double latent = arch.kv_lora_rank + arch.qk_rope_head_dim;
    // MLA has no KV heads to split: every tensor-parallel rank keeps the whole latent.
    elements = llama_cpp && !flash_attention ? latent + arch.kv_lora_rank : latent;
  } else {
    // Under tensor parallelism KV heads are split; with fewer KV heads than GPUs each GPU
    // keeps one replicated head (vLLM QKVParallelLinear).
    const double heads =
        llama_cpp ? std::ceil(static_cast<double>(arch.num_kv_heads) / tp)
                  : std::max(1.0, std::ceil(static_cast<double>(arch.num_kv_heads) / tp));
    elements = heads * (arch.head_dim + arch.v_head_dim);
  }
  const std::uint64_t per_layer = bytes_from_double(std::ceil(elements * kv_bytes_per_element));
  KvLayout layout;
  auto add = [&](std::uint64_t window) {
    for (auto& group : layout.groups) {
      if (group.window_tokens == window) {
        group.bytes_per_token = add_bytes(group.bytes_per_token, per_layer);
        return;
      }
    }
    layout.groups.push_back(KvLayerGroup{per_layer, window});
  };
  for (std::uint32_t layer = 0; layer < arch.num_layers; ++layer) {
    const AttentionKind kind = arch.attention_of(layer);
    if (kind == AttentionKind::none) continue;
    const bool windowed = kind == AttentionKind::sliding || kind == AttentionKind::chunked;
    add(windowed ? arch.sliding_window_tokens : 0);
  }
  layout.state_bytes_per_sequence = state_bytes(arch, runtime, tp);
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
  }
  return layout;
}

}  // namespace headroom
