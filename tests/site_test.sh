#!/usr/bin/env bash
# The site generator: the same inputs give the same bytes, every internal link resolves, and
# hostile strings from a result file are escaped in every page that shows them. Prints
# "N passed, M failed".
set -u
site="$1"
cli="${2:-}"
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {  # check "what" command...
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

# A result file the submission check accepts (the crafted T4 run) whose device name and driver
# info carry markup: the pages must escape it.
mkdir -p "$tmp/results"
lavapipe=$(find "$here/results" -name '*.json' ! -name 'index.json' ! -name 'maintainers.json' | sort | head -n1)
python3 - "$here/tests/data/submissions/good/t4-crafted.json" "$tmp/results/hostile.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["device"]["name"] = "<script>alert(1)</script> & \"quoted\""
doc["device"]["driver_info"] = "\"><img src=x onerror=alert(1)> javascript:alert(1) </script>"
json.dump(doc, open(sys.argv[2], "w"))
PY

"$site" build --out "$tmp/a" --results "$tmp/results" >/dev/null
check "first build" test -f "$tmp/a/index.html"
"$site" build --out "$tmp/b" --results "$tmp/results" >/dev/null
check "the same inputs give the same bytes" diff -r "$tmp/a" "$tmp/b"

check "every internal link resolves" python3 - "$tmp/a" <<'PY'
import os, re, sys
root = sys.argv[1]
bad = []
for folder, _, files in os.walk(root):
    for name in files:
        page = os.path.join(folder, name)
        if name.endswith(".html"):
            links = re.findall(r'(?:href|src)="([^"]*)"', open(page).read())
        elif name.endswith(".js"):  # module imports: a missing one breaks the page silently
            links = re.findall(r"\bfrom '(\./[^']*)'", open(page).read())
        else:
            continue
        for link in links:
            if re.match(r"[a-z]+:", link) or link.startswith("#"):
                continue
            target = os.path.normpath(os.path.join(folder, link.split("#")[0]))
            if not os.path.isfile(target):
                bad.append(f"{os.path.relpath(page, root)} -> {link}")
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
PY

card="$tmp/a/cards/t4.html"
check "the hostile device is shown on its card page" grep -q "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;" "$card"
check "no markup from data reaches any page" bash -c "! grep -rq -e '<script>alert' -e '<img src=x' '$tmp/a'"
check "the only scripts are the site's own modules" bash -c "! grep -rhoE --include='*.html' '<script[^>]*>' '$tmp/a' | grep -vqE '^<script type=\"module\" src=\"(\.\./)?(app|headroom-fit|fit|submit)\.js\">$'"
check "every page carries the CSP" bash -c "for f in \$(find '$tmp/a' -name '*.html'); do grep -q \"script-src 'self' 'wasm-unsafe-eval'\" \"\$f\" || exit 1; done"
check "a card page per catalog card" test "$(ls "$tmp/a/cards" | wc -l)" -ge 60
check "pre-rendered badges are SVG with their verdict" grep -q 'aria-label="Llama 3.1 8B Instruct on NVIDIA GeForce RTX 4090 24GB: fits' "$tmp/a/badges/llama-3.1-8b-instruct--rtx-4090.svg"
"$site" build --out "$tmp/c" --results "$tmp/missing" >/dev/null 2>"$tmp/err"
rc=$?
check "a missing results folder is one line naming it, exit 2" \
  bash -c "[[ $rc -eq 2 && \$(wc -l <'$tmp/err') -eq 1 ]] && grep -q missing '$tmp/err'"

# A file the submission check refuses is never shown as a measurement: the build stops naming it.
mkdir -p "$tmp/refused/nvidia/t4"
cp "$here/tests/data/submissions/bad/inflated_bandwidth.json" "$tmp/refused/nvidia/t4/"
"$site" build --out "$tmp/r" --results "$tmp/refused" >/dev/null 2>"$tmp/err"
rc=$?
check "a rejected result file stops the build, one line naming it, exit 2" \
  bash -c "[[ $rc -eq 2 && \$(wc -l <'$tmp/err') -eq 1 ]] && grep -q 'inflated_bandwidth.json: rejected' '$tmp/err'"

# The card page of the hostile result draws its GEMV chart: one bar a format, with a title.
check "a card page with a result has its GEMV chart (role img, title, one bar a format)" python3 - "$card" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
svg = re.search(r'<svg role="img"[^>]*>(.*?)</svg>', page, re.S)
assert svg and "<title" in svg.group(1), "no chart"
labels = re.findall(r'<text[^>]*>([^<]*)</text>', svg.group(1))
assert len(labels) >= 3 and len(labels) == len(set(labels)), labels
PY

# A local, unsubmitted result: its own page, marked unpublished, linked from every page; never
# on the card pages or in the measured figures.
"$site" build --out "$tmp/local" --local "$lavapipe" >/dev/null
check "--local gives a page marked unpublished" grep -q "not published" "$tmp/local/local.html"
check "--local links the page from the home page" grep -q 'href="local.html"' "$tmp/local/index.html"
check "--local leaves the measured figures alone" bash -c "! grep -q 'measured</td>' '$tmp/local/index.html'"
check "without --local there is no local page" test ! -e "$tmp/a/local.html"
printf '{"schema": "headroom.bench.v1"' >"$tmp/cut.json"
"$site" build --out "$tmp/bad" --local "$tmp/cut.json" 2>"$tmp/err"
rc=$?
check "a broken --local file is one line naming it, exit 2" \
  bash -c "[[ $rc -eq 2 && \$(wc -l <'$tmp/err') -eq 1 ]] && grep -q -- '--local' '$tmp/err'"

# The accuracy page: both validation sets, row for row what `headroom validate --json` gives.
if [[ -n "$cli" ]]; then
  here_data="$here/tests/data"
  for set in speed serving memory; do
    "$cli" validate --json "$here_data/${set}_validation.json" >"$tmp/$set.json"
  done
  check "the accuracy page shows every validation row with the CLI's error" python3 - \
    "$tmp/a/accuracy.html" "$tmp/speed.json" "$tmp/serving.json" "$tmp/memory.json" <<'PY'
import html, json, re, sys
page = open(sys.argv[1]).read()
tables = re.findall(r'<table class="accuracy">.*?<tbody>(.*?)</tbody>', page, re.S)
assert len(tables) == 3, len(tables)
for body, doc in zip(tables, sys.argv[2:]):
    rows = json.load(open(doc))["rows"]
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
             for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert len(cells) == len(rows), (len(cells), len(rows))
    for got, want in zip(cells, rows):
        assert html.unescape(got[0]) == want["id"], (got[0], want["id"])
        assert float(got[-2]) == round(want["error_pct"], 1) or abs(float(got[-2]) - want["error_pct"]) < 0.051, (got, want["error_pct"])
PY
fi

# Trust: a flagged file counts for its card's measured figures only when maintainers.json lists
# its sha256 (the generator hashes just the files listed there, so this is the path to check).
if [[ -n "$cli" ]]; then
  flagged="$here/tests/data/submissions/bad/noisy_flagged.json"
  "$cli" results add "$flagged" --into "$tmp/trust" >/dev/null
  stored=$(find "$tmp/trust" -name '*.json' ! -name index.json | head -n1)
  card_id=$(basename "$(dirname "$stored")")
  "$site" build --out "$tmp/untrusted" --results "$tmp/trust" >/dev/null
  check "a flagged file alone leaves its card on spec figures" \
    bash -c "! grep -q '\"$card_id\"' '$tmp/untrusted/measured.json'"
  printf '{"schema": "headroom.maintainers.v1", "reproduced": ["%s"]}\n' \
    "$(basename "$stored" .json)" >"$tmp/trust/maintainers.json"
  "$site" build --out "$tmp/trusted" --results "$tmp/trust" >/dev/null
  check "the same file listed by a maintainer calibrates its card" \
    grep -q "\"$card_id\"" "$tmp/trusted/measured.json"
  # Listed under a name that is not its content's sha256: not trusted.
  mv "$stored" "$(dirname "$stored")/$(printf 'a%.0s' {1..64}).json"
  printf '{"schema": "headroom.maintainers.v1", "reproduced": ["%s"]}\n' \
    "$(printf 'a%.0s' {1..64})" >"$tmp/trust/maintainers.json"
  rm -f "$(dirname "$stored")/index.json"
  "$site" build --out "$tmp/misnamed" --results "$tmp/trust" >/dev/null
  check "a listed name whose content hashes otherwise is not trusted" \
    bash -c "! grep -q '\"$card_id\"' '$tmp/misnamed/measured.json'"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
