#!/usr/bin/env bash
# Berth vs. the CNCF reference registry (docker-registry / distribution 2.8) on this machine.
# Usage: bash bench/run.sh   (or: make bench). See bench/README.md.
#
# Environment knobs (defaults in brackets):
#   BENCH_REPS [3]            repetitions; every scenario reports the median, server order alternates
#   BENCH_SERVERS ["berth ref"]  which servers to run ("ref" alone while Berth is not ready)
#   BENCH_SKIP_BUILD [0]      1 = use the existing binaries, do not run swift build
#   BENCH_CONFIG [release]    build configuration (debug only for trying the harness out)
#   BENCH_WRK_DURATION [10s]  duration of each hot-GET wrk run
#   BENCH_BIG_MIB [256]       size of the large blob;  BENCH_CHUNK_MIB [16] chunk size of the chunked push
#   BENCH_SMALL_COUNT [2000]  4 KiB blobs per run;     BENCH_MANIFEST_COUNT [2000] manifests per run
#   BENCH_CONCURRENCY [16]    concurrency of the small-blob and manifest scenarios
#   BENCH_TIMEOUT [180]       per-scenario time limit, seconds
#   BENCH_KEEP [0]            1 = keep the temp dir (logs, storage) after the run
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

REPS=${BENCH_REPS:-3}
SERVERS=${BENCH_SERVERS:-"berth ref"}
WRK_DURATION=${BENCH_WRK_DURATION:-10s}
BIG_MIB=${BENCH_BIG_MIB:-256}
CHUNK_MIB=${BENCH_CHUNK_MIB:-16}
SMALL_COUNT=${BENCH_SMALL_COUNT:-2000}
MANIFEST_COUNT=${BENCH_MANIFEST_COUNT:-2000}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
TIMEOUT=${BENCH_TIMEOUT:-180}
CONFIG=${BENCH_CONFIG:-release}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has_server() { [[ " $SERVERS " == *" $1 "* ]]; }

for tool in docker-registry wrk openssl python3 curl timeout; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

# ---------------------------------------------------------------- build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    # A release berth is built as `make release` builds it (bench/README.md, "Memory"). --static-swift-stdlib
    # changes how every module is compiled, so berth-bench, sharing the build folder, gets it too.
    STATIC=()
    [[ $CONFIG != release ]] || STATIC=(--static-swift-stdlib)
    # One product per invocation: a repeated --product option is not additive in SwiftPM.
    if has_server berth; then
        log "building berth ($CONFIG)"
        swift build -c "$CONFIG" "${STATIC[@]}" --product berth >&2
    fi
    log "building berth-bench ($CONFIG)"
    swift build -c "$CONFIG" "${STATIC[@]}" --product berth-bench >&2
fi
BENCH="$ROOT/.build/$CONFIG/berth-bench"
BERTH="$ROOT/.build/$CONFIG/berth"
[[ -x "$BENCH" ]] || die "$BENCH missing"
if has_server berth; then [[ -x "$BERTH" ]] || die "$BERTH missing"; fi

# ---------------------------------------------------------------- temp dir, cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench.XXXXXX")
declare -A PID=() URL=() HWM_KB=()
cleanup() {
    local rc=$?
    [[ -z "${SAMPLER:-}" ]] || kill "$SAMPLER" 2>/dev/null || true
    for s in "${!PID[@]}"; do
        if kill -0 "${PID[$s]}" 2>/dev/null; then
            kill "${PID[$s]}" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "${PID[$s]}" 2>/dev/null || break; sleep 0.1; done
            kill -9 "${PID[$s]}" 2>/dev/null || true
        fi
        wait "${PID[$s]}" 2>/dev/null || true
    done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---------------------------------------------------------------- machine ceiling (idle machine)
log "measuring the push ceiling (single-core SHA-256, fsync'd disk write)"
SHA_MBS=$(openssl speed -evp sha256 -bytes 16384 -seconds 2 2>/dev/null |
    awk '/^sha256/ { v=$NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }')
DISK_MBS=$(dd if=/dev/zero of="$TMP/dd.tmp" bs=1M count=512 conv=fdatasync 2>&1 |
    awk '/copied/ { printf "%.1f", $1 / $(NF-3) / 1e6 }')
rm -f "$TMP/dd.tmp"
log "sha256 ${SHA_MBS} MB/s, disk ${DISK_MBS} MB/s"

# ---------------------------------------------------------------- test data
BIG="$TMP/big.bin"
log "generating ${BIG_MIB} MiB random file"
head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom >"$BIG"

cat >"$TMP/hot-ref.lua" <<'EOF'
wrk.method = "GET"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
EOF
cp "$TMP/hot-ref.lua" "$TMP/hot-berth.lua"
echo "wrk.headers[\"Authorization\"] = \"Basic $(printf 'admin:bench-admin' | base64)\"" >>"$TMP/hot-berth.lua"
declare -A CREDENTIALS=([berth]="admin:bench-admin")

# ---------------------------------------------------------------- servers
wait_ready() { # name
    local s=$1
    for _ in $(seq 300); do
        kill -0 "${PID[$s]}" 2>/dev/null || { tail -20 "$TMP/$s.log" >&2; die "$s exited during startup"; }
        if [[ $(curl -s -o /dev/null -w '%{http_code}' ${CREDENTIALS[$s]:+-u "${CREDENTIALS[$s]}"} "${URL[$s]}/v2/" || true) == 200 ]]; then return 0; fi
        sleep 0.1
    done
    tail -20 "$TMP/$s.log" >&2
    die "$s did not answer 200 on ${URL[$s]}/v2/ within 30 s"
}

if has_server berth; then
    port=$(free_port)
    mkdir -p "$TMP/berth-data"
    # Berth always authenticates: the benchmark logs in as the bootstrap administrator (HTTP Basic on every request).
    BERTH_ADMIN_PASSWORD=bench-admin "$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/berth-data" >"$TMP/berth.log" 2>&1 &
    PID[berth]=$!
    URL[berth]="http://127.0.0.1:$port"
fi
if has_server ref; then
    port=$(free_port)
    mkdir -p "$TMP/ref-data"
    cat >"$TMP/ref.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TMP/ref-data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
EOF
    docker-registry serve "$TMP/ref.yml" >"$TMP/ref.log" 2>&1 &
    PID[ref]=$!
    URL[ref]="http://127.0.0.1:$port"
fi
[[ ${#PID[@]} -gt 0 ]] || die "BENCH_SERVERS selects no server (use berth and/or ref)"
for s in "${!PID[@]}"; do wait_ready "$s"; log "$s ready at ${URL[$s]} (pid ${PID[$s]})"; done

# ---------------------------------------------------------------- scenarios
RESULTS="$TMP/results.jsonl"
: >"$RESULTS"

record() { # server rep json
    printf '{"server":"%s","rep":%s,%s\n' "$1" "$2" "${3#\{}" >>"$RESULTS"
}
fail() { # server rep scenario message
    log "FAILED: $3 on $1 (run $2): $4"
    printf '{"server":"%s","rep":%s,"scenario":"%s","failed":true}\n' "$1" "$2" "$3" >>"$RESULTS"
}

# run_bench server rep scenario args... : runs berth-bench, records its JSON line, echoes it.
run_bench() {
    local s=$1 rep=$2 scen=$3 out
    shift 3
    # Untimed: write back every dirty page first, so a server that left its writes to the kernel (the
    # reference does not fsync) does not have them flushed during the other server's timed run.
    sync
    if out=$(timeout "$TIMEOUT" "$BENCH" "$@" --url "${URL[$s]}" ${CREDENTIALS[$s]:+--credentials "${CREDENTIALS[$s]}"} 2>"$TMP/err.txt"); then
        record "$s" "$rep" "$out"
        echo "$out"
    else
        fail "$s" "$rep" "$scen" "$(tail -c 600 "$TMP/err.txt")"
        return 1
    fi
}

json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# Large blobs and the page cache. On a VM, memory the guest touches for the first time is several
# times slower to fill than memory it reuses (bench/README.md). A blob left in the page cache after its
# run makes the next large run, whichever server's, fill untouched memory and run slower for reasons
# neither server controls. So every large blob is dropped from the page cache (written back first; it
# stays on disk and in the server's store) after its run, and the pull reads its blob into the cache,
# untimed, before its run.
blob_file() { # server digest -> path of the blob's file in that server's storage
    local hex=${2#sha256:}
    case $1 in
    berth) echo "$TMP/berth-data/blobs/sha256/${hex:0:2}/$hex" ;;
    ref) echo "$TMP/ref-data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data" ;;
    esac
}
page_cache_blob() { # server digest drop|load
    local path
    path=$(blob_file "$1" "$2")
    if [[ ! -f "$path" ]]; then
        log "warning: $1 blob $2 not found at $path; its page cache is left as it is"
        return
    fi
    case $3 in
    drop) python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$path" ;;
    load) cat "$path" >/dev/null ;;
    esac
}

declare -A HOT_PATH=() BIG_DIGEST=()
for s in "${!PID[@]}"; do
    if out=$(run_bench "$s" 0 prepare-hot prepare-hot --repo bench/hot --tag hot); then
        HOT_PATH[$s]=$(json_field "$out" path)
    fi
done

scenario() { # server rep name
    local s=$1 rep=$2 name=$3 out
    case $name in
    push-blob)
        if out=$(run_bench "$s" "$rep" push-blob push-blob --repo bench/large --file "$BIG" --salt "$s-$rep-mono-$RANDOM"); then
            BIG_DIGEST[$s]=$(json_field "$out" digest)
            page_cache_blob "$s" "${BIG_DIGEST[$s]}" drop
        fi ;;
    push-blob-chunked)
        if out=$(run_bench "$s" "$rep" push-blob-chunked push-blob --repo bench/large --file "$BIG" \
            --chunk-size $((CHUNK_MIB * 1024 * 1024)) --salt "$s-$rep-chunked-$RANDOM"); then
            page_cache_blob "$s" "$(json_field "$out" digest)" drop
        fi ;;
    pull-blob)
        if [[ -n "${BIG_DIGEST[$s]:-}" ]]; then
            page_cache_blob "$s" "${BIG_DIGEST[$s]}" load
            run_bench "$s" "$rep" pull-blob pull-blob --repo bench/large --digest "${BIG_DIGEST[$s]}" >/dev/null || true
            page_cache_blob "$s" "${BIG_DIGEST[$s]}" drop
        else
            fail "$s" "$rep" pull-blob "no blob to pull (push failed)"
        fi ;;
    small-blobs)
        run_bench "$s" "$rep" small-blobs small-blobs --repo "bench/small-$rep" \
            --count "$SMALL_COUNT" --concurrency "$CONCURRENCY" --size 4096 >/dev/null || true ;;
    manifests)
        run_bench "$s" "$rep" manifests manifests --repo "bench/manifests-$rep" \
            --count "$MANIFEST_COUNT" --concurrency "$CONCURRENCY" >/dev/null || true ;;
    hot-get)
        if [[ -z "${HOT_PATH[$s]:-}" ]]; then
            fail "$s" "$rep" hot-get "prepare-hot failed"
            return
        fi
        local txt rps non2xx errs
        if ! txt=$(timeout "$TIMEOUT" wrk -t2 -c32 -d"$WRK_DURATION" -s "$TMP/hot-$s.lua" "${URL[$s]}${HOT_PATH[$s]}" 2>&1); then
            fail "$s" "$rep" hot-get "wrk failed: $txt"
            return
        fi
        rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$txt")
        non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$txt")
        errs=$(awk '/Socket errors:/ { print }' <<<"$txt")
        if [[ -z "$rps" || -n "$non2xx" ]]; then
            fail "$s" "$rep" hot-get "non-2xx responses: ${non2xx:-?} / $txt"
        else
            [[ -z "$errs" ]] || log "$s hot-get: $errs"
            record "$s" "$rep" "{\"scenario\":\"hot-get\",\"ops_per_sec\":$rps,\"duration\":\"$WRK_DURATION\"}"
        fi ;;
    esac
}

# Samples each server's anonymous memory (RssAnon: heap, stacks; no mapped code) every 10 ms until told
# to stop, then writes the peak per server. VmHWM, read at the end, is the target's measure; this shows
# what of it is each server's own data rather than the code it maps.
SAMPLER_ARGS=()
for s in "${!PID[@]}"; do SAMPLER_ARGS+=("$s=${PID[$s]}"); done
python3 - "$TMP/anon-peak.txt" "${SAMPLER_ARGS[@]}" <<'PY' &
import signal, sys, time
out, servers = sys.argv[1], dict(a.split("=") for a in sys.argv[2:])
peak = {name: 0 for name in servers}
def anon_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("RssAnon:"))
    except (OSError, StopIteration):
        return 0
def stop(*_):
    with open(out, "w") as f:
        for name, kib in peak.items(): f.write(f"{name} {kib}\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    for name, pid in servers.items(): peak[name] = max(peak[name], anon_kib(pid))
    time.sleep(0.01)
PY
SAMPLER=$!

SCENARIOS=${BENCH_SCENARIOS:-"push-blob push-blob-chunked pull-blob small-blobs manifests hot-get"}
# Stable, ordered server list (berth first when present).
ORDER=()
for s in berth ref; do [[ -n "${PID[$s]:-}" ]] && ORDER+=("$s"); done
START=$SECONDS
for rep in $(seq "$REPS"); do
    # Alternate which server goes first in each run.
    if ((rep % 2 == 1)); then order=("${ORDER[@]}"); else order=($(printf '%s\n' "${ORDER[@]}" | tac)); fi
    for name in $SCENARIOS; do
        for s in "${order[@]}"; do
            kill -0 "${PID[$s]}" 2>/dev/null || { fail "$s" "$rep" "$name" "server process is gone"; continue; }
            log "run $rep/$REPS  $name  on $s"
            scenario "$s" "$rep" "$name"
        done
    done
done
log "scenarios done in $((SECONDS - START)) s"
kill -TERM "$SAMPLER" && wait "$SAMPLER" || true
while read -r s kib; do
    record "$s" 0 "{\"scenario\":\"peak-anon\",\"kib\":$kib}"
done <"$TMP/anon-peak.txt"

for s in "${ORDER[@]}"; do
    HWM_KB[$s]=$(awk '/^VmHWM:/ { print $2 }' "/proc/${PID[$s]}/status" 2>/dev/null || true)
    if [[ -n "${HWM_KB[$s]}" ]]; then
        record "$s" 0 "{\"scenario\":\"peak-rss\",\"kib\":${HWM_KB[$s]}}"
    else
        fail "$s" 0 peak-rss "process gone before VmHWM could be read"
    fi
done

# ---------------------------------------------------------------- report
mkdir -p "$ROOT/bench/results"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')"
python3 - "$RESULTS" "$REPS" "$SHA_MBS" "$DISK_MBS" "$COMMIT" "$BIG_MIB" "$CHUNK_MIB" "$SMALL_COUNT" \
    "$MANIFEST_COUNT" "$CONCURRENCY" "$WRK_DURATION" "$CONFIG" >"$ROOT/bench/results/latest.md" <<'PY'
import json, statistics, sys, datetime, platform, os
path, reps, sha, disk, commit, big, chunk, small, mans, conc, wrkd, config = sys.argv[1:]
rows = [json.loads(l) for l in open(path) if l.strip()]

def values(server, scen, key):
    return [r[key] for r in rows if r["server"] == server and r["scenario"] == scen
            and not r.get("failed") and r.get(key) is not None]

def failed(server, scen):
    return any(r.get("failed") for r in rows if r["server"] == server and r["scenario"] == scen)

def median(server, scen, key):
    v = values(server, scen, key)
    return statistics.median(v) if v else None

servers = sorted({r["server"] for r in rows})
# (label, scenario, key, unit, target ratio, lower-is-better)
spec = [
    (f"push {big} MiB blob, monolithic (MB/s)", "push-blob", "mb_per_sec", 2.0, False),
    (f"push {big} MiB blob, {chunk} MiB chunks (MB/s)", "push-blob-chunked", "mb_per_sec", 2.0, False),
    (f"pull {big} MiB blob (MB/s)", "pull-blob", "mb_per_sec", 1.0, False),
    (f"{small} × 4 KiB blob pushes, c={conc} (pushes/s)", "small-blobs", "ops_per_sec", 3.0, False),
    (f"{mans} manifest PUT+GET, c={conc} (ops/s)", "manifests", "ops_per_sec", 3.0, False),
    (f"hot manifest GET, wrk c=32 {wrkd} (req/s)", "hot-get", "ops_per_sec", 3.0, False),
    ("peak server memory, VmHWM (MiB)", "peak-rss", "kib", 1.0, True),
    ("of which not mapped code: peak RssAnon, sampled every 10 ms (MiB)", "peak-anon", "kib", None, True),
]

def fmt(x, key):
    if x is None: return None
    if key == "kib": x = x / 1024
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"

def cell(server, scen, key):
    if server not in servers: return "–"
    v = fmt(median(server, scen, key), key)
    if v is None: return "FAILED" if failed(server, scen) else "–"
    return v

out = []
now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
out.append(f"# Berth vs. reference registry — {now}\n")
out.append(f"Commit {commit}; {os.cpu_count()} × {cpu}; Berth ({config} build) vs. docker-registry "
           f"(CNCF distribution 2.8, filesystem storage). Each value is the **median of {reps} runs**; "
           f"the order of the two servers alternates from run to run (peak memory: one reading at the end).\n")
out.append("| scenario | Berth | reference | ratio | target | met? |")
out.append("|---|---:|---:|---:|---:|:---:|")
for label, scen, key, target, lower in spec:
    b, r = median("berth", scen, key), median("ref", scen, key)
    if b and r:
        ratio = (r / b) if lower else (b / r)
        met = "–" if target is None else "yes" if ratio >= target else "no"
        ratio_s = f"{ratio:.2f}×"
    else:
        ratio_s, met = "–", "–"
    tgt = "(for reading VmHWM)" if target is None else "≤ reference (ref/Berth ≥ 1.0×)" if lower else f"≥ {target:g}×"
    out.append(f"| {label} | {cell('berth', scen, key)} | {cell('ref', scen, key)} | {ratio_s} | {tgt} | {met} |")
out.append("")
out.append("Ratio = Berth / reference (higher is better); for memory it is reference / Berth.\n")

ceiling = min(float(sha), float(disk))
push = median("berth", "push-blob", "mb_per_sec")
if push:
    out.append(f"large push: {push:.0f} MB/s = {100 * push / ceiling:.0f}% of this machine's ceiling of "
               f"{ceiling:.0f} MB/s (single-core SHA-256 {float(sha):.0f} MB/s, fsync'd disk write {float(disk):.0f} MB/s)")
else:
    refpush = median("ref", "push-blob", "mb_per_sec")
    extra = f"; reference pushes at {refpush:.0f} MB/s = {100 * refpush / ceiling:.0f}% of it" if refpush else ""
    out.append(f"large push: Berth not measured; this machine's ceiling is {ceiling:.0f} MB/s "
               f"(single-core SHA-256 {float(sha):.0f} MB/s, fsync'd disk write {float(disk):.0f} MB/s){extra}")
out.append("")
out.append("<details><summary>all runs</summary>\n")
out.append("| scenario | server | runs |")
out.append("|---|---|---|")
for label, scen, key, _, _ in spec:
    for s in servers:
        vals = [("FAILED" if r.get("failed") else fmt(r.get(key), key) or "?")
                for r in rows if r["server"] == s and r["scenario"] == scen]
        if vals: out.append(f"| {scen} | {s} | {', '.join(vals)} |")
out.append("\n</details>")
print("\n".join(out))
PY

echo
cat "$ROOT/bench/results/latest.md"
echo
log "written to bench/results/latest.md"
FAILURES=$(grep -c '"failed":true' "$RESULTS" || true)
if ((FAILURES > 0)); then
    log "$FAILURES scenario run(s) failed; server logs were in $TMP (set BENCH_KEEP=1 to keep them)"
    exit 1
fi
