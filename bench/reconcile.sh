#!/usr/bin/env bash
# Reconciler benchmark: validate / apply / plan / no-op reconcile on generated declarations.
# Usage: bash bench/reconcile.sh   See bench/README.md ("Reconciler benchmark").
#
# Targets (issue): with 10,000 repositories, 500 teams and 50,000 bindings, `validate` and `plan` against a
# registry holding the same state < 2 s each; a no-op reconcile of 1,000 repositories < 200 ms; memory < 500 MiB.
#
# Environment knobs (defaults in brackets):
#   BENCH_REPS [3]               runs per measurement; the table shows the median
#   BENCH_SKIP_BUILD [0]         1 = use the existing binary, do not run swift build
#   BENCH_CONFIG [release]       build configuration
#   BENCH_REPOSITORIES [10000]   BENCH_TEAMS [500]   BENCH_BINDINGS [50000]   the large set
#   BENCH_SMALL_REPOSITORIES [1000]  the no-op reconcile set; teams and bindings scale with it (50, 5,000)
#   BENCH_CHANGE_PERCENT [1]     share of repositories and bindings altered for the "after a change" plans
#   BENCH_TIMEOUT [120]          per-command time limit, seconds
#   BENCH_IDLE_WAIT [300]        wait up to this many seconds for an idle machine before measuring (0 = don't)
#   BENCH_PROFILE [1]            1 = if perf works, profile one large no-op plan and show where the CPU goes
#   BENCH_NOISY_CORES [0.3]      repeat a run (up to 2 x BENCH_REPS runs) when other processes used more CPU than this
#   BENCH_KEEP [0]               1 = keep the temp dir (declarations, data dirs, logs)
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

REPS=${BENCH_REPS:-3}
CONFIG=${BENCH_CONFIG:-release}
BIG_REPOS=${BENCH_REPOSITORIES:-10000}
BIG_TEAMS=${BENCH_TEAMS:-500}
BIG_BINDINGS=${BENCH_BINDINGS:-50000}
SMALL_REPOS=${BENCH_SMALL_REPOSITORIES:-1000}
SMALL_TEAMS=$(( (BIG_TEAMS * SMALL_REPOS + BIG_REPOS - 1) / BIG_REPOS ))
SMALL_BINDINGS=$(( BIG_BINDINGS * SMALL_REPOS / BIG_REPOS ))
CHANGE=${BENCH_CHANGE_PERCENT:-1}
TIMEOUT=${BENCH_TIMEOUT:-120}
IDLE_WAIT=${BENCH_IDLE_WAIT:-300}

log() { printf '[reconcile-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in python3 openssl curl timeout git; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time (Debian package 'time') for /usr/bin/time -v"
    SUDO=$([[ $(id -u) == 0 ]] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time >&2
    [[ -x /usr/bin/time ]] || die "/usr/bin/time still missing"
fi

# ---------------------------------------------------------------- build
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building berth ($CONFIG)"
    swift build -c "$CONFIG" --product berth >&2
fi
BERTH="$ROOT/.build/$CONFIG/berth"
[[ -x "$BERTH" ]] || die "$BERTH missing"

# ---------------------------------------------------------------- temp dir, cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-reconcile-bench.XXXXXX")
SERVE_PID=
cleanup() {
    local rc=$?
    if [[ -n "$SERVE_PID" ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RESULTS="$TMP/results.jsonl"
: >"$RESULTS"
START=$SECONDS

# ---------------------------------------------------------------- an idle machine
# CPU busy share over 2 s from /proc/stat (all cores): builds and tests on a shared machine distort timings.
busy_percent() {
    local a b
    a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
    python3 -c '
import sys
a = list(map(int, sys.argv[1].split())); b = list(map(int, sys.argv[2].split()))
d = [y - x for x, y in zip(a, b)]; idle = d[3] + d[4]
print(round(100 * (1 - idle / max(1, sum(d)))))' "${a[*]:1}" "${b[*]:1}"
}
BUSY=$(busy_percent)
if ((IDLE_WAIT > 0 && BUSY > 15)); then
    log "machine is ${BUSY}% busy; waiting up to ${IDLE_WAIT} s for it to settle"
    deadline=$((SECONDS + IDLE_WAIT))
    while ((SECONDS < deadline)); do
        BUSY=$(busy_percent)
        ((BUSY <= 15)) && break
    done
    ((BUSY <= 15)) || log "still ${BUSY}% busy: measuring anyway (noted in the report)"
fi
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# CPU time the whole machine spent busy, in clock ticks: minus a run's own CPU time, what other processes took.
CLK_TCK=$(getconf CLK_TCK)
# Bash builtins only (no fork), so that the harness itself barely counts as another process.
BUSY_TICKS=0
read_busy_ticks() {
    local cpu user nice system idle iowait irq softirq steal rest
    read -r cpu user nice system idle iowait irq softirq steal rest </proc/stat
    BUSY_TICKS=$((user + nice + system + irq + softirq + steal))
}
now_ns() { NOW_NS=${EPOCHREALTIME/./}000; }
# A run during which other processes used more than this many cores is retried (the machine is shared).
NOISY_CORES=${BENCH_NOISY_CORES:-0.3}

# ---------------------------------------------------------------- measuring one command
# measure NAME EXPECTED_EXIT CMD...: one run under /usr/bin/time -v; wall clock in ns around it.
measure() {
    local name=$1 expect=$2 t0 t1 rc b0 b1
    shift 2
    rm -f "$TMP/time.txt"
    read_busy_ticks; b0=$BUSY_TICKS
    now_ns; t0=$NOW_NS
    set +e
    # time outside timeout: max RSS is the largest in the waited-for tree (the berth process), and a
    # timed-out berth is killed by timeout rather than orphaned.
    /usr/bin/time -v -o "$TMP/time.txt" timeout "$TIMEOUT" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"
    rc=$?
    now_ns; t1=$NOW_NS
    read_busy_ticks; b1=$BUSY_TICKS
    set -e
    python3 - "$name" "$expect" "$rc" "$t0" "$t1" "$TMP/time.txt" "$TMP/out.txt" "$TMP/err.txt" "$b0" "$b1" "$CLK_TCK" \
        >>"$RESULTS" <<'PY'
import json, os, re, sys
name, expect, rc, t0, t1, timef, outf, errf, b0, b1, hz = sys.argv[1:]
text = open(timef).read() if os.path.exists(timef) else ""
def field(label, conv=float):
    m = re.search(r"^\s*" + re.escape(label) + r":\s*(\S+)", text, re.M)
    return conv(m.group(1)) if m else None
row = {"name": name, "wall_s": (int(t1) - int(t0)) / 1e9, "exit": int(rc),
       "user_s": field("User time (seconds)"), "sys_s": field("System time (seconds)"),
       "rss_kib": field("Maximum resident set size (kbytes)", int)}
if row["user_s"] is not None:
    others = (int(b1) - int(b0)) / int(hz) - row["user_s"] - row["sys_s"]
    row["other_s"], row["window_s"] = round(max(0.0, others), 3), row["wall_s"]
    row["other_cores"] = round(row["other_s"] / max(row["window_s"], 0.001), 2)
if int(rc) != int(expect):
    row["failed"] = f"exit {rc}, expected {expect}: " + (open(errf).read()[-400:] + open(outf).read()[-400:]).strip()
print(json.dumps(row))
PY
    local line
    line=$(tail -1 "$RESULTS")
    if [[ "$line" == *'"failed"'* ]]; then log "FAILED: $name: $line"; return 1; fi
    log "$name: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("%.0f ms, %.0f MiB, other processes %.2f cores" % (r["wall_s"] * 1000, r["rss_kib"] / 1024, r.get("other_cores", 0)))' "$line")"
}

# noisy: whether other processes took more than NOISY_CORES cores during the last recorded run (beyond a
# 20 ms allowance for starting and reaping the processes, which the machine-wide count also sees).
noisy() {
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
sys.exit(0 if r.get("other_s", 0) > float(sys.argv[2]) * r.get("window_s", 0) + 0.02 else 1)' \
        "$(tail -1 "$RESULTS")" "$NOISY_CORES"
}

# repeat NAME COMMAND...: COMMAND (a function recording one run) until REPS quiet runs, at most 2 x REPS runs.
repeat() {
    local name=$1 quiet=0 tries=0
    shift
    while ((quiet < REPS && tries < 2 * REPS)); do
        tries=$((tries + 1))
        "$@" || { quiet=$((quiet + 1)); continue; }   # a failure is recorded; don't retry it
        if noisy; then log "$name: other processes were busy during that run; it will be repeated"; sleep 2
        else quiet=$((quiet + 1)); fi
    done
}

# ---------------------------------------------------------------- in-process reconcile (no Berth code changed)
# `berth serve --interval 2s` reconciles at start, then sleeps 2 s (Task.sleep) after each reconcile. An
# LD_PRELOAD shim stamps CLOCK_MONOTONIC at:
#   start  the first reconcile's first I/O: opendir() of the declarations folder, or git_repository_open_ext()
#   end    a reconcile returning: the loop arms its sleep, a dispatch_after_f() on the continuous clock with a
#          delay of the interval (other timers, such as the HTTP server's 1 s date cache, use other delays)
#   wake   that timer firing: the next reconcile begins
# so a reconcile is start (or wake) to the next end, its whole `reconcile()` call.
SHIM=
INTERVAL_S=2
if command -v cc >/dev/null; then
    cat >"$TMP/marks.c" <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void mark(const char *name) {
    const char *log = getenv("MARK_LOG");
    if (!log) return;
    char line[96];
    int n = snprintf(line, sizeof line, "%s %lld\n", name, now_ns(CLOCK_MONOTONIC));
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) { (void)!write(fd, line, (size_t)n); close(fd); }
}

DIR *opendir(const char *path) {
    static DIR *(*real)(const char *);
    if (!real) real = (DIR *(*)(const char *))dlsym(RTLD_NEXT, "opendir");
    const char *dir = getenv("MARK_DIR");
    if (dir && path && strcmp(path, dir) == 0) mark("start");
    return real(path);
}

typedef struct git_repository git_repository;
int git_repository_open_ext(git_repository **out, const char *path, unsigned int flags, const char *ceiling) {
    static int (*real)(git_repository **, const char *, unsigned int, const char *);
    if (!real) real = (int (*)(git_repository **, const char *, unsigned int, const char *))dlsym(RTLD_NEXT, "git_repository_open_ext");
    mark("start");
    return real(out, path, flags, ceiling);
}

/* dispatch_time_t: bit 63 set = continuous clock (CLOCK_BOOTTIME) nanoseconds in the low bits. */
struct wake { void *context; void (*work)(void *); };
static void wake_up(void *p) {
    struct wake w = *(struct wake *)p;
    free(p);
    mark("wake");
    w.work(w.context);
}

void dispatch_after_f(uint64_t when, void *queue, void *context, void (*work)(void *)) {
    static void (*real)(uint64_t, void *, void *, void (*)(void *));
    if (!real) real = (void (*)(uint64_t, void *, void *, void (*)(void *)))dlsym(RTLD_NEXT, "dispatch_after_f");
    const char *interval = getenv("MARK_INTERVAL_NS");
    if (interval && (when >> 63) == 1 && when != ~0ULL) {
        long long target = atoll(interval);
        long long delay = (long long)(when & ~(1ULL << 63)) - now_ns(CLOCK_BOOTTIME);
        struct wake *w;
        if (delay > target - target / 20 && delay < target + target / 20 && (w = malloc(sizeof *w))) {
            mark("end");
            w->context = context;
            w->work = work;
            real(when, queue, w, wake_up);
            return;
        }
    }
    real(when, queue, context, work);
}
EOF
    if cc -O2 -shared -fPIC -o "$TMP/marks.so" "$TMP/marks.c" -ldl 2>"$TMP/cc.txt"; then SHIM="$TMP/marks.so"; fi
fi
[[ -n "$SHIM" ]] || log "no C compiler: the in-process reconcile time is not measured"
printf 'bench-admin-%s' "$RANDOM$RANDOM" >"$TMP/admin-secret"

# serve_reconcile NAME folder|git DECLARATIONS DATA: one `berth serve` on the folder or on a git repository of it;
# records its first reconcile (NAME-first: cold, while the HTTP server starts) and the next REPS (NAME: steady
# state, 2 s apart on an idle server), and the server's peak memory after them.
serve_reconcile() {
    local name=$1 kind=$2 decl=$3 data=$4 url="" status="" t0 t1 hwm cpu=null b0 b1 marks="$TMP/marks-$1.log"
    local source=(--declarations "$decl")
    [[ $kind == git ]] && source=(--git "$decl" --ref main)
    rm -f "$marks" "$TMP/serve.out"
    read_busy_ticks; b0=$BUSY_TICKS
    now_ns; t0=$NOW_NS
    MARK_LOG="$marks" MARK_DIR="$decl" MARK_INTERVAL_NS=$((INTERVAL_S * 1000000000)) LD_PRELOAD="$SHIM" \
        "$BERTH" serve --listen 127.0.0.1:0 --data "$data" "${source[@]}" --interval "${INTERVAL_S}s" \
        --admin-password-file "$TMP/admin-secret" >"$TMP/serve.out" 2>"$TMP/serve-$name.log" &
    SERVE_PID=$!
    # Wait for REPS + 1 reconciles to end, without polling the server meanwhile (requests would compete for the CPU).
    local deadline=$((SECONDS + TIMEOUT + (INTERVAL_S + 5) * REPS)) ends
    while ((SECONDS < deadline)) && kill -0 "$SERVE_PID" 2>/dev/null; do
        ends=0
        [[ -f "$marks" ]] && ends=$(grep -c '^end' "$marks" || true)
        ((ends >= REPS + 1)) && break
        sleep 0.2
    done
    url=$(sed -n 's/^listening on //p' "$TMP/serve.out")
    for _ in $(seq 50); do
        [[ -n "$url" ]] || break
        status=$(curl -s -H "Authorization: Bearer $(cat "$TMP/admin-secret")" "$url/admin/v1/status" || true)
        [[ "$status" == *'"type":"Ready"'* ]] && break
        sleep 0.1
    done
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status" 2>/dev/null || echo null)
    cpu=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat" 2>/dev/null || echo null)
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
    now_ns; t1=$NOW_NS
    read_busy_ticks; b1=$BUSY_TICKS
    python3 - "$name" "$marks" "$status" "$hwm" "$t0" "$t1" "$cpu" "$b0" "$b1" "$CLK_TCK" "$REPS" >>"$RESULTS" <<'PY'
import json, os, sys
name, marks, status, hwm, t0, t1, cpu, b0, b1, hz, reps = sys.argv[1:]
reps = int(reps)
base = {"rss_kib": None if hwm == "null" else int(hwm)}
if cpu != "null":
    # over the server's whole life (start, reconciles and the sleeps between them, one status request, stop)
    window = (int(t1) - int(t0)) / 1e9
    base["other_s"], base["window_s"] = round(max(0.0, (int(b1) - int(b0) - int(cpu)) / int(hz)), 3), window
    base["other_cores"] = round(base["other_s"] / max(window, 0.001), 2)
try:
    ready = next((c for c in json.loads(status)["conditions"] if c["type"] == "Ready"), None)
except Exception:
    ready = None
events = [(k, int(t)) for k, t in (l.split() for l in (open(marks) if os.path.exists(marks) else []) if l.strip())]
# Reconcile i runs from its beginning (the first start mark for the first, the timer's wake for the others)
# to the next end mark.
begins = [next((t for k, t in events if k == "start"), None)] + [t for k, t in events if k == "wake"]
ends = [t for k, t in events if k == "end"]
cycles = []
for begin in begins:
    end = next((e for e in ends if begin is not None and e > begin), None)
    if begin is None or end is None: break
    cycles.append((begin, end))
for i, (begin, end) in enumerate(cycles[: reps + 1]):
    print(json.dumps(dict(base, name=name + ("-first" if i == 0 else ""), wall_s=(end - begin) / 1e9)))
problem = None
if not ready or ready["status"] != "True" or ready["reason"] != "InSync":
    problem = f"not a no-op reconcile in sync: {status[-400:]}"
elif len(cycles) < reps + 1:
    problem = f"only {len(cycles)} reconcile(s) timed: {events[:6]}"
if problem:
    print(json.dumps(dict(base, name=name, wall_s=None, failed=problem)))
PY
    log "$name: $(grep "\"$name" "$RESULTS" | python3 -c 'import json,sys; print(", ".join("%s %s" % (r["name"], "FAILED" if r.get("failed") else "%.0f ms" % (r["wall_s"] * 1000)) for r in map(json.loads, sys.stdin)))')"
}

# git_repository FOLDER: a git repository (branch main, one commit) holding the folder's declarations.
git_repository() {
    git -C "$1" init -q -b main
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q -m "declarations"
}

# ---------------------------------------------------------------- the large set
GEN="$ROOT/bench/gen-declarations.py"
BIG="$TMP/decl-big"
log "generating $BIG_REPOS repositories, $BIG_TEAMS teams, $BIG_BINDINGS bindings"
python3 "$GEN" "$BIG" --repositories "$BIG_REPOS" --teams "$BIG_TEAMS" --bindings "$BIG_BINDINGS" 2>"$TMP/gen.txt"
python3 "$GEN" "$BIG-changed" --repositories "$BIG_REPOS" --teams "$BIG_TEAMS" --bindings "$BIG_BINDINGS" \
    --change "$CHANGE" --keys-from "$BIG" 2>/dev/null
BIG_DESC=$(sed "s/^[^:]*: //" "$TMP/gen.txt")

"$BERTH" validate "$BIG" >"$TMP/validate.txt" 2>&1 || { cat "$TMP/validate.txt" >&2; die "generated declarations do not validate"; }
grep -q ', 0 warning(s)' "$TMP/validate.txt" || log "warning: generated declarations have warnings: $(tail -1 "$TMP/validate.txt")"

measure start-baseline 0 "$BERTH" --help || true   # process start + exit, for reference
repeat validate measure validate 0 "$BERTH" validate "$BIG"
apply_big() {
    rm -rf "$TMP/data-big"; mkdir -p "$TMP/data-big"
    measure apply 0 "$BERTH" apply --declarations "$BIG" --data "$TMP/data-big" --auto-approve || die "apply failed"
}
repeat apply apply_big
repeat plan-noop measure plan-noop 0 "$BERTH" plan "$BIG" --data "$TMP/data-big" --detailed-exitcode
repeat plan-change measure plan-change 2 "$BERTH" plan "$BIG-changed" --data "$TMP/data-big" --detailed-exitcode
# The same no-op plan against a running registry through its admin API (`--registry`): the server answers the
# live state on the same 2 cores, so its CPU shows under "other processes".
remote_plan() {
    local url=""
    "$BERTH" serve --listen 127.0.0.1:0 --data "$TMP/data-big" --admin-password-file "$TMP/admin-secret" \
        >"$TMP/remote.out" 2>"$TMP/remote.log" &
    SERVE_PID=$!
    for _ in $(seq 300); do
        url=$(sed -n 's/^listening on //p' "$TMP/remote.out")
        [[ -n "$url" ]] && break
        sleep 0.1
    done
    [[ -n "$url" ]] || die "the server for the remote plan did not start: $(tail -5 "$TMP/remote.log")"
    repeat plan-remote measure plan-remote 0 "$BERTH" plan "$BIG" --registry "$url" --token-file "$TMP/admin-secret" --detailed-exitcode
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
}
remote_plan
if [[ -n "$SHIM" ]]; then
    serve_reconcile serve-big folder "$BIG" "$TMP/data-big"
    cp -r "$BIG" "$TMP/git-big" && git_repository "$TMP/git-big"
    serve_reconcile serve-big-git git "$TMP/git-big" "$TMP/data-big"
fi

# Where the CPU goes in one large no-op plan (perf, if it works here).
PROFILE="$TMP/profile.txt"
: >"$PROFILE"
if [[ "${BENCH_PROFILE:-1}" == 1 ]] && command -v perf >/dev/null &&
    perf record -q -F 999 -g -o "$TMP/perf.data" -- "$BERTH" plan "$BIG" --data "$TMP/data-big" >/dev/null 2>"$TMP/perf.err"; then
    perf script -i "$TMP/perf.data" -F tid,ip,sym 2>/dev/null >"$TMP/perf.txt" || true
    python3 - "$TMP/perf.txt" >"$PROFILE" <<'PY'
import re, sys, collections
# Each sample goes to the first phase whose pattern matches a frame of its call stack.
phases = [
    ("load and validate the YAML (parallel: DeclarationLoader, YAMLReader, DocumentDecoder, CrossValidator)",
     r"DeclarationReader|DeclarationLoader|YAMLReader|TreeBuilder|DocumentDecoder|SpecDecoder|CrossValidator|yaml_parser"),
    ("read the live objects (SQLite query + live fingerprint)", r"SQLiteMetadataStore|SQLiteConnection|sqlite3_"),
    ("decode the live objects' canonical JSON (Reconciliation.canonicalObject)", r"ReconciliationO15canonicalObject"),
    ("build the desired canonical objects (DesiredState.canonicalObjects)", r"DesiredStateV16canonicalObjects"),
    ("desired fingerprint: canonical JSON + SHA-256", r"ConfigValueO19canonicalJSONString|CanonicalObjectV19canonicalJSONString|ConfigurationObjectV11fingerprint"),
    ("diff and destructive-change rules (Planner.plan)", r"PlannerO4plan|DestructiveRules"),
    ("render the plan (PlanRenderer)", r"PlanRenderer"),
]
counts, total, frames = collections.Counter(), 0, []
def flush():
    global total
    if not frames: return
    total += 1
    text = "\n".join(frames)
    counts[next((label for label, pat in phases if re.search(pat, text)), "other: malloc/free that perf could not unwind to a caller, process start and exit, kernel")] += 1
for line in open(sys.argv[1]):
    if not line.strip():
        flush(); frames = []
    elif line.startswith("\t"):
        frames.append(line.strip())
flush()
print(f"| phase | share of {total} CPU samples |\n|---|---:|")
for label in [l for l, _ in phases] + ["other: malloc/free that perf could not unwind to a caller, process start and exit, kernel"]:
    print(f"| {label} | {100 * counts[label] / max(1, total):.0f}% |")
PY
fi

# ---------------------------------------------------------------- the small set: no-op reconcile
SMALL="$TMP/decl-small"
log "generating $SMALL_REPOS repositories, $SMALL_TEAMS teams, $SMALL_BINDINGS bindings"
python3 "$GEN" "$SMALL" --repositories "$SMALL_REPOS" --teams "$SMALL_TEAMS" --bindings "$SMALL_BINDINGS" 2>"$TMP/gen-small.txt"
python3 "$GEN" "$SMALL-changed" --repositories "$SMALL_REPOS" --teams "$SMALL_TEAMS" --bindings "$SMALL_BINDINGS" \
    --change "$CHANGE" --keys-from "$SMALL" 2>/dev/null
SMALL_DESC=$(sed "s/^[^:]*: //" "$TMP/gen-small.txt")
mkdir -p "$TMP/data-small"
"$BERTH" apply --declarations "$SMALL" --data "$TMP/data-small" --auto-approve >"$TMP/apply-small.txt" || die "apply of the small set failed"
repeat small-validate measure small-validate 0 "$BERTH" validate "$SMALL"
repeat small-plan-noop measure small-plan-noop 0 "$BERTH" plan "$SMALL" --data "$TMP/data-small" --detailed-exitcode
repeat small-plan-change measure small-plan-change 2 "$BERTH" plan "$SMALL-changed" --data "$TMP/data-small" --detailed-exitcode
if [[ -n "$SHIM" ]]; then
    serve_reconcile serve-small folder "$SMALL" "$TMP/data-small"
    cp -r "$SMALL" "$TMP/git-small" && git_repository "$TMP/git-small"
    serve_reconcile serve-small-git git "$TMP/git-small" "$TMP/data-small"
fi
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
log "measurements done in $((SECONDS - START)) s"

# ---------------------------------------------------------------- report
mkdir -p "$ROOT/bench/results"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo '+dirty')"
python3 - "$RESULTS" "$REPS" "$COMMIT" "$CONFIG" "$BIG_DESC" "$SMALL_DESC" "$CHANGE" "$BUSY" "$LOAD_START" "$LOAD_END" \
    "$PROFILE" "$SHIM" "$NOISY_CORES" >"$ROOT/bench/results/reconcile.md" <<'PY'
import json, statistics, sys, datetime, platform, os
path, reps, commit, config, big, small, change, busy, load0, load1, profile, shim, noisy = sys.argv[1:]
rows = [json.loads(l) for l in open(path) if l.strip()]
MiB = 1024
NOISY = float(noisy)

def runs(name): return [r for r in rows if r["name"] == name]
def is_noisy(r): return r.get("other_s", 0) > NOISY * r.get("window_s", 0) + 0.02  # as noisy() in the script
def counted(name):
    """Successful runs; the quiet ones only, when there is any."""
    good = [r for r in runs(name) if not r.get("failed")]
    return [r for r in good if not is_noisy(r)] or good
def ok(name, key): return [r[key] for r in counted(name) if r.get(key) is not None]
def med(name, key):
    v = ok(name, key)
    return statistics.median(v) if v else None
def cpu(name):
    v = [r["user_s"] + r["sys_s"] for r in counted(name) if r.get("user_s") is not None]
    return statistics.median(v) if v else None
def ms(x): return "–" if x is None else (f"{x * 1000:,.0f} ms" if x < 10 else f"{x:,.1f} s")
def mib(k): return "–" if k is None else f"{k / MiB:,.0f} MiB"
def peak(name):
    v = [r["rss_kib"] for r in runs(name) if r.get("rss_kib")]
    return max(v) if v else None
def verdict(x, limit):
    return "–" if x is None else ("yes" if x < limit else "**no**")
def failed(name): return any(r.get("failed") for r in runs(name))

# (label, name, target seconds or None)
spec = [
    ("**validate**, large set", "validate", 2.0),
    ("**plan** against the registry holding the same state, its data folder (`--data`; no-op, exit 0), large set", "plan-noop", 2.0),
    ("**plan** against the running registry holding the same state, through its admin API (`--registry`; no-op, exit 0), large set", "plan-remote", 2.0),
    ("apply into an empty registry (setup), large set", "apply", None),
    (f"plan after a {change}% change (exit 2), large set", "plan-change", None),
    ("`serve --declarations`: first reconcile (while the server starts), in process, no-op, large set", "serve-big-first", None),
    ("`serve --declarations`: later reconciles, in process, no-op, large set", "serve-big", None),
    ("`serve --git`: first reconcile (reads the commit, full plan), in process, no-op, large set", "serve-big-git-first", None),
    ("`serve --git`: later reconciles of the same commit (fast path), in process, large set", "serve-big-git", None),
    ("validate, 1,000-repository set", "small-validate", None),
    ("**no-op reconcile**, 1,000 repositories: `berth plan --detailed-exitcode` (CLI, whole process)", "small-plan-noop", 0.2),
    ("no-op reconcile, 1,000 repositories: `serve --declarations` first reconcile (while the server starts), in process", "serve-small-first", None),
    ("**no-op reconcile**, 1,000 repositories: `serve --declarations` later reconciles, in process", "serve-small", 0.2),
    ("no-op reconcile, 1,000 repositories: `serve --git` first reconcile (reads the commit, full plan), in process", "serve-small-git-first", None),
    ("**no-op reconcile**, 1,000 repositories: `serve --git` later reconciles of the same commit (fast path), in process", "serve-small-git", 0.2),
    (f"plan after a {change}% change (exit 2), 1,000-repository set", "small-plan-change", None),
    ("process start and exit (`berth --help`), for reference", "start-baseline", None),
]
out = []
now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
cpuname = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
out.append(f"# Berth reconciler benchmark — {now}\n")
out.append(f"Commit {commit}; {os.cpu_count()} × {cpuname}; `berth` {config} build. "
           f"Each value is the **median of {reps} runs** (wall clock); memory is the largest maximum RSS of the runs. "
           f"Machine {busy}% busy before the run; load average {load0} at the start, {load1} at the end.\n")
out.append(f"- large set: {big}")
out.append(f"- 1,000-repository set: {small}\n")
out.append("| measurement | wall (median) | CPU user+sys | max RSS | other processes | target | met? |")
out.append("|---|---:|---:|---:|---:|---:|:---:|")
for label, name, target in spec:
    wall = med(name, "wall_s")
    w = ms(wall) if wall is not None else ("FAILED" if failed(name) else "–")
    c = cpu(name)
    tgt = f"< {target * 1000:.0f} ms" if target and target < 1 else (f"< {target:g} s" if target else "")
    oc = [r["other_cores"] for r in counted(name) if "other_cores" in r]
    other = f"{statistics.median(oc):.2f} cores" if oc else ""
    if oc and all(is_noisy(r) for r in counted(name)):
        other += " (noisy: no quiet run)"
    out.append(f"| {label} | {w} | {ms(c) if c is not None else ''} | {mib(peak(name))} | {other} | {tgt} | {verdict(wall, target) if target else ''} |")
allrss = [r["rss_kib"] for r in rows if r.get("rss_kib") and r["name"] != "start-baseline"]
top = max(allrss) if allrss else None
out.append(f"| **memory**: largest max RSS of every command above (`serve`: VmHWM after its reconciles) | | | {mib(top)} | | < 500 MiB | {verdict(top / MiB if top else None, 500)} |")
out.append("")
out.append(f"*Other processes*: CPU the rest of the machine used during the runs, in cores (of {os.cpu_count()}). "
           f"A run during which it exceeded {NOISY:g} (plus 20 ms for starting and reaping processes) was repeated (at most {2 * int(reps)} runs in all) "
           "and the medians leave such runs out when there are quiet ones (`serve` runs are not repeated).\n")
out.append("CLI figures include process start, reading and validating every YAML file, opening the SQLite store, "
           "the diff, printing the plan and exit. The in-process `serve` figures are whole `reconcile()` calls of one "
           f"`berth serve --interval 2s` per source: from the first reconcile's first I/O (or the wake-up of the "
           "loop's timer) to the loop arming its timer again, stamped by an LD_PRELOAD shim on `opendir`, "
           "`git_repository_open_ext` and `dispatch_after_f` (Berth's code is unchanged). The first reconcile "
           f"runs while the HTTP server starts; the next {reps} run 2 s apart on an idle server. With `--git`, a "
           "reconcile of the commit already in sync, with no revision since, skips reading and planning (fast path)."
           if shim else "In-process figures were not measured (no C compiler for the LD_PRELOAD shim).")
if open(profile).read().strip():
    out.append("\n### Where the CPU goes: one large no-op `plan` under `perf` (each sample counted once, in the first phase on its stack; loading runs on both cores)\n")
    out.append(open(profile).read().rstrip())
out.append("\n<details><summary>all runs</summary>\n")
out.append("| measurement | runs: wall / max RSS / exit (other processes) |")
out.append("|---|---|")
for _, name, _ in spec:
    rs = runs(name)
    if rs:
        out.append(f"| {name} | " + ", ".join(
            ("FAILED " if r.get("failed") else "") + f"{ms(r.get('wall_s'))} / {mib(r.get('rss_kib'))}" +
            (f" / {r['exit']}" if "exit" in r else "") +
            (f" (others {r['other_cores']:.2f} cores{', left out' if is_noisy(r) and r not in counted(name) else ''})" if "other_cores" in r else "")
            for r in rs) + " |")
fails = [r for r in rows if r.get("failed")]
if fails:
    out.append("\nFailures:\n")
    for r in fails: out.append(f"- {r['name']}: {r['failed']}")
out.append("\n</details>")
print("\n".join(out))
PY

echo
cat "$ROOT/bench/results/reconcile.md"
echo
log "written to bench/results/reconcile.md ($((SECONDS - START)) s)"
if grep -q '"failed"' "$RESULTS"; then
    log "some runs failed (set BENCH_KEEP=1 to keep the temp dir)"
    exit 1
fi
