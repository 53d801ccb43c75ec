// validate_arch: the limits every model must meet before it is sized, whatever it was read from
// (config.json, a GGUF header, the catalog): counts in range, heads that divide, and a parameter
// count the uint64 byte arithmetic can hold.
#include <algorithm>
#include <string>
#include <utility>

#include "headroom/model.h"

namespace headroom {
namespace {

constexpr double kMaxParams = 1e14;

}  // namespace

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
  if (arch.shared_expert_intermediate_size > (1u << 22)) {
    return bad("shared_expert_intermediate_size", "must be at most 4194304");
  }
  if (arch.v_head_dim > 4096) return bad("v_head_dim", "must be at most 4096");
  if (arch.is_mla()) {
    if (arch.kv_lora_rank > (1u << 16)) return bad("kv_lora_rank", "must be at most 65536");
    if (arch.q_lora_rank > (1u << 16)) return bad("q_lora_rank", "must be at most 65536");
    if (arch.qk_rope_head_dim > 4096 || arch.qk_nope_head_dim > 4096) {
      return bad("qk_rope_head_dim", "and qk_nope_head_dim must be at most 4096");
    }
  }
  if (arch.is_moe()) {
    if (arch.num_experts > 4096) return bad("num_experts", "must be at most 4096");
    if (arch.experts_per_token == 0 || arch.experts_per_token > arch.num_experts) {
      return bad("experts_per_token", "must be 1..num_experts");
    }
  }
  if (!arch.layer_attention.empty() && arch.layer_attention.size() != arch.num_layers) {
    return bad("layer_attention", "must have one entry per layer");
  }
  if ((!arch.layer_state.empty() && arch.layer_state.size() != arch.num_layers) ||
      (!arch.layer_ffn.empty() && arch.layer_ffn.size() != arch.num_layers)) {
    return bad("layer_state", "and layer_ffn must have one entry per layer");
  }
  if (!arch.layer_shapes.empty()) {
    if (arch.layer_shapes.size() != arch.num_layers)
      return bad("layer_shapes", "must have one entry per layer");
    for (std::uint32_t i = 0; i < arch.num_layers; ++i) {
      const LayerShape s = arch.shape_of(i);
      const std::string at = " (layer " + std::to_string(i) + ")";
      if (s.num_heads == 0 || s.num_heads > 4096)
        return bad("layer_shapes.num_heads", "must be 1..4096" + at);
      if (s.num_kv_heads == 0 || s.num_kv_heads > s.num_heads || s.num_heads % s.num_kv_heads != 0)
        return bad("layer_shapes.num_kv_heads", "must divide the layer's heads" + at);
      if (s.head_dim == 0 || s.head_dim > 4096 || s.v_head_dim > 4096)
        return bad("layer_shapes.head_dim", "must be 1..4096" + at);
      if (s.ffn_width > (1u << 22))
        return bad("layer_shapes.ffn_width", "must be at most 4194304" + at);
    }
  }
  if (arch.has_indexer() && (arch.index_n_heads > 4096 || arch.index_head_dim > 4096))
    return bad("index_head_dim", "and index_n_heads must be at most 4096");
  if (arch.has_recurrent_state()) {
    // Bounds far above any published mixer (d_inner 16384, N 256, K 4), so that state elements
    // (d_inner x N x layers) stay far inside uint64 and the byte arithmetic.
    const RecurrentDims& r = arch.recurrent;
    const std::pair<const char*, std::uint32_t> widths[] = {
        {"recurrent.d_inner", r.d_inner},
        {"recurrent.d_state", r.d_state},
        {"recurrent.n_groups", r.n_groups},
        {"recurrent.n_heads", r.n_heads},
        {"recurrent.dt_rank", r.dt_rank},
        {"recurrent.key_heads", r.key_heads},
        {"recurrent.key_head_dim", r.key_head_dim},
        {"recurrent.value_heads", r.value_heads},
        {"recurrent.value_head_dim", r.value_head_dim}};
    for (const auto& [field, value] : widths)
      if (value > (1u << 20)) return bad(field, "must be at most 1048576");
    if (r.conv_kernel == 0 || r.conv_kernel > 1024)
      return bad("recurrent.conv_kernel", "must be 1..1024");
  }
  // Byte arithmetic is uint64: refuse shapes whose parameter count could overflow it. The largest
  // open models have about 1e12 parameters; 1e14 leaves room and keeps bytes below 2^63. The
  // count runs over the very tensor list the sizing uses (in doubles, which cannot wrap), so no
  // term (shared experts, MLA projections, the vision tower) escapes it. With every width above
  // bounded, each tensor's rows and cols fit in uint64.
  double params = 0;
  for (const auto& tensor : model_tensors(arch))
    params += static_cast<double>(tensor.rows) * static_cast<double>(tensor.cols);
  if (params > kMaxParams) {
    const double trillions = std::min(params / 1e12, 1e15);  // printable as an integer
    return bad("num_layers", "and widths describe about " +
                                 std::to_string(static_cast<long long>(trillions)) +
                                 " trillion parameters, more than any real model (limit 100 "
                                 "trillion)");
  }
  return std::nullopt;
}

}  // namespace headroom
