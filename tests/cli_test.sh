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
# A checkpoint folder is read through its config.json; a folder without one is refused.
mkdir -p "$tmp/ckpt" "$tmp/empty"
cat >"$tmp/ckpt/config.json" <<'JSON'
{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
 "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256,
 "max_position_embeddings": 131072, "torch_dtype": "bfloat16"}
JSON
expect_ok "doc['memory']['kv_bytes_per_token'] == 131072" \
  size --model "$tmp/ckpt" --runtime vllm --card h100-sxm-80gb --json
expect_error "holds no config.json" size --model "$tmp/empty" --runtime vllm --card h100-sxm-80gb
expect_error "unknown model 'nope'" size --model nope --runtime vllm --card h100-sxm-80gb
expect_error "unknown card 'h9000'" size --model llama-3.1-8b-instruct --runtime vllm --card h9000
expect_error "unknown runtime 'vllmm'" size --model llama-3.1-8b-instruct --runtime vllmm --card h100-sxm-80gb
expect_error "unknown weight format 'q9_9'" "${base[@]}" --quant q9_9
# llama.cpp backends: one the card's vendor cannot run, and a backend on a serving runtime.
expect_error "--backend metal runs on Apple GPUs only" size --model llama-3.1-8b-instruct \
  --runtime llama.cpp --card rtx-4090 --backend metal
expect_error "--backend cuda runs on NVIDIA GPUs only" size --model llama-3.1-8b-instruct \
  --runtime ollama --card rx-7900-xtx --backend cuda
expect_error "--backend is a llama.cpp/Ollama setting" size --model llama-3.1-8b-instruct \
  --runtime vllm --card rtx-4090 --backend cuda
expect_error "--backend must be cuda, vulkan, rocm, metal, sycl or cpu" size \
  --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090 --backend opencl
# Engine releases and llama.cpp build months: the runtime they belong to, and their spelling.
expect_error "--engine-version must be a release like 0.6.3 (got 'latest')" "${base[@]}" \
  --engine-version latest
expect_error "--engine-version is a serving-engine release" size --model llama-3.1-8b-instruct \
  --quant q4_k_m --runtime llama.cpp --card rtx-4090 --engine-version 0.6.3
expect_error "ran the V0 engine, whose figures are measured on AMD Instinct cards only" \
  "${base[@]}" --engine-version 0.6.3
expect_error "--llama-build is a llama.cpp/Ollama build month" "${base[@]}" --llama-build 2024-05
expect_error "--llama-build must be a month YYYY-MM (got '2024-13')" size \
  --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 \
  --llama-build 2024-13
# The V0 engine on the MI300X it was fitted on: its note names the release, and its host costs
# make a single 405B request decode slower than the current engine's.
v0=(size --model llama-3.1-405b-instruct --runtime vllm --card mi300x --gpus 8 --json)
expect_ok "'vllm 0.5-0.7 (V0 engine)' in doc['speed']['model_note']" "${v0[@]}" --engine-version 0.6.3
"$headroom" "${v0[@]}" >"$tmp/v1.json" 2>/dev/null
expect_ok "doc['speed']['decode_tokens_per_s_per_user'] < json.load(open('$tmp/v1.json'))['speed']['decode_tokens_per_s_per_user']" \
  "${v0[@]}" --engine-version 0.6.3
# An Alchemist card's 2024 Vulkan build era (llama.cpp PR #10296) decodes slower than a current one.
a770=(size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card arc-a770 --backend vulkan --json)
"$headroom" "${a770[@]}" >"$tmp/a770.json" 2>/dev/null
expect_ok "doc['speed']['decode_tokens_per_s_per_user'] < 0.7 * json.load(open('$tmp/a770.json'))['speed']['decode_tokens_per_s_per_user']" \
  "${a770[@]}" --llama-build 2024-11
# The engine's prompt-token budget per step: a serving-engine setting; vLLM profiles its
# activations at it (2.56 B per token and hidden unit: 6144 tokens x 4096 less at 2048).
expect_error "--max-num-batched-tokens is a serving-engine setting" size \
  --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 \
  --max-num-batched-tokens 2048
expect_error "--max-num-batched-tokens must be 1..16777216" "${base[@]}" --max-num-batched-tokens 0
"$headroom" "${base[@]}" --json >"$tmp/budget8192.json" 2>/dev/null
expect_ok "abs(json.load(open('$tmp/budget8192.json'))['memory']['activation_bytes'] - doc['memory']['activation_bytes'] - 2.56 * 6144 * 4096) < 1024 and 'max_num_batched_tokens 2048' in doc['memory']['items'][1]['note']" \
  "${base[@]}" --max-num-batched-tokens 2048 --json
# TensorRT-LLM's host cost per streamed response: streaming every 10th step lifts a large batch's
# decode; the knob is refused where Headroom does not model it, and out of range.
trt=(size --model llama-3.1-8b-instruct --runtime trtllm --card h100-sxm-80gb --users 256 --json)
"$headroom" "${trt[@]}" >"$tmp/trt1.json" 2>/dev/null
expect_ok "doc['speed']['decode_tokens_per_s_total'] > 1.2 * json.load(open('$tmp/trt1.json'))['speed']['decode_tokens_per_s_total']" \
  "${trt[@]}" --stream-interval 10
expect_error "--stream-interval is modelled for TensorRT-LLM only" "${base[@]}" --stream-interval 4
expect_error "--stream-interval must be 0..1000" "${trt[@]}" --stream-interval 1001
# Chat requests: vLLM renders each one's template in its API server, one at a time, so a burst
# of 1000 waits seconds longer for its first tokens; other values and llama.cpp are refused.
chat=(size --model qwen3-8b --runtime vllm --card h100-sxm-80gb --users 1000 --prompt-tokens 128 --output-tokens 4 --json)
"$headroom" "${chat[@]}" >"$tmp/completions.json" 2>/dev/null
expect_ok "doc['speed']['ttft_s'] > json.load(open('$tmp/completions.json'))['speed']['ttft_s'] + 5" \
  "${chat[@]}" --endpoint chat
expect_error "--endpoint must be chat or completions" "${chat[@]}" --endpoint responses
expect_error "--async-scheduling is a vLLM option" \
  size --model qwen3-8b --runtime sglang --card h100-sxm-80gb --async-scheduling on
# llama-server caps a slot at the model's training context; Ollama runs past it (with a note).
expect_error "training context of 40960 tokens" size --model qwen3-8b --quant q4_k_m --runtime llama.cpp --card rtx-4090 --prompt-tokens 60000 --output-tokens 1000
expect_ok "any('training context' in a for a in doc['assumptions'])" size --model qwen3-8b --quant q4_k_m --runtime ollama --card rtx-4090 --prompt-tokens 60000 --output-tokens 1000 --json
# Ollama's q8_0 KV advice names the flags that run (flash attention is off there by default).
expect_ok "any('--kv-cache-dtype q8_0 --flash-attention on' in a for a in doc['advice'])" size --model llama-3.1-8b-instruct --quant q4_k_m --runtime ollama --card rtx-4090 --users 16 --prompt-tokens 8000 --json
# Ollama runs recurrent families one sequence at a time: --parallel above 1 would do nothing.
expect_error "--parallel has no effect" size --model qwen3.5-35b-a3b --quant q4_k_m --runtime ollama --card h100-sxm-80gb --users 4 --parallel 4
# Expert parallelism: on | off, MoE models on vLLM / SGLang / TensorRT-LLM only; a block-fp8
# checkpoint whose experts a GPU count cannot split whole is refused, as vLLM refuses to load it.
expect_error "--expert-parallel" size --model qwen3-30b-a3b --runtime vllm --card h100-sxm-80gb --gpus 2 --expert-parallel maybe
expect_error "--expert-parallel applies to mixture-of-experts" size --model qwen3-8b --runtime vllm --card h100-sxm-80gb --gpus 2 --expert-parallel on
expect_error "1536 / 8 is not a whole number of 128-wide blocks" \
  size --model qwen3-235b-a22b --quant fp8-block --runtime vllm --card h100-sxm-80gb --gpus 8
expect_ok "doc['memory']['weights_bytes'] > 0" \
  size --model qwen3-235b-a22b --quant fp8-block --runtime vllm --card h100-sxm-80gb --gpus 8 --expert-parallel on --json
expect_error "--flash-attention is a llama.cpp/Ollama setting" \
  size --model qwen3-8b --runtime vllm --card h100-sxm-80gb --flash-attention off
expect_error "--max-model-len is a serving-engine setting" \
  size --model qwen3-8b --runtime transformers --card h100-sxm-80gb --max-model-len 131072
expect_error "--parallel must be 1..256" \
  size --model qwen3-8b --runtime llama.cpp --card h100-sxm-80gb --parallel 300
expect_error "FP8 weights need compute capability 8.0" \
  size --model qwen3-8b --runtime vllm --card t4 --quant fp8
expect_error "--endpoint is a serving-engine setting" \
  size --model qwen3-8b --runtime llama.cpp --card h100-sxm-80gb --endpoint chat
# Steps past the largest CUDA graph launch every layer from the host: 64 users decode slower
# with graphs captured up to batch 8.
graphs=(size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --users 64 --json)
"$headroom" "${graphs[@]}" >"$tmp/graphs.json" 2>/dev/null
expect_ok "doc['speed']['decode_tokens_per_s_total'] < json.load(open('$tmp/graphs.json'))['speed']['decode_tokens_per_s_total']" \
  "${graphs[@]}" --cuda-graph-max-batch 8
expect_error "--cuda-graph-max-batch is a serving-engine setting" size \
  --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --card rtx-4090 --cuda-graph-max-batch 8
expect_error "--cuda-graph-max-batch must be 1..65536" "${graphs[@]}" --cuda-graph-max-batch 0
# vLLM's max_num_seqs: the scheduler's cap and the dummy requests its profile run samples
# (38.1 B per request and vocabulary entry on the sort path: 1023 x 128,256 less at 1).
expect_error "--max-num-seqs is a vLLM setting" size --model llama-3.1-8b-instruct \
  --runtime sglang --card h100-sxm-80gb --max-num-seqs 8
expect_error "--max-num-seqs must be 1..65536" "${base[@]}" --max-num-seqs 0
"$headroom" "${base[@]}" --json >"$tmp/seqs1024.json" 2>/dev/null
expect_ok "abs(json.load(open('$tmp/seqs1024.json'))['memory']['activation_bytes'] - doc['memory']['activation_bytes'] - 38.1 * 1023 * 128256) < 1024 and doc['max_users'] == 1" \
  "${base[@]}" --max-num-seqs 1 --max-num-batched-tokens 8192 --json
# The engine refuses prompts past its max_model_len: the longest context is capped there even
# where the KV cache would hold more (an 8B model on an H100 holds 131072 tokens).
expect_ok "doc['max_context_tokens'] == 8192" "${base[@]}" --max-model-len 8192 --json
# A budget fraction where the runtime has none to take it is refused, not ignored.
expect_error "--gpu-memory-utilization is a vLLM / SGLang / TensorRT-LLM budget fraction" size \
  --model llama-3.1-8b-instruct --runtime tgi --card h100-sxm-80gb --gpu-memory-utilization 0.5
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

# Names as users type them: a derivative's repo name, a driver's card name (issue 10).
expect_ok "doc['inputs']['model'] == 'qwen3-8b' and doc['inputs']['quant'] == 'awq' and doc['inputs']['card'] == 'rtx-4090' and \"'Qwen/Qwen3-8B-AWQ' read as model qwen3-8b with format awq\" in doc['assumptions']" \
  size --model Qwen/Qwen3-8B-AWQ --runtime vllm --card 'NVIDIA GeForce RTX 4090' --json
expect_ok "doc['inputs']['quant'] == 'f16'" size --model llama-3.1-8b-instruct --quant fp16 --runtime llama.cpp --card rtx4090 --json
expect_ok "doc['inputs']['quant'] == 'mxfp4-gguf'" size --model gpt-oss-20b --quant mxfp4 --runtime ollama --card 'RTX 4090' --json
expect_error "--card 'h100' fits several catalog cards: h100-sxm-80gb, h100-pcie-80gb, h100-nvl-94gb" size --model qwen3-8b --runtime vllm --card h100
expect_error "unknown card 'rtx4900' (did you mean rtx-4090" size --model qwen3-8b --runtime vllm --card rtx4900
expect_error "--quant 'fp8' contradicts model 'Qwen/Qwen3-8B-AWQ', whose name says awq" size --model Qwen/Qwen3-8B-AWQ --quant fp8 --runtime vllm --card rtx-4090
expect_error "it is a GGUF format; this runtime serves awq" size --model qwen3-8b --quant q4_k_m --runtime vllm --card rtx-4090
expect_error "unknown model 'Qwen/Qwen3-9B-AWQ' (did you mean qwen3-4b, qwen3-8b" size --model Qwen/Qwen3-9B-AWQ --runtime vllm --card rtx-4090

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

# Hostile input (issue 9): exit 2 naming the field, never a hang, inf/NaN or a raw control code.
hostile=(size --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090)
expect_error "--users" "${hostile[@]}" --users 1e30
expect_error "--prompt-tokens" "${hostile[@]}" --prompt-tokens 9223372036854775807
expect_error "--output-tokens" "${hostile[@]}" --output-tokens 18446744073709551615
expect_error "--gpus" "${hostile[@]}" --gpus 0
expect_error "--gpus" "${base[@]}" --gpus 1e12
expect_error "--gpu-memory-utilization" "${base[@]}" --gpu-memory-utilization nan
expect_error "--gpu-memory-utilization" "${base[@]}" --gpu-memory-utilization -inf
expect_error "--users" reality --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090 --users 0
expect_error "--gpus" reality --model llama-3.1-8b-instruct --runtime llama.cpp --card rtx-4090 --gpus 0
expect_error "--host-cpu" size --model llama-3.1-8b-instruct --runtime transformers --card t4 --host-cpu laptop
expect_error "--host-cpu" size --model llama-3.1-8b-instruct --runtime vllm --card h100-sxm-80gb --host-cpu server
expect_error "--gpus" size --model llama-3.1-8b-instruct --runtime llama.cpp --card apple-m2-max-96gb --gpus 4
cfg() {  # cfg file extra-json: a small llama config.json with extra keys (the last key wins)
  printf '{"model_type": "llama", "hidden_size": 256, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 512, "vocab_size": 1000%s}' "$2" >"$1"
}
cfg "$tmp/layers.json" ', "num_hidden_layers": 1000000000000'
expect_error "config.num_hidden_layers" size --model "$tmp/layers.json" --runtime vllm --card h100-sxm-80gb
cfg "$tmp/negative.json" ', "hidden_size": -256'
expect_error "config.hidden_size" size --model "$tmp/negative.json" --runtime vllm --card h100-sxm-80gb
cfg "$tmp/patch.json" ', "vision_config": {"patch_size": 0}'
expect_error "config.vision_config.patch_size" size --model "$tmp/patch.json" --runtime vllm --card h100-sxm-80gb
cfg "$tmp/shared.json" ', "model_type": "qwen2_moe", "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 512, "shared_expert_intermediate_size": 4000000000'
expect_error "shared_expert_intermediate_size" size --model "$tmp/shared.json" --runtime vllm --card h200-sxm-141gb
cfg "$tmp/kv.json" ', "hidden_size": 64, "num_hidden_layers": 4096, "num_attention_heads": 4096, "num_key_value_heads": 4096, "head_dim": 4096, "intermediate_size": 64'
expect_error "--users" size --model "$tmp/kv.json" --quant f16 --runtime llama.cpp --card h200-sxm-141gb --prompt-tokens 4096 --output-tokens 4096 --users 65536
python3 -c "print('{\"a\":' * 100000 + '1' + '}' * 100000)" >"$tmp/deep.json"
expect_error "64 levels" size --model "$tmp/deep.json" --runtime vllm --card h100-sxm-80gb
expect_error "64 levels" compare --model "$tmp/deep.json" --runtime vllm
expect_error "64 levels" validate "$tmp/deep.json"
python3 -c "print('[' * 100000 + ']' * 100000)" >"$tmp/deep-bench.json"  # under the 512 KB limit
expect_error "nests" check-bench "$tmp/deep-bench.json"
cfg "$tmp/escape.json" ', "model_type": "llama\u001b[2J\nforged line"'
expect_error '\x1b[2J\x0aforged line' size --model "$tmp/escape.json" --runtime vllm --card h100-sxm-80gb
# A FIFO named like a model file must be refused at once, not block the open forever.
mkfifo "$tmp/pipe.gguf" "$tmp/pipe.json"
for pipe in pipe.gguf pipe.json; do
  timeout 10 "$headroom" size --model "$tmp/$pipe" --runtime llama.cpp --card rtx-4090 >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [[ $rc -eq 2 && $(wc -l <"$tmp/err") -eq 1 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: FIFO $pipe -> rc=$rc"; fi
done
# A GGUF whose general.name carries terminal escape codes: printed escaped in the text output.
python3 "$here/make_gguf.py" "$tmp/evil.gguf" $'evil\e]0;owned\a\e[31m' >/dev/null
if "$headroom" size --model "$tmp/evil.gguf" --runtime llama.cpp --card rtx-4090 >"$tmp/out" 2>"$tmp/err" &&
  ! grep -q $'\e' "$tmp/out" && grep -qF 'evil\x1b]0;owned\x07' "$tmp/out"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL: escape codes in general.name reach the terminal: $(head -c 200 "$tmp/out" | od -c | head -3)"
fi

# Traffic (issue 12): arrivals, a Poisson rate, latency targets; errors name the flag.
expect_error "--request-rate is required with arrival rate" "${base[@]}" --arrival rate
expect_error "--request-rate applies only with arrival rate" "${base[@]}" --request-rate 2
expect_error "--request-rate must be a number above zero (got '-1')" "${base[@]}" --arrival rate --request-rate -1
expect_error "--request-rate must be a number above zero (got 'inf')" "${base[@]}" --arrival rate --request-rate inf
expect_error "--arrival must be burst, closed-loop or rate (got 'poisson')" "${base[@]}" --arrival poisson
expect_error "--ttft-target needs arrival closed-loop or rate" "${base[@]}" --ttft-target 1
expect_error "--itl-target must be a number above zero (got '0')" "${base[@]}" --arrival closed-loop --itl-target 0
expect_ok "'traffic' not in doc" "${base[@]}" --users 8 --json
expect_ok "doc['traffic']['arrival'] == 'closed-loop' and doc['traffic']['users'] == 8 and not doc['traffic']['saturated'] and doc['traffic']['ttft_s']['p90'] >= doc['traffic']['ttft_s']['median'] > 0 and abs(doc['traffic']['request_rate_per_s'] * doc['traffic']['e2e_s']['mean'] - 8) < 1e-3" "${base[@]}" --users 8 --arrival closed-loop --json
expect_ok "doc['traffic']['arrival'] == 'rate' and doc['traffic']['request_rate_per_s'] == 2 and doc['traffic']['target_limit']['unit'] == 'requests_per_s' and doc['traffic']['target_limit']['limit'] > 0 and any('holds up to' in a for a in doc['advice'])" "${base[@]}" --arrival rate --request-rate 2 --ttft-target 0.5 --itl-target 0.05 --json
expect_ok "doc['traffic']['saturated'] and doc['traffic']['ttft_s'] is None and doc['traffic']['capacity_requests_per_s'] > 0 and any('grows without bound' in a for a in doc['advice'])" "${base[@]}" --arrival rate --request-rate 100000 --json
if "$headroom" "${base[@]}" --arrival rate --request-rate 100000 >"$tmp/out" 2>"$tmp/err" && grep -q "saturated: arrivals exceed capacity" "$tmp/out"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: saturated traffic in the text output"; fi

if "$headroom" --version | grep -qE '^headroom [0-9]+\.[0-9]+\.[0-9]+$'; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: --version"; fi

# A ModelOpt checkpoint whose quantization sits in hf_quant_config.json beside config.json (as
# vLLM reads it, vllm/transformers_utils/config.py): NVFP4 weights, not the config's bf16.
mkdir -p "$tmp/modelopt"
python3 - "$(dirname "$0")/../core/data/models.json" "$tmp/modelopt/config.json" <<'PY'
import json, sys
models = json.load(open(sys.argv[1]))["models"]
json.dump(next(m for m in models if m["id"] == "llama-3.1-8b-instruct")["config"], open(sys.argv[2], "w"))
PY
expect_ok "doc['inputs']['bits_per_weight'] == 16" size --model "$tmp/modelopt/config.json" --runtime vllm --card rtx-5090 --json
# ModelOpt's layout (vllm/model_executor/layers/quantization/modelopt.py reads "quantization").
printf '%s' '{"producer": {"name": "modelopt"}, "quantization": {"quant_algo": "NVFP4", "group_size": 16, "exclude_modules": ["lm_head"]}}' >"$tmp/modelopt/hf_quant_config.json"
expect_ok "4.5 < doc['inputs']['bits_per_weight'] < 7" size --model "$tmp/modelopt/config.json" --runtime vllm --card rtx-5090 --json
expect_error "NVFP4" size --model "$tmp/modelopt/config.json" --runtime llama.cpp --card rtx-5090
printf '%s' '{"quantization": 3}' >"$tmp/modelopt/hf_quant_config.json"
expect_error "hf_quant_config.json: hf_quant_config.quantization must be an object" size --model "$tmp/modelopt/config.json" --runtime vllm --card rtx-5090
printf '%s' '{"quantization": ' >"$tmp/modelopt/hf_quant_config.json"
expect_error "hf_quant_config.json is not a JSON object" size --model "$tmp/modelopt/config.json" --runtime vllm --card rtx-5090

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
