#!/usr/bin/env bash
# The CLI contract: every bad input exits 2 with exactly one line on stderr naming the problem;
# good input exits 0 with the documented JSON. Prints "N passed, M failed".
set -u
headroom="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

expect_error() {  # expect_error "substring" args...
  local want="$1"; shift
  "$headroom" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? lines
  lines=$(wc -l <"$tmp/err")
  if [[ $rc -eq 2 && $lines -eq 1 ]] && grep -qF -- "$want" "$tmp/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: headroom $* -> rc=$rc, stderr($lines lines): $(head -c 300 "$tmp/err")"
  fi
}

expect_ok() {  # expect_ok "python-condition-on-doc" args...
  local condition="$1"; shift
  if "$headroom" "$@" >"$tmp/out" 2>"$tmp/err" && python3 -c "
import json, sys
doc = json.load(open('$tmp/out'))
sys.exit(0 if ($condition) else 1)"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: headroom $* -> $(head -c 300 "$tmp/err") / condition $condition"
  fi
}

base=(size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb)
expect_error "unknown model 'nope'" size --model nope --runtime vllm --card h100-sxm-80gb
expect_error "unknown card 'h9000'" size --model llama-3.1-8b-instruct --runtime vllm --card h9000
expect_error "unknown runtime 'vllmm'" size --model llama-3.1-8b-instruct --runtime vllmm --card h100-sxm-80gb
expect_error "unknown weight format 'q9_9'" "${base[@]}" --quant q9_9
expect_error "--users must be a whole number (got '-3')" "${base[@]}" --users -3
expect_error "--prompt-tokens must be a whole number (got 'lots')" "${base[@]}" --prompt-tokens lots
expect_error "users must be 1..100000 (got 0)" "${base[@]}" --users 0
expect_error "--gpu-memory-utilization must be a number in (0, 1]" "${base[@]}" --gpu-memory-utilization 1.7
expect_error "llama.cpp" "${base[@]}" --ctx-size 4096
expect_error "do not apply to llama.cpp" size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 --max-model-len 4096
expect_error "needs flash attention" size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 --kv-cache-dtype q4_0 --flash-attention off
expect_error "cannot open" "${base[@]/llama-3.1-8b-instruct/$tmp/missing.json}"
printf '{"model_type": "llama", "hidden_size": 4096}' >"$tmp/partial.json"
expect_error "config.num_hidden_layers is missing" size --model "$tmp/partial.json" --runtime vllm --card h100-sxm-80gb
printf '{"model_type": ' >"$tmp/broken.json"
expect_error "not valid JSON" size --model "$tmp/broken.json" --runtime vllm --card h100-sxm-80gb
printf 'GGUF\x03\x00\x00\x00' >"$tmp/truncated.gguf"
expect_error "truncated.gguf" size --model "$tmp/truncated.gguf" --runtime llama.cpp --card rtx-4090
printf 'NOPE\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$tmp/magic.gguf"
expect_error "magic" size --model "$tmp/magic.gguf" --runtime llama.cpp --card rtx-4090
expect_error "--flash-attention must be on or off" size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 --flash-attention maybe
printf '{"schema": "headroom.bench.v0"}' >"$tmp/wrong_schema.json"
expect_error "wrong_schema.json" "${base[@]}" --bench "$tmp/wrong_schema.json"
expect_error "cannot open" "${base[@]}" --bench "$tmp/none.json"
expect_error "cannot open" validate "$tmp/none.json"
expect_error "schema must be" check-bench "$tmp/wrong_schema.json"
expect_error "required" size --model llama-3.1-8b-instruct --runtime vllm
# An empty value is an error naming the flag, never the default.
expect_error "--gpu-memory-utilization must be a number in (0, 1] (got '')" "${base[@]}" --gpu-memory-utilization ''
expect_error "--max-model-len must be a whole number (got '')" "${base[@]}" --max-model-len ''
# The core names request keys; the CLI speaks in flags, in the lead and inside the sentence.
expect_error "--n-gpu-layers is a llama.cpp/Ollama setting; use --max-model-len with vllm" "${base[@]}" --n-gpu-layers 10
expect_error "unknown KV cache dtype 'fp3'" size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --kv-cache-dtype fp3

expect_ok "doc['schema'] == 'headroom.size.v1' and doc['memory']['kv_bytes_per_token'] == 131072 and doc['verdict'] in ('fits','tight','does-not-fit') and isinstance(doc['advice'], list) and doc['speed']['bound'] in ('memory','compute')" "${base[@]}" --json
# A real (small, sparse) GGUF file read through the CLI's file source: exact bytes per tensor.
here=$(dirname "$0")
read -r gguf_gpu gguf_host < <(python3 "$here/make_gguf.py" "$tmp/tiny.gguf")
expect_ok "doc['memory']['weights_bytes'] == $gguf_gpu and doc['memory']['host_bytes'] == $gguf_host and doc['memory']['kv_bytes_per_token'] == 2 * 2 * 2 * 64 * 2" \
  size --model "$tmp/tiny.gguf" --runtime llama.cpp --card rtx-4090 --json
expect_error "contradicts the GGUF file" size --model "$tmp/tiny.gguf" --quant q4_k_m --runtime llama.cpp --card rtx-4090
head -c 2000 "$tmp/tiny.gguf" >"$tmp/cut.gguf"
expect_error "cut.gguf" size --model "$tmp/cut.gguf" --runtime llama.cpp --card rtx-4090
expect_ok "doc['schema'] == 'headroom.compare.v1' and len(doc['cards']) >= 60 and doc['cards'][0]['verdict'] == 'fits'" \
  compare --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --users 4 --json
expect_error "--vendor must be nvidia, amd, intel or apple (got 'ibm')" compare --model llama-3.1-8b-instruct --runtime vllm --vendor ibm
expect_error "unknown weight format 'q9'" compare --model llama-3.1-8b-instruct --runtime vllm --quant q9
expect_ok "doc['schema'] == 'headroom.reality.v1' and any(f['format'] == 'awq' for f in doc['formats'])" \
  reality --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --json
expect_error "--quant must be dropped" reality --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --quant awq
expect_ok "len(doc['models']) >= 40" models --json
expect_ok "len(doc['cards']) >= 60" cards --json
expect_ok "len(doc['weight_formats']) > 20 and any(f['id'] == 'q4_k_m' for f in doc['weight_formats'])" formats --json
expect_ok "len(doc['runtimes']) == 7" runtimes --json

if "$headroom" --version | grep -qE '^headroom [0-9]+\.[0-9]+\.[0-9]+$'; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: --version"; fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
