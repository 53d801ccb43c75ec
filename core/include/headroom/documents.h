// Every headroom.*.v1 document the project reads or writes, in one place: the CLI, headroom-bench,
// wasm and the site call these and never build a document of their own. Requests are parsed into
// the one request builder (headroom/request.h); responses for wasm wrap a document in an
// {"ok": true, ...} / {"ok": false, "error", "field"} envelope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "headroom/bench_report.h"
#include "headroom/catalog.h"
#include "headroom/compare.h"
#include "headroom/request.h"
#include "headroom/sizing.h"
#include "headroom/validation.h"

namespace headroom {

inline constexpr const char* kSizeSchema = "headroom.size.v1";
inline constexpr const char* kCompareSchema = "headroom.compare.v1";
inline constexpr const char* kRealitySchema = "headroom.reality.v1";
inline constexpr const char* kValidationSchema = "headroom.validation.v1";
// The embedded catalog data files (core/data/*.json, read by catalog/catalog.cpp) and the
// listings `headroom models|cards|formats|runtimes --json` print: different shapes, so different
// schema ids (the listings were named like the data files before).
inline constexpr const char* kModelsDataSchema = "headroom.models.v1";
inline constexpr const char* kCardsDataSchema = "headroom.cards.v1";
inline constexpr const char* kModelListSchema = "headroom.model-list.v1";
inline constexpr const char* kCardListSchema = "headroom.card-list.v1";
inline constexpr const char* kFormatListSchema = "headroom.formats.v1";
inline constexpr const char* kRuntimeListSchema = "headroom.runtimes.v1";
// kBenchSchema ("headroom.bench.v1") is in bench_report.h, beside the structs it describes.

// headroom.size.v1 (README: JSON output); indent -1 for one line.
std::string size_json_text(const SizingReport& report, int indent = 2);

// headroom.compare.v1: {"schema", "inputs", "cards": [{card, name, vendor, verdict, max_users,
// max_context_tokens, decode_tokens_per_s_per_user, decode_tokens_per_s_total, ttft_s,
// weights_bytes, free_bytes, verdict_reason, memory {capacity_bytes, weights_bytes, kv_cache_bytes,
// kv_cache_capacity_bytes, activation_bytes, runtime_overhead_bytes, free_bytes}, error}]}.
// `indent` as size_json_text: 2 for people, -1 (compact) for the wasm responses.
std::string compare_json_text(const std::vector<CardFit>& fits, int indent = 2);

// headroom.reality.v1: {"schema", "inputs", "formats": [{format, quality, verdict, weights_bytes,
// bits_per_weight, decode_tokens_per_s_per_user, speedup_vs_fp16, ideal_speedup_vs_fp16, error}]}.
std::string reality_json_text(const std::vector<FormatFit>& fits, int indent = 2);

// headroom.validation.v1: every row of a validation run and the summary.
std::string validation_json_text(const std::vector<ValidationRow>& rows);

// The catalogs: headroom.models.v1, headroom.cards.v1, headroom.formats.v1, headroom.runtimes.v1.
std::string models_json_text(const Catalog& catalog);
std::string cards_json_text(const Catalog& catalog);
std::string formats_json_text();
std::string runtimes_json_text();
// By name: "models" | "cards" | "formats" | "runtimes"; an error naming `kind` otherwise.
Result<std::string> catalog_json_text(const Catalog& catalog, std::string_view kind);

// headroom.bench.v1: pretty-printed; and the parser that refuses another schema, missing or
// mistyped fields, non-finite or negative numbers, naming the field ("results[3].median_seconds").
std::string bench_json_text(const BenchReport& report);
Result<BenchReport> parse_bench_report(std::string_view json_text);

// A request as JSON (wasm, site): {"model": id | {config.json object}, and every other key of
// request_keys() with its JSON type (numbers, strings, flash_attention as a boolean, bench as a
// headroom.bench.v1 object)}, checked by build_request().
// `loaded`, when given, is a model the front end read itself (a GGUF header a page sliced from
// a dropped file, or a pasted config.json): a request whose "model" is its id sizes it, a GGUF
// with its own tensor types, a config.json in the request's quant.
Result<BuiltRequest> parse_request_json(std::string_view json_text, const Catalog& catalog,
                                        RequestKind kind, const ModelArch* loaded = nullptr);

// The wasm API's answers: {"ok": true, "report" | "compare" | "reality" | "catalog": {...}} or
// {"ok": false, "error": "...", "field": "..."}.
// `measured`, when given, calibrates each card with its submitted results as the CLI does with
// results/ (a request's own "bench" still comes first).
std::string size_response_json(std::string_view request_json, const Catalog& catalog,
                               const ModelArch* loaded = nullptr,
                               const MeasuredCards* measured = nullptr);
std::string compare_response_json(std::string_view request_json, const Catalog& catalog,
                                  const ModelArch* loaded = nullptr,
                                  const MeasuredCards* measured = nullptr);
std::string reality_response_json(std::string_view request_json, const Catalog& catalog,
                                  const ModelArch* loaded = nullptr,
                                  const MeasuredCards* measured = nullptr);

// headroom.measured.v1: {schema, cards: {card id: headroom.bench.v1 report}}, each card's
// aggregate of trusted submissions (what `headroom size --card X` reads from results/). The site
// generator writes it; the page's core reads it. Every id must be a catalog card and its report
// must be for that card.
std::string measured_cards_json_text(const MeasuredCards& measured);
Result<MeasuredCards> parse_measured_cards(std::string_view json_text, const Catalog& catalog);
// {"ok": true, "model": {id, name, family, params, active_params, layers, max_context_tokens,
// source, notes}}: what a page shows of a model it loaded, the fields an entry of
// headroom.model-list.v1 has for any model.
std::string model_response_json(const Result<ModelArch>& model);
std::string catalog_response_json(std::string_view kind, const Catalog& catalog);
std::string error_response_json(const Error& error);

}  // namespace headroom
