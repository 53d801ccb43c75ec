#!/usr/bin/env bash
# The main job end to end on built-in defaults: install what is missing, build, and size the
# default scenarios (Llama-3.1-8B at Q4_K_M, 8 users, llama.cpp, RTX 4090; vLLM on an H100; every
# weight format side by side: the "4-bit is 4x faster" reality check).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh >/dev/null
headroom=build/native/cli/headroom
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
