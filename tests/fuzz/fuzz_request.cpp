// libFuzzer target: the wasm API's sizing request JSON through parse_request_json and size()
// (size_response_json), so hostile numbers reach the arithmetic; one input in 16 also runs
// reality and one in 64 compare (it sizes every card of the catalog, 60 times the cost).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.h"
#include "headroom/catalog.h"
#include "headroom/documents.h"

using headroom::fuzz::catalog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)headroom::size_response_json(text, catalog());
  // A stable choice of the subset from the input (no hash: its intended wrap would trip the
  // unsigned-overflow check).
  const unsigned pick = size == 0 ? 0u : static_cast<unsigned>(data[0] ^ data[size - 1]);
  if (pick % 16 == 0) (void)headroom::reality_response_json(text, catalog());
  if (pick % 64 == 1) (void)headroom::compare_response_json(text, catalog());
  return 0;
}
