#!/usr/bin/env bash
# Pushes and hot GETs while garbage collection runs, against the same without it: two release berths on copies of one
# generated store (BENCH_REPOS [10000] repositories × BENCH_TAGS [20] images with a 1 KiB layer each), one collecting
# every second with no grace, the other never during the run. Alternated runs; ratios = collecting / not collecting.
# Usage: bash bench/gc.sh (part of make bench). Knobs: BENCH_REPOS, BENCH_TAGS, BENCH_REPS [3], BENCH_SKIP_BUILD [0].
# See bench/README.md, "Garbage collection under load".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPOS=${BENCH_REPOS:-10000}
TAGS=${BENCH_TAGS:-20}
REPS=${BENCH_REPS:-3}

log() { printf '[gc %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-gc.XXXXXX")
declare -A PID=() URL=()
cleanup() {
    local rc=$?
    for s in "${!PID[@]}"; do kill "${PID[$s]}" 2>/dev/null || true; wait "${PID[$s]}" 2>/dev/null || true; done
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT

log "generating $REPOS repositories × $TAGS images"
"$BERTH" gc --data "$TMP/seed" --dry-run >/dev/null   # creates an empty store with today's schema
/usr/bin/python3 - "$TMP/seed" "$REPOS" "$TAGS" <<'PY'
import hashlib, json, os, sqlite3, sys
root, repos, tags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(os.path.join(root, "metadata.sqlite"))
config = b'{"architecture":"amd64","os":"linux"}'
def store(blob):
    digest = hashlib.sha256(blob).hexdigest()
    folder = os.path.join(root, "blobs", "sha256", digest[:2])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, digest), "wb") as f: f.write(blob)
    return "sha256:" + digest
config_digest = store(config)
now = 1_800_000_000
with db:
    for r in range(repos):
        name = f"bench/app{r:05d}"
        db.execute("INSERT INTO repositories (name, created_at) VALUES (?, ?)", (name, now))
        db.execute("INSERT INTO repository_blobs (repository, digest, size, linked_at) VALUES (?, ?, ?, ?)", (name, config_digest, len(config), now))
        for t in range(tags):
            layer = hashlib.sha256(f"{r}/{t}".encode()).digest() * 32
            layer_digest = store(layer)
            db.execute("INSERT INTO repository_blobs (repository, digest, size, linked_at) VALUES (?, ?, ?, ?)", (name, layer_digest, len(layer), now))
            manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": len(config)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": len(layer)}]}).encode()
            digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
            db.execute("INSERT INTO manifests (repository, digest, media_type, content, pushed_at) VALUES (?, ?, ?, ?, ?)",
                       (name, digest, "application/vnd.oci.image.manifest.v1+json", manifest, now + t))
            for target in (config_digest, layer_digest):
                db.execute("INSERT INTO manifest_references (repository, manifest, target, is_manifest) VALUES (?, ?, ?, 0)", (name, digest, target))
            db.execute("INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?)", (name, f"v{t}", digest, now + t))
PY
"$BERTH" fsck --data "$TMP/seed" >/dev/null || die "the generated store does not pass fsck"
# One collection on its own, offline: what a run costs on this store (it deletes nothing: everything is referenced).
/usr/bin/time -f "%e %M" -o "$TMP/time.txt" "$BERTH" gc --data "$TMP/seed" --grace 1h >/dev/null
read -r gc_wall gc_kib <"$TMP/time.txt"

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
for s in collecting idle; do
    cp -a "$TMP/seed" "$TMP/$s"
    printf 'bench-admin' >"$TMP/$s.secret"
    p=$(port)
    gc=(--gc-interval 1h); [[ $s == collecting ]] && gc=(--gc-interval 1s --gc-grace 0s)
    "$BERTH" serve --listen "127.0.0.1:$p" --data "$TMP/$s" --admin-password-file "$TMP/$s.secret" "${gc[@]}" >"$TMP/$s.log" 2>&1 &
    PID[$s]=$!
    URL[$s]="http://127.0.0.1:$p"
done
for s in collecting idle; do
    for _ in $(seq 300); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' -u admin:bench-admin "${URL[$s]}/v2/" || true) == 200 ]] && break
        sleep 0.1
    done
done
cat >"$TMP/hot.lua" <<LUA
wrk.method = "GET"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
wrk.headers["Authorization"] = "Basic $(printf 'admin:bench-admin' | base64)"
LUA
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
declare -A HOT=() PUSH=()
for s in collecting idle; do
    out=$("$BENCH" prepare-hot --url "${URL[$s]}" --credentials admin:bench-admin --repo bench/hot --tag hot)
    HOT[$s]=$(json_field "$out" path)
done
declare -A GETS=() PUSHES=()
measure() { # server rep
    local s=$1 rep=$2 txt out
    txt=$(wrk -t2 -c32 -d6s -s "$TMP/hot.lua" "${URL[$s]}${HOT[$s]}" 2>&1)
    GETS[$s]+="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$txt") "
    out=$("$BENCH" manifests --url "${URL[$s]}" --credentials admin:bench-admin --repo "bench/push-$rep" --count 1000 --concurrency 16)
    PUSHES[$s]+="$(json_field "$out" ops_per_sec) "
}
for rep in $(seq "$REPS"); do
    if (( rep % 2 )); then measure collecting "$rep"; measure idle "$rep"; else measure idle "$rep"; measure collecting "$rep"; fi
    log "run $rep done"
done
gc_runs=$(curl -s "${URL[collecting]}/metrics" | awk '/^berth_gc_runs_total / { print $2 }')
gc_seconds=$(curl -s "${URL[collecting]}/metrics" | awk '/^berth_gc_last_run_seconds / { print $2 }')
median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '\n| %s repositories × %s images (medians of %s) | collecting every 1 s | not collecting | ratio |\n|---|---:|---:|---:|\n' "$REPOS" "$TAGS" "$REPS"
for metric in GETS PUSHES; do
    declare -n values=$metric
    c=$(median "${values[collecting]}"); i=$(median "${values[idle]}")
    label=$([[ $metric == GETS ]] && echo "hot manifest GET, wrk c=32 (req/s)" || echo "1000 manifest PUT+GET, c=16 (ops/s)")
    printf '| %s | %.0f | %.0f | %.2f× |\n' "$label" "$c" "$i" "$(awk -v a="$c" -v b="$i" 'BEGIN { print a / b }')"
done
printf '\none collection alone (berth gc --data): %s s, peak memory %.0f MiB\n' "$gc_wall" "$(awk -v k="$gc_kib" 'BEGIN { print k / 1024 }')"
printf 'garbage collections on the collecting server meanwhile: %s, the last one taking %s s (each scans every link and blob file)\n' "${gc_runs:-0}" "${gc_seconds:-?}"
[[ ${gc_runs:-0} -gt 0 ]] || die "no garbage collection ran: the comparison proves nothing"
