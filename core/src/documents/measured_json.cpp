// headroom.measured.v1: each card's aggregate of trusted submissions, as the bench report the
// speed model reads. The site generator writes it beside the pages and the page's core reads it,
// so the live table calibrates the same cards the CLI and the static table calibrate.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "../base/json_util.h"
#include "headroom/documents.h"

namespace headroom {

namespace {

constexpr const char* kMeasuredSchema = "headroom.measured.v1";
constexpr std::size_t kMaxMeasuredCards = 4096;

}  // namespace

std::string measured_cards_json_text(const MeasuredCards& measured) {
  nlohmann::json cards = nlohmann::json::object();
  for (const auto& [id, bench] : measured) {
    cards[id] = nlohmann::json::parse(bench_json_text(bench), nullptr, false);
  }
  const nlohmann::json doc = {{"schema", kMeasuredSchema}, {"cards", cards}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<MeasuredCards> parse_measured_cards(std::string_view json_text, const Catalog& catalog) {
  if (json_util::nests_too_deep(json_text)) return json_util::too_deep("measured", "measured");
  auto doc = json_util::parse(json_text);
  if (!doc || !doc->is_object()) return parse_failure("measured", "is not a JSON object");
  const auto schema = doc->find("schema");
  if (schema == doc->end() || !schema->is_string() ||
      schema->get<std::string>() != kMeasuredSchema) {
    return refused(ErrorCode::parse_error, "schema",
                   std::string("schema must be \"") + kMeasuredSchema + "\"");
  }
  const auto cards = doc->find("cards");
  if (cards == doc->end() || !cards->is_object()) {
    return parse_failure("cards", "must be an object of card id to bench report");
  }
  if (cards->size() > kMaxMeasuredCards) {
    return parse_failure("cards", "holds more than " + std::to_string(kMaxMeasuredCards) + " cards");
  }
  MeasuredCards out;
  for (const auto& item : cards->items()) {
    const std::string& id = item.key();  // a plain name: clang 14 cannot capture a binding
    const auto& value = item.value();
    const bool known = std::any_of(catalog.cards.begin(), catalog.cards.end(),
                                   [&](const Card& c) { return c.id == id; });
    if (!known) return invalid("cards." + id, "is not a catalog card id");
    auto bench = parse_bench_report(value.dump());
    if (!bench) {
      return refused(bench.error().code, "cards." + id + "." + bench.error().field,
                     "cards." + id + ": " + bench.error().message);
    }
    if (bench->card_id != id) {
      return invalid("cards." + id, "holds a result for card '" + bench->card_id + "'");
    }
    out.emplace(id, std::move(bench).value());
  }
  return out;
}

}  // namespace headroom
