// headroom-site: renders the static site from the core's numbers with the Mustache templates in
// templates/. The output is plain files (relative links, no server logic) and the same inputs
// give the same bytes. Exit status: 0 written, 2 bad input (one line on stderr).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <future>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <kainjow/mustache.hpp>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/memory_validation.h"
#include "headroom/results.h"
#include "pages.h"
#include "parallel.h"
#include "results_cmd.h"

namespace fs = std::filesystem;

namespace {

using namespace headroom;

constexpr std::uintmax_t kMaxInputBytes = 64ull << 20;
constexpr const char* kTemplates[] = {"index", "card",  "cards",  "reality", "accuracy",
                                      "embed", "fit",   "badge",  "submit",  "local"};
constexpr const char* kPartials[] = {"head", "foot", "membar", "kernels"};
struct StaticFile {
  const char* source;  // in site/static
  const char* path;    // in the output
};
constexpr StaticFile kStatic[] = {{"style.css", "style.css"},
                                  {"app.js", "app.js"},
                                  {"loader.js", "loader.js"},
                                  {"membar.js", "membar.js"},
                                  {"submit.js", "submit.js"},
                                  {"model-file.js", "model-file.js"},
                                  {"table-view.js", "table-view.js"},
                                  {"headroom-fit.js", "headroom-fit.js"},
                                  {"fit.js", "embed/fit.js"},
                                  {"favicon.svg", "favicon.svg"}};

struct SiteError {
  std::string message;
};

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw SiteError{"cannot open " + path.string() + ": not a regular file"};
  if (fs::file_size(path, ec) > kMaxInputBytes) throw SiteError{path.string() + " is over 64 MiB"};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SiteError{"cannot open " + path.string()};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Written next to its final name, then renamed: a reader never sees half a page.
void write_atomically(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw SiteError{"cannot write " + tmp.string()};
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw SiteError{"cannot rename " + tmp.string() + ": " + ec.message()};
}

// headroom.bench.v1 files under `dir`, in path order (so the output does not depend on the
// order the file system lists them), each checked once: the pages and the measured aggregates
// read the same checks. `order` receives their keys in `checked`, in path order.
void read_results(const fs::path& dir, site::SiteInputs& in, cli::CheckedFiles& checked,
                  std::vector<std::string>& order) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw SiteError{"--results " + dir.string() + " is not a folder"};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" &&
        entry.path().filename() != "index.json" && entry.path().filename() != "maintainers.json") {
      files.push_back(entry.path().lexically_normal());
    }
  }
  std::sort(files.begin(), files.end());
  // A file's sha256 only decides its trust tier when maintainers.json lists its name (the stored
  // name is the sha256, which `results validate` checks in CI): only those are hashed. A
  // misnamed file whose content a maintainer reproduced reads as community here, never the
  // other way round.
  auto reproduced = cli::read_maintainers(dir);
  if (!reproduced) throw SiteError{"--results: " + reproduced.error().message};
  const std::set<std::string> listed(reproduced->begin(), reproduced->end());
  // Checking 10,000 files is most of a large build: spread over the cores, each file into its
  // own slot, so the pages and the first error reported stay in path order.
  struct Checked {
    SubmissionCheck check;
    std::string error;
  };
  std::vector<Checked> slots(files.size());
  site::for_each_index(files.size(), [&](std::size_t i) {
    try {
      // The pages escape whatever strings a file carries; what it must be is a submission the
      // check accepts (ok or flagged).
      SubmissionCheckOptions options;
      options.canonical_hash = listed.count(files[i].stem().string()) != 0;
      slots[i].check = check_submission(read_file(files[i]), *in.catalog, options);
      // The canonical text (as long as the file), where made, served its sha256; 10,000 of
      // them would be held to the end of the build for nothing.
      std::string().swap(slots[i].check.canonical_json);
      // A file the check refuses is not a published measurement: the build stops naming it,
      // as `results validate` would (CI runs it on results/; a local --results folder may not
      // have been).
      if (!slots[i].check.report || slots[i].check.status == SubmissionStatus::rejected) {
        slots[i].error = files[i].string() + ": rejected: " +
                         slots[i].check.rejections.front().message;
      } else {
        // The pages and the aggregates read the derived figures (gb_per_s, speedups), never the
        // per-dispatch samples the check has just recomputed them from: dropped, so 10,000
        // reports take a fraction of the memory and copy cheaply.
        BenchReport& report = *slots[i].check.report;
        report = derive_bench_metrics(std::move(report));
        for (BenchResult& r : report.results) std::vector<double>().swap(r.samples_seconds);
      }
    } catch (const SiteError& e) {
      slots[i].error = e.message;
    }
  });
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!slots[i].error.empty()) throw SiteError{slots[i].error};
    in.result_names.push_back(fs::relative(files[i], dir).generic_string());
    checked.emplace(files[i].string(), std::move(slots[i].check));
    order.push_back(files[i].string());
  }
}

// --timings: each step's wall time on stderr, so a slow build says where it went.
// CPU time is every thread's (std::clock): with both, a loaded machine still shows the cost.
class StepTimer {
 public:
  explicit StepTimer(bool on)
      : on_(on), last_(std::chrono::steady_clock::now()), last_cpu_(std::clock()) {}
  void step(const char* name) {
    const auto now = std::chrono::steady_clock::now();
    const std::clock_t cpu = std::clock();
    if (on_) {
      std::fprintf(stderr, "headroom-site: %-22s %7.3f s (CPU %.3f s)\n", name,
                   std::chrono::duration<double>(now - last_).count(),
                   static_cast<double>(cpu - last_cpu_) / CLOCKS_PER_SEC);
    }
    last_ = now;
    last_cpu_ = cpu;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  std::clock_t last_cpu_;
};

int build(const fs::path& out, const fs::path& templates, const fs::path& results,
          const fs::path& validation, const fs::path& serving, const fs::path& memory,
          const fs::path& wasm,
          const std::string& base_url, const fs::path& local, bool timings) {
  StepTimer timer(timings);
  auto catalog = load_builtin_catalog();
  if (!catalog) throw SiteError{"built-in catalog: " + catalog.error().message};
  site::SiteInputs in;
  in.catalog = &catalog.value();
  in.base_url = base_url;
  if (!in.base_url.empty() && in.base_url.back() == '/') in.base_url.pop_back();
  // The validation sets (serving rows run the traffic model) on their own thread, beside the
  // result files: neither reads the other.
  struct ValidationSets {
    std::vector<ValidationRow> speed, serving;
    std::vector<MemoryValidationRow> memory;
  };
  auto validation_sets = std::async(std::launch::async, [&] {
    ValidationSets sets;
    auto rows = run_validation(catalog.value(), read_file(validation));
    if (!rows) throw SiteError{validation.string() + ": " + rows.error().message};
    sets.speed = std::move(rows).value();
    auto serving_rows = run_validation(catalog.value(), read_file(serving));
    if (!serving_rows) throw SiteError{serving.string() + ": " + serving_rows.error().message};
    sets.serving = std::move(serving_rows).value();
    auto memory_rows = run_memory_validation(catalog.value(), read_file(memory));
    if (!memory_rows) throw SiteError{memory.string() + ": " + memory_rows.error().message};
    sets.memory = std::move(memory_rows).value();
    return sets;
  });
  if (!results.empty()) {
    cli::CheckedFiles checked;
    std::vector<std::string> order;
    read_results(results, in, checked, order);
    timer.step("check result files");
    // Measured beats spec, as in `headroom size` and `headroom compare`: each card's aggregate of
    // trusted submissions calibrates its speed on every page.
    for (const Card& card : catalog->cards) {
      auto found = cli::measured_card(catalog.value(), card, results.string(), false, &checked);
      if (!found) throw SiteError{"--results: " + found.error().message};
      if (found.value()) in.measured.emplace(card.id, std::move(found.value()->bench));
    }
    // The reports move to the pages once the aggregates are made: held once, not twice.
    for (const std::string& key : order) in.results.push_back(std::move(*checked.at(key).report));
    timer.step("measured aggregates");
  }
  if (!local.empty()) {
    auto report = parse_bench_report(read_file(local));
    if (!report) throw SiteError{"--local " + local.string() + ": " + report.error().message};
    in.local_result = derive_bench_metrics(std::move(report).value());
    in.local_name = local.filename().string();
  }
  ValidationSets sets = validation_sets.get();  // rethrows the thread's SiteError
  in.validation = std::move(sets.speed);
  in.serving_validation = std::move(sets.serving);
  in.memory_validation = std::move(sets.memory);
  timer.step("validation sets (rest)");

  std::vector<std::pair<std::string, std::string>> partials;
  for (const char* name : kPartials) {
    partials.emplace_back(name, read_file(templates / (std::string(name) + ".mustache")));
  }
  std::vector<std::pair<std::string, kainjow::mustache::mustache>> compiled;
  for (const char* name : kTemplates) {
    kainjow::mustache::mustache tmpl{read_file(templates / (std::string(name) + ".mustache"))};
    if (!tmpl.is_valid()) throw SiteError{std::string(name) + ".mustache: " + tmpl.error_message()};
    compiled.emplace_back(name, std::move(tmpl));
  }
  auto pages = site::build_pages(in);
  if (!pages) throw SiteError{pages.error().message};
  timer.step("page data");
  for (auto& page : pages.value()) {
    auto it = std::find_if(compiled.begin(), compiled.end(),
                           [&](const auto& t) { return t.first == page.template_name; });
    if (it == compiled.end()) throw SiteError{"no template " + page.template_name};
    for (const auto& [name, text] : partials) {
      page.data.set(name, kainjow::mustache::partial([text = text] { return text; }));
    }
    write_atomically(out / page.path, it->second.render(page.data));
  }
  timer.step("render and write pages");
  // The live table's core reads the same per-card aggregates the static pages used (loader.js).
  write_atomically(out / "measured.json", measured_cards_json_text(in.measured) + "\n");
  for (const StaticFile& file : kStatic) {
    write_atomically(out / file.path, read_file(fs::path(HEADROOM_SITE_STATIC_DIR) / file.source));
  }
  std::size_t wasm_files = 0;
  if (!wasm.empty()) {
    // The core for the page script: the Emscripten build's glue and module, and the JS API.
    for (const fs::path& file :
         {wasm / "headroom.js", wasm / "headroom.wasm", fs::path(HEADROOM_WASM_API_JS)}) {
      write_atomically(out / file.filename(), read_file(file));
      ++wasm_files;
    }
  }
  timer.step("static files");
  std::cout << "headroom-site: wrote " << wasm_files << " + " << pages->size() + std::size(kStatic) + 1
            << " files to " << out.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"headroom-site: the static comparison site, from the core's numbers"};
  app.require_subcommand(1);
  std::string out, results, base_url, wasm, local;
  bool timings = false;
  std::string templates = HEADROOM_TEMPLATES_DIR;
  std::string validation = HEADROOM_VALIDATION_FILE;
  std::string serving = HEADROOM_SERVING_VALIDATION_FILE;
  std::string memory = HEADROOM_MEMORY_VALIDATION_FILE;
  auto* build_cmd = app.add_subcommand("build", "Render every page into --out");
  build_cmd->add_option("--out", out, "output folder")->required();
  build_cmd->add_option("--results", results, "folder of headroom-bench result files (results/)");
  build_cmd->add_option("--local", local,
                        "a headroom-bench file measured here and not submitted: its own page, "
                        "marked unpublished");
  build_cmd->add_option("--base-url", base_url,
                        "absolute URL of the site root, for canonical links");
  build_cmd->add_option("--templates", templates, "the Mustache templates (templates/)");
  build_cmd->add_option("--validation", validation, "the speed validation set");
  build_cmd->add_option("--serving-validation", serving,
                        "the serving validation set (TPOT, TTFT, throughput under traffic)");
  build_cmd->add_option("--memory-validation", memory,
                        "the memory validation set (runtime start-up logs)");
  build_cmd->add_option(
      "--wasm", wasm, "the wasm build folder (headroom.js, headroom.wasm): the pages' live table");
  build_cmd->add_flag("--timings", timings, "print each step's time on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "headroom-site: " << e.what() << "\n";
    return 2;
  }
  try {
    return build(out, templates, results, validation, serving, memory, wasm, base_url, local,
                 timings);
  } catch (const SiteError& e) {
    std::cerr << "headroom-site: " << e.message << "\n";
  } catch (const std::exception& e) {
    std::cerr << "headroom-site: " << e.what() << "\n";
  }
  return 2;
}
