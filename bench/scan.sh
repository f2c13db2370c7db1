#!/usr/bin/env bash
# The secret scan's throughput against plain decompression (`gzip -dc > /dev/null`) of the same generated ~1 GiB
# gzip layer of text, source and binary files, in one run, and the scan's extra peak memory (GNU time's max RSS,
# less that of a scan of an empty layer). Usage: bash bench/scan.sh. Knobs: BENCH_REPS [3], BENCH_LAYER_MIB [1024],
# BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Secret scanning".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
MIB=${BENCH_LAYER_MIB:-1024}

log() { printf '[scan %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in gzip tar /usr/bin/python3 /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-scan.XXXXXX")
cleanup() {
    local rc=$?
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

log "generating a ${MIB} MiB layer"
/usr/bin/python3 bench/gen-layer.py "$MIB" | gzip -6 >"$TMP/layer.tar.gz"
tar -cf - -T /dev/null | gzip >"$TMP/empty.tar.gz"
expanded=$(gzip -dc <"$TMP/layer.tar.gz" | wc -c)
log "layer: $(stat -c %s "$TMP/layer.tar.gz") bytes compressed, $expanded expanded"

timed() { # command... -> "seconds maxRSS_KiB"
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$TMP/out"
    cat "$TMP/time"
}
GZIP_S=() SCAN_S=() SCAN_RSS=()
for rep in $(seq "$REPS"); do
    g=$(timed sh -c "gzip -dc <'$TMP/layer.tar.gz' >/dev/null")
    s=$(timed "$BENCH" scan-layer "$TMP/layer.tar.gz" --media-type application/vnd.oci.image.layer.v1.tar+gzip)
    grep -q '"outcome":"scanned"' "$TMP/out" || die "scan did not finish: $(cat "$TMP/out")"
    findings=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"])' "$TMP/out")
    GZIP_S+=("${g% *}") SCAN_S+=("${s% *}") SCAN_RSS+=("${s#* }")
    log "run $rep: gzip -dc ${g% *} s, scan ${s% *} s (${s#* } KiB max RSS, $findings findings)"
done
base=$(timed "$BENCH" scan-layer "$TMP/empty.tar.gz")
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
g=$(median "${GZIP_S[@]}") s=$(median "${SCAN_S[@]}") rss=$(median "${SCAN_RSS[@]}")
printf '\n| %s MiB gzip layer (%s expanded bytes), medians of %s | seconds | MiB/s expanded |\n|---|---:|---:|\n' "$MIB" "$expanded" "$REPS"
printf '| gzip -dc > /dev/null | %s | %.0f |\n' "$g" "$(awk -v b="$expanded" -v t="$g" 'BEGIN { print b / t / 1048576 }')"
printf '| berth-bench scan-layer (built-in rules) | %s | %.0f |\n' "$s" "$(awk -v b="$expanded" -v t="$s" 'BEGIN { print b / t / 1048576 }')"
printf '| **throughput ratio scan / gzip -dc** | **%.2f** | |\n' "$(awk -v a="$g" -v b="$s" 'BEGIN { print a / b }')"
printf '| extra peak memory (max RSS %s KiB − empty-layer scan %s KiB) | %.1f MiB | |\n' "$rss" "${base#* }" \
    "$(awk -v a="$rss" -v b="${base#* }" 'BEGIN { print (a - b) / 1024 }')"
