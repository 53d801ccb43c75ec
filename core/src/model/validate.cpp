// validate_arch: the limits every model must meet before it is sized, whatever it was read from
// (config.json, a GGUF header, the catalog): counts in range, heads that divide, and a parameter
// count the uint64 byte arithmetic can hold.
#include <algorithm>
#include <string>

#include "headroom/model.h"

namespace headroom {

std::optional<Error> validate_arch(const ModelArch& arch) {
  auto bad = [](const char* field, const std::string& why) {
    return invalid(std::string("model.") + field, why);
  };
  if (arch.num_layers == 0 || arch.num_layers > 4096) return bad("num_layers", "must be 1..4096");
  if (arch.hidden_size == 0 || arch.hidden_size > (1u << 20))
    return bad("hidden_size", "must be 1..1048576");
  if (arch.num_heads == 0 || arch.num_heads > 4096) return bad("num_heads", "must be 1..4096");
  if (arch.num_kv_heads == 0 || arch.num_kv_heads > arch.num_heads) {
    return bad("num_kv_heads", "must be 1..num_heads (" + std::to_string(arch.num_heads) + ")");
  }
  if (!arch.is_mla() && arch.num_heads % arch.num_kv_heads != 0) {
    return bad("num_kv_heads", "must divide num_heads");
  }
  if (arch.head_dim == 0 || arch.head_dim > 4096) return bad("head_dim", "must be 1..4096");
  if (arch.vocab_size == 0 || arch.vocab_size > (1u << 24))
    return bad("vocab_size", "must be 1..16777216");
  if (arch.intermediate_size > (1u << 22) || arch.moe_intermediate_size > (1u << 22)) {
    return bad("intermediate_size", "must be at most 4194304");
  }
  if (arch.is_moe()) {
    if (arch.num_experts > 4096) return bad("num_experts", "must be at most 4096");
    if (arch.experts_per_token == 0 || arch.experts_per_token > arch.num_experts) {
      return bad("experts_per_token", "must be 1..num_experts");
    }
  }
  // Byte arithmetic is uint64: refuse shapes whose parameter count could overflow it. The largest
  // open models have about 1e12 parameters; 1e14 leaves room and keeps bits below 2^63.
  const double per_layer =
      4.0 * arch.hidden_size * static_cast<double>(arch.num_heads) * arch.head_dim +
      3.0 * arch.hidden_size * std::max<double>(arch.intermediate_size, 1.0) +
      3.0 * arch.hidden_size * static_cast<double>(arch.moe_intermediate_size) * arch.num_experts;
  const double estimate =
      arch.num_layers * per_layer + 2.0 * arch.vocab_size * static_cast<double>(arch.hidden_size);
  if (estimate > 1e14) {
    return bad("num_layers",
               "and widths describe about " +
                   std::to_string(static_cast<long long>(estimate / 1e12)) +
                   " trillion parameters, more than any real model (limit 100 trillion)");
  }
  if (!arch.layer_attention.empty() && arch.layer_attention.size() != arch.num_layers) {
    return bad("layer_attention", "must have one entry per layer");
  }
  return std::nullopt;
}

}  // namespace headroom
