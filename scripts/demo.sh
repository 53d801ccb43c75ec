#!/usr/bin/env bash
# The main job end to end on built-in defaults: install what is missing, build (native and wasm),
# size the default scenarios in the terminal (Llama-3.1-8B at Q4_K_M, 8 users, llama.cpp, RTX 4090;
# vLLM on an H100; every weight format side by side: the "4-bit is 4x faster" reality check), run
# a quick headroom-bench on the default Vulkan device (lavapipe where there is no GPU: a local data
# point, never published), build the site and serve it on http://127.0.0.1:8000.
#   --no-bench   skip the bench       --no-serve   build the site and stop
set -euo pipefail
cd "$(dirname "$0")/.."
bench=1
serve=1
for arg in "$@"; do
  case "$arg" in
    --no-bench) bench=0 ;;
    --no-serve) serve=0 ;;
    *) echo "demo: unknown option $arg (use --no-bench, --no-serve)" >&2; exit 2 ;;
  esac
done

step_start=$SECONDS
step() {  # step "what": prints the time the previous step took, then names the next one
  echo "   ($((SECONDS - step_start)) s)" >&2
  step_start=$SECONDS
  echo "== $1" >&2
}

echo "== installing what is missing" >&2
scripts/setup-debian.sh
step "building (native)"
scripts/build.sh >/dev/null
step "building (wasm, for the site's live table)"
export NODE_PATH=/usr/share/nodejs  # Emscripten 3.1.6 needs Debian's acorn at -O2
cmake --preset wasm >/dev/null
cmake --build --preset wasm >/dev/null

headroom=build/native/cli/headroom
step "sizing the default scenarios"
echo "== llama.cpp, Llama-3.1-8B Q4_K_M, 8 users x (2000 + 500 tokens), RTX 4090 =="
"$headroom" size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 \
  --prompt-tokens 2000 --output-tokens 500 --users 8
echo
echo "== vLLM, Llama-3.1-8B bf16, 32 users x (4000 + 1000 tokens), H100 SXM 80GB =="
"$headroom" size --model llama-3.1-8b-instruct --quant bf16 --runtime vllm --card h100-sxm-80gb \
  --prompt-tokens 4000 --output-tokens 1000 --users 32
echo
echo "== Is 4-bit 4x faster? Every GGUF format of Llama-3.1-8B on an RTX 4090 (llama.cpp) =="
"$headroom" reality --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090

local_results=build/local-results
if ((bench)) && [[ -x build/native/vulkan-bench/headroom-bench ]]; then
  step "headroom-bench --quick on the default Vulkan device (a local result, not published)"
  mkdir -p "$local_results"
  build/native/vulkan-bench/headroom-bench --quick --json "$local_results/local.json" >&2 || \
    echo "demo: headroom-bench failed; the site is built without it" >&2
  echo "demo: the local result is in $local_results/local.json (check it with: headroom results validate)" >&2
fi

step "building the site"
site_args=(build --out build/site --results results --wasm build/wasm/wasm)
# The quick bench result is shown on its own page, marked unpublished (never in the figures).
[[ -f "$local_results/local.json" ]] && site_args+=(--local "$local_results/local.json")
build/native/site/headroom-site "${site_args[@]}"
step "done"
if ((serve)); then
  echo "Serving the site on http://127.0.0.1:8000 (Ctrl-C stops)"
  exec python3 -m http.server 8000 --bind 127.0.0.1 --directory build/site
fi
echo "The site is in build/site (serve it with: python3 -m http.server 8000 --directory build/site)"
