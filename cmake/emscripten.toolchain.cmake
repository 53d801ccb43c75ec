# Finds Emscripten's own toolchain file: $EMSCRIPTEN_ROOT, $EMSDK, then Debian's package.
foreach(_root "$ENV{EMSCRIPTEN_ROOT}" "$ENV{EMSDK}/upstream/emscripten" "/usr/share/emscripten")
  if(_root AND EXISTS "${_root}/cmake/Modules/Platform/Emscripten.cmake")
    include("${_root}/cmake/Modules/Platform/Emscripten.cmake")
    return()
  endif()
endforeach()
message(FATAL_ERROR "Emscripten not found: set EMSCRIPTEN_ROOT, or on Debian: apt-get install emscripten")
