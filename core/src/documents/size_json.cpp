#include "headroom/documents.h"

#include <nlohmann/json.hpp>

namespace headroom {

std::string size_json_text(const SizingReport& r, int indent) {
  using Json = nlohmann::ordered_json;
  const MemoryBreakdown& m = r.memory;
  const NormalizedInputs& in = r.inputs;
  Json items = Json::array();
  for (const auto& item : m.items)
    items.push_back({{"name", item.name}, {"bytes", item.bytes}, {"note", item.note}});
  Json doc = {
      {"schema", kSizeSchema},
      {"verdict", to_string(r.verdict)},
      {"verdict_reason", r.verdict_reason},
      {"memory",
       {{"capacity_bytes", m.capacity_bytes},
        {"weights_bytes", m.weights_bytes},
        {"kv_cache_bytes", m.kv_cache_bytes},
        {"kv_cache_capacity_bytes", m.kv_cache_capacity_bytes},
        {"activation_bytes", m.activation_bytes},
        {"runtime_overhead_bytes", m.runtime_overhead_bytes},
        {"total_bytes", m.total_bytes},
        {"free_bytes", m.free_bytes},
        {"kv_bytes_per_token", m.kv_bytes_per_token},
        {"state_bytes_per_sequence", m.state_bytes_per_sequence},
        {"host_bytes", m.host_bytes},
        {"items", items}}},
      {"max_users", r.max_users},
      {"max_context_tokens", r.max_context_tokens},
      {"advice", r.advice},
      {"assumptions", r.assumptions},
      {"inputs",
       {{"model", in.model_id},
        {"model_name", in.model_name},
        {"quant", in.weight_format},
        {"kv_cache_dtype", in.kv_dtype},
        {"runtime", in.runtime},
        {"card", in.card_id},
        {"gpus", in.gpus},
        {"prompt_tokens", in.workload.prompt_tokens},
        {"output_tokens", in.workload.output_tokens},
        {"users", in.workload.users},
        {"max_model_len", in.max_model_len_tokens},
        {"ctx_size", in.ctx_size_tokens},
        {"parallel", in.parallel_slots},
        {"n_gpu_layers", in.gpu_layers},
        {"n_cpu_moe", in.cpu_moe_layers},
        {"gpu_memory_utilization", in.gpu_memory_utilization},
        {"flash_attention", in.flash_attention},
        {"expert_parallel", in.expert_parallel},
        {"total_params", in.total_params},
        {"active_params", in.active_params},
        {"active_params_with_embedding", in.active_params_with_embedding},
        {"bits_per_weight", in.bits_per_weight}}},
  };
  if (r.speed) {
    const SpeedEstimate& s = *r.speed;
    doc["speed"] = {{"prefill_tokens_per_s", s.prefill_tokens_per_s},
                    {"ttft_s", s.ttft_s},
                    {"inter_token_latency_s", s.inter_token_latency_s},
                    {"decode_tokens_per_s_per_user", s.decode_tokens_per_s_per_user},
                    {"decode_tokens_per_s_total", s.decode_tokens_per_s_total},
                    {"requests_per_minute", s.requests_per_minute},
                    {"bound", s.bound},
                    {"range", {{"low", s.range.low}, {"high", s.range.high}}},
                    {"speedup_vs_fp16", s.speedup_vs_fp16},
                    {"ideal_speedup_vs_fp16", s.ideal_speedup_vs_fp16},
                    {"model_note", s.model_note}};
  } else {
    doc["speed"] = nullptr;
    doc["speed_error"] = r.speed_error ? r.speed_error->message : std::string();
  }
  if (r.traffic) {
    const TrafficEstimate& t = *r.traffic;
    auto spread = [&](const Spread& x) -> Json {
      if (t.saturated) return nullptr;
      return {{"mean", x.mean}, {"median", x.median}, {"p90", x.p90}};
    };
    Json traffic = {
        {"arrival", to_string(t.arrival)},
        {"users", t.users},
        {"request_rate_per_s", t.request_rate_per_s},
        {"capacity_requests_per_s", t.capacity_requests_per_s},
        {"saturated", t.saturated},
        {"concurrency", t.saturated ? Json(nullptr) : Json(t.concurrency)},
        {"decode_batch", t.decode_batch},
        {"ttft_s", spread(t.ttft_s)},
        {"itl_s", spread(t.itl_s)},
        {"e2e_s", spread(t.e2e_s)},
        {"output_tokens_per_s", t.saturated ? Json(nullptr) : Json(t.output_tokens_per_s)}};
    if (r.target_limit) {
      traffic["target_limit"] = {{"limit", r.target_limit->limit},
                                 {"unit", t.arrival == Arrival::rate ? "requests_per_s" : "users"},
                                 {"broken_by", r.target_limit->broken_by}};
    }
    doc["traffic"] = std::move(traffic);
  } else if (r.traffic_error) {
    doc["traffic"] = nullptr;
    doc["traffic_error"] = r.traffic_error->message;
  }
  return doc.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom
