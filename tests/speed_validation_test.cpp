// The speed model against public measurements (tests/data/speed_validation.json): prints every
// prediction's error and fails when the median |error| of decode tok/s exceeds 20% or any row 50%.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "headroom/catalog.h"
#include "headroom/validation.h"

using namespace headroom;

namespace {

std::string read_validation_file() {
  std::ifstream file(std::string(HEADROOM_TEST_DATA_DIR) + "/speed_validation.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("speed validation: public measurements within 20% median, 50% worst", "[speed][validation]") {
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

  const ValidationSummary summary = summarize_validation(*rows);
  INFO("worst row: " << summary.worst_id);
  CHECK(summary.median_abs_error_pct <= 20.0);
  CHECK(summary.max_abs_error_pct <= 50.0);
}

TEST_CASE("speed validation: malformed sets are refused with the row named", "[speed][validation]") {
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
