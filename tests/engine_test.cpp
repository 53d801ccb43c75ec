// The serving engines' own parameters (core/src/speed/engine.cpp) and the interconnect term, on
// whole sizing requests: what each one changes, against the same workload without it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "headroom/sizing.h"
#include "headroom/traffic.h"
#include "sizing_fixtures.h"
#include "sizing/internal.h"
#include "speed/engine.h"

using namespace headroom;
using headroom::test::request;

namespace {

SizingRequest closed_loop(RuntimeId runtime, std::uint64_t users,
                          const char* card = "h100-sxm-80gb", std::uint32_t gpus = 1,
                          const char* model = "qwen3-8b") {
  SizingRequest r = request(model, "bf16", runtime, card);
  r.gpus = gpus;
  r.workload.prompt_tokens = 233;
  r.workload.output_tokens = 221;
  r.workload.users = users;
  r.traffic.arrival = Arrival::closed_loop;
  r.with_advice = false;
  return r;
}

TrafficEstimate traffic_of(const SizingRequest& r) {
  auto report = size(r);
  REQUIRE(report);
  REQUIRE(report->traffic);
  return *report->traffic;
}

}  // namespace

TEST_CASE("engines: the four serving runtimes no longer get one prediction", "[speed][engine]") {
  // Same model, card and load; the per-request overhead alone separates their TTFT by the
  // table's differences (vLLM 43 ms, SGLang 15, TRT-LLM 26, TGI 46), and SGLang/TGI run prompts
  // as steps of their own, which stalls decoding more than vLLM's mixed chunks.
  const TrafficEstimate vllm = traffic_of(closed_loop(RuntimeId::vllm, 4));
  const TrafficEstimate sglang = traffic_of(closed_loop(RuntimeId::sglang, 4));
  const TrafficEstimate trtllm = traffic_of(closed_loop(RuntimeId::trtllm, 4));
  const TrafficEstimate tgi = traffic_of(closed_loop(RuntimeId::tgi, 4));
  CHECK(vllm.ttft_s.median - sglang.ttft_s.median > 0.020);
  CHECK(vllm.ttft_s.median - trtllm.ttft_s.median > 0.010);
  CHECK(tgi.ttft_s.median > vllm.ttft_s.median);
  CHECK(sglang.itl_s.mean > vllm.itl_s.mean);  // whole prefill steps, not mixed chunks
  CHECK(tgi.itl_s.mean > trtllm.itl_s.mean);
}

TEST_CASE("engines: the host's per-sequence cost stops growing linearly at large batch",
          "[speed][engine]") {
  // A flat 0.3 ms per sequence would add that much per sequence to the step by itself (235 ms at
  // the ~785 sequences 1000 users settle on); overlapped, the whole step stays below it.
  const TrafficEstimate big = traffic_of(closed_loop(RuntimeId::vllm, 1000));
  REQUIRE(big.decode_batch > 500);
  const speed::EngineParams* vllm = speed::engine_params(RuntimeId::vllm);
  REQUIRE(vllm != nullptr);
  CHECK(big.itl_s.mean < big.decode_batch * vllm->per_sequence_s);
  // llama.cpp and transformers have no engine entry: their step costs are the speed model's own.
  CHECK(speed::engine_params(RuntimeId::llamacpp) == nullptr);
  CHECK(speed::engine_params(RuntimeId::ollama) == nullptr);
  CHECK(speed::engine_params(RuntimeId::transformers) == nullptr);
}

TEST_CASE("engines: TensorRT-LLM's streamed responses set the step at large batch",
          "[speed][engine]") {
  // trtllm-serve answers every running request each stream_interval steps on the host; at 1000
  // users the batch's responses outlast the GPU's step, so the host's rate of responses caps the
  // output tokens. Not streamed (trtllm-bench) or every 10 steps, the GPU sets the step again.
  const speed::EngineParams* trt = speed::engine_params(RuntimeId::trtllm);
  REQUIRE(trt != nullptr);
  REQUIRE(trt->streamed_response_s > 0);
  SizingRequest r = closed_loop(RuntimeId::trtllm, 1000);
  const TrafficEstimate streamed = traffic_of(r);
  // 220 of a request's 221 tokens come from decode steps (the first from its prefill).
  CHECK(streamed.output_tokens_per_s * 220 / 221 <= (1 + 1e-9) / trt->streamed_response_s);
  CHECK(streamed.itl_s.mean >= streamed.decode_batch * trt->streamed_response_s * (1 - 1e-9));
  r.knobs.stream_interval = 0;
  const TrafficEstimate whole = traffic_of(r);
  r.knobs.stream_interval = 10;
  const TrafficEstimate every_10 = traffic_of(r);
  CHECK(whole.output_tokens_per_s > 1.2 * streamed.output_tokens_per_s);
  CHECK(every_10.output_tokens_per_s > 1.2 * streamed.output_tokens_per_s);
  CHECK(every_10.output_tokens_per_s <= whole.output_tokens_per_s * (1 + 1e-9));
  // trtllm-bench's perf-overview runs capture CUDA graphs to batch 8192: no eager steps past 128.
  r.knobs.stream_interval = 0;
  r.knobs.cuda_graph_max_batch = 8192;
  const TrafficEstimate graphed = traffic_of(r);
  REQUIRE(whole.decode_batch > 128);
  CHECK(graphed.output_tokens_per_s > whole.output_tokens_per_s);
  // A few users: the GPU's step is longer than four responses; streaming changes nothing.
  SizingRequest few = closed_loop(RuntimeId::trtllm, 4);
  const double few_streamed = traffic_of(few).itl_s.mean;
  few.knobs.stream_interval = 0;
  CHECK(traffic_of(few).itl_s.mean == Approx(few_streamed).epsilon(1e-12));
  // The other engines keep their host cost inside per_sequence_s, so a stream interval would
  // change nothing there: the request is refused, naming the field.
  for (RuntimeId other : {RuntimeId::vllm, RuntimeId::sglang, RuntimeId::tgi}) {
    INFO(runtime_profile(other).key);
    CHECK(speed::engine_params(other)->streamed_response_s == 0);
    SizingRequest v = closed_loop(other, 1000);
    v.knobs.stream_interval = 0;
    auto refused = size(v);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "stream_interval");
  }
}

TEST_CASE("engines: vLLM runs at most max_num_seqs sequences (256 on an A100)", "[speed][engine]") {
  // vllm/engine/arg_utils.py: 1024 on >= 70 GiB GPUs that are not A100s, else 256.
  CHECK(speed::default_max_sequences(RuntimeId::vllm,
                                     *test::catalog().find_card("h100-sxm-80gb").value()) == 1024);
  CHECK(speed::default_max_sequences(RuntimeId::vllm,
                                     *test::catalog().find_card("a100-sxm-80gb").value()) == 256);
  CHECK(speed::default_max_sequences(RuntimeId::vllm, *test::catalog().find_card("l40s").value()) ==
        256);
  const TrafficEstimate a100 = traffic_of(closed_loop(RuntimeId::vllm, 1000, "a100-sxm-80gb"));
  CHECK(a100.decode_batch <= 256.0);
}

TEST_CASE("engines: vLLM's chunked-prefill budget is 2048 on an A100 and 8192 on an H100",
          "[speed][engine]") {
  // vllm/engine/arg_utils.py: the API server's max_num_batched_tokens is 8192 on >= 70 GiB GPUs
  // that are not A100s, else 2048 (the tiers of max_num_seqs).
  const Card& h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  const Card& a100 = *test::catalog().find_card("a100-sxm-80gb").value();
  const Card& l40s = *test::catalog().find_card("l40s").value();
  const speed::EngineParams& v1 = *speed::engine_params(RuntimeId::vllm, "0.11.0");
  const speed::EngineParams& v0 = *speed::engine_params(RuntimeId::vllm, "0.6.3");
  CHECK(speed::default_prefill_budget_tokens(v1, h100) == 8192);
  CHECK(speed::default_prefill_budget_tokens(v1, a100) == 2048);
  CHECK(speed::default_prefill_budget_tokens(v1, l40s) == 2048);
  CHECK(speed::default_prefill_budget_tokens(v0, a100) == 512);  // V0's budget is smaller still
  // SGLang's chunked_prefill_size is its own rule (not tiered here).
  const speed::EngineParams& sglang = *speed::engine_params(RuntimeId::sglang);
  CHECK(speed::default_prefill_budget_tokens(sglang, a100) == sglang.prefill_chunk_tokens);
  // On a whole request: the budget a burst is stepped with, and a stated budget still wins.
  for (const char* card : {"a100-sxm-80gb", "h100-sxm-80gb"}) {
    SizingRequest r = closed_loop(RuntimeId::vllm, 300, card);
    ServiceTimes times;
    REQUIRE(evaluate(r, &times));
    CHECK(times.prefill_budget_tokens == (std::string(card) == "a100-sxm-80gb" ? 2048 : 8192));
    r.knobs.max_num_batched_tokens = 4096;
    ServiceTimes stated;
    REQUIRE(evaluate(r, &stated));
    CHECK(stated.prefill_budget_tokens == 4096);
  }
}

TEST_CASE("engines: vLLM prefills MXFP4 experts at their own rate, not fused_moe's",
          "[speed][engine]") {
  // Two kernel families, each rate fit on its own rows (engine.cpp): Triton fused_moe for
  // bf16 / fp8 experts, Marlin / matmul_ogs for gpt-oss's MXFP4 ones.
  const speed::EngineParams& vllm = *speed::engine_params(RuntimeId::vllm, "0.11.0");
  const Card& h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  const double fused = speed::engine_moe_prefill_efficiency(vllm, DType::fp8_e4m3_block128, h100);
  const double mxfp4 = speed::engine_moe_prefill_efficiency(vllm, DType::mxfp4, h100);
  CHECK(fused == vllm.moe_prefill_efficiency);
  CHECK(speed::engine_moe_prefill_efficiency(vllm, DType::bf16, h100) == fused);
  CHECK(mxfp4 == vllm.mxfp4_moe_prefill_efficiency);
  CHECK(mxfp4 != fused);
  CHECK(mxfp4 < 1.0);
  // The other engines have no MXFP4 figure of their own: their one MoE rate for every format.
  for (RuntimeId other : {RuntimeId::sglang, RuntimeId::trtllm, RuntimeId::tgi}) {
    const speed::EngineParams& e = *speed::engine_params(other);
    CHECK(e.mxfp4_moe_prefill_efficiency == 0);
    CHECK(speed::engine_moe_prefill_efficiency(e, DType::mxfp4, h100) == e.moe_prefill_efficiency);
  }
  // On a whole request: a lone gpt-oss prompt is prefilled faster on vLLM than on SGLang, whose
  // one MoE rate (0.15) covers MXFP4 too, by less than the rates' ratio (weight reads,
  // dequantization and fixed costs do not scale with it).
  SizingRequest r = request("gpt-oss-20b", "mxfp4", RuntimeId::vllm, "h100-sxm-80gb");
  r.workload.prompt_tokens = 4000;
  r.workload.output_tokens = 16;
  r.with_advice = false;
  auto report = size(r);
  REQUIRE(report);
  REQUIRE(report->speed);
  SizingRequest on_sglang = r;
  on_sglang.runtime = RuntimeId::sglang;  // 0.15 for every format
  auto slower = size(on_sglang);
  REQUIRE(slower);
  REQUIRE(slower->speed);
  const double speedup = report->speed->prefill_tokens_per_s / slower->speed->prefill_tokens_per_s;
  const speed::EngineParams& sglang = *speed::engine_params(RuntimeId::sglang);
  CHECK(speedup > 1.2);
  CHECK(speedup < mxfp4 / sglang.moe_prefill_efficiency);
}

TEST_CASE("engines: vLLM's gpt-oss on Ampere prefills at its Triton-attention and Marlin rates",
          "[speed][engine]") {
  // vLLM serves attention sinks on Ampere with TRITON_ATTN and MXFP4 experts with Marlin
  // (vllm-project/recipes OpenAI/GPT-OSS.md); Hopper has FA3 with sinks and matmul_ogs.
  const Card& h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  const Card& a100 = *test::catalog().find_card("a100-sxm-80gb").value();
  CHECK(speed::engine_prefill_attention_efficiency(RuntimeId::vllm, a100, true) < 1.0);
  CHECK(speed::engine_prefill_attention_efficiency(RuntimeId::vllm, h100, true) == 1.0);
  CHECK(speed::engine_prefill_attention_efficiency(RuntimeId::vllm, a100, false) == 1.0);
  CHECK(speed::engine_prefill_attention_efficiency(RuntimeId::sglang, a100, true) == 1.0);
  const speed::EngineParams& vllm = *speed::engine_params(RuntimeId::vllm, "0.11.0");
  CHECK(speed::engine_moe_prefill_efficiency(vllm, DType::mxfp4, a100) !=
        speed::engine_moe_prefill_efficiency(vllm, DType::mxfp4, h100));
  // On whole requests: attention grows with the prompt, so a 32K gpt-oss prompt loses more of its
  // 2K rate on the A100 (slower attention kernel) than on the H100.
  auto rate = [](const char* card, std::uint64_t prompt) {
    SizingRequest r = request("gpt-oss-20b", "mxfp4", RuntimeId::vllm, card);
    r.workload.prompt_tokens = prompt;
    r.workload.output_tokens = 16;
    r.with_advice = false;
    auto report = size(r);
    REQUIRE(report);
    REQUIRE(report->speed);
    return report->speed->prefill_tokens_per_s;
  };
  const double a100_falloff = rate("a100-sxm-80gb", 32000) / rate("a100-sxm-80gb", 2000);
  const double h100_falloff = rate("h100-sxm-80gb", 32000) / rate("h100-sxm-80gb", 2000);
  INFO("A100 " << a100_falloff << ", H100 " << h100_falloff);
  CHECK(a100_falloff < 0.8 * h100_falloff);
}

TEST_CASE("engines: vLLM's fp8 block-scaled experts pay a per-MoE-layer floor, bf16 ones do not",
          "[speed][engine]") {
  // speed/params.cpp: fit on vLLM's fp8-block rows; SGLang's fp8 DeepSeek-R1 rows need none.
  CHECK(speed::moe_kernel_params(RuntimeId::vllm, DType::fp8_e4m3_block128).per_moe_layer_s > 0);
  CHECK(speed::moe_kernel_params(RuntimeId::vllm, DType::bf16).per_moe_layer_s == 0);
  CHECK(speed::moe_kernel_params(RuntimeId::sglang, DType::fp8_e4m3_block128).per_moe_layer_s == 0);
  // On a whole request: DeepSeek-R1 fp8 on 8x H200 at 4 closed-loop users decodes slower under
  // vLLM than under SGLang by at least that floor over its 58 MoE layers.
  auto itl = [](RuntimeId runtime) {
    SizingRequest r = closed_loop(RuntimeId::vllm, 4, "h200-sxm-141gb", 8, "deepseek-r1");
    r.runtime = runtime;
    r.weight_format = "fp8-block";
    auto report = size(r);
    REQUIRE(report);
    REQUIRE(report->speed);
    return report->speed->inter_token_latency_s;
  };
  const double floor_s =
      58 * speed::moe_kernel_params(RuntimeId::vllm, DType::fp8_e4m3_block128).per_moe_layer_s;
  INFO("vLLM " << itl(RuntimeId::vllm) << " s, SGLang " << itl(RuntimeId::sglang) << " s");
  CHECK(itl(RuntimeId::vllm) - itl(RuntimeId::sglang) > 0.8 * floor_s);
}

TEST_CASE("engines: a build string selects the engine release (vLLM V0 before 0.8)",
          "[speed][engine]") {
  CHECK(speed::parse_release("0.6.3.dev116+g151ef4ef").major == 0);
  CHECK(speed::parse_release("0.6.3.dev116+g151ef4ef").minor == 6);
  CHECK(speed::parse_release("vLLM 0.21.0").minor == 21);
  // An image tag names ROCm's version first: the engine's follows "vllm_".
  CHECK(speed::parse_release("rocm/vllm:rocm7.0.0_vllm_0.10.2_20251006").minor == 10);
  CHECK_FALSE(speed::parse_release("vLLM CI build 9515").known());
  CHECK_FALSE(speed::parse_release("").known());
  const Card& h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  // V0: max_num_seqs 256 on every GPU, 512-token chunked-prefill budget, heavier host costs.
  const speed::EngineParams* v0 = speed::engine_params(RuntimeId::vllm, "0.6.3");
  const speed::EngineParams* v1 = speed::engine_params(RuntimeId::vllm, "0.11.0");
  REQUIRE(v0 != nullptr);
  REQUIRE(v1 != nullptr);
  CHECK(v0 != v1);
  CHECK(v0->prefill_chunk_tokens == 512);
  CHECK(v1->prefill_chunk_tokens == 8192);
  CHECK(v0->per_sequence_s > v1->per_sequence_s);
  CHECK(speed::default_max_sequences(RuntimeId::vllm, h100, "0.6.3") == 256);
  CHECK(speed::default_max_sequences(RuntimeId::vllm, h100, "0.11.0") == 1024);
  // No release named: the current one.
  CHECK(speed::engine_params(RuntimeId::vllm, "vLLM CI build 9515") == v1);
  CHECK(speed::engine_params(RuntimeId::vllm) == v1);
  // Other engines have one entry whatever the build.
  CHECK(speed::engine_params(RuntimeId::sglang, "0.3.0") == speed::engine_params(RuntimeId::sglang));
  // SGLang admits on new_token_ratio (0.7) of the output; the others hold it all.
  CHECK(speed::kv_output_share(RuntimeId::sglang) == 0.7);
  CHECK(speed::kv_output_share(RuntimeId::trtllm) == 1.0);
}

TEST_CASE("engines: a release's patch number orders SGLang builds", "[speed][engine]") {
  // SGLang numbers its releases 0.5.N: the patch is what tells them apart.
  CHECK(speed::parse_release("0.5.3rc0").patch == 3);
  CHECK(speed::parse_release("0.5.5.post1").patch == 5);
  CHECK(speed::parse_release("0.5.19 (lmsysorg/sglang:v0.5.19-rocm700-mi30x)").patch == 19);
  CHECK(speed::parse_release("vLLM 0.21").patch == 0);
  CHECK(speed::parse_release("0.5.3rc0").before(0, 5, 8));
  CHECK_FALSE(speed::parse_release("0.5.19").before(0, 5, 8));
  // (major, minor) comparisons are what they were: 0.8.3 is not before 0.8.
  CHECK_FALSE(speed::parse_release("0.8.3").before(0, 8));
  CHECK(speed::parse_release("0.7.9").before(0, 8));
}

TEST_CASE("engines: SGLang captures CUDA graphs up to its cuda_graph_max_bs default",
          "[speed][engine]") {
  // server_args.py _handle_gpu_memory_settings: 256 at TP1-2 and 512 at TP4+ on 60-160 GiB cards,
  // 32 / 160 on 35-60 GiB cards; the other engines keep their entry's range.
  const Card& h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  const Card& l40s = *test::catalog().find_card("l40s").value();
  const speed::EngineParams& sglang = *speed::engine_params(RuntimeId::sglang);
  const speed::EngineParams& vllm = *speed::engine_params(RuntimeId::vllm);
  CHECK(speed::default_graph_batch(sglang, h100, 1) == 256);
  CHECK(speed::default_graph_batch(sglang, h100, 8) == 512);
  CHECK(speed::default_graph_batch(sglang, l40s, 1) == 32);
  CHECK(speed::default_graph_batch(vllm, h100, 8) == vllm.max_graph_batch);
  // A 400-sequence step at TP8 replays a graph: no eager launches, so it is faster than the same
  // step with the graphs capped at 256 (the row key cuda_graph_max_batch).
  SizingRequest r = closed_loop(RuntimeId::sglang, 400, "h100-sxm-80gb", 8, "qwen3-32b");
  const double graphed = traffic_of(r).itl_s.mean;
  r.knobs.cuda_graph_max_batch = 256;
  CHECK(traffic_of(r).itl_s.mean > graphed);
}

TEST_CASE("engines: SGLang pools gpt-oss's window layers apart only from 0.5.9",
          "[speed][engine][memory]") {
  // Through the 0.5.x releases server_args set disable_hybrid_swa_memory for gpt-oss, so its 18
  // window (128-token) layers cache every token like its 18 full layers: one pool. The hybrid
  // pool (model_runner set_num_token_hybrid) has full-layer tokens F = pool / (full + 0.8 x
  // window bytes per token) and 0.8 F window-layer tokens, a request holding at most 2 windows
  // there; gpt-oss's layers have one width, so F = pool / (32.4 x layer bytes).
  SizingRequest r = request("gpt-oss-120b", "mxfp4", RuntimeId::sglang, "h100-sxm-80gb");
  r.workload.prompt_tokens = 215;
  r.workload.output_tokens = 196;
  r.workload.users = 1000;
  r.with_advice = false;
  r.knobs.engine_version = "0.5.3rc0";
  auto old = size(r);
  REQUIRE(old);
  const double pool = static_cast<double>(old->memory.kv_cache_capacity_bytes);
  const double all_layers = static_cast<double>(old->memory.kv_bytes_per_token);
  const double layer = all_layers / 36;
  CHECK(static_cast<double>(old->max_users) == std::floor(pool / (all_layers * 411)));
  // The window savings a shared pool would give (18 layers x 128 tokens) are not there.
  CHECK(static_cast<double>(old->max_users) < std::floor(pool / (layer * 18 * (411 + 128))));
  r.knobs.engine_version = "0.5.19";
  auto pooled = size(r);
  REQUIRE(pooled);
  const double full = std::floor(pool / (32.4 * layer));
  const double window = std::floor(0.8 * full);
  CHECK(static_cast<double>(pooled->max_users) == std::floor(std::min(full / 411, window / 256)));
  CHECK(pooled->max_users > old->max_users);
  // Long replies: the window pool holds two windows a request, the full-layer pool binds.
  r.workload.output_tokens = 2000;
  auto long_replies = size(r);
  REQUIRE(long_replies);
  CHECK(static_cast<double>(long_replies->max_users) == std::floor(full / 2215));
  // Gemma 2 is no hybrid model to SGLang: its window (4096-token) layers hold every token.
  SizingRequest gemma = request("gemma-2-9b-it", "bf16", RuntimeId::sglang, "h100-sxm-80gb");
  gemma.workload.prompt_tokens = 6000;
  gemma.workload.output_tokens = 2000;
  gemma.workload.users = 100;
  gemma.with_advice = false;
  auto g = size(gemma);
  REQUIRE(g);
  CHECK(g->max_users == g->memory.kv_cache_capacity_bytes / (g->memory.kv_bytes_per_token * 8000));
  // A model without window layers keeps the one shared pool.
  SizingRequest dense = closed_loop(RuntimeId::sglang, 1000, "h100-sxm-80gb", 1, "qwen3-32b");
  auto one_pool = size(dense);
  REQUIRE(one_pool);
  CHECK(one_pool->max_users ==
        one_pool->memory.kv_cache_capacity_bytes / (one_pool->memory.kv_bytes_per_token * 454));
}

TEST_CASE("engines: all-reduce latency and bandwidth follow the card's interconnect",
          "[speed][engine]") {
  const Card h100 = *test::catalog().find_card("h100-sxm-80gb").value();
  const Card l40s = *test::catalog().find_card("l40s").value();
  const Card rtx = *test::catalog().find_card("rtx-4090").value();  // no interconnect given
  CHECK(h100.interconnect == "nvlink4");
  CHECK(l40s.interconnect == "pcie4");
  const speed::InterconnectParams nvlink = speed::interconnect_params(h100, 99e-6);
  const speed::InterconnectParams pcie = speed::interconnect_params(l40s, 99e-6);
  const speed::InterconnectParams unknown = speed::interconnect_params(rtx, 99e-6);
  CHECK(unknown.allreduce_latency_s == 99e-6);  // the card class's value
  // Ring all-reduce: latency + 2 (n - 1) / n x bytes / bus bandwidth. 64 MB over 8 GPUs on
  // NVLink 4: 12 us + 1.75 x 64e6 / 360e9 = 323 us.
  CHECK(speed::allreduce_seconds(nvlink, 64e6, 8) == Approx(12e-6 + 1.75 * 64e6 / 360e9));
  CHECK(speed::allreduce_seconds(nvlink, 64e6, 1) == 0);
  CHECK(speed::allreduce_seconds(pcie, 64e6, 8) > 10 * speed::allreduce_seconds(nvlink, 64e6, 8));
  // A long prompt at TP8: the same H100s linked by PCIe 4.0 instead of NVLink 4 spend longer on
  // the prompt's activations' all-reduces; decode at batch 1 pays only the higher latency floor
  // (25 us against 12 us per all-reduce), a far smaller share.
  SizingRequest on_nvlink =
      closed_loop(RuntimeId::vllm, 1, "h100-sxm-80gb", 8, "llama-3.1-70b-instruct");
  on_nvlink.workload.prompt_tokens = 8000;
  SizingRequest on_pcie = on_nvlink;
  on_pcie.card.interconnect = "pcie4";
  const TrafficEstimate fast = traffic_of(on_nvlink);
  const TrafficEstimate slow = traffic_of(on_pcie);
  CHECK(slow.ttft_s.median > 1.5 * fast.ttft_s.median);
  CHECK(slow.itl_s.mean > fast.itl_s.mean);
  CHECK(slow.itl_s.mean / fast.itl_s.mean < 0.5 * slow.ttft_s.median / fast.ttft_s.median);
}

TEST_CASE("engines: serving prefill on AMD Instinct runs below the NVIDIA-fitted rate",
          "[speed][engine]") {
  using speed::CardClass;
  CHECK(speed::engine_prefill_scale(CardClass::nvidia_hbm, false) == 1.0);
  CHECK(speed::engine_prefill_scale(CardClass::nvidia_hbm, true) == 1.0);
  const double dense = speed::engine_prefill_scale(CardClass::amd_hbm, false);
  const double moe = speed::engine_prefill_scale(CardClass::amd_hbm, true);
  CHECK(dense < 1.0);
  // The MoE scale multiplies the engine's own MoE prefill factor (SGLang's Triton rate on NVIDIA):
  // ROCm's fused MoE still runs below it.
  CHECK(moe < 1.0);
  // A lone 8k-token prompt on one MI300X against the same card classed as NVIDIA HBM: the card
  // classes alone put the TTFTs 1.26x apart (the scale at 1.0), the serving scale adds
  // its 1 / 0.62 on the prefill (1.91 with it).
  SizingRequest amd = closed_loop(RuntimeId::vllm, 1, "mi300x");
  amd.workload.prompt_tokens = 8192;
  SizingRequest as_nvidia = amd;
  as_nvidia.card.vendor = "nvidia";
  const double on_amd = traffic_of(amd).ttft_s.median;
  const double on_nvidia = traffic_of(as_nvidia).ttft_s.median;
  CHECK(on_amd / on_nvidia > 1.6);
  CHECK(on_amd / on_nvidia < 2.2);
}

TEST_CASE("engine: the report names the release its serving figures describe", "[engine]") {
  // Issue 12: the per-runtime parameters are for given releases, and the speed note says which.
  for (RuntimeId runtime : {RuntimeId::vllm, RuntimeId::sglang, RuntimeId::trtllm, RuntimeId::tgi}) {
    auto report = size(request("llama-3.1-8b-instruct", "bf16", runtime, "h100-sxm-80gb"));
    REQUIRE(report);
    REQUIRE(report->speed);
    const speed::EngineParams* engine = speed::engine_params(runtime);
    REQUIRE(engine != nullptr);
    INFO(report->speed->model_note);
    CHECK(report->speed->model_note.find(std::string("engine figures of ") +
                                         runtime_profile(runtime).key + " " + engine->version) !=
          std::string::npos);
  }
  auto llama = size(request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090"));
  REQUIRE(llama);
  REQUIRE(llama->speed);
  CHECK(llama->speed->model_note.find("engine figures") == std::string::npos);
}

TEST_CASE("engines: TGI and SGLang prefill a burst's queued prompts together up to their budget",
          "[speed][engine][traffic]") {
  // TGI 2.x: max_batch_prefill_tokens defaults to max_input_tokens + 50 = 4145; the dstack runs
  // raised max_input_tokens to 125000 (budget 125050). SGLang: chunked_prefill_size 8192.
  SizingRequest r = closed_loop(RuntimeId::tgi, 16, "mi300x", 8, "llama-3.1-405b-instruct");
  r.workload.prompt_tokens = 80;
  r.workload.output_tokens = 57;
  ServiceTimes times;
  REQUIRE(evaluate(r, &times));
  CHECK(times.prefill_batch_s.size() == 4145 / 80);
  CHECK(times.decode_after_prefill);
  CHECK(times.first_prefill_alone);
  CHECK(times.waiting_served_ratio == Approx(0.3));
  CHECK(times.max_waiting_steps == 20);
  // A step of k prompts costs less than k lone prompts (the weights are read once).
  CHECK(times.prefill_batch_s[15] < 16 * times.prefill_batch_s[0]);
  r.knobs.max_num_batched_tokens = 125050;
  ServiceTimes raised;
  REQUIRE(evaluate(r, &raised));
  CHECK(raised.prefill_batch_s.size() ==
        std::min<std::size_t>(125050 / 80, raised.decode_step_s.size()));
  // A burst of 16: the first prompt runs alone, the other 15 in one step after it, so they all
  // get their first token together (dstack's n=16 TGI run: median TTFT 610 ms, p99 615 ms), and
  // the last sooner than one prompt a step lets it.
  auto batched = burst_traffic(raised, 16);
  ServiceTimes one_a_step = raised;
  one_a_step.prefill_batch_s.clear();
  auto serial = burst_traffic(one_a_step, 16);
  REQUIRE(batched);
  REQUIRE(serial);
  CHECK(batched->ttft_s.median > raised.prefill_s);
  CHECK(batched->ttft_s.p90 == Approx(batched->ttft_s.median));
  CHECK(batched->ttft_s.p90 < 0.8 * serial->ttft_s.p90);
  CHECK(batched->output_tokens_per_s > serial->output_tokens_per_s);
  // TGI's per-all-reduce extra (torch.distributed, no custom kernel) and no overlap of its host
  // work; the engines with a custom all-reduce get none.
  const Card mi300x = *headroom::test::catalog().find_card("mi300x").value();
  const Card h100 = *headroom::test::catalog().find_card("h100-sxm-80gb").value();
  CHECK(speed::engine_allreduce_extra_s(RuntimeId::tgi, mi300x) == Approx(40e-6));
  // NCCL over the custom kernel on NVIDIA: 15.7 - 4.5 us at TP8 on H100.
  CHECK(speed::engine_allreduce_extra_s(RuntimeId::tgi, h100) == Approx(11.2e-6));
  CHECK(speed::engine_allreduce_extra_s(RuntimeId::vllm, mi300x) == 0);
  CHECK(speed::engine_allreduce_extra_s(RuntimeId::sglang, h100) == 0);

  SizingRequest s = closed_loop(RuntimeId::sglang, 4);
  ServiceTimes sg;
  REQUIRE(evaluate(s, &sg));
  CHECK(sg.prefill_batch_s.size() == 8192 / 233);
  CHECK_FALSE(sg.decode_after_prefill);
  CHECK(sg.waiting_served_ratio == 0);
  // vLLM mixes prompts into its decode steps: no prefill batches of their own.
  ServiceTimes v;
  REQUIRE(evaluate(closed_loop(RuntimeId::vllm, 4), &v));
  CHECK(v.prefill_batch_s.empty());
  CHECK(speed::prefill_batching(RuntimeId::trtllm).batches_prompts == false);
}

TEST_CASE("engines: TensorRT-LLM holds sliding-window layers at full length", "[engine][memory]") {
  // gpt-oss alternates 128-token sliding-window layers with full ones. TensorRT-LLM gives every
  // layer blocks for the whole sequence unless kv_cache_config.max_attention_window is set, so a
  // sequence costs all layers' KV for all its tokens; vLLM's sliding layers stop at the window.
  SizingRequest r = request("gpt-oss-120b", "mxfp4", RuntimeId::trtllm, "h100-sxm-80gb");
  r.workload.prompt_tokens = 216;
  r.workload.output_tokens = 200;  // 416 tokens: 13 of TensorRT-LLM's 32-token blocks
  r.workload.users = 1000;
  r.with_advice = false;
  auto trt = size(r);
  REQUIRE(trt);
  const std::uint64_t per_sequence = 416 * trt->memory.kv_bytes_per_token;
  REQUIRE(per_sequence > 0);
  CHECK(trt->max_users == trt->memory.kv_cache_capacity_bytes / per_sequence);
  // vLLM's 18 sliding layers hold 128 of the 416 tokens (16-token blocks divide both): a
  // sequence needs (18 x 416 + 18 x 128) / (36 x 416) = 0.65 of TensorRT-LLM's. On an H200, where
  // vLLM's start-up leaves room for the KV cache.
  r.runtime = RuntimeId::vllm;
  r.card = *headroom::test::catalog().find_card("h200-sxm-141gb").value();
  r.knobs.max_num_seqs = 8192;  // past its default 1024, so the KV cache sets max users
  auto vllm = size(r);
  REQUIRE(vllm);
  REQUIRE(vllm->max_users > 0);
  CHECK(vllm->memory.kv_bytes_per_token == trt->memory.kv_bytes_per_token);
  CHECK(vllm->max_users > vllm->memory.kv_cache_capacity_bytes / per_sequence * 3 / 2);
}

TEST_CASE("engines: vLLM's async scheduling overlaps the host's step with the GPU's",
          "[speed][engine]") {
  // At a large batch the host's per-sequence work is most of a small model's step: with
  // --async-scheduling the step is the larger of host and GPU, never more than without it,
  // and at least the host's share.
  auto itl = [](bool async, std::uint64_t users) {
    SizingRequest r = closed_loop(RuntimeId::vllm, users, "h100-sxm-80gb", 1, "gpt-oss-20b");
    r.weight_format = "mxfp4";
    r.traffic.arrival = Arrival::burst;
    if (async) r.knobs.async_scheduling = true;
    auto report = size(r);
    REQUIRE(report);
    REQUIRE(report->speed);
    return report->speed->inter_token_latency_s;
  };
  CHECK(itl(true, 512) < 0.95 * itl(false, 512));
  CHECK(itl(true, 1) <= itl(false, 1));
  // SGLang and TensorRT-LLM overlap their own schedulers: the option is vLLM's.
  SizingRequest sglang = closed_loop(RuntimeId::sglang, 4);
  sglang.knobs.async_scheduling = true;
  auto refused = size(sglang);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "async_scheduling");
}
