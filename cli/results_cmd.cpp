// `headroom results validate|add`: reading and writing the results folder around the core's
// submission check, index and aggregates (headroom/results.h).
#include "results_cmd.h"

#include "printable.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

namespace headroom::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndexName = "index.json";
constexpr const char* kMaintainersName = "maintainers.json";

// At most kMaxSubmissionBytes + 1 bytes: enough for the check to see a file is too large without
// reading a huge one whole.
Result<std::string> read_capped(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return refused(ErrorCode::invalid_argument, "file", "cannot read " + path + ": not a file");
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return refused(ErrorCode::invalid_argument, "file", "cannot read " + path);
  std::string text(kMaxSubmissionBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  return text;
}

bool is_sha_name(const std::string& name) {
  if (name.size() != 64 + 5 || name.substr(64) != ".json") return false;
  return std::all_of(name.begin(), name.begin() + 64,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string temp_name_of(const std::string& path) {
  const fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid())))
      .string();
}

void test_delay() {
  if (const char* ms = std::getenv("HEADROOM_TEST_WRITE_DELAY_MS")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
  }
}

std::optional<std::string> fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return "cannot open " + dir + ": " + std::strerror(errno);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return "cannot sync " + dir + ": " + std::strerror(errno);
  return std::nullopt;
}

// The temporary file, written whole and synced; its name on success.
Result<std::string> write_temp(const std::string& path, const std::string& text) {
  const std::string tmp = temp_name_of(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return refused(ErrorCode::invalid_argument, "file",
                   "cannot write " + tmp + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return refused(ErrorCode::invalid_argument, "file", "cannot write " + tmp + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  test_delay();
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return refused(ErrorCode::invalid_argument, "file", "cannot sync " + tmp + ": " + why);
  }
  return tmp;
}

class PosixWriter : public FileWriter {
 public:
  std::optional<std::string> create(const std::string& path, const std::string& text) override {
    auto tmp = write_temp(path, text);
    if (!tmp) return tmp.error().message;
    // link() fails when the name exists, so a stored result is never replaced.
    const int rc = ::link(tmp->c_str(), path.c_str());
    const std::string why = std::strerror(errno);
    ::unlink(tmp->c_str());
    if (rc != 0) return "cannot create " + path + ": " + why;
    return fsync_dir(fs::path(path).parent_path().string());
  }
  std::optional<std::string> replace(const std::string& path, const std::string& text) override {
    auto tmp = write_temp(path, text);
    if (!tmp) return tmp.error().message;
    if (::rename(tmp->c_str(), path.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      ::unlink(tmp->c_str());
      return "cannot replace " + path + ": " + why;
    }
    return fsync_dir(fs::path(path).parent_path().string());
  }
  void remove(const std::string& path) override {
    ::unlink(path.c_str());
    (void)fsync_dir(fs::path(path).parent_path().string());
  }
};

SubmissionCheck rejected_file(const std::string& message) {
  SubmissionCheck c;
  c.status = SubmissionStatus::rejected;
  c.rejections.push_back(refused(ErrorCode::invalid_argument, "file", message));
  return c;
}


// Checks an index.json against its folder: it parses, names this folder, and lists exactly the
// result files present (an unlisted file is one an interrupted or hand-made add left behind).
SubmissionCheck check_index(const fs::path& file, const fs::path& results_root) {
  auto text = read_capped(file.string());
  if (!text) return rejected_file(text.error().message);
  auto index = parse_results_index(text.value());
  if (!index) return rejected_file(index.error().message);
  SubmissionCheck c;
  std::error_code ec;
  const fs::path dir = fs::absolute(file, ec).parent_path();
  const std::string folder = fs::relative(dir, results_root, ec).generic_string();
  if (!ec && index->folder != folder) {
    c.rejections.push_back(
        refused(ErrorCode::invalid_argument, "folder",
                "index.json names folder " + index->folder + ", but lies in " + folder));
  }
  std::set<std::string> listed;
  for (const auto* list : {&index->current, &index->history}) {
    for (const auto& e : *list) {
      listed.insert(e.file);
      if (!fs::exists(dir / e.file, ec)) {
        c.rejections.push_back(refused(ErrorCode::invalid_argument, "file",
                                       "index.json lists " + e.file + ", which is missing"));
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_sha_name(name) && listed.count(name) == 0) {
      c.rejections.push_back(refused(ErrorCode::invalid_argument, "file",
                                     name + " is not listed in index.json (run headroom results "
                                            "add on it instead of copying it)"));
    }
  }
  c.status = c.rejections.empty() ? SubmissionStatus::ok : SubmissionStatus::rejected;
  return c;
}

// A bench file; when it lies in a results layout (<root>/<vendor>/<card>/<sha>.json) its name
// and folder must be the ones `results add` gives it.
SubmissionCheck check_file(const Catalog& catalog, const fs::path& file,
                           const std::optional<fs::path>& results_root) {
  auto text = read_capped(file.string());
  if (!text) return rejected_file(text.error().message);
  SubmissionCheck c = check_submission(text.value(), catalog);
  const std::string name = file.filename().string();
  if (c.status != SubmissionStatus::rejected && is_sha_name(name)) {
    if (auto err = check_stored_name(name, c)) c.rejections.push_back(*err);
    if (results_root) {
      std::error_code ec;
      const std::string folder =
          fs::relative(file.parent_path(), *results_root, ec).generic_string();
      if (!ec && folder != c.folder) {
        c.rejections.push_back(refused(ErrorCode::invalid_argument, "folder",
                                       "the file belongs in " + c.folder + ", not " + folder));
      }
    }
    if (!c.rejections.empty()) c.status = SubmissionStatus::rejected;
  }
  return c;
}

void print_text(std::ostream& out, const CheckedFile& f) {
  const SubmissionCheck& c = f.check;
  out << printable(f.path) << ": " << to_string(c.status);
  if (!c.folder.empty()) out << " (" << c.folder << ")";
  out << "\n";
  for (const auto& r : c.rejections) out << "  rejected: " << printable(r.message) << "\n";
  for (const auto& r : c.flags) out << "  flagged: " << printable(r.message) << "\n";
}

}  // namespace

Result<std::vector<std::string>> read_maintainers(const fs::path& root) {
  std::error_code ec;
  const fs::path file = root / kMaintainersName;
  if (!fs::exists(file, ec)) return std::vector<std::string>{};
  auto text = read_capped(file.string());
  if (!text) return text.error();
  auto list = parse_maintainers(text.value());
  if (!list)
    return refused(list.error().code, list.error().field,
                   file.string() + ": " + list.error().message);
  return list;
}

FileWriter& posix_writer() {
  static PosixWriter writer;
  return writer;
}

int results_validate(const Catalog& catalog, const std::vector<std::string>& paths, bool json,
                     std::ostream& out, std::ostream& err) {
  std::vector<CheckedFile> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      const fs::path file(path);
      if (file.filename() == kIndexName) {
        // A card folder's index, named on its own: checked as the folder scan checks it, against
        // the results root two folders up (<root>/<vendor>/<card>/index.json).
        const fs::path dir = fs::absolute(file, ec).parent_path();
        files.push_back({path, check_index(file, dir.parent_path().parent_path())});
      } else {
        files.push_back({path, check_file(catalog, path, std::nullopt)});
      }
      continue;
    }
    // A directory is a results root: every file under it is checked, sorted for stable output.
    const fs::path root(path);
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) found.push_back(it->path());
    }
    if (ec) {
      files.push_back({path, rejected_file("cannot list " + path + ": " + ec.message())});
      continue;
    }
    std::sort(found.begin(), found.end());
    for (const auto& file : found) {
      const std::string name = file.filename().string();
      const std::string shown = file.string();
      if (name == kIndexName) {
        files.push_back({shown, check_index(file, root)});
      } else if (name == kMaintainersName && file.parent_path() == root) {
        auto list = read_maintainers(root);
        files.push_back({shown, list ? SubmissionCheck{} : rejected_file(list.error().message)});
      } else if (name.front() == '.') {
        files.push_back({shown, rejected_file(name + " is a temporary file an interrupted write "
                                                     "left behind: delete it")});
      } else if (file.extension() != ".json") {
        files.push_back({shown, rejected_file(name + " is not a result file (.json)")});
      } else {
        files.push_back({shown, check_file(catalog, file, root)});
      }
    }
  }
  std::size_t rejected = 0;
  for (const auto& f : files) rejected += f.check.status == SubmissionStatus::rejected;
  if (json) {
    out << results_check_json_text(files);
  } else {
    for (const auto& f : files) print_text(out, f);
  }
  if (rejected > 0) {
    // One line naming the first problem, as every other bad input does.
    for (const auto& f : files) {
      if (f.check.status == SubmissionStatus::rejected) {
        err << "headroom: " << printable(f.path)
            << ": rejected: " << printable(f.check.rejections.front().message);
        if (rejected > 1) err << " (and " << rejected - 1 << " more rejected file(s))";
        err << "\n";
        break;
      }
    }
    return 2;
  }
  return 0;
}

namespace {

// The aggregates of a folder's current files (after an add), read back from disk.
std::vector<CardAggregate> folder_aggregates(const Catalog& catalog, const fs::path& dir,
                                             const ResultsIndex& index,
                                             const std::vector<std::string>& reproduced,
                                             const SubmissionCheck& added) {
  std::vector<SubmissionCheck> checks;
  checks.reserve(index.current.size());
  for (const auto& e : index.current) {
    if (e.sha256 == added.sha256) {
      checks.push_back(added);
      continue;
    }
    auto text = read_capped((dir / e.file).string());
    if (text) checks.push_back(check_submission(text.value(), catalog));
  }
  std::vector<AggregateInput> inputs;
  for (const auto& c : checks) inputs.push_back({&c, trust_tier(c, reproduced)});
  return aggregate(inputs, /*per_driver=*/true);
}

// Temporary files a killed add left in `dir` (never content: every stored file is linked only
// once complete).
void remove_stale_temps(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 1 && name.front() == '.' && name.find(".tmp-") != std::string::npos) {
      stale.push_back(entry.path());
    }
  }
  for (const auto& p : stale) fs::remove(p, ec);
}

}  // namespace

int results_add(const Catalog& catalog, const std::vector<std::string>& paths,
                const std::string& into, FileWriter& writer, std::ostream& out, std::ostream& err) {
  const auto fail = [&](const std::string& message) {
    err << "headroom: " << printable(message) << "\n";
    return 2;
  };
  const fs::path root(into);
  auto reproduced = read_maintainers(root);
  if (!reproduced) return fail(reproduced.error().message);
  // Every file is checked before any is stored: one refused file adds none of them, whatever
  // their order.
  std::vector<SubmissionCheck> checks;
  checks.reserve(paths.size());
  for (const auto& path : paths) {
    auto text = read_capped(path);
    if (!text) return fail(text.error().message);
    checks.push_back(check_submission(text.value(), catalog));
    if (checks.back().status == SubmissionStatus::rejected) {
      return fail(path + ": rejected: " + checks.back().rejections.front().message +
                  (paths.size() > 1 ? " (no file added)" : ""));
    }
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    const SubmissionCheck& check = checks[i];
    const fs::path dir = root / check.folder;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail("cannot create " + dir.string() + ": " + ec.message());
    remove_stale_temps(dir);
    const fs::path index_path = dir / kIndexName;
    ResultsIndex index;
    if (fs::exists(index_path, ec)) {
      auto index_text = read_capped(index_path.string());
      if (!index_text) return fail(index_text.error().message);
      auto parsed = parse_results_index(index_text.value());
      if (!parsed) return fail(index_path.string() + ": " + parsed.error().message);
      index = std::move(parsed).value();
    }
    const fs::path target = dir / (check.sha256 + ".json");
    if (fs::exists(target, ec)) {
      return fail(path + ": the same result is already stored as " + target.string());
    }
    auto next = add_to_index(std::move(index), check, reproduced.value());
    if (!next) return fail(path + ": " + next.error().message);
    next->aggregates = folder_aggregates(catalog, dir, next.value(), reproduced.value(), check);
    // The stored text is the canonical document, pretty-printed: its sha256 is the file's name.
    const std::string stored = stored_result_text(check);
    if (auto e = writer.create(target.string(), stored)) return fail(*e);
    if (auto e = writer.replace(index_path.string(), results_index_json_text(next.value()))) {
      writer.remove(target.string());  // the index still lists what it did: undo the file too
      return fail(*e);
    }
    out << path << ": added as " << target.string() << " (" << to_string(check.status) << ", "
        << to_string(trust_tier(check, reproduced.value())) << ")\n";
    for (const auto& r : check.flags) out << "  flagged: " << r.message << "\n";
  }
  return 0;
}

Result<std::optional<MeasuredCard>> measured_card(const Catalog& catalog, const Card& card,
                                                  const std::string& results_dir,
                                                  bool built_in_dir, const CheckedFiles* checked) {
  std::error_code ec;
  if (!fs::is_directory(results_dir, ec)) {
    if (built_in_dir) return std::optional<MeasuredCard>{};
    return invalid("results", "'" + results_dir + "' is not a folder");
  }
  const fs::path dir = fs::path(results_dir) / card.vendor / card.id;
  if (!fs::is_directory(dir, ec)) return std::optional<MeasuredCard>{};
  auto reproduced = read_maintainers(results_dir);
  if (!reproduced) return reproduced.error();
  // The index's current files (history is superseded); every sha-named file when there is none.
  std::vector<std::string> names;
  const fs::path index_path = dir / kIndexName;
  if (fs::exists(index_path, ec)) {
    auto text = read_capped(index_path.string());
    if (!text) return text.error();
    auto index = parse_results_index(text.value());
    if (!index) {
      return refused(index.error().code, "results",
                     index_path.string() + ": " + index.error().message);
    }
    for (const auto& e : index->current) names.push_back(e.file);
  } else {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (is_sha_name(entry.path().filename().string())) {
        names.push_back(entry.path().filename().string());
      }
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<SubmissionCheck> fresh;  // the files not in `checked`; reserved: pointers stay valid
  fresh.reserve(names.size());
  std::vector<const SubmissionCheck*> checks;
  for (const auto& name : names) {
    const fs::path path = (dir / name).lexically_normal();
    if (checked != nullptr) {
      if (const auto it = checked->find(path.string()); it != checked->end()) {
        checks.push_back(&it->second);
        continue;
      }
    }
    auto text = read_capped(path.string());
    if (!text) return text.error();
    fresh.push_back(check_submission(text.value(), catalog));
    checks.push_back(&fresh.back());
  }
  std::vector<AggregateInput> inputs;
  for (const SubmissionCheck* c : checks) {
    if (c->card_id == card.id) inputs.push_back({c, trust_tier(*c, reproduced.value())});
  }
  const auto agg = sizing_aggregate(inputs);
  if (!agg) return std::optional<MeasuredCard>{};
  MeasuredCard m;
  m.bench = bench_from_aggregate(*agg, card);
  char read[64];
  std::snprintf(read, sizeof read, "%.1f GB/s", agg->read_bytes_per_s.median / 1e9);
  m.origin =
      std::string("speed calibrated by measured results, not the spec: median read ") + read +
      " of " + std::to_string(agg->files) + " headroom-bench file(s) in " + dir.string() + " (" +
      std::to_string(agg->reproduced) + " maintainer-reproduced, " +
      std::to_string(agg->community) + " community" +
      (agg->outliers.empty()
           ? ""
           : ", " + std::to_string(agg->outliers.size()) + " outlier(s) left out") +
      (built_in_dir ? "; the repository's results/ folder, built in: --results DIR for another)"
                    : ")");
  return std::optional<MeasuredCard>{std::move(m)};
}

}  // namespace headroom::cli
