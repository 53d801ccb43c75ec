// The WebAssembly front end: C exports over the core, JSON text in and out, errors as values
// ({"ok": false, "error", "field"}) because C++ exceptions lose their message in wasm.
#include <cstdlib>
#include <cstring>
#include <string>

#include <emscripten/emscripten.h>

#include "headroom/catalog.h"
#include "headroom/documents.h"

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

// Answers one JSON request with `respond` (the core's *_response_json).
char* answer(const char* text, std::string (*respond)(std::string_view, const headroom::Catalog&)) {
  const auto& catalog = builtin_catalog();
  if (!catalog) return to_c_string(headroom::error_response_json(catalog.error()));
  return to_c_string(respond(text ? text : "", catalog.value()));
}

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

// `kind`: models | cards | formats | runtimes.
EMSCRIPTEN_KEEPALIVE char* headroom_catalog_json(const char* kind) {
  return answer(kind, headroom::catalog_response_json);
}

}  // extern "C"
