// A sizing request as JSON (the wasm and site front ends speak this), resolved against the
// catalog. Keys mirror the CLI flags: {"model": id | {config.json object}, "quant", "kv_cache_dtype",
// "runtime", "card", "gpus", "prompt_tokens", "output_tokens", "users", "max_model_len",
// "gpu_memory_utilization", "ctx_size", "parallel", "ubatch_size", "flash_attention", "n_gpu_layers", "n_cpu_moe",
// "host_bandwidth_gb_per_s"}.
#pragma once

#include <string>
#include <string_view>

#include "headroom/catalog.h"
#include "headroom/sizing.h"

namespace headroom {

Result<SizingRequest> parse_size_request(std::string_view json_text, const Catalog& catalog);

// {"ok": true, "report": {...headroom.size.v1...}} or {"ok": false, "error": "...", "field": "..."}.
std::string size_response_json(std::string_view request_json, const Catalog& catalog);

// The same request (its "card" optional, "vendor" an optional filter) on every card:
// {"ok": true, "compare": {...headroom.compare.v1...}} or {"ok": false, "error", "field"}.
std::string compare_response_json(std::string_view request_json, const Catalog& catalog);

// The request (its "quant" ignored) in every weight format the runtime loads:
// {"ok": true, "reality": {...headroom.reality.v1...}} or {"ok": false, "error", "field"}.
std::string reality_response_json(std::string_view request_json, const Catalog& catalog);

// `kind`: models | cards | formats | runtimes: {"ok": true, "catalog": {...}} or an error.
std::string catalog_response_json(std::string_view kind, const Catalog& catalog);

}  // namespace headroom
