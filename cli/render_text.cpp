#include "render_text.h"

#include <algorithm>
#include <cstdio>

#include "headroom/units.h"
#include "printable.h"

namespace headroom::cli {
namespace {

constexpr int kBarWidth = 60;

std::string line(const char* label, double bytes, const std::string& note = "") {
  char text[256];
  std::snprintf(text, sizeof text, "  %-24s %12s  %s\n", label, format_bytes(bytes).c_str(),
                printable(note).c_str());
  return text;
}

// One character per 1/60 of the larger of capacity and total: W weights, K KV reserved,
// A activation, O overhead, '.' free; cells past the card's capacity show '!'.
std::string stacked_bar(const MemoryBreakdown& m, bool color) {
  const double scale =
      static_cast<double>(std::max<std::uint64_t>({m.capacity_bytes, m.total_bytes, 1}));
  const int capacity_cells =
      static_cast<int>(static_cast<double>(m.capacity_bytes) / scale * kBarWidth + 0.5);
  struct Part {
    char glyph;
    double bytes;
    const char* ansi;
  };
  const Part parts[] = {{'W', static_cast<double>(m.weights_bytes), "\x1b[44m"},
                        {'K', static_cast<double>(m.kv_cache_capacity_bytes), "\x1b[42m"},
                        {'A', static_cast<double>(m.activation_bytes), "\x1b[43m"},
                        {'O', static_cast<double>(m.runtime_overhead_bytes), "\x1b[45m"}};
  std::string bar = "  [";
  int used = 0;
  for (const auto& part : parts) {
    const int cells =
        std::min(kBarWidth - used, static_cast<int>(part.bytes / scale * kBarWidth + 0.5));
    if (cells <= 0) continue;
    if (color) bar += part.ansi;
    for (int i = 0; i < cells; ++i, ++used) bar += used < capacity_cells ? part.glyph : '!';
    if (color) bar += "\x1b[0m";
  }
  for (; used < kBarWidth; ++used) bar += used < capacity_cells ? '.' : ' ';
  bar += "]  W weights  K KV cache  A activations  O overhead  . free  ! over capacity\n";
  return bar;
}

}  // namespace

std::string render_text(const SizingReport& r, const Card& card, bool color) {
  const NormalizedInputs& in = r.inputs;
  const MemoryBreakdown& m = r.memory;
  std::string out;
  char text[512];
  std::snprintf(text, sizeof text, "%s  [%s weights, %s KV]  on %s x%u  via %s\n",
                printable(in.model_name).c_str(), in.weight_format.c_str(), in.kv_dtype.c_str(),
                printable(card.name).c_str(), in.gpus, in.runtime.c_str());
  out += text;
  std::snprintf(text, sizeof text,
                "workload: %llu user%s x (%llu prompt + %llu output tokens)   %.2fB params (%.2fB "
                "active per token, %.2fB with the embedding), %.2f bits/weight\n\n",
                static_cast<unsigned long long>(in.workload.users),
                in.workload.users == 1 ? "" : "s",
                static_cast<unsigned long long>(in.workload.prompt_tokens),
                static_cast<unsigned long long>(in.workload.output_tokens),
                static_cast<double>(in.total_params) / 1e9,
                static_cast<double>(in.active_params) / 1e9,
                static_cast<double>(in.active_params_with_embedding) / 1e9, in.bits_per_weight);
  out += text;
  out += "memory per GPU\n";
  for (const auto& item : m.items)
    out += line(item.name.c_str(), static_cast<double>(item.bytes), item.note);
  out += line("total", static_cast<double>(m.total_bytes));
  out += line("capacity", static_cast<double>(m.capacity_bytes), "what the runtime sees");
  out += line(m.free_bytes >= 0 ? "free" : "OVER BY",
              static_cast<double>(m.free_bytes >= 0 ? m.free_bytes : -m.free_bytes));
  out += line("KV needed by workload", static_cast<double>(m.kv_cache_bytes),
              format_bytes(static_cast<double>(m.kv_bytes_per_token)) + " per token" +
                  (m.state_bytes_per_sequence > 0
                       ? " + " + format_bytes(static_cast<double>(m.state_bytes_per_sequence)) +
                             " recurrent state per sequence"
                       : std::string()));
  out += stacked_bar(m, color);
  out += "\n";
  const char* verdict_color = r.verdict == Verdict::fits    ? "\x1b[32m"
                              : r.verdict == Verdict::tight ? "\x1b[33m"
                                                            : "\x1b[31m";
  std::snprintf(text, sizeof text, "verdict: %s%s%s  %s\n", color ? verdict_color : "",
                to_string(r.verdict), color ? "\x1b[0m" : "", printable(r.verdict_reason).c_str());
  out += text;
  std::snprintf(text, sizeof text,
                "max users at these lengths: %llu    max context for %llu user%s: %llu tokens\n",
                static_cast<unsigned long long>(r.max_users),
                static_cast<unsigned long long>(in.workload.users),
                in.workload.users == 1 ? "" : "s",
                static_cast<unsigned long long>(r.max_context_tokens));
  out += text;
  if (r.speed) {
    const SpeedEstimate& s = *r.speed;
    std::snprintf(
        text, sizeof text,
        "\nspeed (%s-bound%s)\n  decode per user          %8.1f tok/s  (range %.1f - %.1f)\n"
        "  decode total             %8.1f tok/s\n  prefill                  %8.0f tok/s\n"
        "  time to first token      %8.3f s\n  inter-token latency      %8.1f ms\n  requests per "
        "minute      %8.1f\n",
        s.bound.c_str(), r.verdict == Verdict::does_not_fit ? "; if the memory were there" : "",
        s.decode_tokens_per_s_per_user, s.range.low, s.range.high, s.decode_tokens_per_s_total,
        s.prefill_tokens_per_s, s.ttft_s, s.inter_token_latency_s * 1000.0, s.requests_per_minute);
    out += text;
    if (s.ideal_speedup_vs_fp16 > 1.01) {
      std::snprintf(text, sizeof text,
                    "  speedup vs 16-bit        %8.2fx  (ideal byte ratio %.2fx)\n",
                    s.speedup_vs_fp16, s.ideal_speedup_vs_fp16);
      out += text;
    }
    out += "  model: " + printable(s.model_note) + "\n";
  } else if (r.speed_error) {
    out += "\nspeed: not estimated (" + printable(r.speed_error->message) + ")\n";
  }
  if (r.traffic) {
    const TrafficEstimate& t = *r.traffic;
    if (t.arrival == Arrival::rate) {
      std::snprintf(text, sizeof text,
                    "\ntraffic (Poisson, %.3g requests/s; capacity %.3g requests/s)\n",
                    t.request_rate_per_s, t.capacity_requests_per_s);
    } else {
      std::snprintf(text, sizeof text,
                    "\ntraffic (closed loop, %llu users; capacity %.3g requests/s)\n",
                    static_cast<unsigned long long>(t.users), t.capacity_requests_per_s);
    }
    out += text;
    if (t.saturated) {
      out += "  saturated: arrivals exceed capacity, the queue grows without bound\n";
    } else {
      std::snprintf(text, sizeof text,
                    "                            median        p90\n"
                    "  time to first token    %8.3f s  %8.3f s\n"
                    "  inter-token latency    %8.1f ms %8.1f ms  (mean %.1f ms)\n"
                    "  end-to-end latency     %8.3f s  %8.3f s\n"
                    "  throughput             %8.2f requests/s, %.0f output tok/s\n"
                    "  in the system          %8.1f requests (decode batch %.1f)\n",
                    t.ttft_s.median, t.ttft_s.p90, t.itl_s.median * 1000.0, t.itl_s.p90 * 1000.0,
                    t.itl_s.mean * 1000.0, t.e2e_s.median, t.e2e_s.p90, t.request_rate_per_s,
                    t.output_tokens_per_s, t.concurrency, t.decode_batch);
      out += text;
    }
  } else if (r.traffic_error) {
    out += "\ntraffic: not estimated (" + printable(r.traffic_error->message) + ")\n";
  }
  if (!r.advice.empty()) {
    out += "\nadvice\n";
    for (const auto& advice : r.advice) out += "  - " + printable(advice) + "\n";
  }
  if (!r.assumptions.empty()) {
    out += "\nassumed (where the inputs were silent)\n";
    for (const auto& assumption : r.assumptions) out += "  - " + printable(assumption) + "\n";
  }
  return out;
}

std::string render_compare(const std::vector<CardFit>& fits) {
  std::string out;
  char text[320];
  for (const auto& fit : fits) {
    if (fit.sized()) {
      const NormalizedInputs& in = fit.report.inputs;
      std::snprintf(text, sizeof text, "%s on %ux, %s, %llu user%s x (%llu + %llu tokens)\n\n",
                    printable(in.model_name).c_str(), in.gpus, in.runtime.c_str(),
                    static_cast<unsigned long long>(in.workload.users),
                    in.workload.users == 1 ? "" : "s",
                    static_cast<unsigned long long>(in.workload.prompt_tokens),
                    static_cast<unsigned long long>(in.workload.output_tokens));
      out += text;
      break;
    }
  }
  std::snprintf(text, sizeof text, "%-26s %-13s %9s %12s %12s %9s %11s\n", "card", "verdict",
                "max users", "tok/s/user", "tok/s total", "TTFT s", "free");
  out += text;
  for (const auto& fit : fits) {
    if (!fit.sized()) {
      std::snprintf(text, sizeof text, "%-26s %-13s %s\n", fit.card->id.c_str(), "refused",
                    printable(fit.error->message).c_str());
      out += text;
      continue;
    }
    const SizingReport& r = fit.report;
    const double per_user = r.speed ? r.speed->decode_tokens_per_s_per_user : 0;
    const double total = r.speed ? r.speed->decode_tokens_per_s_total : 0;
    const double ttft = r.speed ? r.speed->ttft_s : 0;
    const std::string free_text =
        r.memory.free_bytes >= 0 ? format_bytes(static_cast<double>(r.memory.free_bytes))
                                 : "-" + format_bytes(static_cast<double>(-r.memory.free_bytes));
    std::snprintf(text, sizeof text, "%-26s %-13s %9llu %12.1f %12.1f %9.2f %11s\n",
                  fit.card->id.c_str(), to_string(r.verdict),
                  static_cast<unsigned long long>(r.max_users), per_user, total, ttft,
                  free_text.c_str());
    out += text;
  }
  for (const auto& fit : fits) {
    if (fit.sized() && fit.report.inputs.runtime == "transformers") {
      out +=
          "\ntransformers decodes eagerly: on most cards the host's CPU, not the card, sets "
          "tok/s; a desktop-class CPU is assumed\nfor consumer, workstation, laptop and SoC "
          "cards, a server's for datacenter cards (README, transformers).\n";
      break;
    }
  }
  return out;
}

std::string render_formats(const std::vector<FormatFit>& fits) {
  std::string out =
      "speedup: predicted decode speed over 16-bit weights; ideal: the byte ratio 16 / bits per "
      "weight;\n"
      "quality: published perplexity or score change (sources in `headroom formats` and "
      "--json)\n\n";
  char text[512];
  std::snprintf(text, sizeof text, "%-13s %-13s %10s %6s %11s %8s %6s  %s\n", "format", "verdict",
                "weights", "bpw", "tok/s/user", "speedup", "ideal", "quality cost");
  out += text;
  for (const auto& fit : fits) {
    if (!fit.sized()) {
      std::snprintf(text, sizeof text, "%-13s %-13s %s\n", fit.format.c_str(), "refused",
                    printable(fit.error->message).c_str());
      out += text;
      continue;
    }
    const SizingReport& r = fit.report;
    std::snprintf(
        text, sizeof text, "%-13s %-13s %10s %6.2f %11.1f %7.2fx %5.2fx  %s\n", fit.format.c_str(),
        to_string(r.verdict), format_bytes(static_cast<double>(r.memory.weights_bytes)).c_str(),
        r.inputs.bits_per_weight, r.speed ? r.speed->decode_tokens_per_s_per_user : 0.0,
        r.speed ? r.speed->speedup_vs_fp16 : 0.0, r.speed ? r.speed->ideal_speedup_vs_fp16 : 0.0,
        fit.quality.substr(0, fit.quality.find("; ")).c_str());
    out += text;
  }
  return out;
}

}  // namespace headroom::cli
