#include "request_flags.h"

#include <regex>

#include "model_source.h"
#include "text_file.h"

namespace headroom::cli {
namespace {

struct FlagSpec {
  const char* key;  // request key
  const char* flag;
  const char* help;
};

// Every request key but model/card/vendor/bench (added with their own rules below).
constexpr FlagSpec kFlags[] = {
    {"quant", "--quant", "weight format (see `headroom formats`); default: the checkpoint's own"},
    {"kv_cache_dtype", "--kv-cache-dtype",
     "KV cache dtype: auto, fp16, bf16, fp8, int8, q8_0, q4_0"},
    {"runtime", "--runtime", "vllm | sglang | trtllm | tgi | llama.cpp | ollama | transformers"},
    {"gpus", "--gpus",
     "identical cards (tensor parallel; llama.cpp and transformers: layer split)"},
    {"prompt_tokens", "--prompt-tokens", "prompt tokens per request (default 1024)"},
    {"output_tokens", "--output-tokens", "output tokens per request (default 256)"},
    {"users", "--users", "concurrent requests (default 1)"},
    {"max_model_len", "--max-model-len", "vLLM/SGLang/TGI/TRT-LLM longest sequence"},
    {"max_num_batched_tokens", "--max-num-batched-tokens",
     "prompt tokens per engine step: vLLM max_num_batched_tokens, SGLang chunked_prefill_size, "
     "TRT-LLM max_num_tokens, TGI max_batch_prefill_tokens (default: the engine's)"},
    {"stream_interval", "--stream-interval",
     "TensorRT-LLM stream_interval: responses streamed every N steps (default 1); 0: not streamed"},
    {"cuda_graph_max_batch", "--cuda-graph-max-batch",
     "largest CUDA-graph batch the engine captures (vLLM max_cudagraph_capture_size, SGLang "
     "cuda_graph_max_bs, TRT-LLM cuda_graph_config.max_batch_size; default: the engine's)"},
    {"max_num_seqs", "--max-num-seqs",
     "vLLM sequences run at once and sampled by its profile run (default 1024 on cards with "
     "70 GiB or more, else 256)"},
    {"gpu_memory_utilization", "--gpu-memory-utilization",
     "vLLM budget fraction (default 0.9); SGLang mem_fraction_static; TensorRT-LLM "
     "free_gpu_memory_fraction"},
    {"ctx_size", "--ctx-size", "llama.cpp/Ollama n_ctx over all slots"},
    {"parallel", "--parallel", "llama.cpp/Ollama parallel slots (default: users)"},
    {"ubatch_size", "--ubatch-size", "llama.cpp n_ubatch (default 512)"},
    {"flash_attention", "--flash-attention", "llama.cpp/Ollama: on | off"},
    {"endpoint", "--endpoint",
     "serving engines: completions (default) | chat: the clients' API (vLLM renders each chat "
     "request's template in its API server, one at a time)"},
    {"async_scheduling", "--async-scheduling",
     "vLLM: on | off (default off): host scheduling overlaps the GPU step"},
    {"expert_parallel", "--expert-parallel",
     "vLLM / SGLang / TensorRT-LLM MoE: on | off (default off): whole experts split across the "
     "GPUs (vLLM --enable-expert-parallel, SGLang --ep-size, TRT-LLM --ep_size = GPUs)"},
    {"host_cpu", "--host-cpu",
     "transformers: desktop | server | older-server, the CPU its eager steps wait on (default: "
     "guessed from the card)"},
    {"prefix_caching", "--prefix-caching",
     "vLLM: on | off (hybrid models then hold 2 state blocks per request; default off)"},
    {"n_gpu_layers", "--n-gpu-layers",
     "llama.cpp/Ollama -ngl: layers on the GPU (default all + output head)"},
    {"n_cpu_moe", "--n-cpu-moe",
     "llama.cpp: keep the MoE experts of the first N layers in system memory"},
    {"host_bandwidth_gb_per_s", "--host-bandwidth",
     "system memory GB/s for CPU-resident layers (default 61)"},
    {"backend", "--backend",
     "llama.cpp/Ollama: cuda | vulkan | rocm | metal | sycl (default: the vendor's usual)"},
    {"engine_version", "--engine-version",
     "vLLM/SGLang/TRT-LLM/TGI release the speed figures describe (e.g. 0.6.3; default: current)"},
    {"llama_build_month", "--llama-build",
     "llama.cpp/Ollama build month YYYY-MM the speed figures describe (default: a current build)"},
    {"arrival", "--arrival",
     "burst (default: all users at once) | closed-loop (users resend on reply) | rate (Poisson)"},
    {"request_rate", "--request-rate", "requests per second with --arrival rate"},
    {"ttft_target_s", "--ttft-target", "time-to-first-token target, seconds (p90)"},
    {"itl_target_s", "--itl-target", "inter-token latency target, seconds (mean)"},
};
constexpr FlagSpec kModel{"model", "--model",
                          "catalog id, HF repo, path/to/config.json (or its folder) or path/to/model.gguf"};
constexpr FlagSpec kCard{"card", "--card", "card id (see `headroom cards`)"};
constexpr FlagSpec kBench{"bench", "--bench",
                          "a headroom-bench result (headroom.bench.v1) measured on this card"};
constexpr FlagSpec kVendor{"vendor", "--vendor", "only nvidia | amd | intel | apple cards"};

constexpr std::uint64_t kMaxBenchBytes = 64ull << 20;

std::string flag_of(const std::string& key) {
  for (const FlagSpec& spec : kFlags) {
    if (key == spec.key) return spec.flag;
  }
  for (const FlagSpec* spec : {&kModel, &kCard, &kBench, &kVendor}) {
    if (key == spec->key) return spec->flag;
  }
  return "";
}

}  // namespace

void RequestFlags::add_to(CLI::App* cmd, bool with_card, bool with_bench, bool with_vendor) {
  cmd->add_option(kModel.flag, values_[kModel.key], kModel.help)->required();
  for (const FlagSpec& spec : kFlags) {
    auto* option = cmd->add_option(spec.flag, values_[spec.key], spec.help);
    if (std::string(spec.key) == "runtime") option->required();
  }
  if (with_card) cmd->add_option(kCard.flag, values_[kCard.key], kCard.help)->required();
  if (with_bench) cmd->add_option(kBench.flag, values_[kBench.key], kBench.help);
  if (with_vendor) cmd->add_option(kVendor.flag, values_[kVendor.key], kVendor.help);
}

Result<RequestText> RequestFlags::read(const CLI::App* cmd) const {
  RequestText text;
  for (const auto& [key, value] : values_) {
    const std::string flag = flag_of(key);
    const CLI::Option* option = cmd->get_option_no_throw(flag);
    if (option == nullptr || option->count() == 0) continue;
    if (key == "model") {
      if (auto file = read_model_file(value)) {
        if (!*file) return file->error();
        text.model_arch = std::move(file->value().arch);
        text.model_from_gguf = file->value().from_gguf;
        continue;
      }
    }
    if (key == "bench") {
      auto bench = read_text_file(value, "bench", kMaxBenchBytes);
      if (!bench) return bench.error();
      text.set(key, std::move(bench).value());
      continue;
    }
    text.set(key, value);
  }
  return text;
}

std::string message_for(const Error& error, const std::string& bench_path) {
  if (error.field.rfind("bench", 0) == 0 && !bench_path.empty()) {
    return bench_path + ": " + error.message;
  }
  std::string message = error.message;
  // The field the message starts with, then every snake_case request key it mentions.
  const std::string lead = flag_of(error.field);
  if (!lead.empty() && message.rfind(error.field + " ", 0) == 0) {
    message = lead + message.substr(error.field.size());
  }
  for (const auto key : request_keys()) {
    if (key.find('_') == std::string_view::npos) continue;
    const std::regex word("\\b" + std::string(key) + "\\b");
    message = std::regex_replace(message, word, flag_of(std::string(key)));
  }
  return message;
}

}  // namespace headroom::cli
