// size(): validates the request once, then composes weights, KV layout, the runtime's
// memory accounting, the verdict, capacity limits, speed and advice.
#include "headroom/sizing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "speed/calibration.h"
#include "headroom/kv_dtype.h"
#include "headroom/units.h"
#include "headroom/weight_format.h"
#include "runtime/kv_layout.h"
#include "runtime/memory.h"
#include "sizing/internal.h"
#include "speed/params.h"
#include "runtime/weight_split.h"

namespace headroom {
namespace {

// A workload that leaves less than this share of the KV capacity free has no room for bursts
// or longer-than-planned outputs: requests start queueing or get preempted.
constexpr double kTightKvShare = 0.8;
// Runtimes without a reservation need this much slack for allocator fragmentation and spikes.
constexpr double kTightFreeShare = 0.05;
constexpr std::uint64_t kMaxTokens = 1ull << 24;  // 16.7M tokens: beyond any model's context

Error bad(const std::string& field, const std::string& message) {
  return make_error(ErrorCode::invalid_argument, field, message);
}

std::optional<Error> validate_request(const SizingRequest& r) {
  const Workload& w = r.workload;
  if (w.prompt_tokens > kMaxTokens) return bad("workload.prompt_tokens", "prompt tokens must be at most 16777216 (got " + std::to_string(w.prompt_tokens) + ")");
  if (w.output_tokens > kMaxTokens) return bad("workload.output_tokens", "output tokens must be at most 16777216 (got " + std::to_string(w.output_tokens) + ")");
  if (w.prompt_tokens + w.output_tokens == 0) return bad("workload.prompt_tokens", "prompt + output tokens must be at least 1");
  if (w.users == 0 || w.users > 100000) return bad("workload.users", "users must be 1..100000 (got " + std::to_string(w.users) + ")");
  if (r.gpus == 0 || r.gpus > 64) return bad("gpus", "gpus must be 1..64 (got " + std::to_string(r.gpus) + ")");
  if (r.card.usable_memory_bytes == 0 || r.card.bandwidth_bytes_per_s <= 0) return bad("card", "card has no usable memory or bandwidth");
  const RuntimeKnobs& k = r.knobs;
  if (k.gpu_memory_utilization && !(*k.gpu_memory_utilization > 0 && *k.gpu_memory_utilization <= 1)) {
    return bad("knobs.gpu_memory_utilization", "gpu memory utilization must be in (0, 1]");
  }
  if (k.max_model_len_tokens && (*k.max_model_len_tokens == 0 || *k.max_model_len_tokens > kMaxTokens)) return bad("knobs.max_model_len", "max model len must be 1..16777216");
  if (k.ctx_size_tokens && (*k.ctx_size_tokens == 0 || *k.ctx_size_tokens > kMaxTokens)) return bad("knobs.ctx_size", "ctx size must be 1..16777216");
  if (k.parallel_slots && (*k.parallel_slots == 0 || *k.parallel_slots > 4096)) return bad("knobs.parallel", "parallel must be 1..4096");
  if (k.ubatch_size_tokens && (*k.ubatch_size_tokens == 0 || *k.ubatch_size_tokens > 65536)) return bad("knobs.ubatch_size", "ubatch size must be 1..65536");
  if (k.max_num_batched_tokens && (*k.max_num_batched_tokens == 0 || *k.max_num_batched_tokens > kMaxTokens)) return bad("knobs.max_num_batched_tokens", "max num batched tokens must be 1..16777216");
  if (k.host_bandwidth_bytes_per_s && !(*k.host_bandwidth_bytes_per_s >= 1e9 && *k.host_bandwidth_bytes_per_s <= 2e12)) {
    return bad("knobs.host_bandwidth", "host memory bandwidth must be 1..2000 GB/s");
  }
  const bool llama = is_llama_cpp(r.runtime);
  if (!llama && (k.ctx_size_tokens || k.parallel_slots || k.ubatch_size_tokens || k.gpu_layers || k.cpu_moe_layers)) {
    return bad("knobs.ctx_size", "--ctx-size, --parallel, --ubatch-size, --n-gpu-layers and --n-cpu-moe are llama.cpp/Ollama settings; use --max-model-len with " + std::string(runtime_profile(r.runtime).key));
  }
  if (k.cpu_moe_layers && *k.cpu_moe_layers > 0 && !r.model.is_moe()) {
    return bad("knobs.cpu_moe", "--n-cpu-moe applies to mixture-of-experts models; " + r.model.id + " is dense (use --n-gpu-layers)");
  }
  if (llama && (k.max_model_len_tokens || k.gpu_memory_utilization)) {
    return bad("knobs.max_model_len", "--max-model-len and --gpu-memory-utilization do not apply to llama.cpp/Ollama; use --ctx-size");
  }
  if (k.max_model_len_tokens && *k.max_model_len_tokens < w.prompt_tokens + w.output_tokens) {
    return bad("knobs.max_model_len", "max model len (" + std::to_string(*k.max_model_len_tokens) + ") is shorter than prompt + output tokens (" + std::to_string(w.prompt_tokens + w.output_tokens) + ")");
  }
  return std::nullopt;
}

bool runtime_offers(const std::vector<std::string>& runtimes, RuntimeId id) {
  const std::string key = runtime_profile(id).key;
  return runtimes.empty() || std::find(runtimes.begin(), runtimes.end(), key) != runtimes.end();
}

// The longest per-user context (in tokens) such that `users` sequences fit in `capacity`.
std::uint64_t longest_context(const KvLayout& kv, std::uint64_t capacity, std::uint64_t users, std::uint64_t block,
                              std::uint64_t extra_window, std::uint32_t gpus, std::uint64_t limit) {
  std::uint64_t low = 0, high = limit;
  while (low < high) {
    const std::uint64_t mid = low + (high - low + 1) / 2;
    const std::uint64_t need = (kv.bytes_for(mid, users, block, extra_window) + gpus - 1) / gpus;
    if (need <= capacity) low = mid; else high = mid - 1;
  }
  return low;
}

SpeedInput make_speed_input(const SizingRequest& r, const ModelArch& a, const WeightPlacement& w,
                            const KvLayout& kv) {
  SpeedInput s;
  s.card = r.card;
  s.gpus = r.gpus;
  s.runtime = r.runtime;
  s.total_params = total_params(a);
  s.active_params = active_params(a);
  s.weight_bytes = w.total_bytes;
  s.active_weight_bytes = w.active_bytes;
  s.kv_bytes_per_token = kv.bytes_per_token() * (is_llama_cpp(r.runtime) ? 1 : r.gpus);
  s.num_layers = a.num_layers;
  s.hidden_size = a.hidden_size;
  s.num_heads = a.num_heads;
  s.head_dim = a.head_dim;
  s.num_experts = a.num_experts;
  s.experts_per_token = a.experts_per_token;
  s.weight_dtype = w.dominant_dtype;
  s.bits_per_weight = w.bits_per_weight;
  // fp8 and W8A8 run the matmul in the low-precision type; the rest dequantize to 16-bit first.
  s.weight_only_quant = w.bits_per_weight < 15 && !is_fp8(w.dominant_dtype) && w.dominant_dtype != DType::int8_rowwise;
  s.prompt_tokens = r.workload.prompt_tokens;
  s.output_tokens = r.workload.output_tokens;
  s.users = r.workload.users;
  return s;
}

// Every default the model applied where the request was silent, so a reader can check them.
std::vector<std::string> assumptions_of(const SizingRequest& r, const ModelArch& a, const NormalizedInputs& in,
                                        bool offloaded) {
  std::vector<std::string> out = a.notes;
  const RuntimeKnobs& k = r.knobs;
  const bool llama = is_llama_cpp(r.runtime);
  if (r.kv_dtype == "auto") out.push_back("KV cache in the model's 16-bit type (--kv-cache-dtype auto)");
  if (r.card.vendor != "nvidia") {
    out.push_back("driver/context reserve of 0.61 GiB as measured for CUDA on an H100; not measured for " + r.card.vendor + " cards");
  }
  if (llama) {
    if (!k.ctx_size_tokens) {
      out.push_back("n_ctx = " + std::to_string(in.ctx_size_tokens) + ": prompt + output for each of the " +
                    std::to_string(in.parallel_slots) + " slot(s) (pass --ctx-size to fix it)");
    }
    if (!k.parallel_slots) out.push_back("one parallel slot per user (--parallel " + std::to_string(in.parallel_slots) + ")");
    if (!k.flash_attention) {
      out.push_back(std::string("flash attention ") + (in.flash_attention ? "on (llama-server's -fa auto)" : "off (Ollama's default)"));
    }
    if (offloaded && !k.host_bandwidth_bytes_per_s) {
      out.push_back("system memory streams at 61 GB/s (dual-channel DDR5-4800 at 80%; pass --host-bandwidth)");
    }
  } else if (r.runtime != RuntimeId::transformers) {
    if (!k.max_model_len_tokens) {
      out.push_back("max_model_len = prompt + output (" + std::to_string(in.max_model_len_tokens) + "); the server's own default is the model's " +
                    std::to_string(a.max_context_tokens) + " tokens");
    }
    if (!k.gpu_memory_utilization && (r.runtime == RuntimeId::vllm || r.runtime == RuntimeId::sglang)) {
      char text[160];
      std::snprintf(text, sizeof text, "%s %.3f (the runtime's default)",
                    r.runtime == RuntimeId::vllm ? "gpu_memory_utilization" : "mem_fraction_static", in.gpu_memory_utilization);
      out.push_back(text);
    }
  }
  return out;
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::fits: return "fits";
    case Verdict::tight: return "tight";
    case Verdict::does_not_fit: return "does-not-fit";
  }
  return "does-not-fit";
}

Result<SizingReport> evaluate(const SizingRequest& r) {
  if (auto error = validate_request(r)) return *error;
  if (auto error = validate_arch(r.model)) return *error;
  const ModelArch& a = r.model;
  const bool llama = is_llama_cpp(r.runtime);
  // vLLM-style servers refuse sequences beyond the model's context window (vLLM: "User-specified
  // max_model_len is greater than the derived max_model_len", unless VLLM_ALLOW_LONG_MAX_MODEL_LEN).
  const bool budgeted_server = !llama && r.runtime != RuntimeId::transformers;
  const std::uint64_t longest = std::max(r.knobs.max_model_len_tokens.value_or(0),
                                         r.workload.prompt_tokens + r.workload.output_tokens);
  if (budgeted_server && a.max_context_tokens > 0 && longest > a.max_context_tokens) {
    return make_error(ErrorCode::invalid_argument, "knobs.max_model_len",
                      "a sequence of " + std::to_string(longest) + " tokens exceeds " + a.id + "'s context window of " +
                          std::to_string(a.max_context_tokens) + " tokens, which " + runtime_profile(r.runtime).name + " refuses");
  }
  // Tensor parallelism splits attention heads evenly (vLLM, SGLang, TRT-LLM and TGI all refuse
  // otherwise: "Total number of attention heads must be divisible by tensor parallel size").
  if (!llama && r.gpus > 1 && a.num_heads % r.gpus != 0) {
    return make_error(ErrorCode::invalid_argument, "gpus",
                      "tensor parallel over " + std::to_string(r.gpus) + " GPUs needs the " + std::to_string(a.num_heads) +
                          " attention heads to divide evenly; use a divisor of " + std::to_string(a.num_heads));
  }

  if (auto refused = runtime_refuses_card(r.runtime, r.card)) {
    return make_error(ErrorCode::unsupported, "card", *refused);
  }
  auto format = find_weight_format(r.weight_format);
  if (!format) return format.error();
  if (!runtime_offers(format.value()->runtimes, r.runtime)) {
    return make_error(ErrorCode::unsupported, "weight_format",
                      "weight format '" + format.value()->id + "' cannot be served by " + runtime_profile(r.runtime).name +
                          " (pick a format from `headroom formats` that lists it)");
  }
  auto kv_dtype = find_kv_dtype(r.kv_dtype);
  if (!kv_dtype) return kv_dtype.error();
  if (kv_dtype.value()->id != "auto" && !runtime_offers(kv_dtype.value()->runtimes, r.runtime)) {
    return make_error(ErrorCode::unsupported, "kv_cache_dtype",
                      "KV cache dtype '" + kv_dtype.value()->id + "' is not offered by " + runtime_profile(r.runtime).name);
  }
  const bool fa = r.knobs.flash_attention.value_or(r.runtime != RuntimeId::ollama);
  if (llama && kv_dtype.value()->needs_flash_attention_for_v && !fa) {
    return make_error(ErrorCode::invalid_argument, "kv_cache_dtype",
                      "a quantized V cache ('" + kv_dtype.value()->id + "') needs flash attention in llama.cpp; pass --flash-attention on or use f16");
  }
  auto tensors = apply_weight_format(a, model_tensors(a), *format.value());
  if (!tensors) return tensors.error();

  SizingReport report;
  NormalizedInputs& in = report.inputs;
  in.model_id = a.id;
  in.model_name = a.name;
  in.weight_format = format.value()->id;
  in.kv_dtype = kv_dtype.value()->id;
  in.runtime = runtime_profile(r.runtime).key;
  in.card_id = r.card.id;
  in.gpus = r.gpus;
  in.workload = r.workload;
  in.context_tokens_per_user = r.workload.prompt_tokens + r.workload.output_tokens;
  in.flash_attention = fa;

  const WeightPlacement weights = place_weights(a, tensors.value(), r.runtime, r.gpus);
  in.total_params = total_params(a);
  in.active_params = active_params(a);
  in.bits_per_weight = weights.bits_per_weight;
  const double kv_element_bytes = kv_dtype.value()->id == "auto" ? 2.0 : kv_dtype.value()->bytes_per_element;
  const KvLayout kv = make_kv_layout(a, kv_element_bytes, r.runtime, r.gpus, fa);

  MemoryInputs memory_inputs{a, r, weights, kv, in};
  RuntimeMemory rm = runtime_memory(memory_inputs);
  MemoryBreakdown& m = rm.memory;
  const std::uint32_t kv_split = llama ? r.gpus : 1;  // llama.cpp splits layers; TP already split heads
  m.kv_bytes_per_token = (kv.bytes_per_token() + kv_split - 1) / kv_split;

  const Workload& w = r.workload;
  const std::uint64_t per_user = in.context_tokens_per_user;
  const std::uint64_t model_max = a.max_context_tokens ? a.max_context_tokens : kMaxTokens;
  in.max_model_len_tokens = r.knobs.max_model_len_tokens.value_or(per_user);
  const std::uint64_t block = rm.block_tokens;
  auto seq_bytes = [&](std::uint64_t tokens, std::uint64_t seqs) {
    const auto on_gpus = static_cast<std::uint64_t>(static_cast<double>(kv.bytes_for(tokens, seqs, block, rm.extra_window_tokens)) * rm.kv_gpu_share);
    return (on_gpus + kv_split - 1) / kv_split;
  };
  m.kv_cache_bytes = seq_bytes(per_user, w.users);
  if (!rm.reserves_kv) {
    m.kv_cache_capacity_bytes = m.kv_cache_bytes;
    m.total_bytes += m.kv_cache_bytes;
    m.free_bytes -= static_cast<std::int64_t>(m.kv_cache_bytes);
    m.items.push_back({"KV cache", m.kv_cache_bytes, "grows with the batch; not reserved"});
  }

  // Capacity limits.
  const std::uint64_t one_seq = seq_bytes(per_user, 1);
  std::uint64_t kv_room = m.kv_cache_capacity_bytes;
  if (!rm.reserves_kv || llama) {
    const std::int64_t room = static_cast<std::int64_t>(m.capacity_bytes) - static_cast<std::int64_t>(rm.fixed_bytes);
    kv_room = room > 0 ? static_cast<std::uint64_t>(room) : 0;
  }
  report.max_users = one_seq ? kv_room / one_seq : 0;
  report.max_context_tokens = longest_context(kv, kv_room, w.users, block, rm.extra_window_tokens, kv_split,
                                              std::min(model_max, kMaxTokens));

  // Verdict.
  const double capacity = static_cast<double>(m.capacity_bytes);
  if (!rm.startup_failure.empty()) {
    report.verdict = Verdict::does_not_fit;
    report.verdict_reason = "the runtime cannot start: " + rm.startup_failure;
  } else if (m.free_bytes < 0) {
    report.verdict = Verdict::does_not_fit;
    report.verdict_reason = "needs " + format_bytes(static_cast<double>(m.total_bytes)) + " per GPU but the card has " +
                            format_bytes(capacity) + ": over by " + format_bytes(static_cast<double>(-m.free_bytes)) +
                            (m.weights_bytes > m.kv_cache_bytes ? "; the weights are the largest term" : "; the KV cache is the largest term");
  } else if (rm.reserves_kv && !llama && seq_bytes(in.max_model_len_tokens, 1) > m.kv_cache_capacity_bytes) {
    report.verdict = Verdict::does_not_fit;
    report.verdict_reason = "one sequence of max_model_len " + std::to_string(in.max_model_len_tokens) + " needs " +
                            format_bytes(static_cast<double>(seq_bytes(in.max_model_len_tokens, 1))) + " of KV cache but only " +
                            format_bytes(static_cast<double>(m.kv_cache_capacity_bytes)) + " is left; the runtime refuses to start";
  } else if (m.kv_cache_bytes > m.kv_cache_capacity_bytes) {
    report.verdict = Verdict::does_not_fit;
    report.verdict_reason = "the KV cache for " + std::to_string(w.users) + " users needs " + format_bytes(static_cast<double>(m.kv_cache_bytes)) +
                            " but " + format_bytes(static_cast<double>(m.kv_cache_capacity_bytes)) + " is reserved: only " +
                            std::to_string(report.max_users) + " run at once, the rest queue";
  } else if (m.kv_cache_bytes > kTightKvShare * static_cast<double>(m.kv_cache_capacity_bytes) && rm.reserves_kv && !llama) {
    // (llama.cpp's KV buffer is sized by n_ctx, which is chosen for the workload: being full
    // is by design there, so only the card's free memory can make it tight.)
    report.verdict = Verdict::tight;
    report.verdict_reason = "the workload fills " + std::to_string(static_cast<int>(100.0 * m.kv_cache_bytes / m.kv_cache_capacity_bytes)) +
                            "% of the KV cache; above 80% a burst or longer outputs start queueing or preemption";
  } else if ((!rm.reserves_kv || llama) && static_cast<double>(m.free_bytes) < kTightFreeShare * capacity) {
    // (Budgeted runtimes leave their slack on purpose: their headroom is the KV share above.)
    report.verdict = Verdict::tight;
    report.verdict_reason = "fits with " + format_bytes(static_cast<double>(m.free_bytes)) + " free (under 5% of the card): fragmentation or a longer prompt can run it out of memory";
  } else {
    report.verdict = Verdict::fits;
    report.verdict_reason = "the workload uses " + std::to_string(m.kv_cache_capacity_bytes ? static_cast<int>(100.0 * m.kv_cache_bytes / m.kv_cache_capacity_bytes) : 0) +
                            "% of the KV cache, " + format_bytes(static_cast<double>(std::max<std::int64_t>(m.free_bytes, 0))) + " of the card stays free";
  }

  SpeedInput speed_input = make_speed_input(r, a, weights, kv);
  speed_input.host_layer_share = rm.host_layer_share;
  speed_input.host_expert_share = rm.host_expert_share;
  // Dual-channel DDR5-4800: 2 x 8 bytes x 4.8 GT/s = 76.8 GB/s peak, at the efficiency factor of
  // speed_params.h (a typical desktop). --host-bandwidth overrides it.
  speed_input.host_bandwidth_bytes_per_s = r.knobs.host_bandwidth_bytes_per_s.value_or(speed::host_bandwidth_bytes_per_s(2, 4800, 8));
  if (r.bench) {
    auto calibration = calibrate_from_bench(*r.bench, r.card, weights.dominant_dtype);
    if (!calibration) return calibration.error();
    speed_input.bench = calibration.value();
  }
  report.assumptions = assumptions_of(r, a, in, rm.host_layer_share > 0 || rm.host_expert_share > 0);
  auto speed = estimate_speed(speed_input);
  if (speed) report.speed = speed.value(); else report.speed_error = speed.error().message;
  report.memory = std::move(m);
  return report;
}

Result<SizingReport> size(const SizingRequest& request) {
  auto report = evaluate(request);
  if (!report) return report;
  report->advice = make_advice(request, report.value());
  return report;
}

}  // namespace headroom
