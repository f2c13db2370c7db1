#!/usr/bin/env bash
# Declarations under hostile and large input: how long each case takes in a release build, against its target.
# The tests assert only what the input produces; the speed targets live here. See bench/README.md ("Declarations").
# Usage: bash bench/declarations.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
BERTH_PERF=1 swift test -c release --disable-xctest \
    --filter 'DeclarationsTests\.(HostileInputTests|GlobScaleTests|EffectivePolicyTests)' >"$log" 2>&1 \
    || { tail -40 "$log" >&2; echo "the declaration tests failed" >&2; exit 1; }

# Targets: every hostile document is refused, and 10,000 effective-policy lookups answered, within 2 s; 5,000 globs
# and 10,000 bindings validate within 10 s (pairwise work would take minutes).
printf '| case | release ms | target ms | |\n|---|---:|---:|---|\n'
failed=0
while read -r _ label ms _; do
    label=${label%:}
    target=2000
    [[ $label == manyGlobsValidate ]] && target=10000
    verdict=ok
    if awk -v m="$ms" -v t="$target" 'BEGIN { exit !(m > t) }'; then verdict=SLOW; failed=1; fi
    printf '| %s | %s | %s | %s |\n' "$label" "$ms" "$target" "$verdict"
done < <(grep '^BERTH_PERF ' "$log")
exit $failed
