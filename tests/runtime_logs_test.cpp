// Acceptance cases from public runtime start-up logs: each case names the model, format, card,
// runtime version and settings, the logged numbers and where the log is published, and states
// its tolerance. SGLang logs "GB" for GiB (it divides by 1 << 30). Logged figures a request
// document can reproduce are rows of tests/data/memory_validation.json (SGLang pools and
// fractions, llama.cpp KV and compute buffers, llm-d's vLLM terms); these are the rest.
#include <catch2/catch.hpp>

#include <cmath>
#include <optional>
#include <string_view>

#include "base/release.h"
#include "config_fixtures.h"
#include "headroom/catalog.h"
#include "headroom/sizing.h"
#include "headroom/units.h"
#include "runtime/kv_layout.h"
#include "runtime/memory.h"
#include "runtime/vllm_defaults.h"
#include "sizing_fixtures.h"

using namespace headroom;
using test::catalog;
using test::gib;
using test::mib;
using test::request;

namespace {

// The report's memory line of that name; an empty item (0 bytes, no note) when it has none.
MemoryItem item_named(const SizingReport& report, std::string_view name) {
  for (const auto& item : report.memory.items)
    if (item.name == name) return item;
  return {};
}

}  // namespace

TEST_CASE("SGLang acceptance: a desktop card that also drives a display",
          "[sizing][acceptance][sglang]") {
  // jerryzsj/my-deepseek-r1 README (2025-02-04, SGLang docker under WSL2, RTX 3090 with the
  // Windows desktop on it): DeepSeek-R1-Distill-Qwen-7B bf16, TP1, mem_fraction_static 0.88,
  // chunked_prefill_size 2048: "Load weight begin. avail mem=22.76 GB", "Load weight end ...
  // avail mem=8.37 GB", K 2.82 + V 2.82 GB, max_total_num_tokens 105531.
  // The card shows 22.76 GiB free at start where a dedicated 3090 shows about 23.3: the desktop
  // holds the rest, and SGLang's pool shrinks by 0.88 x that. Headroom cannot see a desktop, so
  // it over-predicts this pool by the desktop's share; the check bounds that error at 0.75 GiB.
  auto r = request("deepseek-r1-distill-qwen-7b", "bf16", RuntimeId::sglang, "rtx-3090");
  r.knobs.gpu_memory_utilization = 0.88;
  auto report = size(r);
  REQUIRE(report);
  const double kv = gib(report->memory.kv_cache_capacity_bytes);
  CHECK(kv >= 5.64);
  CHECK(kv <= 5.64 + 0.75);
  // The same rule fed with the log's own free memory lands on the logged pool:
  // 8.37 - 22.76 x 0.12 = 5.64 GiB = 105531 tokens x 57344 bytes.
  CHECK(report->memory.kv_bytes_per_token == 28u * 2 * 4 * 128 * 2);
  CHECK(8.37 - 22.76 * (1 - 0.88) == Approx(105531.0 * 57344 / kGiB).margin(0.01));
}

TEST_CASE("SGLang default mem_fraction_static on a small card", "[sizing][sglang]") {
  // server_args.py _handle_gpu_memory_settings (sgl-project/sglang PR #10975, v0.5.4 and later;
  // the H100 and H200 fractions its logs print are rows of tests/data/memory_validation.json).
  // Smaller cards keep more of the card: 2048-token chunks and 24 CUDA graphs on a 24 GB card:
  // reserved 512 + 3072 + 48 + 128 = 3760 MiB of 24248 -> 0.845.
  auto small = size(request("llama-3.1-8b-instruct", "bf16", RuntimeId::sglang, "rtx-4090"));
  REQUIRE(small);
  const double mib = 23.68 * 1024;
  CHECK(small->inputs.gpu_memory_utilization ==
        Approx(std::round((mib - 3760) / mib * 1000) / 1000).margin(0.0005));
}

TEST_CASE("vLLM acceptance: gpt-oss-120b start-ups on one H100 80GB that fail",
          "[sizing][acceptance][vllm]") {
  // Both runs leave max_model_len at vLLM's default, the model's 131072 tokens, which the
  // requests below pass explicitly. vLLM checks at start-up that one such sequence fits
  // (kv_cache_utils.check_enough_kv_cache_memory) and exits otherwise, so neither is "fits".
  auto run = [](const char* card, double util, std::uint64_t batched) {
    auto r = request("gpt-oss-120b", "native", RuntimeId::vllm, card);
    r.knobs.gpu_memory_utilization = util;
    r.knobs.max_model_len_tokens = 131072;
    r.knobs.max_num_batched_tokens = batched;
    return size(r);
  };
  auto non_torch = [](const SizingReport& report) {
    return gib(item_named(report, "non-torch memory").bytes);
  };
  // vLLM's budget rule with the weights of a given MXFP4 backend, on the H100's 79.18 GiB.
  auto kv_with = [&](const SizingReport& report, double util, double weights_gib) {
    return util * gib(report.memory.capacity_bytes) - weights_gib -
           gib(report.memory.activation_bytes) - non_torch(report);
  };
  // The same checkpoint under vLLM's two MXFP4 MoE backends on an 80 GB card: an A100 runs the
  // FP4 Marlin kernel (mxfp4.py get_mxfp4_backend: triton_kernels needs capability >= 9.0), an
  // H100 of a recent release runs triton_kernels.
  auto h100 = run("h100-sxm-80gb", 0.9, 8192);
  auto a100 = run("a100-sxm-80gb", 0.9, 8192);
  REQUIRE(h100);
  REQUIRE(a100);
  const double triton_gib = gib(h100->memory.weights_bytes);
  const double marlin_gib = gib(a100->memory.weights_bytes);

  // vllm-project/vllm issue #23278 (2025-08-20, vLLM 0.10.1, `vllm serve openai/gpt-oss-120b`,
  // all defaults: gpu_memory_utilization 0.9, max_num_batched_tokens 8192): "Your GPU does not
  // have native support for FP4 computation ... Weight-only FP4 compression will be used
  // leveraging the Marlin kernel" (that build had no triton_kernels package, so
  // get_mxfp4_backend fell back to Marlin on the H100), "Model loading took 65.9651 GiB",
  // "Available KV cache memory: -2.14 GiB", "EngineCore failed to start".
  // Headroom's Marlin layout (create_weights pads each expert's intermediate 2880 -> 2944 and
  // hidden 2880 -> 3072) weighs 65.90 GiB: 0.1% under the log. Tolerance 0.3%.
  CHECK(marlin_gib == Approx(65.9651).epsilon(0.003));
  // Either backend leaves no KV budget at these settings.
  CHECK(h100->verdict == Verdict::does_not_fit);
  CHECK(h100->verdict_reason.find("cannot start") != std::string::npos);
  // With Headroom's Marlin weights, its activation and non-torch terms land on the logged
  // budget within 0.15 GiB.
  CHECK(kv_with(*h100, 0.9, marlin_gib) == Approx(-2.14).margin(0.15));

  // vllm-project/vllm issue #33155 (2026-01-27, vLLM 0.14.1, uv run, one H100): "Using Triton
  // backend", "Model loading took 64.38 GiB memory". Headroom's Triton layout (the checkpoint,
  // fp32 expert biases, and the block scales held twice: process_weights_after_loading keeps
  // layer.w13_weight_scale while the swizzled copy, rows padded to 256, goes to the kernel's
  // PrecisionConfig) weighs 64.30 GiB: 0.1% under the log. Tolerance 0.3%.
  CHECK(triton_gib == Approx(64.38).epsilon(0.003));
  // The two backends differ by 1.6 GiB on one card: the "1.5 GiB less KV budget" between
  // logs of the same settings.
  CHECK(marlin_gib - triton_gib == Approx(65.9651 - 64.38).margin(0.1));

  // vllm-project/vllm issue #27508 (comment of 2025-10-31, vLLM V1 of that month,
  // gpu_worker.py:298, a conda env with pip-installed vllm on Python 3.13):
  // `vllm serve openai/gpt-oss-120b --gpu-memory-utilization 0.95 --max-num-batched-tokens
  // 1024`: "Available KV cache memory: 1.71 GiB", then "EngineCore failed to start" asking for a
  // shorter context or more memory (131072 tokens need 4.5 GiB).
  auto triton = run("h100-sxm-80gb", 0.95, 1024);
  REQUIRE(triton);
  CHECK(triton->verdict == Verdict::does_not_fit);
  CHECK(triton->verdict_reason.find("refuses to start") != std::string::npos);
  // The quoted log names no backend. With Marlin weights (what a build without triton_kernels
  // ran, as in #23278) the rule gives 1.86 GiB, 0.15 from the log; with Triton weights 3.45,
  // 1.7 from it. A Triton run cannot log less at a smaller max_num_batched_tokens than the
  // llm-d H100 profile of the same model at 0.95 and 8192 tokens (3.33 GiB, sizing_test), so
  // this run is taken as Marlin. Headroom sizes a current H100 as Triton: the case bounds the
  // error of that default instead of fitting to it.
  CHECK(kv_with(*triton, 0.95, marlin_gib) == Approx(1.71).margin(0.2));
  const double kv = gib(triton->memory.kv_cache_capacity_bytes);
  CHECK(kv >= 1.71);
  CHECK(kv <= 1.71 + 1.8);
}

TEST_CASE("vLLM acceptance: gpt-oss-120b on one H100 under v0.10.2 starts and serves",
          "[sizing][acceptance][vllm]") {
  // GPUStack Performance Lab, docs/performance-lab/gpt-oss-120b/h100.md (gpustack/gpustack):
  // vLLM v0.10.2, "NVIDIA H100 GPUs", `vllm serve openai/gpt-oss-120b --max-model-len 32768`
  // (gpu_memory_utilization 0.9, max_num_batched_tokens 8192, max_num_seqs 1024 by default),
  // then 1000 ShareGPT prompts at once: "Successful requests: 1000", output 2901.05 tok/s,
  // mean TPOT 54.10 ms. Until v0.11.0, vLLM's image sampled its profile run's 1024 dummy
  // requests with FlashInfer (no sort of the 201088-entry logits); later releases sort them.
  // GPUStack's runner images build FlashInfer in (gpustack/runner pack/cuda/Dockerfile).
  auto run = [](const char* version, const char* card) {
    auto r = request("gpt-oss-120b", "native", RuntimeId::vllm, card);
    r.knobs.max_model_len_tokens = 32768;
    if (version != nullptr) r.knobs.engine_version = version;
    r.workload.prompt_tokens = 215;
    r.workload.output_tokens = 195;
    return size(r);
  };
  auto v0102 = run("0.10.2", "h100-sxm-80gb");
  REQUIRE(v0102);
  // Profile peak from the source's buffers: 22 MiB + 14 B (bf16 + fp32 logits, top-k mask,
  // softmax) x 1024 x 201088 + 2.56 B x 8192 tokens x 2880 hidden.
  const double flashinfer_peak = 22.0 * kMiB + 14.0 * 1024 * 201088 + 2.56 * 8192 * 2880;
  CHECK(static_cast<double>(v0102->memory.activation_bytes) ==
        Approx(flashinfer_peak).epsilon(1e-6));
  // The run started: one 32768-token sequence fits (kv_cache_utils check_enough_kv_cache_memory).
  CHECK(v0102->verdict != Verdict::does_not_fit);
  // ... and kept about 157 sequences decoding at once (2901.05 tok/s x 54.10 ms, Little's law),
  // which the KV cache must hold at these lengths.
  CHECK(v0102->max_users >= 157);

  // A current release on the same card sorts the logits (38.1 B per entry) and cannot hold a
  // 32768-token sequence: 0.57 GiB short, as before.
  auto current = run(nullptr, "h100-sxm-80gb");
  auto v0111 = run("0.11.1", "h100-sxm-80gb");
  REQUIRE(current);
  REQUIRE(v0111);
  CHECK(current->verdict == Verdict::does_not_fit);
  CHECK(v0111->memory.activation_bytes == current->memory.activation_bytes);
  CHECK(gib(current->memory.activation_bytes - v0102->memory.activation_bytes) ==
        Approx(24.1 * 1024 * 201088 / kGiB).epsilon(1e-6));
  // A v0.10 build named with a "v" samples with FlashInfer as well; v0.11.0, whose image did
  // too, stays on the sort path for now (runtime/vllm_sampler.cpp kLastFlashInferMinor).
  auto v0101 = run("v0.10.1", "h100-sxm-80gb");
  auto v0110 = run("0.11.0", "h100-sxm-80gb");
  REQUIRE(v0101);
  REQUIRE(v0110);
  CHECK(v0101->memory.activation_bytes == v0102->memory.activation_bytes);
  CHECK(v0110->memory.activation_bytes == current->memory.activation_bytes);
  // FlashInfer is CUDA only: a ROCm build of the same release keeps the sort path.
  auto rocm = run("rocm/vllm:rocm7.0.0_vllm_0.10.2_20251006", "mi300x");
  auto rocm_current = run(nullptr, "mi300x");
  REQUIRE(rocm);
  REQUIRE(rocm_current);
  CHECK(rocm->memory.activation_bytes == rocm_current->memory.activation_bytes);
}

TEST_CASE("vLLM acceptance: gpt-oss-120b on one H100 under v0.14.1 at utilization 0.97",
          "[sizing][acceptance][vllm]") {
  // vllm-project/vllm issue #33155 (2026-01-27, vLLM 0.14.1, uv run, one H100), second start-up:
  // `vllm serve openai/gpt-oss-120b --gpu-memory-utilization 0.97 -O3 --enable-chunked-prefill
  // --enable-prefix-caching --async-scheduling --max_num_seqs 1 --max-model-len 5120`: "Using
  // Triton backend", "Model loading took 64.38 GiB memory", "compile range (1, 5120)" (the
  // default max_num_batched_tokens cut to max_num_seqs x max_model_len), then out of memory. The
  // stored thread ends at "torch.compile takes 4.51 s in total": which step failed is not shown.
  // What the source of that release says about the settings:
  // - -O3 is -O2, the default (vllm/config/vllm.py: OPTIMIZATION_LEVEL_03 repeats
  //   OPTIMIZATION_LEVEL_02, FULL_AND_PIECEWISE graphs, no max-autotune), so it adds nothing.
  // - gpt-oss raises max_cudagraph_capture_size to 1024 (vllm/model_executor/models/config.py
  //   GptOssForCausalLMConfig, "from 67 to 83" graphs); before v0.21 they are captured after the
  //   KV cache is allocated, outside the budget.
  // - The KV budget is gpu_memory_utilization x total - (weights + profile peak + non-torch
  //   increase) (gpu_worker.py determine_available_memory, mem_utils non_kv_cache_memory): the
  //   CUDA context held at start-up is outside it as well.
  // So 3% of the card must hold the context, the graphs and whatever is allocated after the KV
  // cache. Headroom counts 0.61 + 0.40 GiB there and leaves 1.37 GiB free; the log shows vLLM
  // needed more. gpt-oss-120b's graph pool on this card measured 660 MiB in issue #27508's
  // out-of-memory report (v0.11, "660.00 MiB allocated in private pools"), which closes 0.25 GiB
  // of it. The rest is not identified; the case bounds Headroom's miss instead of fitting it.
  auto r = request("gpt-oss-120b", "native", RuntimeId::vllm, "h100-sxm-80gb");
  r.knobs.engine_version = "0.14.1";
  r.knobs.gpu_memory_utilization = 0.97;
  r.knobs.max_model_len_tokens = 5120;
  r.knobs.max_num_seqs = 1;
  r.knobs.prefix_caching = true;
  auto report = size(r);
  REQUIRE(report);
  CHECK(gib(report->memory.weights_bytes) == Approx(64.38).epsilon(0.003));
  // One dummy request through the sort path and the 5120-token budget the log compiled for:
  // 22 MiB + 38.1 B x 1 x 201,088 entries + 2.56 B x 5120 tokens x 2880 hidden.
  const double peak = 22.0 * kMiB + 38.1 * 201088 + 2.56 * 5120 * 2880;
  CHECK(static_cast<double>(report->memory.activation_bytes) == Approx(peak).epsilon(1e-6));
  CHECK(report->max_users <= 1);
  // The budget rule leaves the rest of 0.97 x 79.18 GiB to the KV cache: 12.3 GiB.
  CHECK(gib(report->memory.kv_cache_capacity_bytes) ==
        Approx(0.97 * gib(report->memory.capacity_bytes) - gib(report->memory.weights_bytes) -
               gib(report->memory.activation_bytes) - 0.13)
            .margin(0.005));
  const MemoryItem graph_item = item_named(*report, "CUDA graphs");
  const std::uint64_t graphs = graph_item.bytes;
  const std::string& graphs_note = graph_item.note;
  CHECK(graphs_note.find("outside the budget") != std::string::npos);
  const double capacity = gib(report->memory.capacity_bytes);
  const double outside = (1 - 0.97) * capacity;  // what the budget leaves of the card
  CHECK(outside == Approx(2.38).margin(0.01));
  // Headroom's free memory is what it leaves of those 2.38 GiB after the context and graphs.
  const double free_gib = static_cast<double>(report->memory.free_bytes) / kGiB;
  CHECK(free_gib == Approx(outside - gib(kCudaContextBytes) - gib(graphs)).margin(0.005));
  CHECK(free_gib == Approx(1.37).margin(0.01));
  // The miss is bounded by the room outside the budget: more than the 0.25 GiB the measured
  // graph pool explains, less than the 1.77 GiB the context leaves.
  CHECK(free_gib > 0.66 - gib(graphs));
  CHECK(free_gib < outside - gib(kCudaContextBytes));
  CHECK(report->verdict != Verdict::does_not_fit);  // the known miss: flip it once explained
}

TEST_CASE("llama.cpp acceptance: Mamba-2 recurrent state of a 52-layer Nemotron-H MoE",
          "[sizing][acceptance][llamacpp][hybrid]") {
  // ollama/ollama issue #17692 (2026-08-12, Ollama's llama.cpp engine, ROCm, one sequence),
  // model "nemotron3.5-lightning:30b":
  //   "llama_memory_recurrent: size = 47.62 MiB (1 cells, 52 layers, 1 seqs 0 rs_seq),
  //    R (f32): 1.62 MiB, S (f32): 46.00 MiB".
  // That model is not
  // Nemotron 3 Nano, but the two figures pin its 23 Mamba-2 layers to Nano's shapes: R = 23 x
  // (K - 1) x (d_inner + 2 G N) x 4 B with K 4, d_inner 4096, G 8, N 128 is 1.617 MiB and S = 23
  // x d_inner x N x 4 B is 46.00 MiB. Headroom's llama.cpp state for Nemotron 3 Nano (same
  // pattern of 52 layers, 23 of them Mamba-2) must land on the logged sizes.
  const auto& arch = catalog().find_model("nemotron-3-nano-30b-a3b").value()->arch;
  const StateElements e = recurrent_state_elements(arch);
  CHECK(mib(e.conv * 4) == Approx(1.62).margin(0.005));
  CHECK(mib(e.ssm * 4) == Approx(46.00).margin(0.005));
  const KvLayout layout = make_kv_layout(arch, 2.0, RuntimeId::llamacpp, 1, false);
  CHECK(mib(layout.state_bytes_per_sequence) == Approx(47.62).margin(0.005));
  CHECK(arch.num_layers == 52);
}

TEST_CASE("llama.cpp acceptance: sliding-window cache per stream, padded to 256",
          "[sizing][acceptance][llamacpp]") {
  // Gemma 3 270M (google/gemma-3-270m config.json: 18 layers, five sliding (window 512) then one
  // full, 1 KV head x 256, so 1 KiB of f16 K+V per cell and layer). Measured KV buffers of live
  // llama-server runs, f16 KV, default n_ubatch 512, -np as given:
  //  - unslothai/unsloth PR #5225 (2026-05-03, "verified bit-exact" against llama-server):
  //    ctx 4096 with -np 1/2/4/8: 27/42/72/72 MiB; ctx 8192 with -np 1/2: 39/54 MiB;
  //  - unslothai/unsloth PR #7530 (2026-07-28, llama.cpp build 10107 / 857c97607): ctx 1024 with
  //    3 slots: 1536 cells, 27.0 MiB; with 4 slots: 1024 cells, 18.0 MiB (n_ctx_seq rounds up).
  // The log figures alone fix the shape: 8192 - 4096 tokens add 12 MiB = 3 full layers x 1 KiB.
  // Each stream's sliding cache is PAD(min(n_ctx_seq, 512 + 512), 256) cells (llama-kv-cache-
  // iswa.cpp); before this rule Headroom held one window + ubatch for all slots (27 MiB at -np 2).
  // Tolerance: exact.
  auto arch = parse_hf_config(R"({"model_type": "gemma3_text", "hidden_size": 640,
    "intermediate_size": 2048, "num_hidden_layers": 18, "num_attention_heads": 4,
    "num_key_value_heads": 1, "head_dim": 256, "sliding_window": 512, "vocab_size": 262144,
    "max_position_embeddings": 32768, "layer_types": [
    "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention",
    "sliding_attention", "full_attention", "sliding_attention", "sliding_attention",
    "sliding_attention", "sliding_attention", "sliding_attention", "full_attention",
    "sliding_attention", "sliding_attention", "sliding_attention", "sliding_attention",
    "sliding_attention", "full_attention"]})",
                              "gemma-3-270m");
  REQUIRE(arch);
  struct Row {
    std::uint64_t ctx;
    std::uint32_t slots;
    double kv_mib;
  };
  const Row rows[] = {{4096, 1, 27}, {4096, 2, 42}, {4096, 4, 72}, {4096, 8, 72},
                      {8192, 1, 39}, {8192, 2, 54}, {1024, 3, 27}, {1024, 4, 18}};
  for (const Row& row : rows) {
    INFO("ctx " << row.ctx << ", -np " << row.slots);
    SizingRequest r;
    r.model = arch.value();
    r.weight_format = "q8_0";
    r.runtime = RuntimeId::llamacpp;
    r.card = *catalog().find_card("rtx-4090").value();
    r.workload = {64, 64, 1};
    r.knobs.ctx_size_tokens = row.ctx;
    r.knobs.parallel_slots = row.slots;
    auto report = size(r);
    REQUIRE(report);
    CHECK(mib(report->memory.kv_cache_capacity_bytes) == Approx(row.kv_mib).epsilon(1e-9));
  }
}

TEST_CASE("llama.cpp acceptance: Gated DeltaNet state cells of a Qwen3.5 GGUF",
          "[sizing][acceptance][llamacpp]") {
  // JamePeng/llama-cpp-python issue #78 (llama.cpp under llama-cpp-python, CUDA0, one
  // sequence): a 32-layer qwen35 GGUF whose log skips the recurrent state on layers 3, 7, ...,
  // 31 (the 8 full-attention layers) and prints "llama_memory_recurrent: size = 50.25 MiB
  // (1 cells, 32 layers, 1 seqs), R (f32): 2.25 MiB, S (f32): 48.00 MiB": per Gated DeltaNet
  // layer 96 KiB of f32 conv state (3 x (2 x 16 x 128 + 32 x 128) x 4 B) and 2 MiB of f32 delta
  // state (32 x 128 x 128 x 4 B). Qwen3.5-35B-A3B has the same GDN heads (16 key, 32 value, 128
  // wide, conv 4; its catalog config) on 30 of its 40 layers, so llama.cpp keeps
  // 30 x (96 KiB + 2 MiB) per slot, and KV only on its 10 full-attention layers.
  // Tolerance: exact.
  const double per_layer_mib = (2.25 + 48.00) / 24;
  auto r = request("qwen3.5-35b-a3b", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  r.workload = {1024, 1024, 1};
  r.knobs.ctx_size_tokens = 8192;
  for (std::uint32_t slots : {1u, 4u}) {
    INFO("-np " << slots);
    r.knobs.parallel_slots = slots;
    auto report = size(r);
    REQUIRE(report);
    CHECK(mib(report->memory.state_bytes_per_sequence) == Approx(30 * per_layer_mib));
    // 10 layers x 2 KV heads x 256 x (K + V) x f16 = 20 KiB per token over n_ctx 8192.
    CHECK(report->memory.kv_bytes_per_token == 10u * 2 * 256 * 2 * 2);
    CHECK(mib(report->memory.kv_cache_capacity_bytes) ==
          Approx(8192.0 * 20 / 1024 + slots * 30 * per_layer_mib));
  }
}

TEST_CASE("vLLM acceptance: Qwen3.6-35B-A3B hybrid pool, blocks and concurrency",
          "[sizing][acceptance][vllm]") {
  // noonghunna/club-3090 issues #612 and #652 (RTX 5090, vLLM v0.24.0, Qwen3.6-35B-A3B NVFP4,
  // kv_cache_dtype fp8, max_model_len 131072, max_num_seqs 1, enable_prefix_caching True):
  //   #612: "Available KV cache memory: 5.98 GiB", "GPU KV cache size: 567,978 tokens",
  //         "Maximum concurrency for 131,072 tokens per request: 4.33x";
  //   #652: 6.01 GiB, 569,878 tokens, 4.35x.
  // Headroom's vLLM layout for the model: 10 full-attention layers of 2 KV heads x 256 x (K + V)
  // in fp8 (1,024 B per token and layer), 30 Gated DeltaNet layers whose state page (bf16 conv
  // 49,152 B + f32 delta state 2,097,152 B, the config's mamba_ssm_dtype) sets the block to
  // 16 x cdiv(2,146,304, 16 x 1,024) = 2,096 tokens. vLLM groups the 40 layers into 4 groups of
  // 10 (1 attention, 3 GDN) over one pool of 10 x 2,096 x 1,024 B blocks; a request holds
  // cdiv(131072, 2096) = 63 attention blocks and, with prefix caching (mamba_cache_mode
  // "align"), 2 blocks per GDN group: MambaManager keeps the previous step's state block until
  // the next step frees it (single_type_kv_cache_manager.py, last_state_block_idx). The
  // logged pools reproduce exactly: floor(5.98 GiB / 21,463,040 B) = 299 blocks,
  // 299 / (63 + 3 x 2) x 131072 = 567,978 tokens; 300 blocks -> 569,878.
  // Headroom's --prefix-caching on holds those 2 blocks per GDN group; with it off (the "none"
  // mode, one block) the concurrency at these lengths would be 299 / 66 = 4.53x, 4.6% high.
  const auto& arch = catalog().find_model("qwen3.6-35b-a3b").value()->arch;
  const KvLayout layout = make_kv_layout(arch, 1.0, RuntimeId::vllm, 1, false);
  REQUIRE(layout.groups.size() == 1);
  const std::uint64_t per_token = layout.groups[0].bytes_per_token;
  CHECK(per_token == 10u * 2 * 256 * 2);
  CHECK(layout.min_block_tokens == 2096);
  const std::uint64_t block_bytes = layout.min_block_tokens * per_token;  // one 10-layer block
  // The padded state of the 30 GDN layers is three group blocks.
  CHECK(layout.state_bytes_per_sequence == 3 * block_bytes);
  struct Row {
    double available_gib;
    double tokens;
    double concurrency;
  };
  for (const Row& row : {Row{5.98, 567978, 4.33}, Row{6.01, 569878, 4.35}}) {
    INFO(row.available_gib << " GiB");
    const auto blocks = static_cast<std::uint64_t>(row.available_gib * kGiB) / block_bytes;
    const std::uint64_t attention_blocks = (131072 + layout.min_block_tokens - 1) /
                                           layout.min_block_tokens;
    const std::uint64_t state_groups = layout.state_bytes_per_sequence / block_bytes;
    const double align = static_cast<double>(blocks) /
                         static_cast<double>(attention_blocks + 2 * state_groups);
    CHECK(std::floor(align * 131072) == row.tokens);
    CHECK(align == Approx(row.concurrency).margin(0.005));
    // Headroom's own per-request cost: with prefix caching it is the logged concurrency;
    // without, one state block per group.
    const KvLayout cached = make_kv_layout(arch, 1.0, RuntimeId::vllm, 1, false, true);
    const double with_cache = static_cast<double>(blocks * block_bytes) /
                              static_cast<double>(cached.bytes_for(131072, 1, 2096, 0));
    CHECK(std::floor(with_cache * 131072) == row.tokens);
    const double without = static_cast<double>(blocks * block_bytes) /
                           static_cast<double>(layout.bytes_for(131072, 1, 2096, 0));
    CHECK(without == Approx(row.concurrency * 69.0 / 66.0).epsilon(0.002));
  }
  // The request knob reaches the layout: max users at 131072 tokens on the logged pool's card.
  auto r = request("qwen3.6-35b-a3b", "native", RuntimeId::vllm, "rtx-5090");
  r.kv_dtype = "fp8";
  r.knobs.max_model_len_tokens = 131072;
  r.workload = {131072 - 1024, 1024, 1};
  auto off = size(r);
  r.knobs.prefix_caching = true;
  auto on = size(r);
  REQUIRE(off);
  REQUIRE(on);
  // The report's state per sequence counts both blocks prefix caching holds.
  CHECK(on->memory.state_bytes_per_sequence == 2 * off->memory.state_bytes_per_sequence);
  CHECK(on->memory.kv_cache_bytes - off->memory.kv_cache_bytes ==
        layout.state_bytes_per_sequence);
  CHECK(on->max_users <= off->max_users);
  auto sglang = request("qwen3.6-35b-a3b", "native", RuntimeId::sglang, "rtx-5090");
  sglang.knobs.prefix_caching = true;
  auto refused_knob = size(sglang);
  REQUIRE_FALSE(refused_knob);
  CHECK(refused_knob.error().field == "prefix_caching");
}

TEST_CASE("llama.cpp acceptance: Qwen3-Next-80B-A3B keeps KV on its 12 attention layers only",
          "[sizing][acceptance][llamacpp]") {
  // ROCm/TheRock issue #2595 (llama.cpp with a TheRock ROCm dev tarball on gfx1151, the
  // Radeon 8060S of a Ryzen AI Max+ 395; the quoted log shows no build number):
  // Qwen3-Next-80B-A3B-Instruct-Q4_K_M.gguf, 49/49 layers offloaded, n_seq_max 1, n_ctx 300032
  // (-c 300000 padded to 256), flash_attn auto, f16 K/V. The log filters layers 0-2, 4-6, ...
  // out of the KV cache, skips 3, 7, ..., 47 in the recurrent one, and prints
  // "llama_kv_cache: size = 7032.00 MiB (300032 cells, 12 layers, 1/1 seqs), K (f16):
  // 3516.00 MiB, V (f16): 3516.00 MiB": 12 layers x 2 KV heads x 256 x (K + V) x 2 B = 24 KiB
  // per cell. Its recurrent line is not in the quoted part; the 36 Gated DeltaNet layers have
  // the heads of the Qwen3.5 GGUF of JamePeng/llama-cpp-python issue #78 (16 key, 32 value,
  // 128 wide, conv 4), whose log gives (2.25 + 48.00) MiB over 24 layers.
  // Tolerance: exact.
  auto r = request("qwen3-next-80b-a3b-thinking", "q4_k_m", RuntimeId::llamacpp,
                   "ryzen-ai-max-plus-395");
  r.workload = {1024, 1024, 1};
  r.knobs.ctx_size_tokens = 300000;
  r.knobs.parallel_slots = 1;
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->inputs.ctx_size_tokens == 300032u);
  CHECK(report->memory.kv_bytes_per_token == 12u * 2 * 256 * 2 * 2);
  const double state_mib = mib(report->memory.state_bytes_per_sequence);
  CHECK(state_mib == Approx(36 * (2.25 + 48.00) / 24));
  CHECK(mib(report->memory.kv_cache_capacity_bytes) - state_mib == Approx(7032.00));
}

TEST_CASE("llama.cpp acceptance: GLM-4.7 q8_0 KV over two GPUs (layer split)",
          "[sizing][acceptance][llamacpp]") {
  // ggml-org/llama.cpp issue #18585 (llama-server, Vulkan, 2x RTX PRO 6000 Blackwell;
  // `-hf unsloth/GLM-4.7-GGUF:Q5_K_XL -c 200000 --flash-attn on -ub 2048 --parallel 1
  // --kv-unified -ctk q8_0 -ctv q8_0 --device Vulkan0,Vulkan1`): "llama_kv_cache: layer  92: does
  // not have KV cache", "Vulkan0 KV buffer size = 12878.56 MiB", "Vulkan1 KV buffer size =
  // 25341.69 MiB", "llama_kv_cache: size = 38220.25 MiB (200192 cells,  92 layers,  1/1 seqs),
  // K (q8_0): 19110.12 MiB, V (q8_0): 19110.12 MiB". glm4_moe, 92 layers with 8 KV heads x 128
  // (the MTP layer holds none): 2 x 1088 B of q8_0 per layer and cell. The two devices hold the
  // layers they run (its -fit placed them unevenly); Headroom splits them evenly, so the sum is
  // what is checked: every GPU holds whole layers, each with all its KV heads (before, llama.cpp's
  // heads were also divided by the GPU count, which put a quarter of the cache on each).
  // Catalog GLM-4.7-FP8 has GLM-4.7's shapes; the GGUF's weight type does not enter the KV cache.
  // Tolerance: exact (one byte of rounding per GPU).
  auto r = request("glm-4.7-fp8", "q5_k_m", RuntimeId::llamacpp, "rtx-pro-6000-blackwell");
  r.gpus = 2;
  r.workload = {1024, 1024, 1};
  r.kv_dtype = "q8_0";
  r.knobs.ctx_size_tokens = 200000;
  r.knobs.parallel_slots = 1;
  r.knobs.ubatch_size_tokens = 2048;
  r.knobs.flash_attention = true;
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->inputs.ctx_size_tokens == 200192u);
  CHECK(report->memory.kv_bytes_per_token * 2 == 92u * 2 * 1088);
  CHECK(2 * mib(report->memory.kv_cache_capacity_bytes) == Approx(38220.25).margin(0.001));
  // One GPU holds it all.
  r.gpus = 1;
  auto one = size(r);
  REQUIRE(one);
  CHECK(mib(one->memory.kv_cache_capacity_bytes) == Approx(38220.25).margin(0.001));
}

TEST_CASE("vLLM acceptance: Nemotron-Nano-9B-v2 attention block of 672 tokens",
          "[sizing][acceptance][vllm]") {
  // vllm-project/vllm issue #24280 (2025-09-04, by tomeras91, vLLM main of that month): "in
  // hybrid mamba/attention models the KVCacheManager requires the mamba and attention page
  // sizes to match, which might cause large attention page sizes (672 tokens for
  // nvidia/NVIDIA-Nemotron-Nano-9B-v2)". The model's shapes, from its config.json
  // (huggingface.co/nvidia/NVIDIA-Nemotron-Nano-9B-v2): 56 layers in hybrid_override_pattern
  // (27 Mamba-2, 4 attention, 25 MLP), 128 Mamba heads x 80, 8 groups, state 128, conv 4;
  // 40 query heads, 8 KV heads x 128; hidden 4480, intermediate 15680, vocab 131072.
  // One bf16 attention token is 2 x 8 x 128 x 2 = 4,096 B; a Mamba layer's conv state is
  // 3 x (10,240 + 2 x 8 x 128) x 2 B = 73,728 B and its SSM state 128 x 80 x 128 elements.
  // vLLM of that month kept the SSM state in the model dtype (mamba_ssm_cache_dtype auto):
  // 16 x cdiv(73,728 + 2,621,440, 16 x 4,096) = 672, the logged block. Later releases override
  // an auto SSM dtype to float32 for NemotronH (NemotronHForCausalLMConfig), which Headroom
  // follows: 16 x cdiv(73,728 + 5,242,880, 65,536) = 1,312. Tolerance: exact.
  auto arch = parse_hf_config(R"({"model_type": "nemotron_h", "hidden_size": 4480,
    "intermediate_size": 15680, "num_hidden_layers": 56, "num_attention_heads": 40,
    "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 131072,
    "max_position_embeddings": 131072, "mamba_num_heads": 128, "mamba_head_dim": 80,
    "n_groups": 8, "ssm_state_size": 128, "conv_kernel": 4,
    "hybrid_override_pattern": "M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-"})",
                              "nemotron-nano-9b-v2");
  REQUIRE(arch);
  ModelArch then = arch.value();
  then.ssm_state_f32 = false;  // the September 2025 dtype rule
  for (std::uint32_t tp : {1u, 2u, 4u}) {
    INFO("TP " << tp);
    // Every shape divides by the TP size, so the block does not depend on it.
    CHECK(make_kv_layout(then, 2.0, RuntimeId::vllm, tp, false).min_block_tokens == 672);
    CHECK(make_kv_layout(arch.value(), 2.0, RuntimeId::vllm, tp, false).min_block_tokens == 1312);
  }
  const KvLayout now = make_kv_layout(arch.value(), 2.0, RuntimeId::vllm, 1, false);
  CHECK(now.bytes_per_token() == 4u * 4096);
  // 27 padded Mamba pages of 1,312 attention tokens each.
  CHECK(now.state_bytes_per_sequence == 27u * 1312 * 4096);
}

TEST_CASE("vLLM acceptance: Llama 4 Scout bf16 start-ups on H100s", "[sizing][acceptance][vllm]") {
  // vllm-project/vllm issue #16712 (2025-04-16, vLLM main of that day): Llama-4-Scout-17B-16E-
  // Instruct bf16 on 2 x H100 NVL, TP2, --gpu-memory-utilization 0.99 --max-model-len 1000
  // --kv-cache-dtype fp8, every combination "torch.OutOfMemoryError: CUDA out of memory. Tried
  // to allocate 1.25 GiB. GPU 1 has a total capacity of 93.02 GiB of which 1.18 GiB is free.
  // Process ... has 91.82 GiB memory in use": the weights alone needed more than
  // 91.82 + 1.25 GiB per GPU. Headroom's per-GPU share of the 107.8B bf16 weights is 100.4 GiB.
  auto nvl = request("llama-4-scout-17b-16e-instruct", "native", RuntimeId::vllm, "h100-nvl-94gb");
  nvl.gpus = 2;
  nvl.kv_dtype = "fp8";
  nvl.knobs.gpu_memory_utilization = 0.99;
  nvl.knobs.max_model_len_tokens = 1000;
  nvl.workload = {500, 500, 1};
  auto failed = size(nvl);
  REQUIRE(failed);
  CHECK(gib(failed->memory.capacity_bytes) == Approx(93.02).margin(0.05));
  CHECK(gib(failed->memory.weights_bytes) > 91.82 + 1.25);
  CHECK(failed->verdict == Verdict::does_not_fit);
  // Same issue family, #16330 (comment of 2025-04-09): the same checkpoint on 4 x H100 with
  // --tensor-parallel-size 4 --gpu-memory-utilization 0.95 --max-model-len 49152
  // --max-num-batched-tokens 8192 --max-num-seqs 256 --enforce-eager "was able to solve that
  // error": it starts. Headroom leaves 17 GiB of KV per GPU there.
  auto four = request("llama-4-scout-17b-16e-instruct", "native", RuntimeId::vllm,
                      "h100-sxm-80gb");
  four.gpus = 4;
  four.knobs.gpu_memory_utilization = 0.95;
  four.knobs.max_model_len_tokens = 49152;
  four.knobs.max_num_batched_tokens = 8192;
  four.workload = {1024, 1024, 1};
  auto started = size(four);
  REQUIRE(started);
  CHECK(started->verdict != Verdict::does_not_fit);
  CHECK(gib(started->memory.kv_cache_capacity_bytes) > 1.0);
}

TEST_CASE("SGLang acceptance: DeepSeek-V3.2 NSA pool cells on 8 x B200",
          "[sizing][acceptance][sglang]") {
  // sgl-project/sglang PR #11309 (2025-10-07, "Include indexer kv cache when estimating kv
  // cache size", SGLang main of that day): `python -m sglang.launch_server --model
  // deepseek-ai/DeepSeek-V3.2-Exp --tp 8 --dp 8 --enable-dp-attention` on 8 x B200, KV dtype
  // left at auto. With the PR: "KV Cache is allocated. #tokens: 975424, KV size: 43.67 GB"
  // (GB = GiB); on main before it: "#tokens: 1462784, KV size: 54.52 GB", a size that left the
  // indexer keys out. SGLang stores DSA KV as fp8_e4m3 on SM100 when the dtype is auto
  // (server_args.py), in the NSA pool's 656 B record per layer (512 fp8 latent + 4 fp32 scales +
  // 64 bf16 RoPE values) plus 132 B of indexer key (128 fp8 + one fp32 scale): 61 x 788 =
  // 48,068 B per token; MLA's latent is not split under TP or DP attention.
  // Tolerance: 0.01 GiB (the log's rounding).
  auto r = request("deepseek-v3.2", "native", RuntimeId::sglang, "b200-180gb");
  r.gpus = 8;
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->inputs.kv_dtype == "auto");
  CHECK(report->memory.kv_bytes_per_token == 61u * (656 + 132));
  const double per_token = static_cast<double>(report->memory.kv_bytes_per_token);
  CHECK(975424 * per_token / kGiB == Approx(43.67).margin(0.01));
  CHECK(1462784 * 61.0 * 656 / kGiB == Approx(54.52).margin(0.01));
  // Below compute capability 10 SGLang keeps bfloat16: 61 x (1,152 + 132) on an H200.
  auto hopper = request("deepseek-v3.2", "native", RuntimeId::sglang, "h200-sxm-141gb");
  hopper.gpus = 8;
  auto h200 = size(hopper);
  REQUIRE(h200);
  CHECK(h200->memory.kv_bytes_per_token == 61u * (1152 + 132));
}

TEST_CASE("vLLM 0.21 and later take the CUDA graph estimate out of the KV budget",
          "[runtime][vllm]") {
  // "CUDA graph memory profiling is enabled (default since v0.21.0). The current
  // --gpu-memory-utilization=0.8200 is equivalent to --gpu-memory-utilization=0.8048 without CUDA
  // graph memory profiling" (vLLM v0.27.1 start-up log of a hybrid, gpustack/runner PR #251): the
  // budget is the same, the graphs now sit inside it. That is the V1 runner's rule: Llama-3.1-8B
  // is on it through v0.24 (Model Runner V2 takes dense models from v0.25, see the A40 case).
  auto graphs_of = [](const SizingReport& report) {
    return item_named(report, "CUDA graphs").bytes;
  };
  auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  r.knobs.engine_version = "0.20.2";
  auto before = size(r);
  r.knobs.engine_version = "0.24.0";
  auto after = size(r);
  REQUIRE(before);
  REQUIRE(after);
  const std::uint64_t graphs = graphs_of(*after);
  REQUIRE(graphs > 0);
  CHECK(graphs_of(*before) == graphs);
  // 0.24.0 also samples its profile run with FlashInfer (vllm PR #40376, from v0.21.0), so its
  // peak activation is lower; the graphs take their share out of the budget on top of that.
  REQUIRE(before->memory.activation_bytes > after->memory.activation_bytes);
  const std::uint64_t sampler_saving =
      before->memory.activation_bytes - after->memory.activation_bytes;
  CHECK(static_cast<std::int64_t>(after->memory.kv_cache_capacity_bytes) -
            static_cast<std::int64_t>(before->memory.kv_cache_capacity_bytes) ==
        static_cast<std::int64_t>(sampler_saving) - static_cast<std::int64_t>(graphs));
  CHECK(after->memory.free_bytes - before->memory.free_bytes == static_cast<std::int64_t>(graphs));
}

TEST_CASE("vLLM's profile-run sampler by release: FlashInfer again from v0.21.0",
          "[runtime][vllm]") {
  // vllm PR #40376 (opened 2026-04-20) turned the FlashInfer top-k/top-p sampler back on by
  // default ("VLLM_USE_FLASHINFER_SAMPLER ... else True", vllm/envs.py), first shipped in v0.21.0
  // (vllm PR #44405 names the release). Between v0.11.1 (PR #26859) and v0.21.0 it was opt-in.
  // The profile run samples 1024 dummy requests on an H100; Llama-3.1's 128,256-entry vocabulary
  // then holds 14 B per entry under FlashInfer against the sort path's 38.1 B.
  auto activation = [](const char* version, const char* card) {
    auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, card);
    r.knobs.engine_version = version;
    auto report = size(r);
    REQUIRE(report);
    return report->memory.activation_bytes;
  };
  const double saving = 24.1 * 1024 * 128256;  // (38.1 - 14) B x 1024 requests x vocabulary
  const std::uint64_t v020 = activation("0.20.2", "h100-sxm-80gb");
  const std::uint64_t v021 = activation("0.21.0", "h100-sxm-80gb");
  const std::uint64_t v027 = activation("v0.27.1", "h100-sxm-80gb");
  CHECK(static_cast<double>(v020 - v021) == Approx(saving).epsilon(1e-6));
  CHECK(v027 == v021);
  // The 0.10 image sampled with FlashInfer too; 0.11.1 to 0.20 sort.
  CHECK(activation("0.10.2", "h100-sxm-80gb") == v021);
  CHECK(activation("0.11.1", "h100-sxm-80gb") == v020);
  // FlashInfer's gate needs SM75 or later: a V100 sorts under 0.21 as well. ROCm never uses it.
  CHECK(activation("0.21.0", "v100-sxm2-32gb") == activation("0.20.2", "v100-sxm2-32gb"));
  CHECK(activation("0.21.0", "mi300x") == activation("0.20.2", "mi300x"));
}

TEST_CASE("TensorRT-LLM acceptance: gpt-oss-120b start-up, 1.1.0rc3, max_batch_size 64",
          "[sizing][acceptance][trtllm]") {
  // jeansblog/trt_llm README.md (start-up log) and setup_and_run.sh (settings): trtllm-serve
  // openai/gpt-oss-120b, TensorRT-LLM 1.1.0rc3 (nvcr.io/nvidia/tensorrt-llm/release:
  // spark-single-gpu-dev), PyTorch backend, --max_batch_size 64, max_num_tokens 8192 (default),
  // max_seq_len 131072 (inferred), kv_cache_config dtype auto / free_gpu_memory_fraction 0.9,
  // CUDA graphs with padding to batch 64, overlap scheduler off, TorchSampler, MoE CUTLASS.
  // Logged by KvCacheCreator after the autotuner and CUDA graph warm-up: "Memory used after
  // loading model weights (inside torch) 63.52 GiB", "Memory dynamically allocated during
  // inference (inside torch) 0.85 GiB", "kv size is 73728", "tokens per block: 32", and
  // available KV = 0.9 x (device total 119.70 - peak 113.65 + dry-run KV 0.56) = 5.95 GiB.
  // The card is a DGX Spark (GB10): its memory is shared with the host, so the 49.28 GiB it logs
  // outside torch is the host's share and no discrete-card term; Headroom has no GB10 entry.
  // What transfers are the torch-side terms, which do not depend on the card: the checks run
  // on an H100 and bound Headroom's terms against the log's.
  auto r = request("gpt-oss-120b", "native", RuntimeId::trtllm, "h100-sxm-80gb");
  auto report = size(r);
  REQUIRE(report);
  const MemoryBreakdown& m = report->memory;
  // Every layer at full length (TensorRT-LLM does not cap the 128-token window layers):
  // 36 layers x 8 KV heads x 64 x (K + V) x 2 bytes.
  CHECK(m.kv_bytes_per_token == 73728u);
  // The dry run's torch peak: aiconfigurator's estimate for 8192 tokens (1.375 GiB) is above
  // the logged 0.85 GiB; the gap is bounded at 0.6 GiB.
  CHECK(gib(m.activation_bytes) >= 0.85);
  CHECK(gib(m.activation_bytes) <= 0.85 + 0.6);
  // Torch-side memory the KV budget loses (weights and the warm-up's persistent buffers, plus
  // the dry run's peak): 63.52 + 0.85 = 64.37 GiB logged. Headroom's weights in the 256-padded
  // MXFP4 layout plus its activation estimate hold more, by at most 2 GiB: this log gives no
  // support to holding more before the KV cache at max_batch_size 64.
  const double torch_side = gib(m.weights_bytes) + gib(m.activation_bytes);
  CHECK(torch_side >= 64.37);
  CHECK(torch_side <= 64.37 + 2.0);
}

TEST_CASE("TensorRT-LLM sizes KV as a fraction of device total minus the profiled peak",
          "[sizing][trtllm]") {
  // KvCacheCreator._cal_max_memory (tensorrt_llm/_torch/pyexecutor/_util.py, 1.0-1.2):
  // available = free_gpu_memory_fraction x (total - peak + dry-run KV); the peak is the weights,
  // the dry run's torch peak over dummy requests totalling max_num_tokens, and what sits outside
  // torch. Hand-computed from Headroom's own terms on an H100, Qwen3-32B bf16.
  auto kv_and_terms = [](std::optional<double> fraction, std::optional<std::uint64_t> tokens) {
    auto r = request("qwen3-32b", "bf16", RuntimeId::trtllm, "h100-sxm-80gb");
    r.knobs.gpu_memory_utilization = fraction;
    r.knobs.max_num_batched_tokens = tokens;
    auto report = size(r);
    REQUIRE(report);
    return report->memory;
  };
  const MemoryBreakdown d = kv_and_terms(std::nullopt, std::nullopt);
  const double peak = static_cast<double>(d.weights_bytes + d.activation_bytes +
                                          d.runtime_overhead_bytes);
  CHECK(static_cast<double>(d.kv_cache_capacity_bytes) ==
        Approx(0.9 * (static_cast<double>(d.capacity_bytes) - peak)).epsilon(1e-9));
  // A user's free_gpu_memory_fraction (--gpu-memory-utilization) scales the same free memory.
  const MemoryBreakdown half = kv_and_terms(0.5, std::nullopt);
  CHECK(static_cast<double>(half.kv_cache_capacity_bytes) ==
        Approx(0.5 * (static_cast<double>(d.capacity_bytes) - peak)).epsilon(1e-9));
  // max_num_tokens sizes the dry run: half the tokens, half the activation estimate.
  const MemoryBreakdown small = kv_and_terms(std::nullopt, 4096);
  CHECK(static_cast<double>(small.activation_bytes) ==
        Approx(static_cast<double>(d.activation_bytes) / 2).epsilon(1e-9));
  CHECK(small.kv_cache_capacity_bytes > d.kv_cache_capacity_bytes);
}

TEST_CASE("vLLM acceptance: Llama-3.1-8B on an A40 under v0.26.0 runs Model Runner V2",
          "[sizing][acceptance][vllm]") {
  // vireshkoli/LLM-Inference-Optimization results/logs/vllm-{bf16,int8-w8a8,awq-int4}.startup.log
  // (vllm/vllm-openai v0.26.0, "the target A40" of tests/test_engine_adapters.py, TP1,
  // max_model_len 4096, gpu_memory_utilization 0.9, max_num_seqs 256, max_num_batched_tokens 2048
  // by default, "compile range (1, 2048)"). Each prints "Using V2 Model Runner", "Using FlashInfer
  // for top-p & top-k sampling", no CUDA graph estimate, and
  //   "Free memory on device (44.17/44.43 GiB) ... (0.9, 39.99 GiB). Actual usage is W GiB for
  //    weight, 1.01 GiB for peak activation, 0.08 GiB for non-torch memory, and G GiB for
  //    CUDAGraph memory ... Current kv cache memory in use is K GiB":
  //   bf16 W 15.0, K 23.9, G 0.56; int8 w8a8 W 8.52, K 30.38, G 0.60; AWQ W 5.39, K 33.51, G 0.57.
  // W + 1.01 + 0.08 + K = 39.99 in all three: the graphs are captured after the KV cache, outside
  // the budget (Model Runner V2's profile_cudagraph_memory returns 0). The weights and KV rows
  // are in tests/data/memory_validation.json; this case holds the runner's rules and the peak.
  struct Row {
    const char* quant;
    double kv_gib;
  };
  for (const Row& row : {Row{"bf16", 23.9}, Row{"int8", 30.38}, Row{"awq", 33.51}}) {
    INFO(row.quant);
    auto r = request("llama-3.1-8b-instruct", row.quant, RuntimeId::vllm, "a40");
    r.knobs.engine_version = "0.26.0";
    r.knobs.max_model_len_tokens = 4096;
    r.knobs.max_num_seqs = 256;
    auto v2 = size(r);
    r.knobs.engine_version = "0.24.0";
    auto v1 = size(r);
    REQUIRE(v2);
    REQUIRE(v1);
    const MemoryItem graph_item = item_named(*v2, "CUDA graphs");
    const std::uint64_t graphs = graph_item.bytes;
    const std::string& note = graph_item.note;
    REQUIRE(graphs > 0);
    CHECK(note.find("Model Runner V2") != std::string::npos);
    // Budget = weights + peak + non-torch + KV, as the log adds up; 0.24 takes the graphs out too.
    const double budget = 0.9 * gib(v2->memory.capacity_bytes);
    CHECK(gib(v2->memory.kv_cache_capacity_bytes) ==
          Approx(budget - gib(v2->memory.weights_bytes) - gib(v2->memory.activation_bytes) - 0.13)
              .margin(0.005));
    CHECK(v2->memory.kv_cache_capacity_bytes - v1->memory.kv_cache_capacity_bytes == graphs);
    CHECK(gib(v2->memory.kv_cache_capacity_bytes) == Approx(row.kv_gib).margin(0.35));
    // The known miss: the logged peak (1.01 GiB) is above the FlashInfer rule's 22 MiB + 14 B x
    // 256 x 128,256 + 2.56 B x 2048 x 4096 = 0.47 GiB, the same for the three formats, although
    // the runner's profile skips top-k/top-p. The catalog's A40 (43.98 GiB usable against the
    // 44.43 GiB vLLM reads) offsets most of it in the KV figure. Flip these once it is explained.
    const double rule = (22.0 * kMiB + 14.0 * 256 * 128256 + 2.56 * 2048 * 4096) / kGiB;
    CHECK(gib(v2->memory.activation_bytes) == Approx(rule).epsilon(1e-6));
    CHECK(1.01 - gib(v2->memory.activation_bytes) == Approx(0.54).margin(0.01));
  }
  // MoE and hybrid models stay on the V1 runner in v0.26: their graph estimate is in the budget.
  auto moe = request("qwen3-30b-a3b", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  moe.knobs.engine_version = "0.26.0";
  auto moe_report = size(moe);
  REQUIRE(moe_report);
  CHECK(item_named(*moe_report, "CUDA graphs").note.find("inside the budget") !=
        std::string::npos);
}

TEST_CASE("vLLM's model runner by release and architecture", "[runtime][vllm]") {
  // Model Runner V2 runs dense models from v0.25.0 (vllm PR #44443); MoE and hybrid models fall
  // back to the V1 runner, and a request that names no release stays on V1 as the fits ran.
  const auto& dense = catalog().find_model("llama-3.1-8b-instruct").value()->arch;
  const auto& moe = catalog().find_model("qwen3-30b-a3b").value()->arch;
  const auto& hybrid = catalog().find_model("qwen3.5-27b").value()->arch;
  REQUIRE(hybrid.has_recurrent_state());
  CHECK_FALSE(vllm_model_runner_v2(dense, parse_release("0.24.1")));
  CHECK(vllm_model_runner_v2(dense, parse_release("0.25.0")));
  CHECK(vllm_model_runner_v2(dense, parse_release("v0.30.1")));
  CHECK_FALSE(vllm_model_runner_v2(dense, parse_release("")));
  CHECK_FALSE(vllm_model_runner_v2(moe, parse_release("0.26.0")));
  CHECK_FALSE(vllm_model_runner_v2(hybrid, parse_release("0.26.0")));
}

namespace {

// vLLM's hybrid pool from a logged "Available KV cache memory" (printed to 0.01 GiB): the block
// counts that round to it, and for each the two figures vLLM 0.11-0.19 logs: "GPU KV cache
// size" = blocks // groups x block tokens (kv_cache_utils.py before it became concurrency x
// max_model_len) and "Maximum concurrency" = blocks / (attention blocks + one per state group).
struct HybridPoolLog {
  double available_gib;
  std::uint64_t tokens;
  double concurrency;
  std::uint64_t max_model_len;
};

std::optional<std::uint64_t> blocks_matching(const KvLayout& layout, const HybridPoolLog& log) {
  const std::uint64_t block_bytes = layout.min_block_tokens * layout.groups[0].bytes_per_token;
  const std::uint64_t state_groups = layout.state_bytes_per_sequence / block_bytes;
  const std::uint64_t groups = 1 + state_groups;
  const std::uint64_t per_request =
      (log.max_model_len + layout.min_block_tokens - 1) / layout.min_block_tokens + state_groups;
  const auto low = static_cast<std::uint64_t>((log.available_gib - 0.005) * kGiB) / block_bytes;
  const auto high = static_cast<std::uint64_t>((log.available_gib + 0.005) * kGiB) / block_bytes;
  for (std::uint64_t blocks = low; blocks <= high; ++blocks) {
    const double concurrency = static_cast<double>(blocks) / static_cast<double>(per_request);
    if (blocks / groups * layout.min_block_tokens == log.tokens &&
        std::fabs(concurrency - log.concurrency) < 0.005)
      return blocks;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("vLLM acceptance: Granite 4.0-H attention blocks, hybrid pools and concurrency",
          "[sizing][acceptance][vllm][hybrid]") {
  // granite-4.0-h-350m (tests/data/configs, SOURCES.md): 32 layers, attention at 10, 13, 17, 27
  // (4 KV heads x 64, 1,024 B per bf16 token and layer), 28 Mamba-2 layers of 48 heads x 32,
  // state 128, 1 group, conv 4. A Mamba page: conv 3 x (1,536 + 2 x 128) x 2 B = 10,752 B, SSM
  // 48 x 32 x 128 x 2 B = 393,216 B, 403,968 B in all, so the attention block is
  // 16 x cdiv(403,968, 16 x 1,024) = 400 tokens and the Mamba page is padded by 1.39%.
  // ROCm/ROCm issue #5724, comment of 2026-01-29 (vLLM 0.15.0rc3, `vllm serve
  // ibm-granite/granite-4.0-h-350m`, defaults: max_model_len 32768, bf16, TP 1, no prefix
  // caching): "Setting attention block size to 400 tokens", "Padding mamba page size by 1.39%",
  // "Available KV cache memory: 107.5 GiB", "GPU KV cache size: 3,522,400 tokens", "Maximum
  // concurrency for 32,768 tokens per request: 791.58x". vLLM groups the 32 layers 4 to a group
  // (1 attention, 7 Mamba): floor(107.5 GiB / (400 x 4 x 1,024 B)) = 70,451 blocks,
  // 70,451 // 8 x 400 = 3,522,400 tokens, 70,451 / (82 + 7) = 791.58. Tolerance: exact.
  const ModelArch small = fixtures::parse("ibm-granite--granite-4.0-h-350m");
  const KvLayout s = make_kv_layout(small, 2.0, RuntimeId::vllm, 1, false);
  REQUIRE(s.groups.size() == 1);
  CHECK(s.min_block_tokens == 400);
  CHECK(s.groups[0].bytes_per_token == 4u * 1024);
  CHECK(s.state_bytes_per_sequence == 7u * 400 * 4 * 1024);
  CHECK(static_cast<double>(400 * 1024) / 403968 == Approx(1.0139).margin(0.00005));
  const HybridPoolLog rocm{107.5, 3522400, 791.58, 32768};
  const auto blocks = blocks_matching(s, rocm);
  REQUIRE(blocks);
  CHECK(*blocks == 70451);
  // Headroom's own per-request cost gives the logged concurrency from that pool.
  CHECK(static_cast<double>(*blocks * 400 * 4096) /
            static_cast<double>(s.bytes_for(32768, 1, 400, 0)) ==
        Approx(791.58).margin(0.005));

  // granite-4.0-h-1b: 40 layers, attention at 5, 15, 25, 35 (12 heads, 4 KV heads x 128), 36
  // Mamba-2 layers of 48 heads x 64, state 128, 1 group, conv 4; dense shared MLP 4096. Its
  // config.json is not vendored here: the shapes are the published config's as a simulator's
  // test copies them ("verbatim from the published config.json ... minus the fields the importer
  // does not read"), which Ollama's granite4:1b-h GGUF metadata confirms (40 blocks, 1536 wide,
  // 12 heads, ssm inner 3072, state 128, time-step rank 48). Mamba page: 3 x (3,072 + 256) x 2 +
  // 48 x 64 x 128 x 2 = 806,400 B; 16 x cdiv(806,400, 16 x 2,048) = 400 tokens (+1.59%).
  // A write-up of the "retriva" project (vLLM 0.19.0 image, RTX 3060 12 GB, --gpu-memory-
  // utilization 0.6 --max-model-len 4096 --max-num-seqs 2 --enforce-eager): "Setting attention
  // block size to 400 tokens", "Padding mamba page size by 1.59%", "Available KV cache memory:
  // 4.09 GiB", "GPU KV cache size: 53,200 tokens", "Maximum concurrency for 4,096 tokens per
  // request: 66.95x": 1,339 blocks of 400 x 4 x 2,048 B (4.086 GiB, printed 4.09), 10 groups,
  // 1,339 // 10 x 400 = 53,200, 1,339 / (11 + 9) = 66.95. Tolerance: exact.
  auto one_b = parse_hf_config(R"({"model_type": "granitemoehybrid", "hidden_size": 1536,
    "num_hidden_layers": 40, "num_attention_heads": 12, "num_key_value_heads": 4,
    "intermediate_size": 4096, "shared_intermediate_size": 4096, "num_local_experts": 0,
    "num_experts_per_tok": 0, "vocab_size": 100352, "tie_word_embeddings": true,
    "max_position_embeddings": 131072, "mamba_d_state": 128, "mamba_n_groups": 1,
    "mamba_n_heads": 48, "mamba_d_head": 64, "mamba_expand": 2, "mamba_d_conv": 4,
    "layer_types": ["mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba",
      "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba",
      "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention",
      "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba",
      "attention", "mamba", "mamba", "mamba", "mamba"]})",
                               "granite-4.0-h-1b");
  REQUIRE(one_b);
  const KvLayout b = make_kv_layout(one_b.value(), 2.0, RuntimeId::vllm, 1, false);
  CHECK(b.min_block_tokens == 400);
  CHECK(b.groups[0].bytes_per_token == 4u * 2048);
  CHECK(b.state_bytes_per_sequence == 9u * 400 * 4 * 2048);
  const auto blocks_1b = blocks_matching(b, {4.09, 53200, 66.95, 4096});
  REQUIRE(blocks_1b);
  CHECK(*blocks_1b == 1339);
  // The same run's "Model loading took 2.72 GiB memory" is Headroom's weight count (1.46B
  // parameters in bf16, the tied embedding once). Its pool, 4.09 GiB, is 0.6 x 11.63 GiB (the
  // total that run's device reported) less weights, profile peak and non-torch memory; the
  // catalog's RTX 3060 has 11.84 GiB, so Headroom reserves 4.22 GiB there.
  SizingRequest r;
  r.model = one_b.value();
  r.weight_format = "native";
  r.runtime = RuntimeId::vllm;
  r.card = *catalog().find_card("rtx-3060-12gb").value();
  r.knobs.gpu_memory_utilization = 0.6;
  r.knobs.max_model_len_tokens = 4096;
  r.knobs.max_num_seqs = 2;
  r.knobs.max_num_batched_tokens = 2048;
  r.workload = {2000, 2000, 1};
  r.with_advice = false;
  auto report = size(r);
  REQUIRE(report);
  CHECK(gib(report->memory.weights_bytes) == Approx(2.72).margin(0.005));
  CHECK(gib(report->memory.kv_cache_capacity_bytes) == Approx(4.09).margin(0.15));
}

TEST_CASE("vLLM acceptance: Llama 4 Scout's chunked layers, whole before 0.13 and windowed after",
          "[sizing][acceptance][vllm]") {
  // fuhengwu2021/coderepo extra/HYBRID_KV_CACHE_ANALYSIS.md and extra/README.md at 07c4f0a5
  // (vLLM v0.12.0 image, Llama-4-Scout-17B-16E-Instruct on 8x H200, TP8, util 0.9): the
  // start-up warns "There is a latency regression when using chunked local attention with the
  // hybrid KV cache manager. Disabling it, by default. To enable it, set the environment
  // VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1", and the runs report "Available KV
  // cache memory: 89.71 GiB", "GPU KV cache size: 3,919,664 tokens"; at max_model_len 5M a
  // 0.75x concurrency with the manager off, 2.96x with it on, and 1.86x at 8M with it on.
  // Per GPU (TP8: one of 8 KV heads x 128, bf16) a layer holds 512 B a token, 48 layers
  // 24,576 B: 3,919,664 x 24,576 B = 89.714 GiB, the logged pool; with every layer whole,
  // 3,919,664 / 5,242,880 = 0.748. With the manager on, 36 chunked layers hold 8,192 tokens:
  // Headroom's per-request bytes give 2.976x at 5M (vLLM's report adds max_num_batched_tokens
  // to the chunk, a worst case while a prompt is prefilled: 2.96x) and 1.864x at 8M.
  // Tolerance: exact for the pool and the manager-off figure, 1% with the manager on.
  const auto& arch = catalog().find_model("llama-4-scout-17b-16e-instruct").value()->arch;
  CHECK(vllm_holds_whole_chunks(arch, parse_release("0.12.0")));
  CHECK(!vllm_holds_whole_chunks(arch, parse_release("0.13.0")));
  CHECK(!vllm_holds_whole_chunks(arch, parse_release("")));  // current releases
  const KvLayout whole = make_kv_layout(arch, 2.0, RuntimeId::vllm, 8, false, false, true);
  const KvLayout windowed = make_kv_layout(arch, 2.0, RuntimeId::vllm, 8, false);
  CHECK(whole.bytes_per_token() == 48u * 512);
  const std::uint64_t pool = 3919664ull * whole.bytes_per_token();
  CHECK(std::round(static_cast<double>(pool) / kGiB * 100) / 100 == Approx(89.71));
  const auto concurrency = [&](const KvLayout& layout, std::uint64_t max_model_len) {
    return static_cast<double>(pool) / static_cast<double>(layout.bytes_for(max_model_len, 1, 16));
  };
  CHECK(std::round(concurrency(whole, 5242880) * 100) / 100 == Approx(0.75));
  CHECK(concurrency(windowed, 5242880) == Approx(2.96).epsilon(0.01));
  CHECK(concurrency(windowed, 8388608) == Approx(1.86).epsilon(0.01));
  // The engine release reaches the sizing: v0.12 sizes every layer whole.
  auto r = request("llama-4-scout-17b-16e-instruct", "native", RuntimeId::vllm, "h200-sxm-141gb");
  r.gpus = 8;
  r.workload = {1000000, 1000, 1};
  r.with_advice = false;
  auto now = size(r);
  r.knobs.engine_version = "0.12.0";
  auto then = size(r);
  REQUIRE(now);
  REQUIRE(then);
  CHECK(then->memory.kv_bytes_per_token == 48u * 512);
  CHECK(then->max_users * 3 < now->max_users);
}
