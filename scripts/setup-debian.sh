#!/usr/bin/env bash
# Installs what Headroom needs on Debian 12, idempotently: only missing packages, and no
# apt-get update when nothing is missing (so a second run takes a second).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  nlohmann-json3-dev catch2 libcli11-dev libkainjow-mustache-dev
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  emscripten
  chromium  # the site's browser tests (playwright-core drives /usr/bin/chromium)
  python3  # the CLI contract tests write a GGUF file and read JSON with it
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer, ASan and UBSan
)
# node runs the wasm tests; any nodejs >= 18 already on the machine will do.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The site's browser tests: playwright-core and axe-core from the npm registry, pinned by the lock
# file; Playwright's own browser download is never used (the tests drive Debian's chromium).
site_tests="$(cd "$(dirname "$0")/.." && pwd)/site/tests"
if [[ ! -f "$site_tests/node_modules/.package-lock.json" ||
      "$site_tests/package-lock.json" -nt "$site_tests/node_modules/.package-lock.json" ]]; then
  echo "setup: npm ci in site/tests" >&2
  npm ci --prefix "$site_tests" --no-audit --no-fund >/dev/null
fi
