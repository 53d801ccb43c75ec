// Serving-engine and interconnect parameters. Engine defaults (graph sizes, token budgets,
// kernels) come from each runtime's source or docs; the fixed costs are fits over groups of
// rows of tests/data/serving_validation.json and tests/data/speed_validation.json (each entry
// names its group), never one row at a time.
#include "speed/engine.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "runtime/mxfp4_moe.h"
#include "runtime/sglang_defaults.h"
#include "runtime/vllm_defaults.h"

namespace headroom::speed {

namespace {

// TGI's per-sequence host cost and all-reduce extra: the pair with the least median |error|
// over its 27 rows of serving_validation.json (dstack 8x MI300X Llama 3.1 405B bf16, TGI
// sha-11d7af7, bursts of 1-1024 at 80 and 10000 prompt tokens; TPOT, TTFT and throughput
// together) on a grid of 0.3-0.8 ms x 0-50 us: 7.9% (none past 50%), from 20.0% with the shared
// 0.3 ms (overlapped) and no extra. TGI's server loops over every request in Python after each
// step (generate_token: stopping criteria, detokenize, Generation messages, flash_causal_lm.py)
// and the router awaits that gRPC reply before the next step, so nothing overlaps.
constexpr double kTgiSequence = 0.6e-3, kTgiAllreduceExtra = 40e-6;

// vLLM on the A100s serves gpt-oss with Marlin MXFP4 MoE and Triton attention (sinks): their
// prefill rates against the dense one, fit together over the 75 vLLM gpt-oss rows of
// serving_validation.json on A100s (every metric), on a grid of 0.1-0.5 (attention) x 0.3-1.0
// (MoE). Least median |error| at attention 0.2: MoE 0.6/0.7/0.8/0.9/1.0 ->
// 20.0/16.5/15.6/16.3/15.6% (13/14/13/12/12 rows past 50%), the tie going to the fewer rows past
// 50%; the best at attention 0.15 / 0.25 / 0.3 is 17.7 / 18.2 / 20.7%. At 2048-token chunks (vLLM's
// A100 budget) Marlin's experts see ~256 tokens each and keep up with the dense GEMMs.
constexpr double kVllmMarlinMxfp4MoePrefill = 1.0;
constexpr double kVllmTritonSinkAttention = 0.2;
// vLLM's chat-template rendering per request: see engine_chat_template_s.
constexpr double kVllmChatTemplate = 20e-3;

}  // namespace

const EngineParams* engine_params(RuntimeId runtime, std::string_view version) {
  // Shared fixed costs, fit on the vLLM rows of speed_validation.json before the engines had
  // entries of their own (params.cpp's step costs): 0.8 ms per step, 15 us per layer, 0.3 ms
  // per running sequence at small batch.
  constexpr double kStep = 0.8e-3, kLayer = 15e-6, kSequence = 0.3e-3;
  // Overlap batch 384: fit on the large-batch throughput rows of the Python engines (AMD MI300X
  // vLLM 70B/405B bursts of 500-3200) against the batch-256 vLLM row of speed_validation.json (OCI
  // MI300X 405B), which a smaller value pushes past 35%: a flat 0.3 ms per sequence made batch
  // 1024 steps 300 ms slower than measured.
  constexpr double kOverlapBatch = 384;
  // TensorRT-LLM's batch manager overlaps sooner: overlap batch 24, the value with the least
  // median |error| over its 10 perf-overview throughput rows of serving_validation.json
  // (trtllm-bench, not streamed, FP8 KV cache, CUDA graphs to 8192; Llama 3.1 8B / 3.3 70B /
  // 405B, Qwen3-235B, 3000 requests; 9.8% among 8/12/16/20/24/32/48:
  // 15.6/12.6/11.8/11.0/9.8/10.5/14.1%), which also keeps the NIM TP2 concurrency-25 row of
  // speed_validation.json within its 35% cap (+33.8%; 35.4% at 20).
  constexpr double kTrtOverlapBatch = 24;
  // TGI: none (kTgiSequence).
  constexpr double kNoOverlap = std::numeric_limits<double>::infinity();
  // TensorRT-LLM MoE layers (CUTLASS MoE, routing): 30 us each, the value with the least median
  // |error| over the 7 InferenceX DeepSeek-R1 B200 TPOT rows (concurrency 4-128, issue #3317;
  // 8%, against 25-40% too fast at concurrency 4-8 without it).
  constexpr double kTrtMoeLayer = 30e-6;
  // TensorRT-LLM streamed responses: with streaming clients trtllm-serve answers every running
  // request each stream_interval iterations (default 1), and "for each response, TensorRT LLM
  // must perform detokenization ... and OpenAI API protocol objects need to be initialized",
  // "reduced streaming performance when compared to non-streaming" (NVIDIA/TensorRT-LLM
  // docs/source/blogs/tech_blog/blog8_Scaling_Expert_Parallelism_in_TensorRT-LLM_part2.md,
  // "Support Stream Interval"; PR #5284). The Python host then sets the step once the batch is
  // large. 200 us per response: the value with the least median |error| over the 17 GPUStack
  // TensorRT-LLM rows of serving_validation.json (trtllm-serve 1.0.0 / 1.2.0rc1 under vllm bench
  // serve, streamed every step: bursts of 1000 ShareGPT requests for Qwen3-32B bf16/fp8 and
  // gpt-oss-120b on H100, DeepSeek-R1 on 8x H200, Qwen3-14B on A100, and Qwen3-8B at 4 users;
  // all metrics) among 150/175/200/225/250/300 us: 35.4/27.5/26.4/36.3/44.9/35.8%.
  constexpr double kTrtStreamedResponse = 200e-6;
  // Eager launches past the largest graph: ~4 kernels per layer at ~15 us each (estimate).
  constexpr double kEager = 60e-6;
  // TensorRT-LLM's MoE prefill (CUTLASS MoE), experts only: 0.45, the least median |error|
  // over its 25 MoE rows of serving_validation.json (InferenceX DeepSeek-R1 8x B200 closed loops,
  // perf-overview Qwen3-235B, GPUStack DeepSeek-R1 / gpt-oss bursts; every metric) among
  // 0.15/0.20/0.25/0.30/0.33/0.40/0.45/0.50/0.60/0.80/1.0:
  // 39.5/34.9/31.9/29.6/28.6/26.7/25.8/26.5/27.5/28.9/29.7%. It was 0.33 of all a MoE prompt's
  // arithmetic, from the TTFT the InferenceX 8x B200 rows add from 1k to 8k prompts at
  // concurrency 4 (190 -> 323 ms, issue #3317); with attention at the dense rate that 8k row's
  // TTFT goes -46.7% -> -62.0%. TGI (no MoE rows) takes the same figure.
  constexpr double kMoePrefill = 0.45;
  // vLLM's MoE prefill against the dense rate, per kernel family: the rate of the routed
  // experts' GEMMs only (attention, dense layers and shared experts run at the dense rate,
  // speed/model.cpp prefill_seconds), each the least median |error| over its own group of
  // serving_validation.json rows (all metrics; mostly GPUStack bursts of 100-1000). Triton
  // fused_moe (bf16, fp8 block-scaled): 0.23 over the 131 vLLM MoE rows on NVIDIA cards that are
  // not MXFP4 (DeepSeek-R1 / V3.2 8x H200, Qwen3-235B 4-8x H100 / A100, GLM-4.5-Air, GLM-5.2),
  // among 0.10/0.15/0.18/0.20/0.21/0.23/0.25/0.27/0.29/0.35/0.45:
  // 33.2/31.4/26.0/23.6/21.8/21.2/22.3/23.3/25.1/27.6/33.0%. (Before the split, when the rate
  // applied to all of a MoE prompt's arithmetic: 0.27 over 12 rows.) Refit at 0.4 once attention
  // ran at the 16-bit peak and block-scaled fp8 GEMMs at their own rate (speed/model.cpp): with
  // the fp8-block floor at 100/150/190/250 us, 0.27/0.30/0.35/0.40 give 20.9/20.3/21.6/22.4,
  // 20.6/19.4/19.2/20.7, 20.7/19.6/19.2/18.5 and 21.9/19.6/19.2/19.1% (0.45/0.50/0.60 at 190 us:
  // 19.9/21.3/23.1%). Rows past 50% in the group go 23 -> 31 from 0.27 to 0.40 (at 190 us).
  constexpr double kVllmMoePrefill = 0.4;
  // MXFP4 (gpt-oss), per backend (vllm_mxfp4_moe_backend): triton_kernels matmul_ogs on Hopper
  // (and FlashInfer on SM100, no rows): 0.25 over the 69 gpt-oss rows on H100 / H200, among
  // 0.15/0.20/0.22/0.25/0.27/0.30/0.35/0.40/0.50: 30.5/19.6/16.2/15.0/15.5/18.3/18.3/20.9/26.2%.
  // Marlin (weight-only FP4: Ampere, Ada, SM120) has its own rate, kVllmMarlinMxfp4MoePrefill.
  constexpr double kVllmMxfp4MoePrefill = 0.25;
  // SGLang's MoE prefill (fused_moe_triton), experts only: 0.17, the least median |error| over
  // its 74 MoE rows on NVIDIA cards (every metric) among 0.06/0.08/0.10/0.12/0.14/0.15/0.17/
  // 0.20/0.25/0.30: 45.2/35.4/36.8/31.5/30.0/30.7/29.3/31.4/30.8/31.6%.
  constexpr double kSglangMoePrefill = 0.17;
  // per_request_s (each entry): the median TTFT left over after prefill on the runtime's
  // closed-loop and single-request rows of serving_validation.json with prompts up to 1024
  // tokens on dense models (the API server, tokenizer and admission around the first step).
  // vLLM V1's per-sequence cost: 0.25 ms, the least median |error| over every vLLM row of
  // serving_validation.json and speed_validation.json together (0.10/0.15/0.20/0.22/0.25/0.27/
  // 0.30/0.40 ms: 19.8/19.1/18.0/17.5/17.6/17.9/18.3/19.8% on the serving rows at overlap batch
  // 384) that keeps every speed_validation.json row within its 35% bound (0.22 ms puts the OCI
  // MI300X 405B batch-256 and the RTX 4090 Mistral-7B concurrency-48 rows past it; 256 and 512
  // for the overlap batch were no better). The shared 0.3 ms stays for the other engines.
  constexpr double kVllmSequence = 0.25e-3;
  static const EngineParams kTable[] = {
      {RuntimeId::vllm, "0.10-0.11 (V1 engine)", kStep, kLayer, kVllmSequence, kOverlapBatch, 0.043,
       512, kEager, 8192, true, 0.0, kVllmMoePrefill,
       "vllm_flash_attn (FA2 Ampere/Ada, FA3 Hopper), FlashInfer on Blackwell; ROCm: AITER/Triton",
       "Triton fused_moe; Marlin-MoE for int4; FlashInfer-TRTLLM fp4 on Blackwell",
       "custom all-reduce (graph-captured, <8 MiB, 2-8 GPUs), NCCL otherwise",
       "graph sizes: [1,2,4]+8..512, capped at min(2 max_num_seqs, 512, budget) "
       "(vllm/config/vllm.py); budget: max_num_batched_tokens 8192 for the API server on >=70 GiB "
       "GPUs, 2048 on A100s and smaller (vllm/engine/arg_utils.py@99d7eb5d); kernels: "
       "vllm/model_executor/kernels/linear and attention backends (serving-anchors.md sections "
       "2, 4.1)",
       0.0, kVllmMxfp4MoePrefill},
      // MoE prefill: fused_moe_triton, the Triton kernel family of vLLM's fused_moe, at the
      // 0.15 vLLM's was fit at then (kSglangMoePrefill): SGLang 19.5% -> 17.1% median over its
      // 32 rows with the prefill batches below; the burst TTFT of DeepSeek-R1 8x H200 and
      // Qwen3-235B 8x H100 go from -45/-35% at 0.33 to +2/+25%.
      {RuntimeId::sglang, "0.4-0.5", kStep, kLayer, kSequence, kOverlapBatch, 0.015, 256, kEager,
       8192, false, 0.0, kSglangMoePrefill,
       "FlashAttention-3 on Hopper, FlashInfer, trtllm_mha/trtllm_mla on sm100; ROCm: AITER",
       "fused_moe_triton, Marlin-MoE; FlashInfer CuTe-DSL on Blackwell",
       "custom all-reduce (sgl-kernel), NCCL otherwise",
       "cuda_graph_max_bs 256 (TP1-2) / 512 (TP4+) and chunked_prefill_size 8192 on 60-160 GB "
       "GPUs, by GPU memory elsewhere (runtime/sglang_defaults.h, "
       "python/sglang/srt/server_args.py); prefill-first scheduling, a new prefill batch runs "
       "before the decode batch, enable_mixed_chunk off (get_next_batch_to_run, "
       "managers/scheduler.py); "
       "overlap scheduler (lmsys.org/blog/2024-12-04-sglang-v0-4)",
       0.0},
      {RuntimeId::trtllm, "1.0-1.1 (PyTorch backend)", kStep, kLayer, kSequence, kTrtOverlapBatch,
       0.026, 128, kEager, 8192, true, kTrtMoeLayer, kMoePrefill,
       "TRT-LLM FMHA / XQA (generation), trtllm_mla", "CUTLASS MoE, DeepGEMM on Blackwell",
       "TRT-LLM custom all-reduce (one-shot / two-shot)",
       "max_num_tokens 8192, max_batch_size 2048; CUDA graphs up to 128 if unset "
       "(tensorrt_llm/llmapi/llm_args.py); overlap scheduler on "
       "(docs/source/performance/tuning-max-batch-size-and-max-num-tokens.md@16d2467e); "
       "stream_interval 1: every running request answered each iteration when streamed, the "
       "first token at once (docs/source/blogs/tech_blog/"
       "blog8_Scaling_Expert_Parallelism_in_TensorRT-LLM_part2.md)",
       kTrtStreamedResponse},
      // max_batch_prefill_tokens: 2.x defaults it to max_input_tokens + 50, and max_input_tokens
      // to min(max_position_embeddings, 4096) - 1: 4145 for a model with 4096+ positions
      // (launcher/src/main.rs@11d7af73, 2.3.x); 3.x computes it from peak FLOP/s and VRAM.
      // Rows whose runs raised max_input_tokens give their own (max_batch_prefill_tokens).
      {RuntimeId::tgi, "2.x-3.x", kStep, kLayer, kTgiSequence, kNoOverlap, 0.046, 32, kEager, 4145,
       false, 0.0, kMoePrefill, "flash-attention / paged attention (ROCm: CK flash-attention)",
       "vLLM-derived fused MoE", "NCCL/RCCL (torch.distributed.all_reduce, no custom all-reduce)",
       "CUDA graphs 1,2,4,8,16,32 (launcher/src/main.rs); max_batch_prefill_tokens "
       "max_input_tokens + 50 (2.x launcher); prefill batches run on their own and pause decoding "
       "(waiting_served_ratio 0.3, max_waiting_tokens 20, backends/v3/src/backend.rs@11d7af73); "
       "all-reduce torch.distributed (layers/tensor_parallel.py); TGI is in maintenance mode",
       0.0},
  };
  // vLLM before 0.8 ran the V0 engine (V1 became the default in 0.8.0). Its defaults differ:
  // max_num_seqs 256 on every GPU (EngineArgs); chunked prefill on for models over 32K context
  // with a 512-token budget ("512 is the default max_num_batched_tokens for chunked prefill",
  // docs/source/models/performance.rst), decode-first. Its host costs are a fit over its 18 rows
  // of serving_validation.json (dstack 8x MI300X Llama 3.1 405B bf16, vLLM 0.6.3, bursts of 1 to
  // 1024, TPOT/TTFT/throughput together; least median |error| on a grid): per step 8 ms, per
  // sequence 3 ms (overlap batch 256), per request 0.3 s. V0's Python scheduler and
  // output processing ran per sequence every step (blog.vllm.ai/2024/09/05/perf-update.html:
  // API server 33%, scheduling 29% of the time on 0.5.3); and on ROCm the all-reduce went
  // through RCCL, vLLM's custom all-reduce came to ROCm in March 2025 (vllm PR #14125), about
  // 2 x 126 calls x ~30 us more per step, which the per-step figure takes.
  static const EngineParams kVllmV0{RuntimeId::vllm,
                                    "0.5-0.7 (V0 engine)",
                                    8e-3,
                                    kLayer,
                                    3e-3,
                                    256,
                                    0.24,
                                    256,
                                    kEager,
                                    512,
                                    true,
                                    0.0,
                                    kVllmMoePrefill,
                                    "xformers / FlashAttention (CUDA), CK / Triton (ROCm)",
                                    "Triton fused_moe",
                                    "custom all-reduce on CUDA; RCCL on ROCm before vllm PR #14125",
                                    "max_num_seqs 256 (vllm/engine/arg_utils.py, v0.6); chunked "
                                    "prefill budget 512 (docs/source/models/performance.rst); "
                                    "CUDA graphs to batch 256 (V0 _BATCH_SIZES_TO_CAPTURE)",
                                    0.0};
  const Release release = parse_release(version);
  if (runtime == RuntimeId::vllm && release.known() && release.major == 0 && release.minor < 8)
    return &kVllmV0;
  for (const auto& e : kTable)
    if (e.runtime == runtime) return &e;
  return nullptr;
}

MeasuredRange measured_range(RuntimeId runtime) {
  switch (runtime) {
    case RuntimeId::vllm:
      return {{0, 6, 3}, {0, 24, 0}};
    case RuntimeId::sglang:
      return {{0, 5, 3}, {0, 5, 19}};
    case RuntimeId::trtllm:
      return {{1, 0, 0}, {1, 3, 0}};
    case RuntimeId::tgi:
      return {{2, 3, 0}, {2, 3, 0}};
    case RuntimeId::llamacpp:
    case RuntimeId::ollama:
      return {{}, {}, "2023-12", "2026-09"};
    case RuntimeId::transformers:
      break;
  }
  return {};
}

PrefillBatching prefill_batching(RuntimeId runtime) {
  switch (runtime) {
    case RuntimeId::sglang:
      // PrefillAdder fills a prefill batch with waiting requests up to max_prefill_tokens
      // (16384) and chunked_prefill_size (rem_input_tokens / rem_chunk_tokens,
      // managers/schedule_policy.py); get_next_batch_to_run runs a new prefill batch whenever one
      // forms, so they run back to back while requests wait and the pool has room.
      return {true, false, 0, 0, true,
              "PrefillAdder budgets max_prefill_tokens / chunked_prefill_size "
              "(python/sglang/srt/managers/schedule_policy.py, scheduler.py)"};
    case RuntimeId::tgi:
      // batching_task (backends/v3/src/backend.rs@11d7af73): the first request wakes the idle
      // loop and is prefilled with what is queued then; afterwards each decode step of the
      // running batch may be preceded by one prefill batch (Queue::next_batch fills it up to
      // max_batch_prefill_tokens and the KV budget), formed only when it holds at least
      // floor(waiting_served_ratio x batch) requests (0.3) or max_waiting_tokens (20) decode
      // steps have passed (launcher/src/main.rs defaults).
      return {true, true, 0.3, 20, true,
              "batching_task / Queue::next_batch (backends/v3/src/{backend,queue}.rs@11d7af73)"};
    default:
      return {};
  }
}

double engine_moe_prefill_efficiency(const EngineParams& engine, DType weight_dtype,
                                     const Card& card) {
  if (weight_dtype == DType::mxfp4 && engine.mxfp4_moe_prefill_efficiency > 0) {
    if (engine.runtime == RuntimeId::vllm &&
        vllm_mxfp4_moe_backend(card) == Mxfp4MoeBackend::marlin)
      return kVllmMarlinMxfp4MoePrefill;
    return engine.mxfp4_moe_prefill_efficiency;
  }
  return engine.moe_prefill_efficiency;
}

double engine_chat_template_s(const EngineParams& engine) {
  // vLLM's API server renders every chat request's template (Jinja, in Python) before the engine
  // core sees it, one at a time on its event loop. Every GPUStack run sends chat requests
  // (`vllm bench serve --backend openai-chat --endpoint /v1/chat/completions`,
  // gpustack/gpustack@47277d79 docs/performance-lab), and their bursts of 1000 show it: vLLM's
  // TTFT of Qwen3 and DeepSeek-R1 128-token bursts ran 45-87% past the model where TensorRT-LLM and
  // SGLang on the same cards and models do not, and gpt-oss, rendered by openai_harmony, does not
  // either. 20 ms a request, serial (a burst reaches the engine one request per 20 ms; offered
  // load queues for it, traffic/model.cpp): the least median |error| over the 336 vLLM rows of
  // serving_validation.json sent to the chat endpoint (every metric) among 0/5/10/15/17.5/20/
  // 22.5/25/30 ms: 16.0/16.0/15.7/15.4/15.0/14.8/14.9/15.1/15.0% (rows past 50% 55 -> 39).
  // vLLM's per-request latency (per_request_s) was fit on chat rows and holds this work already;
  // completions clients and gpt-oss may pay less of it (not separated: none of their rows pins
  // it; taking 20 ms off it for them moves vLLM 14.5% -> 14.7%, 41 -> 38 rows past 50%).
  return engine.runtime == RuntimeId::vllm ? kVllmChatTemplate : 0.0;
}

double engine_dense_gemm_scale(DType weight_dtype, const Card& card) {
  // Block-scaled fp8 (a scale per 128x128 weight block, DeepSeek's and Qwen's FP8 releases): the
  // engines quantize each activation per 128-wide token group before every GEMM and run
  // block-scaled kernels (DeepGEMM, CUTLASS or Triton w8a8_block_fp8_matmul). Their prefill GEMMs
  // reach 0.35 of the fp8 peak here, below the bf16 rate: the least median |error| over the 196
  // fp8-block rows of serving_validation.json on NVIDIA cards (vLLM, SGLang and TensorRT-LLM;
  // Qwen3-8B/14B/32B-FP8, Qwen3-235B-FP8, DeepSeek-R1 / V3.2, GLM-5.2; every metric) among
  // 0.60/0.50/0.45/0.40/0.38/0.36/0.35/0.34/0.33/0.32/0.30:
  // 23.3/21.7/18.9/17.7/16.7/16.7/16.6/17.2/18.1/19.8/21.6% (28.5% without; rows past 50% 66 ->
  // 41). Applied to decode's GEMMs as well, the best is 17.9% (0.40, 49 past 50%), so decode keeps
  // the fp8 peak; the expert GEMMs of MoE models keep their fused-MoE rates. Reported alike, not
  // fitted on: SGLang offline Qwen3-32B-FP8 at 12.9k against bf16's 22.0k total tok/s
  // (sgl-project/sglang#7352), vLLM Qwen3-8B-FP8 at bf16's throughput on an H100
  // (vllm-project/vllm#25915), Qwen3-235B-FP8 below bf16 (vllm-project/vllm#25540). AMD's AITER
  // block-scaled kernels keep their own fit (engine_prefill_scale).
  constexpr double kFp8BlockGemm = 0.35;
  if (weight_dtype == DType::fp8_e4m3_block128 && card.vendor == "nvidia") return kFp8BlockGemm;
  return 1.0;
}

double engine_prefill_attention_efficiency(RuntimeId runtime, const Card& card,
                                           bool attention_sinks) {
  // vLLM serves attention sinks on Ampere with its Triton attention backend ("GPT-OSS works on
  // Ampere devices by default, using the TRITON_ATTN attention backend and Marlin MXFP4 MoE",
  // vllm-project/recipes OpenAI/GPT-OSS.md, docs.vllm.ai/projects/recipes); Hopper's FA3 takes
  // sinks. Its prefill attention runs at 0.2 of the dense rate, fit with Marlin's MoE rate on the
  // A100 gpt-oss rows (kVllmMarlinMxfp4MoePrefill); the 32K-prompt bursts, which are mostly
  // attention, go from TTFT -26..-34% at the dense rate to -10..+1%.
  if (runtime == RuntimeId::vllm && attention_sinks && card.vendor == "nvidia" &&
      card.architecture == "Ampere")
    return kVllmTritonSinkAttention;
  return 1.0;
}

double engine_allreduce_extra_s(RuntimeId runtime, const Card& card) {
  // TGI calls torch.distributed.all_reduce (NCCL / RCCL, layers/tensor_parallel.py@11d7af73),
  // not a one-shot custom kernel. On AMD, 40 us more per call: fit with TGI's per-sequence cost
  // (see its entry) on the 27 dstack 8x MI300X TGI rows (RCCL). No TGI row is on NVIDIA; there
  // the extra is NCCL's small-message floor over the custom kernel's, 15.7 - 4.5 us at TP8 on
  // H100 (nccl-tests 1K elements vs vLLM's graph-captured custom all-reduce, aiconfigurator
  // nccl_perf and serving-anchors.md section 5), instead of the RCCL fit.
  constexpr double kTgiNcclExtraNvidia = 11.2e-6;
  if (runtime != RuntimeId::tgi) return 0.0;
  return card.vendor == "nvidia" ? kTgiNcclExtraNvidia : kTgiAllreduceExtra;
}

double engine_prefill_scale(CardClass card_class, bool moe) {
  // AMD Instinct (ROCm: hipBLASLt GEMMs, CK / AITER attention and fused MoE) prefills below the
  // rate the NVIDIA rows fit. Dense: 0.62, the value with the least median |error| over the
  // long-prompt TTFT rows of Llama 3.1 405B on 8x MI300X (dstack TGI, 10000-token prompts,
  // bursts of 1, 8, 64: -37/-62/-41% at 1.0; -8/-44/-13% at 0.62, one prompt a prefill step;
  // with TGI's prefill batches -8/-2/-2%). MoE: 0.35 against SGLang's MoE prefill factor of
  // 0.33, the value with the least median |error| over the 10 InferenceX SGLang rows of
  // DeepSeek-R1 8k/1k on 8x MI325X, TTFT and TPOT together at concurrency 4-64 (issue #3318):
  // 16.5%, from TTFT -61..-76% at 1.0; it may absorb a harness overhead these rows carry. Then
  // 0.77 against SGLang's 0.15 (Triton fused_moe, vLLM's value): the same product, 0.1155 (AITER's
  // fused MoE on ROCm is not the Triton kernel). Refit at 0.69 (product 0.1035) by the same rule
  // once those rows carried the mean lengths of InferenceX's random dataset (7372/922 tokens, not
  // the nominal 8192/1024; tests/data/measurements/serving.json length_note): median |error| over
  // the 10 rows among 0.75/0.72/0.69/0.66/0.63/0.60/0.57: 19.0/16.7/16.3/16.7/17.2/15.8/19.6%,
  // worst 40/43/46/49/53/57/61%; 0.60 puts a row past 50% (c64 TPOT), so 0.69 (0.77: 20.4%).
  // Refit at 0.32 once the MoE rate covered the routed experts only (SGLang's 0.17, the rest at
  // the dense rate): 0.20/0.25/0.28/0.30/0.31/0.32/0.33/0.35/0.40/0.50/0.69:
  // 49.4/24.7/16.5/16.8/16.5/16.2/16.9/20.2/27.1/38.8/48.8%, none past 50% at 0.30-0.35.
  // Then 0.35 once attention ran at the 16-bit peak and block-scaled fp8 GEMMs at their own
  // rate (speed/model.cpp): 0.25/0.28/0.30/0.32/0.35/0.38/0.42: 32.1/19.5/16.2/16.9/16.1/20.6/
  // 26.8%, none past 50% from 0.35.
  constexpr double kAmdDense = 0.62, kAmdMoe = 0.35;
  if (card_class != CardClass::amd_hbm) return 1.0;
  return moe ? kAmdMoe : kAmdDense;
}

std::uint64_t default_max_sequences(RuntimeId runtime, const Card& card,
                                    std::string_view version) {
  const Release release = parse_release(version);
  switch (runtime) {
    case RuntimeId::vllm:
      // V0 (before 0.8): max_num_seqs 256 on every GPU (EngineArgs default).
      if (release.known() && release.major == 0 && release.minor < 8) return 256;
      // max_num_seqs: 1024 on GPUs with 70 GiB or more that are not A100s, else 256
      // (vllm/engine/arg_utils.py@99d7eb5d, _set_default_args).
      return vllm_default_max_num_seqs(card);
    case RuntimeId::trtllm:
      return 2048;  // max_batch_size (tuning-max-batch-size-and-max-num-tokens.md@16d2467e)
    default:
      return 0;  // SGLang, TGI: bounded by their token pools
  }
}

std::uint32_t default_graph_batch(const EngineParams& engine, const Card& card,
                                  std::uint32_t gpus) {
  if (engine.runtime != RuntimeId::sglang) return engine.max_graph_batch;
  constexpr double kMiB = 1024.0 * 1024;
  return sglang_defaults(static_cast<double>(card.usable_memory_bytes) / kMiB, gpus)
      .cuda_graph_max_bs;
}

double default_prefill_budget_tokens(const EngineParams& engine, const Card& card) {
  // vLLM V1's API server: max_num_batched_tokens 8192 on the tier that runs 1024 sequences,
  // else 2048 (vllm/engine/arg_utils.py@99d7eb5d, _set_default_args; vLLM's
  // tests/engine/test_arg_utils.py test_defaults_with_usage_context asserts both pairs); the
  // memory model's profile run takes the same tiers (runtime/vllm_defaults.h).
  // V0's 512 (kVllmV0) is below either.
  if (engine.runtime == RuntimeId::vllm && !vllm_large_tier(card))
    return std::min(engine.prefill_chunk_tokens,
                    static_cast<double>(vllm_default_batched_tokens(card)));
  return engine.prefill_chunk_tokens;
}

double kv_output_share(RuntimeId runtime) {
  switch (runtime) {
    case RuntimeId::vllm:
      // Paged KV: blocks are allocated as tokens are scheduled, none reserved for the output
      // (vllm/v1/core/kv_cache_manager.py allocate_slots); full, it preempts the newest.
      return 1.0;
    case RuntimeId::sglang:
      // Admission reserves new_token_ratio x max_new_tokens, starting at 0.7 and decaying
      // (SGLANG_INIT_NEW_TOKEN_RATIO, python/sglang/srt/managers/schedule_policy.py
      // PrefillAdder); it retracts requests when the pool runs out.
      return 0.7;
    default:
      return 1.0;  // TensorRT-LLM GUARANTEED_NO_EVICT, TGI: prompt + max_new_tokens reserved
  }
}

InterconnectParams interconnect_params(const Card& card, double class_latency_s) {
  // Bus bandwidths: nccl-tests all-reduce at 1M-16M elements (aiconfigurator
  // systems/data/<gpu>/comm/nccl, serving-anchors.md section 5; the collector's element count
  // is read as bf16, so these are within 2x); latency floors: the graph-captured custom
  // all-reduce of vLLM/SGLang/TRT-LLM at 1K elements, TP8 (H100 3.4-4.8 us) plus the
  // runtime's launch around it, as fitted on the NVIDIA TP rows; MI300X from the AMD vLLM TP8
  // latency rows (the card class's value).
  static const InterconnectParams kNvlink3{
      "nvlink3", 12e-6, 230e9,
      "A100 SXM TP8 NCCL: 75 us at 4M, 215 us at 16M elements (aiconfigurator nccl_perf)"};
  static const InterconnectParams kNvlink4{
      "nvlink4", 12e-6, 360e9,
      "H100 SXM TP8 NCCL: 46.9 us at 4M, 119.8 us at 16M elements (aiconfigurator nccl_perf); "
      "custom all-reduce 4.5 us at 1K (vLLM)"};
  static const InterconnectParams kNvlink5{"nvlink5", 12e-6, 720e9,
                                           "B200 TP8 NCCL: 48.9 us at 4M, 78.4 us at 16M elements"};
  static const InterconnectParams kXgmi{
      "xgmi", 25e-6, 300e9,
      "MI300X: 7 x 64 GB/s xGMI links, ~48 GB/s usable each (rocm.blogs.amd.com mi300x-rccl-xgmi); "
      "latency fit on AMD vLLM TP8 rows"};
  static const InterconnectParams kPcie4{
      "pcie4", 25e-6, 20e9, "L40S PCIe 4.0 TP2 NCCL: 76.9 us at 1M, 849 us at 16M elements"};
  static const InterconnectParams kPcie5{
      "pcie5", 25e-6, 40e9, "RTX PRO 6000 PCIe 5.0 TP8 NCCL: 398 us at 4M, 1409 us at 16M"};
  const std::string_view link = card.interconnect;
  if (link == "nvlink3") return kNvlink3;
  if (link == "nvlink4") return kNvlink4;
  if (link == "nvlink5") return kNvlink5;
  if (link == "xgmi") return kXgmi;
  if (link == "pcie4") return kPcie4;
  if (link == "pcie5") return kPcie5;
  return {"unknown", class_latency_s, 20e9, "card class latency, PCIe 4.0 bandwidth"};
}

double allreduce_seconds(const InterconnectParams& link, double bytes, double gpus) {
  if (gpus <= 1) return 0;
  return link.allreduce_latency_s + bytes * 2 * (gpus - 1) / gpus / link.allreduce_bus_bytes_per_s;
}

}  // namespace headroom::speed
