#!/usr/bin/env bash
# The console's pages at scale (issue #18): a release berth holding BENCH_REPOSITORIES repositories of BENCH_TAGS tags,
# seeded through the registry API, then every page requested BENCH_REQUESTS times as the administrator and as a reader
# bound to every repository, timed by the server's own Server-Timing header. Target: p95 under 50 ms for every page.
# Usage: bash bench/console.sh (part of make bench). Knobs: BENCH_REPOSITORIES [10000], BENCH_TAGS [10], BENCH_REQUESTS [100],
# BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Console".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPOSITORIES=${BENCH_REPOSITORIES:-10000}
TAGS=${BENCH_TAGS:-10}
REQUESTS=${BENCH_REQUESTS:-100}

log() { printf '[console %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in curl /usr/bin/python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
/usr/bin/python3 -c 'import bcrypt' || die "python3-bcrypt not found (make deps installs it)"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-console.XXXXXX")
PID=""
cleanup() {
    local rc=$?
    [[ -n "$PID" ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

export BENCH_ADMIN_PASSWORD=bench-admin BENCH_READER_PASSWORD=bench-reader
printf '%s' "$BENCH_ADMIN_PASSWORD" >"$TMP/admin.secret"
reader_hash=$(/usr/bin/python3 -c 'import bcrypt, os; print(bcrypt.hashpw(os.environ["BENCH_READER_PASSWORD"].encode(), bcrypt.gensalt(10)).decode())')
mkdir -p "$TMP/declarations"
cat >"$TMP/declarations/bench.yaml" <<YAML
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: bench}
spec:
  scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: off}}
  retention: {keepLast: 20}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {name: "bench/*"}
spec: {tier: bench, description: "Seeded by bench/console.sh"}
---
apiVersion: berth.dev/v1alpha1
kind: Role
metadata: {name: consumer}
spec: {permissions: [pull]}
---
apiVersion: berth.dev/v1alpha1
kind: RoleBinding
metadata: {name: readers}
spec: {role: consumer, repositories: ["bench/*"], subjects: [{user: reader}]}
---
apiVersion: berth.dev/v1alpha1
kind: User
metadata: {name: reader}
spec: {passwordHash: "$reader_hash"}
YAML

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$port"
"$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/data" --admin-password-file "$TMP/admin.secret" --declarations "$TMP/declarations" \
    --interval 1h >"$TMP/berth.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -u "admin:$BENCH_ADMIN_PASSWORD" "$URL/v2/" || true) == 200 ]] && break
    kill -0 "$PID" 2>/dev/null || { tail "$TMP/berth.log" >&2; die "berth exited"; }
    sleep 0.1
done
for _ in $(seq 300); do
    curl -s -u "admin:$BENCH_ADMIN_PASSWORD" "$URL/admin/v1/revisions" | grep -q '"id"' && break
    sleep 0.1
done

log "seeding $REPOSITORIES repositories × $TAGS tags"
seeded=$("$BENCH" seed-console --url "$URL" --credentials "admin:$BENCH_ADMIN_PASSWORD" --repo bench --repositories "$REPOSITORIES" --tags "$TAGS")
log "seeded: $seeded"
log "timing every page $REQUESTS times per viewer"
table=$(/usr/bin/python3 "$ROOT/bench/console_pages.py" "$URL" "$REQUESTS" "$REPOSITORIES")
{
    printf '\n%s repositories × %s tags (%s manifests), %s requests per page and viewer, server time from Server-Timing\n\n' \
        "$REPOSITORIES" "$TAGS" "$((REPOSITORIES * TAGS))" "$REQUESTS"
    printf '%s\n' "$table"
} | tee "$ROOT/bench/results/console.md"
