// libFuzzer target: a Hugging Face config.json through parse_hf_config, and every model it
// accepts through size() on two runtimes, so hostile shapes reach the byte arithmetic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "headroom/catalog.h"
#include "headroom/model.h"
#include "headroom/sizing.h"

using headroom::fuzz::catalog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto arch = headroom::parse_hf_config(text, "fuzz");
  if (!arch) return 0;
  for (const char* card : {"h100-sxm-80gb", "rtx-4090"}) {
    headroom::SizingRequest request;
    request.model = arch.value();
    request.card = *catalog().find_card(card).value();
    request.runtime = card[0] == 'h' ? headroom::RuntimeId::vllm : headroom::RuntimeId::llamacpp;
    request.weight_format = card[0] == 'h' ? "native" : "q4_k_m";
    request.workload = {1024, 256, 4};
    (void)headroom::size(request);
  }
  return 0;
}
