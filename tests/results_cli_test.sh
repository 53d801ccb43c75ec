#!/usr/bin/env bash
# The CLI contract of `headroom results validate|add` (and the `check-bench` alias): exit 0 when
# every file is ok or flagged, 2 when any is rejected or an add is refused, with one line on
# stderr naming the file and the reason; every file of the submission corpus gets the status
# expected.json gives it; an add killed mid-write leaves the folder as it was.
# Usage: results_cli_test.sh path/to/headroom tests/data/submissions
set -u
headroom="$1"
corpus="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect STATUS REASON-SUBSTRING args...: exit code and, on failure, one stderr line with the reason.
expect() {
  local want_rc="$1" reason="$2"
  shift 2
  "$headroom" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" != "$want_rc" ]; then
    bad "$* exited $rc, expected $want_rc: $(head -c 300 "$tmp/err")"
    return
  fi
  if [ "$want_rc" = 2 ]; then
    if [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q '^headroom: ' "$tmp/err"; then
      bad "$*: stderr is not one 'headroom: ' line: $(cat "$tmp/err")"
      return
    fi
    if [ -n "$reason" ] && ! grep -qF -- "$reason" "$tmp/err"; then
      bad "$*: stderr lacks '$reason': $(cat "$tmp/err")"
      return
    fi
  elif [ -n "$reason" ] && ! grep -qF -- "$reason" "$tmp/out"; then
    bad "$*: stdout lacks '$reason'"
    return
  fi
  ok
}

good="$corpus/good/t4-crafted.json"
lavapipe="$corpus/good/lavapipe-old-no-driver-version.json"

# validate, its alias and its JSON document
expect 0 ": ok (nvidia/t4)" results validate "$good"
expect 0 "flagged" results validate "$lavapipe"
expect 0 ": ok" check-bench "$good"
expect 2 "cache-resident" check-bench "$corpus/bad/inflated_bandwidth.json"
expect 2 "cannot read" results validate "$tmp/missing.json"
expect 2 "and 1 more rejected" results validate "$corpus/bad/nan.json" "$corpus/bad/empty.json"
expect 0 '"schema": "headroom.results-check.v1"' results validate --json "$good" "$lavapipe"
expect 2 "" results validate --json "$corpus/bad/truncated.json"
if grep -q '"rejected": 1' "$tmp/out"; then ok; else bad "--json summary lacks rejected: 1"; fi
expect 0 "Exit status: 0 every file ok or flagged, 2 any file rejected" results validate --help

# The corpus: each file with the status and reason expected.json gives it.
while IFS=$'\t' read -r name status reason; do
  if [ "$status" = rejected ]; then
    expect 2 "$reason" results validate "$corpus/$name"
  else
    expect 0 "$reason" results validate "$corpus/$name"
    if ! grep -qF ": $status" "$tmp/out"; then bad "$name: not $status"; fi
  fi
done < <(python3 -c '
import json, sys
for name, e in sorted(json.load(open(sys.argv[1]))["files"].items()):
    print(name, e["status"], e["reason"], sep="\t")' "$corpus/expected.json")

# add: stored by sha256, refused twice, rejected files never stored
store="$tmp/results"
expect 0 "added as $store/nvidia/t4/" results add "$good" --into "$store"
n=$(find "$store/nvidia/t4" -name '*.json' ! -name index.json | wc -l)
if [ "$n" = 1 ]; then ok; else bad "expected one stored file, found $n"; fi
expect 2 "already stored" results add "$good" --into "$store"
snapshot() { (cd "$store" && find . -type f ! -name '.*' -exec sha256sum {} + | sort); }
before="$(snapshot)"
expect 2 "rejected: " results add "$corpus/bad/path_in_driver_info.json" --into "$store"
if [ "$(snapshot)" = "$before" ]; then ok; else bad "a rejected add changed the folder"; fi
expect 2 "cannot read" results add "$tmp/missing.json" --into "$store"
# A good file after a refused one is not added either: every file is checked first.
expect 2 "(no file added)" results add "$lavapipe" "$corpus/bad/nan.json" --into "$store"
if [ "$(snapshot)" = "$before" ]; then ok; else bad "a refused file in the list still added another"; fi

# A kill in the middle of an add (each write sleeps before its fsync) leaves the folder as it
# was; the next add cleans up the temporary file and succeeds.
HEADROOM_TEST_WRITE_DELAY_MS=3000 "$headroom" results add "$corpus/bad/noisy_flagged.json" \
  --into "$store" >/dev/null 2>&1 &
child=$!
sleep 1
kill -9 "$child" 2>/dev/null
wait "$child" 2>/dev/null
if [ "$(snapshot)" = "$before" ]; then ok; else bad "a killed add changed the folder"; fi
expect 2 "temporary file" results validate "$store"
expect 0 "added as" results add "$corpus/bad/noisy_flagged.json" --into "$store"
if [ -z "$(find "$store" -name '.*tmp-*')" ]; then ok; else bad "a stale temporary file remains"; fi
expect 0 "" results validate "$store"

# A file copied into the layout by hand (not in index.json, or under the wrong name) is rejected.
cp "$good" "$store/nvidia/t4/0000000000000000000000000000000000000000000000000000000000000000.json"
expect 2 "must be named by the sha256" results validate "$store"
rm "$store/nvidia/t4/0000000000000000000000000000000000000000000000000000000000000000.json"
echo "notes" >"$store/README.txt"
expect 2 "not a result file" results validate "$store"
rm "$store/README.txt"

# A card folder's index.json named on its own is checked as an index, as a folder scan does.
expect 0 "index.json: ok" results validate "$store/nvidia/t4/index.json"
mkdir -p "$tmp/moved/x/y"
cp "$store/nvidia/t4/index.json" "$tmp/moved/x/y/index.json"
expect 2 "index.json names folder nvidia/t4, but lies in x/y" results validate "$tmp/moved/x/y/index.json"

# The flagged file has the same machine key as the good one: it superseded it.
if grep -q '"history": \[$' "$store/nvidia/t4/index.json" &&
   python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (len(d["current"]) == 1 and len(d["history"]) == 1))' \
     "$store/nvidia/t4/index.json"; then ok; else bad "the older file of one machine is not history"; fi

# size: the card's aggregate of trusted files calibrates the speed (an assumption line says so).
store="$tmp/sizing"
expect 0 "added as" results add "$good" --into "$store"
args=(size --model llama-3.1-8b-instruct --quant q4_k_m --runtime llama.cpp --json)
expect 0 "speed calibrated by measured results" "${args[@]}" --card t4 --results "$store"
expect 0 "" "${args[@]}" --card rtx-4090 --results "$store"
if ! grep -q "measured results" "$tmp/out"; then ok; else bad "an aggregate was used for rtx-4090"; fi
expect 2 "--results" "${args[@]}" --card t4 --results "$tmp/nowhere"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
