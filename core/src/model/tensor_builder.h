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

  void add(const std::string& name, TensorRole role, int layer, std::uint64_t rows,
           std::uint64_t cols) {
    // 1-D tensors (norms, biases) are kept in f32 by every runtime's loader.
    const bool is_vector = rows == 1;
    tensors_.push_back(TensorSpec{name, role, layer, rows, cols, is_vector ? DType::f32 : dtype_});
  }
  void add_layer(int layer, const char* suffix, TensorRole role, std::uint64_t rows,
                 std::uint64_t cols) {
    add("blk." + std::to_string(layer) + "." + suffix, role, layer, rows, cols);
  }
  std::vector<TensorSpec> take() { return std::move(tensors_); }

 private:
  DType dtype_;
  std::vector<TensorSpec> tensors_;
};

// The weights of layer `layer`'s recurrent mixer (arch.state_of(layer) != none).
void add_recurrent_mixer(const ModelArch& arch, int layer, TensorListBuilder& out);

}  // namespace headroom
