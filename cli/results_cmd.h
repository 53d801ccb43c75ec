// `headroom results validate|add` and the results folder `headroom size` reads: the file side of
// the core's submission check (headroom/results.h). Built as a library so the tests can run an
// add through a writer that fails on purpose.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/results.h"
#include "headroom/sizing.h"

namespace headroom::cli {

// Writes files so that a failure, a full disk or a kill leaves the target as it was: the text
// goes to a temporary file in the same folder, is fsynced, and only then takes its name.
class FileWriter {
 public:
  virtual ~FileWriter() = default;
  // Creates `path`; an error when it exists (a stored result is never overwritten).
  virtual std::optional<std::string> create(const std::string& path, const std::string& text) = 0;
  // Replaces `path` (the index, whose new version lists everything the old one did) atomically.
  virtual std::optional<std::string> replace(const std::string& path, const std::string& text) = 0;
  // Removes a file this writer created (rolling back a half-done add).
  virtual void remove(const std::string& path) = 0;
};

// The real one: O_EXCL temporary, write, fsync, link (create) or rename (replace), fsync the
// folder. HEADROOM_TEST_WRITE_DELAY_MS (tests only) sleeps before each fsync, so a test can kill
// the process mid-write.
FileWriter& posix_writer();

// Exit status: 0 every file ok or flagged, 2 any file rejected or unreadable. Directories are
// walked recursively: bench files, index.json (must list exactly the folder's files) and
// maintainers.json are each checked; anything else is rejected.
int results_validate(const Catalog& catalog, const std::vector<std::string>& paths, bool json,
                     std::ostream& out, std::ostream& err);

// Stores each file as <into>/<vendor>/<card>/<sha256>.json and updates that folder's index.json.
// Exit 0 when every file was added, 2 at the first refusal (earlier files stay added; the one
// refused leaves the folder as it was).
int results_add(const Catalog& catalog, const std::vector<std::string>& paths,
                const std::string& into, FileWriter& writer, std::ostream& out, std::ostream& err);

// The sha256s results/maintainers.json lists under `root` (none when the file is absent).
Result<std::vector<std::string>> read_maintainers(const std::filesystem::path& root);

// The measured figures `headroom size --card X` uses instead of the spec: the aggregate of the
// card's current trusted files under `results_dir`, as a bench report with its origin line set.
// nullopt when the folder or the files are not there; an error when a file there cannot be read.
struct MeasuredCard {
  BenchReport bench;
  std::string origin;  // the assumption line
};
// `checked`, when given, holds files already checked, by lexically normal path: the site
// generator checks every file once and reads none of them twice.
using CheckedFiles = std::map<std::string, SubmissionCheck>;
Result<std::optional<MeasuredCard>> measured_card(const Catalog& catalog, const Card& card,
                                                  const std::string& results_dir,
                                                  bool built_in_dir,
                                                  const CheckedFiles* checked = nullptr);

}  // namespace headroom::cli
