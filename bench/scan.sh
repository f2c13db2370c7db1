#!/usr/bin/env bash
# The secret scan's throughput against plain decompression (`gzip -dc > /dev/null`) of the same generated ~1 GiB
# gzip layer of text, source and binary files and inventory files, in one run, with and without package inventories
# (what the inventory step adds), and the scan's extra peak memory (GNU time's max RSS, less that of a scan of an
# empty layer). Usage: bash bench/scan.sh. Knobs: BENCH_REPS [3], BENCH_LAYER_MIB [1024],
# BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Secret scanning".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
MIB=${BENCH_LAYER_MIB:-1024}

log() { printf '[scan %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in gzip tar /usr/bin/python3 /usr/bin/time /usr/bin/skopeo; do command -v "$tool" >/dev/null || die "$tool not found"; done

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

timed() { # command... -> "seconds maxRSS_KiB cpu_seconds" (cpu: user + system, all threads)
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"$TMP/out"
    awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$TMP/time"
}
GZIP_S=() SCAN_S=() SCAN_RSS=() PLAIN_S=() SCAN_CPU=() PLAIN_CPU=()
scan() { # extra options... -> "seconds maxRSS_KiB", checking the scan read the whole layer
    local t
    t=$(timed "$BENCH" scan-layer "$TMP/layer.tar.gz" --media-type application/vnd.oci.image.layer.v1.tar+gzip "$@")
    grep -q '"outcome":"scanned"' "$TMP/out" || die "scan did not finish: $(cat "$TMP/out")"
    echo "$t"
}
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/inventories.json" "$1"; }
for rep in $(seq "$REPS"); do
    g=$(timed sh -c "gzip -dc <'$TMP/layer.tar.gz' >/dev/null")
    # Alternating which scan goes first, so neither always meets a warmer page cache or a quieter machine.
    if (( rep % 2 )); then
        p=$(scan --no-inventories); s=$(scan); cp "$TMP/out" "$TMP/inventories.json"
    else
        s=$(scan); cp "$TMP/out" "$TMP/inventories.json"; p=$(scan --no-inventories)
    fi
    findings=$(field findings) packages=$(field packages)
    read -r g_s _ _ <<<"$g"; read -r s_s s_rss s_cpu <<<"$s"; read -r p_s _ p_cpu <<<"$p"
    GZIP_S+=("$g_s") SCAN_S+=("$s_s") SCAN_RSS+=("$s_rss") SCAN_CPU+=("$s_cpu") PLAIN_S+=("$p_s") PLAIN_CPU+=("$p_cpu")
    log "run $rep: gzip -dc $g_s s, scan $s_s s ($s_cpu s CPU, $s_rss KiB max RSS, $findings findings, $packages packages), without inventories $p_s s ($p_cpu s CPU)"
done
base=$(timed "$BENCH" scan-layer "$TMP/empty.tar.gz")
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
g=$(median "${GZIP_S[@]}") s=$(median "${SCAN_S[@]}") rss=$(median "${SCAN_RSS[@]}") p=$(median "${PLAIN_S[@]}")
s_cpu=$(median "${SCAN_CPU[@]}") p_cpu=$(median "${PLAIN_CPU[@]}")
read -r _ base_rss _ <<<"$base"
printf '\n| %s MiB gzip layer (%s expanded bytes), medians of %s | seconds | MiB/s expanded |\n|---|---:|---:|\n' "$MIB" "$expanded" "$REPS"
printf '| gzip -dc > /dev/null | %s | %.0f |\n' "$g" "$(awk -v b="$expanded" -v t="$g" 'BEGIN { print b / t / 1048576 }')"
printf '| berth-bench scan-layer --no-inventories (secrets only) | %s | %.0f |\n' "$p" "$(awk -v b="$expanded" -v t="$p" 'BEGIN { print b / t / 1048576 }')"
printf '| berth-bench scan-layer (built-in rules and inventories) | %s | %.0f |\n' "$s" "$(awk -v b="$expanded" -v t="$s" 'BEGIN { print b / t / 1048576 }')"
printf '| **throughput ratio scan / gzip -dc** | **%.2f** | |\n' "$(awk -v a="$g" -v b="$s" 'BEGIN { print a / b }')"
printf '| **time added by inventories (scan / --no-inventories; requirement ≤ +10 %%)** | **%+.1f %%** | |\n' "$(awk -v a="$s" -v b="$p" 'BEGIN { print (a / b - 1) * 100 }')"
printf '| CPU seconds (user + system) with / without inventories | %s / %s (%+.1f %%) | |\n' "$s_cpu" "$p_cpu" \
    "$(awk -v a="$s_cpu" -v b="$p_cpu" 'BEGIN { print (a / b - 1) * 100 }')"
printf '| extra peak memory (max RSS %s KiB − empty-layer scan %s KiB) | %.1f MiB | |\n' "$rss" "$base_rss" \
    "$(awk -v a="$rss" -v b="$base_rss" 'BEGIN { print (a - b) / 1024 }')"
