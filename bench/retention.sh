#!/usr/bin/env bash
# Retention at scale: `berth retention plan` and `run` over BENCH_REPOS repositories of BENCH_TAGS tags each
# (default 10,000 × 20 = 200,000 tags), generated straight into a data folder. Reports wall time and peak memory.
# Usage: bash bench/retention.sh (part of make bench). Knobs: BENCH_REPOS [10000], BENCH_TAGS [20], BENCH_SKIP_BUILD [0].
# See bench/README.md, "Retention at scale".
set -euo pipefail
export LC_ALL=C
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
REPOS=${BENCH_REPOS:-10000}
TAGS=${BENCH_TAGS:-20}

log() { printf '[retention %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[[ -x /usr/bin/time ]] || { log "error: /usr/bin/time missing (Debian package time)"; exit 1; }
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth (release)"
    swift build -c release --static-swift-stdlib --product berth >&2
fi
BERTH="$ROOT/.build/release/berth"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-retention.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/declarations"
cat >"$TMP/declarations/retention.yaml" <<'YAML'
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: short}
spec:
  retention: {keepLast: 5, protect: ["stable"]}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {name: "bench/**"}
spec: {tier: short}
YAML
"$BERTH" apply --declarations "$TMP/declarations" --data "$TMP/data" --auto-approve >/dev/null

log "generating $REPOS repositories × $TAGS tags"
# Straight into the store's tables (spec: Sources/Storage/SQLite): one image manifest per tag, pushed a second apart.
/usr/bin/python3 - "$TMP/data/metadata.sqlite" "$REPOS" "$TAGS" <<'PY'
import hashlib, sqlite3, sys
path, repos, tags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(path)
now = 1_800_000_000
with db:
    for r in range(repos):
        name = f"bench/app{r:05d}"
        db.execute("INSERT INTO repositories (name, created_at) VALUES (?, ?)", (name, now))
        for t in range(tags):
            content = f'{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","r":{r},"t":{t}}}'.encode()
            digest = "sha256:" + hashlib.sha256(content).hexdigest()
            db.execute("INSERT INTO manifests (repository, digest, media_type, content, pushed_at) VALUES (?, ?, ?, ?, ?)",
                       (name, digest, "application/vnd.oci.image.manifest.v1+json", content, now + t))
            db.execute("INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?)",
                       (name, "stable" if t == 0 else f"v{t}", digest, now + t))
PY

measure() { # label, command...
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$TMP/time.txt" "$@" >"$TMP/out.txt"
    read -r seconds kib <"$TMP/time.txt"
    printf '| %s | %.1f s | %.0f MiB |\n' "$label" "$seconds" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')"
}
expected=$((REPOS * (TAGS - 6)))
printf '\n| %s repositories × %s tags (keepLast 5, protect stable) | wall time | peak memory |\n|---|---:|---:|\n' "$REPOS" "$TAGS"
measure "retention plan (--data, JSON)" "$BERTH" retention plan --data "$TMP/data" --format json
count_tags() { /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum("tag" in d["target"] for x in r["repositories"] for d in x["deletions"]))' "$1"; }
planned=$(count_tags "$TMP/out.txt")
measure "retention run (--data)" "$BERTH" retention run --data "$TMP/data" --format json
deleted=$(count_tags "$TMP/out.txt")
measure "retention plan again (nothing to delete)" "$BERTH" retention plan --data "$TMP/data"
printf '\nplanned %s tag deletions, the run deleted %s (expected %s)\n' "$planned" "$deleted" "$expected"
[[ $planned == "$expected" && $deleted == "$expected" ]] || { log "error: the counts differ"; exit 1; }
