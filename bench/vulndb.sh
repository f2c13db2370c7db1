#!/usr/bin/env bash
# The offline vulnerability database: importing 50,000 OSV records (a folder of JSON files, and the same records as
# one all.zip) and a rescan's matching (10,000 images × 300 packages, memoised per distinct package, against the same
# advisories), in one run. Usage: bash bench/vulndb.sh. Knobs: BENCH_REPS [3], BENCH_RECORDS [50000],
# BENCH_IMAGES [10000], BENCH_PACKAGES [300], BENCH_SKIP_BUILD [0], BENCH_KEEP [0].
# See bench/README.md, "Vulnerability database".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
RECORDS=${BENCH_RECORDS:-50000}
IMAGES=${BENCH_IMAGES:-10000}
PACKAGES=${BENCH_PACKAGES:-300}

log() { printf '[vulndb %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in /usr/bin/python3 /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-vulndb.XXXXXX")
cleanup() {
    local rc=$?
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

log "generating $RECORDS OSV records"
/usr/bin/python3 bench/gen-osv.py "$TMP" "$RECORDS"
log "records: $(du -sh "$TMP/records" | cut -f1) as files, all.zip $(du -sh "$TMP/all.zip" | cut -f1)"

field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])' "$TMP/out" "$1"; }
# Runs berth-bench with GNU time; leaves its JSON line in $TMP/out and prints "seconds maxRSS_KiB".
timed() {
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$BENCH" "$@" >"$TMP/out"
    cat "$TMP/time"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A SECONDS_OF RSS_OF
for source in records all.zip; do
    runs=() rss=()
    for rep in $(seq "$REPS"); do
        sync
        t=$(timed vulndb-import "$TMP/$source")
        [[ "$(field ops)" == "$RECORDS" && "$(field failures)" == 0 ]] || die "import of $source: $(cat "$TMP/out")"
        runs+=("$(field seconds)") rss+=("${t#* }")
        log "import $source, run $rep: $(field seconds) s (read $(field read_seconds) s, convert $(field convert_seconds) s), max RSS ${t#* } KiB"
    done
    SECONDS_OF[$source]=$(median "${runs[@]}") RSS_OF[$source]=$(median "${rss[@]}")
done

decode=() build=() match=() qps=() total=()
for rep in $(seq "$REPS"); do
    timed vulndb-match "$TMP/all.zip" --images "$IMAGES" --packages-per-image "$PACKAGES" >/dev/null
    decode+=("$(field decode_seconds)") build+=("$(field build_seconds)") match+=("$(field match_seconds)")
    qps+=("$(field queries_per_sec)") total+=("$(field seconds)")
    log "match run $rep: $(cat "$TMP/out")"
done

printf '\n| %s OSV records, medians of %s | seconds | peak RSS MiB |\n|---|---:|---:|\n' "$RECORDS" "$REPS"
for source in records all.zip; do
    label=$([[ $source == records ]] && echo "import, folder of JSON files" || echo "import, all.zip")
    printf '| %s (read, convert, encode) | %s | %.0f |\n' "$label" "${SECONDS_OF[$source]}" \
        "$(awk -v k="${RSS_OF[$source]}" 'BEGIN { print k / 1024 }')"
done
printf '\n| rescan: %s images × %s packages, medians of %s | seconds |\n|---|---:|\n' "$IMAGES" "$PACKAGES" "$REPS"
printf '| decode %s stored advisories (server start) | %s |\n' "$RECORDS" "$(median "${decode[@]}")"
printf '| build the database | %s |\n' "$(median "${build[@]}")"
printf '| match %s queries (%s distinct), memoised | %s |\n' "$((IMAGES * PACKAGES))" "$(field distinct_queries)" "$(median "${match[@]}")"
printf '| **total** | **%s** |\n' "$(median "${total[@]}")"
printf '| queries/s (all queries, memoised) | %.0f |\n' "$(median "${qps[@]}")"
