// The speed model against public measurements (tests/data/speed_validation.json): prints every
// prediction's error and fails past issue 11's thresholds: decode median |error| 10% overall and
// 12% on any backend with 5+ rows, no row past 35%, prefill (pp512) median 20%.
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/request.h"
#include "headroom/sizing.h"
#include "headroom/validation.h"
#include "sizing_fixtures.h"
#include "speed/engine.h"
#include "test_data.h"

using namespace headroom;

namespace {

std::string read_validation_file() { return test::read_test_data("speed_validation.json"); }

}  // namespace

TEST_CASE(
    "speed validation: decode within 10% median and 12% per backend with 35% worst; prefill 20%",
    "[speed][validation]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const std::string text = read_validation_file();
  REQUIRE_FALSE(text.empty());
  auto rows = run_validation(*catalog, text);
  if (!rows) FAIL(rows.error().message);
  std::cout << format_validation_table(*rows);

  // Coverage the set promises: at least 30 rows over 8 cards from NVIDIA, AMD, Apple and Intel.
  CHECK(rows->size() >= 30);
  std::set<std::string> cards;
  std::set<std::string> vendors;
  for (const auto& r : *rows) {
    cards.insert(r.card);
    auto card = catalog->find_card(r.card);
    REQUIRE(card.has_value());
    vendors.insert((*card)->vendor);
    CHECK_FALSE(r.source.empty());
  }
  CHECK(cards.size() >= 8);
  CHECK(vendors.count("nvidia") == 1);
  CHECK(vendors.count("amd") == 1);
  CHECK(vendors.count("apple") == 1);
  CHECK(vendors.count("intel") == 1);
  // llama.cpp partial offload (--n-gpu-layers / --n-cpu-moe) rows, each with its system memory.
  // Only rows whose source states the GPU, the offload setting and the RAM's channels and speed
  // are admitted; one such public measurement is in the set so far (the target is 8).
  std::size_t offload_rows = 0;
  for (const auto& r : *rows) offload_rows += r.offload ? 1 : 0;
  CHECK(offload_rows >= 1);

  // Every llama.cpp row names its backend; measurement dates, where given, read YYYY-MM[-DD].
  for (const auto& r : *rows) {
    if (r.runtime == "llama.cpp" || r.runtime == "ollama") CHECK_FALSE(r.backend.empty());
    if (!r.date.empty()) CHECK((r.date.size() == 7 || r.date.size() == 10));
  }

  // Every backend on at least 5 distinct cards (issue 11).
  std::map<std::string, std::set<std::string>> cards_by_backend;
  for (const auto& r : *rows)
    if (!r.backend.empty()) cards_by_backend[r.backend].insert(r.card);
  for (const char* backend : {"cuda", "vulkan", "rocm", "metal", "sycl", "cpu"}) {
    INFO("backend " << backend << ": " << cards_by_backend[backend].size() << " cards");
    CHECK(cards_by_backend[backend].size() >= 5);
  }

  const ValidationSummary summary = summarize_validation(*rows);
  INFO("worst row: " << summary.worst_id);
  CHECK(summary.median_abs_error_pct <= 10.0);
  // Issue 11: no row past 35%, every row, no exemption.
  for (const auto& r : *rows) {
    INFO("row " << r.id << " (" << r.date << "): " << r.error_pct << "%");
    CHECK(std::fabs(r.error_pct) <= 35.0);
  }
  std::size_t backends_checked = 0;
  for (const auto& group : summarize_by_backend(*rows)) {
    if (group.summary.rows < 5) continue;
    INFO("backend " << group.name << ": " << group.summary.rows << " rows, median "
                    << group.summary.median_abs_error_pct);
    CHECK(group.summary.median_abs_error_pct <= 12.0);
    ++backends_checked;
  }
  CHECK(backends_checked >= 6);  // cuda, metal, rocm, vulkan, sycl, cpu
  const ValidationSummary prefill = summarize_prefill(*rows);
  CHECK(prefill.rows >= 60);
  CHECK(prefill.median_abs_error_pct <= 20.0);
  // The --json document carries the backend, date and build of every row and the same summaries.
  const std::string doc = validation_json_text(*rows);
  for (const char* key :
       {"\"backend\": \"rocm\"", "\"date\": \"2024-05\"", "\"build\"", "\"by_backend\"",
        "\"by_card_class\"", "\"by_age\"", "\"recent_since\"", "\"prefill\""}) {
    INFO(key);
    CHECK(doc.find(key) != std::string::npos);
  }
  const std::string table = format_validation_table(*rows);
  CHECK(table.find("backend vulkan: ") != std::string::npos);
  CHECK(table.find("class amd-gddr: ") != std::string::npos);
  // The age split: rows older than 12 months before the newest one are reported on their own.
  CHECK_FALSE(recent_cutoff_date(*rows).empty());
  bool recent = false;
  for (const auto& group : summarize_by_age(*rows)) recent |= group.name == "recent";
  CHECK(recent);
}

TEST_CASE("speed validation: malformed sets are refused with the row named",
          "[speed][validation]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  CHECK_FALSE(run_validation(*catalog, "not json").has_value());
  CHECK(run_validation(*catalog, R"({"rows": []})").error().field == "validation.rows");
  auto unknown_card = run_validation(*catalog, R"({"rows": [{"id": "x", "card": "no-such-card",
      "model": "llama-3.1-8b-instruct", "quant": "f16", "runtime": "llama.cpp",
      "measured": {"decode_tokens_per_s": 10}}]})");
  REQUIRE_FALSE(unknown_card.has_value());
  CHECK(unknown_card.error().field == "rows[0] (x).card");
  auto no_measurement = run_validation(*catalog, R"({"rows": [{"id": "y", "card": "rtx-4090",
      "model": "llama-3.1-8b-instruct", "quant": "f16", "runtime": "llama.cpp", "measured": {}}]})");
  REQUIRE_FALSE(no_measurement.has_value());
  CHECK(no_measurement.error().field == "rows[0] (y).measured.decode_tokens_per_s");
}

TEST_CASE("speed validation: llama.cpp offload settings are read and checked",
          "[speed][validation][offload]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  auto row = [](const std::string& extra) {
    return R"({"rows": [{"id": "o", "card": "rtx-4060", "model": "gpt-oss-20b", "quant": "native",
        "runtime": "llama.cpp", "prompt_tokens": 0, "output_tokens": 128,
        "measured": {"decode_tokens_per_s": 20})" +
           extra + "}]}";
  };
  auto plain = run_validation(*catalog, row(""));
  REQUIRE(plain.has_value());
  CHECK_FALSE((*plain)[0].offload);
  auto cpu_moe = run_validation(
      *catalog, row(R"(, "n_cpu_moe": 24, "flash_attention": true, "ctx_size": 4096)"));
  REQUIRE(cpu_moe.has_value());
  CHECK((*cpu_moe)[0].offload);
  CHECK((*cpu_moe)[0].predicted_tokens_per_s < (*plain)[0].predicted_tokens_per_s);
  // Faster system memory: channels x bus bytes x MT/s at one efficiency factor.
  auto slow = run_validation(
      *catalog,
      row(R"(, "n_cpu_moe": 24, "host_memory": {"channels": 2, "mt_per_s": 3200, "bus_bytes": 8})"));
  auto fast = run_validation(
      *catalog,
      row(R"(, "n_cpu_moe": 24, "host_memory": {"channels": 4, "mt_per_s": 6400, "bus_bytes": 8})"));
  REQUIRE(slow.has_value());
  REQUIRE(fast.has_value());
  CHECK((*fast)[0].predicted_tokens_per_s > (*slow)[0].predicted_tokens_per_s * 1.5);
  // The default (dual-channel DDR5-4800) equals the same memory written out.
  auto ddr5 = run_validation(
      *catalog,
      row(R"(, "n_cpu_moe": 24, "host_memory": {"channels": 2, "mt_per_s": 4800, "bus_bytes": 8})"));
  REQUIRE(ddr5.has_value());
  CHECK((*ddr5)[0].predicted_tokens_per_s ==
        Approx((*cpu_moe)[0].predicted_tokens_per_s).epsilon(0.01));

  auto field_of = [&](const std::string& extra) {
    auto r = run_validation(*catalog, row(extra));
    return r.has_value() ? std::string("accepted") : r.error().field;
  };
  CHECK(field_of(R"(, "n_gpu_layers": -1)") == "rows[0] (o).n_gpu_layers");
  CHECK(field_of(R"(, "n_cpu_moe": "all")") == "rows[0] (o).n_cpu_moe");
  CHECK(field_of(R"(, "ctx_size": 0)") == "rows[0] (o).ctx_size");
  CHECK(field_of(R"(, "flash_attention": "on")") == "rows[0] (o).flash_attention");
  CHECK(field_of(R"(, "host_memory": 61)") == "rows[0] (o).host_memory");
  CHECK(field_of(R"(, "host_memory": {"mt_per_s": 4800})") == "rows[0] (o).host_memory.channels");
  CHECK(field_of(R"(, "host_memory": {"channels": 2, "mt_per_s": 0})") ==
        "rows[0] (o).host_memory.mt_per_s");
  CHECK(field_of(R"(, "host_memory": {"channels": 2, "mt_per_s": 4800, "bus_bytes": 1.5})") ==
        "rows[0] (o).host_memory.bus_bytes");
}

namespace {

Result<SizingReport> size_with(const std::vector<std::pair<std::string, std::string>>& fields,
                               const Catalog& catalog) {
  RequestText text;
  for (const auto& [key, value] : fields) text.set(key, value);
  auto built = build_request(text, catalog, RequestKind::size);
  if (!built) return built.error();
  return size(built->request);
}

double decode_of(const Result<SizingReport>& report) {
  return report && report->speed ? report->speed->decode_tokens_per_s_per_user : 0.0;
}

}  // namespace

TEST_CASE("backend: a llama.cpp/Ollama key, defaulted per vendor, refused where impossible",
          "[speed][backend]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const std::vector<std::pair<std::string, std::string>> base = {{"model", "llama-3.1-8b-instruct"},
                                                                 {"quant", "q4_k_m"},
                                                                 {"runtime", "llama.cpp"},
                                                                 {"prompt_tokens", "0"},
                                                                 {"output_tokens", "128"}};
  auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
    auto fields = base;
    fields.insert(fields.end(), extra.begin(), extra.end());
    return size_with(fields, *catalog);
  };
  // The default is the vendor's usual backend, named among the assumptions.
  auto nvidia = with({{"card", "rtx-4090"}});
  REQUIRE(nvidia.has_value());
  bool named = false;
  for (const auto& line : nvidia->assumptions) named |= line.rfind("backend cuda", 0) == 0;
  CHECK(named);
  auto cuda = with({{"card", "rtx-4090"}, {"backend", "cuda"}});
  REQUIRE(cuda.has_value());
  CHECK(decode_of(cuda) == Approx(decode_of(nvidia)));
  // ROCm and Vulkan on one Radeon are two predictions (Vulkan's GEMV reads faster).
  auto rocm = with({{"card", "rx-7900-xtx"}});
  auto vulkan = with({{"card", "rx-7900-xtx"}, {"backend", "vulkan"}});
  REQUIRE(rocm.has_value());
  REQUIRE(vulkan.has_value());
  CHECK(decode_of(vulkan) > decode_of(rocm) * 1.05);
  // Impossible for the vendor, or not a llama.cpp run: refused, naming the key.
  for (const auto& [card, backend] :
       std::vector<std::pair<std::string, std::string>>{{"rtx-4090", "metal"},
                                                        {"rx-7900-xtx", "cuda"},
                                                        {"apple-m3-max-128gb", "rocm"},
                                                        {"rtx-4090", "sycl"},
                                                        {"rtx-4090", "cpu"}}) {
    auto refused_run = with({{"card", card}, {"backend", backend}});
    REQUIRE_FALSE(refused_run.has_value());
    CHECK(refused_run.error().field == "backend");
    CHECK(refused_run.error().message.find('\n') == std::string::npos);
  }
  auto unknown = with({{"card", "rtx-4090"}, {"backend", "opencl"}});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().field == "backend");
  auto on_vllm = size_with({{"model", "llama-3.1-8b-instruct"},
                            {"runtime", "vllm"},
                            {"card", "rtx-4090"},
                            {"backend", "cuda"}},
                           *catalog);
  REQUIRE_FALSE(on_vllm.has_value());
  CHECK(on_vllm.error().field == "backend");
  // Ollama on Intel: Vulkan (no SYCL build); llama.cpp on Intel: SYCL.
  CHECK(default_backend(RuntimeId::ollama, *catalog->find_card("arc-a770-16gb").value()) ==
        Backend::vulkan);
  CHECK(default_backend(RuntimeId::llamacpp, *catalog->find_card("arc-a770-16gb").value()) ==
        Backend::sycl);
  CHECK(default_backend(RuntimeId::llamacpp, *catalog->find_card("rx-7900-xtx").value()) ==
        Backend::rocm);
}

TEST_CASE("backend: CPU entries run the cpu backend only; NVIDIA Vulkan differs from CUDA",
          "[speed][backend]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
    std::vector<std::pair<std::string, std::string>> fields = {{"model", "llama-3.2-3b-instruct"},
                                                               {"quant", "q4_k_m"},
                                                               {"runtime", "llama.cpp"},
                                                               {"prompt_tokens", "0"},
                                                               {"output_tokens", "128"}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return size_with(fields, *catalog);
  };
  // A CPU entry defaults to the cpu backend and is memory-bound: 2 GB of weights over 25.6 GB/s
  // dual-channel DDR3L cannot give more than ~12.8 tok/s, whatever the fit.
  auto cpu = with({{"card", "core-i5-4278u"}});
  REQUIRE(cpu.has_value());
  bool named = false;
  for (const auto& line : cpu->assumptions) named |= line.rfind("backend cpu", 0) == 0;
  CHECK(named);
  CHECK(decode_of(cpu) > 3.0);
  CHECK(decode_of(cpu) < 12.8);
  auto cuda_on_cpu = with({{"card", "core-i5-4278u"}, {"backend", "cuda"}});
  REQUIRE_FALSE(cuda_on_cpu.has_value());
  CHECK(cuda_on_cpu.error().field == "backend");
  auto vulkan_on_cpu = with({{"card", "epyc-9274f"}, {"backend", "vulkan"}});
  REQUIRE_FALSE(vulkan_on_cpu.has_value());
  CHECK(vulkan_on_cpu.error().field == "backend");
  // The serving runtimes are not sized on CPUs.
  auto vllm_on_cpu = size_with(
      {{"model", "llama-3.2-3b-instruct"}, {"runtime", "vllm"}, {"card", "epyc-9274f"}}, *catalog);
  REQUIRE_FALSE(vllm_on_cpu.has_value());
  CHECK(vllm_on_cpu.error().message.find("CPU") != std::string::npos);
  // Twelve DDR5 channels read faster than two DDR3L ones.
  auto epyc = with({{"card", "epyc-9274f"}});
  REQUIRE(epyc.has_value());
  CHECK(decode_of(epyc) > 4 * decode_of(cpu));
  // NVIDIA under Vulkan has no CUDA graphs: a larger per-layer cost, so a slower small model.
  auto cuda = with({{"card", "rtx-4090"}});
  auto vulkan = with({{"card", "rtx-4090"}, {"backend", "vulkan"}});
  REQUIRE(cuda.has_value());
  REQUIRE(vulkan.has_value());
  CHECK(decode_of(cuda) > decode_of(vulkan) * 1.03);
}

namespace {

// Llama 3.1 8B decoding 128 tokens on llama.cpp, through the request builder the CLI uses.
SizingRequest llama_decode_request(const Catalog& catalog, const std::string& card,
                                   const std::string& quant, const std::string& backend = "") {
  RequestText text;
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"model", "llama-3.1-8b-instruct"},
                                                        {"quant", quant},
                                                        {"runtime", "llama.cpp"},
                                                        {"card", card},
                                                        {"prompt_tokens", "0"},
                                                        {"output_tokens", "128"}})
    text.set(key, value);
  if (!backend.empty()) text.set("backend", backend);
  auto built = build_request(text, catalog, RequestKind::size);
  REQUIRE(built.has_value());
  return built->request;
}

}  // namespace

TEST_CASE("speed: a llama.cpp build month selects its era's parameters", "[speed][backend]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  SizingRequest request = llama_decode_request(*catalog, "rtx-4090", "q4_k_m");
  auto current = size(request);
  request.knobs.llama_build_month = "2025-11";
  auto recent = size(request);
  request.knobs.llama_build_month = "2024-03";
  auto before_graphs = size(request);
  REQUIRE(current.has_value());
  REQUIRE(recent.has_value());
  REQUIRE(before_graphs.has_value());
  // A recent build is a current build; one from before CUDA graphs pays 80 instead of 26 us per
  // layer: 32 layers x 54 us = 1.7 ms more per token.
  CHECK(decode_of(recent) == Approx(decode_of(current)));
  const double extra_s = 1.0 / decode_of(before_graphs) - 1.0 / decode_of(current);
  CHECK(extra_s == Approx(32 * 54e-6).epsilon(0.05));
  // A month that is not YYYY-MM is refused with the request, naming the field.
  request.knobs.llama_build_month = "2024-13";
  auto bad_month = size(request);
  REQUIRE_FALSE(bad_month.has_value());
  CHECK(bad_month.error().field == "llama_build_month");
  // A month before llama.cpp existed names no build.
  request.knobs.llama_build_month = "2022-11";
  auto before_llama = size(request);
  REQUIRE_FALSE(before_llama.has_value());
  CHECK(before_llama.error().field == "llama_build_month");
  CHECK(before_llama.error().message.find("2023-03") != std::string::npos);
}

namespace {

bool notes_contain(const Result<SizingReport>& report, const std::string& text) {
  if (!report) return false;
  for (const auto& line : report->assumptions)
    if (line.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("speed: a build outside the measured ones says whose figures it gets",
          "[speed][backend]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  SizingRequest llama = llama_decode_request(*catalog, "rtx-4090", "q4_k_m");
  const speed::MeasuredRange llama_range = speed::measured_range(RuntimeId::llamacpp);
  llama.knobs.llama_build_month = llama_range.newest_month;
  CHECK_FALSE(notes_contain(size(llama), "measured build"));
  llama.knobs.llama_build_month = "2031-01";
  auto future = size(llama);
  REQUIRE(future.has_value());
  CHECK(notes_contain(future, "2031-01 is newer than any measured build"));
  // Its figures are the newest build's.
  llama.knobs.llama_build_month.reset();
  CHECK(decode_of(future) == Approx(decode_of(size(llama))));

  SizingRequest vllm =
      test::request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "h100-sxm-80gb");
  vllm.knobs.engine_version = "0.24.0";
  CHECK_FALSE(notes_contain(size(vllm), "measured release"));
  vllm.knobs.engine_version = "3.1.0";
  CHECK(notes_contain(size(vllm), "3.1.0 is newer than any measured release (0.24.0)"));
  SizingRequest amd = test::request("llama-3.1-8b-instruct", "bf16", RuntimeId::vllm, "mi300x");
  amd.knobs.engine_version = "0.5.4";
  CHECK(notes_contain(size(amd), "0.5.4 is older than any measured release (0.6.3)"));
}

TEST_CASE("speed: Arc A770 Vulkan builds before 2025 are dequant-bound", "[speed][backend]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  auto decode = [&](const std::string& quant, const std::string& month) {
    SizingRequest request = llama_decode_request(*catalog, "arc-a770-16gb", quant, "vulkan");
    if (!month.empty()) request.knobs.llama_build_month = month;
    return decode_of(size(request));
  };
  // A 2024 build is much slower than a current one; 2025 builds are current builds.
  CHECK(decode("q4_0", "2024-11") < 0.7 * decode("q4_0", ""));
  CHECK(decode("q4_0", "2025-01") == Approx(decode("q4_0", "")));
  // Dequant-bound: a k-quant (30 ops per weight) loses more than q4_0 (20) to the old shaders,
  // although it reads about as many bytes.
  const double old_ratio = decode("q4_k_s", "2024-11") / decode("q4_0", "2024-11");
  const double new_ratio = decode("q4_k_s", "") / decode("q4_0", "");
  CHECK(old_ratio < 0.8);
  CHECK(old_ratio < new_ratio - 0.1);
}
