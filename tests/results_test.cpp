// The submission pipeline: sha256 (FIPS 180-2 vectors), driver decoding, every check of the
// submission corpus (tests/data/submissions/expected.json), the index and its dedup key,
// aggregates and outliers, `results add` under a failing writer, and size's measured card.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "headroom/documents.h"
#include "headroom/results.h"
#include "results_cmd.h"

using namespace headroom;
namespace fs = std::filesystem;

namespace {

const std::string kCorpus = std::string(HEADROOM_TEST_DATA_DIR) + "/submissions";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const Catalog& catalog() {
  static const Catalog c = load_builtin_catalog().value();
  return c;
}

bool mentions(const SubmissionCheck& c, const std::string& text) {
  for (const auto* list : {&c.rejections, &c.flags}) {
    for (const auto& e : *list) {
      if (e.message.find(text) != std::string::npos) return true;
    }
  }
  return false;
}

SubmissionCheck good_t4() {
  return check_submission(read_file(kCorpus + "/good/t4-crafted.json"), catalog());
}

// The good T4 file with every sample scaled by `factor` (read bandwidth / factor) and a
// different driver, so it is a distinct, consistent submission.
SubmissionCheck t4_variant(double factor, std::uint32_t driver_patch) {
  auto doc = nlohmann::json::parse(read_file(kCorpus + "/good/t4-crafted.json"));
  for (auto& row : doc["results"]) {
    if (!row["skipped"].get<std::string>().empty()) continue;
    std::vector<double> s = row["samples_seconds"].get<std::vector<double>>();
    for (double& x : s) x *= factor;
    row["samples_seconds"] = s;
    row["median_seconds"] = row["median_seconds"].get<double>() * factor;
    row["best_seconds"] = row["best_seconds"].get<double>() * factor;
    // Recomputed as the check does, so the file stays consistent.
    std::vector<double> v = s;
    std::sort(v.begin(), v.end());
    const double median = v[v.size() / 2];
    row["median_seconds"] = median;
    row["best_seconds"] = v.front();
    row["spread"] = (v[4] - v[0]) / median;
    row["gb_per_s"] = row["bytes_moved"].get<double>() / median / 1e9;
  }
  double best = 0;
  for (const auto& row : doc["results"]) {
    if (row["kernel"] == "read" && row["verified"] == true) {
      best = std::max(best, row["gb_per_s"].get<double>());
    }
  }
  doc["measured_read_bytes_per_s"] = best * 1e9;
  // Slower samples, slower projections (tokens/s follow the GEMV bandwidth).
  for (auto& p : doc["projections"]) p["tokens_per_s"] = p["tokens_per_s"].get<double>() / factor;
  doc["device"]["driver_version"] = (535u << 22) | (104u << 14) | (driver_patch << 6);
  return check_submission(doc.dump(), catalog());
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  }
  return out;
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("headroom-results-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Passes writes to the real writer until the `fail_at`-th, which fails like a full disk.
class FailingWriter : public cli::FileWriter {
 public:
  explicit FailingWriter(int fail_at) : fail_at_(fail_at) {}
  std::optional<std::string> create(const std::string& path, const std::string& text) override {
    if (++calls_ == fail_at_) return "cannot write " + path + ": No space left on device";
    return cli::posix_writer().create(path, text);
  }
  std::optional<std::string> replace(const std::string& path, const std::string& text) override {
    if (++calls_ == fail_at_) return "cannot write " + path + ": No space left on device";
    return cli::posix_writer().replace(path, text);
  }
  void remove(const std::string& path) override { cli::posix_writer().remove(path); }

 private:
  int fail_at_;
  int calls_ = 0;
};

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-2 test vectors") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary (55, 56, 64 bytes) take one or two final blocks.
  CHECK(sha256_hex(std::string(55, 'a')).size() == 64);
  CHECK(sha256_hex(std::string(56, 'a')) != sha256_hex(std::string(55, 'a')));
}

TEST_CASE("driverVersion is decoded per vendor as vulkan.gpuinfo.org does") {
  const std::uint32_t nvidia = (535u << 22) | (104u << 14) | (5u << 6) | 0u;
  CHECK(decode_driver_version(0x10de, 4, nvidia) == "535.104.5.0");
  CHECK(decode_driver_version(0x8086, 5, (101u << 14) | 4255u) == "101.4255");  // Windows
  const std::uint32_t mesa = (22u << 22) | (3u << 12) | 6u;                     // VK_MAKE_VERSION
  CHECK(decode_driver_version(0x8086, 6, mesa) == "22.3.6");  // Intel on Mesa: the standard
  CHECK(decode_driver_version(0x1002, 3, mesa) == "22.3.6");
  CHECK(decode_driver_version(0x10005, 13, mesa) == "22.3.6");
}

TEST_CASE("device names become folder names") {
  CHECK(sanitize_folder_name("llvmpipe (LLVM 15.0.6, 256 bits)") ==
        "llvmpipe-llvm-15-0-6-256-bits");
  CHECK(sanitize_folder_name("../../etc") == "etc");
  CHECK(sanitize_folder_name("") == "device");
  CHECK(sanitize_folder_name(std::string(200, 'x')).size() == 64);
}

TEST_CASE("every file of the submission corpus gets its expected status and reason") {
  const auto expected = nlohmann::json::parse(read_file(kCorpus + "/expected.json"));
  std::size_t files = 0;
  for (const auto& [name, want] : expected["files"].items()) {
    INFO(name);
    const SubmissionCheck c = check_submission(read_file(kCorpus + "/" + name), catalog());
    CHECK(to_string(c.status) == want["status"].get<std::string>());
    const std::string reason = want["reason"].get<std::string>();
    if (!reason.empty()) CHECK(mentions(c, reason));
    if (want["status"] == "ok") CHECK(c.rejections.empty());
    ++files;
  }
  CHECK(files >= 30);
}

TEST_CASE("the good files: ok on a catalog card, flagged on an unknown CPU device") {
  const SubmissionCheck t4 = good_t4();
  CHECK(t4.status == SubmissionStatus::ok);
  CHECK(t4.folder == "nvidia/t4");
  CHECK(t4.driver_version == "535.104.5.0");
  CHECK(t4.sha256.size() == 64);
  const SubmissionCheck lava =
      check_submission(read_file(kCorpus + "/good/lavapipe-old-no-driver-version.json"), catalog());
  CHECK(lava.status == SubmissionStatus::flagged);
  CHECK(lava.folder == "unknown/cpu-llvmpipe-llvm-15-0-6-256-bits");
  CHECK(lava.report->device.driver_version == std::nullopt);  // old files stay readable
  CHECK(mentions(lava, "driver_version is missing"));
}

TEST_CASE("the three front ends share one check: check_bench_submission follows it") {
  CHECK(check_bench_submission(read_file(kCorpus + "/good/t4-crafted.json")));
  CHECK(check_bench_submission(read_file(kCorpus + "/good/lavapipe-old-no-driver-version.json")));
  const auto bad = check_bench_submission(read_file(kCorpus + "/bad/inflated_bandwidth.json"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("cache-resident") != std::string::npos);
}

TEST_CASE("driver_version round-trips through the bench writer and reader") {
  auto report = parse_bench_report(read_file(kCorpus + "/good/t4-crafted.json"));
  REQUIRE(report);
  REQUIRE(report->device.driver_version);
  auto again = parse_bench_report(bench_json_text(report.value()));
  REQUIRE(again);
  CHECK(again->device.driver_version == report->device.driver_version);
  report->device.driver_version.reset();
  CHECK(bench_json_text(report.value()).find("driver_version") == std::string::npos);
}

TEST_CASE("the stored text keeps the canonical form, so its name stays its sha256") {
  const SubmissionCheck t4 = good_t4();
  const std::string stored = stored_result_text(t4);
  const SubmissionCheck again = check_submission(stored, catalog());
  CHECK(again.sha256 == t4.sha256);
  CHECK_FALSE(check_stored_name(t4.sha256 + ".json", t4));
  CHECK(check_stored_name("renamed.json", t4));
  // Whitespace and key order do not change the identity.
  auto doc = nlohmann::json::parse(stored);
  CHECK(check_submission(doc.dump(4), catalog()).sha256 == t4.sha256);
}

TEST_CASE("the index refuses the same content and keeps the newest of one machine") {
  const SubmissionCheck a = good_t4();
  auto index = add_to_index(ResultsIndex{}, a, {});
  REQUIRE(index);
  CHECK(index->folder == "nvidia/t4");
  CHECK(index->current.size() == 1);
  CHECK(index->current[0].tier == "community");
  CHECK_FALSE(add_to_index(index.value(), a, {}));  // the same content twice
  // Same machine and settings (the driver is part of the key), different content: supersedes.
  const SubmissionCheck b = t4_variant(1.01, 5);
  REQUIRE(b.status == SubmissionStatus::ok);
  auto second = add_to_index(index.value(), b, {});
  REQUIRE(second);
  CHECK(second->current.size() == 1);
  CHECK(second->current[0].sha256 == b.sha256);
  REQUIRE(second->history.size() == 1);
  CHECK(second->history[0].sha256 == a.sha256);
  // Another driver is another machine key: both current.
  const SubmissionCheck c = t4_variant(1.02, 7);
  auto third = add_to_index(second.value(), c, {c.sha256});
  REQUIRE(third);
  CHECK(third->current.size() == 2);
  CHECK(third->current.back().tier == "maintainer-reproduced");
  // A rejected file never enters.
  const SubmissionCheck bad =
      check_submission(read_file(kCorpus + "/bad/inflated_bandwidth.json"), catalog());
  CHECK_FALSE(add_to_index(third.value(), bad, {}));
  // The document round-trips.
  auto parsed = parse_results_index(results_index_json_text(third.value()));
  REQUIRE(parsed);
  CHECK(parsed->current.size() == 2);
  CHECK(parsed->history.size() == 1);
  CHECK(parsed->current[0].machine_key == third->current[0].machine_key);
}

TEST_CASE("trust tiers: reproduced by sha256, community when ok, unverified when flagged") {
  const SubmissionCheck t4 = good_t4();
  CHECK(trust_tier(t4, {}) == TrustTier::community);
  CHECK(trust_tier(t4, {t4.sha256}) == TrustTier::maintainer_reproduced);
  const SubmissionCheck noisy =
      check_submission(read_file(kCorpus + "/bad/noisy_flagged.json"), catalog());
  CHECK(trust_tier(noisy, {}) == TrustTier::unverified);
  CHECK(parse_maintainers(R"({"schema": "headroom.maintainers.v1", "reproduced": []})"));
  CHECK_FALSE(parse_maintainers(R"({"schema": "x", "reproduced": []})"));
  CHECK_FALSE(parse_maintainers(R"({"schema": "headroom.maintainers.v1", "reproduced": [1]})"));
}

TEST_CASE("aggregates: median, MAD and count per driver; a robust outlier is named") {
  std::vector<SubmissionCheck> checks;
  for (const double f : {1.00, 1.01, 0.99, 1.02, 0.98, 2.5}) {
    checks.push_back(t4_variant(f, static_cast<std::uint32_t>(checks.size() < 3 ? 1 : 2)));
  }
  std::vector<AggregateInput> inputs;
  for (const auto& c : checks) inputs.push_back({&c, TrustTier::community});
  const auto all = aggregate(inputs, /*per_driver=*/false);
  REQUIRE(all.size() == 1);
  CHECK(all[0].files == 6);
  REQUIRE(all[0].outliers.size() == 1);
  CHECK(all[0].outliers[0] == checks.back().sha256);  // 2.5x slower: |z| far above 3.5
  CHECK(all[0].read_bytes_per_s.mad > 0);
  CHECK_FALSE(all[0].formats.empty());
  const auto by_driver = aggregate(inputs, /*per_driver=*/true);
  CHECK(by_driver.size() == 2);
  // What size uses: trusted files, the outlier left out.
  const auto sizing = sizing_aggregate(inputs);
  REQUIRE(sizing);
  CHECK(sizing->files == 5);
  CHECK(sizing->read_bytes_per_s.median == Approx(280e9).epsilon(0.03));
  // Unverified files do not calibrate anything.
  for (auto& in : inputs) in.tier = TrustTier::unverified;
  CHECK_FALSE(sizing_aggregate(inputs));
}

TEST_CASE("the aggregate calibrates size like a --bench file, with an assumption line") {
  const SubmissionCheck t4 = good_t4();
  const auto agg = sizing_aggregate({{&t4, TrustTier::community}});
  REQUIRE(agg);
  const Card& card = *catalog().find_card("t4").value();
  const BenchReport bench = bench_from_aggregate(*agg, card);
  CHECK(measured_read_bytes_per_s(bench).value() == Approx(agg->read_bytes_per_s.median));
  RequestText text;
  text.set("model", "llama-3.1-8b-instruct");
  text.set("card", "t4");
  text.set("runtime", "llama.cpp");
  text.set("quant", "q4_k_m");
  auto built = build_request(text, catalog(), RequestKind::size);
  REQUIRE(built);
  const auto spec = size(built->request);
  built->request.bench = bench;
  built->request.bench_origin = "measured: test";
  const auto measured = size(built->request);
  REQUIRE(spec);
  REQUIRE(measured);
  CHECK(measured->assumptions.back() == "measured: test");
  REQUIRE(measured->speed);
  REQUIRE(spec->speed);
  CHECK(measured->speed->decode_tokens_per_s_per_user != spec->speed->decode_tokens_per_s_per_user);
}

TEST_CASE("measured.json carries each card's aggregate to the page's core unchanged") {
  const SubmissionCheck t4 = good_t4();
  const auto agg = sizing_aggregate({{&t4, TrustTier::community}});
  REQUIRE(agg);
  MeasuredCards measured;
  measured.emplace("t4", bench_from_aggregate(*agg, *catalog().find_card("t4").value()));
  const std::string text = measured_cards_json_text(measured);
  auto back = parse_measured_cards(text, catalog());
  REQUIRE(back);
  REQUIRE(back->size() == 1);
  CHECK(bench_json_text(back->at("t4")) == bench_json_text(measured.at("t4")));
  // The same request through the wasm entry point: calibrated with it, spec without it.
  const std::string request =
      R"({"model":"llama-3.1-8b-instruct","quant":"q4_k_m","runtime":"llama.cpp","card":"t4"})";
  const auto with = nlohmann::json::parse(size_response_json(request, catalog(), nullptr, &*back));
  const auto without = nlohmann::json::parse(size_response_json(request, catalog()));
  REQUIRE(with["ok"] == true);
  CHECK(with["report"]["speed"] != without["report"]["speed"]);
  const auto rows = nlohmann::json::parse(
      compare_response_json(R"({"model":"llama-3.1-8b-instruct","quant":"q4_k_m","runtime":"llama.cpp"})",
                            catalog(), nullptr, &*back));
  int measured_rows = 0;
  for (const auto& row : rows["compare"]["cards"]) {
    if (row["speed_from"] == "measured") {
      ++measured_rows;
      CHECK(row["card"] == "t4");
    }
  }
  CHECK(measured_rows == 1);

  // Refused, naming the problem: another schema, a card the catalog lacks, a report for another
  // card, a broken report.
  auto doc = nlohmann::json::parse(text);
  auto other = doc;
  other["schema"] = "headroom.measured.v0";
  CHECK(parse_measured_cards(other.dump(), catalog()).error().field == "schema");
  auto unknown = doc;
  unknown["cards"]["no-such-card"] = unknown["cards"]["t4"];
  CHECK(parse_measured_cards(unknown.dump(), catalog()).error().message.find("no-such-card") !=
        std::string::npos);
  auto moved = doc;
  moved["cards"]["rtx-4090"] = moved["cards"]["t4"];
  CHECK(parse_measured_cards(moved.dump(), catalog()).error().message ==
        "cards.rtx-4090 holds a result for card 't4'");
  auto broken = doc;
  broken["cards"]["t4"]["results"][0]["gb_per_s"] = -1;
  const auto e = parse_measured_cards(broken.dump(), catalog()).error();
  CHECK(e.field == "cards.t4.results[0].gb_per_s");
  CHECK(parse_measured_cards("{\"schema\":", catalog()).error().field == "measured");
}

TEST_CASE("results add stores by sha256 and a failing write leaves the folder as it was") {
  const fs::path dir = temp_dir("add");
  const std::string file = kCorpus + "/good/t4-crafted.json";
  std::ostringstream out, err;
  REQUIRE(cli::results_add(catalog(), {file}, dir.string(), cli::posix_writer(), out, err) == 0);
  const SubmissionCheck t4 = good_t4();
  CHECK(fs::exists(dir / "nvidia/t4" / (t4.sha256 + ".json")));
  CHECK(fs::exists(dir / "nvidia/t4/index.json"));
  // The same content again is refused, and nothing changes.
  const auto before = snapshot(dir);
  CHECK(cli::results_add(catalog(), {file}, dir.string(), cli::posix_writer(), out, err) == 2);
  CHECK(err.str().find("already stored") != std::string::npos);
  CHECK(snapshot(dir) == before);
  // A second file whose first (result) or second (index) write fails: the folder is as it was.
  const fs::path other = dir / "other.json";
  {
    const SubmissionCheck v = t4_variant(1.01, 9);
    std::ofstream(other) << stored_result_text(v);
  }
  const auto before_other = snapshot(dir);
  for (const int fail_at : {1, 2}) {
    INFO("failing write " << fail_at);
    FailingWriter failing(fail_at);
    std::ostringstream o, e;
    CHECK(cli::results_add(catalog(), {other.string()}, dir.string(), failing, o, e) == 2);
    CHECK(e.str().find("No space left") != std::string::npos);
    CHECK(snapshot(dir) == before_other);
  }
  // And with a writer that works, it goes in; the validator accepts the whole folder.
  CHECK(cli::results_add(catalog(), {other.string()}, dir.string(), cli::posix_writer(), out,
                         err) == 0);
  fs::remove(other);
  std::ostringstream vo, ve;
  CHECK(cli::results_validate(catalog(), {dir.string()}, false, vo, ve) == 0);
  // A file copied in by hand, not through add, is caught by the folder's index.
  fs::copy_file(kCorpus + "/good/t4-crafted.json",
                dir / "nvidia/t4" / (std::string(64, 'a') + ".json"));
  std::ostringstream vo2, ve2;
  CHECK(cli::results_validate(catalog(), {dir.string()}, false, vo2, ve2) == 2);
  fs::remove_all(dir);
}

TEST_CASE("size reads the card's aggregate from a results folder") {
  const fs::path dir = temp_dir("size");
  std::ostringstream out, err;
  REQUIRE(cli::results_add(catalog(), {kCorpus + "/good/t4-crafted.json"}, dir.string(),
                           cli::posix_writer(), out, err) == 0);
  const Card& t4 = *catalog().find_card("t4").value();
  auto measured = cli::measured_card(catalog(), t4, dir.string(), false);
  REQUIRE(measured);
  REQUIRE(measured.value());
  CHECK(measured.value()->origin.find("1 headroom-bench file(s)") != std::string::npos);
  const Card& h100 = *catalog().find_card("h100-sxm-80gb").value();
  auto none = cli::measured_card(catalog(), h100, dir.string(), false);
  REQUIRE(none);
  CHECK_FALSE(none.value());
  // An explicit folder that does not exist is an error; the built-in one is only skipped.
  CHECK_FALSE(cli::measured_card(catalog(), t4, (dir / "nope").string(), false));
  CHECK(cli::measured_card(catalog(), t4, (dir / "nope").string(), true));
  fs::remove_all(dir);
}

TEST_CASE("a submission holds the schema's fields only, in the values the bench writes",
          "[results]") {
  // Each mutation of the good T4 file is refused naming the field: keys the schema lacks at any
  // depth (they are neither checked nor published), text the site would print raw, names the
  // bench never writes, and derived figures its own data do not give.
  using Mutation = void (*)(nlohmann::json&);
  const std::pair<const char*, Mutation> cases[] = {
      {"device.home", [](nlohmann::json& d) { d["device"]["home"] = "somewhere"; }},
      {"results[0].user", [](nlohmann::json& d) { d["results"][0]["user"] = "alice"; }},
      {"settings.cwd", [](nlohmann::json& d) { d["settings"]["cwd"] = "x"; }},
      {"device.name", [](nlohmann::json& d) { d["device"]["name"] = std::string("T4\x1b[31m"); }},
      {"device.name", [](nlohmann::json& d) { d["device"]["name"] = std::string(2000, 'x'); }},
      {"card.source", [](nlohmann::json& d) { d["card"]["source"] = "~/notes.txt"; }},
      {"results[0].kernel", [](nlohmann::json& d) { d["results"][0]["kernel"] = "teleport"; }},
      {"settings.timer", [](nlohmann::json& d) { d["settings"]["timer"] = "sundial"; }},
      {"device.timestamp_period_ns",
       [](nlohmann::json& d) { d["device"]["timestamp_period_ns"] = 0; }},
      {"results[0].pct_of_read_bandwidth",
       [](nlohmann::json& d) { d["results"][0]["pct_of_read_bandwidth"] = 900.0; }},
      {"projections[0].tokens_per_s",
       [](nlohmann::json& d) { d["projections"][0]["tokens_per_s"] = 1e6; }},
  };
  for (const auto& [field, mutate] : cases) {
    INFO(field);
    auto doc = nlohmann::json::parse(read_file(kCorpus + "/good/t4-crafted.json"));
    REQUIRE(doc["results"][0]["pct_of_read_bandwidth"].is_number());
    REQUIRE_FALSE(doc["projections"].empty());
    mutate(doc);
    const SubmissionCheck check = check_submission(doc.dump(2), catalog());
    REQUIRE(check.status == SubmissionStatus::rejected);
    bool named = false;
    for (const auto& e : check.rejections) named |= e.field == field;
    CHECK(named);
  }
  // A format that is no dtype, on a GEMV row.
  auto doc = nlohmann::json::parse(read_file(kCorpus + "/good/t4-crafted.json"));
  for (auto& row : doc["results"]) {
    if (row["kernel"] == "gemv") {
      row["format"] = "q9_z";
      break;
    }
  }
  CHECK(check_submission(doc.dump(2), catalog()).status == SubmissionStatus::rejected);
}
