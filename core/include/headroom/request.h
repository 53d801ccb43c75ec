// A sizing request as a front end receives it, and the one builder that checks it. The CLI
// (flags), wasm and the site (JSON, documents.h) fill a RequestText and call build_request(), so
// every range, default and contradiction is decided here once. Errors name the request key
// ("users", "max_model_len"); front ends put their own spelling on it (the CLI: "--users").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "headroom/catalog.h"
#include "headroom/sizing.h"

namespace headroom {

// What the request is for: `size` and `reality` need a card; `compare` runs every card (and may
// filter by vendor); `reality` tries every weight format, so it takes no quant.
enum class RequestKind { size, compare, reality };

struct RequestText {
  // A model the front end read itself (a config.json or GGUF file); otherwise the "model" field
  // names a catalog entry.
  std::optional<ModelArch> model_arch;
  bool model_from_gguf = false;  // a GGUF's tensors carry their own types: no quant applies
  // (key, text) for every field the user gave, as typed: "users" -> "8", "flash_attention" ->
  // "on". Keys are request_keys(); an empty text is an error, never the default.
  std::vector<std::pair<std::string, std::string>> fields;

  void set(std::string key, std::string text) {
    fields.emplace_back(std::move(key), std::move(text));
  }
};

// The request keys, in documented order: model, quant, kv_cache_dtype, runtime, card, vendor,
// gpus, prompt_tokens, output_tokens, users, max_model_len, max_num_batched_tokens,
// max_num_seqs, gpu_memory_utilization, ctx_size,
// parallel, ubatch_size, flash_attention, prefix_caching, n_gpu_layers, n_cpu_moe,
// host_bandwidth_gb_per_s, bench, backend, engine_version, llama_build_month, arrival,
// request_rate, ttft_target_s, itl_target_s.
const std::vector<std::string_view>& request_keys();

struct BuiltRequest {
  SizingRequest request;
  std::string vendor;  // compare's filter: "" | nvidia | amd | intel | apple
};

// Checks and converts every field; defaults are SizingRequest's. "bench" holds the text of a
// headroom.bench.v1 document (its errors come back as "bench.<field>").
Result<BuiltRequest> build_request(const RequestText& text, const Catalog& catalog,
                                   RequestKind kind);

}  // namespace headroom
