# One INTERFACE target carries the warning flags for every part (core, CLI, bench, wasm, tests).
add_library(headroom_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(headroom_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports `"text" + std::string` as overlapping memcpy at -O2 (a false positive, GCC bug
  # 105329, fixed in 13).
  target_compile_options(headroom_warnings INTERFACE -Wno-restrict)
endif()
