// headroom: command-line front end. Parses flags, reads files, calls the core, prints.
// Exit status: 0 answered (whatever the verdict), 2 bad input (one line on stderr).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/memory_validation.h"
#include "listings.h"
#include "printable.h"
#include "render_text.h"
#include "request_flags.h"
#include "results_cmd.h"
#include "text_file.h"

namespace {

using namespace headroom;

constexpr std::uint64_t kMaxDocumentBytes = 64ull << 20;

// Messages quote file contents (a model_type, a GGUF name, a path): printed escaped.
int fail(const std::string& message) {
  std::cerr << "headroom: " << cli::printable(message) << "\n";
  return 2;
}

// One of the commands that take a sizing request: size, compare, reality.
struct RequestCommand {
  CLI::App* app = nullptr;
  cli::RequestFlags flags;
  std::string bench_path;   // --bench as given, for messages about the file
  std::string results_dir;  // size --results; "" = the built-in results/ folder when it exists
  bool json = false;

  Result<BuiltRequest> build(const Catalog& catalog, RequestKind kind) const {
    auto text = flags.read(app);
    if (!text) return text.error();
    return build_request(text.value(), catalog, kind);
  }
  int fail_with(const Error& error) const { return fail(cli::message_for(error, bench_path)); }
};

int run_size(const Catalog& catalog, const RequestCommand& cmd) {
  auto built = cmd.build(catalog, RequestKind::size);
  if (!built) return cmd.fail_with(built.error());
  if (!built->request.bench) {
    // Measured beats spec: the card's aggregate of submitted results, when there is one.
    const bool built_in = cmd.results_dir.empty();
    auto measured = cli::measured_card(catalog, built->request.card,
                                       built_in ? HEADROOM_RESULTS_DIR : cmd.results_dir, built_in);
    if (!measured) return fail("--results: " + measured.error().message);
    if (measured.value()) {
      built->request.bench = std::move(measured.value()->bench);
      built->request.bench_origin = std::move(measured.value()->origin);
    }
  }
  auto report = size(built->request);
  if (!report) return cmd.fail_with(report.error());
  if (cmd.json) {
    std::cout << size_json_text(report.value()) << "\n";
  } else {
    std::cout << cli::render_text(report.value(), built->request.card,
                                  ::isatty(STDOUT_FILENO) != 0);
  }
  return 0;
}

// How the request's names were read; compare and reality tables have no assumptions list.
std::string name_notes_text(const SizingRequest& request) {
  std::string text;
  for (const auto& note : request.name_notes) text += "assumed: " + note + "\n";
  return text;
}

int run_compare(const Catalog& catalog, const RequestCommand& cmd) {
  auto built = cmd.build(catalog, RequestKind::compare);
  if (!built) return cmd.fail_with(built.error());
  // Measured beats spec, card by card, as in `size`.
  MeasuredCards measured;
  const bool built_in = cmd.results_dir.empty();
  for (const Card& card : catalog.cards) {
    auto found = cli::measured_card(catalog, card, built_in ? HEADROOM_RESULTS_DIR : cmd.results_dir,
                                    built_in);
    if (!found) return fail("--results: " + found.error().message);
    if (found.value()) measured.emplace(card.id, std::move(found.value()->bench));
  }
  auto fits = compare_cards(catalog, built->request, built->vendor, measured);
  if (!fits) return cmd.fail_with(fits.error());
  std::cout << (cmd.json ? compare_json_text(fits.value()) + "\n"
                         : cli::render_compare(fits.value()) + name_notes_text(built->request));
  return 0;
}

int run_reality(const Catalog& catalog, const RequestCommand& cmd) {
  auto built = cmd.build(catalog, RequestKind::reality);
  if (!built) return cmd.fail_with(built.error());
  auto fits = compare_formats(built->request);
  if (!fits) return cmd.fail_with(fits.error());
  std::cout << (cmd.json ? reality_json_text(fits.value()) + "\n"
                         : cli::render_formats(fits.value()) + name_notes_text(built->request));
  return 0;
}

// `check-bench` is the old name of `results validate`: the same check, the same exit status.
int run_check_bench(const Catalog& catalog, const std::vector<std::string>& paths) {
  return cli::results_validate(catalog, paths, /*json=*/false, std::cout, std::cerr);
}

int run_validate(const Catalog& catalog, const std::string& path, bool json) {
  auto text = cli::read_text_file(path, "validation", kMaxDocumentBytes);
  if (!text) return fail(text.error().message);
  // A set of runtime start-up logs (memory) or of speed measurements, told apart by its schema:
  // the memory reader refuses other documents on its top-level fields, and the speed reader then
  // reports in its own words.
  auto memory = run_memory_validation(catalog, text.value());
  if (memory) {
    std::cout << (json ? memory_validation_json_text(memory.value()) + "\n"
                       : cli::printable(format_memory_validation_table(memory.value()), true));
    return 0;
  }
  if (memory.error().field != "memory_validation.schema" &&
      memory.error().field != "memory_validation")
    return fail(path + ": " + memory.error().message);
  auto rows = run_validation(catalog, text.value());
  if (!rows) return fail(path + ": " + rows.error().message);
  std::cout << (json ? validation_json_text(rows.value()) + "\n"
                     : cli::printable(format_validation_table(rows.value()), true));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"headroom: will this LLM workload fit on this card, and how fast will it run?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("headroom ") + HEADROOM_VERSION);

  RequestCommand size_cmd, compare_cmd, reality_cmd;
  size_cmd.app =
      app.add_subcommand("size", "Memory breakdown, verdict, max users/context, speed and advice");
  size_cmd.flags.add_to(size_cmd.app, /*with_card=*/true, /*with_bench=*/true,
                        /*with_vendor=*/false);
  size_cmd.app->add_flag("--json", size_cmd.json, "print the headroom.size.v1 JSON document");
  size_cmd.app->add_option("--results", size_cmd.results_dir,
                           "results folder whose aggregate for --card calibrates the speed "
                           "(default: the repository's results/, when it exists; --bench wins)");
  compare_cmd.app =
      app.add_subcommand("compare", "The same workload on every card: which fit, users, speed");
  compare_cmd.flags.add_to(compare_cmd.app, false, false, /*with_vendor=*/true);
  compare_cmd.app->add_flag("--json", compare_cmd.json,
                            "print the headroom.compare.v1 JSON document");
  compare_cmd.app->add_option("--results", compare_cmd.results_dir,
                              "results folder whose aggregates calibrate each card's speed "
                              "(default: the repository's results/, when it exists)");
  reality_cmd.app = app.add_subcommand(
      "reality", "Every weight format on one card: real vs ideal speedup, quality cost");
  reality_cmd.flags.add_to(reality_cmd.app, true, false, false);
  reality_cmd.app->add_flag("--json", reality_cmd.json,
                            "print the headroom.reality.v1 JSON document");

  bool json = false;
  auto* models_cmd = app.add_subcommand("models", "List the model catalog");
  auto* cards_cmd = app.add_subcommand("cards", "List the card catalog");
  auto* formats_cmd =
      app.add_subcommand("formats", "List weight formats (with quality costs) and KV cache dtypes");
  auto* runtimes_cmd =
      app.add_subcommand("runtimes", "List runtimes and their memory budget rules");
  std::vector<std::string> bench_paths;
  auto* check_bench_cmd =
      app.add_subcommand("check-bench", "Validate headroom-bench result files (headroom.bench.v1)");
  check_bench_cmd->add_option("files", bench_paths, "result files, e.g. results/*.json")
      ->required();
  check_bench_cmd->description(
      "Validate headroom-bench result files: the alias of `results validate`");
  auto* results_cmd =
      app.add_subcommand("results", "Submitted headroom-bench results: validate, add");
  results_cmd->require_subcommand(1);
  std::vector<std::string> result_paths;
  bool results_json = false;
  std::string results_into = "results";
  auto* results_validate_cmd = results_cmd->add_subcommand(
      "validate",
      "Check result files or folders (schema, consistency, identity, provenance, privacy). "
      "Exit status: 0 every file ok or flagged, 2 any file rejected");
  results_validate_cmd->add_option("files", result_paths, "files or folders, e.g. results/")
      ->required();
  results_validate_cmd->add_flag("--json", results_json,
                                 "print the headroom.results-check.v1 JSON document");
  auto* results_add_cmd = results_cmd->add_subcommand(
      "add",
      "Store accepted files as <into>/<vendor>/<card>/<sha256>.json and update index.json. "
      "Exit status: 0 all added, 2 a file refused (rejected, already stored, write failed)");
  results_add_cmd->add_option("files", result_paths, "headroom-bench result files")->required();
  results_add_cmd->add_option("--into", results_into, "results folder (default: results)");
  std::string validation_path;
  auto* validate_cmd =
      app.add_subcommand("validate",
                         "Predicted vs measured on a validation set: speed, serving or memory "
                         "(runtime start-up logs)");
  validate_cmd
      ->add_option("file", validation_path,
                   "validation set, e.g. tests/data/speed_validation.json or memory_validation.json")
      ->required();
  for (auto* cmd : {models_cmd, cards_cmd, formats_cmd, runtimes_cmd, validate_cmd})
    cmd->add_flag("--json", json, "JSON output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  if (auto* bench = size_cmd.app->get_option_no_throw("--bench"); bench && bench->count() > 0) {
    size_cmd.bench_path = bench->as<std::string>();
  }
  auto catalog = load_builtin_catalog();
  if (!catalog) return fail("built-in catalog: " + catalog.error().message);
  if (*size_cmd.app) return run_size(catalog.value(), size_cmd);
  if (*compare_cmd.app) return run_compare(catalog.value(), compare_cmd);
  if (*reality_cmd.app) return run_reality(catalog.value(), reality_cmd);
  if (*validate_cmd) return run_validate(catalog.value(), validation_path, json);
  if (*check_bench_cmd) return run_check_bench(catalog.value(), bench_paths);
  if (*results_validate_cmd) {
    return cli::results_validate(catalog.value(), result_paths, results_json, std::cout, std::cerr);
  }
  if (*results_add_cmd) {
    return cli::results_add(catalog.value(), result_paths, results_into, cli::posix_writer(),
                            std::cout, std::cerr);
  }
  if (*models_cmd) std::cout << cli::list_models(catalog.value(), json);
  if (*cards_cmd) std::cout << cli::list_cards(catalog.value(), json);
  if (*formats_cmd) std::cout << cli::list_formats(json);
  if (*runtimes_cmd) std::cout << cli::list_runtimes(json);
  return 0;
}
