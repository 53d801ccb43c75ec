# nlohmann_json: Debian's package natively; under Emscripten an isolated include dir, because
# putting /usr/include on em++'s path drags glibc headers in and breaks the build.
if(EMSCRIPTEN)
  find_path(HEADROOM_NLOHMANN_INCLUDE nlohmann/json.hpp
            PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  set(_iso "${CMAKE_BINARY_DIR}/_deps/nlohmann/include")
  file(MAKE_DIRECTORY "${_iso}")
  if(NOT EXISTS "${_iso}/nlohmann")
    file(CREATE_LINK "${HEADROOM_NLOHMANN_INCLUDE}/nlohmann" "${_iso}/nlohmann" SYMBOLIC)
  endif()
  add_library(nlohmann_json INTERFACE)
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
  target_include_directories(nlohmann_json SYSTEM INTERFACE "${_iso}")
else()
  find_package(nlohmann_json 3.10 REQUIRED)
endif()
