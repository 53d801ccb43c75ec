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
# catalog cards in turn and stored as results/ stores them (<vendor>/<card>/<64 hex>.json), so the
# generator both places every file on its card page and aggregates each card's folder.
sample=$(find "$here/results" -name '*.json' ! -name 'index.json' ! -name 'maintainers.json' | sort | head -n1)
python3 - "$sample" "$tmp/results" <<'PY'
import hashlib, json, os, sys
doc = json.load(open(sys.argv[1]))
doc["results"] = [r for r in doc["results"] if r["kernel"] in ("read", "gemv")][:40]
cards = [("nvidia", "rtx-4090"), ("nvidia", "rtx-3090"), ("nvidia", "rtx-5090"),
         ("nvidia", "h100-sxm-80gb"), ("amd", "mi300x"), ("amd", "rx-7900-xtx"),
         ("nvidia", "a100-sxm-80gb")]
for i in range(10000):
    vendor, card = cards[i % len(cards)]
    doc["card"] = {"id": card, "name": card, "source": "perf %d" % i}
    text = json.dumps(doc)
    folder = os.path.join(sys.argv[2], vendor, card)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha256(text.encode()).hexdigest() + ".json"
    open(os.path.join(folder, name), "w").write(text)
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
SITE="$tmp/plain" PERF="$native/tests/headroom_perf" node "$here/tests/perf/site_perf.cjs"
