// Backend names, the per-vendor default and which vendor each backend can drive.
#include "headroom/backend.h"

namespace headroom {
namespace {

struct BackendName {
  Backend backend;
  const char* key;
};

constexpr BackendName kNames[] = {{Backend::cuda, "cuda"}, {Backend::vulkan, "vulkan"},
                                  {Backend::rocm, "rocm"}, {Backend::metal, "metal"},
                                  {Backend::sycl, "sycl"}, {Backend::cpu, "cpu"}};

}  // namespace

Result<Backend> parse_backend(std::string_view key) {
  for (const auto& n : kNames)
    if (key == n.key) return n.backend;
  if (key == "hip") return Backend::rocm;  // llama.cpp's own name for its ROCm build (GGML_HIP)
  return invalid("backend",
                 "must be cuda, vulkan, rocm, metal, sycl or cpu (got '" + std::string(key) + "')");
}

const char* backend_key(Backend backend) {
  for (const auto& n : kNames)
    if (n.backend == backend) return n.key;
  return "cuda";
}

Backend default_backend(RuntimeId runtime, const Card& card) {
  // AMD: ROCm for Instinct and Radeon alike: Ollama's AMD builds run ROCm on Radeon RX 6800 and
  // later (Ollama docs/gpu.md), and AMD documents llama.cpp on ROCm; Vulkan is the fallback.
  // Intel: llama.cpp's Intel GPU backend is SYCL (docs/backend/SYCL.md); Ollama has no SYCL
  // build, its Intel GPU path is Vulkan.
  if (card.segment == "cpu") return Backend::cpu;
  if (card.vendor == "nvidia") return Backend::cuda;
  if (card.vendor == "amd") return Backend::rocm;
  if (card.vendor == "apple") return Backend::metal;
  if (card.vendor == "intel") return runtime == RuntimeId::ollama ? Backend::vulkan : Backend::sycl;
  return Backend::vulkan;
}

std::optional<std::string> backend_refuses_card(Backend backend, const Card& card) {
  const std::string key = backend_key(backend);
  // A CPU "card" (segment "cpu") runs llama.cpp's CPU backend and nothing else.
  const bool cpu_card = card.segment == "cpu";
  if (cpu_card != (backend == Backend::cpu)) {
    if (cpu_card) return "backend " + key + " needs a GPU; " + card.name + " is a CPU (use cpu)";
    return std::string("backend cpu runs no layer on ") + card.name +
           "; pick a CPU from the catalog (segment cpu) or size a CPU run with n_gpu_layers 0";
  }
  const auto only = [&](const char* vendor, const char* who) -> std::optional<std::string> {
    if (card.vendor == vendor) return std::nullopt;
    return "backend " + key + " runs on " + who + " GPUs only; " + card.name + " is " +
           card.vendor + " (use " + backend_key(default_backend(RuntimeId::llamacpp, card)) +
           " or vulkan)";
  };
  switch (backend) {
    case Backend::cuda:
      return only("nvidia", "NVIDIA");
    case Backend::rocm:
      return only("amd", "AMD");
    case Backend::metal:
      return only("apple", "Apple");
    case Backend::sycl:
      // llama.cpp's SYCL NVIDIA/AMD targets are experimental; the speed model has no figures.
      return only("intel", "Intel");
    case Backend::cpu:
    case Backend::vulkan:
      break;
  }
  return std::nullopt;
}

}  // namespace headroom
