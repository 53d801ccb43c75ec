#!/usr/bin/env bash
# Installs what is missing, builds every part and runs every test: the Catch2 suite, the CLI
# checks and headroom-bench on Mesa lavapipe (native ctest), the fuzz targets (fuzz.sh), then the
# Emscripten build of the core and its node tests (wasm ctest), which compare against the native
# CLI, and the site's browser tests (Debian's chromium driven by playwright-core), which compare
# its live table too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn at -O2
scripts/build.sh
ctest --preset native
# libFuzzer over every parser of user input, 30 s per target (about 2 minutes plus the build).
scripts/fuzz.sh
cmake --preset wasm -DHEADROOM_NATIVE_CLI="$PWD/build/native/cli/headroom" \
  -DHEADROOM_NATIVE_SITE="$PWD/build/native/site/headroom-site" >/dev/null
cmake --build --preset wasm
ctest --preset wasm
