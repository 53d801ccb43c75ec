// build_request(): the one place where a request's fields are checked and converted, for the CLI's
// flags and the JSON of wasm and the site alike.
#include "headroom/request.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "base/text_match.h"
#include "headroom/documents.h"
#include "headroom/weight_format.h"

namespace headroom {
namespace {

constexpr std::uint64_t kCountClamp = 1u << 20;  // uint32 knobs: beyond any valid value, no wrap
constexpr const char* kVendors[] = {"nvidia", "amd", "intel", "apple"};

Result<std::uint64_t> count(const std::string& key, const std::string& text) {
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid(key, "must be a whole number (got '" + text + "')");
  }
  return std::stoull(text);
}

Result<double> number(const std::string& key, const std::string& text, const char* what) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(value)) {
    return invalid(key, std::string("must be ") + what + " (got '" + text + "')");
  }
  return value;
}

std::uint32_t clamped(std::uint64_t value) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(value, kCountClamp));
}

std::string known_keys() {
  std::string list;
  for (const auto key : request_keys()) list += (list.empty() ? "" : ", ") + std::string(key);
  return list;
}

// The fields as given, checked one by one into `out`.
class Builder {
 public:
  Builder(const Catalog& catalog, RequestKind kind, BuiltRequest& out)
      : catalog_(catalog), kind_(kind), out_(out) {}

  std::optional<Error> take(const std::string& key, const std::string& text) {
    SizingRequest& r = out_.request;
    RuntimeKnobs& k = r.knobs;
    if (key == "model") return model(text);
    if (key == "quant") return quant(text);
    if (key == "kv_cache_dtype") return assign(r.kv_dtype, key, text);
    if (key == "runtime") return runtime(text);
    if (key == "card") return card(text);
    if (key == "vendor") return vendor(text);
    if (key == "bench") return bench(text);
    if (key == "flash_attention") return on_off(key, text, r.knobs.flash_attention);
    if (key == "prefix_caching") return on_off(key, text, r.knobs.prefix_caching);
    if (key == "async_scheduling") return on_off(key, text, r.knobs.async_scheduling);
    if (key == "expert_parallel") return on_off(key, text, r.knobs.expert_parallel);
    if (key == "host_cpu") {
      const auto cpu = parse_host_cpu(text);
      if (!cpu) return invalid(key, "must be desktop, server or older-server (got '" + text + "')");
      r.knobs.host_cpu = *cpu;
      return std::nullopt;
    }
    if (key == "endpoint") {
      const auto chat = parse_chat_endpoint(text);
      if (!chat) return invalid(key, "must be chat or completions (got '" + text + "')");
      r.knobs.chat_endpoint = *chat;
      return std::nullopt;
    }
    if (key == "engine_version") return assign(k.engine_version.emplace(), key, text);
    if (key == "llama_build_month") return assign(k.llama_build_month.emplace(), key, text);
    if (key == "backend") {
      auto backend = parse_backend(text);
      if (!backend) return backend.error();
      r.backend = backend.value();
      return std::nullopt;
    }
    if (key == "gpu_memory_utilization") {
      auto value = number(key, text, "a number in (0, 1]");
      if (!value || !(*value > 0 && *value <= 1)) {
        return invalid(key, "must be a number in (0, 1] (got '" + text + "')");
      }
      k.gpu_memory_utilization = *value;
      return std::nullopt;
    }
    if (key == "host_bandwidth_gb_per_s") {
      auto value = number(key, text, "a number of GB/s");
      if (!value) return value.error();
      k.host_bandwidth_bytes_per_s = *value * 1e9;
      return std::nullopt;
    }
    if (key == "arrival" || key == "request_rate" || key == "ttft_target_s" ||
        key == "itl_target_s")
      return traffic(key, text);
    // Every other key is a count.
    auto value = count(key, text);
    if (!value) return value.error();
    if (key == "gpus")
      r.gpus = clamped(*value);
    else if (key == "prompt_tokens")
      r.workload.prompt_tokens = *value;
    else if (key == "output_tokens")
      r.workload.output_tokens = *value;
    else if (key == "users")
      r.workload.users = *value;
    else if (key == "max_model_len")
      k.max_model_len_tokens = *value;
    else if (key == "ctx_size")
      k.ctx_size_tokens = *value;
    else if (key == "parallel")
      k.parallel_slots = clamped(*value);
    else if (key == "ubatch_size")
      k.ubatch_size_tokens = clamped(*value);
    else if (key == "n_gpu_layers")
      k.gpu_layers = clamped(*value);
    else if (key == "n_cpu_moe")
      k.cpu_moe_layers = clamped(*value);
    else if (key == "max_num_batched_tokens")
      k.max_num_batched_tokens = *value;
    else if (key == "stream_interval")
      k.stream_interval = clamped(*value);
    else if (key == "cuda_graph_max_batch")
      k.cuda_graph_max_batch = clamped(*value);
    else if (key == "max_num_seqs")
      k.max_num_seqs = clamped(*value);
    return std::nullopt;
  }

  std::optional<Error> finish(const RequestText& text) {
    SizingRequest& r = out_.request;
    if (text.model_arch) {
      r.model = *text.model_arch;
      have_model_ = true;
    }
    if (!have_model_)
      return invalid("model", "is required (a catalog id, a config.json or a GGUF file)");
    if (!have_runtime_) return invalid("runtime", "is required (see `headroom runtimes`)");
    // A config.json that declares its checkpoint's quantization (ModelOpt NVFP4, FP8, AWQ...)
    // fixes the weights as published: another quant contradicts it, as a repo name would.
    if (text.model_arch && have_quant_ && !text.model_from_gguf) {
      const WeightFormat* stored = native_weight_format(r.model);
      auto asked = find_weight_format(r.weight_format);
      if (stored != nullptr && asked && asked.value() != stored &&
          asked.value()->family != "native") {
        return invalid("quant", "'" + r.weight_format + "' contradicts model '" + r.model.id +
                                    "', whose config.json says " + stored->id +
                                    "; leave quant out");
      }
    }
    if (text.model_from_gguf && r.weight_format != "native") {
      return invalid("quant",
                     "contradicts the GGUF file, whose tensors already have their types; "
                     "leave it out");
    }
    if (kind_ == RequestKind::compare) {
      if (have_card_) return invalid("card", "is not taken by compare, which runs every card");
      if (r.bench) return invalid("bench", "belongs to one card; use it with size");
      if (catalog_.cards.empty()) return invalid("card", "catalog is empty");
      r.card = catalog_.cards.front();  // replaced per card by compare_cards()
    } else {
      if (!have_card_) return invalid("card", "is required (see `headroom cards`)");
      if (!out_.vendor.empty()) return invalid("vendor", "filters compare only");
    }
    if (kind_ == RequestKind::reality && have_quant_) {
      return invalid("quant", "must be dropped: the reality check tries every weight format");
    }
    if (auto error = check_traffic()) return error;
    return settle_format();
  }

 private:
  std::optional<Error> traffic(const std::string& key, const std::string& text) {
    TrafficSettings& t = out_.request.traffic;
    if (key == "arrival") {
      // The spellings are to_string(Arrival)'s, the one table the report writer uses too.
      for (const Arrival a : {Arrival::burst, Arrival::closed_loop, Arrival::rate}) {
        if (text == to_string(a)) {
          t.arrival = a;
          return std::nullopt;
        }
      }
      return invalid(key, "must be burst, closed-loop or rate (got '" + text + "')");
    }
    auto value = number(key, text, "a number above zero");
    if (!value || !(*value > 0))
      return invalid(key, "must be a number above zero (got '" + text + "')");
    if (key == "request_rate") {
      t.request_rate_per_s = *value;
      have_rate_ = true;
    } else {
      (key == "ttft_target_s" ? t.ttft_target_s : t.itl_target_s) = *value;
    }
    return std::nullopt;
  }

  // request_rate belongs to rate arrivals; targets need a steady state (a burst has none).
  std::optional<Error> check_traffic() const {
    const TrafficSettings& t = out_.request.traffic;
    if (t.arrival == Arrival::rate && !have_rate_)
      return invalid("request_rate", "is required with arrival rate (requests per second)");
    if (t.arrival != Arrival::rate && have_rate_)
      return invalid("request_rate", "applies only with arrival rate");
    if (t.arrival == Arrival::burst) {
      if (t.ttft_target_s) return invalid("ttft_target_s", "needs arrival closed-loop or rate");
      if (t.itl_target_s) return invalid("itl_target_s", "needs arrival closed-loop or rate");
    }
    return std::nullopt;
  }

  std::optional<Error> assign(std::string& target, const std::string& key,
                              const std::string& text) {
    if (text.empty()) return invalid(key, "must not be empty");
    target = text;
    return std::nullopt;
  }

  std::optional<Error> model(const std::string& text) {
    auto name = catalog_.read_model_name(text);
    if (!name) return name.error();
    out_.request.model = name->model->arch;
    model_text_ = text;
    model_name_ = std::move(name).value();
    have_model_ = true;
    return std::nullopt;
  }

  // The weight format the model's name says, checked against an explicit quant; then the format
  // of the other ecosystem where the runtime loads only that one (fp16 -> GGUF f16 on llama.cpp).
  std::optional<Error> settle_format() {
    SizingRequest& r = out_.request;
    const std::string runtime = runtime_profile(r.runtime).key;
    const bool says_format = !model_name_.formats.empty() || model_name_.any_gguf;
    if (have_quant_ && says_format) {
      auto format = find_weight_format(r.weight_format);
      if (!format) return format.error();
      // Compared as the runtime will load them: fp16 asked of a GGUF repo on llama.cpp is f16.
      const WeightFormat* asked = format.value();
      if (const WeightFormat* other = counterpart_for_runtime(*asked, runtime)) asked = other;
      const auto& agreed = model_name_.formats;
      const auto same = [&](const std::string& id) {
        auto named = find_weight_format(id);
        return named && (named.value() == asked ||
                         counterpart_for_runtime(*named.value(), runtime) == asked);
      };
      const bool agrees = model_name_.any_gguf ? asked->family == "gguf"
                                               : std::any_of(agreed.begin(), agreed.end(), same);
      if (!agrees) {
        const std::string says = model_name_.any_gguf ? "GGUF weights" : agreed.front();
        return invalid("quant", "'" + r.weight_format + "' contradicts model '" + model_text_ +
                                    "', whose name says " + says +
                                    "; leave quant out or name the model's base repo");
      }
    } else if (!have_quant_ && !model_name_.formats.empty() && kind_ != RequestKind::reality) {
      r.weight_format = model_name_.formats.front();
    } else if (!have_quant_ && model_name_.any_gguf && kind_ != RequestKind::reality) {
      // A GGUF repo holds llama.cpp's files only; the 16-bit original is not in it.
      if (!is_llama_cpp(r.runtime)) {
        return invalid("model", "'" + model_text_ + "' holds GGUF files, which " +
                                    runtime_profile(r.runtime).name +
                                    " is not sized with; name the base repo (with a format " +
                                    runtime + " loads) or use runtime llama.cpp");
      }
      r.weight_format = "q4_k_m";
    }
    if (!model_name_.note.empty()) {
      std::string note = model_name_.note;
      if (kind_ == RequestKind::reality) {
        if (!model_name_.formats.empty()) note += " (the reality check tries every format)";
      } else if (model_name_.any_gguf && !have_quant_) {
        note += "; the repo holds several GGUF quants: Q4_K_M assumed, the usual pick (pass quant "
                "to choose another)";
      }
      r.name_notes.insert(r.name_notes.begin(), note);
    }
    auto format = find_weight_format(r.weight_format);
    if (!format) return std::nullopt;      // check_request names the unknown format
    r.weight_format = format.value()->id;  // as listed: "q4km" is reported as q4_k_m
    if (const WeightFormat* other = counterpart_for_runtime(*format.value(), runtime)) {
      r.name_notes.push_back("quant '" + r.weight_format + "' read as " + other->id + " (" +
                             other->name + "), the same weights as " +
                             runtime_profile(r.runtime).name + " loads them");
      r.weight_format = other->id;
    }
    return std::nullopt;
  }

  std::optional<Error> quant(const std::string& text) {
    have_quant_ = true;
    return assign(out_.request.weight_format, "quant", text);
  }

  std::optional<Error> runtime(const std::string& text) {
    auto runtime = parse_runtime(text);
    if (!runtime) return runtime.error();
    out_.request.runtime = runtime.value();
    have_runtime_ = true;
    return std::nullopt;
  }

  std::optional<Error> card(const std::string& text) {
    auto card = catalog_.find_card(text);
    if (!card) return card.error();
    out_.request.card = *card.value();
    if (!iequals(card.value()->id, text)) {
      out_.request.name_notes.push_back("'" + text + "' read as card " + card.value()->id);
    }
    have_card_ = true;
    return std::nullopt;
  }

  std::optional<Error> vendor(const std::string& text) {
    if (std::find(std::begin(kVendors), std::end(kVendors), text) == std::end(kVendors)) {
      return invalid("vendor", "must be nvidia, amd, intel or apple (got '" + text + "')");
    }
    out_.vendor = text;
    return std::nullopt;
  }

  std::optional<Error> bench(const std::string& text) {
    auto report = parse_bench_report(text);
    if (!report) return nested("bench", report.error());
    out_.request.bench = std::move(report).value();
    return std::nullopt;
  }

  static std::optional<Error> on_off(const std::string& key, const std::string& text,
                                     std::optional<bool>& out) {
    if (text == "on" || text == "true") {
      out = true;
    } else if (text == "off" || text == "false") {
      out = false;
    } else {
      return invalid(key, "must be on or off (got '" + text + "')");
    }
    return std::nullopt;
  }

  const Catalog& catalog_;
  RequestKind kind_;
  BuiltRequest& out_;
  std::string model_text_;  // the model as typed, for messages
  ModelName model_name_;    // what its name says (nothing for a file the front end read)
  bool have_model_ = false, have_runtime_ = false, have_card_ = false, have_quant_ = false;
  bool have_rate_ = false;
};

}  // namespace

const std::vector<std::string_view>& request_keys() {
  static const std::vector<std::string_view> kKeys = {"model",
                                                      "quant",
                                                      "kv_cache_dtype",
                                                      "runtime",
                                                      "card",
                                                      "vendor",
                                                      "gpus",
                                                      "prompt_tokens",
                                                      "output_tokens",
                                                      "users",
                                                      "max_model_len",
                                                      "max_num_batched_tokens",
                                                      "stream_interval",
                                                      "cuda_graph_max_batch",
                                                      "max_num_seqs",
                                                      "gpu_memory_utilization",
                                                      "ctx_size",
                                                      "parallel",
                                                      "ubatch_size",
                                                      "flash_attention",
                                                      "prefix_caching",
                                                      "endpoint",
                                                      "async_scheduling",
                                                      "expert_parallel",
                                                      "host_cpu",
                                                      "n_gpu_layers",
                                                      "n_cpu_moe",
                                                      "host_bandwidth_gb_per_s",
                                                      "bench",
                                                      "backend",
                                                      "engine_version",
                                                      "llama_build_month",
                                                      "arrival",
                                                      "request_rate",
                                                      "ttft_target_s",
                                                      "itl_target_s"};
  return kKeys;
}

Result<BuiltRequest> build_request(const RequestText& text, const Catalog& catalog,
                                   RequestKind kind) {
  BuiltRequest out;
  Builder builder(catalog, kind, out);
  for (const auto& [key, value] : text.fields) {
    if (std::find(request_keys().begin(), request_keys().end(), key) == request_keys().end()) {
      return invalid(key, "is not a request key (known: " + known_keys() + ")");
    }
    if (key == "model" && text.model_arch) continue;  // the front end already read the model
    if (auto error = builder.take(key, value)) return *error;
  }
  if (auto error = builder.finish(text)) return *error;
  return out;
}

}  // namespace headroom
