// transformers' eager decode, 16-bit and bitsandbytes, against public measurements
// (tests/data/transformers_validation.json: bitsandbytes' own v0.45 benchmark on a T4, an RTX 4090
// and an H100). Prints every row's error. Eager steps on a fast GPU wait on the host's CPU, which
// is not an input (the model takes a desktop's for consumer cards, an older server's for Turing /
// Volta, a current server's else), so the thresholds are the set's own: median |error| 10% over
// all rows and 12% on each machine; no row of the fit (bnb045-*) past 45% (batch 32 on a 16-bit
// model, whose small-M eager GEMMs are not modelled, comes closest); the out-of-sample rows
// (optimum-*: Hugging Face optimum's A100 decode benchmark, transformers 4.37, bitsandbytes 0.42)
// within 10% median (their worst, GPTQ's exllama_v2 kernel at batch 16, +56%: kernel choice is not
// modelled).
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/validation.h"
#include "test_data.h"

using namespace headroom;

namespace {

std::vector<ValidationRow> load_rows() {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const std::string text = test::read_test_data("transformers_validation.json");
  REQUIRE_FALSE(text.empty());
  auto rows = run_validation(*catalog, text);
  if (!rows) FAIL(rows.error().message);
  return *rows;
}

// "bnb045-h100-sxm-80gb-llama-3.1-8b-bnb-int8-b1" -> "h100-sxm-80gb llama-3.1-8b-instruct b1"
std::string setting(const ValidationRow& r) {
  return r.card + " " + r.model + " " + r.id.substr(r.id.rfind("-b") + 1);
}

}  // namespace

TEST_CASE("transformers validation: eager decode within 10% median, 16-bit and bitsandbytes",
          "[speed][validation][transformers]") {
  const std::vector<ValidationRow> rows = load_rows();
  std::cout << format_validation_table(rows);
  CHECK(rows.size() >= 60);
  std::map<std::string, std::vector<ValidationRow>> by_card;
  for (const auto& r : rows) {
    CHECK(r.runtime == "transformers");
    CHECK_FALSE(r.source.empty());
    by_card[r.card].push_back(r);
  }
  CHECK(summarize_validation(rows).median_abs_error_pct <= 10.0);
  for (const char* card : {"t4", "rtx-4090", "h100-sxm-80gb", "a100-sxm-80gb"}) {
    INFO(card);
    REQUIRE(by_card.count(card) == 1);
    CHECK(by_card[card].size() >= 12);
    CHECK(summarize_validation(by_card[card]).median_abs_error_pct <= 12.0);
  }
  std::vector<ValidationRow> held_out;
  for (const auto& r : rows) {
    INFO(r.id);
    if (r.id.rfind("bnb045-", 0) == 0) CHECK(std::fabs(r.error_pct) <= 45.0);
    if (r.id.rfind("optimum-", 0) == 0) held_out.push_back(r);
  }
  CHECK(held_out.size() >= 20);
  CHECK(summarize_validation(held_out).median_abs_error_pct <= 10.0);
}

TEST_CASE("transformers validation: bitsandbytes decodes slower than 16-bit where it measures so",
          "[speed][validation][transformers]") {
  // What the byte ratio hides: LLM.int8() runs 2-4x slower than 16-bit weights at every batch,
  // and NF4 slower on the T4 and H100 machines. Each quantized row against the 16-bit row of the
  // same card, model and batch, predicted as measured.
  const std::vector<ValidationRow> rows = load_rows();
  std::map<std::string, const ValidationRow*> sixteen_bit;
  for (const auto& r : rows)
    if (r.quant == "bf16" || r.quant == "fp16") sixteen_bit[setting(r)] = &r;
  std::size_t compared = 0;
  for (const auto& r : rows) {
    if (r.quant.rfind("bnb-", 0) != 0) continue;
    auto base = sixteen_bit.find(setting(r));
    if (base == sixteen_bit.end()) continue;
    INFO(r.id);
    const bool measured_slower = r.measured_value < base->second->measured_value;
    if (r.quant == "bnb-int8") CHECK(measured_slower);
    if (measured_slower) CHECK(r.predicted_value < base->second->predicted_value);
    ++compared;
  }
  CHECK(compared >= 30);
}
