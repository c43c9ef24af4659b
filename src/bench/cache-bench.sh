#!/usr/bin/env bash
# Benchmark of Ripple's per-cell cache against a standalone sandbox fleet (see docs/benchmarks.md).
#
#   src/bench/cache-bench.sh            # 1,000 cells x 200 flags, 50 ms per cell call
#   CELLS=100 DURATION=5 src/bench/cache-bench.sh
#
# (a) full cache refresh (POST /api/v1/cache/refresh): cold + warm wall times, heap after GC and peak heap, against
#     a sequential baseline (ripple.cells.concurrency=1) over BASELINE_CELLS cells;
# (b) GET /api/v1/flags/FLAG from the cache (plain and gzip) against ?fresh=true, with wrk: throughput and p99.
# Everything binds to 127.0.0.1; both JVMs are killed on exit. Not part of the test run.
set -euo pipefail

CELLS=${CELLS:-1000}
FLAGS=${FLAGS:-200}
LATENCY_MS=${LATENCY_MS:-50}
DURATION=${DURATION:-15}                   # seconds of each cache load test
WARMUP=${WARMUP:-5}                        # seconds of wrk warm-up before each cache load test
FRESH_DURATION=${FRESH_DURATION:-15}       # seconds of the ?fresh=true load test
REFRESHES=${REFRESHES:-5}                  # refreshes in (a): the first is cold
CONCURRENCY=${CONCURRENCY:-64}             # ripple.cells.concurrency for the fan-out run
BASELINE_CELLS=${BASELINE_CELLS:-$CELLS}   # cells in the sequential baseline (1,000 x 50 ms is about a minute)
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}     # saturating load
LIGHT_CONNECTIONS=${LIGHT_CONNECTIONS:-4}  # a lighter load, still well over 5,000 req/s
FRESH_CONNECTIONS=${FRESH_CONNECTIONS:-2}
FLAG=${FLAG:-flag_0004}                     # a flag with actor gates that differ per cell
SANDBOX_PORT=${SANDBOX_PORT:-19090}
RIPPLE_PORT=${RIPPLE_PORT:-18090}
RIPPLE_XMX=${RIPPLE_XMX:-256m}              # the heap target, as a hard limit
SANDBOX_XMX=${SANDBOX_XMX:-2g}
TOKEN=${TOKEN:-bench-token}

# shellcheck source=src/bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init ripple-bench
JSTAT_PID=""

cleanup() {
    stop_pid "$JSTAT_PID"
    stop_pid "$RIPPLE_PID"
    stop_pid "$SANDBOX_PID"
    log "logs and raw results kept in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites ---------------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
        log "installing wrk"
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        echo "wrk is missing: apt-get install wrk" >&2; exit 1
    fi
fi
require_tools curl python3 java jcmd jstat
ensure_built
check_ports_free

refresh() { # -> prints tookMillis; appends the JSON answer to $WORK/refreshes.jsonl
    local answer
    answer=$(curl -sf --max-time 600 -X POST -H "Authorization: Bearer $RIPPLE_API_TOKEN" "http://127.0.0.1:$RIPPLE_PORT/api/v1/cache/refresh")
    echo "$answer" >>"$WORK/refreshes.jsonl"
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["failed"]==0, r; print(r["tookMillis"])' "$answer"
}

heap_after_gc_mb() { # forces a full GC, then sums jvm_memory_used_bytes{area="heap"}
    jcmd "$RIPPLE_PID" GC.run >/dev/null
    sleep 1
    curl -sf "http://127.0.0.1:$RIPPLE_PORT/q/metrics" | python3 -c '
import sys
total = sum(float(l.rsplit(" ", 1)[1]) for l in sys.stdin
            if l.startswith("jvm_memory_used_bytes{") and "area=\"heap\"" in l)
print(f"{total / 1048576:.1f}")'
}

run_wrk() { # name duration connections threads url [header]
    local name=$1 duration=$2 connections=$3 threads=$4 url=$5
    shift 5
    wrk --latency -t"$threads" -c"$connections" -d"${duration}s" --timeout 60s \
        -H "Authorization: Bearer $RIPPLE_API_TOKEN" "$@" "$url" >"$WORK/wrk-$name.txt"
    python3 - "$WORK/wrk-$name.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
count = int(re.search(r"(\d+) requests in", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: (.*)", text)
print(f"{rps:.1f} {ms(*p50.groups()):.2f} {ms(*p99.groups()):.2f} {count} {bad.group(1) if bad else 0} "
      f"{'yes' if sock else 'no'}")
EOF
}

# --- the fleet -------------------------------------------------------------------------------------------------------
log "work dir $WORK; $CELLS cells x $FLAGS flags, ${LATENCY_MS} ms per cell call"
top -bn1 | head -15 >"$WORK/top-before.txt"
python3 src/bench/gen-rings.py "$WORK/rings" "$CELLS" "http://127.0.0.1:$SANDBOX_PORT" >&2
python3 src/bench/gen-rings.py "$WORK/rings-baseline" "$BASELINE_CELLS" "http://127.0.0.1:$SANDBOX_PORT" >&2
start_sandbox "$CELLS" "$FLAGS" "$LATENCY_MS"

# --- (a) full refresh, default fan-out -------------------------------------------------------------------------------
start_ripple "$WORK/rings" "$CONCURRENCY" ripple
HEAP_IDLE=$(heap_after_gc_mb)
jstat -gc "$RIPPLE_PID" 100 >"$WORK/jstat.txt" 2>&1 &
JSTAT_PID=$!
sleep 0.5
REFRESH_TIMES=()
for i in $(seq 1 "$REFRESHES"); do
    took=$(refresh)
    REFRESH_TIMES+=("$took")
    log "refresh $i ($([[ $i -eq 1 ]] && echo cold || echo warm)): ${took} ms"
    sleep 2   # let the background persist of the round finish before the next one
done
stop_pid "$JSTAT_PID"; JSTAT_PID=""
HEAP_AFTER=$(heap_after_gc_mb)
HEAP_PEAK=$(python3 - "$WORK/jstat.txt" <<'EOF'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
head = lines[0]
cols = [head.index(c) for c in ("S0U", "S1U", "EU", "OU")]
peak = max(sum(float(row[c]) for c in cols) for row in lines[1:] if row[0] != head[0])
print(f"{peak / 1024:.1f}")
EOF
)
GC_LINE=$(tail -1 "$WORK/jstat.txt")
jcmd "$RIPPLE_PID" GC.heap_info >"$WORK/heap-info.txt" 2>&1 || true
log "heap: idle ${HEAP_IDLE} MB, after refreshes ${HEAP_AFTER} MB (after full GC), peak used ${HEAP_PEAK} MB"

# --- (b) one flag across the fleet: cache vs ?fresh=true -------------------------------------------------------------
URL="http://127.0.0.1:$RIPPLE_PORT/api/v1/flags/$FLAG"
SIZE_PLAIN=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $RIPPLE_API_TOKEN" "$URL")
SIZE_GZIP=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $RIPPLE_API_TOKEN" -H 'Accept-Encoding: gzip' "$URL")
log "document: $SIZE_PLAIN bytes, $SIZE_GZIP gzipped"
log "cache, plain: warm-up ${WARMUP}s, then ${DURATION}s"
run_wrk warmup-plain "$WARMUP" "$WRK_CONNECTIONS" "$WRK_THREADS" "$URL" >/dev/null
read -r PLAIN_RPS PLAIN_P50 PLAIN_P99 PLAIN_N PLAIN_BAD PLAIN_SOCK < <(run_wrk cache-plain "$DURATION" "$WRK_CONNECTIONS" "$WRK_THREADS" "$URL")
read -r LPLAIN_RPS LPLAIN_P50 LPLAIN_P99 LPLAIN_N LPLAIN_BAD LPLAIN_SOCK < <(run_wrk cache-plain-light "$DURATION" "$LIGHT_CONNECTIONS" "$WRK_THREADS" "$URL")
log "cache, gzip: warm-up ${WARMUP}s, then ${DURATION}s"
run_wrk warmup-gzip "$WARMUP" "$WRK_CONNECTIONS" "$WRK_THREADS" "$URL" -H 'Accept-Encoding: gzip' >/dev/null
read -r GZIP_RPS GZIP_P50 GZIP_P99 GZIP_N GZIP_BAD GZIP_SOCK < <(run_wrk cache-gzip "$DURATION" "$WRK_CONNECTIONS" "$WRK_THREADS" "$URL" -H 'Accept-Encoding: gzip')
read -r LGZIP_RPS LGZIP_P50 LGZIP_P99 LGZIP_N LGZIP_BAD LGZIP_SOCK < <(run_wrk cache-gzip-light "$DURATION" "$LIGHT_CONNECTIONS" "$WRK_THREADS" "$URL" -H 'Accept-Encoding: gzip')
log "fresh: one warm-up request, then ${FRESH_DURATION}s with $FRESH_CONNECTIONS connections"
curl -sf -o /dev/null --max-time 120 -H "Authorization: Bearer $RIPPLE_API_TOKEN" "$URL?fresh=true"
read -r FRESH_RPS FRESH_P50 FRESH_P99 FRESH_N FRESH_BAD FRESH_SOCK < <(run_wrk fresh "$FRESH_DURATION" "$FRESH_CONNECTIONS" 1 "$URL?fresh=true" -H 'Accept-Encoding: gzip')
curl -sf "http://127.0.0.1:$RIPPLE_PORT/q/metrics" >"$WORK/metrics-after.txt" || true
stop_ripple

# --- (a) baseline: sequential reads ----------------------------------------------------------------------------------
log "baseline: one refresh of $BASELINE_CELLS cells with ripple.cells.concurrency=1"
start_ripple "$WORK/rings-baseline" 1 ripple-baseline
BASELINE_MS=$(refresh)
log "baseline: ${BASELINE_MS} ms"
stop_ripple
top -bn1 | head -15 >"$WORK/top-after.txt"

# --- summary ---------------------------------------------------------------------------------------------------------
python3 - "$WORK/summary.md" <<EOF
import statistics, sys
times = [int(t) for t in "${REFRESH_TIMES[*]}".split()]
warm = times[1:] or times
median = statistics.median(warm)
baseline, bcells, cells = $BASELINE_MS, $BASELINE_CELLS, $CELLS
per_cell_seq = baseline / bcells
heap_after, peak = float("$HEAP_AFTER"), float("$HEAP_PEAK")
fresh_rps, plain_rps, gzip_rps = float("$FRESH_RPS"), float("$PLAIN_RPS"), float("$GZIP_RPS")
plain_p99, gzip_p99, fresh_p99 = float("$PLAIN_P99"), float("$GZIP_P99"), float("$FRESH_P99")
ok = lambda b: "met" if b else "MISSED"
rows = [
    ("(a) refresh, cold (concurrency $CONCURRENCY)", f"{times[0]} ms", "< 3,000 ms", ok(times[0] < 3000)),
    ("(a) refresh, warm: " + ", ".join(map(str, warm)) + " ms", f"median {median:.0f} ms", "< 3,000 ms", ok(median < 3000)),
    (f"(a) baseline, sequential (concurrency 1, {bcells} cells)", f"{baseline} ms ({per_cell_seq:.1f} ms/cell)", "", ""),
    ("(a) fan-out speed-up vs sequential, per cell", f"{per_cell_seq * cells / median:.1f}x", "", ""),
    ("(a) heap after refreshes (after full GC)", f"{heap_after:.1f} MB (idle {float('$HEAP_IDLE'):.1f} MB)", "< 256 MB", ok(heap_after < 256)),
    ("(a) heap, peak used during refreshes (-Xmx$RIPPLE_XMX)", f"{peak:.1f} MB", "< 256 MB", ok(peak < 256)),
    ("(b) cache, plain JSON ($SIZE_PLAIN B), $LIGHT_CONNECTIONS connections", f"{float('$LPLAIN_RPS'):,.0f} req/s, p50 {float('$LPLAIN_P50'):.2f} ms, p99 {float('$LPLAIN_P99'):.2f} ms",
     "> 5,000 req/s, p99 < 5 ms", ok(float('$LPLAIN_RPS') > 5000 and float('$LPLAIN_P99') < 5)),
    ("(b) cache, gzip ($SIZE_GZIP B), $LIGHT_CONNECTIONS connections", f"{float('$LGZIP_RPS'):,.0f} req/s, p50 {float('$LGZIP_P50'):.2f} ms, p99 {float('$LGZIP_P99'):.2f} ms",
     "> 5,000 req/s, p99 < 5 ms", ok(float('$LGZIP_RPS') > 5000 and float('$LGZIP_P99') < 5)),
    ("(b) cache, plain JSON ($SIZE_PLAIN B), $WRK_CONNECTIONS connections", f"{plain_rps:,.0f} req/s, p50 {float('$PLAIN_P50'):.2f} ms, p99 {plain_p99:.2f} ms",
     "> 5,000 req/s, p99 < 5 ms", ok(plain_rps > 5000 and plain_p99 < 5)),
    ("(b) cache, gzip ($SIZE_GZIP B), $WRK_CONNECTIONS connections", f"{gzip_rps:,.0f} req/s, p50 {float('$GZIP_P50'):.2f} ms, p99 {gzip_p99:.2f} ms",
     "> 5,000 req/s, p99 < 5 ms", ok(gzip_rps > 5000 and gzip_p99 < 5)),
    ("(b) ?fresh=true ($FRESH_CONNECTIONS connections)", f"{fresh_rps:,.2f} req/s, p50 {float('$FRESH_P50'):.0f} ms, p99 {fresh_p99:.0f} ms", "", ""),
    ("(b) cache vs fresh, throughput (gzip)", f"{gzip_rps / fresh_rps:,.0f}x" if fresh_rps else "n/a", "", ""),
]
out = ["| measure | figure | target | |", "|---|---|---|---|"] + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
out.append("")
out.append("wrk: $WRK_THREADS threads, $WRK_CONNECTIONS connections, ${DURATION} s after ${WARMUP} s warm-up; requests: plain $PLAIN_N (non-2xx $PLAIN_BAD, socket errors $PLAIN_SOCK), "
           "gzip $GZIP_N (non-2xx $GZIP_BAD, socket errors $GZIP_SOCK), fresh $FRESH_N (non-2xx $FRESH_BAD, socket errors $FRESH_SOCK)")
out.append("jstat at the end of (a): $GC_LINE")
text = "\n".join(out)
open(sys.argv[1], "w").write(text + "\n")
print(text)
EOF
