// Hostile input, end to end: every case here was a crash, a hang, undefined behaviour or a wrong
// "fits" before it was closed (issue 9, security and robustness), and is refused now with the
// field named. The fuzz targets in tests/fuzz/ look for more of the same.
#include <catch2/catch.hpp>

#include <string>

#include "headroom/compare.h"
#include "headroom/documents.h"
#include "headroom/model.h"
#include "headroom/validation.h"
#include "sizing_fixtures.h"

using namespace headroom;

namespace {

std::string nested_objects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text.append(depth, '}');
  return text;
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A small valid Llama-shaped config.json with one key replaced or added.
std::string config_with(const std::string& extra) {
  return R"({"model_type": "llama", "hidden_size": 256, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 512,
             "vocab_size": 1000, "max_position_embeddings": 4096)" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

// size_response_json on one request; CHECKs an error naming `field`.
void check_refused(const std::string& request, const std::string& field) {
  INFO(request.substr(0, 300));
  const std::string response = size_response_json(request, test::catalog());
  INFO(response.substr(0, 400));
  CHECK(response.find("\"ok\":false") != std::string::npos);
  CHECK(response.find("\"field\":\"" + field + "\"") != std::string::npos);
}

}  // namespace

TEST_CASE("deeply nested JSON is refused before anything recurses", "[hostile]") {
  // 100k nested objects / 1M nested arrays (2 MB) overflowed the stack in the config parser's
  // copy, the request parser's dump() and the validation-set reader.
  const std::string objects = nested_objects(100000);
  const std::string arrays = nested_arrays(1000000);
  for (const std::string* text : {&objects, &arrays}) {
    auto config = parse_hf_config(*text, "deep");
    REQUIRE_FALSE(config);
    CHECK(config.error().field == "config");
    CHECK(config.error().message.find("64 levels") != std::string::npos);
    auto bench = parse_bench_report(*text);
    REQUIRE_FALSE(bench);
    CHECK(bench.error().field == "bench");
    auto validation = run_validation(test::catalog(), *text);
    REQUIRE_FALSE(validation);
    CHECK(validation.error().field == "validation");
  }
  // The same depth inside a request's inline config.json and inside a validation row.
  check_refused(R"({"model": )" + objects + R"(, "runtime": "vllm", "card": "h100-sxm-80gb"})",
                "request");
  auto row = run_validation(test::catalog(), R"({"rows": [{"inline_config": )" + arrays + "}]}");
  REQUIRE_FALSE(row);
  CHECK(row.error().field == "validation");
  // Brackets inside strings do not count; 60 levels is a valid document.
  CHECK(parse_hf_config(config_with("\"note\": \"" + std::string(500, '[') + "\""), "x"));
  CHECK(parse_hf_config(config_with("\"deep\": " + nested_arrays(60)), "x"));
}

TEST_CASE("vision_config.patch_size 0 is refused, not cast from infinity", "[hostile]") {
  for (const char* patch : {"0", "100000", "-3", "1e30"}) {
    INFO(patch);
    auto arch = parse_hf_config(
        config_with(std::string(R"("vision_config": {"patch_size": )") + patch + "}"), "x");
    REQUIRE_FALSE(arch);
    CHECK(arch.error().field == "config.vision_config.patch_size");
  }
  auto arch = parse_hf_config(config_with(R"("vision_config": {"patch_size": 14})"), "x");
  REQUIRE(arch);
  CHECK(arch->vision_params > 0);
}

TEST_CASE("every parameter term counts toward the parameter limit", "[hostile]") {
  // A huge shared expert escaped the limit; its weights wrapped and 5.5e19 parameters "fit".
  auto shared = parse_hf_config(R"({"model_type": "qwen2_moe", "hidden_size": 4096,
      "num_hidden_layers": 4, "num_attention_heads": 32, "num_key_value_heads": 8,
      "intermediate_size": 1024, "moe_intermediate_size": 1024, "num_experts": 8,
      "num_experts_per_tok": 2, "vocab_size": 1000,
      "shared_expert_intermediate_size": 4000000000})",
                                "x");
  REQUIRE_FALSE(shared);
  CHECK(shared.error().field == "model.shared_expert_intermediate_size");
  // Within every per-field bound, but 4096 layers of 4096 experts of the widest FFN: the count
  // over the real tensor list refuses it.
  auto experts = parse_hf_config(R"({"model_type": "mixtral", "hidden_size": 1048576,
      "num_hidden_layers": 4096, "num_attention_heads": 4096, "num_key_value_heads": 4096,
      "head_dim": 256, "intermediate_size": 4194304, "num_local_experts": 4096,
      "num_experts_per_tok": 2, "vocab_size": 16777216})",
                                 "x");
  REQUIRE_FALSE(experts);
  CHECK(experts.error().field == "model.num_layers");
  CHECK(experts.error().message.find("trillion parameters") != std::string::npos);
}

TEST_CASE("KV bytes saturate instead of wrapping to a fit", "[hostile]") {
  // 4096 layers x 4096 KV heads x (4096 + 4096) dims x 2 bytes = 2^38 bytes per token, within
  // the parameter limit (hidden_size 64); x 8192 tokens x 65536 users is 2^67 bytes, which
  // wrapped to a small number and llama.cpp "fit".
  const std::string model = R"({"model_type": "llama", "hidden_size": 64,
      "num_hidden_layers": 4096, "num_attention_heads": 4096, "num_key_value_heads": 4096,
      "head_dim": 4096, "intermediate_size": 64, "vocab_size": 1000})";
  for (const char* runtime : {R"("llama.cpp", "quant": "f16")", R"("vllm")"}) {
    INFO(runtime);
    check_refused(std::string(R"({"model": )") + model + R"(, "runtime": )" + runtime +
                      R"(, "card": "h200-sxm-141gb", "prompt_tokens": 4096,
                      "output_tokens": 4096, "users": 65536})",
                  "users");
  }
  // One user of one token still sizes, and does not fit.
  const std::string one = size_response_json(
      std::string(R"({"model": )") + model +
          R"(, "runtime": "llama.cpp", "card": "h200-sxm-141gb", "quant": "f16", "prompt_tokens": 1,
          "output_tokens": 0, "users": 1})",
      test::catalog());
  INFO(one.substr(0, 300));
  CHECK(one.find("\"ok\":true") != std::string::npos);
  CHECK(one.find("does-not-fit") != std::string::npos);
  CHECK(one.find("null") == std::string::npos);  // nlohmann writes inf and NaN as null
}

TEST_CASE("hostile numbers in a JSON request are refused with the field named", "[hostile]") {
  const std::string base = R"({"model": "llama-3.1-8b-instruct", "runtime": "vllm",
                               "card": "h100-sxm-80gb")";
  const std::pair<const char*, const char*> cases[] = {
      {R"("users": 1e30)", "users"},
      {R"("users": -1)", "users"},
      {R"("users": 0)", "users"},
      {R"("prompt_tokens": 9223372036854775807)", "prompt_tokens"},
      {R"("prompt_tokens": 9.2e18)", "prompt_tokens"},
      {R"("output_tokens": 18446744073709551615)", "output_tokens"},
      {R"("gpus": 0)", "gpus"},
      {R"("gpus": 1e12)", "gpus"},
      {R"("max_model_len": 1e300)", "max_model_len"},
      {R"("gpu_memory_utilization": "nan")", "gpu_memory_utilization"},
      {R"("gpu_memory_utilization": "inf")", "gpu_memory_utilization"},
      {R"("gpu_memory_utilization": -0.5)", "gpu_memory_utilization"},
  };
  for (const auto& [extra, field] : cases) check_refused(base + ", " + extra + "}", field);
  // Hostile shapes inside an inline config.json.
  const std::pair<const char*, const char*> shapes[] = {
      {R"("num_hidden_layers": 1e12)", "config.num_hidden_layers"},
      {R"("num_hidden_layers": 1000000000000)", "config.num_hidden_layers"},
      {R"("num_hidden_layers": 0)", "config.num_hidden_layers"},
      {R"("hidden_size": -4096)", "config.hidden_size"},
      {R"("head_dim": 0, "hidden_size": 255)", "config.head_dim"},
      {R"("num_key_value_heads": 3)", "model.num_kv_heads"},
      {R"("intermediate_size": 1e300)", "config.intermediate_size"},
  };
  for (const auto& [extra, field] : shapes) {
    std::string config = config_with(extra);
    // config_with's defaults are overridden by a repeated key: nlohmann keeps the last one.
    check_refused(R"({"model": )" + config + R"(, "runtime": "vllm", "card": "h100-sxm-80gb"})",
                  field);
  }
}

TEST_CASE("reality refuses a request-level problem once", "[hostile]") {
  // gpus 0 / users 0 do not depend on the format: one error, not a table of refused rows.
  for (const char* extra : {R"("gpus": 0)", R"("users": 0)"}) {
    const std::string response = reality_response_json(
        std::string(R"({"model": "llama-3.1-8b-instruct", "runtime": "llama.cpp",
                        "card": "rtx-4090", )") +
            extra + "}",
        test::catalog());
    INFO(response.substr(0, 300));
    CHECK(response.find("\"ok\":false") != std::string::npos);
  }
  auto request = test::request("llama-3.1-8b-instruct", "q4_k_m", RuntimeId::llamacpp, "rtx-4090");
  request.gpus = 0;
  auto fits = compare_formats(request);
  REQUIRE_FALSE(fits);
  CHECK(fits.error().field == "gpus");
}
