// libFuzzer target: a headroom.bench.v1 result file (`--bench`, `headroom check-bench`,
// `headroom results validate`) through the parser and the submission check.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "headroom/bench_report.h"
#include "fuzz_common.h"
#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/results.h"

using headroom::fuzz::catalog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = headroom::parse_bench_report(text);
  if (report) {
    // A parsed report must write back and read again (the writer sees every parsed value).
    auto again = headroom::parse_bench_report(headroom::bench_json_text(report.value()));
    if (!again) __builtin_trap();
  }
  // check_submission() with the catalog parsed once: check_bench_submission() is the same check
  // behind a catalog load per call, 300 times slower under the sanitizers. It runs on the inputs
  // that parse, so its own path is fuzzed too.
  (void)headroom::check_submission(text, catalog());
  if (report) (void)headroom::check_bench_submission(text);
  return 0;
}
