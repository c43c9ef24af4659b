#!/usr/bin/env bash
# Load benchmark: many concurrent gradual rollouts over a large sandbox fleet with injected cell errors, while the
# query API is read at a steady rate (see docs/benchmarks.md).
#
#   src/bench/load-bench.sh                                  # 100 rollouts, 1,000 cells (+10 quarantined), PostgreSQL
#   RING_SIZES=10,20,30,40 ROLLOUTS=10 FLAGS=20 src/bench/load-bench.sh   # small, for a first try
#
# Sets up the sandbox fleet (a latency per cell spread over LATENCY_MS, then ERROR_RATE of every cell call answered
# 500), a real Prometheus scraping it (the Debian `prometheus` binary), a throwaway PostgreSQL database on
# 127.0.0.1:5432 (user postgres; dropped at the end) and Ripple from the packaged jar built for it; every ring bakes
# BAKE and runs one health check against that Prometheus. Then ROLLOUTS gradual rollouts of as many flags up to the
# outermost ring, all POSTed at once, polled until every one has ended, while QUERY_CLIENTS clients read
# GET /api/v1/flags/{flag} and GET /api/v1/rollouts/{id} in turn with THINK_MS between requests. Checks every end
# state (all must be `completed`) and every cell's gates in the sandbox; reports wall time, CPU, heap, cell calls,
# query latency and database rows. Exit status: 0 all good, 1 a check failed, 2 the run could not be set up.
# Everything binds to 127.0.0.1 and is killed on exit. Not part of the test run.
set -euo pipefail

RING_SIZES=${RING_SIZES:-50,150,300,500}   # cells of rings 0..3
QUARANTINE=${QUARANTINE:-10}               # cells of the quarantine ring -1, which no rollout may touch
ROLLOUTS=${ROLLOUTS:-100}                  # rollouts at once, one flag each (flag_0000, flag_0001, ...)
FLAGS=${FLAGS:-100}                        # flags per sandbox cell (at least ROLLOUTS); every read lists them all
LATENCY_MS=${LATENCY_MS:-20-50}            # per cell call: N, or LOW-HIGH spread evenly over the cells
ERROR_RATE=${ERROR_RATE:-0.01}             # share of cell calls answered 500 (Ripple retries transient failures)
BAKE=${BAKE:-15s}                          # every ring's bake
CHECK_EVERY=${CHECK_EVERY:-5s}             # ripple.rollouts.check-every
DB=${DB:-postgresql}                       # postgresql or h2 (a file database in the work dir)
RIPPLE_XMX=${RIPPLE_XMX:-512m}
SANDBOX_XMX=${SANDBOX_XMX:-1g}
QUERY_CLIENTS=${QUERY_CLIENTS:-4}          # wrk connections reading one flag each (the query API)
FOLLOWERS=${FOLLOWERS:-2}                  # clients reading whole rollout documents, one connection each
THINK_MS=${THINK_MS:-50}                   # each client's pause after an answer: a steady rate, not saturation
POLL=${POLL:-1}                            # seconds between two reads of the rollouts' states
DEADLINE=${DEADLINE:-1800}                 # seconds from the first POST for every rollout to end
SCRAPE_INTERVAL=${SCRAPE_INTERVAL:-1s}     # Prometheus scraping the sandbox
RIPPLE_ENV=${RIPPLE_ENV:-}                 # more VAR=value settings for Ripple, space-separated
RIPPLE_JVM_OPTS=${RIPPLE_JVM_OPTS:-}       # more JVM options for Ripple (a JFR recording, say), space-separated

# shellcheck source=src/bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init ripple-load-bench
require_tools java mvn python3 psql prometheus jcmd jstat wrk

extra=()
for kv in $RIPPLE_ENV; do extra+=(--ripple-env "$kv"); done
for opt in $RIPPLE_JVM_OPTS; do extra+=("--ripple-jvm-opt=$opt"); done
log "work dir $WORK; load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 src/bench/load-run.py --work "$WORK" --ring-sizes "$RING_SIZES" --quarantine "$QUARANTINE" \
    --rollouts "$ROLLOUTS" --flags "$FLAGS" --latency-ms "$LATENCY_MS" --error-rate "$ERROR_RATE" --bake "$BAKE" \
    --check-every "$CHECK_EVERY" --db "$DB" --ripple-xmx "$RIPPLE_XMX" --sandbox-xmx "$SANDBOX_XMX" \
    --clients "$QUERY_CLIENTS" --followers "$FOLLOWERS" --think-ms "$THINK_MS" --poll "$POLL" --deadline "$DEADLINE" \
    --scrape-interval "$SCRAPE_INTERVAL" "${extra[@]}"
