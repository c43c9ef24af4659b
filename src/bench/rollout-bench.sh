#!/usr/bin/env bash
# Benchmark of an immediate rollout against a standalone sandbox fleet (see docs/benchmarks.md).
#
#   src/bench/rollout-bench.sh            # 1,000 cells in rings 0..3 of 100/200/300/400, 50 ms per cell call
#   RUNS=3 WIDE_CONCURRENCY=0 BASELINE_CELLS=100 src/bench/rollout-bench.sh
#
# One change (flag_0001 on, then off, then on, ...) rolled out with mode=immediate up to ring 3, i.e. to every cell:
# (a) RUNS rollouts at ripple.cells.concurrency=CONCURRENCY (the default 64), the first cold, timed from the POST to
#     the first poll that sees `completed` (every POLL seconds), and as finishedAt - createdAt, with the Ripple JVM's
#     CPU time and the engine's steps from the timeline; then the same at WIDE_CONCURRENCY (every cell of the largest
#     ring in flight at once; 0 skips it);
# (b) the physical limit, computed: one write and one read-back per ring at LATENCY_MS each, rings one after another;
# (c) a sequential baseline in the same run: the same change at ripple.cells.concurrency=1 over BASELINE_CELLS cells.
# Ripple runs from the packaged jar on a file H2 in the work dir (a fresh database per start). Everything binds to
# 127.0.0.1; both JVMs are killed on exit. Not part of the test run.
set -euo pipefail

CELLS=${CELLS:-1000}
RING_SIZES=${RING_SIZES:-100,200,300,400}  # cells of rings 0..3; must add up to CELLS
FLAGS=${FLAGS:-200}                        # flags per sandbox cell: every read-back lists them all
LATENCY_MS=${LATENCY_MS:-50}
FLAG=${FLAG:-flag_0001}                    # off in every sandbox cell at the start
RUNS=${RUNS:-5}                            # rollouts per configuration: the first is cold
CONCURRENCY=${CONCURRENCY:-64}             # ripple.cells.concurrency, Ripple's default
WIDE_CONCURRENCY=${WIDE_CONCURRENCY:-1000} # a second configuration with every cell of a ring in flight; 0 skips it
BASELINE_CELLS=${BASELINE_CELLS:-1000}     # cells of the sequential baseline (1,000 x 150 ms is about 2.5 minutes)
BASELINE_SIZES=${BASELINE_SIZES:-}         # its rings; default: RING_SIZES scaled to BASELINE_CELLS
POLL=${POLL:-0.01}                         # seconds between polls of the rollout's state
PAUSE=${PAUSE:-2}                          # seconds between two rollouts
SANDBOX_PORT=${SANDBOX_PORT:-19190}
RIPPLE_PORT=${RIPPLE_PORT:-18190}
RIPPLE_XMX=${RIPPLE_XMX:-256m}
SANDBOX_XMX=${SANDBOX_XMX:-2g}
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

if [[ -z "$BASELINE_SIZES" ]]; then
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
        "$RIPPLE_PID" "$WORK/rollout-$label-$run.json" "$POLL")
    STATE=$change
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["config"]=sys.argv[2]; r["run"]=int(sys.argv[3]); print(json.dumps(r))' \
        "$line" "$label" "$run" >>"$RESULTS"
}

# configuration LABEL RINGS_DIR CONCURRENCY RUNS
configuration() {
    local label=$1 rings=$2 concurrency=$3 runs=$4
    mkdir -p "$WORK/h2-$label"
    start_ripple "$rings" "$concurrency" "ripple-$label" \
        RIPPLE_JDBC_URL="jdbc:h2:file:$WORK/h2-$label/ripple;DB_CLOSE_ON_EXIT=FALSE"
    for run in $(seq 1 "$runs"); do
        log "$label: rollout $run of $runs ($([[ $run -eq 1 ]] && echo cold || echo warm))"
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
python3 src/bench/gen-rings.py "$WORK/rings-baseline" "$BASELINE_CELLS" "http://127.0.0.1:$SANDBOX_PORT" \
    --sizes "$BASELINE_SIZES" --flags "$FLAG" >&2
start_sandbox "$CELLS" "$FLAGS" "$LATENCY_MS"
SANDBOX_CPU0=$(awk '{print $14 + $15}' "/proc/$SANDBOX_PID/stat")

# --- (a) immediate rollouts, default fan-out, then every cell of a ring at once ---------------------------------------
configuration "c$CONCURRENCY" "$WORK/rings" "$CONCURRENCY" "$RUNS"
if (( WIDE_CONCURRENCY > 0 )); then
    configuration "c$WIDE_CONCURRENCY" "$WORK/rings" "$WIDE_CONCURRENCY" "$RUNS"
fi

# --- (c) baseline: sequential ----------------------------------------------------------------------------------------
log "baseline: $BASELINE_CELLS cells ($BASELINE_SIZES) with ripple.cells.concurrency=1"
configuration c1 "$WORK/rings-baseline" 1 1
echo "loadavg after: $(cat /proc/loadavg)" >>"$WORK/machine.txt"
echo "sandbox CPU over the whole run: $(( ($(awk '{print $14 + $15}' "/proc/$SANDBOX_PID/stat") - SANDBOX_CPU0) * 1000 / $(getconf CLK_TCK) )) ms" >>"$WORK/machine.txt"

# --- summary ---------------------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$WORK/summary.md" <<EOF
import json, math, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cells, latency, sizes = $CELLS, $LATENCY_MS, [int(s) for s in "$RING_SIZES".split(",")]
bsizes = [int(s) for s in "$BASELINE_SIZES".split(",")]
def floor(conc, sizes):
    """Snapshot (every cell read once) + per ring one write and one read-back, at most conc calls in flight."""
    snap = math.ceil(sum(sizes) / conc) * latency
    return snap, sum(math.ceil(n / conc) * 2 * latency for n in sizes)
out = ["| configuration | cold | warm runs | warm median | API (finishedAt - createdAt), warm median | CPU of Ripple, warm median | floor for this fan-out (snapshot + rings) |",
       "|---|---|---|---|---|---|---|"]
medians = {}
for config in dict.fromkeys(r["config"] for r in rows):
    rs = [r for r in rows if r["config"] == config]
    conc = int(config[1:])
    warm = rs[1:] or rs
    med = statistics.median(r["wall_ms"] for r in warm)
    medians[config] = med
    snap, apply = floor(conc, bsizes if config == "c1" else sizes)
    out.append(f"| {sum(bsizes) if config == 'c1' else cells} cells, concurrency {conc} | {rs[0]['wall_ms']:.0f} ms "
               f"(CPU {rs[0]['cpu_ms']:.0f} ms) | " + ", ".join(f"{r['wall_ms']:.0f}" for r in rs[1:]) + " ms | "
               f"**{med:.0f} ms** | {statistics.median(r['api_ms'] for r in warm):.0f} ms | "
               f"{statistics.median(r['cpu_ms'] for r in warm):.0f} ms | {snap + apply} ms ({snap} + {apply}) |")
limit = len(sizes) * 2 * latency
out += ["", f"Physical limit, rings one after another, every cell of a ring at once: {len(sizes)} x 2 x {latency} ms = "
        f"**{limit} ms**; with Ripple's snapshot read (one more round for all cells): {limit + latency} ms. "
        f"Target 1.5 x {limit} = {1.5 * limit:.0f} ms."]
for config, med in medians.items():
    if config != "c1":
        out.append(f"- concurrency {config[1:]}: warm median {med:.0f} ms = {med / limit:.2f} x the limit: "
                   + ("met" if med <= 1.5 * limit else "MISSED"))
base = [r for r in rows if r["config"] == "c1"]
if base:
    b = base[0]
    per_cell = b["wall_ms"] / sum(bsizes)
    out.append(f"- sequential baseline: {b['wall_ms']:.0f} ms for {sum(bsizes)} cells = {per_cell:.1f} ms per cell"
               + (f", {per_cell * cells / 1000:.1f} s extrapolated to {cells} cells" if sum(bsizes) != cells else "")
               + "; speed-up of the warm medians: "
               + ", ".join(f"concurrency {c[1:]} {per_cell * cells / m:.0f}x" for c, m in medians.items() if c != "c1"))
out += ["", "Steps of each rollout (ms; from the timeline, the last one ends at the client's poll):", ""]
for r in rows:
    out.append(f"- {r['config']} run {r['run']} ({r['change']}): post {r['post_ms']:.0f}, "
               + ", ".join(f"{s['label']} {s['ms']:.0f}" for s in r["steps"])
               + f"; fan-out per ring {r['ring_apply_ms']}; {r['polls']} polls; cells {r['cells']}")
text = "\n".join(out)
open(sys.argv[2], "w").write(text + "\n")
print(text)
EOF
cat "$WORK/machine.txt"
