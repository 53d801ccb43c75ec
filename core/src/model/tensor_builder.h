// TensorListBuilder: collects a model's TensorSpecs in GGUF naming ("blk.<layer>.<suffix>");
// shared by the attention/FFN list (model_tensors.cpp) and the recurrent mixers
// (mixer_tensors.cpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "headroom/model.h"

namespace headroom {

class TensorListBuilder {
 public:
  explicit TensorListBuilder(DType dtype) : dtype_(dtype) {}

  void add(std::string name, TensorRole role, int layer, std::uint64_t rows, std::uint64_t cols) {
    // 1-D tensors (norms, biases) are kept in f32 by every runtime's loader.
    const bool is_vector = rows == 1;
    tensors_.push_back(
        TensorSpec{std::move(name), role, layer, rows, cols, is_vector ? DType::f32 : dtype_});
  }
  // Built in place: a table over every card builds a model's list per card, and the chained
  // temporaries of "blk." + n + "." + suffix were most of that time.
  void add_layer(int layer, const char* suffix, TensorRole role, std::uint64_t rows,
                 std::uint64_t cols) {
    std::string name;
    name.reserve(32);
    name += "blk.";
    name += std::to_string(layer);
    name += '.';
    name += suffix;
    add(std::move(name), role, layer, rows, cols);
  }
  void reserve(std::size_t tensors) { tensors_.reserve(tensors); }
  std::vector<TensorSpec> take() { return std::move(tensors_); }

 private:
  DType dtype_;
  std::vector<TensorSpec> tensors_;
};

// The weights of layer `layer`'s recurrent mixer (arch.state_of(layer) != none).
void add_recurrent_mixer(const ModelArch& arch, int layer, TensorListBuilder& out);

// Kimi Linear (hf_kimi_linear.cpp): a KDA layer's weights, the per-layer extras (attention-
// residual queries and norms, router bias, latent norm) and the model-level ones.
void add_kda_mixer(const ModelArch& arch, int layer, TensorListBuilder& out);
void add_kimi_linear_layer_extras(const ModelArch& arch, int layer, TensorListBuilder& out);
void add_kimi_linear_model_extras(const ModelArch& arch, TensorListBuilder& out);

}  // namespace headroom
