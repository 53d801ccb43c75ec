// The WebAssembly front end: C exports over the core, JSON text in and out, errors as values
// ({"ok": false, "error", "field"}) because C++ exceptions lose their message in wasm.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <emscripten/emscripten.h>

#include "headroom/catalog.h"
#include "headroom/documents.h"
#include "headroom/gguf.h"
#include "headroom/model.h"
#include "headroom/results.h"

namespace {

char* to_c_string(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out != nullptr) std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

// The built-in catalog, parsed once per module instance (a few ms; a page's table re-asks often).
const headroom::Result<headroom::Catalog>& builtin_catalog() {
  static const headroom::Result<headroom::Catalog> catalog = headroom::load_builtin_catalog();
  return catalog;
}

// The model the page loaded last, a GGUF header or a pasted config.json (a request names it by
// the name it was loaded under). One slot: a page works on one local model at a time, and a new
// one replaces it.
std::optional<headroom::ModelArch>& loaded_model() {
  static std::optional<headroom::ModelArch> model;
  return model;
}

// Each card's measured aggregate, as the site published it (setMeasured); empty: spec only.
headroom::MeasuredCards& measured_cards() {
  static headroom::MeasuredCards measured;
  return measured;
}

using Respond = std::string (*)(std::string_view, const headroom::Catalog&,
                                const headroom::ModelArch*, const headroom::MeasuredCards*);

// Answers one JSON request with `respond` (the core's *_response_json).
char* answer(const char* text, Respond respond) {
  const auto& catalog = builtin_catalog();
  if (!catalog) return to_c_string(headroom::error_response_json(catalog.error()));
  const auto& model = loaded_model();
  return to_c_string(
      respond(text ? text : "", catalog.value(), model ? &*model : nullptr, &measured_cards()));
}

// The first `length` bytes of a file of `file_bytes`: the page slices a dropped file (Blob.slice)
// rather than reading gigabytes of tensor data the header reader never looks at. A read past the
// slice fails and is remembered, so the page can tell "read a larger slice" from "truncated".
class SliceSource final : public headroom::ByteSource {
 public:
  SliceSource(const unsigned char* bytes, std::size_t length, std::uint64_t file_bytes)
      : bytes_(bytes), length_(length), file_bytes_(std::max<std::uint64_t>(file_bytes, length)) {}
  std::uint64_t size() const override { return file_bytes_; }
  bool read_at(std::uint64_t offset, void* out, std::size_t n) const override {
    if (offset > length_ || n > length_ - offset) {
      past_slice_ = past_slice_ || offset + n <= file_bytes_;
      return false;
    }
    if (n > 0) std::memcpy(out, bytes_ + offset, n);
    return true;
  }
  bool read_past_slice() const { return past_slice_; }

 private:
  const unsigned char* bytes_;
  std::size_t length_;
  std::uint64_t file_bytes_;
  mutable bool past_slice_ = false;
};

}  // namespace

extern "C" {

// Each returns a malloc'd JSON string; the caller frees it with _free.
EMSCRIPTEN_KEEPALIVE char* headroom_size_json(const char* request_json) {
  return answer(request_json, headroom::size_response_json);
}

// The request of headroom_size_json without "card" (optionally "vendor"): every card, ranked.
EMSCRIPTEN_KEEPALIVE char* headroom_compare_json(const char* request_json) {
  return answer(request_json, headroom::compare_response_json);
}

// The request of headroom_size_json in every weight format its runtime loads.
EMSCRIPTEN_KEEPALIVE char* headroom_reality_json(const char* request_json) {
  return answer(request_json, headroom::reality_response_json);
}

// Reads a GGUF header from the first `length` bytes of a file of `file_bytes` named `name`, and
// keeps the model for the requests that name it. {"ok": true, "model": {...}} or the error; with
// "more_bytes": true when the header runs past the slice (the page retries with a larger one).
EMSCRIPTEN_KEEPALIVE char* headroom_load_gguf(const unsigned char* bytes, std::size_t length,
                                              double file_bytes, const char* name) {
  const std::uint64_t size =
      file_bytes > 0 && file_bytes < 1.8e19 ? static_cast<std::uint64_t>(file_bytes) : 0;
  const SliceSource source(bytes, bytes ? length : 0, size);
  auto model = headroom::read_gguf_model(source, name ? name : "model.gguf");
  // A refused file leaves the last good model in place, as the page keeps its last good table.
  if (!model) {
    std::string reply = headroom::error_response_json(model.error());
    if (source.read_past_slice()) reply.insert(reply.size() - 1, ",\"more_bytes\":true");
    return to_c_string(reply);
  }
  loaded_model() = model.value();
  return to_c_string(headroom::model_response_json(model));
}

// Reads a config.json text (Python's bare Infinity / NaN accepted, as the CLI accepts them) and
// keeps the model under `name` for the requests that name it: {"ok": true, "model": {...}} or the
// CLI's error for the same file.
EMSCRIPTEN_KEEPALIVE char* headroom_load_config(const char* text, const char* name) {
  auto model = headroom::parse_hf_config(text ? text : "", name ? name : "config.json");
  if (!model) return to_c_string(headroom::error_response_json(model.error()));
  loaded_model() = model.value();
  return to_c_string(headroom::model_response_json(model));
}

// Reads a headroom.measured.v1 document (the site's measured.json) and calibrates every later
// request's cards with it, as `headroom size` calibrates them from results/. A refused document
// changes nothing: {"ok": true, "cards": N} or the error.
EMSCRIPTEN_KEEPALIVE char* headroom_set_measured_json(const char* text) {
  const auto& catalog = builtin_catalog();
  if (!catalog) return to_c_string(headroom::error_response_json(catalog.error()));
  auto measured = headroom::parse_measured_cards(text ? text : "", catalog.value());
  if (!measured) return to_c_string(headroom::error_response_json(measured.error()));
  measured_cards() = std::move(measured).value();
  return to_c_string("{\"ok\":true,\"cards\":" + std::to_string(measured_cards().size()) + "}");
}

// A headroom-bench file checked as `headroom results validate --json` checks it (the same
// headroom.results-check.v1 document), named `name` in the report.
// The file's bytes as they are (`length` of them), so invalid UTF-8 is seen, not transcoded.
EMSCRIPTEN_KEEPALIVE char* headroom_check_submission_json(const char* bytes, std::size_t length,
                                                          const char* name) {
  const auto& catalog = builtin_catalog();
  if (!catalog) return to_c_string(headroom::error_response_json(catalog.error()));
  std::vector<headroom::CheckedFile> files;
  const std::string_view text = bytes ? std::string_view(bytes, length) : std::string_view();
  files.push_back({name ? name : "result.json", headroom::check_submission(text, catalog.value())});
  return to_c_string("{\"ok\":true,\"check\":" + headroom::results_check_json_text(files) + "}");
}

// `kind`: models | cards | formats | runtimes.
EMSCRIPTEN_KEEPALIVE char* headroom_catalog_json(const char* kind) {
  const auto& catalog = builtin_catalog();
  if (!catalog) return to_c_string(headroom::error_response_json(catalog.error()));
  return to_c_string(headroom::catalog_response_json(kind ? kind : "", catalog.value()));
}

}  // extern "C"
