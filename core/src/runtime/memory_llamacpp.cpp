// llama.cpp / Ollama memory: model buffer, KV buffer for n_ctx, compute buffer for one
// n_ubatch graph, CUDA context. Rules from ggml-org/llama.cpp (src/llama-context.cpp,
// src/llama-kv-cache.cpp, src/llama-model.cpp) as re-derived by gpustack/gguf-parser-go
// (file_estimate__llamacpp.go); checked against a logged gemma-7b Q4_0 load (tests).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "headroom/units.h"
#include "runtime/memory.h"

namespace headroom {

bool ollama_runs_one_sequence(const ModelArch& arch) {
  return arch.has_recurrent_state() &&
         (arch.family.rfind("qwen3", 0) == 0 || arch.family.rfind("lfm2", 0) == 0 ||
          arch.family.rfind("nemotron_h", 0) == 0);
}

namespace {

constexpr std::uint64_t kDefaultUbatchTokens = 512;  // llama.cpp common_params n_ubatch

std::uint64_t pad_to(std::uint64_t value, std::uint64_t step) {
  return (value + step - 1) / step * step;
}

// The compute buffer is the allocator's peak over one n_ubatch graph: the largest of
//  - the output: fp32 logits for every ubatch token (vocab x ub x 4) + the normed hidden state,
//  - attention: four fp32 hidden-width rows per ubatch token (residual, Q, K/V, attention
//    output); without flash attention also the fp32 KQ matrix [n_kv, ub, heads] and the fp32
//    KQ mask [n_kv, ub] (llama.cpp builds the mask as an F32 graph input and casts it to F16
//    only for flash attention). Checked on a Mistral-7B load without flash attention
//    (fedora-copr/logdetective PR #106): 164.00 MiB at n_ctx 2048, 2144.00 MiB at 32768 =
//    n_ctx x 512 x (32 heads + 1) x 4 + 4 x 512 x 4096 x 4, both to the MiB,
//  - the FFN: gate and up activations in fp32.
// Per GPU under the layer split: each GPU runs whole layers, so its peak is one layer's, with
// all the heads (the KQ matrix of a layer is built on the layer's device).
std::uint64_t compute_buffer_bytes(const ModelArch& a, std::uint64_t n_ctx, std::uint64_t ubatch,
                                   bool flash_attention) {
  const double ub = static_cast<double>(ubatch);
  const double output = ub * a.vocab_size * 4.0 + ub * a.hidden_size * 4.0;
  const double heads = static_cast<double>(a.num_heads);
  double attention = 4.0 * ub * a.hidden_size * 4.0;
  if (!flash_attention) attention += static_cast<double>(n_ctx) * ub * (heads + 1.0) * 4.0;
  const double width = a.is_moe()
                           ? static_cast<double>(a.moe_intermediate_size) * a.experts_per_token
                           : static_cast<double>(a.intermediate_size);
  const double ffn = 2.0 * ub * width * 4.0 + ub * a.hidden_size * 4.0;
  return bytes_from_double(std::max({output, attention, ffn}));
}

}  // namespace

RuntimeMemory runtime_memory_llamacpp(const MemoryInputs& in) {
  RuntimeMemory r;
  MemoryBreakdown& m = r.memory;
  const RuntimeKnobs& knobs = in.request.knobs;
  const Workload& w = in.request.workload;
  const std::uint32_t gpus = std::max<std::uint32_t>(in.request.gpus, 1);
  const bool ollama = in.request.runtime == RuntimeId::ollama;
  // llama-server turns flash attention on where the backend supports it (-fa auto);
  // Ollama keeps it off unless OLLAMA_FLASH_ATTENTION=1.
  const bool fa = knobs.flash_attention.value_or(!ollama);
  const bool one_sequence = ollama && ollama_runs_one_sequence(in.arch);
  if (one_sequence) r.max_sequences = 1;
  // One slot per user by default, at most llama.cpp's sequence limit (the rest queue).
  const std::uint32_t slots =
      one_sequence ? 1u
                   : knobs.parallel_slots.value_or(static_cast<std::uint32_t>(
                         std::clamp<std::uint64_t>(w.users, 1, kLlamaMaxSequences)));
  const std::uint64_t per_user = w.prompt_tokens + w.output_tokens;
  const std::uint64_t requested_ctx = knobs.ctx_size_tokens.value_or(per_user * slots);
  // n_ctx is padded (256 with flash attention, 32 without: llama-context.cpp / gguf-parser).
  // With -np N (Headroom's slots, Ollama's num_parallel) the cache is not unified: every
  // sequence gets its own stream of n_ctx_seq = PAD(n_ctx / N, 256) cells and n_ctx becomes
  // n_ctx_seq x N, which can round up (src/llama-context.cpp: "rounding down" in the log).
  const std::uint64_t padded_ctx = pad_to(std::max<std::uint64_t>(requested_ctx, 1), fa ? 256 : 32);
  const std::uint64_t n_ctx_seq =
      slots > 1 ? pad_to(std::max<std::uint64_t>(padded_ctx / slots, 1), 256) : padded_ctx;
  const std::uint64_t n_ctx = n_ctx_seq * slots;
  const std::uint64_t ubatch =
      std::min<std::uint64_t>(knobs.ubatch_size_tokens.value_or(kDefaultUbatchTokens), n_ctx);
  in.inputs.ctx_size_tokens = n_ctx;
  in.inputs.parallel_slots = slots;
  in.inputs.flash_attention = fa;

  m.capacity_bytes = in.request.card.usable_memory_bytes;
  // -ngl N offloads the last N repeating layers; N above the layer count also moves the output
  // head (llama-model.cpp load_tensors: layers i >= n_layer - n_gpu_layers go to the GPU).
  const std::uint32_t n_layer = in.arch.num_layers;
  const std::uint32_t ngl =
      std::min<std::uint32_t>(knobs.gpu_layers.value_or(n_layer + 1), n_layer + 1);
  const std::uint32_t gpu_layer_count = std::min(ngl, n_layer);
  const bool output_on_gpu = ngl > n_layer;
  // --n-cpu-moe N keeps the routed experts of the first N layers in system memory (llama.cpp
  // common/arg.cpp: an -ot override "blk.i.ffn_(up|down|gate)_exps=CPU" for i < N).
  const std::uint32_t cpu_moe = std::min(knobs.cpu_moe_layers.value_or(0), n_layer);
  // The layer split (-sm layer, equal -ts): offloaded layer i of [first, n_layer) runs on GPU
  // (i - first) x gpus / offloaded, rounded down (llama-model.cpp load_tensors: upper_bound over
  // the cumulative split), the output head on the last GPU. Each GPU holds whole layers.
  const std::uint32_t first_gpu_layer = n_layer - gpu_layer_count;
  std::vector<std::uint64_t> device_bytes(gpus, 0);
  std::vector<std::uint32_t> device_layers(gpus, 0);
  std::uint64_t gpu_layer_bytes = 0, host_layer_bytes = 0, host_expert_bytes = 0, expert_bytes = 0;
  for (std::uint32_t i = 0; i < n_layer && i < in.weights.layer_bytes.size(); ++i) {
    const bool on_gpu = i >= first_gpu_layer;
    const std::uint64_t experts = in.weights.layer_expert_bytes[i];
    expert_bytes += experts;
    const std::uint64_t moved = on_gpu && i < cpu_moe ? experts : 0;
    host_expert_bytes += moved;
    const std::uint64_t bytes = in.weights.layer_bytes[i] - moved;
    (on_gpu ? gpu_layer_bytes : host_layer_bytes) += bytes;
    if (on_gpu) {
      const std::uint64_t device =
          static_cast<std::uint64_t>(i - first_gpu_layer) * gpus / gpu_layer_count;
      device_bytes[device] += bytes;
      ++device_layers[device];
    }
  }
  if (output_on_gpu) device_bytes[gpus - 1] += in.weights.output_head_bytes;
  in.inputs.cpu_moe_layers = cpu_moe;
  r.host_expert_share =
      expert_bytes > 0 ? static_cast<double>(host_expert_bytes) / static_cast<double>(expert_bytes)
                       : 0.0;
  in.inputs.gpu_layers = ngl;
  const std::uint32_t busiest_layers = *std::max_element(device_layers.begin(), device_layers.end());
  r.kv_gpu_share = static_cast<double>(busiest_layers) / n_layer;
  r.host_layer_share = gpu_layer_bytes + host_layer_bytes > 0
                           ? static_cast<double>(host_layer_bytes) /
                                 static_cast<double>(gpu_layer_bytes + host_layer_bytes)
                           : 0.0;
  m.weights_bytes = *std::max_element(device_bytes.begin(), device_bytes.end()) +
                    (gpu_layer_count > 0 ? in.weights.other_gpu_bytes : 0);
  // token_embd always stays on the host; the output head too when it is not offloaded (a tied
  // head then needs no separate copy).
  const bool tied = in.arch.tie_embeddings;
  m.host_bytes = in.weights.host_bytes + host_layer_bytes + host_expert_bytes +
                 (!output_on_gpu && !tied ? in.weights.output_head_bytes : 0);
  // The whole n_ctx KV buffer is allocated at start; slots share it (n_ctx / parallel each).
  // Each layer's KV lives where the layer runs.
  r.block_tokens = 1;
  r.extra_window_tokens = ubatch;
  r.reserves_kv = true;
  // Full-attention layers hold n_ctx cells. Sliding-window and chunked layers hold, per stream,
  // PAD(min(n_ctx_seq, n_swa + n_ubatch), 256) cells (src/llama-kv-cache-iswa.cpp @02c28f5:
  // "the SWA cache is always padded to 256"; a unified cache would hold one stream of
  // PAD(min(n_ctx, n_swa x n_seq + n_ubatch), 256)). Recurrent layers get one state cell per slot
  // (llama_memory_recurrent mem_size = n_seq_max).
  const std::uint32_t streams = std::max<std::uint32_t>(slots, 1);
  std::uint64_t kv_total = mul_bytes(in.kv.state_bytes_per_sequence, streams);
  for (const KvLayerGroup& group : in.kv.groups) {
    const std::uint64_t cells =
        group.window_tokens == 0
            ? n_ctx
            : mul_bytes(pad_to(std::min(n_ctx_seq, group.window_tokens + ubatch), 256), streams);
    kv_total = add_bytes(kv_total, mul_bytes(cells, group.bytes_per_token));
  }
  // The busiest GPU's share of that KV from the layers each GPU holds: a hybrid's attention and
  // recurrent layers fall unevenly across the split (Qwen3-Next's 12 attention layers of 48
  // over 8 GPUs: 2 on some, 1 on others), so the layer share alone under-counts it.
  if (gpus > 1 && kv_total > 0 && gpu_layer_count > 0) {
    std::map<std::uint64_t, std::uint32_t> window_layers;  // window (0: full) -> layers
    std::uint32_t state_layers = 0;
    const auto window_of = [&](std::uint32_t i) -> std::optional<std::uint64_t> {
      const AttentionKind kind = in.arch.attention_of(i);
      if (kind == AttentionKind::none) return std::nullopt;
      const bool windowed = kind == AttentionKind::sliding || kind == AttentionKind::chunked;
      return windowed ? in.arch.sliding_window_tokens : 0;
    };
    for (std::uint32_t i = 0; i < n_layer; ++i) {
      if (auto window = window_of(i)) ++window_layers[*window];
      if (in.arch.state_of(i) != StateKind::none) ++state_layers;
    }
    std::map<std::uint64_t, double> layer_bytes;  // one layer's cells x bytes, by window
    bool matched = true;
    for (const auto& entry : window_layers) {
      const std::uint64_t window = entry.first;  // a plain local: lambdas cannot capture bindings
      const std::uint32_t count = entry.second;
      auto group = std::find_if(in.kv.groups.begin(), in.kv.groups.end(),
                                [&](const KvLayerGroup& g) { return g.window_tokens == window; });
      if (group == in.kv.groups.end()) {
        matched = false;
        break;
      }
      const std::uint64_t cells =
          window == 0 ? n_ctx
                      : mul_bytes(pad_to(std::min(n_ctx_seq, window + ubatch), 256), streams);
      layer_bytes[window] =
          static_cast<double>(cells) * static_cast<double>(group->bytes_per_token) / count;
    }
    if (matched) {
      const double state_per_layer =
          state_layers
              ? static_cast<double>(in.kv.state_bytes_per_sequence) * streams / state_layers
              : 0.0;
      std::vector<double> device_kv(gpus, 0.0);
      for (std::uint32_t i = first_gpu_layer; i < n_layer; ++i) {
        const std::uint64_t device =
            static_cast<std::uint64_t>(i - first_gpu_layer) * gpus / gpu_layer_count;
        if (auto window = window_of(i)) device_kv[device] += layer_bytes[*window];
        if (in.arch.state_of(i) != StateKind::none) device_kv[device] += state_per_layer;
      }
      r.kv_gpu_share =
          *std::max_element(device_kv.begin(), device_kv.end()) / static_cast<double>(kv_total);
    }
  }
  // min(): above 2^53 the double product can round past kv_total, and the host share would wrap.
  const std::uint64_t kv_on_gpus = std::min(
      kv_total, bytes_from_double(static_cast<double>(kv_total) * gpu_layer_count / n_layer));
  m.kv_cache_capacity_bytes =
      bytes_from_double(std::ceil(static_cast<double>(kv_total) * r.kv_gpu_share));
  m.host_bytes += kv_total - kv_on_gpus;
  // Each stream attends over its own cells: the KQ matrix of a ubatch spans n_ctx_seq keys per
  // stream (llama-graph.cpp build_attn_inp_kv: the mask is [n_kv, n_tokens / n_stream, 1,
  // n_stream] with n_kv one stream's cells), not the whole n_ctx.
  m.activation_bytes = compute_buffer_bytes(in.arch, n_ctx_seq, ubatch, fa);
  m.runtime_overhead_bytes = kCudaContextBytes;
  const std::string layers_note =
      std::to_string(gpu_layer_count) + "/" + std::to_string(n_layer) + " layers" +
      (output_on_gpu ? " + output head" : "") + " on the GPU" +
      (cpu_moe > 0 ? ", experts of the first " + std::to_string(cpu_moe) + " on the CPU" : "");
  m.items.push_back({"model buffer", m.weights_bytes, layers_note});
  m.items.push_back(
      {"KV buffer", m.kv_cache_capacity_bytes,
       "n_ctx " + std::to_string(n_ctx) + " over " + std::to_string(slots) + " slot(s)"});
  m.items.push_back({"compute buffer", m.activation_bytes,
                     "one n_ubatch " + std::to_string(ubatch) + " graph" +
                         (fa ? ", flash attention" : ", no flash attention")});
  m.items.push_back(
      {"CUDA context", kCudaContextBytes, "driver and context, not in llama.cpp's own accounting"});
  if (m.host_bytes > 0) {
    m.items.push_back({"host memory", m.host_bytes,
                       gpu_layer_count < n_layer || cpu_moe > 0
                           ? "token embeddings + CPU-resident layers, experts and KV"
                           : "token embeddings"});
  }
  if (n_ctx / slots < per_user) {
    r.startup_failure =
        "each of the " + std::to_string(slots) + " slots gets " + std::to_string(n_ctx / slots) +
        " tokens of context, less than prompt + output (" + std::to_string(per_user) + ")";
  }
  m.total_bytes =
      m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes + m.kv_cache_capacity_bytes;
  m.free_bytes =
      static_cast<std::int64_t>(m.capacity_bytes) - static_cast<std::int64_t>(m.total_bytes);
  r.fixed_bytes = m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes;
  return r;
}

}  // namespace headroom
