#!/usr/bin/env bash
# What the audit log costs the registry's hot paths: two berths side by side in one run, one recording every push, pull
# and deletion (as served), one started with the hidden --benchmark-without-registry-audit; hot manifest GETs, manifest
# PUT+GET and small blob uploads on both, alternating; then the audit log's own write throughput.
# Usage: bash bench/audit.sh (part of make bench). Knobs: BENCH_REPS [3], BENCH_WRK_DURATION [10s], BENCH_COUNT [2000],
# BENCH_CONCURRENCY [16], BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Audit log".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
WRK_DURATION=${BENCH_WRK_DURATION:-10s}
COUNT=${BENCH_COUNT:-2000}
CONCURRENCY=${BENCH_CONCURRENCY:-16}

log() { printf '[audit %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in wrk curl /usr/bin/python3; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-audit.XXXXXX")
declare -A PID=() URL=() HOT=()
cleanup() {
    local rc=$?
    for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; wait "${PID[$s]}" 2>/dev/null || true; done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

json_field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
printf 'bench-admin' >"$TMP/admin.secret"
for s in on off; do
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    URL[$s]="http://127.0.0.1:$port"
    extra=()
    [[ $s == on ]] || extra=(--benchmark-without-registry-audit)
    "$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/data-$s" --admin-password-file "$TMP/admin.secret" "${extra[@]}" >"$TMP/berth-$s.log" 2>&1 &
    PID[$s]=$!
    for _ in $(seq 300); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' -u admin:bench-admin "${URL[$s]}/v2/" || true) == 200 ]] && break
        kill -0 "${PID[$s]}" 2>/dev/null || { tail "$TMP/berth-$s.log" >&2; die "berth ($s) exited"; }
        sleep 0.1
    done
    HOT[$s]=$(json_field "$("$BENCH" prepare-hot --url "${URL[$s]}" --credentials admin:bench-admin --repo bench/hot --tag hot)" path)
done

cat >"$TMP/hot.lua" <<LUA
wrk.method = "GET"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
wrk.headers["Authorization"] = "Basic $(printf 'admin:bench-admin' | base64)"
LUA
TICKS_PER_SECOND=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/${PID[$1]}/stat"; }
declare -A RESULTS=()
note() { RESULTS[$1]="${RESULTS[$1]:-} $2"; }
hot() { # server
    local txt before after requests
    before=$(server_ticks "$1")
    txt=$(wrk -t2 -c32 -d"$WRK_DURATION" -s "$TMP/hot.lua" "${URL[$1]}${HOT[$1]}" 2>&1)
    after=$(server_ticks "$1")
    grep -q "Non-2xx" <<<"$txt" && die "non-2xx responses ($1): $txt"
    requests=$(awk '/requests in/ { print $1 }' <<<"$txt")
    note "hot-$1" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$txt")"
    note "hot-cpu-$1" "$(awk -v t=$((after - before)) -v hz="$TICKS_PER_SECOND" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
}
scenario() { # server rep name args...
    local s=$1 rep=$2 name=$3 out
    shift 3
    sync
    out=$("$BENCH" "$name" --url "${URL[$s]}" --credentials admin:bench-admin --repo "bench/$name-$rep" "$@")
    note "$name-$s" "$(json_field "$out" ops_per_sec)"
}
measure() { # server rep
    hot "$1"
    scenario "$1" "$2" manifests --count "$COUNT" --concurrency "$CONCURRENCY"
    scenario "$1" "$2" small-blobs --count "$COUNT" --concurrency "$CONCURRENCY" --size 4096
}
for rep in $(seq "$REPS"); do
    # Alternate which server goes first, so neither always runs on a warmer machine.
    if (( rep % 2 )); then measure on "$rep"; measure off "$rep"; else measure off "$rep"; measure on "$rep"; fi
    log "run $rep done"
done
# The log really holds what was measured: pulls (batched), pushes, and a chain that verifies.
records=$(curl -s -u admin:bench-admin "${URL[on]}/admin/v1/audit?action=manifest-pull&limit=10" | wc -l)
(( records == 10 )) || die "the audited server recorded no pulls"
"$BERTH" audit verify --data "$TMP/data-on" >&2

median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() { # label key higher-is-better
    local on off
    on=$(median "${RESULTS[$2-on]}")
    off=$(median "${RESULTS[$2-off]}")
    printf '| %s | %s | %s | **%.3f×** |\n' "$1" "$on" "$off" \
        "$(awk -v a="$on" -v b="$off" -v h="$3" 'BEGIN { print h ? a / b : b / a }')"
}
{
    printf '\n| %s runs, medians | audit on | audit off | on / off |\n|---|---:|---:|---:|\n' "$REPS"
    row "hot manifest GET, wrk -t2 -c32 $WRK_DURATION (req/s)" hot 1
    row "server CPU per hot GET (µs; ratio off / on)" hot-cpu 0
    row "$COUNT manifest PUT+GET, c=$CONCURRENCY (ops/s)" manifests 1
    row "$COUNT × 4 KiB blob uploads, c=$CONCURRENCY (uploads/s)" small-blobs 1
    printf '\n| audit log writes, 16 writers × 20,000 records | records/s |\n|---|---:|\n'
    for mode in noted durable; do
        printf '| %s | %.0f |\n' "$mode" "$(json_field "$("$BENCH" audit-append --mode "$mode" --folder "$TMP")" records_per_second)"
    done
} | tee "$ROOT/bench/results/audit.md"
