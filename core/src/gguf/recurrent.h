// Recurrent-state layers of hybrid GGUF architectures (qwen3next, nemotron_h, granitehybrid,
// falcon-h1, jamba, lfm2): fills ModelArch::layer_state, the state widths and, where a layer
// has no attention, AttentionKind::none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "headroom/gguf.h"
#include "headroom/model.h"

namespace headroom {

bool is_gguf_hybrid(std::string_view arch);
std::optional<Error> set_recurrent_layers(const GgufHeader& header, const std::string& family,
                                          ModelArch& arch);

}  // namespace headroom
