#!/usr/bin/env bash
# bench.quick_json: a --quick run writes a headroom.bench.v1 document that the core reads back.
set -u
bench="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# 5 samples: the fewest the submission check (--check-json) accepts.
"$bench" --quick --samples 5 --json "$dir/bench.json" >"$dir/out.txt" 2>"$dir/err.txt"
rc=$?
cat "$dir/out.txt"
[ $rc -eq 0 ] || { cat "$dir/err.txt"; echo "FAIL: exit code $rc"; exit 1; }
[ -f "$dir/bench.json.tmp" ] && { echo "FAIL: temporary file left behind"; exit 1; }
"$bench" --check-json "$dir/bench.json" || { echo "FAIL: the core refused the report"; exit 1; }
grep -q '"quick": true' "$dir/bench.json" || { echo "FAIL: quick not marked"; exit 1; }
grep -q '"driver_version": [0-9]' "$dir/bench.json" || { echo "FAIL: no raw driverVersion"; exit 1; }
for kernel in read write copy copy_buffer fill_buffer size_sweep_read dequant gemv; do
  grep -q "\"kernel\": \"$kernel\"" "$dir/bench.json" || { echo "FAIL: no $kernel result"; exit 1; }
done
if grep -qiE '"(hostname|user|path)"' "$dir/bench.json" || grep -q "$HOME" "$dir/bench.json"; then
  echo "FAIL: the report names the host, user or a path"; exit 1
fi
# Every storage type of the core's reference table has its portable kernels compiled in (the
# shader list in vulkan-bench/CMakeLists.txt and reference_layouts() must not drift apart):
# 14 formats, plus "" for the bandwidth rows.
if grep -q '"skipped": "skipped: no portable kernel' "$dir/bench.json"; then
  echo "FAIL: a format of the reference table has no portable shader"; exit 1
fi
formats=$(grep -o '"format": "[a-z0-9_]*"' "$dir/bench.json" | sort -u | wc -l)
[ "$formats" -ge 15 ] || { echo "FAIL: only $formats formats in the report"; exit 1; }
echo "quick_json: ok ($formats formats)"
