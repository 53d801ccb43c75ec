// --model naming a file: a config.json or a .gguf path -> ModelArch (catalog ids go to the core).
#pragma once

#include <optional>
#include <string>

#include "headroom/model.h"
#include "headroom/result.h"

namespace headroom::cli {

struct ModelChoice {
  ModelArch arch;
  bool from_gguf = false;  // the tensors carry their real types: no --quant applies
};

// nullopt when `spec` names no file (a catalog id or HF repo name); errors carry the path.
std::optional<Result<ModelChoice>> read_model_file(const std::string& spec);

}  // namespace headroom::cli
