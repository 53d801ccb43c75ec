// headroom-bench: device listing and choice, the run plan, the headroom.bench.v1 report (atomic
// --json write) and the exit codes: 0 ok, 1 a kernel failed verification, 2 any error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "bench_plan.h"
#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/quant_reference.h"
#include "headroom/results.h"
#include "options.h"
#include "report_text.h"
#include "spirv_table.h"

namespace headroom::bench {

void progress(const std::string& line) { std::cerr << "headroom-bench: " << line << std::endl; }

namespace {

// Models whose batch-1 decode speed the report projects (ids in the built-in models catalog).
constexpr const char* kProjectedModels[] = {"llama-3.1-8b-instruct", "qwen2.5-32b-instruct",
                                            "llama-3.1-70b-instruct"};

std::string spirv_digest() {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const auto& m : spirv_modules()) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(m.code);
    for (std::size_t i = 0; i < m.size_bytes; ++i) {
      h ^= bytes[i];
      h *= 1099511628211ull;
    }
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// The compiler that built the bench, for the report's build block.
std::string compiler_text() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp);
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

// The same check as `headroom results validate` (the core's submission check): exit 0 when the
// file is ok or flagged, 2 when rejected (its first reason as the one-line error).
int check_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  const auto catalog = load_builtin_catalog();
  if (!catalog) throw std::runtime_error("built-in catalog: " + catalog.error().message);
  const SubmissionCheck check = check_submission(ss.str(), catalog.value());
  if (check.status == SubmissionStatus::rejected) {
    throw std::runtime_error(path + ": rejected: " + check.rejections.front().message);
  }
  std::cout << path << ": " << to_string(check.status) << ", valid " << kBenchSchema << " with "
            << check.report->results.size() << " results\n";
  for (const auto& reason : check.flags) std::cout << "  flagged: " << reason.message << "\n";
  return 0;
}

// After --submit-ready: what the check says and how the file reaches results/.
void print_submit_steps(const std::string& path, const std::string& text) {
  const auto catalog = load_builtin_catalog();
  if (!catalog) throw std::runtime_error("built-in catalog: " + catalog.error().message);
  const SubmissionCheck check = check_submission(text, catalog.value());
  std::cout << "\nsubmission check: " << to_string(check.status) << "\n";
  for (const auto& r : check.rejections) std::cout << "  rejected: " << r.message << "\n";
  for (const auto& r : check.flags) std::cout << "  flagged: " << r.message << "\n";
  std::cout
      << "To submit (CONTRIBUTING.md):\n"
      << "  1. headroom results validate " << path << "\n"
      << "  2. headroom results add " << path << " --into results/\n"
      << "     (stores it as results/" << check.folder << "/" << check.sha256 << ".json)\n"
      << "  3. git checkout -b result-"
      << sanitize_folder_name(check.report ? check.report->device.name : "device")
      << " && git add results/ && git commit -m 'result: "
      << (check.report ? check.report->device.name : "") << "'\n"
      << "  4. push the branch and open a pull request; CI validates every file under results/\n";
}

BenchDevice device_block(const DeviceInfo& d) {
  BenchDevice b;
  b.name = d.props.deviceName;
  b.vendor_id = d.props.vendorID;
  b.device_id = d.props.deviceID;
  b.device_type = d.type_name();
  b.driver_version = d.props.driverVersion;
  if (d.has_driver_props) {
    b.driver_id = static_cast<std::uint32_t>(d.driver.driverID);
    b.driver_name = d.driver.driverName;
    b.driver_info = d.driver.driverInfo;
    b.conformance_version = conformance_text(d.driver.conformanceVersion);
  }
  b.api_version = version_text(d.props.apiVersion);
  b.subgroup_size = d.subgroup.subgroupSize;
  b.timestamp_period_ns = d.props.limits.timestampPeriod;
  b.timestamp_valid_bits = d.timestamp_valid_bits;
  b.max_storage_buffer_range_bytes = d.props.limits.maxStorageBufferRange;
  b.device_local_heap_bytes = d.device_local_bytes;
  b.device_local_budget_bytes = d.device_local_budget_bytes;
  b.features = d.feature_names();
  return b;
}

int run(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  if (o.help) {
    std::cout << usage_text();
    return 0;
  }
  if (!o.check_json.empty()) return check_json(o.check_json);
  Context ctx;
  if (ctx.devices().empty()) throw VulkanError("no Vulkan device found");
  if (o.list_devices) {
    for (const auto& d : ctx.devices()) std::cout << describe_device(d);
    return 0;
  }
  std::string note;
  const DeviceInfo& dev = ctx.choose(o.device, note);
  if (!note.empty()) std::cerr << "headroom-bench: " << note << "\n";
  ctx.open(dev);
  if (o.inject_validation_error) ctx.inject_invalid_call();
  progress(std::string("device: ") + dev.props.deviceName +
           (ctx.fast_enabled() ? " (fast kernels enabled)" : ""));

  Plan plan;
  plan.quick = o.quick;
  plan.verify_only = o.verify_only;
  plan.samples = o.samples.value_or(o.quick ? 5 : 20);
  plan.warmups = o.quick ? 1 : 3;
  plan.target_batch_seconds = o.quick ? 0.005 : 0.02;
  plan.max_rotation = o.quick ? 2 : 16;
  const auto type = dev.props.deviceType;
  plan.llc_bytes = o.llc_bytes.value_or(
      type == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU ? (256ull << 20) : (32ull << 20));
  for (const auto& layout : reference_layouts()) plan.formats.push_back(layout.dtype);
  if (!o.formats.empty()) {
    plan.formats.clear();
    for (const auto& f : o.formats) {
      const auto parsed = parse_reference_dtype(f);
      if (!parsed) throw std::runtime_error(parsed.error().message);
      plan.formats.push_back(*parsed);
    }
  }
  plan.variants = o.variants.empty()
                      ? std::vector<Variant>(std::begin(kQuantVariants), std::end(kQuantVariants))
                      : o.variants;

  BenchReport report;
  report.device = device_block(dev);
  report.build = BenchBuild{HEADROOM_VERSION, compiler_text(), HEADROOM_BUILD_TYPE, spirv_digest()};
  report.settings.quick = plan.quick;
  report.settings.warmup_runs = plan.warmups;
  report.settings.samples = plan.samples;
  report.settings.target_batch_seconds = plan.target_batch_seconds;
  report.settings.assumed_llc_bytes = plan.llc_bytes;
  report.settings.gemv_error_bound = plan.gemv_error_bound;
  const bool timestamps = dev.timestamp_valid_bits > 0 && dev.props.limits.timestampPeriod > 0;
  report.settings.timer =
      bench_timer_id(timestamps ? BenchTimer::gpu_timestamp : BenchTimer::wall_clock);

  int failures = 0;
  if (!plan.verify_only) report.settings.empty_dispatch_seconds = measure_empty_dispatch(ctx, plan);
  if (!o.skip_bandwidth) run_bandwidth(ctx, plan, report.results);
  if (!o.skip_quant) failures = run_quant(ctx, plan, report.results);

  const auto catalog = load_builtin_catalog();
  if (!catalog) throw std::runtime_error("built-in catalog: " + catalog.error().message);
  if (const Card* card = catalog->find_card_by_vulkan_id(dev.props.vendorID, dev.props.deviceID)) {
    report.card_id = card->id;
    report.card_name = card->name;
    report.card_source = card->sources;
    if (card->bandwidth_bytes_per_s > 0) {
      report.spec_bandwidth_bytes_per_s = card->bandwidth_bytes_per_s;
    }
  }
  report = derive_bench_metrics(std::move(report));
  for (const char* id : kProjectedModels) {
    const auto model = catalog->find_model(id);
    if (!model) throw std::runtime_error("built-in catalog: " + model.error().message);
    const ModelArch& arch = (*model)->arch;
    const double active = static_cast<double>(active_params(arch));
    const double total = static_cast<double>(total_params(arch));
    for (const DType dtype :
         {DType::f16, DType::q8_0, DType::q4_k, DType::q4_0, DType::int4_awq_g128}) {
      const char* f = dtype_info(dtype).id;
      const double bits = bits_per_element(dtype);
      if (const auto tps = projected_decode_tokens_per_s(report, f, active, bits)) {
        char params[96];
        std::snprintf(params, sizeof params, "%.3gB active of %.3gB total parameters", active / 1e9,
                      total / 1e9);
        report.projections.push_back(BenchProjection{
            id, f, active * bits / 8.0, *tps,
            std::string("models catalog ") + id + " (" + arch.source + "): " + params +
                "; t/s = best n=1 GEMV bytes/s / (active params x bits/8), weights only, batch 1"});
      }
    }
  }
  print_report_table(std::cout, report);
  if (!o.json_path.empty()) {
    const std::string text = bench_json_text(report);
    write_atomically(o.json_path, text);
    progress("wrote " + o.json_path);
    if (o.submit_ready) print_submit_steps(o.json_path, text);
  }
  if (failures > 0) {
    std::cerr << "headroom-bench: " << failures << " kernel(s) failed verification\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace headroom::bench

int main(int argc, char** argv) {
  try {
    return headroom::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "headroom-bench: " << e.what() << "\n";
    return 2;
  } catch (...) {
    std::cerr << "headroom-bench: unknown error\n";
    return 2;
  }
}
