#!/usr/bin/env bash
# bench.validation_layer: a short run under VK_LAYER_KHRONOS_validation reports no errors.
set -u
bench="$1"
if ! VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation vulkaninfo --summary >/dev/null 2>&1 &&
   ! ls /usr/share/vulkan/explicit_layer.d/*validation* >/dev/null 2>&1; then
  echo "validation layer not installed; skipping"; exit 0
fi
out=$(VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation "$bench" --quick --samples 2 \
      --formats f16,q4_k,iq2_xxs 2>&1)
rc=$?
if grep -q "Validation Error" <<<"$out"; then
  grep -m 5 -A 3 "Validation Error" <<<"$out"; echo "FAIL: validation errors"; exit 1
fi
[ $rc -eq 0 ] || { tail -20 <<<"$out"; echo "FAIL: exit code $rc"; exit 1; }
echo "no validation errors"
