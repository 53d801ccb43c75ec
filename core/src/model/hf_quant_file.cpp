// NVIDIA ModelOpt checkpoints often keep their quantization out of config.json, in an
// hf_quant_config.json beside it ({"producer": ..., "quantization": {"quant_algo": "NVFP4", ...}});
// vLLM reads that file when config.json has no quantization_config (vllm/transformers_utils/
// config.py, get_hf_file_to_dict("hf_quant_config.json")). Without it such a repo reads as its
// torch_dtype.
#include "base/json_util.h"
#include "headroom/model.h"

namespace headroom {

Result<std::string> with_hf_quant_config(std::string_view config_json,
                                         std::string_view hf_quant_config_json) {
  if (json_util::nests_too_deep(hf_quant_config_json)) {
    return json_util::too_deep("hf_quant_config", "hf_quant_config.json");
  }
  auto quant = json_util::parse(hf_quant_config_json);
  if (!quant || !quant->is_object()) {
    return refused(ErrorCode::parse_error, "hf_quant_config",
                   "hf_quant_config.json is not a JSON object");
  }
  const json_util::Json* body = json_util::find(*quant, "quantization");
  if (body == nullptr || !body->is_object()) {
    return parse_failure("hf_quant_config.quantization", "must be an object (ModelOpt's layout)");
  }
  if (json_util::nests_too_deep(config_json)) return json_util::too_deep("config", "config.json");
  auto config = json_util::parse(config_json);
  if (!config || !config->is_object()) return std::string(config_json);  // the parser says why
  // config.json's own quantization_config, when present, is what the runtimes read first.
  if (json_util::find(*config, "quantization_config") != nullptr) return std::string(config_json);
  (*config)["quantization_config"] = {{"quant_method", "modelopt"}, {"quantization", *body}};
  return config->dump();
}

}  // namespace headroom
