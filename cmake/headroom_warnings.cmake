# One INTERFACE target carries the warning flags for every part.
add_library(headroom_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(headroom_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
endif()
