#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan with integer checks) in
# build/fuzz and runs each for FUZZ_SECONDS (30) from the checked-in seed corpora, printing
# executions and coverage. The seed is FUZZ_SEED (1 by default) so a failure can be replayed.
# Exits non-zero on any crash, leak, timeout or sanitizer report.
#   bash scripts/fuzz.sh [target ...]      targets: bench hf_config gguf request (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-30}"
jobs="${FUZZ_BUILD_JOBS:-2}"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(bench hf_config gguf request)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (Debian: apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 1
fi
cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHEADROOM_FUZZ=ON -DHEADROOM_BUILD_TESTS=OFF -DHEADROOM_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz -j"$jobs" >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
status=0
printf '%-10s %10s %8s %8s %6s  %s\n' target execs exec/s cov ft result
for target in "${targets[@]}"; do
  # A working corpus under build/: the checked-in seeds stay as they are.
  work="build/fuzz/corpus/$target"
  mkdir -p "$work" "build/fuzz/artifacts/$target"
  dict="tests/fuzz/json.dict"
  [[ $target == gguf ]] && dict="tests/fuzz/gguf.dict"
  log="build/fuzz/$target.log"
  result=ok
  if ! "build/fuzz/tests/fuzz/fuzz_$target" "$work" "tests/fuzz/corpus/$target" \
      -dict="$dict" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
      -seed="${FUZZ_SEED:-1}" -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$target/" >"$log" 2>&1; then
    result="FAILED (see $log and build/fuzz/artifacts/$target/)"
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  printf '%-10s %10s %8s %8s %6s  %s\n' "$target" "$execs" "$rate" "$cov" "$ft" "$result"
  [[ $result == ok ]] || tail -40 "$log" >&2
done
exit "$status"
