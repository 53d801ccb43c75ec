// How vLLM lays out MXFP4 MoE experts (gpt-oss) in GPU memory: each MoE backend pads the
// expert shapes or keeps extra copies differently, so "Model loading took" differs by backend
// on the same checkpoint (64.38 GiB under Triton, 65.97 GiB under Marlin for gpt-oss-120b on
// one H100).
#pragma once

#include <cstdint>

#include "headroom/card.h"
#include "headroom/model.h"
#include "headroom/runtime.h"

namespace headroom {

enum class Mxfp4MoeBackend {
  checkpoint,        // the checkpoint's layout, nothing padded (llama.cpp reads the GGUF as is)
  padded_256,        // intermediate width padded to 256 (non-vLLM runtimes, ROCm: not re-read)
  triton,            // OpenAI triton_kernels matmul_ogs (vLLM on SM90)
  marlin,            // FP4 Marlin weight-only (vLLM below SM90, on SM120, or without triton_kernels)
  flashinfer_sm100,  // FlashInfer TRT-LLM / CUTLASS MoE (vLLM on SM100 with FlashInfer)
};

const char* to_string(Mxfp4MoeBackend backend);

// The backend a recent vLLM (triton_kernels bundled, FlashInfer installed) picks for MXFP4 MoE
// on this card (vllm/model_executor/layers/quantization/mxfp4.py get_mxfp4_backend).
Mxfp4MoeBackend vllm_mxfp4_moe_backend(const Card& card);

// The layout a runtime keeps MXFP4 experts in: llama.cpp reads the GGUF as stored, vLLM as its
// backend for the card lays them out, other runtimes with the earlier 256 rule.
Mxfp4MoeBackend mxfp4_moe_backend(RuntimeId runtime, const Card& card);

// Bytes one routed-expert tensor or expert bias of an MXFP4 checkpoint takes as the backend keeps
// it, summed over `tp` tensor-parallel GPUs (each pads its share of the intermediate width).
// `bytes` is the checkpoint's size of the tensor; tensors the backend does not touch keep it.
std::uint64_t mxfp4_moe_bytes(const TensorSpec& tensor, const ModelArch& arch, std::uint32_t tp,
                              Mxfp4MoeBackend backend, std::uint64_t bytes);

}  // namespace headroom
