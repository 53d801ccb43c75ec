// Command-line parsing for headroom-bench (throws; main() turns it into exit code 2).
#include "options.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace headroom::bench {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::uint64_t parse_count(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v == 0) {
    throw std::runtime_error(flag + " must be a positive integer (got '" + text + "')");
  }
  return v;
}

}  // namespace

const char* usage_text() {
  return "usage: headroom-bench [--list-devices] [--device INDEX|SUBSTRING] [--quick]\n"
         "                      [--json FILE] [--formats f16,q4_k,...] [--variants "
         "portable,fast,fp16,int8dot]\n"
         "                      [--samples N] [--llc-mib N] [--verify-only] [--no-bandwidth]\n"
         "                      [--no-quant] [--check-json FILE] [--submit-ready]\n"
         "Measures memory bandwidth and the dequantization tax of quantized GEMV on a Vulkan\n"
         "device. Table on stdout, progress on stderr; GB = 1e9 bytes.\n"
         "--submit-ready writes a result for results/ (--json, default "
         "headroom-bench-result.json),\n"
         "checks it as `headroom results validate` does and prints the pull-request steps.\n"
         "--check-json FILE runs that check alone: exit 0 ok or flagged, 2 rejected.\n";
}

Options parse_options(int argc, char** argv) {
  // Flags without a value, and options whose value is kept as given.
  constexpr std::pair<std::string_view, bool Options::*> kFlags[] = {
      {"--list-devices", &Options::list_devices},
      {"--help", &Options::help},
      {"-h", &Options::help},
      {"--quick", &Options::quick},
      {"--verify-only", &Options::verify_only},
      {"--no-bandwidth", &Options::skip_bandwidth},
      {"--no-quant", &Options::skip_quant},
      {"--submit-ready", &Options::submit_ready},
      {"--inject-validation-error", &Options::inject_validation_error},  // test only
  };
  constexpr std::pair<std::string_view, std::string Options::*> kTexts[] = {
      {"--device", &Options::device},
      {"--json", &Options::json_path},
      {"--check-json", &Options::check_json},
  };
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    const auto flag = std::find_if(std::begin(kFlags), std::end(kFlags),
                                   [&](const auto& f) { return f.first == arg; });
    const auto text = std::find_if(std::begin(kTexts), std::end(kTexts),
                                   [&](const auto& t) { return t.first == arg; });
    if (flag != std::end(kFlags)) {
      o.*(flag->second) = true;
    } else if (text != std::end(kTexts)) {
      o.*(text->second) = value();
    } else if (arg == "--formats") {
      o.formats = split_list(value());
    } else if (arg == "--variants") {
      o.variants.clear();
      for (const auto& v : split_list(value())) {
        const auto variant = parse_quant_variant(v);
        if (!variant) {
          throw std::runtime_error("--variants takes portable, fast, fp16, int8dot (got '" + v +
                                   "')");
        }
        o.variants.push_back(*variant);
      }
    } else if (arg == "--samples") {
      o.samples = static_cast<std::uint32_t>(parse_count(arg, value()));
    } else if (arg == "--llc-mib") {
      o.llc_bytes = parse_count(arg, value()) << 20;
    } else {
      throw std::runtime_error("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.submit_ready) {
    if (o.verify_only) throw std::runtime_error("--submit-ready needs timings; drop --verify-only");
    if (o.samples && *o.samples < 5) {
      throw std::runtime_error("--submit-ready needs at least 5 samples (results validate)");
    }
    if (o.json_path.empty()) o.json_path = kSubmitJsonPath;
  }
  return o;
}

}  // namespace headroom::bench
