#!/usr/bin/env bash
# What secret scanning costs a push, on one berth, in one run:
#  1. manifest PUT latency (p50, p99) for an image whose layer is already scanned, in a tier that blocks secrets,
#     against the same PUTs in a tier that scans nothing;
#  2. manifest PUT+GET throughput in the unscanned tier while big layers are being scanned (--scan-workers 1 on this
#     2-core machine: half the cores), against the same with nothing scanning.
# Usage: bash bench/scan-push.sh (part of make bench). Knobs: BENCH_REPS [3], BENCH_COUNT [500], BENCH_BIG_MIB [256],
# BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Secret scanning at push".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
COUNT=${BENCH_COUNT:-500}
BIG_MIB=${BENCH_BIG_MIB:-256}

log() { printf '[scan-push %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in curl gzip /usr/bin/python3; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-scan-push.XXXXXX")
cleanup() {
    local rc=$?
    [[ -z "${PID:-}" ]] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

mkdir -p "$TMP/declarations"
cat >"$TMP/declarations/tiers.yaml" <<'YAML'
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: unscanned}
spec: {scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}}
---
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: scanned}
spec: {scanning: {secrets: {onPush: block}}}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {name: "off/*"}
spec: {tier: unscanned}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {name: "block/*"}
spec: {tier: scanned}
YAML

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$port"
printf 'bench-admin' >"$TMP/admin.secret"
"$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/data" --admin-password-file "$TMP/admin.secret" --scan-workers 1 \
    >"$TMP/berth.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -u admin:bench-admin "$URL/v2/" || true) == 200 ]] && break
    kill -0 "$PID" 2>/dev/null || { tail "$TMP/berth.log" >&2; die "berth exited"; }
    sleep 0.1
done
"$BERTH" apply --declarations "$TMP/declarations" --registry "$URL" --token-file "$TMP/admin.secret" --auto-approve >"$TMP/apply.log"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

OFF_P50=() OFF_P99=() BLOCK_P50=() BLOCK_P99=()
latency() { # off|block rep
    local out
    out=$("$BENCH" manifest-latency --url "$URL" --credentials admin:bench-admin --repo "$1/latency$2" --count "$COUNT")
    if [[ $1 == off ]]; then OFF_P50+=("$(field "$out" p50_us)") OFF_P99+=("$(field "$out" p99_us)")
    else BLOCK_P50+=("$(field "$out" p50_us)") BLOCK_P99+=("$(field "$out" p99_us)"); fi
}
for rep in $(seq "$REPS"); do
    if (( rep % 2 )); then latency off "$rep"; latency block "$rep"; else latency block "$rep"; latency off "$rep"; fi
    log "run $rep: p50 off ${OFF_P50[-1]} µs, block ${BLOCK_P50[-1]} µs"
done

log "generating ${BIG_MIB} MiB layers to keep the scanner busy"
for i in 1 2; do /usr/bin/python3 bench/gen-layer.py "$BIG_MIB" | gzip -1 >"$TMP/big$i.tar.gz"; done
IDLE=() BUSY=()
throughput() { "$BENCH" manifests --url "$URL" --credentials admin:bench-admin --repo "off/throughput$1" --count 2000 --concurrency 8; }
scans_total() { curl -s -u admin:bench-admin "$URL/metrics" | awk '/^berth_layer_scans_total/ { print $2 }'; }
throughput warm >/dev/null
for rep in $(seq "$REPS"); do
    IDLE+=("$(field "$(throughput "idle$rep")" ops_per_sec)")
    before=$(scans_total)
    # Each big layer is scanned as soon as its upload is committed; the scans run while the manifests are pushed. A
    # second gzip member makes each run's blobs new (a layer already scanned is never read again).
    for i in 1 2; do
        { cat "$TMP/big$i.tar.gz"; printf 'run %s layer %s' "$rep" "$i" | gzip; } >"$TMP/push.tar.gz"
        "$BENCH" push-blob --url "$URL" --credentials admin:bench-admin --repo "block/big$rep" --file "$TMP/push.tar.gz" >/dev/null
    done
    BUSY+=("$(field "$(throughput "busy$rep")" ops_per_sec)")
    log "run $rep: manifests idle ${IDLE[-1]} ops/s, while scanning ${BUSY[-1]} ops/s (scans before $before, now $(scans_total))"
    for _ in $(seq 600); do [[ $(scans_total) == $((before + 2)) ]] && break; sleep 0.5; done
    [[ $(scans_total) == $((before + 2)) ]] || die "the big layers were not scanned: $(scans_total) scans, expected $((before + 2))"
done

p50_off=$(median "${OFF_P50[@]}") p50_block=$(median "${BLOCK_P50[@]}")
p99_off=$(median "${OFF_P99[@]}") p99_block=$(median "${BLOCK_P99[@]}")
idle=$(median "${IDLE[@]}") busy=$(median "${BUSY[@]}")
printf '\n| manifest PUT, layer already scanned (%s PUTs × %s, medians) | p50 | p99 |\n|---|---:|---:|\n' "$COUNT" "$REPS"
printf '| tier that scans nothing | %.0f µs | %.0f µs |\n' "$p50_off" "$p99_off"
printf '| tier that blocks secrets | %.0f µs | %.0f µs |\n' "$p50_block" "$p99_block"
printf '| **added by scanning** | **%+.3f ms** (limit +2 ms) | %+.3f ms |\n' \
    "$(awk -v a="$p50_block" -v b="$p50_off" 'BEGIN { print (a - b) / 1000 }')" "$(awk -v a="$p99_block" -v b="$p99_off" 'BEGIN { print (a - b) / 1000 }')"
printf '\n| manifest PUT+GET, unscanned tier (2000 × 8 concurrent, medians of %s) | ops/s |\n|---|---:|\n' "$REPS"
printf '| nothing being scanned | %.0f |\n| while two %s MiB layers are scanned (--scan-workers 1) | %.0f |\n' "$idle" "$BIG_MIB" "$busy"
printf '| **ratio busy / idle** | **%.2f** |\n' "$(awk -v a="$busy" -v b="$idle" 'BEGIN { print a / b }')"
