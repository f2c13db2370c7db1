#!/usr/bin/env bash
# A vulnerability rescan against a newly imported database, next to the first pass that read the same images' layers,
# in one run: N stored images of about 300 packages each (a Debian base of 250 dpkg packages shared by many images, 50
# Python packages of each image's own), then a database of M advisories imported, whose rescan re-matches the stored
# inventories. Usage: bash bench/rescan.sh. Knobs: BENCH_REPS [3], BENCH_IMAGES [10000], BENCH_ADVISORIES [50000],
# BENCH_SKIP_BUILD [0]. See bench/README.md, "Vulnerability rescans".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
IMAGES=${BENCH_IMAGES:-10000}
ADVISORIES=${BENCH_ADVISORIES:-50000}

log() { printf '[rescan %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-rescan.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for rep in $(seq "$REPS"); do
    log "rep $rep: $IMAGES images, $ADVISORIES advisories"
    "$BENCH" rescan --data "$TMP/data-$rep" --images "$IMAGES" --advisories "$ADVISORIES" >>"$TMP/results.jsonl"
    rm -rf "$TMP/data-$rep"
done

/usr/bin/python3 - "$TMP/results.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
median = lambda key: statistics.median(run[key] for run in runs)
inventory, rescan, imported = median("inventory_seconds"), median("seconds"), median("import_seconds")
images = runs[0]["ops"]
print(f"| {images} images × {runs[0]['packages_per_image']} packages, {runs[0]['advisories']} advisories (median of {len(runs)}) | seconds | ratio |")
print("| --- | ---: | ---: |")
print(f"| first pass: every layer read once, inventories matched | {inventory:.2f} | 1.00 |")
print(f"| import of the database (stored, indexed) | {imported:.2f} | |")
print(f"| rescan after the import (no layer read) | {rescan:.2f} | {inventory / rescan:.1f}× faster |")
print(f"| rescan per image | {rescan / images * 1e3:.3f} ms | |")
PY
