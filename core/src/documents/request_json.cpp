#include "headroom/request_json.h"

#include "headroom/catalog_json.h"
#include "headroom/compare.h"
#include "headroom/report_json.h"
#include "base/json_util.h"

namespace headroom {
namespace {

using json_util::Json;

Error bad(const std::string& field, const std::string& why) {
  return make_error(ErrorCode::invalid_argument, field, field + " " + why);
}

}  // namespace

Result<SizingRequest> parse_size_request(std::string_view json_text, const Catalog& catalog) {
  auto doc = json_util::parse(json_text);
  if (!doc || !doc->is_object()) return make_error(ErrorCode::parse_error, "request", "request is not a JSON object");
  SizingRequest request;
  const Json* model = json_util::find(*doc, "model");
  if (model == nullptr) return bad("model", "is required");
  if (model->is_string()) {
    auto entry = catalog.find_model(model->get<std::string>());
    if (!entry) return entry.error();
    request.model = entry.value()->arch;
  } else if (model->is_object()) {
    auto arch = parse_hf_config(model->dump(), "config.json");
    if (!arch) return arch.error();
    request.model = std::move(arch).value();
  } else {
    return bad("model", "must be a catalog id or a config.json object");
  }
  // compare_response_json supplies a placeholder card; size needs one.
  const std::string card_id = json_util::get_string(*doc, "card").value_or(catalog.cards.empty() ? "" : catalog.cards.front().id);
  auto card = catalog.find_card(card_id);
  if (!card) return card.error();
  request.card = *card.value();
  auto runtime = parse_runtime(json_util::get_string(*doc, "runtime").value_or("vllm"));
  if (!runtime) return runtime.error();
  request.runtime = runtime.value();
  request.weight_format = json_util::get_string(*doc, "quant").value_or("native");
  request.kv_dtype = json_util::get_string(*doc, "kv_cache_dtype").value_or("auto");

  // Counts: present keys must be non-negative integers.
  struct Count { const char* key; std::uint64_t* target; };
  std::uint64_t gpus = 1, parallel = 0, ubatch = 0, max_model_len = 0, ctx = 0, gpu_layers = 0, cpu_moe = 0;
  const Count counts[] = {{"gpus", &gpus}, {"prompt_tokens", &request.workload.prompt_tokens},
                          {"output_tokens", &request.workload.output_tokens}, {"users", &request.workload.users},
                          {"max_model_len", &max_model_len}, {"ctx_size", &ctx}, {"parallel", &parallel},
                          {"ubatch_size", &ubatch}, {"n_gpu_layers", &gpu_layers}, {"n_cpu_moe", &cpu_moe}};
  for (const auto& count : counts) {
    if (json_util::find(*doc, count.key) == nullptr) continue;
    auto value = json_util::get_uint(*doc, count.key);
    if (!value) return bad(count.key, "must be a non-negative whole number");
    *count.target = *value;
  }
  if (gpus > 64) return bad("gpus", "must be 1..64");
  request.gpus = static_cast<std::uint32_t>(gpus);
  if (json_util::find(*doc, "max_model_len")) request.knobs.max_model_len_tokens = max_model_len;
  if (json_util::find(*doc, "ctx_size")) request.knobs.ctx_size_tokens = ctx;
  if (json_util::find(*doc, "parallel")) request.knobs.parallel_slots = static_cast<std::uint32_t>(std::min<std::uint64_t>(parallel, 1u << 20));
  if (json_util::find(*doc, "ubatch_size")) request.knobs.ubatch_size_tokens = static_cast<std::uint32_t>(std::min<std::uint64_t>(ubatch, 1u << 20));
  if (json_util::find(*doc, "n_gpu_layers")) request.knobs.gpu_layers = static_cast<std::uint32_t>(std::min<std::uint64_t>(gpu_layers, 1u << 20));
  if (json_util::find(*doc, "n_cpu_moe")) request.knobs.cpu_moe_layers = static_cast<std::uint32_t>(std::min<std::uint64_t>(cpu_moe, 1u << 20));
  if (json_util::find(*doc, "host_bandwidth_gb_per_s")) {
    auto gbs = json_util::get_number(*doc, "host_bandwidth_gb_per_s");
    if (!gbs) return bad("host_bandwidth_gb_per_s", "must be a number");
    request.knobs.host_bandwidth_bytes_per_s = *gbs * 1e9;
  }
  if (json_util::find(*doc, "gpu_memory_utilization")) {
    auto util = json_util::get_number(*doc, "gpu_memory_utilization");
    if (!util) return bad("gpu_memory_utilization", "must be a number");
    request.knobs.gpu_memory_utilization = *util;
  }
  if (json_util::find(*doc, "flash_attention")) {
    auto fa = json_util::get_bool(*doc, "flash_attention");
    if (!fa) return bad("flash_attention", "must be true or false");
    request.knobs.flash_attention = *fa;
  }
  return request;
}

namespace {

std::string failure_json(const Error& error) {
  const nlohmann::json response = {{"ok", false}, {"error", error.message}, {"field", error.field}};
  return response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string compare_response_json(std::string_view request_json, const Catalog& catalog) {
  auto request = parse_size_request(request_json, catalog);
  if (!request) return failure_json(request.error());
  auto doc = json_util::parse(request_json);
  const std::string vendor = doc ? json_util::get_string(*doc, "vendor").value_or("") : "";
  if (!vendor.empty() && vendor != "nvidia" && vendor != "amd" && vendor != "intel" && vendor != "apple") {
    return failure_json(make_error(ErrorCode::invalid_argument, "vendor", "vendor must be nvidia, amd, intel or apple"));
  }
  return "{\"ok\":true,\"compare\":" + compare_json_text(compare_cards(catalog, request.value(), vendor)) + "}";
}

std::string catalog_response_json(std::string_view kind, const Catalog& catalog) {
  auto text = catalog_json_text(catalog, kind);
  if (!text) return failure_json(text.error());
  return "{\"ok\":true,\"catalog\":" + text.value() + "}";
}

std::string reality_response_json(std::string_view request_json, const Catalog& catalog) {
  auto request = parse_size_request(request_json, catalog);
  if (!request) return failure_json(request.error());
  return "{\"ok\":true,\"reality\":" + formats_json_text(compare_formats(request.value())) + "}";
}

std::string size_response_json(std::string_view request_json, const Catalog& catalog) {
  auto failure = failure_json;
  auto request = parse_size_request(request_json, catalog);
  if (!request) return failure(request.error());
  auto report = size(request.value());
  if (!report) return failure(report.error());
  return "{\"ok\":true,\"report\":" + to_json_text(report.value(), -1) + "}";
}

}  // namespace headroom
