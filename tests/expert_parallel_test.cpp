// Expert parallelism (--expert-parallel) and the block-fp8 shard rule vLLM and SGLang enforce
// when they load a checkpoint over several GPUs (core/src/sizing/validate.cpp,
// core/src/runtime/weight_split.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "headroom/compare.h"
#include "headroom/sizing.h"
#include "sizing_fixtures.h"
#include "speed/expert_split.h"

using namespace headroom;
using headroom::test::request;

namespace {

SizingRequest moe(const char* model, const char* quant, RuntimeId runtime, std::uint32_t gpus,
                  bool expert_parallel, const char* card = "h100-sxm-80gb") {
  SizingRequest r = request(model, quant, runtime, card);
  r.gpus = gpus;
  if (expert_parallel) r.knobs.expert_parallel = true;
  r.with_advice = false;
  return r;
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("block-fp8 experts that a GPU count cannot split whole are refused, as vLLM does",
          "[expert_parallel][fp8]") {
  // Qwen3-235B-A22B: moe_intermediate_size 1536. Over 8 GPUs each shard is 192 wide, not a
  // multiple of the 128-wide blocks: vLLM raises "The output_size of gate's and up's weight =
  // 192 is not divisible by weight quantization block_n = 128", and GPUStack's 8-GPU runs of
  // Qwen3-235B-A22B-Instruct-2507-FP8 say "TP8 only is not compatible ... Use EP as well".
  auto tp8 = size(moe("qwen3-235b-a22b", "fp8-block", RuntimeId::vllm, 8, false));
  REQUIRE(!tp8);
  CHECK(tp8.error().field == "quant");  // the weights', so a table of formats keeps its rows
  CHECK(mentions(tp8.error().message, "1536 / 8"));
  CHECK(mentions(tp8.error().message, "expert_parallel"));
  CHECK(mentions(tp8.error().message, "2, 4 GPUs"));
  // TP4 (384 = 3 x 128) loads, as GPUStack's 4-GPU runs did; so does TP8 with experts whole.
  CHECK(size(moe("qwen3-235b-a22b", "fp8-block", RuntimeId::vllm, 4, false)));
  CHECK(size(moe("qwen3-235b-a22b", "fp8-block", RuntimeId::vllm, 8, true)));
  // The same weights in bf16 or per-tensor fp8 have no blocks to keep whole.
  CHECK(size(moe("qwen3-235b-a22b", "bf16", RuntimeId::vllm, 8, false)));
  CHECK(size(moe("qwen3-235b-a22b", "fp8", RuntimeId::vllm, 8, false)));
  // SGLang has the same check (sglang/srt/layers/quantization/fp8.py); Qwen3-30B-A3B's 768-wide
  // experts split whole over 2 GPUs (384) but not 4 (192).
  auto sglang = size(moe("qwen3-30b-a3b", "fp8-block", RuntimeId::sglang, 4, false));
  REQUIRE(!sglang);
  CHECK(mentions(sglang.error().message, "768 / 4"));
  CHECK(size(moe("qwen3-30b-a3b", "fp8-block", RuntimeId::sglang, 2, false)));
  // TensorRT-LLM's loader is not read, so it is not refused.
  CHECK(size(moe("qwen3-235b-a22b", "fp8-block", RuntimeId::trtllm, 8, false)));
  // DeepSeek-R1 (18432-wide dense layers, 2048-wide experts and shared expert, 128 heads):
  // 16 GPUs split it whole, 32 do not (18432 / 32 = 576), and the message names 16.
  auto r1 = size(moe("deepseek-r1", "native", RuntimeId::sglang, 32, false, "h200-sxm-141gb"));
  REQUIRE(!r1);
  CHECK(mentions(r1.error().message, "16 GPUs"));
  // An expert width that is no whole number of blocks loads on no GPU count, and whole experts
  // do not help (vLLM raises on the full width too): gpt-oss-20b's 2880.
  auto oss = size(moe("gpt-oss-20b", "fp8-block", RuntimeId::vllm, 1, false));
  REQUIRE(!oss);
  CHECK(mentions(oss.error().message, "2880"));
  CHECK(!size(moe("gpt-oss-20b", "fp8-block", RuntimeId::vllm, 2, true)));
}

TEST_CASE("block-fp8: a shared expert that cannot be split is named before the experts",
          "[expert_parallel][fp8]") {
  // Qwen3.6-35B-A3B: 512-wide shared expert and experts; over 8 GPUs both are 64 wide. Whole
  // experts would not help, the shared expert stays split (vLLM PR #52915: Qwen3.6-35B-A3B-FP8
  // at TP8 fails with "Weight input_size_per_partition = 64 is not divisible by weight
  // quantization block_k = 128"), so expert parallelism is not offered.
  auto tp8 = size(moe("qwen3.6-35b-a3b", "fp8-block", RuntimeId::vllm, 8, false));
  REQUIRE(!tp8);
  CHECK(mentions(tp8.error().message, "shared expert"));
  CHECK(!mentions(tp8.error().message, "expert_parallel"));
  CHECK(!size(moe("qwen3.6-35b-a3b", "fp8-block", RuntimeId::vllm, 8, true)));
}

TEST_CASE("reality keeps its other rows when block-fp8 cannot be split", "[expert_parallel][fp8]") {
  // Qwen3-30B-A3B over 4 GPUs: the fp8-block row is refused (768 / 4), every other format sized.
  SizingRequest r = moe("qwen3-30b-a3b", "bf16", RuntimeId::vllm, 4, false);
  auto rows = compare_formats(r);
  REQUIRE(rows);
  bool refused_row = false, sized_rows = false;
  for (const auto& row : *rows) {
    if (row.format == "fp8-block") refused_row = !row.sized();
    if (row.format == "awq") sized_rows = row.sized();
  }
  CHECK(refused_row);
  CHECK(sized_rows);
}

TEST_CASE("block-fp8 dense MLPs are held to the same rule, with no expert way out",
          "[expert_parallel][fp8]") {
  // Qwen3-4B: intermediate_size 9728 = 76 x 128. Over 8 GPUs, 1216 per shard (9.5 blocks);
  // over 4, 2432 (19 blocks).
  auto tp8 = size(moe("qwen3-4b", "fp8-block", RuntimeId::vllm, 8, false));
  REQUIRE(!tp8);
  CHECK(mentions(tp8.error().message, "MLP"));
  CHECK(mentions(tp8.error().message, "9728 / 8"));
  CHECK(!mentions(tp8.error().message, "expert_parallel"));
  CHECK(size(moe("qwen3-4b", "fp8-block", RuntimeId::vllm, 4, false)));
  // DeepSeek-R1's dense layers (18432 / 8 = 2304), shared expert (2048 / 8) and experts
  // (2048 / 8 = 256) all split whole: it serves at TP8, as every 8-GPU row of the serving set.
  CHECK(size(moe("deepseek-r1", "native", RuntimeId::vllm, 8, false, "h200-sxm-141gb")));
}

TEST_CASE("expert parallelism deals whole experts out, the busiest GPU holding ceil(E / GPUs)",
          "[expert_parallel][memory]") {
  // Mixtral 8x7B over 16 GPUs: tensor parallelism gives each GPU 1/16 of every expert; expert
  // parallelism puts one whole expert of 8 on each of 8 GPUs, so the busiest holds 1/8 of the
  // routed weights. Routed experts by hand: 32 layers x 8 experts x 3 x 4096 x 14336 x 2 B
  // = 90,194,313,216 B, so the busiest GPU holds 90,194,313,216 x (1/8 - 1/16) B more.
  auto tp = size(moe("mixtral-8x7b-instruct-v0.1", "bf16", RuntimeId::vllm, 16, false));
  auto ep = size(moe("mixtral-8x7b-instruct-v0.1", "bf16", RuntimeId::vllm, 16, true));
  REQUIRE(tp);
  REQUIRE(ep);
  CHECK(ep->memory.weights_bytes - tp->memory.weights_bytes == 90194313216ull / 16);
  // Where the experts divide evenly (8 over 8 GPUs) each GPU holds the same bytes either way.
  auto tp8 = size(moe("mixtral-8x7b-instruct-v0.1", "bf16", RuntimeId::vllm, 8, false));
  auto ep8 = size(moe("mixtral-8x7b-instruct-v0.1", "bf16", RuntimeId::vllm, 8, true));
  REQUIRE(tp8);
  REQUIRE(ep8);
  CHECK(ep8->memory.weights_bytes == tp8->memory.weights_bytes);
  // The report says which split it sized.
  bool said = false;
  for (const auto& line : ep->assumptions) said |= mentions(line, "1 of 8 on the busiest");
  CHECK(said);
}

TEST_CASE("expert_parallel is refused where it means nothing", "[expert_parallel][errors]") {
  auto tgi = size(moe("mixtral-8x7b-instruct-v0.1", "bf16", RuntimeId::tgi, 8, true));
  REQUIRE(!tgi);
  CHECK(tgi.error().field == "expert_parallel");
  auto llama = size(moe("mixtral-8x7b-instruct-v0.1", "q4_k_m", RuntimeId::llamacpp, 2, true));
  REQUIRE(!llama);
  CHECK(llama.error().field == "expert_parallel");
  auto dense = size(moe("qwen3-8b", "bf16", RuntimeId::vllm, 2, true));
  REQUIRE(!dense);
  CHECK(dense.error().field == "expert_parallel");
  CHECK(mentions(dense.error().message, "dense"));
  // SGLang and TensorRT-LLM assert num_experts % ep_size == 0; vLLM deals the remainder out.
  // Qwen3-Coder-480B: 160 experts over 6 GPUs.
  auto sglang =
      size(moe("qwen3-coder-480b-a35b-instruct", "bf16", RuntimeId::sglang, 6, true, "b200-180gb"));
  REQUIRE(!sglang);
  CHECK(sglang.error().field == "expert_parallel");
  CHECK(mentions(sglang.error().message, "160 experts"));
  CHECK(
      size(moe("qwen3-coder-480b-a35b-instruct", "bf16", RuntimeId::vllm, 6, true, "b200-180gb")));
}

TEST_CASE("advice for more GPUs names expert parallelism where block-fp8 experts need it",
          "[expert_parallel][advice]") {
  // Qwen3-235B-A22B-FP8 (about 220 GiB) on 2x L40S: 8 cards hold it, but vLLM loads its
  // 1536-wide experts over 8 GPUs only when each GPU holds whole experts.
  SizingRequest r = moe("qwen3-235b-a22b", "fp8-block", RuntimeId::vllm, 2, false, "l40s");
  r.with_advice = true;
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->verdict == Verdict::does_not_fit);
  bool named = false;
  for (const auto& line : report->advice)
    named |= mentions(line, "needs 8 GPUs") && mentions(line, "--enable-expert-parallel");
  CHECK(named);
}

TEST_CASE("expert parallelism: the busiest GPU's share of touched experts",
          "[expert_parallel][speed]") {
  // By hand: 4 experts over 2 GPUs, each touched with p = 0.5. A GPU's count of its 2 experts is
  // 0, 1, 2 with 1/4, 1/2, 1/4; the busier of two expects (1 - 1/16) + (1 - 9/16) = 1.375,
  // against E p / n = 1 on the mean GPU.
  CHECK(speed::expert_parallel_imbalance(4, 2, 0.5) == Approx(1.375).epsilon(1e-12));
  // Uneven: 3 experts over 2 GPUs, one holding 2 (counts 0/1/2 with 1/4, 1/2, 1/4), one holding
  // 1 (0/1 with 1/2 each): the busier expects (1 - 1/4 x 1/2) + (1 - 3/4 x 1) = 1.125, against
  // 3 x 0.5 / 2 = 0.75 on the mean GPU.
  CHECK(speed::expert_parallel_imbalance(3, 2, 0.5) == Approx(1.5).epsilon(1e-12));
  // One GPU, or every expert touched (large batches), has no imbalance.
  CHECK(speed::expert_parallel_imbalance(128, 1, 0.3) == 1.0);
  CHECK(speed::expert_parallel_imbalance(128, 8, 1.0) == 1.0);
  // Qwen3-235B-A22B at batch 1 (8 of 128 experts, p = 1/16) over 8 GPUs: the mean GPU holds one
  // of the 8 touched experts, the busiest about 2.5 (sum over j < 16 of 1 - F(j)^8).
  CHECK(speed::expert_parallel_imbalance(128, 8, 8.0 / 128) == Approx(2.51).margin(0.01));

  // So one user decodes slower with whole experts per GPU; a full batch touches every expert on
  // every GPU and decodes as under tensor parallelism.
  const auto itl = [](std::uint64_t users, bool ep) {
    SizingRequest r = moe("qwen3-235b-a22b", "bf16", RuntimeId::vllm, 8, ep, "h200-sxm-141gb");
    r.workload.users = users;
    auto report = size(r);
    REQUIRE(report);
    REQUIRE(report->speed);
    return report->speed->inter_token_latency_s;
  };
  CHECK(itl(1, true) > 1.1 * itl(1, false));
  CHECK(itl(256, true) == Approx(itl(256, false)).epsilon(0.005));
}
