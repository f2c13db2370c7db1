#!/usr/bin/env bash
# Hot manifest GETs of a released image in a tier that requires signatures and blocks secrets, against the same kind of
# image in a tier that enforces nothing, on one berth, in one run. The pull path reads a cached verdict, so the ratio should be about 1.
# Usage: bash bench/signing.sh (part of make bench). Knobs: BENCH_REPS [3], BENCH_WRK_DURATION [10s],
# BENCH_SKIP_BUILD [0], BENCH_KEEP [0]. See bench/README.md, "Signing tiers".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPS=${BENCH_REPS:-3}
WRK_DURATION=${BENCH_WRK_DURATION:-10s}

log() { printf '[signing %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in wrk curl /usr/bin/python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || die "python3-cryptography missing (make deps installs it)"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth and berth-bench (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
    swift build -c release --static-swift-stdlib --product berth-bench >&2
fi
BERTH="$ROOT/.build/release/berth"
BENCH="$ROOT/.build/release/berth-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-signing.XXXXXX")
cleanup() {
    local rc=$?
    [[ -z "${PID:-}" ]] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$port"
printf 'bench-admin' >"$TMP/admin.secret"
"$BERTH" serve --listen "127.0.0.1:$port" --data "$TMP/data" --admin-password-file "$TMP/admin.secret" >"$TMP/berth.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -u admin:bench-admin "$URL/v2/" || true) == 200 ]] && break
    kill -0 "$PID" 2>/dev/null || { tail "$TMP/berth.log" >&2; die "berth exited"; }
    sleep 0.1
done

json_field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
open_out=$("$BENCH" prepare-hot --url "$URL" --credentials admin:bench-admin --repo hot/open --tag hot)
signed_out=$("$BENCH" prepare-hot --url "$URL" --credentials admin:bench-admin --repo hot/signed --tag hot)
OPEN_PATH=$(json_field "$open_out" path)
SIGNED_PATH=$(json_field "$signed_out" path)
SIGNED_DIGEST=$(json_field "$signed_out" digest)

log "signing $SIGNED_DIGEST with Python's cryptography (cosign tag form)"
printf '{"keys":["p256"],"requests":[{"form":"cosign","key":"p256","digest":"%s"}]}' "$SIGNED_DIGEST" |
    /usr/bin/python3 Tests/ImageSignaturesTests/Fixtures/sign.py batch >"$TMP/signed.json"
mkdir -p "$TMP/declarations"
/usr/bin/python3 - "$TMP/signed.json" >"$TMP/declarations/bench.yaml" <<'PY'
import base64, json, sys, textwrap
key = json.load(open(sys.argv[1]))["keys"]["p256"]
pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(textwrap.wrap(key, 64)) + "\n-----END PUBLIC KEY-----"
print(f"""apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {{name: open}}
spec: {{anonymousPull: true, scanning: {{secrets: {{onPush: off}}, vulnerabilities: {{onPush: off}}}}}}
---
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {{name: signed}}
spec:
  anonymousPull: true
  signing: {{requiredSigners: [release], minimum: 1}}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {{name: hot/open}}
spec: {{tier: open}}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {{name: hot/signed}}
spec: {{tier: signed}}
---
apiVersion: berth.dev/v1alpha1
kind: Signer
metadata: {{name: release}}
spec:
  publicKeys:
    - |
{textwrap.indent(pem, " " * 6)}""")
PY
"$BERTH" apply --declarations "$TMP/declarations" --registry "$URL" --token-file "$TMP/admin.secret" --auto-approve >"$TMP/apply.log"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$URL$SIGNED_PATH") == 403 ]] || die "the unsigned image in the signing tier was served"
/usr/bin/python3 bench/push_signature.py "$URL" admin:bench-admin hot/signed "$SIGNED_DIGEST" <"$TMP/signed.json"
for path in "$OPEN_PATH" "$SIGNED_PATH"; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$URL$path") == 200 ]] || die "anonymous GET $path is not 200"
done
"$BERTH" verdict "hot/signed@$SIGNED_DIGEST" --registry "$URL" --token-file "$TMP/admin.secret" >&2

cat >"$TMP/hot.lua" <<'LUA'
wrk.method = "GET"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
TICKS_PER_SECOND=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
hot() { # path -> "requests/s  server CPU µs per request"
    local txt before after requests
    before=$(server_ticks)
    txt=$(wrk -t2 -c32 -d"$WRK_DURATION" -s "$TMP/hot.lua" "$URL$1" 2>&1)
    after=$(server_ticks)
    grep -q "Non-2xx" <<<"$txt" && die "non-2xx responses on $1: $txt"
    requests=$(awk '/requests in/ { print $1 }' <<<"$txt")
    printf '%s %s\n' "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$txt")" \
        "$(awk -v t=$((after - before)) -v hz="$TICKS_PER_SECOND" -v n="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
}
OPEN=() SIGNED=() OPEN_CPU=() SIGNED_CPU=()
measure() { # open|signed
    local result
    if [[ $1 == open ]]; then result=$(hot "$OPEN_PATH"); OPEN+=("${result% *}"); OPEN_CPU+=("${result#* }")
    else result=$(hot "$SIGNED_PATH"); SIGNED+=("${result% *}"); SIGNED_CPU+=("${result#* }"); fi
}
for rep in $(seq "$REPS"); do
    # Alternate which tier goes first, so neither always runs on a warmer machine.
    if (( rep % 2 )); then measure open; measure signed; else measure signed; measure open; fi
    log "run $rep: open ${OPEN[-1]} req/s (${OPEN_CPU[-1]} µs CPU each), signed ${SIGNED[-1]} req/s (${SIGNED_CPU[-1]} µs CPU each)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
open_median=$(median "${OPEN[@]}")
signed_median=$(median "${SIGNED[@]}")
open_cpu=$(median "${OPEN_CPU[@]}")
signed_cpu=$(median "${SIGNED_CPU[@]}")
printf '\n| hot manifest GET (anonymous, wrk -t2 -c32, %s × %s, medians) | req/s | server CPU per request |\n|---|---:|---:|\n' "$REPS" "$WRK_DURATION"
printf '| tier without signing | %.0f | %.2f µs |\n' "$open_median" "$open_cpu"
printf '| tier requiring signatures, image released | %.0f | %.2f µs |\n' "$signed_median" "$signed_cpu"
printf '| **ratio signed / unsigned** | **%.3f** | **%.3f** (throughput-equivalent: unsigned CPU / signed CPU) |\n' \
    "$(awk -v a="$signed_median" -v b="$open_median" 'BEGIN { print a / b }')" \
    "$(awk -v a="$open_cpu" -v b="$signed_cpu" 'BEGIN { print a / b }')"
