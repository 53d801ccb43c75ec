// The assumptions list of a report: every default Headroom applied where the request was silent,
// each with the value used, so a reader can check it against their own setup.
#include <cstdio>
#include <optional>
#include <string>

#include "base/release.h"
#include "headroom/units.h"
#include "headroom/weight_format.h"
#include "runtime/kv_layout.h"
#include "sizing/internal.h"
#include "speed/engine.h"
#include "speed/params.h"

namespace headroom {
namespace {

std::string gib_text(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GiB",
                static_cast<double>(bytes) / static_cast<double>(kGiB));
  return text;
}

// headroom-bench's kernels are Vulkan compute shaders: its GEMV figures are llama.cpp's Vulkan
// backend's own; every other backend and serving runtime keeps its fitted kernel share and takes
// the card's measured DRAM from the bench (speed model, make_setup).
std::string bench_line(const SizingRequest& r, const BenchCalibration& bench, DType weight_dtype) {
  const bool llama = is_llama_cpp(r.runtime);
  const Backend backend = r.backend.value_or(default_backend(r.runtime, r.card));
  const std::string format = dtype_info(weight_dtype).id;
  const bool vulkan_kernels = speed::bench_gemv_is_the_kernel(r.runtime, backend);
  if (vulkan_kernels && bench.gemv_efficiency)
    return "decode from the measured Vulkan " + format + " GEMV (" +
           format_bandwidth(bench.read_bytes_per_s * *bench.gemv_efficiency) +
           "): the Vulkan backend's own kernels";
  const speed::CardClass card_class = speed::classify_card(r.card);
  char share[200];
  std::snprintf(share, sizeof share, "%.0f%% of the %.0f%% of spec a streaming read usually reaches on %s cards",
                100.0 * speed::bench_card_factor(r.card, bench.read_bytes_per_s),
                100.0 * speed::stream_read_params(card_class).fraction,
                speed::card_class_params(card_class).name);
  const std::string whose = llama ? std::string("the ") + backend_key(backend) + " backend's"
                                  : std::string(runtime_profile(r.runtime).key) + "'s";
  std::string text = "the measured read " + format_bandwidth(bench.read_bytes_per_s) + " (" +
                     share + ") scales " + whose + " own fitted bandwidth";
  if (vulkan_kernels)
    text += "; the bench file has no " + format + " GEMV";
  else
    text += "; the bench's Vulkan GEMV figures describe llama.cpp's Vulkan kernels, not these";
  return text;
}

std::string release_text(const Release& release) {
  return std::to_string(release.major) + "." + std::to_string(release.minor) + "." +
         std::to_string(release.patch);
}

// A stated release or build month outside the measured ones: its figures are the nearest
// measured release's, which the reader should know.
std::optional<std::string> unmeasured_release_note(const SizingRequest& r) {
  const speed::MeasuredRange range = speed::measured_range(r.runtime);
  const std::string name = runtime_profile(r.runtime).name;
  if (r.knobs.llama_build_month) {
    const std::string& month = *r.knobs.llama_build_month;
    if (month < std::string(range.oldest_month))
      return name + " build " + month + " is older than any measured build (" + range.oldest_month +
             "): sized with the oldest measured build's figures";
    if (month > std::string(range.newest_month))
      return name + " build " + month + " is newer than any measured build (" + range.newest_month +
             "): sized with the newest measured build's figures";
  }
  if (r.knobs.engine_version && range.newest.known()) {
    const Release release = parse_release(*r.knobs.engine_version);
    if (release.known() &&
        release.before(range.oldest.major, range.oldest.minor, range.oldest.patch))
      return name + " " + *r.knobs.engine_version + " is older than any measured release (" +
             release_text(range.oldest) + "): sized with the oldest measured release's figures";
    if (release.known() && range.newest.before(release.major, release.minor, release.patch))
      return name + " " + *r.knobs.engine_version + " is newer than any measured release (" +
             release_text(range.newest) + "): sized with the newest measured release's figures";
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> assumptions_of(const SizingRequest& r, const NormalizedInputs& in,
                                        bool offloaded, const BenchCalibration* bench,
                                        DType weight_dtype) {
  const ModelArch& a = r.model;
  std::vector<std::string> out = r.name_notes;
  out.insert(out.end(), a.notes.begin(), a.notes.end());
  const RuntimeKnobs& k = r.knobs;
  if (auto note = unmeasured_release_note(r)) out.push_back(*note);
  if (auto format = find_weight_format(in.weight_format);
      format && (*format)->kernels == LinearKernels::bitsandbytes)
    out.push_back(std::string("bitsandbytes speed as measured on 0.45 (2024-12") +
                  (r.card.vendor == "nvidia" ? ")"
                                             : ", NVIDIA GPUs only; this card's backend is "
                                               "unmeasured)") +
                  "; 0.50 (2026-05) replaced its 4-bit kernels and has no published "
                  "end-to-end figures yet");
  if (r.runtime == RuntimeId::transformers && !k.host_cpu) {
    const HostCpu cpu = speed::guess_host_cpu(r.card);
    out.push_back(std::string("eager decode waits on the host's CPU: sized for ") +
                  (cpu == HostCpu::desktop ? "a desktop-class CPU (as measured with an RTX 4090)"
                   : cpu == HostCpu::older_server
                       ? "an older server's (as measured with a T4)"
                       : "a current server's (as measured with an H100)") +
                  "; --host-cpu desktop|server|older-server says otherwise");
  }
  if (r.kv_dtype == "auto" && auto_kv_bytes_per_element(a, r.runtime, r.card) < 2.0) {
    out.push_back("KV cache in fp8_e4m3: SGLang's default for DeepSeek sparse attention on "
                  "compute capability 10+ (--kv-cache-dtype auto)");
  } else if (r.kv_dtype == "auto") {
    out.push_back("KV cache in the model's 16-bit type (--kv-cache-dtype auto)");
  }
  if (a.is_block_sparse()) {
    out.push_back("MiniMax sparse attention: one index key of " +
                  std::to_string(a.index_head_dim) +
                  " bf16 values per token on each sparse layer beside K/V, on every GPU, "
                  "whatever the KV dtype (vLLM indexer_kv_dtype and SGLang defaults); decode "
                  "reads those layers' K/V for " + std::to_string(a.index_topk) +
                  " tokens (top-k blocks)");
  }
  if (r.runtime == RuntimeId::vllm && a.sliding_window_tokens > 0) {
    bool chunked = false;
    for (std::uint32_t layer = 0; layer < a.num_layers; ++layer)
      chunked |= a.attention_of(layer) == AttentionKind::chunked;
    if (chunked)
      out.push_back(
          vllm_holds_whole_chunks(a, parse_release(k.engine_version.value_or("")))
              ? "chunked local-attention layers cache every token: vLLM before 0.13 turns its "
                "hybrid KV cache manager off for them unless "
                "VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1"
              : "chunked local-attention layers hold their " +
                    std::to_string(a.sliding_window_tokens) +
                    "-token chunk (vLLM's hybrid KV cache manager, on for them by default since "
                    "0.13; VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=0 makes them hold "
                    "every token)");
  }
  const std::uint64_t per_sequence = r.workload.prompt_tokens + r.workload.output_tokens;
  if ((r.runtime == RuntimeId::ollama || r.runtime == RuntimeId::transformers) &&
      a.max_context_tokens > 0 && per_sequence > a.max_context_tokens)
    out.push_back("prompt + output (" + std::to_string(per_sequence) + " tokens) run past " + a.id +
                  "'s training context of " + std::to_string(a.max_context_tokens) +
                  " tokens: " + runtime_profile(r.runtime).name +
                  " runs them (llama.cpp warns \"possible training context overflow\"), but "
                  "the model's quality past it is not what it was trained for");
  const bool shards_experts = r.runtime == RuntimeId::vllm || r.runtime == RuntimeId::sglang ||
                              r.runtime == RuntimeId::trtllm;
  if (a.is_moe() && shards_experts && r.gpus > 1) {
    if (k.expert_parallel.value_or(false)) {
      const std::uint32_t busiest = (a.num_experts + r.gpus - 1) / r.gpus;
      out.push_back("expert parallel: each GPU holds whole routed experts (" +
                    std::to_string(busiest) + " of " + std::to_string(a.num_experts) +
                    " on the busiest); a step waits on the GPU whose experts the batch touches "
                    "most (uniform routing); the experts' all-to-all dispatch is not modelled");
    } else {
      out.push_back("routed experts sliced across the " + std::to_string(r.gpus) +
                    " GPUs by tensor parallelism (--expert-parallel on deals them out whole)");
    }
  }
  if (a.has_recurrent_state()) {
    const char* rule =
        is_llama_cpp(r.runtime) ? "conv and SSM state in f32, one cell per slot (llama.cpp)"
        : r.runtime == RuntimeId::vllm && k.prefix_caching.value_or(false)
            ? "state in the model dtype (Nemotron-H SSM in f32), pages padded to the attention "
              "block; prefix caching (mamba_cache_mode align): 2 state blocks held per request"
        : r.runtime == RuntimeId::vllm
            ? "state in the model dtype (Nemotron-H SSM in f32), pages padded to the attention "
              "block; no prefix caching (mamba_cache_mode none, --prefix-caching off)"
        : r.runtime == RuntimeId::sglang
            ? "conv state bf16, SSM state f32, in a mamba pool of 0.9 / 1.9 of the KV budget "
              "(--mamba-full-memory-ratio 0.9) with 5 state slots per running request"
            : "state in the model's 16-bit type";
    out.push_back(std::string("recurrent layers keep a fixed state per sequence: ") + rule);
    if (r.runtime == RuntimeId::ollama && in.parallel_slots == 1)
      out.push_back("Ollama runs this family one sequence at a time (num_parallel forced to 1)");
  }
  if (r.card.vendor != "nvidia") {
    out.push_back("driver/context reserve of " + gib_text(kCudaContextBytes) +
                  " as measured for CUDA on an H100; not measured for " + r.card.vendor + " cards");
  }
  if (is_llama_cpp(r.runtime)) {
    if (!r.backend) {
      out.push_back(std::string("backend ") + backend_key(default_backend(r.runtime, r.card)) +
                    ", the usual one for " + r.card.vendor + " cards (pass --backend)");
    }
    if (!k.ctx_size_tokens) {
      out.push_back("n_ctx = " + std::to_string(in.ctx_size_tokens) +
                    ": prompt + output for each of the " + std::to_string(in.parallel_slots) +
                    " slot(s) (pass --ctx-size to fix it)");
    }
    if (!k.parallel_slots) {
      out.push_back("one parallel slot per user (--parallel " + std::to_string(in.parallel_slots) +
                    ")");
    }
    if (!k.flash_attention) {
      out.push_back(std::string("flash attention ") + (in.flash_attention
                                                           ? "on (llama-server's -fa auto)"
                                                           : "off (Ollama's default)"));
    }
    if (offloaded && !k.host_bandwidth_bytes_per_s) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "system memory streams at %.0f GB/s (dual-channel DDR5-4800 at %.0f%%; pass "
                    "--host-bandwidth)",
                    speed::default_host_bandwidth_bytes_per_s() / 1e9,
                    100 * speed::kHostStreamEfficiency);
      out.push_back(text);
    }
  } else if (r.runtime != RuntimeId::transformers) {
    if (!k.max_model_len_tokens) {
      out.push_back("max_model_len = prompt + output (" + std::to_string(in.max_model_len_tokens) +
                    "); the server's own default is the model's " +
                    (a.max_context_tokens > 0
                         ? std::to_string(a.max_context_tokens) + " tokens"
                         : std::string("context, which its config does not state (vLLM "
                                       "then assumes 2048 tokens)")));
    }
    if (!k.gpu_memory_utilization && (r.runtime == RuntimeId::vllm ||
                                      r.runtime == RuntimeId::sglang ||
                                      r.runtime == RuntimeId::trtllm)) {
      const char* name = r.runtime == RuntimeId::vllm     ? "gpu_memory_utilization"
                         : r.runtime == RuntimeId::sglang ? "mem_fraction_static"
                                                          : "free_gpu_memory_fraction";
      char text[160];
      std::snprintf(text, sizeof text, "%s %.3f (the runtime's default)", name,
                    in.gpu_memory_utilization);
      out.push_back(text);
    }
  }
  if (bench) out.push_back(bench_line(r, *bench, weight_dtype));
  if (!r.bench_origin.empty()) out.push_back(r.bench_origin);  // last: where the figures came from
  return out;
}

}  // namespace headroom
