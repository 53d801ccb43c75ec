// Memory model: hand-computed KV rates, published runtime measurements as acceptance cases,
// capacity limits and every bad-input path of size().
#include <catch2/catch.hpp>

#include <functional>

#include "gguf_writer.h"
#include "headroom/catalog.h"
#include "headroom/gguf.h"
#include "headroom/sizing.h"
#include "headroom/units.h"
#include "sizing_fixtures.h"

using namespace headroom;
using test::catalog;
using test::gib;
using test::mib;
using test::request;

TEST_CASE("KV bytes per token, hand-computed", "[sizing]") {
  // Llama-3.1-8B: 2 (K,V) x 32 layers x 8 KV heads x 128 head_dim x 2 bytes = 128 KiB.
  auto llama = size(request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb"));
  REQUIRE(llama);
  CHECK(llama->memory.kv_bytes_per_token == 2u * 32 * 8 * 128 * 2);
  // Gemma-7B: head_dim is 256 (config), not hidden/heads = 3072/16 = 192:
  // 2 x 28 layers x 16 KV heads x 256 x 2 bytes = 458752 bytes = 448 KiB.
  auto gemma = size(request("gemma-7b-it", "bf16", RuntimeId::vllm, "h100-sxm-80gb"));
  REQUIRE(gemma);
  CHECK(gemma->memory.kv_bytes_per_token == 2u * 28 * 16 * 256 * 2);
  // DeepSeek-V3 (MLA) in vLLM stores one latent per token and layer, no factor 2:
  // 61 layers x (512 kv_lora_rank + 64 rope) x 2 bytes = 70272 bytes.
  auto deepseek = size(request("deepseek-v3", "native", RuntimeId::vllm, "h200-sxm-141gb"));
  REQUIRE(deepseek);
  CHECK(deepseek->memory.kv_bytes_per_token == 61u * (512 + 64) * 2);
  // Llama-3.1-70B at TP2: 8 KV heads split 4 per GPU: 2 x 80 x 4 x 128 x 2 bytes per GPU.
  auto tp = request("llama-3.1-70b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  tp.gpus = 2;
  auto tp_report = size(tp);
  REQUIRE(tp_report);
  CHECK(tp_report->memory.kv_bytes_per_token == 2u * 80 * 4 * 128 * 2);
}

TEST_CASE("Sliding-window layers stop growing at their window", "[sizing]") {
  // Gemma-2-9B: 42 layers alternate local (window 4096) and global attention.
  // Per layer and token: 2 x 8 KV heads x 256 x 2 bytes = 8192 bytes.
  auto r = request("gemma-2-9b-it", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  r.workload = {8192, 0, 1};
  auto report = size(r);
  REQUIRE(report);
  const std::uint64_t per_layer_token = 2u * 8 * 256 * 2;
  // 21 global layers hold 8192 tokens; 21 local layers hold 4096 (16-token blocks divide both).
  CHECK(report->memory.kv_cache_bytes == 21 * per_layer_token * 8192 + 21 * per_layer_token * 4096);
}

// The llm-d rows' logged terms (weights, activation, non-torch, KV) are in
// tests/data/memory_validation.json (tests/memory_validation_test.cpp); what a row cannot
// express stays here: the card's capacity as vLLM sees it, the verdicts and the advice.
TEST_CASE("vLLM acceptance: llm-d H100 profiles, capacity and verdicts", "[sizing][acceptance]") {
  // llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md: Llama-3.1-8B bf16
  // at max_model_len 16000 and utilization 0.9 fits on the card vLLM sees as 79.18 GiB.
  auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  r.knobs.max_model_len_tokens = 16000;
  r.knobs.gpu_memory_utilization = 0.9;
  auto report = size(r);
  REQUIRE(report);
  CHECK(gib(report->memory.capacity_bytes) == Approx(79.18).epsilon(0.001));
  CHECK(report->verdict == Verdict::fits);
  // Llama-3.3-70B FP8 on one H100: measured KV -1.44 GiB, "No available memory for the cache
  // blocks".
  auto one = request("llama-3.3-70b-instruct", "fp8-channel", RuntimeId::vllm, "h100-sxm-80gb");
  one.knobs.max_model_len_tokens = 16000;
  auto failed = size(one);
  REQUIRE(failed);
  CHECK(failed->verdict == Verdict::does_not_fit);
  CHECK(failed->verdict_reason.find("cannot start") != std::string::npos);
  bool suggests_two = false;
  for (const auto& line : failed->advice)
    suggests_two |= line.find("needs 2 GPUs") != std::string::npos;
  CHECK(suggests_two);
}

TEST_CASE("llama.cpp acceptance: gemma-7b-it Q4_0 on an RTX 3080 from its GGUF header",
          "[sizing][acceptance]") {
  // A public Ollama load log (sizing-anchors.md section 6.1): n_ctx 2048, full offload, no flash
  // attention: KV 896.00 MiB (f16), CUDA0 compute buffer 506.00 MiB, model buffer 4955.54 MiB
  // on CUDA0 + 796.88 MiB on the CPU. The header below mirrors that file's tensor table
  // (token_embd kept at Q8_0, every block matrix Q4_0, norms f32, tied output).
  // Tolerance: exact for KV, 0.5% for the buffers.
  test::GgufWriter w;
  w.str("general.architecture", "gemma")
      .str("general.name", "gemma-7b-it")
      .u32("gemma.block_count", 28)
      .u32("gemma.context_length", 8192)
      .u32("gemma.embedding_length", 3072)
      .u32("gemma.feed_forward_length", 24576)
      .u32("gemma.attention.head_count", 16)
      .u32("gemma.attention.head_count_kv", 16)
      .u32("gemma.attention.key_length", 256)
      .u32("gemma.attention.value_length", 256);
  w.tensor("token_embd.weight", {3072, 256000}, test::kGgmlQ8_0);
  for (int layer = 0; layer < 28; ++layer) {
    const std::string b = "blk." + std::to_string(layer) + ".";
    w.tensor(b + "attn_norm.weight", {3072}, test::kGgmlF32);
    w.tensor(b + "attn_q.weight", {3072, 4096}, test::kGgmlQ4_0);
    w.tensor(b + "attn_k.weight", {3072, 4096}, test::kGgmlQ4_0);
    w.tensor(b + "attn_v.weight", {3072, 4096}, test::kGgmlQ4_0);
    w.tensor(b + "attn_output.weight", {4096, 3072}, test::kGgmlQ4_0);
    w.tensor(b + "ffn_norm.weight", {3072}, test::kGgmlF32);
    w.tensor(b + "ffn_gate.weight", {3072, 24576}, test::kGgmlQ4_0);
    w.tensor(b + "ffn_up.weight", {3072, 24576}, test::kGgmlQ4_0);
    w.tensor(b + "ffn_down.weight", {24576, 3072}, test::kGgmlQ4_0);
  }
  w.tensor("output_norm.weight", {3072}, test::kGgmlF32);
  const std::string header = w.header();
  MemoryByteSource source(header, header.size() + w.data_bytes());
  auto parsed = read_gguf_header(source);
  REQUIRE(parsed);
  auto arch = arch_from_gguf(parsed.value(), "gemma-7b-it.Q4_0.gguf");
  REQUIRE(arch);

  SizingRequest r;
  r.model = arch.value();
  r.weight_format = "native";
  r.runtime = RuntimeId::ollama;
  r.card = *catalog().find_card("rtx-3080-10gb").value();
  r.workload = {1024, 1024, 1};
  r.knobs.ctx_size_tokens = 2048;
  r.knobs.flash_attention = false;
  auto report = size(r);
  REQUIRE(report);
  CHECK(mib(report->memory.kv_cache_capacity_bytes) == Approx(896.00).epsilon(1e-9));
  CHECK(mib(report->memory.activation_bytes) == Approx(506.00).epsilon(0.005));
  CHECK(mib(report->memory.weights_bytes) == Approx(4955.54).epsilon(0.005));
  CHECK(mib(report->memory.host_bytes) == Approx(796.88).epsilon(0.005));
}

TEST_CASE("max users and max context are the real limits", "[sizing]") {
  auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "rtx-4090");
  r.workload = {2000, 500, 4};
  auto report = size(r);
  REQUIRE(report);
  REQUIRE(report->max_users > 4);
  auto at_limit = r;
  at_limit.workload.users = report->max_users;
  auto fits = size(at_limit);
  REQUIRE(fits);
  CHECK(fits->verdict != Verdict::does_not_fit);
  at_limit.workload.users = report->max_users + 1;
  auto over = size(at_limit);
  REQUIRE(over);
  CHECK(over->verdict == Verdict::does_not_fit);
  // The longest context for 4 users fits; one block more does not.
  auto longest = r;
  longest.workload = {report->max_context_tokens, 0, 4};
  longest.knobs.max_model_len_tokens = report->max_context_tokens;
  auto longest_report = size(longest);
  REQUIRE(longest_report);
  CHECK(longest_report->memory.kv_cache_bytes <= longest_report->memory.kv_cache_capacity_bytes);
  longest.workload.prompt_tokens += 16;
  longest.knobs.max_model_len_tokens = longest.workload.prompt_tokens;
  auto too_long = size(longest);
  REQUIRE(too_long);
  CHECK(too_long->verdict == Verdict::does_not_fit);
}

TEST_CASE("more users never need less memory, and fp8 KV halves the KV cache", "[sizing]") {
  auto r = request("qwen2.5-7b-instruct", "bf16", RuntimeId::vllm, "l40s");
  std::uint64_t previous = 0;
  for (std::uint64_t users : {1u, 2u, 4u, 8u, 16u}) {
    r.workload = {1500, 500, users};
    auto report = size(r);
    REQUIRE(report);
    CHECK(report->memory.kv_cache_bytes > previous);
    previous = report->memory.kv_cache_bytes;
  }
  auto fp8 = r;
  fp8.kv_dtype = "fp8";
  auto half = size(fp8);
  auto full = size(r);
  REQUIRE(half);
  REQUIRE(full);
  CHECK(half->memory.kv_bytes_per_token * 2 == full->memory.kv_bytes_per_token);
}

TEST_CASE("size() refuses bad input with a message naming the field", "[sizing][errors]") {
  auto base = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  struct Case {
    const char* what;
    std::function<void(SizingRequest&)> change;
    const char* field;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"zero users", [](SizingRequest& r) { r.workload.users = 0; }, "users", "users must be"},
      {"zero gpus", [](SizingRequest& r) { r.gpus = 0; }, "gpus", "gpus must be"},
      {"absurd prompt", [](SizingRequest& r) { r.workload.prompt_tokens = 1ull << 40; },
       "prompt_tokens", "at most"},
      {"utilization above 1", [](SizingRequest& r) { r.knobs.gpu_memory_utilization = 1.5; },
       "gpu_memory_utilization", "(0, 1]"},
      {"unknown format", [](SizingRequest& r) { r.weight_format = "q9_9"; }, "quant", "q9_9"},
      {"unknown kv dtype", [](SizingRequest& r) { r.kv_dtype = "fp3"; }, "", "fp3"},
      {"llama.cpp knob on vLLM", [](SizingRequest& r) { r.knobs.ctx_size_tokens = 4096; },
       "ctx_size", "llama.cpp"},
      {"max_model_len shorter than the request",
       [](SizingRequest& r) { r.knobs.max_model_len_tokens = 100; }, "max_model_len", "shorter"},
      {"longer than the model's context",
       [](SizingRequest& r) { r.workload.prompt_tokens = 200000; }, "max_model_len",
       "context window of 131072"},
      {"GGUF mix on vLLM",
       [](SizingRequest& r) {
         r.weight_format = "q4_k_m";
         r.runtime = RuntimeId::trtllm;
       },
       "quant", "cannot be served"},
      {"q4_0 V cache without flash attention",
       [](SizingRequest& r) {
         r.runtime = RuntimeId::llamacpp;
         r.kv_dtype = "q4_0";
         r.weight_format = "q8_0";
         r.knobs.flash_attention = false;
       },
       "kv_cache_dtype", "flash attention"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = base;
    c.change(r);
    auto report = size(r);
    REQUIRE_FALSE(report);
    if (std::string(c.field).size()) CHECK(report.error().field == c.field);
    CHECK(report.error().message.find(c.text) != std::string::npos);
  }
}

TEST_CASE("the verdict turns tight above 80% of the reserved KV cache", "[sizing]") {
  auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "rtx-4090");
  r.workload = {2000, 500, 1};
  auto probe = size(r);
  REQUIRE(probe);
  const std::uint64_t max_users = probe->max_users;
  REQUIRE(max_users >= 10);
  r.workload.users = max_users * 9 / 10;  // 90% of what fits
  auto busy = size(r);
  REQUIRE(busy);
  CHECK(busy->verdict == Verdict::tight);
  CHECK(busy->verdict_reason.find("80%") != std::string::npos);
  r.workload.users = max_users / 2;
  auto relaxed = size(r);
  REQUIRE(relaxed);
  CHECK(relaxed->verdict == Verdict::fits);
}

TEST_CASE("every default applied is listed as an assumption, and only those", "[sizing]") {
  auto silent = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "rtx-4090");
  auto report = size(silent);
  REQUIRE(report);
  auto mentions = [](const SizingReport& r, const char* text) {
    for (const auto& line : r.assumptions) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(mentions(report.value(), "max_model_len = prompt + output (1280)"));
  CHECK(mentions(report.value(), "gpu_memory_utilization 0.900"));
  CHECK(mentions(report.value(), "--kv-cache-dtype auto"));
  auto explicit_request = silent;
  explicit_request.kv_dtype = "bf16";
  explicit_request.knobs.max_model_len_tokens = 4096;
  explicit_request.knobs.gpu_memory_utilization = 0.85;
  auto explicit_report = size(explicit_request);
  REQUIRE(explicit_report);
  CHECK(explicit_report->assumptions.empty());
  // A config.json without torch_dtype or num_key_value_heads says what it assumed.
  auto arch =
      parse_hf_config(R"({"model_type": "llama", "hidden_size": 2048, "num_hidden_layers": 16,
    "num_attention_heads": 16, "intermediate_size": 5632, "vocab_size": 32000})",
                      "tiny");
  REQUIRE(arch);
  auto tiny = explicit_request;
  tiny.model = arch.value();
  tiny.knobs.max_model_len_tokens = 2048;
  auto tiny_report = size(tiny);
  REQUIRE(tiny_report);
  CHECK(mentions(tiny_report.value(), "no torch_dtype"));
  CHECK(mentions(tiny_report.value(), "no num_key_value_heads"));
}

TEST_CASE("tensor parallelism needs the heads to divide; layer split does not",
          "[sizing][errors]") {
  auto tp3 = request("llama-3.1-70b-instruct", "fp8", RuntimeId::vllm, "h100-sxm-80gb");
  tp3.gpus = 3;  // 64 heads do not split over 3 GPUs
  auto refused = size(tp3);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "gpus");
  auto layers = request("llama-3.1-70b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  layers.gpus = 3;
  CHECK(size(layers));
  // The catalog also answers to the Hugging Face repo name.
  CHECK(catalog().find_model("meta-llama/Llama-3.1-8B-Instruct").value()->arch.id ==
        "llama-3.1-8b-instruct");
}

TEST_CASE("Ollama's 4096-token default context is flagged for longer requests", "[sizing]") {
  auto r = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::ollama, "rtx-4090");
  r.workload = {6000, 1000, 1};
  auto report = size(r);
  REQUIRE(report);
  bool flagged = false;
  for (const auto& line : report->advice)
    flagged |= line.find("num_ctx") != std::string::npos && line.find("7000") != std::string::npos;
  CHECK(flagged);
  r.knobs.ctx_size_tokens = 8192;  // set explicitly: nothing to flag
  auto explicit_ctx = size(r);
  REQUIRE(explicit_ctx);
  for (const auto& line : explicit_ctx->advice) CHECK(line.find("num_ctx") == std::string::npos);
}

TEST_CASE("active parameters: per token, and with the embedding as model cards count them",
          "[sizing]") {
  // Model cards differ: Llama 4 Scout's "17B active" and Qwen3-30B-A3B's "3.3B activated"
  // include the input embedding table, which a token reads one row of; the speed model counts
  // only the matmul weights a token touches. Both figures are reported.
  const auto both = [](const char* model) {
    SizingRequest r = request(model, "bf16", RuntimeId::vllm, "h200-sxm-141gb");
    r.gpus = 8;
    auto report = size(r);
    INFO(model << ": " << (report ? std::string() : report.error().message));
    REQUIRE(report);
    return std::pair{report->inputs.active_params, report->inputs.active_params_with_embedding};
  };
  const auto [scout, scout_card] = both("llama-4-scout-17b-16e-instruct");
  CHECK(static_cast<double>(scout_card) == Approx(17e9).epsilon(0.02));
  CHECK(scout_card - scout == 202048ull * 5120);  // vocab x hidden (untied)
  const auto [qwen, qwen_card] = both("qwen3-30b-a3b");
  CHECK(static_cast<double>(qwen_card) == Approx(3.3e9).epsilon(0.02));
  CHECK(qwen_card - qwen == 151936ull * 2048);
  // Tied embeddings are the output head, already counted per token: the figures agree.
  const auto [tied, tied_card] = both("llama-3.2-1b-instruct");
  CHECK(tied == tied_card);
}

TEST_CASE("vLLM max_num_seqs caps the users that run at once", "[sizing][vllm]") {
  // The scheduler admits at most max_num_seqs running requests (vLLM --max-num-seqs); the rest
  // wait however much KV cache is left. 8 users fit an H100's KV cache at these lengths many
  // times over, so only the cap can refuse 16 of them.
  auto r = request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  r.knobs.max_num_seqs = 8;
  r.workload = {1024, 256, 8};
  auto eight = size(r);
  REQUIRE(eight);
  CHECK(eight->verdict != Verdict::does_not_fit);
  CHECK(eight->max_users == 8);
  r.workload.users = 16;
  auto sixteen = size(r);
  REQUIRE(sixteen);
  CHECK(sixteen->verdict == Verdict::does_not_fit);
  CHECK(sixteen->verdict_reason.find("at most 8 sequences") != std::string::npos);
  // Without the knob the default (1024 here) does not bind at 16 users.
  r.knobs.max_num_seqs.reset();
  auto unset = size(r);
  REQUIRE(unset);
  CHECK(unset->verdict != Verdict::does_not_fit);
  CHECK(unset->max_users > 16);
}

TEST_CASE("llama.cpp layer split: each GPU holds its layers' KV and one layer's compute buffer",
          "[sizing][llamacpp]") {
  // Layers, not heads, are divided (--split-mode layer): two GPUs hold half of the KV cache each
  // (all 8 KV heads of their 16 layers), and each still builds a whole layer's graph, the
  // fp32 KQ matrix of all 32 heads included when flash attention is off.
  auto r = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  r.knobs.ctx_size_tokens = 8192;
  r.knobs.parallel_slots = 1;
  r.knobs.flash_attention = false;
  auto one = size(r);
  r.gpus = 2;
  auto two = size(r);
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->memory.kv_cache_capacity_bytes == 8192ull * 32 * 8 * 128 * 2 * 2);
  CHECK(two->memory.kv_cache_capacity_bytes * 2 == one->memory.kv_cache_capacity_bytes);
  CHECK(two->memory.activation_bytes == one->memory.activation_bytes);
  // Whole layers: over 3 GPUs llama.cpp runs layers 0-10, 11-21 and 22-31 (the output head on
  // the last), so the busiest holds 11 layers of KV (4096 B a token each), not 32 / 3.
  r.gpus = 3;
  auto three = size(r);
  REQUIRE(three);
  CHECK(three->memory.kv_bytes_per_token == 11u * 4096);
  CHECK(three->memory.kv_cache_capacity_bytes == 8192ull * 11 * 4096);
  // More GPUs than layers leave some empty: one layer is the least a GPU holds.
  r.gpus = 64;
  auto many = size(r);
  REQUIRE(many);
  CHECK(many->memory.kv_bytes_per_token == 4096u);
}

TEST_CASE("llama.cpp / Ollama / transformers: max users and max context are workloads that fit",
          "[sizing][llamacpp]") {
  // Their buffers grow with the workload (llama.cpp's n_ctx padded per slot and, without flash
  // attention, its compute buffer; transformers' activations with the batch), so each limit must
  // be a workload whose own sizing fits while one more user or token does not.
  struct Case {
    RuntimeId runtime;
    const char* card;
    std::uint64_t prompt, output;
  };
  const Case cases[] = {{RuntimeId::llamacpp, "rtx-4090", 1024, 256},
                        {RuntimeId::ollama, "h100-sxm-80gb", 1024, 256},
                        {RuntimeId::transformers, "h100-sxm-80gb", 1024, 256}};
  for (const Case& c : cases) {
    INFO(runtime_profile(c.runtime).key);
    auto r = request("llama-3.1-8b-instruct", c.runtime == RuntimeId::transformers ? "bf16" : "q4_k_m",
                     c.runtime, c.card);
    r.workload = {c.prompt, c.output, 1};
    r.with_advice = false;
    auto base = size(r);
    REQUIRE(base);
    const std::uint64_t users = base->max_users;
    REQUIRE(users > 1);
    r.workload.users = users;
    auto at = size(r);
    REQUIRE(at);
    CHECK(at->verdict != Verdict::does_not_fit);
    CHECK(at->max_users == users);
    r.workload.users = users + 1;
    auto past = size(r);
    REQUIRE(past);
    CHECK(past->verdict == Verdict::does_not_fit);
    // The longest request one user can send.
    const std::uint64_t context = base->max_context_tokens;
    r.workload = {context - c.output, c.output, 1};
    auto longest = size(r);
    REQUIRE(longest);
    CHECK(longest->verdict != Verdict::does_not_fit);
    if (context < catalog().find_model("llama-3.1-8b-instruct").value()->arch.max_context_tokens) {
      r.workload.prompt_tokens += 1;
      auto longer = size(r);
      REQUIRE(longer);
      CHECK(longer->verdict == Verdict::does_not_fit);
    }
  }
  // Short requests: the card would hold 282 (a 256-cell slot each), llama.cpp runs 256 at most.
  auto short_requests = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  short_requests.workload = {128, 64, 1};
  auto capped = size(short_requests);
  REQUIRE(capped);
  CHECK(capped->max_users == 256);
  short_requests.knobs.parallel_slots = 257;
  auto refused = size(short_requests);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "parallel");
  // llama-server -c 8192 -np 4 runs 4 requests at once, 2048 tokens each, whatever the card holds.
  auto pinned = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "h100-sxm-80gb");
  pinned.workload = {1024, 256, 8};
  pinned.knobs.ctx_size_tokens = 8192;
  pinned.knobs.parallel_slots = 4;
  auto slots = size(pinned);
  REQUIRE(slots);
  CHECK(slots->max_users == 4);
  CHECK(slots->max_context_tokens == 2048);
}

TEST_CASE("SGLang without a hybrid window pool: window layers count every token everywhere",
          "[sizing][sglang]") {
  // Gemma 3 is not one of SGLang's hybrid sliding-window models, so its one pool holds every
  // token in all 48 layers (8 KV heads x 256, K and V in bf16: 384 KiB a token). The workload's
  // KV need, max users and max context all count it that way (the need and the longest context
  // used to take the 1024-token window on 40 of the layers).
  auto r = request("gemma-3-12b-it", "native", RuntimeId::sglang, "h100-sxm-80gb");
  r.workload = {30000, 192, 1};
  r.with_advice = false;
  auto one = size(r);
  REQUIRE(one);
  CHECK(one->memory.kv_bytes_per_token == 48u * 2 * 8 * 256 * 2);
  CHECK(one->memory.kv_cache_bytes == 30192ull * 48 * 2 * 8 * 256 * 2);
  const std::uint64_t longest = one->max_context_tokens;
  CHECK(longest == one->memory.kv_cache_capacity_bytes / one->memory.kv_bytes_per_token);
  r.workload = {longest - 192, 192, 1};
  auto at = size(r);
  REQUIRE(at);
  CHECK(at->verdict != Verdict::does_not_fit);
  r.workload.prompt_tokens += 1;
  auto past = size(r);
  REQUIRE(past);
  CHECK(past->verdict == Verdict::does_not_fit);
  // gpt-oss from SGLang 0.5.9 takes the hybrid pool: the full layers' tokens bound the context.
  auto oss = request("gpt-oss-20b", "native", RuntimeId::sglang, "l40s");
  oss.workload = {30000, 256, 8};
  auto pooled = size(oss);
  REQUIRE(pooled);
  oss.knobs.engine_version = "0.5.4";
  auto whole = size(oss);
  REQUIRE(whole);
  CHECK(whole->memory.kv_cache_bytes == 8ull * 30256 * 24 * 2 * 8 * 64 * 2);
  CHECK(pooled->memory.kv_cache_bytes < whole->memory.kv_cache_bytes);
  CHECK(pooled->max_context_tokens * 8 <= pooled->memory.kv_cache_capacity_bytes /
                                              (pooled->memory.kv_bytes_per_token / 2));
}

TEST_CASE("FP8 weights are refused on cards their kernels do not run on", "[sizing][errors]") {
  // vLLM, SGLang and TGI need compute capability 8.0 (FP8 Marlin on Ampere); TensorRT-LLM needs
  // FP8 tensor cores (Ada and newer).
  for (RuntimeId runtime : {RuntimeId::vllm, RuntimeId::sglang, RuntimeId::tgi, RuntimeId::trtllm}) {
    INFO(runtime_profile(runtime).key);
    for (const char* card : {"t4", "v100-sxm2-32gb"}) {
      auto refused = size(request("llama-3.1-8b-instruct", "fp8", runtime, card));
      REQUIRE_FALSE(refused);
      CHECK(refused.error().field == "card");
    }
    CHECK(size(request("llama-3.1-8b-instruct", "fp8", runtime, "l4")));
  }
  CHECK(size(request("llama-3.1-8b-instruct", "fp8", RuntimeId::vllm, "a100-sxm-80gb")));
  // AMD: FP8 matrix cores from CDNA 3 and RDNA 4 only.
  for (const char* card : {"mi250x", "mi210", "rx-7900-xtx"}) {
    auto refused = size(request("llama-3.1-8b-instruct", "fp8", RuntimeId::vllm, card));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "card");
  }
  CHECK(size(request("llama-3.1-8b-instruct", "fp8", RuntimeId::vllm, "mi300x")));
  CHECK(size(request("llama-3.1-8b-instruct", "fp8", RuntimeId::vllm, "rx-9070-xt")));
  auto trt_ampere = size(request("llama-3.1-8b-instruct", "fp8", RuntimeId::trtllm, "a100-sxm-80gb"));
  REQUIRE_FALSE(trt_ampere);
  CHECK(trt_ampere.error().message.find("Ampere") != std::string::npos);
}

TEST_CASE("An over-capacity verdict names the term that is largest as held", "[sizing][verdict]") {
  // llama.cpp allocates its whole n_ctx buffer: 16M cells of Llama-3.1-8B are 2 TiB of KV, far
  // more than its 4.3 GiB of weights, whatever the workload's own tokens need.
  auto r = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "h100-sxm-80gb");
  r.knobs.ctx_size_tokens = 16777216;
  auto huge = size(r);
  REQUIRE(huge);
  REQUIRE(huge->verdict == Verdict::does_not_fit);
  CHECK(huge->verdict_reason.find("the KV cache is the largest term") != std::string::npos);
  auto big = size(request("llama-3.1-70b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090"));
  REQUIRE(big);
  CHECK(big->verdict_reason.find("the weights are the largest term") != std::string::npos);
}

TEST_CASE("llama.cpp without flash attention: the KQ matrix spans one slot's cells", "[sizing][llamacpp]") {
  // Each -np slot is its own KV stream (not unified): a ubatch's KQ matrix covers n_ctx_seq keys
  // per stream, so 4 slots of 4096 cells build the same compute buffer as 1 slot of 4096
  // (n_ctx_seq x 512 x (32 heads + 1) x 4 B, plus four fp32 hidden rows per ubatch token, for
  // Llama-3.1-8B).
  auto r = request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::ollama, "h100-sxm-80gb");
  r.workload = {3840, 256, 1};
  r.knobs.flash_attention = false;
  auto one = size(r);
  r.workload.users = 4;
  auto four = size(r);
  REQUIRE(one);
  REQUIRE(four);
  CHECK(four->inputs.parallel_slots == 4u);
  CHECK(four->memory.activation_bytes == one->memory.activation_bytes);
  CHECK(static_cast<double>(one->memory.activation_bytes) ==
        Approx(4096.0 * 512 * 33 * 4 + 4.0 * 512 * 4096 * 4));
}

TEST_CASE("Advice combines more GPUs and a smaller format when neither alone fits", "[sizing][advice]") {
  // Llama-3.1-70B bf16 (141 GB) does not fit 8 T4s, nor AWQ on one; AWQ on 4 does.
  auto r = request("llama-3.1-70b-instruct", "bf16", RuntimeId::vllm, "t4");
  auto t4 = size(r);
  REQUIRE(t4);
  REQUIRE(t4->verdict == Verdict::does_not_fit);
  bool combined = false;
  for (const auto& line : t4->advice) combined |= line.find("weights on 4 GPUs do") != std::string::npos;
  CHECK(combined);
  // The line's claim holds when run.
  r.weight_format = "awq";
  r.gpus = 4;
  auto awq = size(r);
  REQUIRE(awq);
  CHECK(awq->verdict != Verdict::does_not_fit);
  // Nothing fits 8 RTX 4090s for the 405B model: the advice says so instead of staying silent.
  auto huge = size(request("llama-3.1-405b-instruct", "bf16", RuntimeId::vllm, "rtx-4090"));
  REQUIRE(huge);
  bool says = false;
  for (const auto& line : huge->advice) says |= line.find("no weight format") != std::string::npos;
  CHECK(says);
}

TEST_CASE("vLLM's default max_num_seqs caps the users that run at once", "[sizing][vllm]") {
  // 1024 on cards of 70 GiB or more (256 below): a small model's KV cache would hold 22K
  // sequences of 256 tokens on an H100, the scheduler runs 1024; the speed is that batch's.
  auto r = request("qwen2.5-0.5b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  r.workload = {128, 128, 4096};
  r.with_advice = false;
  auto many = size(r);
  REQUIRE(many);
  CHECK(many->max_users == 1024);
  CHECK(many->verdict == Verdict::does_not_fit);
  r.workload.users = 1024;
  auto running = size(r);
  REQUIRE(running);
  REQUIRE(many->speed);
  REQUIRE(running->speed);
  CHECK(many->speed->decode_tokens_per_s_total ==
        Approx(running->speed->decode_tokens_per_s_total));
  auto l40s = size(request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "l40s"));
  REQUIRE(l40s);
  CHECK(l40s->max_users <= 256);
}

TEST_CASE("transformers: static batches, device_map GPUs and bitsandbytes as users meet them",
          "[sizing][transformers]") {
  // Static batch: every prompt is prefilled before any first token, so more users never bring
  // the first token sooner, and a request lasts the batch's prefill plus its decode.
  auto one = request("llama-3.1-8b-instruct", "bnb-int8", RuntimeId::transformers, "h100-sxm-80gb");
  auto four = one;
  four.workload.users = 4;
  auto r1 = size(one);
  auto r4 = size(four);
  REQUIRE(r1);
  REQUIRE(r4);
  REQUIRE(r1->speed);
  REQUIRE(r4->speed);
  CHECK(r4->speed->ttft_s >= r1->speed->ttft_s);
  const double out = static_cast<double>(four.workload.output_tokens);
  CHECK(r4->speed->requests_per_minute ==
        Approx(60.0 * 4 /
               (r4->speed->ttft_s - r4->speed->inter_token_latency_s +
                out * r4->speed->inter_token_latency_s))
            .epsilon(1e-6));

  // device_map splits layers, not tensors: each GPU runs the whole batch through its layers and
  // holds the batch's activations; weights and KV divide.
  auto a = request("llama-3.1-8b-instruct", "bf16", RuntimeId::transformers, "h100-sxm-80gb");
  a.workload.users = 64;
  auto b = a;
  b.gpus = 2;
  auto ra = size(a);
  auto rb = size(b);
  REQUIRE(ra);
  REQUIRE(rb);
  CHECK(rb->memory.activation_bytes == ra->memory.activation_bytes);
  CHECK(rb->memory.weights_bytes < ra->memory.weights_bytes);
  CHECK(rb->max_users < 2 * ra->max_users);

  // The advice for a model that needs more GPUs names transformers' own way to use them.
  auto big = request("llama-3.1-70b-instruct", "bf16", RuntimeId::transformers, "h100-sxm-80gb");
  auto rbig = size(big);
  REQUIRE(rbig);
  bool names_device_map = false;
  for (const auto& line : rbig->advice) {
    CHECK(line.find("--tensor-parallel-size") == std::string::npos);
    if (line.find("device_map") != std::string::npos) names_device_map = true;
  }
  CHECK(names_device_map);

  // LLM.int8() in vLLM: graphs off, the step waits on its host ops.
  auto vllm = request("llama-3.1-8b-instruct", "bnb-int8", RuntimeId::vllm, "h100-sxm-80gb");
  auto rv = size(vllm);
  REQUIRE(rv);
  REQUIRE(rv->speed);
  CHECK(rv->speed->bound == "host");
}

TEST_CASE(
    "speedup vs 16-bit is the 16-bit run's own speed: the format's 16-bit embedding is not "
    "scaled as if quantized",
    "[sizing]") {
  for (RuntimeId runtime : {RuntimeId::vllm, RuntimeId::transformers}) {
    auto awq = size(request("llama-3.1-8b-instruct", "awq", runtime, "rtx-4090"));
    auto bf16 = size(request("llama-3.1-8b-instruct", "bf16", runtime, "rtx-4090"));
    REQUIRE(awq);
    REQUIRE(bf16);
    REQUIRE(awq->speed);
    REQUIRE(bf16->speed);
    INFO(runtime_profile(runtime).key);
    CHECK(awq->speed->speedup_vs_fp16 == Approx(awq->speed->decode_tokens_per_s_per_user /
                                                bf16->speed->decode_tokens_per_s_per_user)
                                             .epsilon(0.01));
  }
}
