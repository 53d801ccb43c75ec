// The site's pages as template data: every number comes from the core (size(), compare_cards(),
// compare_formats(), run_validation()), every string is escaped by the template engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "headroom/bench_report.h"
#include "headroom/catalog.h"
#include "headroom/compare.h"
#include "headroom/memory_validation.h"
#include "headroom/validation.h"

namespace headroom::site {

using Data = kainjow::mustache::data;

// What the generator read besides the built-in catalogs.
struct SiteInputs {
  const Catalog* catalog = nullptr;
  std::vector<BenchReport> results;           // headroom-bench files under --results
  std::vector<std::string> result_names;      // their file names, same order
  std::vector<ValidationRow> validation;      // the speed validation set, run
  std::vector<ValidationRow> serving_validation;  // the serving set (TPOT, TTFT, throughput)
  std::vector<MemoryValidationRow> memory_validation;  // runtime start-up logs
  MeasuredCards measured;                     // per card: the aggregate `headroom size` uses
  std::string base_url;                       // absolute URL of the site root, or "" (relative)
  // A result measured on this machine and not submitted (the main command's quick bench): shown
  // on its own page, marked unpublished, never in the measured figures.
  std::optional<BenchReport> local_result;
  std::string local_name;
};

// One page to write: its path under the output folder, the template and its data.
struct Page {
  std::string path;      // "index.html", "cards/rtx-4090.html"
  std::string template_name;
  Data data;
};

Result<std::vector<Page>> build_pages(const SiteInputs& inputs);

}  // namespace headroom::site
