#!/usr/bin/env bash
# bench.no_device: with no Vulkan driver the bench prints one line and exits 2.
set -u
bench="$1"
out=$(VK_ICD_FILENAMES=/nonexistent VK_DRIVER_FILES=/nonexistent "$bench" --quick 2>&1)
rc=$?
echo "$out"
[ $rc -eq 2 ] || { echo "FAIL: exit code $rc, want 2"; exit 1; }
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || { echo "FAIL: want exactly one line"; exit 1; }
grep -q '^headroom-bench: ' <<<"$out" || { echo "FAIL: message lacks the prefix"; exit 1; }
