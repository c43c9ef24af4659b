# Shell functions shared by the benchmarks in src/bench (sourced, not run). Expects the caller to have set
# SANDBOX_PORT, RIPPLE_PORT, RIPPLE_XMX, SANDBOX_XMX and TOKEN, and to call bench_init first. RIPPLE_JVM_OPTS, when
# set, adds options to the Ripple JVM (a profiler: -XX:StartFlightRecording=...), SANDBOX_JVM_OPTS to the sandbox's. Calls to Ripple's API carry
# "Authorization: Bearer $RIPPLE_API_TOKEN" (see bench_init).
# shellcheck shell=bash

SANDBOX_PID=""
RIPPLE_PID=""
CP="target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*:target/quarkus-app/app/*:target/classes"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# bench_init NAME: cd to the repository root and make the work dir $WORK (/tmp/NAME.XXXXXX).
bench_init() {
    ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    cd "$ROOT"
    WORK=$(mktemp -d "/tmp/$1.XXXXXX")
    # The API token the benchmark calls Ripple with (seeded as a bootstrap token with the sre and admin roles);
    # a fresh random one per run, never written to a file.
    export RIPPLE_API_TOKEN=${RIPPLE_API_TOKEN:-bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
}

stop_pid() {
    local pid=$1
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

require_tools() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
    done
}

# Builds the jar when target/quarkus-app is missing or older than src/main or pom.xml.
# The benchmarks run Ripple on H2: (re)build when the jar is missing, older than the sources, or built for PostgreSQL
# (the database kind is fixed at build time; src/reliability builds the PostgreSQL jar into the same target/).
ensure_built() {
    if [[ ! -f target/quarkus-app/quarkus-run.jar || -n "$(find src/main pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]] \
        || python3 -c 'import sys; sys.path.insert(0, "src/reliability"); import lib; sys.exit(0 if lib.built_for_postgresql("target/quarkus-app") else 1)'; then
        log "building (mvn -q -B -o package -DskipTests)"
        RIPPLE_DB_KIND=h2 mvn -q -B -o package -DskipTests
    fi
}

check_ports_free() {
    for port in "$SANDBOX_PORT" "$RIPPLE_PORT"; do
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
            echo "port $port is already in use on 127.0.0.1; set SANDBOX_PORT / RIPPLE_PORT" >&2; exit 1
        fi
    done
}

wait_http() { # url timeout-seconds pid
    local url=$1 deadline=$((SECONDS + $2)) pid=$3
    until curl -sf -o /dev/null --max-time 2 "$url"; do
        kill -0 "$pid" 2>/dev/null || { echo "process $pid died; see $WORK" >&2; exit 1; }
        (( SECONDS < deadline )) || { echo "timed out waiting for $url" >&2; exit 1; }
        sleep 0.5
    done
}

# start_sandbox CELLS FLAGS LATENCY_MS: the standalone fleet c-1..c-CELLS in its own JVM; waits for its last cell.
start_sandbox() {
    local cells=$1 flags=$2 latency=$3
    # shellcheck disable=SC2086 # SANDBOX_JVM_OPTS is a list of options
    java -Xmx"$SANDBOX_XMX" ${SANDBOX_JVM_OPTS:-} -cp "$CP" dev.ripple.sandbox.SandboxServer --host 127.0.0.1 --port "$SANDBOX_PORT" \
        --cells "$cells" --prefix c- --token "$TOKEN" --latency-ms "$latency" --flags "$flags" \
        >"$WORK/sandbox.log" 2>&1 &
    SANDBOX_PID=$!
    local deadline=$((SECONDS + 180))
    until curl -sf -o /dev/null --max-time 5 -H "PRIVATE-TOKEN: $TOKEN" \
            "http://127.0.0.1:$SANDBOX_PORT/sandbox/cells/c-$cells/api/v4/features"; do
        kill -0 "$SANDBOX_PID" 2>/dev/null || { echo "sandbox died; see $WORK/sandbox.log" >&2; exit 1; }
        (( SECONDS < deadline )) || { echo "sandbox did not come up" >&2; exit 1; }
        sleep 0.5
    done
    log "sandbox fleet up (pid $SANDBOX_PID): $(cat "$WORK/sandbox.log")"
}

# start_ripple RINGS_DIR CONCURRENCY LOG_NAME [VAR=value ...]: Ripple from the packaged jar with nothing running in
# the background (no refresh on start, a 24 h refresh period, a 1 h rings watch), an in-memory H2 unless a
# RIPPLE_JDBC_URL=... argument says otherwise; the extra VAR=value arguments override any of these. CONCURRENCY
# "default" leaves ripple.cells.concurrency at Ripple's default.
start_ripple() {
    local rings=$1 concurrency=$2 name=$3
    shift 3
    local limit=()
    [[ $concurrency == default ]] || limit=(RIPPLE_CELLS_CONCURRENCY="$concurrency")
    env RIPPLE_RINGS_DIR="$rings" RIPPLE_RINGS_WATCH_EVERY=1h \
        RIPPLE_SANDBOX_ENABLED=false RIPPLE_SANDBOX_TOKEN="$TOKEN" \
        RIPPLE_BOOTSTRAP_TOKENS="bench:sre+admin:$RIPPLE_API_TOKEN" \
        RIPPLE_AUTH_RATE_LIMIT_PER_MINUTE=100000 RIPPLE_AUTH_RATE_LIMIT_BURST=10000 \
        RIPPLE_JDBC_URL="jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1" \
        "${limit[@]}" \
        RIPPLE_CACHE_REFRESH_ON_START=false RIPPLE_CACHE_REFRESH_EVERY=24h \
        QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$RIPPLE_PORT" \
        "$@" \
        java -Xmx"$RIPPLE_XMX" ${RIPPLE_JVM_OPTS:-} -jar target/quarkus-app/quarkus-run.jar >"$WORK/$name.log" 2>&1 &
    RIPPLE_PID=$!
    wait_http "http://127.0.0.1:$RIPPLE_PORT/q/health/ready" 120 "$RIPPLE_PID"
    log "Ripple up (pid $RIPPLE_PID, concurrency $concurrency)"
}

stop_ripple() { stop_pid "$RIPPLE_PID"; RIPPLE_PID=""; }

# The ripple.cells.concurrency Ripple uses when none is set (from application.properties).
default_concurrency() {
    sed -n 's/^ripple\.cells\.concurrency=\([0-9]*\)$/\1/p' src/main/resources/application.properties
}
