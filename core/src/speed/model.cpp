// Per-phase speed model: prefill compute-bound, decode per step max(memory, compute) plus a fixed
// cost, batching of concurrent users, MoE expert spread and tensor / layer splits over GPUs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "base/saturating.h"
#include "headroom/speed.h"
#include "headroom/traffic.h"
#include "speed/engine.h"
#include "speed/expert_split.h"
#include "speed/params.h"

namespace headroom {
namespace {

using speed::CardClassParams;
using speed::StepCostParams;

Error bad(const char* field, const char* why) { return invalid(field, why); }

std::optional<Error> check_input(const SpeedInput& in) {
  if (!(in.card.bandwidth_bytes_per_s > 0))
    return bad("card.bandwidth_bytes_per_s", "must be above zero");
  if (!(in.card.throughput.fp16_flops_per_s > 0) && !(in.card.throughput.bf16_flops_per_s > 0))
    return bad("card.throughput.fp16_flops_per_s", "must be above zero (or bf16_flops_per_s set)");
  if (in.gpus == 0) return bad("gpus", "must be at least 1");
  if (in.users == 0) return bad("users", "must be at least 1");
  if (in.num_layers == 0) return bad("num_layers", "must be at least 1");
  if (in.active_params == 0) return bad("active_params", "must be above zero");
  if (in.total_params < in.active_params)
    return bad("total_params", "must not be below active_params");
  if (in.active_weight_bytes == 0) return bad("active_weight_bytes", "must be above zero");
  if (in.weight_bytes < in.active_weight_bytes)
    return bad("weight_bytes", "must not be below active_weight_bytes");
  if (!(in.bits_per_weight > 0) || in.bits_per_weight > 64)
    return bad("bits_per_weight", "must be in (0, 64]");
  if (in.num_experts > 0 && (in.experts_per_token == 0 || in.experts_per_token > in.num_experts))
    return bad("experts_per_token", "must be between 1 and num_experts for a mixture of experts");
  if (!(in.host_layer_share >= 0 && in.host_layer_share <= 1))
    return bad("host_layer_share", "must be in [0, 1]");
  if (!(in.host_expert_share >= 0 && in.host_expert_share <= 1))
    return bad("host_expert_share", "must be in [0, 1]");
  if ((in.host_layer_share > 0 || in.host_expert_share > 0) && !(in.host_bandwidth_bytes_per_s > 0))
    return bad("host_bandwidth_bytes_per_s",
               "must be above zero when layers run from system memory");
  if (!in.llama_build_month.empty() && !speed::is_build_month(in.llama_build_month))
    return bad("llama_build_month", "must be a month YYYY-MM (e.g. 2025-06)");
  if (in.bench) {
    if (!(in.bench->read_bytes_per_s > 0))
      return bad("bench.read_bytes_per_s", "must be above zero");
    if (in.bench->gemv_efficiency &&
        !(*in.bench->gemv_efficiency > 0 && *in.bench->gemv_efficiency <= 1.5))
      return bad("bench.gemv_efficiency", "must be in (0, 1.5]");
    if (in.bench->f16_gemv_efficiency &&
        !(*in.bench->f16_gemv_efficiency > 0 && *in.bench->f16_gemv_efficiency <= 1.5))
      return bad("bench.f16_gemv_efficiency", "must be in (0, 1.5]");
  }
  return std::nullopt;
}

// llama.cpp hands the token from GPU to GPU (layer split), and so does transformers under
// device_map="auto", which "dispatches the weights for each layer across all available devices"
// (Accelerate, Big Model Inference guide) and runs them in order; the others split every layer.
bool splits_by_layer(RuntimeId runtime) {
  return is_llama_cpp(runtime) || runtime == RuntimeId::transformers;
}

// Everything the step formulas need, resolved once from the input and the parameter tables.
struct Setup {
  const SpeedInput* in = nullptr;
  CardClassParams cls;
  StepCostParams step;
  double tp = 1;                      // GPUs sharing each layer (tensor parallel)
  double bandwidth_bytes_per_s = 0;   // effective, per GPU
  double tensor_flops_per_s = 0;      // peak for the matmul dtype, per GPU
  double attention_flops_per_s = 0;   // 16-bit tensor peak, per GPU: attention runs in 16 bits
  double dense_gemm_scale = 1;        // prefill's non-expert GEMM rate against tensor_flops_per_s
                                      // (engine_dense_gemm_scale: block-scaled fp8)
  double expert_flop_share = 0;       // share of a token's GEMM FLOPs in routed experts
  double vector_flops_per_s = 0;      // per GPU, for dequantization (packed int8 dots counted)
  double dequant_ops_per_weight = 0;  // 0 when weights are used as stored or bench measured it
  double dense_bytes = 0;             // weights every token reads (attention, shared, embeddings)
  double expert_bytes = 0;            // all routed-expert weights
  speed::MoeKernelParams moe{1.0, 0.0, ""};      // routed-expert kernels (MoE models only)
  const speed::EngineParams* engine = nullptr;   // serving engines only (vLLM, SGLang, ...)
  speed::InterconnectParams link{"", 0, 1, ""};  // tensor-parallel all-reduce
  double prefill_scale = 1;  // the serving engine's prefill rate on this card class
  double moe_prefill_efficiency = 1;        // routed experts' prefill GEMMs against the dense rate
  double attention_prefill_efficiency = 1;  // prefill attention against the 16-bit rate
  bool eager = false;     // transformers: the host issues every op, the GPU runs behind it
  double host_scale = 1;  // eager host time on this card's machine against a server's
  speed::LinearKernelParams linear{0.0, false, false,
                                   ""};  // a library's linear layers (bitsandbytes)
};

double peak_for_matmul(const SpeedInput& in) {
  const CardThroughput& t = in.card.throughput;
  const double fp16 = t.fp16_flops_per_s > 0 ? t.fp16_flops_per_s : t.bf16_flops_per_s;
  if (is_fp8(in.weight_dtype) && !in.weight_only_quant && t.fp8_flops_per_s > 0)
    return t.fp8_flops_per_s;
  if (in.weight_dtype == DType::int8_rowwise && !in.weight_only_quant && t.int8_ops_per_s > 0)
    return t.int8_ops_per_s;
  return fp16;
}

double weights_read_bytes(const Setup& s, double batch);

Setup make_setup(const SpeedInput& in) {
  Setup s;
  s.in = &in;
  s.cls = speed::card_class_params(speed::classify_card(in.card));
  s.step = speed::step_cost_params(in.runtime, s.cls.card_class);
  double dequant_scale = 1;
  double llama_moe_layer_s = 0;
  bool prefill_on_int8 = false;
  if (is_llama_cpp(in.runtime)) {
    // The backend's kernels, not the card alone, set llama.cpp's efficiencies.
    const speed::BackendParams& b =
        speed::backend_params(in.backend, s.cls.card_class, in.llama_build_month);
    if (b.decode_bandwidth_fraction >= 0)
      s.cls.decode_bandwidth_fraction = b.decode_bandwidth_fraction;
    if (b.per_layer_s >= 0) s.step.per_layer_s = b.per_layer_s;
    if (b.prefill_compute_fraction >= 0)
      s.cls.prefill_compute_fraction = b.prefill_compute_fraction;
    if (b.dequant_scale >= 0) dequant_scale = b.dequant_scale;
    llama_moe_layer_s = b.moe_layer_s;
    prefill_on_int8 = b.prefill_on_int8;
  }
  s.engine = speed::engine_params(in.runtime, in.engine_version);
  if (s.engine) {
    // The serving engine's own scheduler costs and prefill budget (engine.cpp).
    s.step.per_step_s = s.engine->per_step_s;
    s.step.per_layer_s = s.engine->per_layer_s;
    s.step.per_sequence_s = s.engine->per_sequence_s;
    s.step.prefill_chunk_tokens = speed::default_prefill_budget_tokens(*s.engine, in.card);
    if (in.prefill_budget_tokens > 0) s.step.prefill_chunk_tokens = in.prefill_budget_tokens;
    s.prefill_scale = speed::engine_prefill_scale(s.cls.card_class, in.num_experts > 0);
  }
  s.link = speed::interconnect_params(in.card, s.cls.allreduce_latency_s);
  s.eager = in.runtime == RuntimeId::transformers;
  if (s.eager)
    s.host_scale = speed::eager_host_scale(in.host_cpu.value_or(speed::guess_host_cpu(in.card)));
  s.linear = speed::linear_kernel_params(in.linear_kernels, in.weight_dtype);
  s.tp = splits_by_layer(in.runtime) ? 1.0 : static_cast<double>(in.gpus);
  const double fp16 = in.card.throughput.fp16_flops_per_s > 0 ? in.card.throughput.fp16_flops_per_s
                                                              : in.card.throughput.bf16_flops_per_s;
  s.tensor_flops_per_s = peak_for_matmul(in);
  // Attention runs in 16 bits whatever the weights are (QK^T and PV on bf16 / fp16 activations).
  s.attention_flops_per_s = fp16;
  if (s.engine) {
    s.dense_gemm_scale = speed::engine_dense_gemm_scale(in.weight_dtype, in.card);
    s.attention_prefill_efficiency =
        speed::engine_prefill_attention_efficiency(in.runtime, in.card, in.attention_sinks);
  }
  // llama.cpp MMQ (CUDA): quantized GGUF weights meet q8_1 activations in int8 mma.
  if (prefill_on_int8 && in.weight_only_quant && in.bits_per_weight <= 8.5 &&
      in.card.throughput.int8_ops_per_s > 0)
    s.tensor_flops_per_s = in.card.throughput.int8_ops_per_s;
  s.vector_flops_per_s = fp16 * s.cls.vector_to_tensor_ratio * s.cls.int_dot_speedup;
  // headroom-bench runs Vulkan shaders: its GEMV for this format is llama.cpp's Vulkan kernels'
  // own figure (dequantization included). Every other path keeps its own fitted kernel share and
  // takes from the bench only how far this card's DRAM sits from its class.
  const bool measured_gemv = in.bench && in.bench->gemv_efficiency.has_value() &&
                             speed::bench_gemv_is_the_kernel(in.runtime, in.backend);
  s.bandwidth_bytes_per_s = in.card.bandwidth_bytes_per_s * s.cls.decode_bandwidth_fraction;
  if (measured_gemv) {
    s.bandwidth_bytes_per_s = in.bench->read_bytes_per_s * *in.bench->gemv_efficiency;
  } else if (in.bench) {
    // Capped at the spec: the calibration refuses reads past 110% of it as cache results, and
    // no kernel outruns the DRAM.
    s.bandwidth_bytes_per_s =
        std::min(in.card.bandwidth_bytes_per_s,
                 s.bandwidth_bytes_per_s *
                     speed::bench_card_factor(in.card, in.bench->read_bytes_per_s));
  }
  s.dequant_ops_per_weight =
      (in.weight_only_quant && !measured_gemv)
          ? speed::format_params(in.weight_dtype).dequant_ops_per_weight * dequant_scale
          : 0;
  // Split the stored weights into the part every token reads and the routed experts.
  const double total = static_cast<double>(in.weight_bytes);
  const double active = static_cast<double>(in.active_weight_bytes);
  if (in.num_experts > 0 && total > active) {
    const double share = static_cast<double>(in.experts_per_token) / in.num_experts;
    s.expert_bytes = share < 1 ? (total - active) / (1 - share) : 0;
    s.dense_bytes = std::max(0.0, active - s.expert_bytes * share);
  } else {
    s.dense_bytes = active;
  }
  if (s.expert_bytes > 0) {
    s.moe = speed::moe_kernel_params(in.runtime, in.weight_dtype);
    s.moe.per_moe_layer_s += llama_moe_layer_s;
    if (is_llama_cpp(in.runtime)) s.moe_prefill_efficiency = speed::kLlamaMoePrefillEfficiency;
    if (s.engine)
      s.moe_prefill_efficiency =
          speed::engine_moe_prefill_efficiency(*s.engine, in.weight_dtype, in.card);
    // The routed experts' share of a token's GEMM work, from the bytes it reads at batch 1 (its
    // k experts, wherever they sit).
    const double share = static_cast<double>(in.experts_per_token) / in.num_experts;
    const double active_bytes = s.dense_bytes + s.expert_bytes * share;
    s.expert_flop_share =
        active_bytes > 0 ? std::max(0.0, active_bytes - s.dense_bytes) / active_bytes : 0.0;
  }
  return s;
}

// Weight bytes one decode step reads with `batch` sequences: routed tokens spread over experts,
// so a batch touches E * (1 - (1 - k/E)^B) distinct experts per layer (uniform routing); under
// expert parallelism the busiest GPU's share counts (times the GPU count, as the callers divide).
double weights_read_bytes(const Setup& s, double batch) {
  if (s.expert_bytes <= 0) return s.dense_bytes;
  const double share = static_cast<double>(s.in->experts_per_token) / s.in->num_experts;
  const double touched = 1 - std::pow(1 - share, batch);
  const double imbalance =
      s.in->expert_parallel && !splits_by_layer(s.in->runtime)
          ? speed::expert_parallel_imbalance(s.in->num_experts, s.in->gpus, touched)
          : 1.0;
  return s.dense_bytes + s.expert_bytes * touched * imbalance;
}

// Attention FLOPs for `tokens` queries against `depth` keys: QK^T and PV, 2 FLOPs per MAC, on
// the layers that attend (hybrids' recurrent layers do not), window layers within their window.
double attention_flops(const SpeedInput& in, double tokens, double depth) {
  const double width = static_cast<double>(in.num_heads) * in.head_dim;
  double layer_depth = 0;  // sum over attention layers of the keys each reads
  std::uint32_t windowed_layers = 0;
  for (const auto& w : in.windowed_kv) {
    layer_depth += w.layers * std::min(depth, static_cast<double>(w.window_tokens));
    windowed_layers += w.layers;
  }
  const std::uint32_t attending = in.attention_layers > 0 ? in.attention_layers : in.num_layers;
  layer_depth += static_cast<double>(attending - std::min(attending, windowed_layers)) * depth;
  return 4.0 * width * tokens * layer_depth;
}

// KV bytes one sequence's decode step reads at `depth` tokens: window layers at most their window,
// sparse-attention latents for the selected tokens only, every other attention layer all of it.
double kv_read_bytes(const SpeedInput& in, double depth) {
  const double sparse = static_cast<double>(in.sparse_kv_bytes_per_token);
  const double sparse_depth = in.sparse_topk_tokens > 0
                                  ? std::min(depth, static_cast<double>(in.sparse_topk_tokens))
                                  : depth;
  double windowed = 0, windowed_bytes = 0;
  for (const auto& w : in.windowed_kv) {
    windowed += static_cast<double>(w.bytes_per_token) *
                std::min(depth, static_cast<double>(w.window_tokens));
    windowed_bytes += static_cast<double>(w.bytes_per_token);
  }
  const double full = std::max(0.0, static_cast<double>(in.kv_bytes_per_token) - sparse -
                                        windowed_bytes);
  return full * depth + windowed + sparse * sparse_depth;
}

// Linear layers per transformer block that a library's layer code runs in a step of `tokens`
// tokens: q, k, v, o and the MLP's three, or three per expert the step's tokens are routed to
// (E * (1 - (1 - k/E)^tokens) distinct experts, uniform routing, as weights_read_bytes).
double linears_per_layer(const SpeedInput& in, double tokens) {
  if (in.num_experts == 0) return 7.0;
  const double experts = static_cast<double>(in.num_experts);
  const double share = std::max<std::uint32_t>(in.experts_per_token, 1) / experts;
  return 4.0 + 3.0 * experts * (1 - std::pow(1 - std::min(share, 1.0), std::max(tokens, 1.0)));
}

// Host ops of a library's linear layers that wait on the GPU (LLM.int8()): no CUDA graph holds
// them, so the serving engines pay them every step, one linear after another.
double synced_linear_seconds(const Setup& s, double tokens) {
  if (!s.linear.syncs_host) return 0.0;
  return s.in->num_layers * linears_per_layer(*s.in, tokens) * s.linear.host_per_linear_s;
}

// The host's share of fixed_step_seconds: the scheduler's step and per-sequence work.
double host_step_seconds(const Setup& s, double sequences) {
  const double per_sequence =
      s.engine ? sequences / (1 + sequences / s.engine->sequence_overlap_batch) : sequences;
  return s.step.per_step_s + per_sequence * s.step.per_sequence_s;
}

// Fixed and communication cost of one step of `sequences` sequences carrying `tokens` tokens.
double fixed_step_seconds(const Setup& s, double sequences, double tokens) {
  const SpeedInput& in = *s.in;
  // Eager steps price their host work apart (eager_host_seconds): it overlaps the GPU's.
  double t = s.eager ? 0.0 : host_step_seconds(s, sequences) + in.num_layers * s.step.per_layer_s;
  double moe_layer_s = s.moe.per_moe_layer_s;
  if (s.engine) {
    // Past the engine's largest CUDA graph every kernel is launched from the host.
    const double graphs = in.cuda_graph_max_batch > 0
                              ? in.cuda_graph_max_batch
                              : speed::default_graph_batch(*s.engine, in.card, in.gpus);
    // Layers that wait on the GPU (LLM.int8()) keep the whole step out of CUDA graphs, and their
    // own host ops add up per linear layer.
    const bool host_synced = s.linear.syncs_host;
    if (sequences > graphs || host_synced) t += in.num_layers * s.engine->eager_per_layer_s;
    t += synced_linear_seconds(s, tokens);
    moe_layer_s = std::max(moe_layer_s, s.engine->per_moe_layer_s);
  }
  if (s.expert_bytes > 0) t += in.num_layers * moe_layer_s;  // routing, sort, dispatch
  if (in.gpus > 1) {
    if (splits_by_layer(in.runtime)) {
      t += (in.gpus - 1) * s.step.per_gpu_hop_s;
    } else if (s.engine) {
      // Two all-reduces per layer (after attention, after the MLP) of the step's bf16
      // activations: latency-bound at small batch, bandwidth-bound for prefill chunks.
      const double bytes = tokens * static_cast<double>(in.hidden_size) * 2.0;
      t += 2.0 * in.num_layers *
           (speed::allreduce_seconds(s.link, bytes, s.tp) +
            speed::engine_allreduce_extra_s(in.runtime, in.card));
    } else {
      t += 2.0 * in.num_layers * s.cls.allreduce_latency_s;  // after attention and after the MLP
    }
  }
  return t;
}

// The host's time to issue one eager step (transformers) of `sequences` sequences carrying
// `tokens` tokens: its ops per step, layer and sequence, and the library's per-linear ops, on this
// card's kind of machine.
double eager_host_seconds(const Setup& s, double sequences, double tokens) {
  const SpeedInput& in = *s.in;
  const double layers = static_cast<double>(in.num_layers);
  return s.host_scale *
         (s.step.per_step_s + sequences * s.step.per_sequence_s + layers * s.step.per_layer_s +
          layers * linears_per_layer(in, tokens) * s.linear.host_per_linear_s);
}

// bitsandbytes 4-bit past one token per step: each layer dequantizes its weights to a 16-bit
// copy and runs a 16-bit GEMM on it, writing and reading 2 bytes a weight on top of the packed
// read (functional.dequantize_4bit + torch.nn.functional.linear in bitsandbytes 0.45's
// matmul_4bit). The copy is written after the host has issued it, so the time adds to the step.
double dequant_copy_seconds(const Setup& s, double weights_bytes, double tokens) {
  if (!s.linear.dequantizes_at_batch || tokens <= 1) return 0.0;
  const double elements = weights_bytes * 8.0 / s.in->bits_per_weight;
  return 4.0 * elements / (s.bandwidth_bytes_per_s * s.tp);
}

// What the engine spends on a request outside the GPU steps (API server, tokenizer): TTFT only.
double per_request_seconds(const Setup& s) { return s.engine ? s.engine->per_request_s : 0.0; }

// The API server's serial work per chat request before the engine sees it (0: none).
double frontend_request_seconds(const Setup& s) {
  return s.engine && s.in->chat_template ? speed::engine_chat_template_s(*s.engine) : 0.0;
}

struct StepTime {
  double seconds = 0;
  double memory_s = 0;
  double compute_s = 0;
  bool host_bound = false;  // an eager step waiting on the host to issue its ops
};

// One decode step: `batch` sequences at mean KV depth `depth`, plus `mixed_prefill` prompt
// tokens that a chunked-prefill scheduler folds into the same step.
StepTime decode_step(const Setup& s, double batch, double depth, double mixed_prefill) {
  const SpeedInput& in = *s.in;
  const double weights = weights_read_bytes(s, batch + mixed_prefill);
  // Recurrent layers read their per-sequence state and write the updated state back each step.
  const double kv = batch * (kv_read_bytes(in, depth) +
                             2.0 * static_cast<double>(in.state_bytes_per_sequence));
  StepTime st;
  // Layers offloaded to the CPU (llama.cpp -ngl) stream their weights and KV from system memory,
  // one after the GPU's layers; their arithmetic hides behind that stream at decode batch sizes.
  // Experts kept on the CPU (--n-cpu-moe) are read there too.
  const double host = in.host_layer_share;
  const double host_experts =
      s.expert_bytes > 0 ? (weights - s.dense_bytes) * in.host_expert_share : 0.0;
  const double on_gpus = weights - host_experts;
  st.memory_s = (1 - host) * (on_gpus + kv) / (s.bandwidth_bytes_per_s * s.tp);
  // Routed experts whose kernels stream below the dense GEMV rate (weight-only int4 MoE in the
  // serving runtimes): the touched experts' reads take 1 / efficiency as long.
  if (s.moe.expert_bandwidth_efficiency < 1) {
    const double experts_read = std::max(0.0, on_gpus - s.dense_bytes);
    st.memory_s += (1 - host) * experts_read * (1 / s.moe.expert_bandwidth_efficiency - 1) /
                   (s.bandwidth_bytes_per_s * s.tp);
  }
  if (host > 0) st.memory_s += host * (on_gpus + kv) / in.host_bandwidth_bytes_per_s;
  if (host_experts > 0) st.memory_s += host_experts / in.host_bandwidth_bytes_per_s;
  const double tokens = batch + mixed_prefill;
  const double attention =
      attention_flops(in, batch, depth) +
      attention_flops(in, mixed_prefill, 0.5 * static_cast<double>(in.prompt_tokens));
  const double gemm = 2.0 * static_cast<double>(in.active_params) * tokens;
  const double matmul_s =
      gemm / (s.tensor_flops_per_s * s.tp * s.cls.prefill_compute_fraction) +
      attention / (s.attention_flops_per_s * s.tp * s.cls.prefill_compute_fraction);
  const double elements = weights * 8.0 / in.bits_per_weight;
  const double dequant_s = elements * s.dequant_ops_per_weight / (s.vector_flops_per_s * s.tp);
  st.compute_s = matmul_s + dequant_s;
  st.seconds = std::max(st.memory_s, st.compute_s) + fixed_step_seconds(s, batch, tokens);
  if (s.engine)
    st.host_bound = synced_linear_seconds(s, tokens) > std::max(st.memory_s, st.compute_s);
  const double copy_s = dequant_copy_seconds(s, weights, tokens);
  if (s.eager) {
    const double gpu_s = st.seconds + in.num_layers * speed::kEagerKernelFloorPerLayerS;
    const double host_s = eager_host_seconds(s, batch, tokens);
    st.host_bound = host_s > gpu_s + copy_s;  // the copy is DRAM traffic the GPU waits on
    st.seconds = std::max(gpu_s, host_s);
  }
  if (copy_s > 0) st.memory_s += copy_s;
  st.seconds += copy_s;
  // vLLM's async scheduling prepares the next step on the host while the GPU runs this one:
  // the step costs the larger of the two ("overlapping CPU operations with GPU operations",
  // vllm-project/recipes OpenAI/GPT-OSS.md). No new figure: the host share is the fitted one.
  // On the 84 rows whose serving command sets --async-scheduling (GPUStack's gpt-oss runs):
  // 13.0% -> 12.3%, rows past 50% 13 -> 7; charging the host its unsaturated B x per-sequence
  // cost instead gives 17.9%.
  if (s.engine && in.async_scheduling) {
    const double scheduler_s = host_step_seconds(s, batch);
    st.seconds = std::max(st.seconds - scheduler_s, scheduler_s);
  }
  // Streamed responses are built on the host while the GPU runs the next step (overlap
  // scheduler): past the GPU's time they set the step (speed/engine.cpp).
  if (s.engine && s.engine->streamed_response_s > 0 && in.stream_interval > 0)
    st.seconds = std::max(st.seconds, batch * s.engine->streamed_response_s / in.stream_interval);
  return st;
}

// Prefill of `tokens` prompt tokens as one batch of independent prompts of `prompt` tokens each.
double prefill_seconds(const Setup& s, double tokens, double prompt) {
  const SpeedInput& in = *s.in;
  if (tokens <= 0) return 0;
  const double chunks = std::ceil(tokens / s.step.prefill_chunk_tokens);
  const double per_chunk = tokens / chunks;
  const double weights = weights_read_bytes(s, per_chunk);
  double memory_s = chunks * weights / (s.bandwidth_bytes_per_s * s.tp);
  // With layers left on the CPU, llama.cpp copies their weights to the GPU for every prompt
  // chunk of 32+ tokens (ggml-backend op offload, GGML_OP_OFFLOAD_MIN_BATCH) over PCIe 4.0 x16:
  // 32 GB/s peak, ~25 GB/s reached (derived, 80%).
  constexpr double kPcieBytesPerS = 25e9;
  if (in.host_layer_share > 0) memory_s += chunks * in.host_layer_share * weights / kPcieBytesPerS;
  if (in.host_expert_share > 0)
    memory_s += chunks * in.host_expert_share * s.expert_bytes / kPcieBytesPerS;
  // Only the routed experts' GEMMs run at the MoE kernels' rate (tokens sorted and gathered per
  // expert); attention, the dense layers and shared experts at the dense rate, attention at the
  // engine's kernel rate where it falls back to a slower one. The split follows the active bytes.
  const double expert_share = s.expert_flop_share;
  const double gemm_flops = 2.0 * static_cast<double>(in.active_params) * tokens;
  const double rate = s.tp * s.cls.prefill_compute_fraction * s.prefill_scale;
  const double compute_s = (gemm_flops * (1 - expert_share) / s.dense_gemm_scale +
                            gemm_flops * expert_share / s.moe_prefill_efficiency) /
                               (s.tensor_flops_per_s * rate) +
                           attention_flops(in, tokens, 0.5 * prompt) /
                               (s.attention_prefill_efficiency * s.attention_flops_per_s * rate);
  // Weight-only formats dequantize each weight once per chunk into a 16-bit tile.
  const double dequant_s = chunks * (weights * 8.0 / in.bits_per_weight) *
                           s.dequant_ops_per_weight / (s.vector_flops_per_s * s.tp);
  double t =
      std::max(memory_s, compute_s + dequant_s) + chunks * fixed_step_seconds(s, 1, per_chunk);
  if (s.eager) t = std::max(t, chunks * eager_host_seconds(s, 1, per_chunk));
  return t + chunks * dequant_copy_seconds(s, weights, per_chunk);
}

double output_tokens(const SpeedInput& in) {
  return static_cast<double>(std::max<std::uint64_t>(in.output_tokens, 1));
}

// All users decoding together, at the mean KV depth over their outputs.
StepTime decode_together(const Setup& s) {
  const SpeedInput& in = *s.in;
  const double depth = static_cast<double>(in.prompt_tokens) + 0.5 * output_tokens(in);
  return decode_step(s, static_cast<double>(in.users), depth, 0);
}

// Steady state of a closed loop: each user sends its next request when one ends, so across one
// request's output the other users' prompts (users * prompt / output per step) share the steps
// (chunked prefill mixed into decode batches).
StepTime decode_steady(const Setup& s) {
  const SpeedInput& in = *s.in;
  const double users = static_cast<double>(in.users);
  const double depth = static_cast<double>(in.prompt_tokens) + 0.5 * output_tokens(in);
  const double mixed =
      users > 1 ? users * static_cast<double>(in.prompt_tokens) / output_tokens(in) : 0.0;
  return decode_step(s, users, depth, mixed);
}

// How the runtime batches users, and with several GPUs how it splits the model.
std::string scheduling_note(const SpeedInput& in) {
  const bool several = in.gpus > 1;
  switch (in.runtime) {
    case RuntimeId::llamacpp:
    case RuntimeId::ollama:
      return std::string(
                 "parallel slots (llama.cpp): users share one batch per step, one model "
                 "copy") +
             (several ? "; GPUs hold consecutive layers and run one after another (layer split)"
                      : "");
    case RuntimeId::transformers:
      return std::string("static batch: users decode together in one batch per step") +
             (several ? "; GPUs hold consecutive layers (device_map) and run one after another"
                      : "");
    case RuntimeId::vllm:
    case RuntimeId::sglang:
    case RuntimeId::trtllm:
    case RuntimeId::tgi:
      break;
  }
  return std::string(
             "continuous batching: all users decode in one batch per step, prompts "
             "prefilled in chunks") +
         (several ? (in.expert_parallel && in.num_experts > 0
                         ? "; GPUs split attention and dense layers (tensor parallel) and hold "
                           "whole experts (expert parallel)"
                         : "; GPUs split each layer (tensor parallel)")
                  : "");
}

}  // namespace

Result<SpeedEstimate> estimate_speed(const SpeedInput& input) {
  if (auto err = check_input(input)) return *err;
  const Setup s = make_setup(input);
  const double users = static_cast<double>(input.users);
  const double prompt = static_cast<double>(input.prompt_tokens);
  const double out = static_cast<double>(std::max<std::uint64_t>(input.output_tokens, 1));

  SpeedEstimate e;
  const double reference_prompt =
      prompt > 0 ? prompt : 512.0;  // report prefill speed at 512 if none
  e.prefill_tokens_per_s =
      reference_prompt / prefill_seconds(s, reference_prompt, reference_prompt);

  const StepTime d = decode_together(s);
  e.inter_token_latency_s = d.seconds;
  e.decode_tokens_per_s_per_user = 1.0 / d.seconds;
  e.decode_tokens_per_s_total = users / d.seconds;
  e.bound = d.host_bound ? "host" : d.memory_s >= d.compute_s ? "memory" : "compute";

  // Users arriving together: prompts are prefilled first-come first-served, a prefill chunk at a
  // time; the mean user waits for half the chunks plus its own, then one decode step for its
  // first token. Prompts that share one chunk all finish with it.
  const double all_prefill = prefill_seconds(s, users * prompt, prompt);
  const double chunks = std::max(1.0, std::ceil(users * prompt / s.step.prefill_chunk_tokens));
  const double waves = std::min(users, chunks);
  const double first_step = decode_step(s, users, prompt, 0).seconds;
  // Chat requests reach a vLLM engine one template rendering apart (engine_chat_template_s):
  // the mean user's prompt arrives (users - 1) / 2 renderings in, if that is later.
  const double front_s = frontend_request_seconds(s);
  e.ttft_s = std::max(all_prefill * (waves + 1) / (2 * waves), 0.5 * (users - 1) * front_s) +
             first_step + per_request_seconds(s);
  double request_s = prefill_seconds(s, prompt, prompt) + out * decode_steady(s).seconds;
  if (s.eager) {
    // generate() takes the users as one static batch: every prompt is prefilled before any first
    // token, and the next batch starts when this one has finished.
    e.ttft_s = all_prefill + first_step;
    request_s = all_prefill + out * d.seconds;
  }
  e.requests_per_minute = 60.0 * users / request_s;

  double u = s.cls.relative_uncertainty;
  if (input.bench) u *= 0.5;             // measured bandwidth removes the largest unknown
  if (input.num_experts > 0) u += 0.10;  // routing skew and expert caching
  if (input.gpus > 1) u += 0.10;         // interconnect and split overheads
  // Eager steps are host-bound on fast GPUs, and the host's CPU is not an input (guess_host_cpu
  // takes it from the card: a desktop, an older or a current server, unless --host-cpu says).
  if (input.runtime == RuntimeId::transformers) u += 0.20;
  if (input.host_layer_share > 0 || input.host_expert_share > 0)
    u += 0.20;  // system memory speed assumed
  e.range.low = e.decode_tokens_per_s_per_user * (1 - u);
  e.range.high = e.decode_tokens_per_s_per_user * (1 + u);

  // Same workload with 16-bit weights: bytes scale with 16 / bits, no dequantization.
  SpeedInput fp16 = input;
  const double scale = 16.0 / input.bits_per_weight;
  // Clamped: a hostile bits_per_weight near 0 makes the scale huge, and a double past 2^64 cast to
  // uint64 is undefined.
  fp16.weight_bytes = bytes_from_double(static_cast<double>(input.weight_bytes) * scale);
  fp16.active_weight_bytes =
      bytes_from_double(static_cast<double>(input.active_weight_bytes) * scale);
  if (input.reference_weight_bytes > 0 && input.reference_active_weight_bytes > 0 &&
      input.reference_active_weight_bytes <= input.reference_weight_bytes) {
    fp16.weight_bytes = input.reference_weight_bytes;
    fp16.active_weight_bytes = input.reference_active_weight_bytes;
  }
  fp16.bits_per_weight = 16;
  fp16.weight_dtype = DType::f16;
  fp16.linear_kernels = LinearKernels::runtime;
  fp16.weight_only_quant = false;
  // On the Vulkan backend a measured f16 GEMV is the baseline: the speedup is then the bench's
  // own measured dequantization tax.
  if (fp16.bench) fp16.bench->gemv_efficiency = fp16.bench->f16_gemv_efficiency;
  const Setup s16 = make_setup(fp16);
  e.speedup_vs_fp16 = decode_together(s16).seconds / d.seconds;
  e.ideal_speedup_vs_fp16 = scale;

  e.model_note = scheduling_note(input) + "; card class " + s.cls.name;
  // Which release the serving engine's scheduler costs describe (speed/engine.cpp).
  if (s.engine)
    e.model_note += std::string("; engine figures of ") + runtime_profile(input.runtime).key +
                    " " + s.engine->version;
  if (front_s > 0) {
    char front[96];
    std::snprintf(front, sizeof front,
                  "; chat requests wait for the API server's template rendering, %.0f ms each",
                  front_s * 1000);
    e.model_note += front;
  }
  e.model_note += ".";
  // Inputs at the edge of their ranges can still divide by a step time of 0 or overflow to inf;
  // an estimate with inf or NaN in it is no estimate (JSON would print null, text "inf").
  for (const double figure :
       {e.prefill_tokens_per_s, e.ttft_s, e.inter_token_latency_s, e.decode_tokens_per_s_per_user,
        e.decode_tokens_per_s_total, e.requests_per_minute, e.range.low, e.range.high,
        e.speedup_vs_fp16, e.ideal_speedup_vs_fp16}) {
    if (!std::isfinite(figure)) {
      return refused(ErrorCode::invalid_argument, "speed",
                     "the speed model has no finite answer for these inputs");
    }
  }
  return e;
}

Result<ServiceTimes> service_times(const SpeedInput& input, std::uint64_t max_batch) {
  if (auto err = check_input(input)) return *err;
  if (max_batch == 0) return bad("max_batch", "must be at least 1");
  const Setup s = make_setup(input);
  // max_batch is what the KV cache holds at prompt + output tokens a sequence; engines that
  // hold room for only part of the output run more at once (at most 1024, size()'s bound).
  const double prompt_tokens = static_cast<double>(input.prompt_tokens);
  const double out_tokens = static_cast<double>(input.output_tokens);
  const double share = speed::kv_output_share(input.runtime);
  if (share < 1 && prompt_tokens + out_tokens > 0) {
    const double scaled = std::floor(static_cast<double>(max_batch) * (prompt_tokens + out_tokens) /
                                     (prompt_tokens + share * out_tokens));
    max_batch = std::min<std::uint64_t>(static_cast<std::uint64_t>(scaled),
                                        std::max<std::uint64_t>(max_batch, 1024));
  }
  // The engine's own cap on running sequences (vLLM's max_num_seqs, TRT-LLM's max_batch_size).
  const std::uint64_t engine_cap =
      speed::default_max_sequences(input.runtime, input.card, input.engine_version);
  if (engine_cap > 0) max_batch = std::min(max_batch, engine_cap);
  const double prompt = static_cast<double>(input.prompt_tokens);
  ServiceTimes t;
  t.output_tokens = std::max<std::uint64_t>(input.output_tokens, 1);
  // The same first-token time a lone user gets from estimate_speed().
  t.prefill_s = prefill_seconds(s, prompt, prompt) + decode_step(s, 1, prompt, 0).seconds +
                per_request_seconds(s);
  // Queued prompts share chunked-prefill steps up to the token budget (vLLM's
  // max_num_batched_tokens, TRT-LLM's max_num_tokens): the weights are read once per step and
  // the GEMMs run at full-chunk width, so a burst's prompts cost their share. Prefill-first
  // engines (SGLang, TGI) batch prompts in steps of their own instead (prefill_batch_s below).
  if (s.engine && s.engine->mixes_prefill && prompt > 0) {
    const double per_step = std::max(1.0, std::floor(s.step.prefill_chunk_tokens / prompt));
    t.batched_prefill_s = prefill_seconds(s, per_step * prompt, prompt) / per_step;
  }
  t.frontend_request_s = frontend_request_seconds(s);
  // With the budget a burst is stepped as the engine schedules it (burst_traffic).
  if (s.engine && prompt > 0) {
    t.prefill_budget_tokens = s.step.prefill_chunk_tokens;
    t.prompt_tokens = prompt;
    t.mixes_prefill = s.engine->mixes_prefill;
  }
  // Prefill-first engines that batch queued prompts (speed/engine.cpp prefill_batching): one
  // prefill step of k prompts, for every k the token budget and the batch limit allow.
  const speed::PrefillBatching batching = speed::prefill_batching(input.runtime);
  if (s.engine && !s.engine->mixes_prefill && batching.batches_prompts && prompt > 0) {
    const double fit = std::floor(s.step.prefill_chunk_tokens / prompt);
    const auto most = static_cast<std::uint64_t>(
        std::min(std::max(fit, 1.0), static_cast<double>(std::max<std::uint64_t>(max_batch, 1))));
    t.prefill_batch_s.reserve(static_cast<std::size_t>(most));
    for (std::uint64_t k = 1; k <= most; ++k)
      t.prefill_batch_s.push_back(
          std::max(prefill_seconds(s, static_cast<double>(k) * prompt, prompt), 1e-9));
    t.decode_after_prefill = batching.decode_after_prefill;
    t.waiting_served_ratio = batching.waiting_served_ratio;
    t.max_waiting_steps = batching.max_waiting_steps;
    t.first_prefill_alone = batching.first_prefill_alone;
  }
  const double depth = prompt + 0.5 * output_tokens(input);
  t.decode_step_s.reserve(static_cast<std::size_t>(max_batch));
  t.prefill_stall_s.reserve(static_cast<std::size_t>(max_batch));
  for (std::uint64_t b = 1; b <= max_batch; ++b) {
    const double batch = static_cast<double>(b);
    const double step = decode_step(s, batch, depth, 0).seconds;
    t.decode_step_s.push_back(step);
    // A prompt mixed into a decode step adds its compute to the step; the weights are read once.
    // Prompts longer than a chunk run as several mixed steps: their whole prefill, at least.
    // Prefill-first engines (SGLang, TGI) run a prompt as its own step: the whole prefill.
    const bool own_step = s.engine && !s.engine->mixes_prefill;
    const double mixed = !own_step && prompt <= s.step.prefill_chunk_tokens
                             ? decode_step(s, batch, depth, prompt).seconds - step
                             : prefill_seconds(s, prompt, prompt);
    t.prefill_stall_s.push_back(std::max(mixed, 1e-9));
  }
  return t;
}

}  // namespace headroom
