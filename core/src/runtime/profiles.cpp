// The runtimes Headroom models and the rule each uses to size its KV cache.
#include "headroom/runtime.h"

#include "base/text_match.h"
#include "headroom/card.h"

namespace headroom {

const std::vector<RuntimeProfile>& runtime_profiles() {
  static const std::vector<RuntimeProfile> kProfiles = {
      {RuntimeId::vllm, "vllm", "vLLM (V1 engine)", Scheduling::continuous_batching,
       "KV = gpu_memory_utilization (0.9) x total - weights - peak activation - non-torch; "
       "16-token blocks",
       "vllm/v1/worker/gpu_worker.py determine_available_memory; vllm/utils/mem_utils.py "
       "MemoryProfilingResult; measured in llm-d/llm-d-benchmark "
       "config_explorer/empirical-vllm-memory-results.md"},
      {RuntimeId::sglang, "sglang", "SGLang", Scheduling::continuous_batching,
       "KV pool = mem_fraction_static x (total - start-up memory) - weights; the fraction leaves a "
       "reserve for activations and CUDA graphs that grows with the card (0.834 on an H100 80GB)",
       "sglang python/sglang/srt/server_args.py _handle_gpu_memory_settings (PR #10975, v0.5.4+); "
       "model_runner.py profile_max_num_token"},
      {RuntimeId::trtllm, "trtllm", "TensorRT-LLM", Scheduling::continuous_batching,
       "KV = free_gpu_memory_fraction (0.9) x (device total - the peak of a max_num_tokens dry "
       "run after weights and warm-up)",
       "TensorRT-LLM tensorrt_llm/_torch/pyexecutor/_util.py KvCacheCreator (PyTorch backend, "
       "1.x); docs reference/memory.html, KvCacheConfig.free_gpu_memory_fraction"},
      {RuntimeId::tgi, "tgi", "Text Generation Inference", Scheduling::continuous_batching,
       "KV blocks = 0.95 (TGI_WIGGLE_ROOM) x memory free after weights and a "
       "max_batch_prefill_tokens warmup",
       "huggingface/text-generation-inference "
       "server/text_generation_server/models/flash_causal_lm.py warmup"},
      {RuntimeId::llamacpp, "llama.cpp", "llama.cpp (llama-server)", Scheduling::parallel_slots,
       "KV = n_ctx (padded) x layers x KV width, shared by --parallel slots; plus compute buffer "
       "(n_ubatch)",
       "ggml-org/llama.cpp src/llama-kv-cache.cpp, llama-context.cpp graph_reserve; "
       "gpustack/gguf-parser-go file_estimate__llamacpp.go"},
      {RuntimeId::ollama, "ollama", "Ollama (llama.cpp engine)", Scheduling::parallel_slots,
       "as llama.cpp: num_ctx x OLLAMA_NUM_PARALLEL context, f16 KV unless OLLAMA_KV_CACHE_TYPE",
       "ollama/ollama docs/faq.md (context length, parallel requests, KV cache type)"},
      {RuntimeId::transformers, "transformers", "Hugging Face transformers (generate)",
       Scheduling::static_batch,
       "no reservation: weights + dynamic KV cache for the batch + prefill activations",
       "huggingface/transformers generation/utils.py (DynamicCache); bitsandbytes for nf4/int8"},
  };
  return kProfiles;
}

std::optional<std::string> runtime_refuses_card(RuntimeId runtime, const Card& card) {
  // Which accelerators each runtime's releases support, from their installation docs:
  // vLLM docs "GPU installation" (CUDA, ROCm, Intel XPU) and vllm-project/vllm-gaudi (Gaudi),
  // no GPU support on Apple silicon; SGLang docs "Install" (NVIDIA, AMD, Intel XPU); TensorRT-LLM:
  // NVIDIA only; TGI docs "Supported hardware" (NVIDIA, AMD Instinct, Intel Gaudi, Intel GPUs);
  // llama.cpp README backends (CUDA, HIP, SYCL, Vulkan, Metal) and Ollama docs/gpu.md, neither
  // for Gaudi; transformers runs wherever PyTorch does (CUDA, ROCm, XPU, MPS, HPU).
  const bool gaudi = card.architecture.rfind("Gaudi", 0) == 0;
  const std::string& vendor = card.vendor;
  const char* name = runtime_profile(runtime).name;
  auto refuse = [&](const std::string& what) {
    return std::optional<std::string>(std::string(name) + " does not run on " + what + " (" +
                                      card.name + ")");
  };
  // CPU entries of the catalog (segment "cpu") are sized for llama.cpp's CPU backend only.
  if (card.segment == "cpu" && !is_llama_cpp(runtime)) return refuse("CPUs in this catalog");
  switch (runtime) {
    case RuntimeId::trtllm:
      if (vendor != "nvidia") return refuse("non-NVIDIA cards");
      break;
    case RuntimeId::vllm:
      if (vendor == "apple") return refuse("Apple GPUs");
      break;
    case RuntimeId::sglang:
      if (vendor == "apple") return refuse("Apple GPUs");
      if (gaudi) return refuse("Intel Gaudi");
      break;
    case RuntimeId::tgi:
      if (vendor == "apple") return refuse("Apple GPUs");
      if (vendor == "amd" && card.segment != "datacenter") return refuse("AMD consumer GPUs");
      break;
    case RuntimeId::llamacpp:
    case RuntimeId::ollama:
      if (gaudi) return refuse("Intel Gaudi");
      break;
    case RuntimeId::transformers:
      break;
  }
  return std::nullopt;
}

const RuntimeProfile& runtime_profile(RuntimeId id) {
  for (const auto& profile : runtime_profiles()) {
    if (profile.id == id) return profile;
  }
  return runtime_profiles().front();
}

Result<RuntimeId> parse_runtime(std::string_view key) {
  const std::string lower = to_lower(key);
  for (const auto& profile : runtime_profiles()) {
    if (lower == profile.key) return profile.id;
  }
  if (lower == "llamacpp" || lower == "llama-cpp" || lower == "llama-server")
    return RuntimeId::llamacpp;
  if (lower == "tensorrt-llm" || lower == "tensorrt_llm" || lower == "trt-llm")
    return RuntimeId::trtllm;
  if (lower == "hf" || lower == "huggingface") return RuntimeId::transformers;
  return refused(ErrorCode::unknown_name, "runtime",
                 "unknown runtime '" + std::string(key) +
                     "' (known: vllm, sglang, trtllm, tgi, llama.cpp, ollama, transformers)");
}

std::optional<HostCpu> parse_host_cpu(std::string_view text) {
  if (text == "desktop") return HostCpu::desktop;
  if (text == "server") return HostCpu::server;
  if (text == "older-server" || text == "older_server") return HostCpu::older_server;
  return std::nullopt;
}

std::optional<bool> parse_chat_endpoint(std::string_view text) {
  if (text == "chat") return true;
  if (text == "completions") return false;
  return std::nullopt;
}

}  // namespace headroom
