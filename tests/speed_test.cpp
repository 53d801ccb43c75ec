// Behaviour of estimate_speed on hand-built inputs (no catalog): refusals, monotonicity,
// quantization, MoE, batching, multi-GPU splits and bench calibration.
#include <catch2/catch.hpp>

#include <cmath>

#include "headroom/speed.h"
#include "sizing_fixtures.h"
#include "speed/params.h"

using namespace headroom;

namespace {

// An RTX 4090-like card (spec values from its datasheet) and a Llama-3-8B-like model.
Card consumer_card() {
  Card c;
  c.id = "test-gddr";
  c.vendor = "nvidia";
  c.segment = "consumer";
  c.memory_type = "GDDR6X";
  c.bandwidth_bytes_per_s = 1008e9;
  c.throughput.fp16_flops_per_s = 165.2e12;
  c.throughput.bf16_flops_per_s = 165.2e12;
  c.throughput.fp8_flops_per_s = 330.3e12;
  return c;
}

SpeedInput dense_8b(RuntimeId runtime = RuntimeId::llamacpp) {
  SpeedInput in;
  in.card = consumer_card();
  in.runtime = runtime;
  in.total_params = 8'030'000'000;
  in.active_params = 8'030'000'000;
  in.weight_bytes = 16'060'000'000;
  in.active_weight_bytes = 15'010'000'000;  // token embedding rows are looked up, not read
  in.kv_bytes_per_token = 131072;           // 32 layers x 8 KV heads x 128 x K,V x 2 bytes
  in.num_layers = 32;
  in.hidden_size = 4096;
  in.num_heads = 32;
  in.head_dim = 128;
  in.weight_dtype = DType::f16;
  in.bits_per_weight = 16;
  in.prompt_tokens = 512;
  in.output_tokens = 256;
  return in;
}

SpeedInput as_q4_k(SpeedInput in) {
  const double scale = 4.5 / 16.0;
  in.weight_bytes = static_cast<std::uint64_t>(static_cast<double>(in.weight_bytes) * scale);
  in.active_weight_bytes =
      static_cast<std::uint64_t>(static_cast<double>(in.active_weight_bytes) * scale);
  in.weight_dtype = DType::q4_k;
  in.bits_per_weight = 4.5;
  in.weight_only_quant = true;
  return in;
}

SpeedEstimate run(const SpeedInput& in) {
  auto r = estimate_speed(in);
  REQUIRE(r.has_value());
  return *r;
}

}  // namespace

TEST_CASE("speed: refuses impossible inputs and names the field", "[speed]") {
  SpeedInput in = dense_8b();
  SECTION("zero bandwidth") {
    in.card.bandwidth_bytes_per_s = 0;
    auto r = estimate_speed(in);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().field == "card.bandwidth_bytes_per_s");
    CHECK(r.error().message.find("card.bandwidth_bytes_per_s") != std::string::npos);
  }
  SECTION("no users") {
    in.users = 0;
    auto r = estimate_speed(in);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().field == "users");
  }
  SECTION("no GPUs") {
    in.gpus = 0;
    CHECK_FALSE(estimate_speed(in).has_value());
  }
  SECTION("active above total") {
    in.active_params = in.total_params + 1;
    CHECK(estimate_speed(in).error().field == "total_params");
  }
  SECTION("no tensor throughput") {
    in.card.throughput = CardThroughput{};
    CHECK(estimate_speed(in).error().field == "card.throughput.fp16_flops_per_s");
  }
  SECTION("experts per token above experts") {
    in.num_experts = 8;
    in.experts_per_token = 9;
    CHECK(estimate_speed(in).error().field == "experts_per_token");
  }
  SECTION("bench without bandwidth") {
    in.bench = BenchCalibration{};
    CHECK(estimate_speed(in).error().field == "bench.read_bytes_per_s");
  }
}

TEST_CASE("speed: a single 16-bit 8B user on a 1 TB/s card is memory bound near the roofline",
          "[speed]") {
  const SpeedEstimate e = run(dense_8b());
  const double roofline = 1008e9 / 15.01e9;  // 67 tok/s if every byte moved at spec speed
  CHECK(e.bound == "memory");
  CHECK(e.decode_tokens_per_s_per_user < roofline);
  CHECK(e.decode_tokens_per_s_per_user > 0.6 * roofline);
  CHECK(e.decode_tokens_per_s_total == Approx(e.decode_tokens_per_s_per_user));
  CHECK(e.inter_token_latency_s == Approx(1.0 / e.decode_tokens_per_s_per_user));
  CHECK(e.range.low < e.decode_tokens_per_s_per_user);
  CHECK(e.range.high > e.decode_tokens_per_s_per_user);
  CHECK(e.prefill_tokens_per_s > 20 * e.decode_tokens_per_s_per_user);  // prefill is compute bound
  CHECK(e.ttft_s > 512.0 / e.prefill_tokens_per_s * 0.99);
  CHECK(e.requests_per_minute > 0);
  CHECK(e.speedup_vs_fp16 == Approx(1.0));
  CHECK(e.ideal_speedup_vs_fp16 == Approx(1.0));
  CHECK(e.model_note.find("llama.cpp") != std::string::npos);
}

TEST_CASE("speed: more bandwidth is never slower", "[speed]") {
  for (RuntimeId runtime : {RuntimeId::llamacpp, RuntimeId::vllm}) {
    for (std::uint64_t users : {1u, 8u, 64u}) {
      SpeedInput in = as_q4_k(dense_8b(runtime));
      in.users = users;
      double previous = 0;
      for (double bw : {100e9, 300e9, 1000e9, 3000e9, 8000e9}) {
        in.card.bandwidth_bytes_per_s = bw;
        const double now = run(in).decode_tokens_per_s_per_user;
        CHECK(now >= previous);
        previous = now;
      }
    }
  }
}

TEST_CASE("speed: decode slows as the context deepens", "[speed]") {
  SpeedInput in = dense_8b();
  double previous = 1e30;
  for (std::uint64_t prompt : {0u, 1024u, 8192u, 32768u, 131072u}) {
    in.prompt_tokens = prompt;
    const double now = run(in).decode_tokens_per_s_per_user;
    CHECK(now < previous);
    previous = now;
  }
  in.prompt_tokens = 0;
  const double shallow = run(in).decode_tokens_per_s_per_user;
  in.prompt_tokens = 131072;
  // 131072 tokens x 128 KiB = 17 GB of KV, more than the 15 GB of weights: far slower.
  CHECK(run(in).decode_tokens_per_s_per_user < 0.6 * shallow);
}

TEST_CASE("speed: 4-bit weights are faster than 16-bit but below the ideal 16/4.5", "[speed]") {
  for (std::uint64_t users : {1u, 16u}) {
    SpeedInput in = as_q4_k(dense_8b());
    in.users = users;
    const SpeedEstimate q4 = run(in);
    CHECK(q4.ideal_speedup_vs_fp16 == Approx(16.0 / 4.5));
    CHECK(q4.speedup_vs_fp16 > 1.5);
    CHECK(q4.speedup_vs_fp16 < 16.0 / 4.5);
    SpeedInput f16 = dense_8b();
    f16.users = users;
    CHECK(q4.speedup_vs_fp16 ==
          Approx(q4.decode_tokens_per_s_per_user / run(f16).decode_tokens_per_s_per_user));
  }
}

TEST_CASE("speed: dequantization counts toward compute on a card with weak vector units",
          "[speed]") {
  // An M1 Max-like SoC (400 GB/s, 10.4 TFLOPS, no matrix units): the Q4_K speedup over f16 falls
  // far below the byte ratio, as llama.cpp measures there (35.7 vs 18.8 tok/s, XiongjieDai).
  SpeedInput in = as_q4_k(dense_8b());
  in.card.vendor = "apple";
  in.card.memory_type = "LPDDR5";
  in.card.bandwidth_bytes_per_s = 400e9;
  in.card.throughput = CardThroughput{};
  in.card.throughput.fp16_flops_per_s = 10.4e12;
  const SpeedEstimate e = run(in);
  CHECK(e.bound == "compute");
  CHECK(e.speedup_vs_fp16 < 2.5);
  SpeedInput fast = in;
  fast.card.throughput.fp16_flops_per_s = 40e12;
  CHECK(run(fast).decode_tokens_per_s_per_user > e.decode_tokens_per_s_per_user);
}

TEST_CASE("speed: MoE decode follows the active parameters, and a batch touches more experts",
          "[speed]") {
  // 30B total, 3B active (8 of 128 experts): reads like a ~3B model at batch 1.
  SpeedInput moe = dense_8b(RuntimeId::vllm);
  moe.total_params = 30'500'000'000;
  moe.active_params = 3'300'000'000;
  moe.weight_bytes = 61'000'000'000;
  moe.active_weight_bytes = 6'600'000'000;
  moe.num_experts = 128;
  moe.experts_per_token = 8;
  moe.card.bandwidth_bytes_per_s = 3350e9;
  moe.card.memory_type = "HBM3";
  moe.card.throughput.fp16_flops_per_s = 989e12;
  SpeedInput dense_total = moe;  // same total size, dense
  dense_total.active_params = dense_total.total_params;
  dense_total.active_weight_bytes = dense_total.weight_bytes;
  dense_total.num_experts = 0;
  dense_total.experts_per_token = 0;
  const SpeedEstimate one = run(moe);
  CHECK(one.decode_tokens_per_s_per_user > 3 * run(dense_total).decode_tokens_per_s_per_user);
  // With many users the batch spreads over most experts: per-step bytes approach the full model.
  moe.users = 64;
  dense_total.users = 64;
  const SpeedEstimate many = run(moe);
  CHECK(many.decode_tokens_per_s_per_user < 0.6 * one.decode_tokens_per_s_per_user);
  CHECK(many.decode_tokens_per_s_per_user < 1.5 * run(dense_total).decode_tokens_per_s_per_user);
}

TEST_CASE(
    "speed: int4 experts in a serving runtime pay the Marlin-MoE kernel cost, dense int4 does not",
    "[speed]") {
  // A DeepSeek-like MoE (256 experts, 8 routed) in AWQ int4 on 8 HBM GPUs.
  SpeedInput moe = dense_8b(RuntimeId::vllm);
  moe.card.bandwidth_bytes_per_s = 3350e9;
  moe.card.memory_type = "HBM3";
  moe.card.throughput.fp16_flops_per_s = 989e12;
  moe.gpus = 8;
  moe.num_layers = 61;
  moe.total_params = 671'000'000'000;
  moe.active_params = 37'000'000'000;
  moe.weight_bytes = 352'000'000'000;
  moe.active_weight_bytes = 21'000'000'000;
  moe.num_experts = 256;
  moe.experts_per_token = 8;
  moe.weight_dtype = DType::int4_awq_g128;
  moe.bits_per_weight = 4.2;
  moe.weight_only_quant = true;
  // The same bytes in a format whose fused-MoE kernel runs at the dense rate.
  SpeedInput plain = moe;
  plain.weight_dtype = DType::q4_k;
  const double int4 = run(moe).decode_tokens_per_s_per_user;
  CHECK(int4 < 0.5 * run(plain).decode_tokens_per_s_per_user);
  // The cost grows with the experts a batch touches, so it weighs more at batch 64.
  moe.users = 64;
  plain.users = 64;
  CHECK(run(moe).decode_tokens_per_s_per_user < 0.5 * run(plain).decode_tokens_per_s_per_user);
  // llama.cpp's int4 experts, and dense int4 layers in vLLM, keep the dense path.
  SpeedInput llama = moe;
  llama.runtime = RuntimeId::llamacpp;
  SpeedInput llama_plain = plain;
  llama_plain.runtime = RuntimeId::llamacpp;
  CHECK(run(llama).decode_tokens_per_s_per_user ==
        Approx(run(llama_plain).decode_tokens_per_s_per_user).epsilon(0.05));
  SpeedInput dense_int4 = as_q4_k(dense_8b(RuntimeId::vllm));
  SpeedInput dense_awq = dense_int4;
  dense_awq.weight_dtype = DType::int4_awq_g128;
  CHECK(run(dense_awq).decode_tokens_per_s_per_user >
        0.9 * run(dense_int4).decode_tokens_per_s_per_user);
}

TEST_CASE("speed: batching raises total throughput, lowers per-user speed, and saturates",
          "[speed]") {
  SpeedInput in = dense_8b(RuntimeId::vllm);
  in.prompt_tokens = 128;
  in.output_tokens = 128;
  double previous_total = 0;
  double previous_user = 1e30;
  for (std::uint64_t users : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u}) {
    in.users = users;
    const SpeedEstimate e = run(in);
    CHECK(e.decode_tokens_per_s_total > previous_total);
    CHECK(e.decode_tokens_per_s_per_user <= previous_user);
    previous_total = e.decode_tokens_per_s_total;
    previous_user = e.decode_tokens_per_s_per_user;
  }
  in.users = 1;
  const double one = run(in).decode_tokens_per_s_total;
  in.users = 8;
  CHECK(run(in).decode_tokens_per_s_total > 5 * one);  // weights read once for all eight
  in.users = 256;
  const double at256 = run(in).decode_tokens_per_s_total;
  in.users = 512;
  const SpeedEstimate at512 = run(in);
  CHECK(at512.decode_tokens_per_s_total < 1.3 * at256);  // saturated
  CHECK(at512.bound == "compute");
}

TEST_CASE("speed: TTFT grows with users arriving together", "[speed]") {
  SpeedInput in = dense_8b(RuntimeId::vllm);
  in.prompt_tokens = 2048;
  in.users = 1;
  const double alone = run(in).ttft_s;
  in.users = 32;
  const double queued = run(in).ttft_s;
  CHECK(queued > 5 * alone);
}

TEST_CASE("speed: tensor parallel splits the bytes, llama.cpp layer split does not", "[speed]") {
  SpeedInput in = dense_8b(RuntimeId::vllm);
  const double one = run(in).decode_tokens_per_s_per_user;
  in.gpus = 4;
  const SpeedEstimate tp = run(in);
  CHECK(tp.decode_tokens_per_s_per_user > 1.5 * one);
  CHECK(tp.range.high - tp.range.low > 0);
  SpeedInput lc = dense_8b(RuntimeId::llamacpp);
  const double lc_one = run(lc).decode_tokens_per_s_per_user;
  lc.gpus = 2;
  const double lc_two = run(lc).decode_tokens_per_s_per_user;
  CHECK(lc_two <= lc_one);
  CHECK(lc_two > 0.9 * lc_one);
}

TEST_CASE("speed: a bench calibration moves decode with the card's measured DRAM and narrows the "
          "range",
          "[speed]") {
  // The consumer card is nvidia-gddr: a streaming read there usually reaches 96% of its 1008 GB/s.
  SpeedInput in = as_q4_k(dense_8b());
  const SpeedEstimate spec = run(in);
  const double usual_read = 0.96 * 1008e9;
  in.bench = BenchCalibration{usual_read, std::nullopt, std::nullopt, "test"};
  const SpeedEstimate usual = run(in);
  // A card that reads like its class predicts as the spec does; only the range narrows.
  CHECK(usual.decode_tokens_per_s_per_user == Approx(spec.decode_tokens_per_s_per_user));
  const double spec_width = (spec.range.high - spec.range.low) / spec.decode_tokens_per_s_per_user;
  const double bench_width =
      (usual.range.high - usual.range.low) / usual.decode_tokens_per_s_per_user;
  CHECK(bench_width < spec_width);
  // 20% less DRAM: the step's weight reads take 1/0.8 as long, its fixed costs do not.
  in.bench->read_bytes_per_s = 0.8 * usual_read;
  const double slow = run(in).decode_tokens_per_s_per_user;
  CHECK(slow < 0.9 * spec.decode_tokens_per_s_per_user);
  CHECK(slow > 0.8 * spec.decode_tokens_per_s_per_user);
  // The CUDA backend keeps its own kernels: a Vulkan GEMV figure does not move it.
  in.bench->read_bytes_per_s = usual_read;
  in.bench->gemv_efficiency = 0.5;
  CHECK(run(in).decode_tokens_per_s_per_user == Approx(spec.decode_tokens_per_s_per_user));
  // On the Vulkan backend the measured GEMV is the kernel: a faster one decodes faster.
  in.backend = Backend::vulkan;
  const SpeedEstimate half = run(in);
  in.bench->gemv_efficiency = 0.9;
  CHECK(run(in).decode_tokens_per_s_per_user > 1.3 * half.decode_tokens_per_s_per_user);
  in.bench->gemv_efficiency = 0.0;
  CHECK(estimate_speed(in).error().field == "bench.gemv_efficiency");
}

TEST_CASE("speed: FP8 weights use the FP8 tensor rate in compute-bound prefill", "[speed]") {
  SpeedInput in = dense_8b(RuntimeId::vllm);
  in.prompt_tokens = 4096;
  const double bf16 = run(in).prefill_tokens_per_s;
  in.weight_dtype = DType::fp8_e4m3;
  in.bits_per_weight = 8;
  in.weight_bytes /= 2;
  in.active_weight_bytes /= 2;
  CHECK(run(in).prefill_tokens_per_s > 1.5 * bf16);
}

TEST_CASE("speed: window layers read at most their window, recurrent layers no attention",
          "[speed]") {
  // Half of the 8B's KV on 16 sliding layers of window 128 (gpt-oss's layout).
  SpeedInput windowed = dense_8b();
  windowed.windowed_kv = {SpeedInput::WindowedKv{65536, 128, 16}};
  windowed.attention_layers = 32;
  SpeedInput full = dense_8b();
  // Inside the window every layer reads the whole sequence: the same step.
  windowed.prompt_tokens = full.prompt_tokens = 64;
  windowed.output_tokens = full.output_tokens = 32;
  CHECK(run(windowed).inter_token_latency_s == run(full).inter_token_latency_s);
  // At 32k tokens the window layers read 128 of them: the step reads about half the KV.
  windowed.prompt_tokens = full.prompt_tokens = 32768;
  const double w_itl = run(windowed).inter_token_latency_s;
  const double f_itl = run(full).inter_token_latency_s;
  CHECK(w_itl < f_itl);
  SpeedInput half = dense_8b();
  half.prompt_tokens = 32768;
  half.kv_bytes_per_token = 65536 + 256;  // the full half, plus 65536 x 128 / ~32.9k depth
  CHECK(w_itl == Approx(run(half).inter_token_latency_s).epsilon(0.01));
  // A hybrid whose attention sits on 8 of 32 layers spends a quarter of the attention FLOPs: a
  // long prompt prefills faster than with attention on every layer.
  SpeedInput hybrid = dense_8b();
  hybrid.prompt_tokens = 32768;
  hybrid.attention_layers = 8;
  CHECK(run(hybrid).prefill_tokens_per_s > 1.2 * run(full).prefill_tokens_per_s);
}

TEST_CASE("Gaudi takes the unmeasured class, not Ponte Vecchio's llama.cpp fit", "[speed]") {
  // Gaudi 3 is no Xe GPU; with no row measuring it, its decode reads the defaults' share of its
  // 3.7 TB/s (an 8B bf16 model near an H100's 3.35 TB/s figure, not a tenth of it).
  const Card gaudi = *headroom::test::catalog().find_card("gaudi-3").value();
  CHECK(speed::classify_card(gaudi) == speed::CardClass::other);
  const Card max1550 = *headroom::test::catalog().find_card("max-1550").value();
  CHECK(speed::classify_card(max1550) == speed::CardClass::intel_hbm);
}

TEST_CASE(
    "speed: transformers eager decode takes the longer of host and GPU, bitsandbytes adds "
    "its per-linear host ops",
    "[speed][transformers]") {
  // A server-hosted copy of the 8B model on an H100-like card: host-bound in eager mode.
  SpeedInput in = dense_8b(RuntimeId::transformers);
  in.card.segment = "datacenter";
  in.card.bandwidth_bytes_per_s = 3.35e12;
  in.prompt_tokens = 64;
  in.output_tokens = 100;
  const speed::StepCostParams& eager =
      speed::step_cost_params(RuntimeId::transformers, speed::CardClass::nvidia_hbm);
  // Host: 32 layers' ops plus one sequence; the GPU's ~5 ms of weight reads hide under it.
  const double host_s = 32 * eager.per_layer_s + eager.per_step_s + eager.per_sequence_s;
  SpeedEstimate bf16 = run(in);
  CHECK(bf16.bound == "host");
  CHECK(bf16.inter_token_latency_s == Approx(host_s).epsilon(1e-9));

  // LLM.int8(): seven linear layers a block (q, k, v, o, gate, up, down), each with its host ops.
  SpeedInput int8 = in;
  int8.weight_dtype = DType::int8_rowwise;
  int8.bits_per_weight = 8;
  int8.weight_bytes /= 2;
  int8.active_weight_bytes /= 2;
  int8.linear_kernels = LinearKernels::bitsandbytes;
  const double per_linear_s =
      speed::linear_kernel_params(LinearKernels::bitsandbytes, DType::int8_rowwise)
          .host_per_linear_s;
  REQUIRE(per_linear_s > 0);
  const SpeedEstimate e = run(int8);
  CHECK(e.inter_token_latency_s == Approx(host_s + 32 * 7 * per_linear_s).epsilon(1e-9));
  CHECK(e.speedup_vs_fp16 < 1.0);  // slower than the 16-bit copy despite half the bytes

  // The same bytes through the runtime's own int8 kernels pay no per-linear host ops.
  SpeedInput w8a8 = int8;
  w8a8.linear_kernels = LinearKernels::runtime;
  CHECK(run(w8a8).inter_token_latency_s == Approx(host_s).epsilon(1e-9));

  // A desktop host (consumer card) issues the same ops in less time.
  SpeedInput desktop = int8;
  desktop.card.segment = "consumer";
  CHECK(run(desktop).inter_token_latency_s ==
        Approx(speed::eager_host_scale(speed::guess_host_cpu(desktop.card)) *
               (host_s + 32 * 7 * per_linear_s))
            .epsilon(1e-9));
}

TEST_CASE(
    "speed: LLM.int8() keeps vLLM out of CUDA graphs; bitsandbytes 4-bit copies weights "
    "to 16 bits past one token",
    "[speed][transformers]") {
  SpeedInput in = dense_8b(RuntimeId::vllm);
  in.weight_dtype = DType::int8_rowwise;
  in.bits_per_weight = 8;
  in.weight_bytes /= 2;
  in.active_weight_bytes /= 2;
  SpeedInput bnb = in;
  bnb.linear_kernels = LinearKernels::bitsandbytes;
  const double per_linear_s =
      speed::linear_kernel_params(LinearKernels::bitsandbytes, DType::int8_rowwise)
          .host_per_linear_s;
  // At least its own host ops per linear on top of the graph-captured W8A8 step.
  CHECK(run(bnb).inter_token_latency_s >= run(in).inter_token_latency_s + 32 * 7 * per_linear_s);

  // NF4 in vLLM: one graph-captured op per layer at batch 1 (no host term), and past one token
  // a 16-bit copy of every weight written and read (4 bytes a weight more per step).
  SpeedInput nf4 = dense_8b(RuntimeId::vllm);
  nf4.weight_dtype = DType::nf4;
  nf4.bits_per_weight = 4.5;
  nf4.weight_bytes = nf4.weight_bytes / 16 * 4 + nf4.weight_bytes / 32;  // 4.5 bits a weight
  nf4.active_weight_bytes = nf4.active_weight_bytes / 16 * 4 + nf4.active_weight_bytes / 32;
  nf4.weight_only_quant = true;
  SpeedInput nf4_bnb = nf4;
  nf4_bnb.linear_kernels = LinearKernels::bitsandbytes;
  CHECK(run(nf4_bnb).inter_token_latency_s == Approx(run(nf4).inter_token_latency_s));
  nf4.users = nf4_bnb.users = 8;
  CHECK(run(nf4_bnb).inter_token_latency_s > 1.5 * run(nf4).inter_token_latency_s);
}

TEST_CASE("speed: transformers' device_map runs GPUs one after another, not tensor parallel",
          "[speed][transformers]") {
  // GPU-bound on a desktop card: two cards hold half the layers each and take turns, so a token
  // still reads every weight at one card's bandwidth (vLLM's tensor parallel splits each read).
  SpeedInput one = dense_8b(RuntimeId::transformers);
  SpeedInput two = one;
  two.gpus = 2;
  CHECK(run(one).bound == "memory");
  CHECK(run(two).inter_token_latency_s == Approx(run(one).inter_token_latency_s));
  SpeedInput vllm_one = dense_8b(RuntimeId::vllm);
  SpeedInput vllm_two = vllm_one;
  vllm_two.gpus = 2;
  CHECK(run(vllm_two).inter_token_latency_s < 0.8 * run(vllm_one).inter_token_latency_s);
}

TEST_CASE("speed: an eager MoE step pays bitsandbytes' host ops for every expert its batch touches",
          "[speed][transformers]") {
  // 128 experts, 8 per token: one token touches 8, 64 tokens nearly all of them.
  SpeedInput in = dense_8b(RuntimeId::transformers);
  in.card.segment = "datacenter";
  in.num_experts = 128;
  in.experts_per_token = 8;
  in.active_weight_bytes = in.weight_bytes / 8;
  in.weight_dtype = DType::int8_rowwise;
  in.bits_per_weight = 8;
  in.linear_kernels = LinearKernels::bitsandbytes;
  const double per_linear_s =
      speed::linear_kernel_params(LinearKernels::bitsandbytes, DType::int8_rowwise)
          .host_per_linear_s;
  const double one = run(in).inter_token_latency_s;
  in.users = 64;
  const double many = run(in).inter_token_latency_s;
  const double touched_1 = 8.0;
  const double touched_64 = 128.0 * (1 - std::pow(1 - 8.0 / 128.0, 64.0));
  CHECK(many - one >= 32 * 3 * (touched_64 - touched_1) * per_linear_s);
}

TEST_CASE("speed: --host-cpu sets the eager host the card would otherwise imply",
          "[speed][transformers]") {
  SpeedInput in = dense_8b(RuntimeId::transformers);
  in.card.segment = "datacenter";
  in.card.bandwidth_bytes_per_s = 3.35e12;  // host-bound on any host
  const double guessed = run(in).inter_token_latency_s;
  in.host_cpu = HostCpu::server;
  CHECK(run(in).inter_token_latency_s == Approx(guessed));
  in.host_cpu = HostCpu::desktop;
  CHECK(run(in).inter_token_latency_s ==
        Approx(guessed * speed::eager_host_scale(HostCpu::desktop)));
  in.host_cpu = HostCpu::older_server;
  CHECK(run(in).inter_token_latency_s ==
        Approx(guessed * speed::eager_host_scale(HostCpu::older_server)));
}
