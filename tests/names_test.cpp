// Names as users type them: cards by spelling and driver name, weight formats across the GGUF and
// Hugging Face ecosystems, models by the repo names of quantized derivatives.
#include <catch2/catch.hpp>

#include <tuple>

#include <string>

#include "base/text_match.h"
#include "headroom/request.h"
#include "headroom/weight_format.h"
#include "sizing_fixtures.h"

using namespace headroom;
using headroom::test::catalog;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string card_id(const std::string& text) {
  auto card = catalog().find_card(text);
  return card ? card.value()->id : "error: " + card.error().message;
}

Result<BuiltRequest> built(std::vector<std::pair<std::string, std::string>> fields,
                           RequestKind kind = RequestKind::size) {
  RequestText text;
  for (auto& [key, value] : fields) text.set(key, value);
  return build_request(text, catalog(), kind);
}

bool has_note(const SizingRequest& r, const std::string& note) {
  for (const auto& line : r.name_notes) {
    if (line == note) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("card spellings and driver names find the catalog card", "[names]") {
  const std::pair<const char*, const char*> cases[] = {
      {"rtx-4090", "rtx-4090"},
      {"RTX-4090", "rtx-4090"},
      {"rtx4090", "rtx-4090"},
      {"RTX 4090", "rtx-4090"},
      {"rtx_4090", "rtx-4090"},
      {"4090", "rtx-4090"},
      {"NVIDIA GeForce RTX 4090", "rtx-4090"},
      {"GeForce RTX 4080", "rtx-4080"},
      {"NVIDIA GeForce RTX 4080 SUPER", "rtx-4080-super"},
      {"NVIDIA GeForce RTX 4070", "rtx-4070"},
      {"NVIDIA H100 80GB HBM3", "h100-sxm-80gb"},
      {"NVIDIA H100 PCIe", "h100-pcie-80gb"},
      {"NVIDIA H100 NVL", "h100-nvl-94gb"},
      {"NVIDIA H200", "h200-sxm-141gb"},
      {"NVIDIA H200 NVL", "h200-nvl-141gb"},
      {"NVIDIA A100-SXM4-40GB", "a100-sxm-40gb"},
      {"NVIDIA A100 80GB PCIe", "a100-pcie-80gb"},
      {"NVIDIA A10G", "a10g"},
      {"Tesla T4", "t4"},
      {"NVIDIA L4", "l4"},
      {"NVIDIA RTX 6000 Ada Generation", "rtx-6000-ada"},
      {"AMD Radeon RX 7900 XTX", "rx-7900-xtx"},
      {"AMD Radeon RX 7900 XTX (RADV NAVI31)", "rx-7900-xtx"},
      {"7900 xtx", "rx-7900-xtx"},
      {"AMD Instinct MI300X", "mi300x"},
      {"Radeon PRO W7900", "radeon-pro-w7900"},
      {"Intel(R) Arc(TM) A770 Graphics", "arc-a770-16gb"},
      {"Apple M2 Max", "apple-m2-max-96gb"},
      {"m3 ultra", "apple-m3-ultra-512gb"},
      {"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "rtx-pro-6000-blackwell"},
      {"NVIDIA GeForce RTX 5090", "rtx-5090"},
      {"rtx a6000", "rtx-a6000"},
      // A bare number is the card that names nothing more: the base model, not its Ti / SUPER.
      {"3090", "rtx-3090"},
      {"4080", "rtx-4080"},
      {"4070", "rtx-4070"},
  };
  for (const auto& [typed, id] : cases) {
    INFO(typed);
    CHECK(card_id(typed) == id);
  }
}

TEST_CASE("a name several cards fit is refused with every candidate", "[names]") {
  const std::pair<const char*, std::vector<const char*>> cases[] = {
      {"h100", {"h100-sxm-80gb", "h100-pcie-80gb", "h100-nvl-94gb"}},
      {"h200", {"h200-sxm-141gb", "h200-nvl-141gb"}},
      {"3080", {"rtx-3080-ti", "rtx-3080-10gb", "rtx-3080-12gb"}},  // 10 and 12 GB
      {"NVIDIA GeForce RTX 4060 Ti", {"rtx-4060-ti-16gb", "rtx-4060-ti-8gb"}},
      {"M3", {"apple-m3-max-128gb", "apple-m3-ultra-512gb"}},
  };
  for (const auto& [typed, ids] : cases) {
    INFO(typed);
    auto card = catalog().find_card(typed);
    REQUIRE_FALSE(card);
    CHECK(card.error().field == "card");
    CHECK(contains(card.error().message, "fits several catalog cards"));
    for (const char* id : ids) CHECK(contains(card.error().message, id));
  }
  // A bare "M2" is the base chip now that the catalog has it; "M2 Max" is still the Max.
  CHECK(card_id("M2") == "apple-m2-24gb");
  CHECK(card_id("M2 Max") == "apple-m2-max-96gb");
  // Memory size or form factor settles it.
  CHECK(card_id("RTX 4060 Ti 8GB") == "rtx-4060-ti-8gb");
  CHECK(card_id("h100 sxm") == "h100-sxm-80gb");
}

TEST_CASE("a near miss suggests the obvious card first", "[names]") {
  for (const char* typed : {"rtx4900", "rtx 4009", "RTX 4091", "rtx-490"}) {
    INFO(typed);
    auto card = catalog().find_card(typed);
    REQUIRE_FALSE(card);
    CHECK(card.error().code == ErrorCode::unknown_name);
    CHECK(contains(card.error().message, "(did you mean rtx-4090"));
  }
  // A laptop part is not the desktop card of the same number.
  auto laptop = catalog().find_card("NVIDIA GeForce RTX 4090 Laptop GPU");
  REQUIRE_FALSE(laptop);
  CHECK(contains(laptop.error().message, "unknown card 'NVIDIA GeForce RTX 4090 Laptop GPU'"));
  // Nothing near: no suggestion, still the pointer to the list.
  auto far = catalog().find_card("h9000");
  REQUIRE_FALSE(far);
  CHECK(contains(far.error().message, "`headroom cards` lists the catalog"));
}

TEST_CASE("distances count a swap of neighbours once", "[names]") {
  CHECK(edit_distance("4900", "4090") == 1);
  CHECK(edit_distance("rtx4090", "rtx4090") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(infix_distance("4091", "rtx4090") == 1);
  CHECK(infix_distance("", "rtx4090") == 0);
  CHECK(squeeze("RTX-4090 Ti_") == "rtx4090ti");
}

TEST_CASE("GGUF type spellings find the format", "[names]") {
  for (const char* typed : {"q4_k_m", "Q4_K_M", "q4km", "q4-k-m", "Q4-K-M", "q4.k.m"}) {
    INFO(typed);
    auto format = find_weight_format(typed);
    REQUIRE(format);
    CHECK(format.value()->id == "q4_k_m");
  }
  CHECK(find_weight_format("iq4xs").value()->id == "iq4_xs");
  CHECK(find_weight_format("MXFP4_MOE").value()->id == "mxfp4-gguf");
  CHECK_FALSE(find_weight_format("q9km"));
}

TEST_CASE("a format of the other ecosystem is read as the runtime's own", "[names]") {
  SECTION("fp16 on llama.cpp and Ollama is GGUF f16") {
    for (const char* runtime : {"llama.cpp", "ollama"}) {
      auto b = built({{"model", "llama-3.1-8b-instruct"},
                      {"quant", "fp16"},
                      {"runtime", runtime},
                      {"card", "rtx-4090"}});
      REQUIRE(b);
      CHECK(b->request.weight_format == "f16");
      CHECK(contains(b->request.name_notes.at(0), "quant 'fp16' read as f16"));
      CHECK(size(b->request));
    }
  }
  SECTION("mxfp4 on llama.cpp is the GGUF MXFP4_MOE mix") {
    auto b = built({{"model", "gpt-oss-20b"},
                    {"quant", "mxfp4"},
                    {"runtime", "llama.cpp"},
                    {"card", "rtx-4090"}});
    REQUIRE(b);
    CHECK(b->request.weight_format == "mxfp4-gguf");
    auto report = size(b->request);
    REQUIRE(report);
    CHECK(contains(report->assumptions.at(0), "quant 'mxfp4' read as mxfp4-gguf"));
  }
  SECTION("GGUF f16 on vLLM is fp16, and a native format stays as asked") {
    auto b = built({{"model", "llama-3.1-8b-instruct"},
                    {"quant", "f16"},
                    {"runtime", "vllm"},
                    {"card", "h100-sxm-80gb"}});
    REQUIRE(b);
    CHECK(b->request.weight_format == "fp16");
    auto awq = built({{"model", "llama-3.1-8b-instruct"},
                      {"quant", "awq"},
                      {"runtime", "vllm"},
                      {"card", "h100-sxm-80gb"}});
    REQUIRE(awq);
    CHECK(awq->request.weight_format == "awq");
    CHECK(awq->request.name_notes.empty());
  }
}

TEST_CASE("a GGUF type on vLLM is refused naming what vLLM serves at that width", "[names]") {
  auto refusal = [](const char* model, const char* quant, const char* runtime) {
    auto b = built(
        {{"model", model}, {"quant", quant}, {"runtime", runtime}, {"card", "h100-sxm-80gb"}});
    REQUIRE(b);
    auto report = size(b->request);
    REQUIRE_FALSE(report);
    CHECK(report.error().field == "quant");
    return report.error().message;
  };
  const std::string q4 = refusal("llama-3.1-8b-instruct", "q4_k_m", "vllm");
  CHECK(contains(q4, "'q4_k_m' cannot be served by vLLM"));
  CHECK(contains(q4, ": it is a GGUF format; this runtime serves awq"));
  CHECK(contains(q4, "awq"));
  CHECK(contains(q4, "gptq"));
  CHECK(contains(q4, "bnb-nf4"));
  CHECK(contains(q4, "at 4 bits"));
  const std::string q8 = refusal("llama-3.1-8b-instruct", "q8_0", "vllm");
  CHECK(contains(q8, "fp8"));
  CHECK(contains(q8, "int8"));
  CHECK(contains(q8, "at 8 bits"));
  const std::string awq = refusal("llama-3.1-8b-instruct", "awq", "llama.cpp");
  CHECK(contains(awq, "it is a Hugging Face checkpoint format; this runtime serves q4_k_m"));
  CHECK(contains(awq, "q4_k_m"));
  CHECK(contains(awq, "q4_0"));
  CHECK_FALSE(contains(awq, "q8_0"));
  // No 5-bit format on vLLM: the nearest width, the narrower first.
  CHECK(contains(refusal("llama-3.1-8b-instruct", "q5_k_m", "vllm"), "at 4 bits"));
}

TEST_CASE("Hugging Face repo names of derivatives read as base model and format", "[names]") {
  struct Case {
    const char* typed;
    const char* model;
    const char* format;  // "" where the name says none
  };
  const Case cases[] = {
      {"Qwen/Qwen3-8B", "qwen3-8b", ""},
      {"Qwen/Qwen3-8B-AWQ", "qwen3-8b", "awq"},
      {"Qwen/Qwen3-8B-FP8", "qwen3-8b", "fp8-block"},  // Qwen's FP8 releases: 128x128 blocks
      {"someone/Qwen3-8B-FP8", "qwen3-8b", "fp8"},
      {"Qwen/Qwen3-8B-GGUF", "qwen3-8b", ""},
      {"unsloth/Qwen3-8B-GGUF", "qwen3-8b", ""},
      {"unsloth/Qwen3-8B-bnb-4bit", "qwen3-8b", "bnb-nf4"},
      {"Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "qwen2.5-7b-instruct", "gptq"},
      {"Qwen/Qwen2.5-7B-Instruct-AWQ", "qwen2.5-7b-instruct", "awq"},
      {"Qwen/Qwen3-4B-Instruct-2507", "qwen3-4b", ""},
      {"Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", "qwen3-30b-a3b-instruct-2507", "fp8-block"},
      {"bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "llama-3.1-8b-instruct", ""},
      {"hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M", "llama-3.1-8b-instruct", "q4_k_m"},
      {"someone/Qwen3-8B-Q4_K_M-GGUF", "qwen3-8b", "q4_k_m"},
      {"RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic", "llama-3.1-8b-instruct", "fp8-channel"},
      {"RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16", "llama-3.1-8b-instruct", "gptq"},
      {"https://huggingface.co/Qwen/Qwen3-8B-AWQ", "qwen3-8b", "awq"},
      {"qwen3:8b-q4_K_M", "qwen3-8b", "q4_k_m"},
      {"ggml-org/gpt-oss-20b-GGUF", "gpt-oss-20b", ""},
      {"meta-llama/Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b-instruct", ""},
      {"llama3.1:8b-instruct-q4_K_M", "llama-3.1-8b-instruct", "q4_k_m"},
      {"qwen3:30b-a3b-instruct-2507-q4_K_M", "qwen3-30b-a3b", "q4_k_m"},
      {"openai/gpt-oss-20b-MXFP4", "gpt-oss-20b", "mxfp4"},
  };
  for (const auto& c : cases) {
    INFO(c.typed);
    auto name = catalog().read_model_name(c.typed);
    REQUIRE(name);
    CHECK(name->model->arch.id == c.model);
    CHECK((name->formats.empty() ? std::string() : name->formats.front()) == c.format);
  }
  // A catalog id, alias or listed repo is read as is, without a note.
  for (const char* exact : {"qwen3-8b", "qwen3:8b", "Qwen/Qwen3-8B", "QWEN/QWEN3-8B"}) {
    INFO(exact);
    auto name = catalog().read_model_name(exact);
    REQUIRE(name);
    CHECK(name->note.empty());
    CHECK(name->formats.empty());
  }
  // A catalog entry whose vendored config.json has no quantization_config, though its repo
  // name says the format (aiconfigurator's copy of zai-org/GLM-4.7-FP8), is read by its name.
  for (const char* listed : {"glm-4.7-fp8", "zai-org/GLM-4.7-FP8"}) {
    INFO(listed);
    auto name = catalog().read_model_name(listed);
    REQUIRE(name);
    CHECK(name->model->arch.native_quant.empty());
    REQUIRE_FALSE(name->formats.empty());
    CHECK(name->formats.front() == "fp8");
    CHECK(name->note.find("carries no quantization_config") != std::string::npos);
  }
  // An entry whose config carries its quantization keeps it, without a note.
  auto qwen = catalog().read_model_name("qwen3-235b-a22b-fp8");
  REQUIRE(qwen);
  CHECK(qwen->model->arch.native_quant == "fp8-block");
  CHECK(qwen->formats.empty());
}

TEST_CASE("a pretrained checkpoint reads as its post-trained release, saying so", "[names]") {
  const std::pair<const char*, const char*> cases[] = {
      {"meta-llama/Llama-3.1-8B", "llama-3.1-8b-instruct"},
      {"llama-3.1-8b", "llama-3.1-8b-instruct"},
      {"Qwen/Qwen3-8B-Base", "qwen3-8b"},
      {"google/gemma-3-27b-pt", "gemma-3-27b-it"},
      {"gemma-3-27b", "gemma-3-27b-it"},
      // Meta's older repo spelling, and Mistral's versioned pretrained releases.
      {"meta-llama/Meta-Llama-3.1-70B", "llama-3.1-70b-instruct"},
      {"mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b-instruct-v0.1"},
      {"mistralai/Mistral-7B-v0.3", "mistral-7b-instruct-v0.3"},
  };
  for (const auto& [typed, id] : cases) {
    INFO(typed);
    auto name = catalog().read_model_name(typed);
    REQUIRE(name);
    CHECK(name->model->arch.id == id);
    CHECK(name->note.find("pretrained checkpoint sized as its post-trained release") !=
          std::string::npos);
  }
  // With a format suffix, both are read.
  auto fp8 = catalog().read_model_name("meta-llama/Llama-3.1-8B-FP8");
  REQUIRE(fp8);
  CHECK(fp8->model->arch.id == "llama-3.1-8b-instruct");
  CHECK(fp8->formats.front() == "fp8");
  // A name with no tuned sibling stays unknown: no nearest guess is taken as the model.
  CHECK_FALSE(catalog().read_model_name("mistral-7b"));
  CHECK_FALSE(catalog().read_model_name("unknown-model-7b-base"));
  // Llama 3 (8K context) is not Llama 3.1, and a version the catalog lacks is not another one.
  CHECK_FALSE(catalog().read_model_name("meta-llama/Meta-Llama-3-8B"));
  CHECK_FALSE(catalog().read_model_name("mistralai/Mistral-7B-v0.1"));
}

TEST_CASE("NVIDIA's precision-suffixed repos find the catalog's release in another precision",
          "[names]") {
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16", "nemotron-3-super-120b-a12b-fp8", "bf16"},
      {"nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-FP8", "nemotron-3-ultra-550b-a55b", "fp8"},
      {"nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-NVFP4", "nemotron-3-nano-30b-a3b", "nvfp4"},
  };
  for (const auto& [typed, id, format] : cases) {
    INFO(typed);
    auto name = catalog().read_model_name(typed);
    REQUIRE(name);
    CHECK(name->model->arch.id == id);
    REQUIRE_FALSE(name->formats.empty());
    CHECK(name->formats.front() == format);
    CHECK(name->note.find("the same architecture as the catalog's") != std::string::npos);
  }
  // A release the catalog holds by its own name is still read as itself.
  auto own = catalog().read_model_name("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-FP8");
  REQUIRE(own);
  CHECK(own->model->arch.id == "nemotron-3-super-120b-a12b-fp8");
  CHECK(own->note.empty());
}

TEST_CASE("a repo name sets the format with an assumption line", "[names]") {
  auto b = built({{"model", "Qwen/Qwen3-8B-AWQ"}, {"runtime", "vllm"}, {"card", "rtx-4090"}});
  REQUIRE(b);
  CHECK(b->request.model.id == "qwen3-8b");
  CHECK(b->request.weight_format == "awq");
  auto report = size(b->request);
  REQUIRE(report);
  CHECK(report->assumptions.at(0) == "'Qwen/Qwen3-8B-AWQ' read as model qwen3-8b with format awq");

  // A GGUF repo with a quant: the quant, and the note says the repo.
  auto gguf = built({{"model", "Qwen/Qwen3-8B-GGUF"},
                     {"quant", "Q4_K_M"},
                     {"runtime", "llama.cpp"},
                     {"card", "NVIDIA GeForce RTX 4090"}});
  REQUIRE(gguf);
  CHECK(gguf->request.weight_format == "q4_k_m");
  CHECK(gguf->request.card.id == "rtx-4090");
  CHECK(has_note(gguf->request, "'NVIDIA GeForce RTX 4090' read as card rtx-4090"));
  CHECK(gguf->request.name_notes.at(0) == "'Qwen/Qwen3-8B-GGUF' read as model qwen3-8b");
  CHECK(size(gguf->request));

  // FP8 names agree with every FP8 layout; the explicit one wins.
  auto block = built({{"model", "RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic"},
                      {"quant", "fp8-block"},
                      {"runtime", "vllm"},
                      {"card", "h100-sxm-80gb"}});
  REQUIRE(block);
  CHECK(block->request.weight_format == "fp8-block");
  auto qwen = built({{"model", "Qwen/Qwen3-8B-FP8"}, {"runtime", "vllm"}, {"card", "h100 sxm"}});
  REQUIRE(qwen);
  CHECK(qwen->request.weight_format == "fp8-block");
  CHECK(qwen->request.name_notes.at(0) ==
        "'Qwen/Qwen3-8B-FP8' read as model qwen3-8b with format fp8-block");

  // A GGUF repo without a quant: the model at Q4_K_M, the usual pick, saying so; the repo has no
  // 16-bit original to size. A runtime that does not load GGUF is refused, naming the model.
  auto many = built({{"model", "Qwen/Qwen3-8B-GGUF"}, {"runtime", "llama.cpp"}, {"card", "l4"}});
  REQUIRE(many);
  CHECK(many->request.weight_format == "q4_k_m");
  CHECK(contains(many->request.name_notes.at(0),
                 "read as model qwen3-8b; the repo holds several GGUF quants: Q4_K_M assumed"));
  auto served = built({{"model", "Qwen/Qwen3-8B-GGUF"}, {"runtime", "vllm"}, {"card", "l4"}});
  REQUIRE_FALSE(served);
  CHECK(served.error().field == "model");

  // fp16 asked of a GGUF repo on llama.cpp is GGUF f16: no contradiction.
  auto f16 = built({{"model", "unsloth/Qwen3-8B-GGUF"},
                    {"quant", "fp16"},
                    {"runtime", "llama.cpp"},
                    {"card", "rtx-4090"}});
  REQUIRE(f16);
  CHECK(f16->request.weight_format == "f16");
}

TEST_CASE("an explicit quant that contradicts the repo name is an error", "[names]") {
  const std::pair<const char*, const char*> cases[] = {
      {"Qwen/Qwen3-8B-AWQ", "fp8"},
      {"Qwen/Qwen3-8B-FP8", "awq"},
      {"Qwen/Qwen3-8B-GGUF", "awq"},
      {"hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M", "q8_0"},
  };
  for (const auto& [model, quant] : cases) {
    INFO(model << " " << quant);
    // Either order of the fields.
    for (bool quant_first : {false, true}) {
      std::vector<std::pair<std::string, std::string>> fields = {
          {"model", model}, {"runtime", "vllm"}, {"card", "h100-sxm-80gb"}};
      fields.insert(quant_first ? fields.begin() : fields.end(), {"quant", quant});
      auto b = built(fields);
      REQUIRE_FALSE(b);
      CHECK(b.error().field == "quant");
      CHECK(contains(b.error().message,
                     std::string("quant '") + quant + "' contradicts model '" + model + "'"));
    }
  }
}

TEST_CASE("an unknown model name lists the nearest ids", "[names]") {
  auto typo = catalog().read_model_name("Qwen/Qwen3-9B-AWQ");
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == ErrorCode::unknown_name);
  CHECK(typo.error().field == "model");
  // Qwen3-9B is one edit from both 4B and 8B: both first, in catalog order.
  CHECK(contains(typo.error().message,
                 "unknown model 'Qwen/Qwen3-9B-AWQ' (did you mean qwen3-4b, qwen3-8b"));
  auto near = catalog().read_model_name("lama-3.1-8b-instruct");
  REQUIRE_FALSE(near);
  CHECK(contains(near.error().message, "(did you mean llama-3.1-8b-instruct"));
  auto nope = catalog().read_model_name("nope");
  REQUIRE_FALSE(nope);
  CHECK(contains(nope.error().message, "unknown model 'nope'"));
  // The reality check takes the name but keeps trying every format.
  auto reality = built({{"model", "Qwen/Qwen3-8B-AWQ"}, {"runtime", "vllm"}, {"card", "l4"}},
                       RequestKind::reality);
  REQUIRE(reality);
  CHECK(reality->request.weight_format == "native");
}

TEST_CASE("names far longer than any catalog name are refused at once", "[names]") {
  const std::string card(100000, '4');
  auto found = catalog().find_card(card);
  REQUIRE_FALSE(found);
  CHECK(found.error().field == "card");
  CHECK(found.error().message.size() < 200);
  std::string model = "x/";
  for (int i = 0; i < 20000; ++i) model += "-GGUF";
  auto name = catalog().read_model_name(model);
  REQUIRE_FALSE(name);
  CHECK(name.error().code == ErrorCode::unknown_name);
}
