// Command-line parsing for headroom-bench (throws; main() turns it into exit code 2).
#include "options.h"

#include <stdexcept>
#include <string_view>

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
         "                      [--json FILE] [--formats f16,q4_k,...] [--variants portable,fast,fp16,int8dot]\n"
         "                      [--samples N] [--llc-mib N] [--verify-only] [--no-bandwidth]\n"
         "                      [--no-quant] [--check-json FILE]\n"
         "Measures memory bandwidth and the dequantization tax of quantized GEMV on a Vulkan\n"
         "device. Table on stdout, progress on stderr; GB = 1e9 bytes.\n";
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--list-devices") o.list_devices = true;
    else if (arg == "--help" || arg == "-h") o.help = true;
    else if (arg == "--quick") o.quick = true;
    else if (arg == "--verify-only") o.verify_only = true;
    else if (arg == "--no-bandwidth") o.skip_bandwidth = true;
    else if (arg == "--no-quant") o.skip_quant = true;
    else if (arg == "--inject-validation-error") o.inject_validation_error = true;  // test only
    else if (arg == "--device") o.device = value();
    else if (arg == "--json") o.json_path = value();
    else if (arg == "--check-json") o.check_json = value();
    else if (arg == "--formats") o.formats = split_list(value());
    else if (arg == "--variants") {
      o.variants = split_list(value());
      for (const auto& v : o.variants) {
        if (v != "portable" && v != "fast" && v != "fp16" && v != "int8dot") {
          throw std::runtime_error("--variants takes portable, fast, fp16, int8dot (got '" + v + "')");
        }
      }
    } else if (arg == "--samples") {
      o.samples = static_cast<std::uint32_t>(parse_count(arg, value()));
    } else if (arg == "--llc-mib") {
      o.llc_bytes = parse_count(arg, value()) << 20;
    } else {
      throw std::runtime_error("unknown option '" + arg + "' (see --help)");
    }
  }
  return o;
}

}  // namespace headroom::bench
