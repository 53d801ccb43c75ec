#!/usr/bin/env bash
# Writes the CLI's --json output for the README's examples (and the other documents) into DIR, one
# file per command, so two builds can be compared byte for byte: a refactor must leave them equal.
#   scripts/json-snapshot.sh build/native/cli/headroom /tmp/before
set -euo pipefail
headroom="$1"
out="$2"
mkdir -p "$out"
here="$(cd "$(dirname "$0")/.." && pwd)"
run() {  # run NAME args...
  local name="$1"; shift
  "$headroom" "$@" >"$out/$name.json" 2>"$out/$name.err" || echo "exit $?" >>"$out/$name.err"
}
run size-llamacpp size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 \
  --prompt-tokens 2000 --output-tokens 500 --users 8 --json
run size-vllm-fp8kv size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --users 32 \
  --max-model-len 16384 --kv-cache-dtype fp8 --json
run size-ollama size --model gemma-7b-it --quant q4_0 --runtime ollama --card rtx-3080-10gb --ctx-size 8192 --json
run size-70b-nofit size --model llama-3.1-70b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 --json
run size-offload size --model qwen3-30b-a3b --quant q4_k_m --runtime llama.cpp --card rtx-4060 --n-cpu-moe 20 --json
run compare compare --model qwen3-30b-a3b --quant q4_k_m --runtime llama.cpp --users 4 --prompt-tokens 8000 \
  --output-tokens 1000 --json
run compare-amd compare --model llama-3.1-8b-instruct --runtime vllm --vendor amd --json
run reality reality --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090 --json
run reality-apple reality --model llama-3.1-8b-instruct --runtime llama.cpp --card apple-m1-max-64gb --json
run models models --json
run cards cards --json
run formats formats --json
run runtimes runtimes --json
run validate validate "$here/tests/data/speed_validation.json" --json
run validate-text validate "$here/tests/data/speed_validation.json"
run size-text size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --users 32
echo "snapshot: $(ls "$out" | wc -l) files in $out"
