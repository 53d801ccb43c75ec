// Requests as JSON (wasm, the site) into the one request builder, and the response envelopes.
#include <cmath>

#include "base/json_util.h"
#include "headroom/documents.h"

namespace headroom {
namespace {

using json_util::Json;

// A JSON value as the text build_request() checks, so JSON and CLI flags meet the same rules:
// 8 and 8.0 are "8", true is "true"; other numbers keep their shortest spelling ("0.9", "1e+30").
std::optional<std::string> as_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 1e18) {
      return std::to_string(static_cast<long long>(number));
    }
    return value.dump();
  }
  return std::nullopt;
}

}  // namespace

Result<BuiltRequest> parse_request_json(std::string_view json_text, const Catalog& catalog,
                                        RequestKind kind, const ModelArch* loaded) {
  if (json_util::nests_too_deep(json_text)) return json_util::too_deep("request", "request");
  auto doc = json_util::parse(json_text);
  if (!doc || !doc->is_object()) return parse_failure("request", "is not a JSON object");
  RequestText text;
  for (const auto& [key, value] : doc->items()) {
    if (value.is_null()) continue;  // null is "not given"
    if (key == "model" && value.is_object()) {
      auto arch = parse_hf_config(value.dump(), "config.json");
      if (!arch) return arch.error();
      text.model_arch = std::move(arch).value();
      continue;
    }
    if (key == "model" && loaded != nullptr && value.is_string() &&
        value.get<std::string>() == loaded->id) {
      text.model_arch = *loaded;
      // A GGUF lists its tensors with their types; a loaded config.json takes the request's quant.
      text.model_from_gguf = !loaded->tensors.empty();
      continue;
    }
    if (key == "bench" && value.is_object()) {
      text.set(key, value.dump());
      continue;
    }
    auto scalar = as_text(value);
    if (!scalar) return invalid(key, "must be a string, a number or a boolean");
    text.set(key, std::move(*scalar));
  }
  return build_request(text, catalog, kind);
}

std::string error_response_json(const Error& error) {
  const nlohmann::json response = {{"ok", false}, {"error", error.message}, {"field", error.field}};
  return response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// Measured beats spec, as in the CLI: the card's aggregate unless the request brings a bench.
void calibrate(SizingRequest& request, const MeasuredCards* measured) {
  if (measured == nullptr || request.bench) return;
  const auto it = measured->find(request.card.id);
  if (it == measured->end()) return;
  request.bench = it->second;
  request.bench_origin = "speed calibrated by measured results, not the spec: " +
                         it->second.device.name;
}

}  // namespace

std::string size_response_json(std::string_view request_json, const Catalog& catalog,
                               const ModelArch* loaded, const MeasuredCards* measured) {
  auto built = parse_request_json(request_json, catalog, RequestKind::size, loaded);
  if (!built) return error_response_json(built.error());
  calibrate(built->request, measured);
  auto report = size(built->request);
  if (!report) return error_response_json(report.error());
  return "{\"ok\":true,\"report\":" + size_json_text(report.value(), -1) + "}";
}

std::string compare_response_json(std::string_view request_json, const Catalog& catalog,
                                  const ModelArch* loaded, const MeasuredCards* measured) {
  auto built = parse_request_json(request_json, catalog, RequestKind::compare, loaded);
  if (!built) return error_response_json(built.error());
  auto fits = measured ? compare_cards(catalog, built->request, built->vendor, *measured)
                       : compare_cards(catalog, built->request, built->vendor);
  if (!fits) return error_response_json(fits.error());
  return "{\"ok\":true,\"compare\":" + compare_json_text(fits.value(), -1) + "}";
}

std::string reality_response_json(std::string_view request_json, const Catalog& catalog,
                                  const ModelArch* loaded, const MeasuredCards* measured) {
  auto built = parse_request_json(request_json, catalog, RequestKind::reality, loaded);
  if (!built) return error_response_json(built.error());
  calibrate(built->request, measured);
  auto fits = compare_formats(built->request);
  if (!fits) return error_response_json(fits.error());
  return "{\"ok\":true,\"reality\":" + reality_json_text(fits.value(), -1) + "}";
}

std::string catalog_response_json(std::string_view kind, const Catalog& catalog) {
  auto text = catalog_json_text(catalog, kind);
  if (!text) return error_response_json(text.error());
  return "{\"ok\":true,\"catalog\":" + text.value() + "}";
}

}  // namespace headroom
