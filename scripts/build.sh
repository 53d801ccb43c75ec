#!/usr/bin/env bash
# Builds the native tree (core, CLI, tests, and headroom-bench where Vulkan is present).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset native >/dev/null
cmake --build --preset native
