// What each serving engine (vLLM, SGLang, TensorRT-LLM, TGI) adds to the roofline: its
// scheduler's fixed costs, CUDA-graph range, chunked-prefill budget and kernels, per release;
// and the all-reduce cost of each GPU-to-GPU interconnect. Values and sources in engine.cpp.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/release.h"
#include "headroom/card.h"
#include "headroom/runtime.h"
#include "speed/params.h"

namespace headroom::speed {

struct EngineParams {
  RuntimeId runtime;
  const char* version;    // the release the values describe
  double per_step_s;      // scheduling, sampling, host sync: once per step (graph replay)
  double per_layer_s;     // launches and small ops per layer per step, inside a graph
  double per_sequence_s;  // per running sequence per step (metadata, sampling, detokenize)
  // The host's per-sequence work overlaps the GPU's step as the batch grows: B sequences cost
  // per_sequence_s * B / (1 + B / sequence_overlap_batch), at most per_sequence_s times it.
  double sequence_overlap_batch;
  double per_request_s;           // API server, tokenizer, admission: once per request (TTFT)
  std::uint32_t max_graph_batch;  // the largest captured batch; larger steps launch eagerly
  double eager_per_layer_s;       // what an eager step adds per layer over a captured one
  double prefill_chunk_tokens;    // chunked-prefill token budget per step
  // Prompts ride in decode steps (chunked prefill mixed with decodes), or run as steps of their
  // own that pause every running decode (prefill-first schedulers).
  bool mixes_prefill;
  double per_moe_layer_s;  // fused-MoE routing, sort, align and launches per MoE layer per step
  double moe_prefill_efficiency;  // MoE prefill (tokens sorted per expert) against the dense rate
  const char* attention_kernels;
  const char* moe_kernels;
  const char* allreduce;
  const char* source;
  // Host time per streamed response (detokenize the new tokens, build the API chunk), per running
  // sequence each stream interval; a step lasts at least the batch's responses. 0: not modelled
  // (inside per_sequence_s).
  double streamed_response_s;
  // MoE prefill of MXFP4 experts, whose kernels are not the Triton fused_moe family (vLLM: Marlin
  // on Ampere, triton_kernels matmul_ogs / FlashInfer on Hopper); 0: moe_prefill_efficiency.
  double mxfp4_moe_prefill_efficiency = 0;
};

// One release reader for the whole core (base/release.h).
using headroom::parse_release;
using headroom::Release;

// The serving engines only; null for llama.cpp, Ollama and transformers. `version` is the
// engine build the figures are for ("" or unparsed: the current releases in the table).
const EngineParams* engine_params(RuntimeId runtime, std::string_view version = {});

// The oldest and newest release (or llama.cpp build month, "YYYY-MM") among the runtime's
// measured rows in tests/data/serving_validation.json and speed_validation.json: outside them
// every figure is the nearest release's, extrapolated. engine_test checks both files against it.
struct MeasuredRange {
  Release oldest, newest;         // the serving engines
  const char* oldest_month = "";  // llama.cpp / Ollama
  const char* newest_month = "";
};
MeasuredRange measured_range(RuntimeId runtime);

// llama.cpp's first build month (its first commit, ggml-org/llama.cpp, 2023-03-10): an earlier
// build month names no llama.cpp build.
inline constexpr const char* kLlamaFirstBuildMonth = "2023-03";

// How a prefill-first engine (mixes_prefill false) forms its prefill batches; what
// ServiceTimes' fields of the same names hold.
struct PrefillBatching {
  bool batches_prompts = false;  // queued prompts share a prefill step up to the token budget
  bool decode_after_prefill = false;
  double waiting_served_ratio = 0;
  std::uint32_t max_waiting_steps = 0;
  bool first_prefill_alone = false;
  const char* source = "";
};
PrefillBatching prefill_batching(RuntimeId runtime);

// What each tensor-parallel all-reduce costs this engine over the link's graph-captured custom
// all-reduce (interconnect_params): 0 for the engines that ship one.
double engine_allreduce_extra_s(RuntimeId runtime, const Card& card);

// The engine's prefill rate of the routed experts' GEMMs against the dense one, for experts
// stored as `weight_dtype` on this card (vLLM's MXFP4 backend depends on the card).
double engine_moe_prefill_efficiency(const EngineParams& engine, DType weight_dtype,
                                     const Card& card);

// The rate of the serving engines' non-expert prefill GEMMs for weights stored as `weight_dtype`
// on this card, against the card's peak for that type: below 1 for block-scaled fp8.
double engine_dense_gemm_scale(DType weight_dtype, const Card& card);

// The API server's serial time per chat request whose Jinja template it renders (0: none).
double engine_chat_template_s(const EngineParams& engine);

// The engine's prefill attention rate against the dense GEMM rate on this card: below 1 where
// it falls back to a slower kernel (vLLM's Triton attention for sinks on Ampere).
double engine_prefill_attention_efficiency(RuntimeId runtime, const Card& card,
                                           bool attention_sinks);

// The serving engines' prefill GEMM and attention rate on this card class, against the card
// class's prefill_compute_fraction (1: as fitted on the NVIDIA rows).
double engine_prefill_scale(CardClass card_class, bool moe);

// The most sequences the engine runs at once by default on this card (0: no limit of its own,
// the KV cache decides).
std::uint64_t default_max_sequences(RuntimeId runtime, const Card& card,
                                    std::string_view version = {});

// The largest batch the engine captures in CUDA graphs by default on `gpus` of this card: SGLang
// sets cuda_graph_max_bs by GPU memory and TP size (runtime/sglang_defaults.h: 256 at TP1-2 and
// 512 at TP4+ on 60-160 GiB cards), the others keep their entry's max_graph_batch.
std::uint32_t default_graph_batch(const EngineParams& engine, const Card& card, std::uint32_t gpus);
// The engine's chunked-prefill token budget per step by default on this card: the entry's
// prefill_chunk_tokens, less where the engine tiers it by GPU memory (vLLM V1's API server).
double default_prefill_budget_tokens(const EngineParams& engine, const Card& card);

// The share of a request's output tokens the engine holds KV room for while it runs:
// vLLM allocates blocks as tokens arrive (a running sequence holds half its output on
// average), SGLang reserves new_token_ratio of the rest, TensorRT-LLM (GUARANTEED_NO_EVICT) and
// TGI the whole max_tokens. 1 for the others. More run at once than prompt + output implies.
double kv_output_share(RuntimeId runtime);

struct InterconnectParams {
  const char* name;
  double allreduce_latency_s;        // one small (decode-sized) all-reduce
  double allreduce_bus_bytes_per_s;  // ring bus bandwidth for large messages (nccl-tests busbw)
  const char* source;
};

// The card's link ("" = unknown: the card class's latency over PCIe 4.0).
InterconnectParams interconnect_params(const Card& card, double class_latency_s);

// One all-reduce of `bytes` over `gpus` GPUs: the latency floor plus a ring's
// 2 (gpus - 1) / gpus bytes per GPU at the bus bandwidth.
double allreduce_seconds(const InterconnectParams& link, double bytes, double gpus);

}  // namespace headroom::speed
