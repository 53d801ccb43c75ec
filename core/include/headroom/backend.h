// llama.cpp's compute backends (ggml): which one runs a llama.cpp / Ollama job changes its speed
// (kernels, launch costs), not its memory. Request key "backend".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "headroom/card.h"
#include "headroom/result.h"
#include "headroom/runtime.h"

namespace headroom {

enum class Backend { cuda, vulkan, rocm, metal, sycl, cpu };

Result<Backend> parse_backend(std::string_view key);
const char* backend_key(Backend backend);

// The backend a llama.cpp / Ollama user of `card` usually runs when the request names none:
// NVIDIA CUDA, AMD ROCm (HIP), Apple Metal, Intel SYCL (Ollama: Vulkan, it ships no SYCL build).
Backend default_backend(RuntimeId runtime, const Card& card);

// Why `backend` cannot drive `card` (CUDA on an AMD card, Metal off Apple); nullopt when it can.
std::optional<std::string> backend_refuses_card(Backend backend, const Card& card);

}  // namespace headroom
