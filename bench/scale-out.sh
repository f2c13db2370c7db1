#!/usr/bin/env bash
# Scale-out rows (issue #19): one Berth replica on PostgreSQL + S3 against the embedded default, and the reference
# registry (docker-registry, distribution 2.8) on its own S3 driver against the same S3 server, in one run; then two
# Berth replicas' aggregate hot-GET throughput against one's. See bench/README.md, "Scale-out".
# Usage: bash bench/scale-out.sh   (or: make bench)
#
# Environment knobs (defaults in brackets):
#   BENCH_REPS [3]  BENCH_SKIP_BUILD [0]  BENCH_WRK_DURATION [10s]  BENCH_BIG_MIB [128]  BENCH_CHUNK_MIB [16]
#   BENCH_SMALL_COUNT [1000]  BENCH_MANIFEST_COUNT [1000]  BENCH_CONCURRENCY [16]  BENCH_TIMEOUT [300]  BENCH_KEEP [0]
#   BENCH_REPLICA_CPU_QUOTA_US [40000]: the CPU each replica gets per 100 ms in the capped two-replica rows
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

REPS=${BENCH_REPS:-3}
WRK_DURATION=${BENCH_WRK_DURATION:-10s}
BIG_MIB=${BENCH_BIG_MIB:-128}
CHUNK_MIB=${BENCH_CHUNK_MIB:-16}
SMALL_COUNT=${BENCH_SMALL_COUNT:-1000}
MANIFEST_COUNT=${BENCH_MANIFEST_COUNT:-1000}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
TIMEOUT=${BENCH_TIMEOUT:-300}

log() { printf '[scale-out %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in docker-registry wrk python3 curl timeout; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-scale-out.XXXXXX")
declare -A PID=() URL=()
cleanup() {
    local rc=$?
    for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; done
    for s in "${!PID[@]}"; do wait "${PID[$s]}" 2>/dev/null || true; done
    rmdir /sys/fs/cgroup/cpu/berth-bench-* 2>/dev/null || true
    # The real servers' scripts stop themselves when this script exits (they watch its pid).
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------- the real servers (as the tests start them)
start_real() { # script -> its ready line's words
    local out="$TMP/$1.ready"
    bash "$ROOT/Tests/servers/$1.sh" $$ >"$out" 2>"$TMP/$1.err" &
    for _ in $(seq 600); do [[ -s "$out" ]] && break; sleep 0.1; done
    [[ -s "$out" ]] || { cat "$TMP/$1.err" >&2; die "$1 did not start"; }
    read -r ready rest <"$out"
    [[ $ready == ready ]] || die "$1: unexpected line: $ready $rest"
    echo "$rest"
}
PG_URL=$(start_real postgres)
read -r S3_ENDPOINT S3_ACCESS S3_SECRET <<<"$(start_real seaweedfs)"
log "PostgreSQL at $PG_URL, SeaweedFS S3 at $S3_ENDPOINT"
python3 - "$S3_ENDPOINT" "$S3_ACCESS" "$S3_SECRET" <<'PY'
import sys, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                  region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
for bucket in ("berth-bench", "ref-bench"): s3.create_bucket(Bucket=bucket)
PY
printf 'access_key_id=%s\nsecret_access_key=%s\n' "$S3_ACCESS" "$S3_SECRET" >"$TMP/s3-credentials"
chmod 600 "$TMP/s3-credentials"

# ---------------------------------------------------------------- registries
start_berth() { # name extra-args...
    local name=$1 port
    shift
    port=$(free_port)
    mkdir -p "$TMP/$name"
    BERTH_ADMIN_PASSWORD=bench-admin "$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/$name" "$@" >"$TMP/$name.log" 2>&1 &
    PID[$name]=$!
    URL[$name]="http://127.0.0.1:$port"
}
SHARED=(--metadata "$PG_URL?sslmode=disable&schema=bench" --blobs "s3://berth-bench?endpoint=$S3_ENDPOINT&region=us-east-1"
        --blobs-credentials-file "$TMP/s3-credentials")
start_berth embedded
start_berth scaleout "${SHARED[@]}"
port=$(free_port)
cat >"$TMP/ref.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  s3: {accesskey: $S3_ACCESS, secretkey: $S3_SECRET, region: us-east-1, regionendpoint: $S3_ENDPOINT, bucket: ref-bench, secure: false, v4auth: true, chunksize: $((CHUNK_MIB << 20))}
  # Berth streams every blob through itself; so does the reference here, rather than redirecting clients to S3.
  redirect: {disable: true}
  delete: {enabled: true}
  maintenance: {uploadpurging: {enabled: false}}
http: {addr: 127.0.0.1:$port}
YML
# The machine's AWS_CA_BUNDLE names a bundle the AWS SDK of distribution 2.8 cannot load over its own transport.
env -u AWS_CA_BUNDLE docker-registry serve "$TMP/ref.yml" >"$TMP/ref.log" 2>&1 &
PID[ref]=$!
URL[ref]="http://127.0.0.1:$port"
declare -A CREDENTIALS=([embedded]="admin:bench-admin" [scaleout]="admin:bench-admin" [scaleout2]="admin:bench-admin")
wait_ready() {
    local s=$1
    for _ in $(seq 600); do
        kill -0 "${PID[$s]}" 2>/dev/null || { tail -20 "$TMP/$s.log" >&2; die "$s exited during startup"; }
        [[ $(curl -s -o /dev/null -w '%{http_code}' ${CREDENTIALS[$s]:+-u "${CREDENTIALS[$s]}"} "${URL[$s]}/v2/" || true) == 200 ]] && return 0
        sleep 0.1
    done
    die "$s did not answer on ${URL[$s]}/v2/"
}
for s in embedded scaleout ref; do wait_ready "$s"; log "$s ready at ${URL[$s]}"; done

# ---------------------------------------------------------------- scenarios
RESULTS="$TMP/results.jsonl"
: >"$RESULTS"
record() { printf '{"server":"%s","rep":%s,%s\n' "$1" "$2" "${3#\{}" >>"$RESULTS"; }
run_bench() { # server rep args...
    local s=$1 rep=$2 out
    shift 2
    sync
    if out=$(timeout "$TIMEOUT" "$BENCH" "$@" --url "${URL[$s]}" ${CREDENTIALS[$s]:+--credentials "${CREDENTIALS[$s]}"} 2>"$TMP/err.txt"); then
        record "$s" "$rep" "$out"
        echo "$out"
    else
        log "FAILED on $s: $* : $(tail -c 400 "$TMP/err.txt")"
        return 1
    fi
}
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
BIG="$TMP/big.bin"
head -c $((BIG_MIB << 20)) /dev/urandom >"$BIG"
cat >"$TMP/hot.lua" <<'LUA'
wrk.method = "GET"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
cp "$TMP/hot.lua" "$TMP/hot-auth.lua"
echo "wrk.headers[\"Authorization\"] = \"Basic $(printf 'admin:bench-admin' | base64)\"" >>"$TMP/hot-auth.lua"
declare -A HOT=() BIG_DIGEST=()
for s in embedded scaleout ref; do HOT[$s]=$(json_field "$(run_bench "$s" 0 prepare-hot --repo bench/hot --tag hot)" path); done
wrk_rps() { # url script
    timeout "$TIMEOUT" wrk -t2 -c32 -d"$WRK_DURATION" -s "$2" "$1" 2>&1 | awk '/^Requests\/sec:/ { print $2 } /Non-2xx/ { print "NON2XX" }'
}
for rep in $(seq "$REPS"); do
    order=(embedded scaleout ref)
    ((rep % 2 == 1)) || order=(ref scaleout embedded)
    for s in "${order[@]}"; do
        log "run $rep/$REPS on $s"
        if out=$(run_bench "$s" "$rep" push-blob --repo bench/large --file "$BIG" --salt "$s-$rep-$RANDOM"); then BIG_DIGEST[$s]=$(json_field "$out" digest); fi
        run_bench "$s" "$rep" push-blob --repo bench/large --file "$BIG" --chunk-size $((CHUNK_MIB << 20)) --salt "$s-$rep-c-$RANDOM" >/dev/null || true
        [[ -z "${BIG_DIGEST[$s]:-}" ]] || run_bench "$s" "$rep" pull-blob --repo bench/large --digest "${BIG_DIGEST[$s]}" >/dev/null || true
        run_bench "$s" "$rep" small-blobs --repo "bench/small-$rep" --count "$SMALL_COUNT" --concurrency "$CONCURRENCY" --size 4096 >/dev/null || true
        run_bench "$s" "$rep" manifests --repo "bench/manifests-$rep" --count "$MANIFEST_COUNT" --concurrency "$CONCURRENCY" >/dev/null || true
        script="$TMP/hot-auth.lua"
        [[ $s != ref ]] || script="$TMP/hot.lua"
        rps=$(wrk_rps "${URL[$s]}${HOT[$s]}" "$script")
        [[ $rps == *NON2XX* || -z $rps ]] && log "hot-get on $s failed: $rps" || record "$s" "$rep" "{\"scenario\":\"hot-get\",\"ops_per_sec\":$rps}"
    done
done

# Two replicas: a second one on the same stores; wrk against each at once, the sum against one replica alone.
two_replica_rows() { # scenario-of-one scenario-of-two
    local rep one two first
    for rep in $(seq "$REPS"); do
        one=$(wrk_rps "${URL[scaleout]}${HOT[scaleout]}" "$TMP/hot-auth.lua")
        wrk_rps "${URL[scaleout]}${HOT[scaleout]}" "$TMP/hot-auth.lua" >"$TMP/two-a" &
        first=$!
        wrk_rps "${URL[scaleout2]}${HOT[scaleout]}" "$TMP/hot-auth.lua" >"$TMP/two-b"
        wait "$first"
        two=$(python3 -c 'import sys; print(float(open(sys.argv[1]).read()) + float(open(sys.argv[2]).read()))' "$TMP/two-a" "$TMP/two-b")
        record scaleout "$rep" "{\"scenario\":\"$1\",\"ops_per_sec\":$one}"
        record scaleout "$rep" "{\"scenario\":\"$2\",\"ops_per_sec\":$two}"
    done
}
start_berth scaleout2 "${SHARED[@]}"
wait_ready scaleout2
two_replica_rows hot-get-one-replica hot-get-two-replicas

# The same with each replica held to a share of a core (a cgroup v1 CPU quota), so that the replicas run out of CPU
# before the machine does: on two cores, two uncapped replicas and two wrk only share what one replica and one wrk
# already use up. This is what a second replica on a machine of its own adds.
CPU_CGROUP=/sys/fs/cgroup/cpu
CAP_US=${BENCH_REPLICA_CPU_QUOTA_US:-40000}
capped=()
for s in scaleout scaleout2; do
    group="$CPU_CGROUP/berth-bench-$s"
    if mkdir -p "$group" 2>/dev/null && echo 100000 >"$group/cpu.cfs_period_us" && echo "$CAP_US" >"$group/cpu.cfs_quota_us" \
        && echo "${PID[$s]}" >"$group/cgroup.procs"; then
        capped+=("$s")
    fi
done
uncap() {
    for s in "${capped[@]}"; do
        echo "${PID[$s]}" >"$CPU_CGROUP/cgroup.procs" 2>/dev/null || true
        rmdir "$CPU_CGROUP/berth-bench-$s" 2>/dev/null || true
    done
}
if ((${#capped[@]} == 2)); then
    log "each replica held to $CAP_US µs of CPU per 100 ms"
    two_replica_rows hot-get-one-capped-replica hot-get-two-capped-replicas
else
    log "not measured: the capped two-replica rows need a writable cgroup v1 cpu controller at $CPU_CGROUP"
fi
uncap

# ---------------------------------------------------------------- report
mkdir -p "$ROOT/bench/results"
python3 - "$RESULTS" "$REPS" "$BIG_MIB" "$CHUNK_MIB" "$SMALL_COUNT" "$MANIFEST_COUNT" "$CONCURRENCY" "$WRK_DURATION" "$CAP_US" \
    >"$ROOT/bench/results/scale-out.md" <<'PY'
import json, statistics, sys, datetime
path, reps, big, chunk, small, mans, conc, wrkd, cap = sys.argv[1:]
rows = [json.loads(l) for l in open(path) if l.strip()]
def med(server, scen, key):
    v = [r[key] for r in rows if r["server"] == server and r.get("scenario") == scen and r.get(key) is not None]
    return statistics.median(v) if v else None
def f(x): return "–" if x is None else (f"{x:,.0f}" if x >= 100 else f"{x:,.1f}")
def ratio(a, b): return "–" if not a or not b else f"{a / b:.2f}×"
out = [f"# Scale-out — {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}\n",
       f"Medians of {reps} runs, one machine (2 cores): Berth embedded (SQLite + files), one Berth replica on PostgreSQL 15 + "
       f"SeaweedFS S3, and docker-registry 2.8 on its S3 driver against the same SeaweedFS (redirects off).\n",
       "| scenario | embedded | scale-out | reference on S3 | scale-out / reference | scale-out / embedded |", "|---|---:|---:|---:|---:|---:|"]
for label, scen, key in [(f"push {big} MiB blob, monolithic (MB/s)", "push-blob", "mb_per_sec"),
                         (f"push {big} MiB blob, {chunk} MiB chunks (MB/s)", "push-blob-chunked", "mb_per_sec"),
                         (f"pull {big} MiB blob (MB/s)", "pull-blob", "mb_per_sec"),
                         (f"{small} × 4 KiB blob pushes, c={conc} (pushes/s)", "small-blobs", "ops_per_sec"),
                         (f"{mans} manifest PUT+GET, c={conc} (ops/s)", "manifests", "ops_per_sec"),
                         (f"hot manifest GET, wrk -t2 -c32 {wrkd} (req/s)", "hot-get", "ops_per_sec")]:
    e, s, r = med("embedded", scen, key), med("scaleout", scen, key), med("ref", scen, key)
    out.append(f"| {label} | {f(e)} | {f(s)} | {f(r)} | {ratio(s, r)} | {ratio(s, e)} |")
one, two = med("scaleout", "hot-get-one-replica", "ops_per_sec"), med("scaleout", "hot-get-two-replicas", "ops_per_sec")
one_capped, two_capped = med("scaleout", "hot-get-one-capped-replica", "ops_per_sec"), med("scaleout", "hot-get-two-capped-replicas", "ops_per_sec")
out += ["", "| hot manifest GET on PostgreSQL + S3 | one replica | two replicas (sum of two wrk at once) | two / one |", "|---|---:|---:|---:|",
        f"| req/s, replicas uncapped | {f(one)} | {f(two)} | {ratio(two, one)} |",
        f"| req/s, each replica held to {int(cap) / 1000:g}% of a core | {f(one_capped)} | {f(two_capped)} | {ratio(two_capped, one_capped)} |", ""]
print("\n".join(out))
PY
cat "$ROOT/bench/results/scale-out.md"
