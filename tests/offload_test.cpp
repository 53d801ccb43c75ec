// llama.cpp partial offload (-ngl): which bytes stay on the GPU, which move to system memory,
// and what that does to decode speed.
#include <catch2/catch.hpp>

#include "headroom/catalog.h"
#include "headroom/sizing.h"
#include "sizing_fixtures.h"

using namespace headroom;

namespace {

SizingRequest llama8b_q4km(std::optional<std::uint32_t> gpu_layers) {
  SizingRequest r =
      test::request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4060");
  r.workload = {1000, 200, 1};
  r.knobs.gpu_layers = gpu_layers;
  return r;
}

}  // namespace

TEST_CASE("partial offload (-ngl) moves whole layers and the output head between GPU and host",
          "[offload]") {
  auto all = size(llama8b_q4km(std::nullopt));
  auto layers_only = size(llama8b_q4km(32));
  auto half = size(llama8b_q4km(16));
  auto none = size(llama8b_q4km(0));
  REQUIRE(all);
  REQUIRE(layers_only);
  REQUIRE(half);
  REQUIRE(none);
  // -ngl 33 (the default: 32 layers + output) vs 32: the Q6_K output head,
  // 128256 x 4096 / 256 blocks x 210 bytes = 430940160, moves to the host.
  CHECK(all->memory.weights_bytes - layers_only->memory.weights_bytes == 430940160ull);
  CHECK(layers_only->memory.host_bytes - all->memory.host_bytes == 430940160ull);
  // Half the layers on the GPU: half the KV buffer there, the rest in host memory.
  CHECK(half->memory.kv_cache_capacity_bytes * 2 == all->memory.kv_cache_capacity_bytes);
  CHECK(half->memory.weights_bytes < layers_only->memory.weights_bytes);
  CHECK(half->memory.weights_bytes + half->memory.host_bytes ==
        all->memory.weights_bytes + all->memory.host_bytes +
            all->memory.kv_cache_capacity_bytes / 2);
  // Nothing offloaded: no weights or KV on the GPU, only the compute buffer and context.
  CHECK(none->memory.weights_bytes == 0);
  CHECK(none->memory.kv_cache_capacity_bytes == 0);
  CHECK(none->inputs.gpu_layers == 0);
}

TEST_CASE("layers in system memory slow decode by the memory ratio", "[offload][speed]") {
  auto all = size(llama8b_q4km(std::nullopt));
  auto half = size(llama8b_q4km(16));
  REQUIRE(all);
  REQUIRE(half);
  REQUIRE(all->speed);
  REQUIRE(half->speed);
  // Half the layer bytes at ~61 GB/s against a 272 GB/s card: several times slower.
  CHECK(half->speed->decode_tokens_per_s_per_user < all->speed->decode_tokens_per_s_per_user / 2);
  auto fast_ram = llama8b_q4km(16);
  fast_ram.knobs.host_bandwidth_bytes_per_s = 120e9;
  auto faster = size(fast_ram);
  REQUIRE(faster);
  CHECK(faster->speed->decode_tokens_per_s_per_user >
        half->speed->decode_tokens_per_s_per_user * 1.5);
}

TEST_CASE("a model too big for the card gets the -ngl that fits as advice", "[offload]") {
  SizingRequest r =
      test::request("llama-3.1-70b-instruct", "q4_k_m", RuntimeId::ollama, "rtx-4090");
  auto report = size(r);
  REQUIRE(report);
  CHECK(report->verdict == Verdict::does_not_fit);
  std::string line;
  for (const auto& advice : report->advice) {
    if (advice.find("--n-gpu-layers") != std::string::npos) line = advice;
  }
  REQUIRE_FALSE(line.empty());
  // The advised value must itself fit, and one more layer must not.
  const auto at = line.find("--n-gpu-layers ") + 15;
  const auto layers = static_cast<std::uint32_t>(std::stoul(line.substr(at)));
  r.knobs.gpu_layers = layers;
  auto fits = size(r);
  REQUIRE(fits);
  CHECK(fits->verdict != Verdict::does_not_fit);
  r.knobs.gpu_layers = layers + 1;
  auto over = size(r);
  REQUIRE(over);
  CHECK(over->verdict == Verdict::does_not_fit);
}

TEST_CASE("offload settings are refused where they do not apply", "[offload][errors]") {
  auto r = llama8b_q4km(16);
  r.runtime = RuntimeId::vllm;
  r.weight_format = "bf16";
  auto vllm = size(r);
  REQUIRE_FALSE(vllm);
  // Named in the core's vocabulary (the request key); the CLI turns it into --n-gpu-layers.
  CHECK(vllm.error().field == "n_gpu_layers");
  CHECK(vllm.error().message.find("n_gpu_layers is a llama.cpp/Ollama setting") !=
        std::string::npos);
  auto slow = llama8b_q4km(16);
  slow.knobs.host_bandwidth_bytes_per_s = 1e6;
  auto refused = size(slow);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "host_bandwidth_gb_per_s");
}

TEST_CASE(
    "expert offload (--n-cpu-moe) keeps routed experts in system memory and reads only the active "
    "ones",
    "[offload]") {
  SizingRequest r = test::request("gpt-oss-20b", "native", RuntimeId::llamacpp, "rtx-4060");
  r.workload = {1000, 200, 1};
  auto gpu = size(r);
  REQUIRE(gpu);
  r.knobs.cpu_moe_layers = r.model.num_layers;  // every layer's experts
  auto cpu = size(r);
  REQUIRE(cpu);
  // gpt-oss-20b routed experts: 24 layers x 32 experts x 3 matrices x 2880 x 2880 MXFP4 weights,
  // 17 bytes per 32 (their biases are 1-D tensors and stay on the GPU):
  const std::uint64_t expert_matrix_bytes = 24ull * 32 * 3 * 2880 * 2880 / 32 * 17;
  CHECK(gpu->memory.weights_bytes - cpu->memory.weights_bytes == expert_matrix_bytes);
  CHECK(cpu->memory.host_bytes - gpu->memory.host_bytes == expert_matrix_bytes);
  CHECK(cpu->memory.kv_cache_capacity_bytes ==
        gpu->memory.kv_cache_capacity_bytes);  // layers stay on the GPU
  REQUIRE(cpu->speed);
  REQUIRE(gpu->speed);
  CHECK(cpu->speed->decode_tokens_per_s_per_user < gpu->speed->decode_tokens_per_s_per_user);
  // Freeing the GPU by whole layers instead (-ngl 2: 22 of 24 layers on the CPU, fewer GPU bytes
  // than --n-cpu-moe leaves) reads every weight of those layers from system memory each token;
  // experts-only reads just the 4 active experts of 32, so it is faster.
  auto layers = r;
  layers.knobs.cpu_moe_layers.reset();
  layers.knobs.gpu_layers = 2;
  auto by_layers = size(layers);
  REQUIRE(by_layers);
  CHECK(by_layers->memory.weights_bytes < cpu->memory.weights_bytes);
  CHECK(cpu->speed->decode_tokens_per_s_per_user > by_layers->speed->decode_tokens_per_s_per_user);
  // Dense models have no experts to keep on the CPU.
  auto dense = llama8b_q4km(std::nullopt);
  dense.knobs.cpu_moe_layers = 4;
  auto refused = size(dense);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "n_cpu_moe");
}
