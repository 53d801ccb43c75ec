// Shared between weight_format_apply.cpp and weight_format_gguf.cpp.
#pragma once

#include <vector>

#include "headroom/weight_format.h"

namespace headroom::detail {

// llama.cpp's per-tensor type selection for a GGUF mix (llama_tensor_get_type).
Result<std::vector<TensorSpec>> apply_gguf_mix(const ModelArch& arch,
                                               std::vector<TensorSpec> tensors,
                                               const WeightFormat& format);

}  // namespace headroom::detail
