#!/usr/bin/env bash
# Benchmark of an immediate rollout against a standalone sandbox fleet (see docs/benchmarks.md).
#
#   src/bench/rollout-bench.sh            # 1,000 cells in rings 0..3 of 100/200/300/400, 50 ms per cell call
#   RUNS=5 WARM_FROM=2 CONFIGS=64 BASELINE_CELLS=100 src/bench/rollout-bench.sh
#
# One change (flag_0001 on, then off, then on, ...) rolled out with mode=immediate up to ring 3, i.e. to every cell:
# (a) for each configuration in CONFIGS ("concurrency[/heap]"; a fresh Ripple each), RUNS rollouts timed from the POST
#     to the first poll that sees `completed` (every POLL seconds), and as finishedAt - createdAt, with the Ripple JVM's
#     CPU time per thread group, the sandbox's CPU time and the engine's steps from the timeline. Run 1 is cold; the
#     warm median is over runs WARM_FROM..RUNS (the JIT keeps compiling for the first ~30 rollouts);
# (b) the physical limit, computed: one write and one read-back per ring at LATENCY_MS each, rings one after another;
# (c) a sequential baseline in the same run: the same change at ripple.cells.concurrency=1 over BASELINE_CELLS cells
#     (0 skips it).
# Ripple runs from the packaged jar on a file H2 in the work dir (a fresh database per start). Everything binds to
# 127.0.0.1; both JVMs are killed on exit. Not part of the test run.
set -euo pipefail

CELLS=${CELLS:-1000}
RING_SIZES=${RING_SIZES:-100,200,300,400}  # cells of rings 0..3; must add up to CELLS
FLAGS=${FLAGS:-200}                        # flags per sandbox cell: every read-back lists them all
LATENCY_MS=${LATENCY_MS:-50}
FLAG=${FLAG:-flag_0001}                    # off in every sandbox cell at the start
RUNS=${RUNS:-40}                           # rollouts per configuration: the first is cold
WARM_FROM=${WARM_FROM:-31}                 # the warm median is over runs WARM_FROM..RUNS
# ripple.cells.concurrency[/-Xmx] per configuration ("default": Ripple's own, 1000), at the heap target (RIPPLE_XMX)
# unless one is given: Ripple's defaults, the default before 2026-11-21 (64), and the defaults with 1 GB of heap
CONFIGS=${CONFIGS:-default 64 default/1g}
BASELINE_CELLS=${BASELINE_CELLS:-1000}     # cells of the sequential baseline (1,000 x 150 ms is about 2.5 minutes)
BASELINE_SIZES=${BASELINE_SIZES:-}         # its rings; default: RING_SIZES scaled to BASELINE_CELLS
POLL=${POLL:-0.01}                         # seconds between polls of the rollout's state
PAUSE=${PAUSE:-1}                          # seconds between two rollouts
SANDBOX_PORT=${SANDBOX_PORT:-19190}
RIPPLE_PORT=${RIPPLE_PORT:-18190}
RIPPLE_XMX=${RIPPLE_XMX:-256m}             # the heap target of docs/benchmarks.md, as a hard limit
SANDBOX_XMX=${SANDBOX_XMX:-2g}
# H2 URL options of each configuration's database; unset: h2_options below (CACHE_SIZE a quarter of a heap of 1 GB
# or more). H2_OPTIONS= (empty) runs with H2's own default cache.
TOKEN=${TOKEN:-bench-token}

# shellcheck source=src/bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init ripple-rollout-bench

cleanup() {
    stop_pid "$RIPPLE_PID"
    stop_pid "$SANDBOX_PID"
    log "logs and raw results kept in $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_tools curl python3 java
ensure_built
check_ports_free

if [[ -z "$BASELINE_SIZES" && $BASELINE_CELLS -gt 0 ]]; then
    BASELINE_SIZES=$(python3 -c '
import sys
sizes, cells = [int(s) for s in sys.argv[1].split(",")], int(sys.argv[2])
scaled = [max(1, round(s * cells / sum(sizes))) for s in sizes]
scaled[-1] += cells - sum(scaled)
print(",".join(map(str, scaled)))' "$RING_SIZES" "$BASELINE_CELLS")
fi
UP_TO=$(( $(tr -cd , <<<"$RING_SIZES" | wc -c) ))   # the last ring
STATE=off                                            # the flag's state in every cell now
RESULTS="$WORK/results.jsonl"

# rollout LABEL RUN: rolls FLAG out to the opposite of STATE, appends the figures to $RESULTS
rollout() {
    local label=$1 run=$2 change line
    change=$([[ $STATE == off ]] && echo on || echo off)
    line=$(python3 src/bench/rollout-run.py "http://127.0.0.1:$RIPPLE_PORT" "$FLAG" "$change" "$UP_TO" \
        "$RIPPLE_PID" "$WORK/rollout-$label-$run.json" "$POLL" "$SANDBOX_PID")
    STATE=$change
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(config=sys.argv[2], run=int(sys.argv[3]), concurrency=int(sys.argv[4]), default=sys.argv[6] == "default", xmx=sys.argv[5]); print(json.dumps(r))' \
        "$line" "$label" "$run" "$CUR_CONCURRENCY" "$CUR_XMX" "$CUR_SETTING" >>"$RESULTS"
}

# H2 URL options for a heap: with a heap of a gigabyte or more, a page cache of a quarter of it (in KB). At H2's
# default the rollout tables outgrow the cache after some 30 rollouts of 1,000 cells, and every step's database work
# grows with the database. A smaller heap keeps H2's default: the cell state cache (1,000 cells x 200 flags) leaves
# no room in 256 MB for a bigger one (a 64 MB page cache there cost 1.2-1.6 s of GC per rollout).
h2_options() {
    case $1 in
        *g) echo ";CACHE_SIZE=$(( ${1%g} * 1024 * 1024 / 4 ))" ;;
        *) echo "" ;;
    esac
}

# configuration LABEL RINGS_DIR CONCURRENCY XMX RUNS
configuration() {
    local label=$1 rings=$2 concurrency=$3 xmx=$4 runs=$5 saved_xmx=$RIPPLE_XMX
    CUR_SETTING=$concurrency CUR_XMX=$xmx
    CUR_CONCURRENCY=$([[ $concurrency == default ]] && default_concurrency || echo "$concurrency")
    mkdir -p "$WORK/h2-$label"
    RIPPLE_XMX=$xmx
    start_ripple "$rings" "$concurrency" "ripple-$label" \
        RIPPLE_JDBC_URL="jdbc:h2:file:$WORK/h2-$label/ripple;DB_CLOSE_ON_EXIT=FALSE${H2_OPTIONS-$(h2_options "$xmx")}"
    RIPPLE_XMX=$saved_xmx
    for run in $(seq 1 "$runs"); do
        local phase="warming up"
        if (( run == 1 )); then phase=cold; elif (( run >= WARM_FROM )); then phase=warm; fi
        log "$label (-Xmx$xmx): rollout $run of $runs ($phase)"
        rollout "$label" "$run"
        sleep "$PAUSE"
    done
    curl -sf "http://127.0.0.1:$RIPPLE_PORT/q/metrics" >"$WORK/metrics-$label.txt" || true
    stop_ripple
}

# --- the fleet -------------------------------------------------------------------------------------------------------
{
    echo "date: $(date -Is)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    free -g
    java -version 2>&1
    echo "loadavg before: $(cat /proc/loadavg)"
} >"$WORK/machine.txt"
log "work dir $WORK; $CELLS cells in rings 0..$UP_TO ($RING_SIZES) x $FLAGS flags, ${LATENCY_MS} ms per cell call"
python3 src/bench/gen-rings.py "$WORK/rings" "$CELLS" "http://127.0.0.1:$SANDBOX_PORT" --sizes "$RING_SIZES" \
    --flags "$FLAG" >&2
if (( BASELINE_CELLS > 0 )); then
    python3 src/bench/gen-rings.py "$WORK/rings-baseline" "$BASELINE_CELLS" "http://127.0.0.1:$SANDBOX_PORT" \
        --sizes "$BASELINE_SIZES" --flags "$FLAG" >&2
fi
start_sandbox "$CELLS" "$FLAGS" "$LATENCY_MS"
SANDBOX_CPU0=$(awk '{print $14 + $15}' "/proc/$SANDBOX_PID/stat")

# --- (a) immediate rollouts, one configuration after another ---------------------------------------------------------
for config in $CONFIGS; do
    concurrency=${config%%/*}
    xmx=$([[ $config == */* ]] && echo "${config#*/}" || echo "$RIPPLE_XMX")
    configuration "c$concurrency-$xmx" "$WORK/rings" "$concurrency" "$xmx" "$RUNS"
done

# --- (c) baseline: sequential ----------------------------------------------------------------------------------------
if (( BASELINE_CELLS > 0 )); then
    log "baseline: $BASELINE_CELLS cells ($BASELINE_SIZES) with ripple.cells.concurrency=1"
    configuration "baseline-c1-$RIPPLE_XMX" "$WORK/rings-baseline" 1 "$RIPPLE_XMX" 1
fi
echo "loadavg after: $(cat /proc/loadavg)" >>"$WORK/machine.txt"
echo "sandbox CPU over the whole run: $(( ($(awk '{print $14 + $15}' "/proc/$SANDBOX_PID/stat") - SANDBOX_CPU0) * 1000 / $(getconf CLK_TCK) )) ms" >>"$WORK/machine.txt"

# --- summary ---------------------------------------------------------------------------------------------------------
python3 src/bench/rollout-summary.py "$RESULTS" "$WORK/summary.md" "$CELLS" "$LATENCY_MS" "$RING_SIZES" \
    "${BASELINE_SIZES:-0}" "$WARM_FROM"
cat "$WORK/machine.txt"
