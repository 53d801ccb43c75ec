// Speed-model parameters per card class, per runtime backend and per weight format. The values
// and their sources live in speed_params.cpp; the model that uses them is speed_model.cpp.
#pragma once

#include <string_view>

#include "headroom/backend.h"
#include "headroom/card.h"
#include "headroom/dtype.h"
#include "headroom/runtime.h"
#include "headroom/weight_format.h"

namespace headroom::speed {

// Broad hardware families whose measured efficiencies differ (memory technology, vendor stack).
enum class CardClass {
  nvidia_hbm,
  nvidia_gddr,
  amd_hbm,
  amd_gddr,
  apple_soc,
  apple_soc_m3,
  intel_gpu,        // Xe2 (Battlemage) and later discrete cards, data-centre Xe
  intel_alchemist,  // Xe-HPG (Arc A-series): no coopmat under Vulkan, slow SYCL Q4_0 GEMV
  intel_igpu,       // Intel iGPUs on shared LPDDR (Lunar Lake Arc 140V)
  intel_hbm,        // Data Center GPU Max (Ponte Vecchio, HBM2e)
  cpu,  // llama.cpp's CPU backend on a CPU "card" (segment "cpu"): system memory, SIMD cores
  other
};

struct CardClassParams {
  CardClass card_class;
  const char* name;
  double decode_bandwidth_fraction;  // share of spec DRAM bandwidth a decode GEMV sustains
  double prefill_compute_fraction;  // share of dense fp16 tensor peak a large prefill GEMM sustains
  double vector_to_tensor_ratio;    // non-tensor (vector) FLOP/s over dense fp16 tensor FLOP/s
  double int_dot_speedup;           // packed int8 dot products per vector op (dp4a-style GEMV), or
                                    // integer ops issued alongside float ops (Apple M3 and later)
  double allreduce_latency_s;       // one small tensor-parallel all-reduce (decode-sized message)
  double relative_uncertainty;      // half-width of the reported decode range
  const char* source;
};

// Fixed cost per decode step for one runtime family on one vendor's software stack.
struct StepCostParams {
  double per_step_s;            // scheduling, sampling, host sync: once per step
  double per_layer_s;           // kernel launches and small ops: once per layer per step
  double per_sequence_s;        // scheduling, sampling and bookkeeping: once per running sequence
  double per_gpu_hop_s;         // llama.cpp layer split: hand-off between consecutive GPUs
  double prefill_chunk_tokens;  // tokens per prefill chunk (llama.cpp ubatch, vLLM batched tokens)
  const char* source;
};

struct FormatParams {
  double dequant_ops_per_weight;  // vector ops to unpack one weight for a matrix-vector product
  const char* source;
};

// Routed-expert (MoE) kernels of the serving runtimes for one weight format. Weight-only int4
// experts (AWQ/GPTQ through vLLM's Marlin-MoE / moe_wna16 kernels) split by tensor parallelism
// into many small per-expert matrices that neither fill the GPU nor stream at the dense GEMV
// rate, and each MoE layer adds a fixed routing/sort/dispatch cost; 16-bit and fp8 fused-MoE
// kernels are modelled as the dense path (efficiency 1, no extra cost).
struct MoeKernelParams {
  double expert_bandwidth_efficiency;  // share of the decode bandwidth routed-expert reads reach
  double per_moe_layer_s;              // routing, sort and dispatch per MoE layer per step
  const char* source;
};

// What one llama.cpp backend changes on one card class: its decode GEMV kernels' share of the
// bandwidth, its launch cost per layer, the share of the fp16 tensor peak its prefill kernels
// (MMQ, coopmat, simdgroup matmul) reach, and how much of the dequant work its GEMV spends.
// A value below zero keeps the card class's / runtime family's own.
struct BackendParams {
  double decode_bandwidth_fraction;
  double per_layer_s;
  double prefill_compute_fraction;
  double dequant_scale;  // multiplies FormatParams::dequant_ops_per_weight
  double moe_layer_s;    // added per MoE layer per step (expert routing outside CUDA graphs)
  const char* source;
  // The prefill share applies to the card's int8 tensor peak, not its fp16 one, for quantized
  // GGUF weights: llama.cpp's MMQ kernels quantize activations to q8_1 and run int8 mma.
  bool prefill_on_int8 = false;
};

// llama.cpp's MoE prefill (mul_mat_id: tokens sorted per expert, one small matmul each) against
// its dense prefill rate, for the routed experts' matmuls only (attention and the dense layers at
// the dense rate): 0.25, the least median |error| of pp512 over the set's 7 llama.cpp MoE rows
// that give one (gpt-oss-20b/120b, Qwen3-30B-A3B, Qwen3-235B-A22B on RTX 3090 Vulkan, Radeon
// 8060S ROCm/Vulkan, 2x Arc A770) among 0.20/0.25/0.30/0.35/0.40/0.50: 28.3/13.0/14.2/28.7/29.3/
// 54.2% (worst 46% at 0.25). It was 0.40 of all of a MoE prompt's arithmetic (18.0%).
constexpr double kLlamaMoePrefillEfficiency = 0.25;

CardClass classify_card(const Card& card);
// `build_month` ("YYYY-MM", empty for a current build) selects an older build era's entry where
// one exists (each entry says what changed).
const BackendParams& backend_params(Backend backend, CardClass card_class,
                                    std::string_view build_month = {});
bool is_build_month(std::string_view text);
const CardClassParams& card_class_params(CardClass card_class);

// The share of spec DRAM bandwidth a streaming read kernel usually reaches on a card class, and
// where that figure comes from. A headroom-bench read against it says how far one card sits from
// its class (memory clocks, power limits, a laptop variant): the factor that carries a bench run
// to the backends whose own kernels the bench does not run.
struct StreamReadParams {
  double fraction;
  const char* source;
};
const StreamReadParams& stream_read_params(CardClass card_class);
// A measured read over the share its class usually reaches: 1 for a card that reads like its
// class, 0.9 for one whose DRAM delivers 10% less.
double bench_card_factor(const Card& card, double read_bytes_per_s);
// headroom-bench's GEMV shaders are llama.cpp's Vulkan backend's own kernels: only there does a
// measured GEMV stand for decode (every other path takes bench_card_factor instead).
inline bool bench_gemv_is_the_kernel(RuntimeId runtime, Backend backend) {
  return is_llama_cpp(runtime) && backend == Backend::vulkan;
}
const StepCostParams& step_cost_params(RuntimeId runtime, CardClass card_class);
const FormatParams& format_params(DType weight_dtype);
const MoeKernelParams& moe_kernel_params(RuntimeId runtime, DType weight_dtype);

// Linear layers run by a library's own layer code, called once per layer per step (bitsandbytes
// under transformers, vLLM and TGI): what that code adds to a step.
struct LinearKernelParams {
  double host_per_linear_s;   // eager host ops (and the waits they force) per linear per step
  bool dequantizes_at_batch;  // past one token: dequantize to 16-bit, then a 16-bit GEMM
  bool syncs_host;            // waits on the GPU inside the layer: no CUDA graph can hold it
  const char* source;
};
const LinearKernelParams& linear_kernel_params(LinearKernels kernels, DType weight_dtype);

// Eager PyTorch (transformers generate) is host-bound on fast GPUs: the CPU issues every op of a
// step while the GPU runs behind it. A desktop's CPU (a consumer card's host) issues them faster
// than a current server's, an older server's (Turing / Volta datacenter cards') slower.
double eager_host_scale(HostCpu cpu);
// The host a card usually sits in, when the request does not say (--host-cpu).
HostCpu guess_host_cpu(const Card& card);

// Eager steps on the GPU side: the unfused small kernels of each layer (norms, rotary, residual
// adds, cache appends) take their minimum durations on top of the weight reads. 150 us a layer,
// fit on the GPU-bound rows of transformers_validation.json (RTX 4090 Llama-3.1-8B bf16 21.1 ms
// a token at batch 1, 16.6 ms of weight reads; 0/50/100/150/200/250 us: median 5.9/5.9/5.9/5.7/
// 5.7/5.7%, that row +27/+16/+7/-1/-8/-14%).
constexpr double kEagerKernelFloorPerLayerS = 150e-6;

// System memory that CPU-resident layers and experts stream from (llama.cpp --n-gpu-layers /
// --n-cpu-moe): the share of the DIMMs' peak (channels x bus bytes x MT/s) that a decode step's
// weight reads reach. One factor for every platform; the CLI default and the validation rows'
// "host_memory" both go through host_bandwidth_bytes_per_s, so it lives only here.
constexpr double kHostStreamEfficiency = 0.8;
double host_bandwidth_bytes_per_s(double channels, double mt_per_s, double bus_bytes);
// The default when the request is silent: dual-channel DDR5-4800 (2 x 8 bytes x 4.8 GT/s = 76.8
// GB/s peak) at that factor, a typical desktop.
inline double default_host_bandwidth_bytes_per_s() {
  return host_bandwidth_bytes_per_s(2, 4800, 8);
}

}  // namespace headroom::speed
