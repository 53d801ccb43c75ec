#include "runtime/weight_split.h"

#include <algorithm>
#include <map>

#include "runtime/mxfp4_moe.h"

namespace headroom {
namespace {

bool replicated_under_tp(const TensorSpec& tensor, const ModelArch& arch, std::uint32_t gpus) {
  if (tensor.rows == 1) return true;  // norms, biases, sinks
  switch (tensor.role) {
    case TensorRole::ffn_router:
    case TensorRole::vision:  // vLLM keeps most encoders unsharded
    case TensorRole::attn_q_a:
    case TensorRole::attn_kv_a:  // MLA down-projections are ReplicatedLinear in vLLM
    // LatentMoE projections: ReplicatedLinear in vLLM's and SGLang's nemotron_h.py.
    case TensorRole::ffn_latent:
      return true;
    case TensorRole::attn_k:
    case TensorRole::attn_v:
      return arch.num_kv_heads < gpus;  // fewer KV heads than GPUs: replicated heads
    default:
      return false;
  }
}

// A routed expert's weights or its bias (gpt-oss "ffn_*_exps.bias").
bool part_of_routed_expert(const TensorSpec& tensor) {
  const std::string suffix = "_exps.bias";
  const std::string& name = tensor.name;
  return is_routed_expert(tensor.role) ||
         (tensor.role == TensorRole::ffn_bias && name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0);
}

}  // namespace

WeightPlacement place_weights(const ModelArch& arch, const std::vector<TensorSpec>& tensors,
                              RuntimeId runtime, std::uint32_t gpus, Mxfp4MoeBackend mxfp4,
                              bool expert_parallel) {
  const bool llama_cpp = is_llama_cpp(runtime);
  const std::uint32_t n = std::max<std::uint32_t>(gpus, 1);
  const bool ep = expert_parallel && !llama_cpp && n > 1 && arch.num_experts > 0;
  std::uint64_t expert_bytes = 0;  // routed experts (and their biases) dealt out whole under EP
  WeightPlacement placement;
  std::map<DType, std::uint64_t> bytes_by_type;
  std::uint64_t elements = 0;
  std::uint64_t gpu_bytes = 0;         // sum over GPUs of what each holds
  std::uint64_t replicated_bytes = 0;  // held by every GPU
  std::uint64_t output_bytes = 0;
  placement.layer_bytes.assign(arch.num_layers, 0);
  placement.layer_expert_bytes.assign(arch.num_layers, 0);
  // The MoE backends re-lay out MXFP4 experts (and their biases) only.
  bool mxfp4_experts = false;
  for (const auto& tensor : tensors)
    mxfp4_experts |= is_routed_expert(tensor.role) && tensor.dtype == DType::mxfp4;
  for (const auto& tensor : tensors) {
    // llama.cpp loads an image encoder from a separate mmproj file, only when asked.
    if (llama_cpp && tensor.role == TensorRole::vision) continue;
    std::uint64_t bytes = tensor_bytes(tensor.dtype, tensor.rows, tensor.cols);
    // Under EP each expert keeps its whole width, so MXFP4 padding is that of one GPU.
    if (mxfp4_experts) bytes = mxfp4_moe_bytes(tensor, arch, ep ? 1 : n, mxfp4, bytes);
    placement.total_bytes += bytes;
    elements += tensor.elements();
    bytes_by_type[tensor.dtype] += bytes;
    if (tensor.rows > 1 && tensor.role != TensorRole::token_embd &&
        !is_routed_expert(tensor.role)) {
      placement.largest_linear_elements =
          std::max(placement.largest_linear_elements, tensor.elements());
    }
    // Decode reads every matmul weight once per step; routed experts only their share.
    if ((tensor.role == TensorRole::token_embd && !arch.tie_embeddings) ||
        tensor.role == TensorRole::vision) {
      // a row gather (or an image encoder run once per image), not a read per token
    } else if (is_routed_expert(tensor.role) && arch.num_experts > 0) {
      // The Triton backend's second copy of the block scales is kept, never read.
      const std::uint64_t read = mxfp4_experts && mxfp4 == Mxfp4MoeBackend::triton &&
                                         tensor.dtype == DType::mxfp4
                                     ? bytes - tensor.elements() / 32
                                     : bytes;
      placement.active_bytes += read / arch.num_experts * arch.experts_per_token;
    } else {
      placement.active_bytes += bytes;
    }
    if (llama_cpp) {
      // llama.cpp keeps token_embd in host memory (get_rows runs on the CPU); a tied output
      // head is a GPU copy of it (model buffer on CUDA0 includes it).
      if (tensor.role == TensorRole::token_embd) {
        placement.host_bytes += bytes;
        if (arch.tie_embeddings) output_bytes += bytes;
        continue;
      }
      if (tensor.role == TensorRole::output) {
        output_bytes += bytes;
        continue;
      }
      gpu_bytes += bytes;
      if (tensor.layer >= 0 && static_cast<std::uint32_t>(tensor.layer) < arch.num_layers) {
        placement.layer_bytes[static_cast<std::size_t>(tensor.layer)] += bytes;
        if (is_routed_expert(tensor.role))
          placement.layer_expert_bytes[static_cast<std::size_t>(tensor.layer)] += bytes;
      } else {
        placement.other_gpu_bytes += bytes;
      }
      continue;
    }
    if (ep && part_of_routed_expert(tensor)) {
      expert_bytes += bytes;
    } else if (n > 1 && replicated_under_tp(tensor, arch, n)) {
      replicated_bytes += bytes;
    } else {
      gpu_bytes += bytes;
    }
  }
  if (llama_cpp) {
    // Layer split: repeating layers divide evenly; the output head sits on the last GPU.
    placement.per_gpu_bytes = (gpu_bytes + n - 1) / n + output_bytes;
    placement.output_head_bytes = output_bytes;
  } else {
    const std::uint64_t experts_here = (arch.num_experts + n - 1) / n;  // 0 when not EP
    placement.per_gpu_bytes = (gpu_bytes + n - 1) / n + replicated_bytes +
                              (ep ? expert_bytes / arch.num_experts * experts_here : 0);
  }
  placement.bits_per_weight =
      elements ? static_cast<double>(placement.total_bytes) * 8.0 / static_cast<double>(elements)
               : 16;
  std::uint64_t best = 0;
  for (const auto& [type, bytes] : bytes_by_type) {
    if (bytes > best) {
      best = bytes;
      placement.dominant_dtype = type;
    }
  }
  return placement;
}

}  // namespace headroom
