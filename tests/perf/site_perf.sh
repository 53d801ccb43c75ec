#!/usr/bin/env bash
# The site's size and speed figures for the README (a benchmark that prints, not a timed test):
# the site build with 10,000 result files, the home page's weight gzipped, wasm + glue gzipped,
# and one whole-table recompute in headless Chromium next to the same compare() natively.
#   tests/perf/site_perf.sh build/native build/wasm/wasm
set -euo pipefail
native="$1"
wasm="$2"
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 10,000 result files: the committed lavapipe result cut to its read and GEMV rows, claimed for
# catalog cards in turn (the generator reads, checks and places every one).
sample=$(find "$here/results" -name '*.json' ! -name 'index.json' ! -name 'maintainers.json' | sort | head -n1)
python3 - "$sample" "$tmp/results" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
doc["results"] = [r for r in doc["results"] if r["kernel"] in ("read", "gemv")][:40]
cards = ["rtx-4090", "rtx-3090", "rtx-5090", "h100-sxm-80gb", "mi300x", "rx-7900-xtx", "a100-sxm4-80gb"]
for i in range(10000):
    doc["card"] = {"id": cards[i % len(cards)], "name": cards[i % len(cards)], "source": "perf"}
    folder = os.path.join(sys.argv[2], cards[i % len(cards)])
    os.makedirs(folder, exist_ok=True)
    json.dump(doc, open(os.path.join(folder, f"{i:05d}.json"), "w"))
PY
start=$(date +%s.%N)
"$native/site/headroom-site" build --out "$tmp/site" --results "$tmp/results" --wasm "$wasm" >/dev/null
end=$(date +%s.%N)
printf 'site build, 10000 result files: %.1f s\n' "$(echo "$end - $start" | bc)"
"$native/site/headroom-site" build --out "$tmp/plain" --wasm "$wasm" >/dev/null
gz() { gzip -9c "$1" | wc -c; }
home=0
for f in index.html style.css app.js loader.js headroom.js headroom-api.js headroom.wasm; do
  home=$((home + $(gz "$tmp/plain/$f")))
done
printf 'home page weight (HTML + CSS + JS + wasm, gzipped): %d KB\n' $((home / 1000))
printf 'wasm + glue (headroom.wasm + headroom.js + headroom-api.js, gzipped): %d KB\n' \
  $(( ($(gz "$tmp/plain/headroom.wasm") + $(gz "$tmp/plain/headroom.js") + $(gz "$tmp/plain/headroom-api.js")) / 1000 ))
SITE="$tmp/plain" CLI="$native/cli/headroom" node "$here/tests/perf/site_perf.cjs"
