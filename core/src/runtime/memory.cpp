#include "runtime/memory.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "base/release.h"
#include "headroom/units.h"
#include "runtime/sglang_defaults.h"
#include "runtime/vllm_defaults.h"
#include "runtime/vllm_sampler.h"

namespace headroom {
namespace {

// vLLM non-torch memory (cuBLAS/NCCL workspaces): 0.13 GiB at TP1, 0.55 GiB at TP2 on H100
// (llm-d empirical-vllm-memory-results.md, Llama-3.1-8B and Llama-3.3-70B-FP8 TP=2 rows).
constexpr std::uint64_t kVllmNonTorchTp1Bytes = static_cast<std::uint64_t>(0.13 * kGiB);
constexpr std::uint64_t kVllmNonTorchTpNBytes = static_cast<std::uint64_t>(0.55 * kGiB);
// CUDA graph capture after KV allocation: -0.45..1.03 GiB measured (same file); 0.4 typical.
constexpr std::uint64_t kVllmCudaGraphBytes = static_cast<std::uint64_t>(0.4 * kGiB);

// NCCL communicator buffers per GPU under tensor parallelism: 342 MB at TP2, 392 MB at TP4/8
// (ai-dynamo/aiconfigurator systems/h100_sxm.yaml misc.nccl_mem).
std::uint64_t nccl_bytes(std::uint32_t tp) {
  if (tp <= 1) return 0;
  return tp == 2 ? 342000000ull : 392000000ull;
}

void add_item(MemoryBreakdown& m, const char* name, std::uint64_t bytes, std::string note) {
  m.items.push_back(MemoryItem{name, bytes, std::move(note)});
}

// vLLM V1 profile-run peak. Fitted on the five H100 profiles published by llm-d (Llama-3.1-8B
// 4.76, Llama-3.3-70B 4.84, Qwen3-0.6B 5.56, Qwen3-32B 5.64, gpt-oss-20b 7.38 GiB): the
// peak follows the sampler's fp32 logits for max_num_seqs dummy sequences (38.1 B per
// sequence per vocabulary entry) plus max_num_batched_tokens hidden states (2.56 B per token
// per hidden unit) plus 22 MiB. vLLM's defaults for those two knobs are 1024 / 8192 on cards
// with >= 70 GiB (except A100) and 256 / 2048 elsewhere (vllm/engine/arg_utils.py
// _set_default_args). Builds whose profile run samples with FlashInfer hold 14 B per entry
// instead of 38.1 (runtime/vllm_sampler.cpp).
// The dummy requests the profile run samples: _dummy_run spreads max_num_batched_tokens over
// min(max_num_seqs, max_num_batched_tokens) requests, one sampled row each
// (v1/worker/gpu_model_runner.py profile_run, _dummy_sampler_run).
std::uint64_t vllm_profile_requests(std::uint64_t max_num_seqs, std::uint64_t batched_tokens) {
  return std::min(max_num_seqs, batched_tokens);
}

std::uint64_t vllm_activation_bytes(const ModelArch& arch, std::uint64_t requests,
                                    std::uint64_t batched_tokens, VllmSampler sampler) {
  const double bytes =
      22.0 * kMiB +
      vllm_sampler_bytes_per_entry(sampler) * static_cast<double>(requests) * arch.vocab_size +
      2.56 * static_cast<double>(batched_tokens) * arch.hidden_size;
  return bytes_from_double(bytes);
}


// aiconfigurator's activation estimate for TRT-LLM/SGLang-style engines:
// 2 x tokens x (heads x head_dim) x coefficient(family, TP), floored at 70 MiB
// (ai-dynamo/aiconfigurator sdk/backends/base_backend.py _get_memory_usage; LLAMA {1:11,
// 2:6.5, 4:5, 8:5}, MoE {1:22, 2:13, 4:10, 8:10}).
std::uint64_t engine_activation_bytes(const ModelArch& arch, std::uint64_t tokens,
                                      std::uint32_t tp) {
  double coefficient = tp <= 1 ? 11 : tp == 2 ? 6.5 : 5;
  if (arch.is_moe()) coefficient *= 2;
  const double bytes =
      2.0 * static_cast<double>(tokens) * arch.num_heads * arch.head_dim * coefficient;
  return std::max<std::uint64_t>(bytes_from_double(bytes), 70 * kMiB);
}

void finish(RuntimeMemory& r) {
  MemoryBreakdown& m = r.memory;
  m.total_bytes =
      m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes + m.kv_cache_capacity_bytes;
  m.free_bytes =
      static_cast<std::int64_t>(m.capacity_bytes) - static_cast<std::int64_t>(m.total_bytes);
  r.fixed_bytes = m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes;
}

// Budgeted runtimes: KV = what is left of a budget after the fixed terms.
void set_kv_capacity(RuntimeMemory& r, double budget_bytes, double fixed_in_budget,
                     const char* rule) {
  const double left = budget_bytes - fixed_in_budget;
  if (left <= 0) {
    r.startup_failure = std::string("no memory left for the KV cache: ") + rule + " leaves " +
                        format_bytes(left) + " after weights, activations and overhead";
    r.memory.kv_cache_capacity_bytes = 0;
  } else {
    r.memory.kv_cache_capacity_bytes = bytes_from_double(left);
  }
}

RuntimeMemory vllm_like(const MemoryInputs& in) {
  RuntimeMemory r;
  MemoryBreakdown& m = r.memory;
  const Card& card = in.request.card;
  const std::uint32_t tp = std::max<std::uint32_t>(in.request.gpus, 1);
  m.capacity_bytes = card.usable_memory_bytes;
  m.weights_bytes = in.weights.per_gpu_bytes;
  // vLLM CacheConfig.block_size default, raised for hybrids to hold a recurrent state page.
  r.block_tokens = std::max<std::uint64_t>(16, in.kv.min_block_tokens);
  const double util = in.request.knobs.gpu_memory_utilization.value_or(0.9);
  in.inputs.gpu_memory_utilization = util;
  const RuntimeKnobs& knobs = in.request.knobs;
  const std::uint64_t max_num_seqs =
      knobs.max_num_seqs.value_or(vllm_default_max_num_seqs(card));
  std::uint64_t batched = knobs.max_num_batched_tokens.value_or(vllm_default_batched_tokens(card));
  // A default budget is cut to what max_num_seqs sequences of max_model_len can take
  // (config/scheduler.py: min(max_num_seqs x max_model_len, default)); vLLM issue #33155 logs
  // "compile range (1, 5120)" at --max-num-seqs 1 --max-model-len 5120. max_model_len defaults
  // to the model's context, as in vLLM; with the default max_num_seqs the cut never binds.
  const std::uint64_t max_model_len =
      knobs.max_model_len_tokens.value_or(in.arch.max_context_tokens);
  if (!knobs.max_num_batched_tokens && knobs.max_num_seqs && max_model_len > 0)
    batched = std::min(batched, max_num_seqs * max_model_len);
  const std::uint64_t requests = vllm_profile_requests(max_num_seqs, batched);
  const Release release = parse_release(knobs.engine_version.value_or(""));
  // The scheduler's cap on running sequences, its default too (V0, before 0.8: 256 everywhere).
  const bool v0 = release.known() && release.major == 0 && release.minor < 8;
  r.max_sequences = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(knobs.max_num_seqs.value_or(v0 ? 256 : max_num_seqs), 0xFFFFFFFFull));
  // Model Runner V2 samples its dummy rows without top-k/top-p (_dummy_sampler_run: "the
  // sampler may skip top_k, top_p"), yet its v0.26.0 A40 peak is higher than this rule, not
  // lower: 1.01 GiB for Llama-3.1-8B at 256 requests / 2048 tokens against 0.47 (bf16, int8
  // w8a8 and AWQ alike). The runner's per-request tensors over the vocabulary that its source
  // shows (penalties' int32 output_bin_counts, sample/penalties.py; the sampler's fp32 copy of
  // the bf16 logits, sample/sampler.py) come to ~10 B per entry, 0.31 GiB here: what holds the
  // rest is not identified from one shape, so the V1 rule stays and
  // tests/runtime_logs_test.cpp bounds the miss.
  const VllmSampler sampler = vllm_profile_sampler(card, release);
  m.activation_bytes = vllm_activation_bytes(in.arch, requests, batched, sampler);
  const std::uint64_t non_torch = tp > 1 ? kVllmNonTorchTpNBytes : kVllmNonTorchTp1Bytes;
  m.runtime_overhead_bytes = non_torch + kVllmCudaGraphBytes + kCudaContextBytes;
  add_item(m, "weights", m.weights_bytes, "per GPU, as stored");
  add_item(m, "peak activation", m.activation_bytes,
           "profile run at max_num_batched_tokens " + std::to_string(batched) + ", " +
               std::to_string(requests) + (requests == 1 ? " request" : " requests") +
               " through the " + to_string(sampler));
  add_item(m, "non-torch memory", non_torch,
           tp > 1 ? "cuBLAS + NCCL buffers" : "cuBLAS workspaces");
  // From v0.21.0 the V1 runner's profile run captures dummy CUDA graphs and takes their
  // estimate out of the KV budget (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, added off by
  // default in vllm PR #30515; "CUDA graph memory profiling is enabled (default since v0.21.0)",
  // v0.27.1 start-up log in gpustack/runner PR #251). Earlier releases capture them after sizing
  // the KV cache, outside the budget, and so does Model Runner V2: its profile_cudagraph_memory
  // returns 0 (vllm/v1/worker/gpu/model_runner.py), and the v0.26.0 A40 start-ups of
  // Llama-3.1-8B print no estimate while weights + peak + non-torch + KV fill the budget to
  // 0.01 GiB, the 0.56-0.60 GiB of graphs captured afterwards (vireshkoli/LLM-Inference-
  // Optimization results/logs/vllm-*.startup.log). vLLM's own estimate extrapolates the second
  // graph linearly and can exceed what the graphs take (vllm issues #45178, #50780); the typical
  // figure stands in for it.
  const bool mrv2 = vllm_model_runner_v2(in.arch, release);
  const bool graphs_in_budget = release.known() && !release.before(0, 21) && !mrv2;
  add_item(m, "CUDA graphs", kVllmCudaGraphBytes,
           graphs_in_budget ? "estimated by the profile run, inside the budget (v0.21+)"
           : mrv2           ? "captured after the KV cache, outside the budget (Model Runner V2)"
                            : "captured after the KV cache, outside the budget");
  add_item(m, "CUDA context", kCudaContextBytes, "held before vLLM allocates");
  const double budget = util * static_cast<double>(m.capacity_bytes);
  const std::uint64_t in_budget =
      m.weights_bytes + m.activation_bytes + non_torch + (graphs_in_budget ? kVllmCudaGraphBytes : 0);
  set_kv_capacity(r, budget, static_cast<double>(in_budget), "gpu_memory_utilization x total");
  add_item(m, "KV cache (reserved)", m.kv_cache_capacity_bytes,
           graphs_in_budget ? "budget - weights - activation - non-torch - CUDA graphs"
                            : "budget - weights - activation - non-torch");
  finish(r);
  return r;
}

// Default mem_fraction_static (same function): reserved MiB = 512 (attention-backend metadata)
// + 1.5 x max(chunked_prefill_size, 2048) (prefill activations) + 2 x cuda_graph_max_bs
// + 1024 x TP / 8, at least 10 GiB on cards above 60 GiB; fraction = round((gpu_mem -
// reserved) / gpu_mem, 3). Public start-up logs print 0.835 on an H100 80GB and 0.907 on an
// H200. gpu_mem is nvidia-smi's total there; the card's usable total stands in for it (0.5 to
// 0.9 GiB less on those cards, 0.001 lower fraction). Releases before v0.5.4 used 0.88 / 0.87
// / 0.85 / 0.83 by TP size 1 / 2 / 4 / 8: pass that as --gpu-memory-utilization to model them.
double sglang_default_fraction(double gpu_mem_mib, const SglangDefaults& d, std::uint32_t tp) {
  double reserved = 512.0 +
                    1.5 * static_cast<double>(std::max<std::uint64_t>(d.chunked_prefill, 2048)) +
                    2.0 * static_cast<double>(d.cuda_graph_max_bs) + 1024.0 * tp / 8.0;
  if (gpu_mem_mib > 60 * 1024) reserved = std::max(reserved, 10.0 * 1024);
  return std::round((gpu_mem_mib - reserved) / gpu_mem_mib * 1000.0) / 1000.0;
}

// What SGLang's process holds before "Load weight begin" (CUDA context, torch and allocator
// init): 79.18 - 78.81 GiB on an 80 GB card at TP1 (SGLang docs quick-start log, Llama-3.1-8B,
// 2025-01). Under TP the NCCL communicators come on top (nccl_bytes).
constexpr std::uint64_t kSglangStartupBytes = static_cast<std::uint64_t>(0.37 * kGiB);

// SGLang hybrids (model_runner_kv_cache_mixin.py, docs advanced_features/hybrid_model_memory):
// with the radix cache on, the rest is split into a mamba state pool of rest x r / (1 + r)
// (--mamba-full-memory-ratio r = 0.9) and the KV pool; max_running_requests is capped at
// state slots / 5 (the default extra_buffer + overlap schedule keeps 5 slots per request).
constexpr double kSglangMambaRatio = 0.9;
constexpr std::uint64_t kSglangSlotsPerRequest = 5;

void split_mamba_pool(const MemoryInputs& in, RuntimeMemory& r) {
  MemoryBreakdown& m = r.memory;
  const double rest = static_cast<double>(m.kv_cache_capacity_bytes);
  const std::uint64_t state_pool =
      bytes_from_double(rest * kSglangMambaRatio / (1 + kSglangMambaRatio));
  const std::uint64_t kv_pool =
      m.kv_cache_capacity_bytes - std::min(state_pool, m.kv_cache_capacity_bytes);
  const std::uint64_t slots = state_pool / in.kv.state_bytes_per_sequence;
  r.token_pool_bytes = std::max<std::uint64_t>(kv_pool, 1);
  r.state_slots = slots;
  r.state_slots_per_request = static_cast<std::uint32_t>(kSglangSlotsPerRequest);
  const Workload& w = in.request.workload;
  const std::uint64_t kv_per_user =
      in.kv.bytes_for(w.prompt_tokens + w.output_tokens, 1, 1) - in.kv.state_bytes_per_sequence;
  const std::uint64_t by_slots = slots / kSglangSlotsPerRequest;
  const std::uint64_t by_tokens =
      kv_per_user > 0 ? kv_pool / kv_per_user : std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t sequences = std::min(by_slots, by_tokens);
  r.max_sequences = static_cast<std::uint32_t>(std::min<std::uint64_t>(sequences, 0xFFFFFFFFull));
  if (r.max_sequences == 0 && r.startup_failure.empty())
    r.startup_failure = by_slots == 0
                            ? "the mamba state pool holds fewer than " +
                                  std::to_string(kSglangSlotsPerRequest) + " state slots"
                            : "the KV pool beside the mamba state pool (" +
                                  format_bytes(static_cast<double>(kv_pool)) +
                                  ") holds no sequence of these lengths (" +
                                  format_bytes(static_cast<double>(kv_per_user)) + " each)";
  m.items.back().note += " (" + format_bytes(static_cast<double>(kv_pool)) + " KV + " +
                         format_bytes(static_cast<double>(state_pool)) +
                         " mamba state pool: " + std::to_string(slots) + " slots, " +
                         std::to_string(kSglangSlotsPerRequest) + " per request)";
}

constexpr double kSglangSwaFullTokensRatio = 0.8;  // --swa-full-tokens-ratio (kv_layout.cpp)

// SGLang's hybrid sliding-window pool (kv_layout.cpp sglang_pools_windows): full-layer tokens
// and window-layer tokens in pools of their own, which bound the sequences run at once.
void size_window_layers(const MemoryInputs& in, RuntimeMemory& r) {
  std::uint64_t full_bytes = 0, window_bytes = 0, window = 0;
  for (const auto& g : in.kv.groups) {
    if (g.window_tokens == 0) {
      full_bytes += g.bytes_per_token;
    } else {
      window_bytes += g.bytes_per_token;
      window = std::max(window, g.window_tokens);
    }
  }
  if (window_bytes == 0) {
    // The layout already holds every token in the window layers (sglang_holds_whole_windows).
    if (in.kv.window_reads.empty()) return;
    r.memory.items.back().note += " (window layers hold every token: no hybrid sliding-window pool)";
    return;
  }
  const double pool = static_cast<double>(r.memory.kv_cache_capacity_bytes);
  const Workload& w = in.request.workload;
  const double per_user = static_cast<double>(w.prompt_tokens + w.output_tokens);
  if (per_user <= 0 || full_bytes == 0) return;
  const double full_tokens =
      std::floor(pool / (static_cast<double>(full_bytes) +
                         kSglangSwaFullTokensRatio * static_cast<double>(window_bytes)));
  const double window_tokens = std::floor(full_tokens * kSglangSwaFullTokensRatio);
  const double held = std::min(per_user, 2.0 * static_cast<double>(window));
  const double sequences = std::min(full_tokens / per_user, window_tokens / held);
  r.max_sequences = static_cast<std::uint32_t>(std::min(std::floor(sequences), 4294967295.0));
  r.full_layer_tokens = static_cast<std::uint64_t>(full_tokens);
  r.window_layer_tokens = static_cast<std::uint64_t>(window_tokens);
  r.window_hold_tokens = 2 * window;
  if (r.max_sequences == 0 && r.startup_failure.empty())
    r.startup_failure = "the KV pool holds no sequence at these lengths";
  r.memory.items.back().note += " (" + std::to_string(static_cast<std::uint64_t>(full_tokens)) +
                                " full-layer + " +
                                std::to_string(static_cast<std::uint64_t>(window_tokens)) +
                                " window-layer tokens, --swa-full-tokens-ratio 0.8)";
}

RuntimeMemory sglang(const MemoryInputs& in) {
  RuntimeMemory r;
  MemoryBreakdown& m = r.memory;
  const std::uint32_t tp = std::max<std::uint32_t>(in.request.gpus, 1);
  m.capacity_bytes = in.request.card.usable_memory_bytes;
  m.weights_bytes = in.weights.per_gpu_bytes;
  r.block_tokens = 1;  // token-level radix cache pages (page_size 1)
  const double gpu_mem_mib = static_cast<double>(m.capacity_bytes) / static_cast<double>(kMiB);
  const SglangDefaults defaults = sglang_defaults(gpu_mem_mib, tp);
  const double fraction = in.request.knobs.gpu_memory_utilization.value_or(
      sglang_default_fraction(gpu_mem_mib, defaults, tp));
  in.inputs.gpu_memory_utilization = fraction;
  const std::uint64_t chunk = defaults.chunked_prefill;
  m.activation_bytes =
      bytes_from_double(1.15 * static_cast<double>(engine_activation_bytes(in.arch, chunk, tp)));
  const std::uint64_t startup = kSglangStartupBytes + nccl_bytes(tp);
  m.runtime_overhead_bytes = startup + kVllmCudaGraphBytes;
  add_item(m, "weights", m.weights_bytes, "per GPU, as stored");
  add_item(m, "activations", m.activation_bytes,
           "chunked prefill of " + std::to_string(chunk) + " tokens");
  add_item(m, "CUDA context", kSglangStartupBytes, "held before the weights load");
  add_item(m, "CUDA graphs", kVllmCudaGraphBytes, "outside mem_fraction_static");
  if (tp > 1) add_item(m, "NCCL buffers", nccl_bytes(tp), "tensor-parallel communicators");
  // model_runner profile_max_num_token: rest = free after loading - free before loading x
  // (1 - mem_fraction_static), i.e. fraction x (total - start-up) - weights.
  const double free_before_load =
      static_cast<double>(m.capacity_bytes) - static_cast<double>(startup);
  set_kv_capacity(r, fraction * free_before_load, static_cast<double>(m.weights_bytes),
                  "mem_fraction_static x free memory before loading");
  add_item(m, "KV pool (reserved)", m.kv_cache_capacity_bytes,
           "mem_fraction_static x free memory before loading - weights");
  if (in.kv.state_bytes_per_sequence > 0) split_mamba_pool(in, r);
  if (in.kv.state_bytes_per_sequence == 0) size_window_layers(in, r);
  finish(r);
  return r;
}

RuntimeMemory free_fraction_runtime(const MemoryInputs& in, double fraction, std::uint64_t tokens,
                                    std::uint64_t block, const char* rule) {
  RuntimeMemory r;
  MemoryBreakdown& m = r.memory;
  const std::uint32_t tp = std::max<std::uint32_t>(in.request.gpus, 1);
  m.capacity_bytes = in.request.card.usable_memory_bytes;
  m.weights_bytes = in.weights.per_gpu_bytes;
  r.block_tokens = block;
  m.activation_bytes = engine_activation_bytes(in.arch, tokens, tp);
  m.runtime_overhead_bytes = kCudaContextBytes + nccl_bytes(tp);
  in.inputs.gpu_memory_utilization = fraction;
  add_item(m, "weights", m.weights_bytes, "per GPU, as stored");
  add_item(m, "activations", m.activation_bytes, std::to_string(tokens) + " tokens in flight");
  add_item(m, "CUDA context", kCudaContextBytes, "driver and context");
  if (tp > 1) add_item(m, "NCCL buffers", nccl_bytes(tp), "tensor-parallel communicators");
  const double free_after =
      static_cast<double>(m.capacity_bytes) -
      static_cast<double>(m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes);
  set_kv_capacity(r, fraction * free_after, 0, rule);
  if (free_after <= 0)
    r.startup_failure = std::string("weights and activations exceed the card: ") + rule;
  add_item(m, "KV cache (reserved)", m.kv_cache_capacity_bytes, rule);
  finish(r);
  return r;
}

RuntimeMemory transformers(const MemoryInputs& in) {
  RuntimeMemory r;
  MemoryBreakdown& m = r.memory;
  const ModelArch& a = in.arch;
  const Workload& w = in.request.workload;
  m.capacity_bytes = in.request.card.usable_memory_bytes;
  m.weights_bytes = in.weights.per_gpu_bytes;
  r.reserves_kv = false;
  // Prefill of the whole batch at once: MLP intermediates (gate, up, act) and residual
  // copies in 16-bit, plus fp32 logits of the last position (generate keeps only those).
  const double tokens = static_cast<double>(w.users * w.prompt_tokens);
  const double width = a.is_moe()
                           ? static_cast<double>(a.moe_intermediate_size) * a.experts_per_token
                           : static_cast<double>(a.intermediate_size);
  double act = tokens * (3.0 * width + 4.0 * a.hidden_size) * 2.0 +
               2.0 * static_cast<double>(w.users) * a.vocab_size * 4.0;
  // bitsandbytes dequantizes one layer at a time into a 16-bit temporary.
  if (in.weights.bits_per_weight < 12)
    act += static_cast<double>(in.weights.largest_linear_elements) * 2.0;
  // device_map splits the layers, not the tensors: each GPU runs its layers over the whole batch,
  // so each holds the full batch's intermediates (and the last one the logits too).
  m.activation_bytes = bytes_from_double(act);
  m.runtime_overhead_bytes = kCudaContextBytes;
  add_item(m, "weights", m.weights_bytes, "per GPU (device_map), as stored");
  add_item(m, "activations", m.activation_bytes, "prefill of the whole batch");
  add_item(m, "CUDA context", kCudaContextBytes, "driver and context");
  finish(r);
  return r;
}

}  // namespace

RuntimeMemory runtime_memory_llamacpp(const MemoryInputs& in);  // runtime_memory_llamacpp.cpp

RuntimeMemory runtime_memory(const MemoryInputs& in) {
  switch (in.request.runtime) {
    case RuntimeId::vllm:
      return vllm_like(in);
    case RuntimeId::sglang:
      return sglang(in);
    case RuntimeId::trtllm: {
      // The PyTorch backend (1.0-1.2) sizes its KV cache in KvCacheCreator
      // (tensorrt_llm/_torch/pyexecutor/_util.py configure_kv_cache_capacity, _cal_max_memory):
      // after the warm-up (autotuner, CUDA graphs) it runs dummy context requests totalling
      // max_num_tokens (8192, the trtllm-serve default) and takes
      // KV = free_gpu_memory_fraction x (device total - peak + the dry run's own KV), the peak
      // holding the weights, the dry run's torch peak and all memory outside torch (context,
      // NCCL, graph pools). A user's fraction and max_num_tokens enter the same terms;
      // tokens_per_block 32.
      const RuntimeKnobs& knobs = in.request.knobs;
      const double fraction = knobs.gpu_memory_utilization.value_or(0.9);
      char rule[96];
      std::snprintf(rule, sizeof rule, "free_gpu_memory_fraction %g x free memory", fraction);
      return free_fraction_runtime(in, fraction, knobs.max_num_batched_tokens.value_or(8192), 32,
                                   rule);
    }
    case RuntimeId::tgi:
      // max_batch_prefill_tokens 4096 (TGI launcher default); BLOCK_SIZE 16 for flashinfer paged
      // attention.
      return free_fraction_runtime(in, 0.95, 4096, 16, "TGI_WIGGLE_ROOM 0.95 x free memory");
    case RuntimeId::llamacpp:
    case RuntimeId::ollama:
      return runtime_memory_llamacpp(in);
    case RuntimeId::transformers:
      return transformers(in);
  }
  return vllm_like(in);
}

}  // namespace headroom
