// --model: a catalog id, a config.json path or a .gguf path -> ModelArch.
#pragma once

#include <string>

#include "headroom/catalog.h"

namespace headroom::cli {

struct ModelChoice {
  ModelArch arch;
  bool from_gguf = false;  // the tensors carry their real types: the format is "gguf-file"
};

Result<ModelChoice> resolve_model(const Catalog& catalog, const std::string& spec);

}  // namespace headroom::cli
