// The checks of a sizing request, before any memory is counted: every number in range, knobs
// only where the runtime has them, the runtime's own refusals (context window, tensor-parallel
// head split, accelerator, weight format, KV dtype). Fields are request keys (documents/request).
#include <algorithm>
#include <string>

#include "base/release.h"
#include "runtime/memory.h"
#include "sizing/internal.h"
#include "speed/engine.h"
#include "speed/params.h"

namespace headroom {
namespace {

std::string count_text(std::uint64_t value) { return std::to_string(value); }

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

bool runtime_offers(const std::vector<std::string>& runtimes, RuntimeId id) {
  const std::string key = runtime_profile(id).key;
  return runtimes.empty() || std::find(runtimes.begin(), runtimes.end(), key) != runtimes.end();
}

template <typename T>
bool outside(const std::optional<T>& value, T low, T high) {
  return value && (*value < low || *value > high);
}

std::optional<Error> check_numbers(const SizingRequest& r) {
  const Workload& w = r.workload;
  const std::string most = "must be at most " + count_text(kMaxTokens) + " (got ";
  if (w.prompt_tokens > kMaxTokens)
    return invalid("prompt_tokens", most + count_text(w.prompt_tokens) + ")");
  if (w.output_tokens > kMaxTokens)
    return invalid("output_tokens", most + count_text(w.output_tokens) + ")");
  if (w.prompt_tokens + w.output_tokens == 0) {
    return invalid("prompt_tokens", "+ output_tokens must be at least 1");
  }
  if (w.users == 0 || w.users > 100000) {
    return invalid("users", "must be 1..100000 (got " + count_text(w.users) + ")");
  }
  if (r.gpus == 0 || r.gpus > 64)
    return invalid("gpus", "must be 1..64 (got " + count_text(r.gpus) + ")");
  if (r.card.usable_memory_bytes == 0 || r.card.bandwidth_bytes_per_s <= 0) {
    return invalid("card", "has no usable memory or bandwidth");
  }
  // A unified-memory device (an SoC or a CPU) is one machine; spreading a model over several
  // (llama.cpp RPC, exo) is a network split, not modelled.
  if (r.card.unified_memory && r.gpus > 1)
    return invalid("gpus", "must be 1 for " + r.card.name +
                               ": it is one device sharing memory with its CPU (several machines "
                               "over a network are not modelled)");
  const RuntimeKnobs& k = r.knobs;
  if (k.gpu_memory_utilization &&
      !(*k.gpu_memory_utilization > 0 && *k.gpu_memory_utilization <= 1)) {
    return invalid("gpu_memory_utilization", "must be in (0, 1]");
  }
  const std::string tokens = "must be 1.." + count_text(kMaxTokens);
  if (outside<std::uint64_t>(k.max_model_len_tokens, 1, kMaxTokens))
    return invalid("max_model_len", tokens);
  if (outside<std::uint64_t>(k.ctx_size_tokens, 1, kMaxTokens)) return invalid("ctx_size", tokens);
  if (outside<std::uint32_t>(k.parallel_slots, 1, 4096))
    return invalid("parallel", "must be 1..4096");
  if (is_llama_cpp(r.runtime) && outside<std::uint32_t>(k.parallel_slots, 1, kLlamaMaxSequences))
    return invalid("parallel", "must be 1.." + std::to_string(kLlamaMaxSequences) +
                                   ": llama.cpp runs at most that many sequences (LLAMA_MAX_SEQ)");
  if (outside<std::uint32_t>(k.ubatch_size_tokens, 1, 65536))
    return invalid("ubatch_size", "must be 1..65536");
  if (outside<std::uint64_t>(k.max_num_batched_tokens, 1, kMaxTokens)) {
    return invalid("max_num_batched_tokens", tokens);
  }
  if (outside<std::uint32_t>(k.stream_interval, 0, 1000))
    return invalid("stream_interval", "must be 0..1000 (0: responses not streamed)");
  if (outside<std::uint32_t>(k.cuda_graph_max_batch, 1, 65536))
    return invalid("cuda_graph_max_batch", "must be 1..65536");
  if (outside<std::uint32_t>(k.max_num_seqs, 1, 65536))
    return invalid("max_num_seqs", "must be 1..65536");
  if (k.host_bandwidth_bytes_per_s &&
      !(*k.host_bandwidth_bytes_per_s >= 1e9 && *k.host_bandwidth_bytes_per_s <= 2e12)) {
    return invalid("host_bandwidth_gb_per_s", "must be 1..2000 GB/s");
  }
  return std::nullopt;
}

// Knobs belong to one runtime family; the first one set where it does not apply is named.
std::optional<Error> check_knobs(const SizingRequest& r) {
  const RuntimeKnobs& k = r.knobs;
  const Workload& w = r.workload;
  if (!is_llama_cpp(r.runtime)) {
    const std::pair<bool, const char*> llama_knobs[] = {
        {k.ctx_size_tokens.has_value(), "ctx_size"},
        {k.parallel_slots.has_value(), "parallel"},
        {k.ubatch_size_tokens.has_value(), "ubatch_size"},
        {k.gpu_layers.has_value(), "n_gpu_layers"},
        {k.cpu_moe_layers.has_value(), "n_cpu_moe"}};
    for (const auto& [set, key] : llama_knobs) {
      if (set) {
        return invalid(key, std::string("is a llama.cpp/Ollama setting; use max_model_len with ") +
                                runtime_profile(r.runtime).key);
      }
    }
    if (k.flash_attention)
      return invalid("flash_attention", std::string("is a llama.cpp/Ollama setting; ") +
                                            runtime_profile(r.runtime).key +
                                            " picks its attention backend itself");
  }
  if (k.max_num_batched_tokens && (is_llama_cpp(r.runtime) || r.runtime == RuntimeId::transformers))
    return invalid("max_num_batched_tokens",
                   std::string("is a serving-engine setting; ") + runtime_profile(r.runtime).name +
                       (is_llama_cpp(r.runtime) ? " takes ubatch_size" : " has no token budget"));
  // Headroom models a per-response host cost only for TensorRT-LLM (speed/engine.cpp); taking
  // the knob elsewhere would change nothing and say nothing.
  if (k.stream_interval && r.runtime != RuntimeId::trtllm)
    return invalid("stream_interval",
                   std::string("is modelled for TensorRT-LLM only (its host cost per streamed "
                               "response); ") +
                       runtime_profile(r.runtime).name + " is sized as streaming every step");
  // Only transformers' eager steps wait on the host; the engines' host costs are fit per engine.
  if (k.host_cpu && r.runtime != RuntimeId::transformers)
    return invalid("host_cpu", std::string("is modelled for transformers' eager steps only; ") +
                                   runtime_profile(r.runtime).name +
                                   "'s host costs are part of its engine figures");
  if (k.async_scheduling && *k.async_scheduling && r.runtime != RuntimeId::vllm)
    return invalid("async_scheduling", std::string("is a vLLM option; ") +
                                           runtime_profile(r.runtime).name +
                                           " is sized with its own scheduler overlap");
  // The clients' API is a serving-engine option: its cost (vLLM's chat templates) is modelled
  // for the OpenAI-compatible servers only.
  if (k.chat_endpoint && (is_llama_cpp(r.runtime) || r.runtime == RuntimeId::transformers))
    return invalid("endpoint",
                   std::string("is a serving-engine setting (vLLM, SGLang, TensorRT-LLM, TGI); ") +
                       runtime_profile(r.runtime).name + " is sized without an API server's cost");
  if (k.cuda_graph_max_batch && (is_llama_cpp(r.runtime) || r.runtime == RuntimeId::transformers))
    return invalid("cuda_graph_max_batch",
                   std::string("is a serving-engine setting (vLLM, SGLang, TensorRT-LLM, TGI); ") +
                       runtime_profile(r.runtime).name + " has no CUDA-graph batch sizes");
  if (k.max_num_seqs && r.runtime != RuntimeId::vllm) {
    return invalid("max_num_seqs", std::string("is a vLLM setting (--max-num-seqs); ") +
                                       runtime_profile(r.runtime).name +
                                       (is_llama_cpp(r.runtime) ? " takes parallel"
                                                                : " keeps its own batch limit"));
  }
  // TGI sizes its KV from its launcher's --cuda-memory-fraction and transformers has no budget:
  // a vLLM-style fraction would change nothing there.
  if (k.gpu_memory_utilization &&
      (r.runtime == RuntimeId::tgi || r.runtime == RuntimeId::transformers))
    return invalid("gpu_memory_utilization",
                   std::string("is a vLLM / SGLang / TensorRT-LLM budget fraction; ") +
                       runtime_profile(r.runtime).name +
                       (r.runtime == RuntimeId::tgi
                            ? " takes --cuda-memory-fraction, which Headroom does not model"
                            : " has no memory budget (the KV cache grows)"));
  if (k.prefix_caching && r.runtime != RuntimeId::vllm) {
    return invalid("prefix_caching", std::string("is a vLLM setting (--enable-prefix-caching); ") +
                                         runtime_profile(r.runtime).name +
                                         " keeps its own prefix cache");
  }
  if (k.engine_version) {
    if (is_llama_cpp(r.runtime) || r.runtime == RuntimeId::transformers)
      return invalid("engine_version", std::string("is a serving-engine release (vLLM, SGLang, "
                                                   "TensorRT-LLM, TGI); ") +
                                           runtime_profile(r.runtime).name +
                                           (is_llama_cpp(r.runtime) ? " takes llama_build_month"
                                                                    : " has no engine entry"));
    const Release release = parse_release(*k.engine_version);
    if (!release.known())
      return invalid("engine_version",
                     "must be a release like 0.6.3 (got '" + *k.engine_version + "')");
    // The V0 engine's host costs are fitted on MI300X rows only (speed/engine.cpp): on any other
    // card they would be a guess presented as a figure.
    if (r.runtime == RuntimeId::vllm && release.before(0, 8) &&
        r.card.vendor != "amd")
      return invalid("engine_version",
                     "vLLM " + *k.engine_version +
                         " ran the V0 engine, whose figures are measured on AMD Instinct cards "
                         "only; Headroom has none for " + r.card.name + " (use 0.8 or later)");
  }
  if (k.llama_build_month) {
    if (!is_llama_cpp(r.runtime))
      return invalid("llama_build_month", std::string("is a llama.cpp/Ollama build month; ") +
                                              runtime_profile(r.runtime).name +
                                              " takes engine_version");
    if (!speed::is_build_month(*k.llama_build_month))
      return invalid("llama_build_month",
                     "must be a month YYYY-MM (got '" + *k.llama_build_month + "')");
    if (*k.llama_build_month < std::string(speed::kLlamaFirstBuildMonth))
      return invalid("llama_build_month", *k.llama_build_month +
                                              " is before llama.cpp's first build (" +
                                              speed::kLlamaFirstBuildMonth + ")");
  }
  if (r.backend && !is_llama_cpp(r.runtime)) {
    return invalid("backend", std::string("is a llama.cpp/Ollama setting; ") +
                                  runtime_profile(r.runtime).name + " has no backend choice");
  }
  // Expert parallelism is an option of the engines that shard MoE layers (TGI has none).
  if (k.expert_parallel && *k.expert_parallel) {
    if (r.runtime != RuntimeId::vllm && r.runtime != RuntimeId::sglang &&
        r.runtime != RuntimeId::trtllm)
      return invalid("expert_parallel",
                     std::string("is a vLLM / SGLang / TensorRT-LLM option; ") +
                         runtime_profile(r.runtime).name +
                         (is_llama_cpp(r.runtime) || r.runtime == RuntimeId::transformers
                              ? " splits a model by layers"
                              : " shards every layer by tensor parallelism"));
    if (!r.model.is_moe())
      return invalid("expert_parallel",
                     "applies to mixture-of-experts models; " + r.model.id + " is dense");
    // vLLM deals a remainder out to the first ranks (determine_expert_map); SGLang and
    // TensorRT-LLM assert an even split ("assert num_experts % self.moe_ep_size == 0",
    // sglang/srt/layers/moe/fused_moe_triton/layer.py; "assert self.num_experts %
    // self.ep_size == 0", tensorrt_llm/_torch/modules/fused_moe/interface.py).
    if (r.runtime != RuntimeId::vllm && r.gpus > 1 && r.model.num_experts % r.gpus != 0)
      return invalid("expert_parallel",
                     std::string("needs the ") + count_text(r.model.num_experts) + " experts of " +
                         r.model.id + " to divide evenly over the GPUs on " +
                         runtime_profile(r.runtime).name + " (got " + count_text(r.gpus) + ")");
  }
  if (r.runtime == RuntimeId::ollama && k.parallel_slots && *k.parallel_slots > 1 &&
      ollama_runs_one_sequence(r.model))
    return invalid("parallel", "has no effect: Ollama runs " + r.model.id +
                                   "'s family one sequence at a time (its scheduler forces "
                                   "num_parallel 1 for recurrent models); llama.cpp's "
                                   "llama-server runs several slots");
  if (k.cpu_moe_layers && *k.cpu_moe_layers > 0 && !r.model.is_moe()) {
    return invalid("n_cpu_moe", "applies to mixture-of-experts models; " + r.model.id +
                                    " is dense (use n_gpu_layers)");
  }
  if (is_llama_cpp(r.runtime) && (k.max_model_len_tokens || k.gpu_memory_utilization)) {
    return refused(ErrorCode::invalid_argument,
                   k.max_model_len_tokens ? "max_model_len" : "gpu_memory_utilization",
                   "max_model_len and gpu_memory_utilization do not apply to llama.cpp/Ollama; "
                   "use ctx_size");
  }
  if (k.max_model_len_tokens && r.runtime == RuntimeId::transformers)
    return invalid("max_model_len", "is a serving-engine setting; transformers allocates its cache "
                                    "as the batch grows");
  if (k.max_model_len_tokens && *k.max_model_len_tokens < w.prompt_tokens + w.output_tokens) {
    std::string why = "(";  // appended, not prepended: GCC 12 warns on "(" + string (PR 105329)
    why += count_text(*k.max_model_len_tokens) + ") is shorter than prompt + output tokens (" +
           count_text(w.prompt_tokens + w.output_tokens) + ")";
    return invalid("max_model_len", why);
  }
  return std::nullopt;
}

// What the serving runtimes refuse about the model itself.
std::optional<Error> check_model_on_runtime(const SizingRequest& r) {
  const ModelArch& a = r.model;
  const bool llama = is_llama_cpp(r.runtime);
  // vLLM-style servers refuse sequences beyond the model's context window (vLLM: "User-specified
  // max_model_len is greater than the derived max_model_len", unless
  // VLLM_ALLOW_LONG_MAX_MODEL_LEN).
  const bool budgeted_server = !llama && r.runtime != RuntimeId::transformers;
  const std::uint64_t longest = std::max(r.knobs.max_model_len_tokens.value_or(0),
                                         r.workload.prompt_tokens + r.workload.output_tokens);
  if (budgeted_server && a.max_context_tokens > 0 && longest > a.max_context_tokens) {
    return refused(ErrorCode::invalid_argument, "max_model_len",
                   "a sequence of " + count_text(longest) + " tokens exceeds " + a.id +
                       "'s context window of " + count_text(a.max_context_tokens) +
                       " tokens, which " + runtime_profile(r.runtime).name + " refuses");
  }
  // llama-server caps each slot at the model's training context ("the slot context (49152)
  // exceeds the training context of the model (40960) - capping", load_model in
  // tools/server/server.cpp, after llama_context's "possible training context overflow"), so a
  // longer request does not run there. (Ollama and transformers run it, past what the model was
  // trained on: an assumption line says so.)
  const std::uint64_t per_sequence = r.workload.prompt_tokens + r.workload.output_tokens;
  if (r.runtime == RuntimeId::llamacpp && a.max_context_tokens > 0 &&
      per_sequence > a.max_context_tokens) {
    return invalid("prompt_tokens", "+ output_tokens (" + count_text(per_sequence) + ") exceed " +
                                        a.id + "'s training context of " +
                                        count_text(a.max_context_tokens) +
                                        " tokens, at which llama-server caps each slot");
  }
  // Tensor parallelism splits attention heads evenly (vLLM, SGLang, TRT-LLM and TGI all refuse
  // otherwise: "Total number of attention heads must be divisible by tensor parallel size").
  if (!llama && r.gpus > 1 && a.num_heads % r.gpus != 0) {
    return refused(ErrorCode::invalid_argument, "gpus",
                   "tensor parallel over " + count_text(r.gpus) + " GPUs needs the " +
                       count_text(a.num_heads) +
                       " attention heads to divide evenly; use a divisor of " +
                       count_text(a.num_heads));
  }
  // Layers whose cache or state Headroom has read for some runtimes only (runtime/kv_layout.cpp)
  // are refused elsewhere, naming what is missing.
  const auto only_on = [&](bool llama_cpp_too, const char* what) -> std::optional<Error> {
    if (r.runtime == RuntimeId::vllm || r.runtime == RuntimeId::sglang ||
        (llama_cpp_too && r.runtime == RuntimeId::llamacpp))
      return std::nullopt;
    return refused(ErrorCode::unsupported, "runtime",
                   a.id + " uses " + what + " Headroom models for " +
                       (llama_cpp_too ? "vLLM, SGLang and llama.cpp" : "vLLM and SGLang") +
                       " only, not " + runtime_profile(r.runtime).name);
  };
  // MiniMax sparse attention (MiniMax-M3) keeps a 16-bit index key per token beside K/V; neither
  // a llama.cpp layout nor TensorRT-LLM's (modeling_minimaxm3.py) has been read.
  if (a.is_block_sparse())
    if (auto e = only_on(false, "MiniMax sparse attention, whose index-key cache")) return e;
  // DeepSeek sparse attention keeps an indexer key cache beside the MLA latent.
  if (a.has_indexer())
    if (auto e = only_on(true, "DeepSeek sparse attention, whose indexer key cache")) return e;
  // Kimi Delta Attention's state layout is read from vLLM (kda_state_shape / kda_state_dtype) and
  // SGLang (KimiLinearStateShape) only; elsewhere it is not verified.
  if (std::find(a.layer_state.begin(), a.layer_state.end(), StateKind::kda) != a.layer_state.end())
    if (auto e = only_on(false, "Kimi Delta Attention (kimi_linear), whose recurrent state"))
      return e;
  // TGI's supported models (huggingface.co/docs/text-generation-inference/supported_models) list
  // none of the recurrent hybrids (Qwen3-Next / Qwen3.5, Nemotron-H, Granite 4.0-H, Falcon-H1,
  // Jamba, LFM2: only the pure Mamba); others fall back to transformers without paged KV, whose
  // memory is not the engine's.
  if (r.runtime == RuntimeId::tgi && a.has_recurrent_state())
    return refused(ErrorCode::unsupported, "runtime",
                   a.id + " has recurrent layers (" + a.family +
                       "), which Text Generation Inference does not list among its supported "
                       "models (it would fall back to transformers without its paged KV cache)");
  if (auto refusal = runtime_refuses_card(r.runtime, r.card)) {
    return refused(ErrorCode::unsupported, "card", *refusal);
  }
  if (llama && r.backend) {
    if (auto refusal = backend_refuses_card(*r.backend, r.card))
      return refused(ErrorCode::unsupported, "backend", *refusal);
  }
  return std::nullopt;
}

// vLLM and SGLang load a 128x128 block-fp8 checkpoint only where each tensor-parallel shard of
// an MLP holds whole blocks. Routed experts: Fp8MoEMethod.create_weights raises "The output_size
// of gate's and up's weight = N is not divisible by weight quantization block_n = 128" on any
// GPU count (vllm/model_executor/layers/quantization/fp8.py; sglang/srt/layers/quantization/
// fp8.py); dense and shared-expert MLPs: validate_fp8_block_shape (vllm .../utils/fp8_utils.py),
// the merged gate_up output (its gate part even on one GPU) and the down input per rank. Expert
// parallelism keeps experts whole (the MoE layer's own tensor-parallel size is then 1), so only
// their full width must be whole blocks; dense and shared-expert MLPs are split as before, so
// they are checked first and expert parallelism is offered only where it is the way out.
// TensorRT-LLM's loader is not read here, so it is not checked. The field is quant: in a table
// of formats (reality) the refusal is the block-fp8 row's.
std::optional<Error> check_block_fp8_split(const SizingRequest& r, const WeightFormat& stored) {
  constexpr std::uint32_t kBlock = 128;
  const ModelArch& a = r.model;
  if (stored.main_dtype != DType::fp8_e4m3_block128 ||
      (r.runtime != RuntimeId::vllm && r.runtime != RuntimeId::sglang))
    return std::nullopt;
  const std::uint32_t gpus = std::max<std::uint32_t>(r.gpus, 1);
  const bool expert_parallel = r.knobs.expert_parallel.value_or(false);
  const auto whole_blocks = [&](std::uint32_t width, std::uint32_t split) {
    return width % split == 0 && (width / split) % kBlock == 0;
  };
  // Powers of two up to 64 GPUs that do split the width (and the attention heads), for the
  // message.
  const auto divisors = [&](std::uint32_t width) {
    std::string list;
    for (std::uint32_t n = 2; n <= 64; n *= 2)
      if (n != gpus && whole_blocks(width, n) && a.num_heads % n == 0)
        list += (list.empty() ? "" : ", ") + count_text(n);
    return list;
  };
  const std::string head = std::string(runtime_profile(r.runtime).name) + " cannot load " + a.id +
                           "'s 128x128 block-fp8 ";
  const auto refuse = [&](const std::string& what, std::uint32_t width, const std::string& way) {
    const std::string fits = divisors(width);
    std::string why = head + what + " over " + count_text(gpus) + " GPU" +
                      (gpus > 1 ? "s: " : ": ") + count_text(width) +
                      (gpus > 1 ? " / " + count_text(gpus) : std::string()) +
                      " is not a whole number of 128-wide blocks";
    std::string options = way;
    if (!fits.empty()) options += (options.empty() ? "use " : ", or use ") + fits + " GPUs";
    if (!options.empty()) why += " (" + options + ")";
    return refused(ErrorCode::unsupported, "quant", why);
  };
  for (std::uint32_t layer = 0; layer < a.num_layers; ++layer) {
    if (a.ffn_of(layer) != FfnKind::dense) continue;
    const std::uint32_t width = a.shape_of(layer).ffn_width;
    if (width > 0 && !whole_blocks(width, gpus)) return refuse("MLP", width, "");
  }
  if (!a.is_moe()) return std::nullopt;
  if (a.shared_expert_intermediate_size > 0 &&
      !whole_blocks(a.shared_expert_intermediate_size, gpus))
    return refuse("shared expert", a.shared_expert_intermediate_size, "");
  const std::uint32_t experts_width = a.moe_intermediate_size;
  if (experts_width == 0) return std::nullopt;
  if (!whole_blocks(experts_width, 1)) {
    return refused(ErrorCode::unsupported, "quant",
                   head + "experts: their width " + count_text(experts_width) +
                       " is not a whole number of 128-wide blocks on any GPU count");
  }
  if (!expert_parallel && !whole_blocks(experts_width, gpus)) {
    // Whole experts are the way out where the engine can deal them out (SGLang: evenly).
    const bool ep_works = r.runtime == RuntimeId::vllm || a.num_experts % gpus == 0;
    return refuse("experts", experts_width,
                  ep_works ? "set expert_parallel on, which keeps experts whole" : "");
  }
  return std::nullopt;
}

}  // namespace

Result<CheckedRequest> check_request(const SizingRequest& r) {
  if (auto error = check_numbers(r)) return *error;
  if (auto error = check_knobs(r)) return *error;
  if (!r.model_validated) {
    if (auto error = validate_arch(r.model)) return *error;
  }
  if (auto error = check_model_on_runtime(r)) return *error;
  CheckedRequest checked;
  auto format = find_weight_format(r.weight_format);
  if (!format) return format.error();
  checked.format = format.value();
  const std::string runtime_name = runtime_profile(r.runtime).name;
  if (!runtime_offers(checked.format->runtimes, r.runtime)) {
    // A format of the other ecosystem: say so, and name what this runtime loads instead.
    const std::string key = runtime_profile(r.runtime).key;
    const std::string family = checked.format->family == "gguf" ? "a GGUF format"
                               : checked.format->family == "hf" ? "a Hugging Face checkpoint format"
                                                                : "a format";
    const std::string nearby = formats_at_width(*checked.format, key);
    return refused(ErrorCode::unsupported, "quant",
                   "weight format '" + checked.format->id + "' cannot be served by " +
                       runtime_name + ": it is " + family +
                       (nearby.empty() ? std::string(" (see `headroom formats`)")
                                       : "; this runtime serves " + nearby));
  }
  // The weights as stored: a checkpoint's own quantization (config.json) when quant is native.
  const std::string key = runtime_profile(r.runtime).key;
  const WeightFormat* stored =
      checked.format->family == "native" ? native_weight_format(r.model) : checked.format;
  // Checked for NVFP4 checkpoints only for now: the catalog's fp8 / mxfp4 / gptq checkpoints on
  // llama.cpp or TGI have long been sized as stored, and changing that is a separate decision.
  if (stored != nullptr && stored != checked.format && stored->main_dtype == DType::nvfp4 &&
      !runtime_offers(stored->runtimes, r.runtime)) {
    return refused(ErrorCode::unsupported, "quant",
                   "model '" + r.model.id + "' is stored as " + stored->id + " (" + stored->name +
                       "), which " + runtime_name + " cannot serve; it is served by " +
                       joined(stored->runtimes));
  }
  if (stored != nullptr) {
    if (auto why = format_refuses_card(*stored, key, r.card, r.model.is_moe()))
      return refused(ErrorCode::unsupported, "card", *why);
    if (auto error = check_block_fp8_split(r, *stored)) return *error;
  }
  auto kv_dtype = find_kv_dtype(r.kv_dtype);
  if (!kv_dtype) return kv_dtype.error();
  checked.kv_dtype = kv_dtype.value();
  if (checked.kv_dtype->id != "auto" && !runtime_offers(checked.kv_dtype->runtimes, r.runtime)) {
    return refused(
        ErrorCode::unsupported, "kv_cache_dtype",
        "KV cache dtype '" + checked.kv_dtype->id + "' is not offered by " + runtime_name);
  }
  checked.flash_attention = r.knobs.flash_attention.value_or(r.runtime != RuntimeId::ollama);
  if (is_llama_cpp(r.runtime) && checked.kv_dtype->needs_flash_attention_for_v &&
      !checked.flash_attention) {
    return refused(ErrorCode::invalid_argument, "kv_cache_dtype",
                   "a quantized V cache ('" + checked.kv_dtype->id +
                       "') needs flash attention in llama.cpp; set flash_attention on or use f16");
  }
  return checked;
}

}  // namespace headroom
