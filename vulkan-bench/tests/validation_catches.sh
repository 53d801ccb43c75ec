#!/usr/bin/env bash
# bench.validation_catches: the check in validation.sh really detects errors: a run that issues
# one deliberately invalid call (--inject-validation-error) must print a "Validation Error".
set -u
bench="$1"
if ! ls /usr/share/vulkan/explicit_layer.d/*validation* >/dev/null 2>&1 &&
   ! VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation vulkaninfo --summary >/dev/null 2>&1; then
  echo "validation layer not installed; skipping"; exit 0
fi
out=$(VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation "$bench" --quick --samples 2 --no-bandwidth \
      --no-quant --inject-validation-error 2>&1)
if grep -q "Validation Error" <<<"$out"; then
  grep -m 1 "Validation Error" <<<"$out"; echo "ok: the injected error was reported"; exit 0
fi
tail -20 <<<"$out"; echo "FAIL: the injected invalid call produced no validation error"; exit 1
