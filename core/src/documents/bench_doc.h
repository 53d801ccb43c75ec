// The bench report reader over a document already parsed: the submission check parses a file
// once for its canonical form and reads the report from the same tree (core-internal).
#pragma once

#include <nlohmann/json.hpp>

#include "headroom/bench_report.h"
#include "headroom/result.h"

namespace headroom {

// parse_bench_report() after the parse: schema, types and fields, naming the first problem.
Result<BenchReport> bench_report_from_doc(const nlohmann::json& doc);

// The document bench_json_text() prints: the schema, as the writer spells it.
nlohmann::json bench_document(const BenchReport& report);

}  // namespace headroom
