// size(): checks the request once (validate.cpp), then composes weights, the KV layout, the
// runtime's memory accounting, capacity limits, the verdict (verdict.cpp), speed and advice.
#include "headroom/sizing.h"

#include <algorithm>

#include "runtime/kv_layout.h"
#include "runtime/memory.h"
#include "runtime/weight_split.h"
#include "sizing/internal.h"
#include "speed/calibration.h"
#include "speed/params.h"

namespace headroom {
namespace {

// The longest per-user context (in tokens) such that `users` sequences fit in `capacity`, of
// which one GPU holds `share` (llama.cpp's busiest GPU under the layer split; 1: tensor
// parallel layouts are already per GPU).
std::uint64_t longest_context(const KvLayout& kv, std::uint64_t capacity, std::uint64_t users,
                              std::uint64_t block, std::uint64_t extra_window, double share,
                              std::uint64_t limit) {
  std::uint64_t low = 0, high = limit;
  while (low < high) {
    const std::uint64_t mid = low + (high - low + 1) / 2;
    const std::uint64_t need = bytes_from_double(
        std::ceil(static_cast<double>(kv.bytes_for(mid, users, block, extra_window)) * share));
    if (need <= capacity)
      low = mid;
    else
      high = mid - 1;
  }
  return low;
}

// The largest n in [1, limit] with ok(n), for ok true up to some n and false after (0 when
// ok(1) is false): doubling, then bisection, so about 2 log2(n) calls.
constexpr std::uint64_t kMaxFittingUsers = 100000;  // the most users a request may ask for
template <typename Ok>
std::uint64_t largest_fitting(const Ok& ok, std::uint64_t limit) {
  if (limit == 0 || !ok(1)) return 0;
  std::uint64_t good = 1, bad = 0;  // bad == 0: no failing n found yet
  while (bad == 0) {
    const std::uint64_t next = good > limit / 2 ? limit : good * 2;
    if (next == good) return good;
    if (ok(next)) {
      good = next;
    } else {
      bad = next;
    }
  }
  while (bad - good > 1) {
    const std::uint64_t mid = good + (bad - good) / 2;
    (ok(mid) ? good : bad) = mid;
  }
  return good;
}

SpeedInput make_speed_input(const SizingRequest& r, const ModelArch& a, const NormalizedInputs& in,
                            const WeightPlacement& w, const KvLayout& kv) {
  SpeedInput s;
  s.card = r.card;
  s.gpus = r.gpus;
  s.runtime = r.runtime;
  s.backend = r.backend.value_or(default_backend(r.runtime, r.card));
  s.total_params = in.total_params;
  s.active_params = in.active_params;
  s.weight_bytes = w.total_bytes;
  s.active_weight_bytes = w.active_bytes;
  s.reference_weight_bytes = mul_bytes(in.total_params, 2);
  s.reference_active_weight_bytes = mul_bytes(in.active_params, 2);
  s.kv_bytes_per_token = mul_bytes(kv.bytes_per_token(), is_llama_cpp(r.runtime) ? 1 : r.gpus);
  s.state_bytes_per_sequence =
      mul_bytes(kv.state_bytes_per_sequence, is_llama_cpp(r.runtime) ? 1 : r.gpus);
  s.sparse_kv_bytes_per_token =
      mul_bytes(kv.sparse_bytes_per_token, is_llama_cpp(r.runtime) ? 1 : r.gpus);
  s.sparse_topk_tokens = a.index_topk;
  for (const KvWindowRead& window : kv.window_reads)
    s.windowed_kv.push_back(SpeedInput::WindowedKv{
        mul_bytes(window.bytes_per_token, is_llama_cpp(r.runtime) ? 1 : r.gpus),
        window.window_tokens, window.layers});
  s.attention_layers = kv.attention_layers;
  s.num_layers = a.num_layers;
  s.hidden_size = a.hidden_size;
  s.num_heads = a.num_heads;
  s.head_dim = a.head_dim;
  s.num_experts = a.num_experts;
  s.experts_per_token = a.experts_per_token;
  s.attention_sinks = a.family == "gpt_oss" || a.family == "mimo_v2_flash";
  s.weight_dtype = w.dominant_dtype;
  s.bits_per_weight = w.bits_per_weight;
  // fp8 and W8A8 run the matmul in the low-precision type; the rest dequantize to 16-bit first.
  s.weight_only_quant = w.bits_per_weight < 15 && !is_fp8(w.dominant_dtype) &&
                        w.dominant_dtype != DType::int8_rowwise;
  s.prompt_tokens = r.workload.prompt_tokens;
  s.output_tokens = r.workload.output_tokens;
  s.users = r.workload.users;
  return s;
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::fits:
      return "fits";
    case Verdict::tight:
      return "tight";
    case Verdict::does_not_fit:
      return "does-not-fit";
  }
  return "does-not-fit";
}

Result<SizingReport> evaluate(const SizingRequest& r, ServiceTimes* times,
                              PreparedWeights* cache) {
  auto checked = check_request(r);
  if (!checked) return checked.error();
  const ModelArch& a = r.model;
  const bool llama = is_llama_cpp(r.runtime);
  const WeightFormat* format = checked->format;
  const KvDtype* kv_dtype = checked->kv_dtype;
  const bool fa = checked->flash_attention;
  PreparedWeights local;
  PreparedWeights& prepared = cache != nullptr ? *cache : local;
  if (prepared.format != format) {
    std::vector<TensorSpec> native = model_tensors(a);
    prepared.total_params = total_params(native);
    prepared.active_params = active_params(a, native);
    prepared.active_params_with_embedding = active_params_with_embedding(a, native);
    auto formatted = apply_weight_format(a, std::move(native), *format);
    if (!formatted) {
      prepared.format = nullptr;
      return formatted.error();
    }
    prepared.tensors = std::move(formatted).value();
    prepared.placements.clear();
    prepared.format = format;
  }
  const std::uint64_t total = prepared.total_params;
  const std::uint64_t active = prepared.active_params;
  const std::uint64_t active_with_embedding = prepared.active_params_with_embedding;
  const std::vector<TensorSpec>& tensors = prepared.tensors;

  SizingReport report;
  NormalizedInputs& in = report.inputs;
  in.model_id = a.id;
  in.model_name = a.name;
  in.weight_format = format->id;
  in.kv_dtype = kv_dtype->id;
  in.runtime = runtime_profile(r.runtime).key;
  in.card_id = r.card.id;
  in.gpus = r.gpus;
  in.workload = r.workload;
  in.context_tokens_per_user = r.workload.prompt_tokens + r.workload.output_tokens;
  in.flash_attention = fa;

  // vLLM's and SGLang's MXFP4 expert layouts (padding, swizzled scale copies) belong to their
  // mxfp4 quant method (quant_method "mxfp4": gpt-oss); a compressed-tensors MXFP4 checkpoint
  // (Kimi-K3) loads through the compressed-tensors MoE method, whose layout is not read here, so
  // its experts stay as stored.
  const bool compressed_tensors_native = a.native_quant_method == "compressed-tensors" &&
                                         (r.weight_format == "native" ||
                                          format->id == a.native_quant);
  const Mxfp4MoeBackend mxfp4 = compressed_tensors_native ? Mxfp4MoeBackend::checkpoint
                                                          : mxfp4_moe_backend(r.runtime, r.card);
  const bool expert_parallel = r.knobs.expert_parallel.value_or(false);
  in.expert_parallel = expert_parallel;
  auto placed = std::find_if(prepared.placements.begin(), prepared.placements.end(),
                             [&](const PreparedWeights::Placed& p) {
                               return p.runtime == r.runtime && p.gpus == r.gpus &&
                                      p.mxfp4 == mxfp4 && p.expert_parallel == expert_parallel;
                             });
  if (placed == prepared.placements.end()) {
    prepared.placements.push_back(
        {r.runtime, r.gpus, mxfp4, expert_parallel,
         place_weights(a, tensors, r.runtime, r.gpus, mxfp4, expert_parallel)});
    placed = prepared.placements.end() - 1;
  }
  const WeightPlacement& weights = placed->placement;  // the cache is not touched again below
  in.total_params = total;
  in.active_params = active;
  in.active_params_with_embedding = active_with_embedding;
  in.bits_per_weight = weights.bits_per_weight;
  const double kv_element_bytes = kv_dtype->id == "auto"
                                      ? auto_kv_bytes_per_element(a, r.runtime, r.card)
                                      : kv_dtype->bytes_per_element;
  // llama.cpp builds before its V-less MLA cache (PR #19067, merged 2026-01-24; a month names
  // the build, so January 2026 counts as before) kept the latent twice.
  const bool llama_mla_keeps_v = llama && r.knobs.llama_build_month &&
                                 *r.knobs.llama_build_month < std::string("2026-02");
  const Release engine_release = parse_release(r.knobs.engine_version.value_or(""));
  const bool whole_windows =
      (r.runtime == RuntimeId::sglang && sglang_holds_whole_windows(a, engine_release)) ||
      (r.runtime == RuntimeId::vllm && vllm_holds_whole_chunks(a, engine_release));
  const KvLayout kv = make_kv_layout(a, kv_element_bytes, r.runtime, r.gpus, llama_mla_keeps_v,
                                     r.knobs.prefix_caching.value_or(false), whole_windows);
  // The KV arithmetic saturates at kByteCeiling; a workload that reaches it is no sizing question
  // (every figure after it would be the ceiling), so it is refused with the workload named.
  if (kv.bytes_for(in.context_tokens_per_user, r.workload.users, 1) >= kByteCeiling) {
    return invalid("users",
                   "x (prompt_tokens + output_tokens) needs more than 1 EiB of KV cache (" +
                       std::to_string(kv.bytes_per_token()) + " bytes per token), beyond any card");
  }

  MemoryInputs memory_inputs{a, r, weights, kv, in};
  RuntimeMemory rm = runtime_memory(memory_inputs);
  MemoryBreakdown& m = rm.memory;
  // What the busiest GPU holds of the model's KV: all of a tensor-parallel layout (already split
  // by heads), its layers' share under llama.cpp's layer split (runtime memory).
  const double kv_share = rm.kv_gpu_share;
  auto on_one_gpu = [&](std::uint64_t bytes) {
    return bytes_from_double(std::ceil(static_cast<double>(bytes) * kv_share));
  };
  m.kv_bytes_per_token = on_one_gpu(kv.bytes_per_token());
  // Every copy the runtime holds per sequence (vLLM prefix caching keeps 2 state blocks); the
  // speed model reads one per step.
  m.state_bytes_per_sequence =
      mul_bytes(on_one_gpu(kv.state_bytes_per_sequence), kv.state_copies);

  const Workload& w = r.workload;
  const std::uint64_t per_user = in.context_tokens_per_user;
  const std::uint64_t model_max = a.max_context_tokens ? a.max_context_tokens : kMaxTokens;
  in.max_model_len_tokens = r.knobs.max_model_len_tokens.value_or(per_user);
  const std::uint64_t block = rm.block_tokens;
  auto seq_bytes = [&](std::uint64_t tokens, std::uint64_t seqs) {
    return on_one_gpu(kv.bytes_for(tokens, seqs, block, rm.extra_window_tokens));
  };
  m.kv_cache_bytes = seq_bytes(per_user, w.users);
  if (!rm.reserves_kv) {
    m.kv_cache_capacity_bytes = m.kv_cache_bytes;
    m.total_bytes += m.kv_cache_bytes;
    m.free_bytes -= static_cast<std::int64_t>(m.kv_cache_bytes);
    m.items.push_back({"KV cache", m.kv_cache_bytes, "grows with the batch; not reserved"});
  }

  // Capacity limits. A serving engine refuses prompts past the max_model_len it was started
  // with, however much KV room is left.
  std::uint64_t context_cap = std::min(model_max, kMaxTokens);
  if (!llama && r.knobs.max_model_len_tokens)
    context_cap = std::min(context_cap, *r.knobs.max_model_len_tokens);
  if (llama || !rm.reserves_kv) {
    // llama.cpp sizes n_ctx, its per-slot padding and its compute buffer from the workload, and
    // transformers its activations from the batch, so the room left by today's fixed terms is
    // not the room at another user count or length: both limits are the largest workload whose
    // own sizing fits (a user count llama.cpp's pinned -np caps; a length its pinned -c caps).
    const std::uint32_t pinned_slots =
        llama ? (rm.max_sequences > 0 ? rm.max_sequences : r.knobs.parallel_slots.value_or(0)) : 0;
    auto fits = [&](std::uint64_t users, std::uint64_t context) {
      SizingRequest trial = r;
      trial.workload.users = users;
      trial.workload.output_tokens = std::min(w.output_tokens, context);
      trial.workload.prompt_tokens = context - trial.workload.output_tokens;
      NormalizedInputs trial_inputs = in;
      const RuntimeMemory t = runtime_memory({a, trial, weights, kv, trial_inputs});
      if (!t.startup_failure.empty()) return false;
      std::uint64_t need = t.memory.total_bytes;
      if (!t.reserves_kv) need = add_bytes(need, seq_bytes(context, users));
      return need <= t.memory.capacity_bytes;
    };
    report.max_users = largest_fitting([&](std::uint64_t n) { return fits(n, per_user); },
                                       pinned_slots > 0 ? pinned_slots
                                       : llama          ? kLlamaMaxSequences
                                                        : kMaxFittingUsers);
    report.max_context_tokens = largest_fitting(
        [&](std::uint64_t tokens) { return fits(std::max<std::uint64_t>(w.users, 1), tokens); },
        context_cap);
  } else {
    // A budgeted engine's KV reservation is fixed at start-up: what it holds, within the
    // scheduler's cap.
    const std::uint64_t one_seq = seq_bytes(per_user, 1);
    const std::uint64_t kv_room = m.kv_cache_capacity_bytes;
    report.max_users = one_seq ? kv_room / one_seq : 0;
    if (rm.max_sequences > 0)
      report.max_users = std::min<std::uint64_t>(report.max_users, rm.max_sequences);
    // SGLang's hybrid window pool: every token of every request sits in the full layers' pool.
    if (rm.full_layer_tokens > 0) {
      const std::uint64_t users = std::max<std::uint64_t>(w.users, 1);
      context_cap = std::min(context_cap, rm.full_layer_tokens / users);
      // Its window layers hold up to two windows of each request: below that, every token.
      const std::uint64_t window_share = rm.window_layer_tokens / users;
      if (window_share < rm.window_hold_tokens) context_cap = std::min(context_cap, window_share);
    }
    // SGLang's recurrent hybrids keep state in a pool of its own: tokens fill only the KV part.
    if (rm.token_pool_bytes > 0) {
      KvLayout tokens_only = kv;
      tokens_only.state_bytes_per_sequence = 0;
      report.max_context_tokens = longest_context(tokens_only, rm.token_pool_bytes, w.users, block,
                                                  rm.extra_window_tokens, kv_share, context_cap);
    } else {
      report.max_context_tokens = longest_context(kv, kv_room, w.users, block,
                                                  rm.extra_window_tokens, kv_share, context_cap);
    }
  }

  // A runtime that cannot start runs nobody, whatever its pool would hold; without the state
  // slots for one request (SGLang's hybrids) no length runs either.
  if (!rm.startup_failure.empty()) {
    report.max_users = 0;
    if (rm.token_pool_bytes > 0 && rm.state_slots < rm.state_slots_per_request)
      report.max_context_tokens = 0;
  }
  VerdictInputs verdict{rm,
                        m,
                        llama,
                        w.users,
                        report.max_users,
                        in.max_model_len_tokens,
                        seq_bytes(in.max_model_len_tokens, 1)};
  decide_verdict(verdict, report);

  SpeedInput speed_input = make_speed_input(r, a, in, weights, kv);
  speed_input.linear_kernels = format->kernels;
  speed_input.host_cpu = r.knobs.host_cpu;
  speed_input.llama_build_month = r.knobs.llama_build_month.value_or("");
  speed_input.engine_version = r.knobs.engine_version.value_or("");
  speed_input.stream_interval = r.knobs.stream_interval.value_or(1);
  // gpt-oss's chat requests are rendered by openai_harmony (Rust), not a Jinja template.
  speed_input.chat_template = r.knobs.chat_endpoint.value_or(false) && a.family != "gpt_oss";
  speed_input.async_scheduling = r.knobs.async_scheduling.value_or(false);
  speed_input.expert_parallel = expert_parallel;
  speed_input.cuda_graph_max_batch = r.knobs.cuda_graph_max_batch.value_or(0);
  if (r.knobs.max_num_batched_tokens)
    speed_input.prefill_budget_tokens = static_cast<double>(*r.knobs.max_num_batched_tokens);
  speed_input.host_layer_share = rm.host_layer_share;
  speed_input.host_expert_share = rm.host_expert_share;
  speed_input.host_bandwidth_bytes_per_s =
      r.knobs.host_bandwidth_bytes_per_s.value_or(speed::default_host_bandwidth_bytes_per_s());
  if (r.bench) {
    auto calibration = calibrate_from_bench(*r.bench, r.card, weights.dominant_dtype);
    if (!calibration) return calibration.error();
    speed_input.bench = calibration.value();
  }
  if (r.with_assumptions)
    report.assumptions =
        assumptions_of(r, in, rm.host_layer_share > 0 || rm.host_expert_share > 0,
                       speed_input.bench ? &*speed_input.bench : nullptr, weights.dominant_dtype);
  // Users past what runs at once (the KV cache, the scheduler's or llama.cpp's slot cap) queue:
  // the decode batch is the running ones.
  const bool queued = report.max_users > 0 && speed_input.users > report.max_users;
  if (queued) speed_input.users = report.max_users;
  auto speed = estimate_speed(speed_input);
  if (speed && queued && r.runtime == RuntimeId::transformers) {
    // generate() has no queue: a batch past what fits runs out of memory; the speed shown is the
    // largest batch that fits.
    speed->model_note += " Speed of a batch of " + std::to_string(report.max_users) +
                         " (the most that fit); generate() has no queue, so " +
                         std::to_string(w.users) + " at once run out of memory.";
  } else if (speed && queued) {
    speed->model_note += " " + std::to_string(report.max_users) + " of the " +
                         std::to_string(w.users) +
                         " users decode at once; the rest queue, and their first tokens wait "
                         "for those slots.";
  }
  if (speed) {
    report.speed = speed.value();
  } else {
    report.speed_error = speed.error();
  }
  if (r.traffic.arrival != Arrival::burst && r.runtime == RuntimeId::transformers) {
    // generate() runs a static batch to its end: new requests do not join a running batch, so
    // the continuous-batching queue below does not describe it.
    report.traffic_error = refused(ErrorCode::unsupported, "arrival",
                                   "closed-loop and rate arrivals are modelled for continuous "
                                   "batching runtimes; transformers runs static batches");
  } else if (r.traffic.arrival != Arrival::burst && report.speed && rm.reserves_kv && !llama &&
             report.max_users == 0) {
    // A serving engine that reserves its KV cache at start-up and finds no room does not start;
    // queueing every request into one batch would describe a server that does not exist.
    report.traffic_error = refused(ErrorCode::unsupported, "kv_cache",
                                   "the KV cache holds no sequence at these lengths and settings "
                                   "(the runtime cannot start), so there is no traffic to model");
  } else if (r.traffic.arrival != Arrival::burst && report.speed) {
    // The most sequences decoding at once: llama.cpp's slots, else what the KV cache holds at
    // these lengths (the users asked for when it holds none: llama.cpp and transformers grow
    // theirs), within vLLM's largest default max_num_seqs (1024; 256 on cards under 70 GiB,
    // not modelled).
    std::uint64_t cap = report.max_users > 0 ? report.max_users : r.workload.users;
    if (llama && in.parallel_slots > 0) cap = in.parallel_slots;
    cap = std::clamp<std::uint64_t>(cap, 1, 1024);
    auto service = service_times(speed_input, cap);
    Result<TrafficEstimate> traffic =
        service ? (r.traffic.arrival == Arrival::rate
                       ? poisson_traffic(*service, r.traffic.request_rate_per_s)
                       : closed_loop_traffic(*service, r.workload.users))
                : Result<TrafficEstimate>(service.error());
    if (traffic) {
      report.traffic = traffic.value();
      if (times) *times = service.value();
    } else {
      report.traffic_error = traffic.error();
    }
  }
  report.memory = std::move(m);
  return report;
}

Result<SizingReport> size(const SizingRequest& request) { return size_cached(request, nullptr); }

Result<SizingReport> size_cached(const SizingRequest& request, PreparedWeights* weights) {
  ServiceTimes times;
  auto report = evaluate(request, &times, weights);
  if (!report) return report;
  const TrafficSettings& traffic = request.traffic;
  if (report->traffic && (traffic.ttft_target_s || traffic.itl_target_s)) {
    auto limit =
        find_target_limit(times, traffic.arrival, traffic.ttft_target_s, traffic.itl_target_s);
    if (limit) report->target_limit = limit.value();
  }
  if (request.with_advice) {
    // evaluate() has checked the model; advice varies the format, KV dtype, GPUs and offload of
    // the same model, so its many re-runs skip that check.
    SizingRequest checked = request;
    checked.model_validated = true;
    report->advice = make_advice(checked, report.value());
  }
  return report;
}

}  // namespace headroom
