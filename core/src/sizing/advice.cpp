// Advice a user can act on, each line backed by re-running the model with one change.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "headroom/units.h"
#include "headroom/weight_format.h"
#include "runtime/memory.h"
#include "sizing/internal.h"

namespace headroom {
namespace {

std::string gib(std::uint64_t bytes) { return format_bytes(static_cast<double>(bytes)); }

// "1 user", "8 users".
std::string users(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " user" : " users");
}

// Candidate weight formats from best quality to smallest, per runtime family.
std::vector<std::string> smaller_formats(RuntimeId runtime) {
  if (is_llama_cpp(runtime))
    return {"q8_0", "q6_k", "q5_k_m", "q4_k_m", "iq4_xs", "q3_k_m", "q2_k"};
  if (runtime == RuntimeId::transformers) return {"bnb-int8", "bnb-nf4"};
  return {"fp8", "awq", "gptq"};
}

const char* cheaper_kv(RuntimeId runtime) {
  return is_llama_cpp(runtime) ? "q8_0" : runtime == RuntimeId::transformers ? nullptr : "fp8";
}

// "; decodes at about 12.3 tok/s per user": the speed a suggested variant would run at.
std::string decode_note(const SizingReport& report) {
  if (!report.speed) return "";
  char text[64];
  std::snprintf(text, sizeof text, "; decodes at about %.1f tok/s per user",
                report.speed->decode_tokens_per_s_per_user);
  return text;
}

bool workable(const Result<SizingReport>& report) {
  return report && report->verdict != Verdict::does_not_fit;
}

}  // namespace

std::vector<std::string> make_advice(const SizingRequest& request, const SizingReport& report) {
  std::vector<std::string> advice;
  const MemoryBreakdown& m = report.memory;
  const bool fails = report.verdict == Verdict::does_not_fit;
  const bool weights_problem =
      m.weights_bytes + m.activation_bytes + m.runtime_overhead_bytes > m.capacity_bytes * 9 / 10;

  // 1. The KV cache dtype: what halving it buys.
  if (const char* kv = cheaper_kv(request.runtime);
      kv && (request.kv_dtype == "auto" || request.kv_dtype == "fp16" ||
             request.kv_dtype == "bf16" || request.kv_dtype == "f16")) {
    SizingRequest variant = request;
    variant.kv_dtype = kv;
    if (is_llama_cpp(request.runtime)) variant.knobs.flash_attention = true;
    auto other = evaluate(variant);
    if (other && other->max_users > report.max_users) {
      // llama.cpp quantizes V only with flash attention, which Ollama leaves off by default:
      // the flags are the ones that run.
      const bool add_fa =
          is_llama_cpp(request.runtime) &&
          !request.knobs.flash_attention.value_or(request.runtime != RuntimeId::ollama);
      char line[256];
      std::snprintf(
          line, sizeof line,
          "%s KV cache (--kv-cache-dtype %s%s) raises max users from %llu to %llu at these "
          "lengths%s",
          kv, kv, add_fa ? " --flash-attention on" : "",
          static_cast<unsigned long long>(report.max_users),
          static_cast<unsigned long long>(other->max_users),
          is_llama_cpp(request.runtime) ? " (a quantized V cache needs flash attention)"
                                        : "; small quality cost on most models");
      advice.push_back(line);
    }
  }

  // 2. More GPUs when the weights do not fit one. Not where Ollama's one-sequence rule is all
  // that queues the users: no card or format changes it.
  bool more_gpus_fit = false, smaller_format_fits = false;
  const bool one_at_a_time = request.runtime == RuntimeId::ollama &&
                             ollama_runs_one_sequence(request.model) && request.workload.users > 1;
  if (fails && one_at_a_time) {
    // The advice for one user (what loads at all), after the line that no card changes.
    advice.push_back("Ollama runs " + request.model.id + "'s family one sequence at a time, so " +
                     std::to_string(request.workload.users - 1) +
                     " of the users queue on any card; llama.cpp's llama-server (-np " +
                     std::to_string(request.workload.users) +
                     ") or a serving engine runs them together");
    SizingRequest alone = request;
    alone.workload.users = 1;
    if (auto single = evaluate(alone)) {
      for (auto& line : make_advice(alone, *single)) advice.push_back(std::move(line));
    }
    return advice;
  }
  if (fails) {
    for (std::uint32_t gpus = request.gpus * 2; gpus <= 8; gpus *= 2) {
      SizingRequest variant = request;
      variant.gpus = gpus;
      auto other = evaluate(variant);
      // A block-fp8 MoE the loader cannot slice over this many GPUs loads with whole experts.
      const bool whole_experts =
          !other && other.error().field == "quant" && request.model.is_moe() &&
          !request.knobs.expert_parallel.value_or(false) &&
          (request.runtime == RuntimeId::vllm || request.runtime == RuntimeId::sglang);
      if (whole_experts) {
        variant.knobs.expert_parallel = true;
        auto with_ep = evaluate(variant);
        if (workable(with_ep)) {
          advice.push_back(
              "needs " + std::to_string(gpus) + " GPUs with whole experts per GPU (" +
              (request.runtime == RuntimeId::vllm
                   ? "--tensor-parallel-size " + std::to_string(gpus) + " --enable-expert-parallel"
                   : "--tp-size " + std::to_string(gpus) + " --ep-size " + std::to_string(gpus)) +
              "; --expert-parallel on here): " + gib(with_ep->memory.weights_bytes) +
              " of weights per GPU, up to " + users(with_ep->max_users));
          more_gpus_fit = true;
          break;
        }
      }
      if (workable(other)) {
        advice.push_back("needs " + std::to_string(gpus) + " GPUs with " +
                         (is_llama_cpp(request.runtime)
                              ? std::string("layer split (--split-mode layer)")
                          : request.runtime == RuntimeId::transformers
                              ? std::string("device_map=\"auto\" (layers split across them, run "
                                            "in turn: more memory, not more speed)")
                          : request.knobs.expert_parallel.value_or(false) && request.model.is_moe()
                              ? std::string("tensor parallel and whole experts per GPU "
                                            "(--tensor-parallel-size ") +
                                    std::to_string(gpus) + " --enable-expert-parallel)"
                              : std::string("tensor parallel (--tensor-parallel-size ") +
                                    std::to_string(gpus) + ")") +
                         ": " + gib(other->memory.weights_bytes) + " of weights per GPU, up to " +
                         users(other->max_users));
        more_gpus_fit = true;
        break;
      }
    }
  }

  // 2a. MoE in llama.cpp: keep the experts of the first N layers in system memory
  // (--n-cpu-moe); only the active experts are read per token, so this costs less speed than -ngl.
  if (fails && is_llama_cpp(request.runtime) && request.model.is_moe() &&
      !request.knobs.cpu_moe_layers) {
    std::uint32_t low = 1, high = request.model.num_layers + 1;  // smallest workable N in [1, n]
    while (low < high) {
      const std::uint32_t mid = (low + high) / 2;
      SizingRequest variant = request;
      variant.knobs.cpu_moe_layers = mid;
      if (workable(evaluate(variant)))
        high = mid;
      else
        low = mid + 1;
    }
    if (low <= request.model.num_layers) {
      SizingRequest variant = request;
      variant.knobs.cpu_moe_layers = low;
      auto other = evaluate(variant);
      if (workable(other) && other->speed) {
        char line[320];
        std::snprintf(line, sizeof line,
                      "with --n-cpu-moe %u the experts of the first %u layers stay in system "
                      "memory (%s there) and it runs: "
                      "decode about %.1f tok/s per user",
                      low, low, gib(other->memory.host_bytes).c_str(),
                      other->speed->decode_tokens_per_s_per_user);
        advice.push_back(line);
      }
    }
  }

  // 2b. llama.cpp can keep some layers in system memory (-ngl): the most layers that fit.
  if (fails && is_llama_cpp(request.runtime) && !request.knobs.gpu_layers) {
    std::uint32_t low = 0, high = request.model.num_layers;  // largest workable -ngl in [0, n]
    while (low < high) {
      const std::uint32_t mid = (low + high + 1) / 2;
      SizingRequest variant = request;
      variant.knobs.gpu_layers = mid;
      if (workable(evaluate(variant)))
        low = mid;
      else
        high = mid - 1;
    }
    SizingRequest variant = request;
    variant.knobs.gpu_layers = low;
    auto other = evaluate(variant);
    if (low > 0 && workable(other) && other->speed) {
      char line[320];
      std::snprintf(line, sizeof line,
                    "with --n-gpu-layers %u (of %u) it runs, the rest from system memory: decode "
                    "falls to about %.1f tok/s per user",
                    low, request.model.num_layers, other->speed->decode_tokens_per_s_per_user);
      advice.push_back(line);
    }
  }

  // 3. A smaller weight format, with its quality cost, when weights are the problem.
  if (fails || weights_problem) {
    for (const auto& id : smaller_formats(request.runtime)) {
      if (id == request.weight_format) continue;
      SizingRequest variant = request;
      variant.weight_format = id;
      auto other = evaluate(variant);
      if (!other || other->memory.weights_bytes >= m.weights_bytes) continue;
      if (workable(other)) {
        auto format = find_weight_format(id);
        advice.push_back(
            id + " weights fit on " + std::to_string(request.gpus) + " GPU(s) (" +
            gib(other->memory.weights_bytes) + " instead of " + gib(m.weights_bytes) + ")" +
            (format ? "; quality: " + quality_summary(*format.value()) : std::string()) +
            decode_note(*other));
        smaller_format_fits = true;
        break;
      }
    }
    // 3a. Neither alone is enough: the smallest GPU count at which a smaller format fits.
    if (fails && !more_gpus_fit && !smaller_format_fits) {
      bool found = false;
      for (std::uint32_t gpus = request.gpus * 2; gpus <= 8 && !found; gpus *= 2) {
        for (const auto& id : smaller_formats(request.runtime)) {
          if (id == request.weight_format) continue;
          SizingRequest variant = request;
          variant.gpus = gpus;
          variant.weight_format = id;
          auto other = evaluate(variant);
          if (!other || !workable(other)) continue;
          auto format = find_weight_format(id);
          advice.push_back("neither more GPUs (up to 8) nor a smaller format alone fits; " + id +
                           " weights on " + std::to_string(gpus) + " GPUs do (" +
                           gib(other->memory.weights_bytes) + " per GPU, up to " +
                           users(other->max_users) + ")" +
                           (format ? "; quality: " + quality_summary(*format.value())
                                   : std::string()));
          found = true;
          break;
        }
      }
      if (!found)
        advice.push_back("no weight format " + std::string(runtime_profile(request.runtime).name) +
                         " serves fits on up to 8 of these cards; a card with more memory is "
                         "needed (headroom compare lists them)");
    }
  } else if (report.verdict != Verdict::fits && m.kv_cache_bytes > m.weights_bytes / 2) {
    advice.push_back(
        "the KV cache is the problem here, not the weights: a smaller weight format frees little; "
        "shorten prompts, lower users, or use a smaller KV dtype");
  }

  // 4. vLLM-like runtimes default max_model_len to the model's full context.
  const bool budgeted =
      !is_llama_cpp(request.runtime) && request.runtime != RuntimeId::transformers;
  if (budgeted && !request.knobs.max_model_len_tokens &&
      request.model.max_context_tokens > report.inputs.context_tokens_per_user) {
    SizingRequest variant = request;
    variant.knobs.max_model_len_tokens = request.model.max_context_tokens;
    auto other = evaluate(variant);
    if (other && other->verdict == Verdict::does_not_fit && !fails) {
      advice.push_back(
          "pass --max-model-len " + std::to_string(report.inputs.context_tokens_per_user) +
          " (or up to " + std::to_string(report.max_context_tokens) +
          "): the default, the model's " + std::to_string(request.model.max_context_tokens) +
          " tokens, does not fit this card's KV cache and the server refuses to start");
    }
  }

  // 4b. Ollama's default context is 4096 tokens (docs/faq.md "How can I specify the context
  // window size?"); a longer prompt is truncated unless num_ctx is raised.
  if (request.runtime == RuntimeId::ollama && !request.knobs.ctx_size_tokens &&
      report.inputs.context_tokens_per_user > 4096) {
    advice.push_back("set num_ctx (OLLAMA_CONTEXT_LENGTH or the num_ctx parameter) to at least " +
                     std::to_string(report.inputs.context_tokens_per_user) +
                     ": Ollama's default of 4096 tokens would silently truncate these prompts; "
                     "this report assumes you did");
  }

  // 5. Headroom that is there.
  if (!fails && report.max_users > request.workload.users) {
    advice.push_back("up to " + users(report.max_users) + " fit at " +
                     std::to_string(report.inputs.context_tokens_per_user) + " tokens each, or " +
                     users(request.workload.users) + " at up to " +
                     std::to_string(report.max_context_tokens) + " tokens each");
  }
  if (fails && report.max_users > 0 && report.max_users < request.workload.users) {
    advice.push_back("at these lengths " + users(report.max_users) +
                     " fit at once; the rest wait in the queue");
  }

  // 5b. Traffic: saturation, and the load where a latency target breaks.
  if (report.traffic && report.traffic->saturated) {
    const TrafficEstimate& t = *report.traffic;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%.3g requests/s is above this setup's capacity of about %.3g requests/s: the "
                  "queue grows without bound; it needs at least %.0f replicas (more for latency)",
                  t.request_rate_per_s, t.capacity_requests_per_s,
                  std::ceil(t.request_rate_per_s / t.capacity_requests_per_s));
    advice.push_back(line);
  }
  if (report.target_limit) {
    const TargetLimit& limit = *report.target_limit;
    const bool rate = limit.arrival == Arrival::rate;
    std::string targets;
    char part[96];
    if (request.traffic.ttft_target_s) {
      std::snprintf(part, sizeof part, "TTFT p90 <= %.3g s", *request.traffic.ttft_target_s);
      targets += part;
    }
    if (request.traffic.itl_target_s) {
      std::snprintf(part, sizeof part, "%sITL <= %.3g ms", targets.empty() ? "" : " and ",
                    *request.traffic.itl_target_s * 1000.0);
      targets += part;
    }
    const char* why = limit.broken_by == "ttft_target_s"  ? "TTFT breaks first"
                      : limit.broken_by == "itl_target_s" ? "ITL breaks first"
                      : rate                              ? "capacity is reached first"
                             : "the batch limit is reached first; more users only wait for a slot";
    char line[256];
    if (limit.limit <= 0) {
      std::snprintf(line, sizeof line, "%s is not met even at the lightest load here (%s)",
                    targets.c_str(), why);
    } else if (rate) {
      std::snprintf(line, sizeof line, "%s holds up to %.3g requests/s on this setup (%s)",
                    targets.c_str(), limit.limit, why);
    } else {
      std::snprintf(line, sizeof line, "%s holds up to %s on this setup (%s)", targets.c_str(),
                    users(static_cast<std::uint64_t>(limit.limit)).c_str(), why);
    }
    advice.push_back(line);
  }

  // 6. Speed reality of quantization.
  if (report.speed && report.speed->ideal_speedup_vs_fp16 > 1.2) {
    auto format = find_weight_format(report.inputs.weight_format);
    const bool bnb = format && (*format)->kernels == LinearKernels::bitsandbytes;
    const bool bnb_4bit = bnb && (*format)->main_dtype != DType::int8_rowwise;
    const bool eager_or_int8 = request.runtime == RuntimeId::transformers || !bnb_4bit;
    const char* why =
        bnb_4bit && report.inputs.workload.users > 1
            ? "past one sequence a step, bitsandbytes 0.45 dequantizes every 4-bit weight to a "
              "16-bit copy each step: batching costs more than it gains; AWQ or GPTQ keep a "
              "4-bit GEMM"
        : bnb && eager_or_int8 ? "bitsandbytes runs every linear layer through host-side ops of "
                                 "its own, which a fast GPU waits on"
        : report.speed->bound == "host"
            ? "the step waits on the host's CPU issuing its ops, which fewer bytes do not shorten"
            : "dequantization and fixed costs";
    char line[400];
    if (report.speed->speedup_vs_fp16 < 1.0) {
      std::snprintf(line, sizeof line,
                    "decode is slower than with 16-bit weights here: about %.2fx their speed, "
                    "where the byte ratio promises %.2fx (%s)",
                    report.speed->speedup_vs_fp16, report.speed->ideal_speedup_vs_fp16, why);
    } else {
      std::snprintf(line, sizeof line,
                    "decode speedup over 16-bit weights: about %.2fx here, not the %.2fx the "
                    "byte ratio promises (%s)",
                    report.speed->speedup_vs_fp16, report.speed->ideal_speedup_vs_fp16, why);
    }
    advice.push_back(line);
  }
  return advice;
}

}  // namespace headroom
