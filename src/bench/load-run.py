#!/usr/bin/env python3
"""Many gradual rollouts at once over a large sandbox fleet with injected cell errors, for src/bench/load-bench.sh
(see docs/benchmarks.md). Every knob is an option; load-bench.sh passes its environment variables.

Sets up, with the reliability harness's helpers (src/reliability/lib.py): the standalone sandbox fleet (per-cell
latency, then a fleet-wide errorRate), a real Prometheus scraping it, a throwaway PostgreSQL database (or H2), a rings/
tree from gen-rings.py whose every ring bakes and runs one health check against that Prometheus, and Ripple from the
packaged jar. Then starts ROLLOUTS gradual rollouts of as many flags up to the outermost ring at once, polls until all
are terminal while a steady query load runs against the API, and checks and reports:

- wall time from the first POST to the last terminal state seen; per-rollout durations (finishedAt - createdAt);
- end states: anything but `completed`, or a rollout not terminal by the deadline, is a failure (exit status 1);
- every cell's gates for every flag, read from the sandbox (not Ripple) once the errors are switched off;
- Ripple JVM CPU (per thread group), heap (peak in use from jstat, and after a full GC), the sandbox's, Prometheus's
  and PostgreSQL's CPU; cell calls (sandbox_admin_requests_total: total, per second, peak second, injected 500s);
- the query API's p50/p99/max per endpoint (wrk), and a rollout's full document (Python clients); rows in the rollout tables; the load average before, during and after.
Exit status: 0 all good, 1 a check failed, 2 the run could not be set up.
"""
import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection, HTTPException
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "reliability"))
import checks  # noqa: E402
import harness  # noqa: E402
import jvmstat  # noqa: E402
import lib  # noqa: E402

TERMINAL = checks.TERMINAL
CHECK_QUERY = 'max(sandbox_app_error_ratio{cell=~"{{cells}}"})'
ROLLOUT_TABLES = ["rollout", "rollout_cell", "rollout_event", "desired_gate", "rollout_flag_lock"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", required=True)
    p.add_argument("--ring-sizes", default="50,150,300,500", help="cells of rings 0..3")
    p.add_argument("--quarantine", type=int, default=10, help="cells of the quarantine ring -1 (never touched)")
    p.add_argument("--rollouts", type=int, default=100)
    p.add_argument("--flags", type=int, default=100, help="flags per sandbox cell (at least --rollouts)")
    p.add_argument("--latency-ms", default="20-50", help="per cell call: N, or LOW-HIGH spread over the cells")
    p.add_argument("--error-rate", type=float, default=0.01, help="share of cell calls answered 500")
    p.add_argument("--bake", default="15s")
    p.add_argument("--check-every", default="5s")
    p.add_argument("--db", choices=["postgresql", "h2"], default="postgresql")
    p.add_argument("--ripple-xmx", default="512m")
    p.add_argument("--sandbox-xmx", default="1g")
    p.add_argument("--ripple-env", action="append", default=[], help="VAR=value for Ripple, repeatable")
    p.add_argument("--scrape-interval", default="1s")
    p.add_argument("--clients", type=int, default=4, help="wrk connections reading one flag each (the query API)")
    p.add_argument("--followers", type=int, default=2, help="clients reading whole rollout documents")
    p.add_argument("--ripple-jvm-opt", action="append", default=[], help="a JVM option for Ripple, repeatable")
    p.add_argument("--think-ms", type=float, default=50, help="each client's pause after an answer")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between two looks at the rollouts' states")
    p.add_argument("--deadline", type=float, default=1800, help="seconds after the first POST for all to end")
    p.add_argument("--seed", type=int, default=None)
    return p.parse_args()


def pct(values, q):
    """Nearest-rank percentile of a list (q in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))]


def loadavg():
    return open("/proc/loadavg").read().split()[:3]


def latency_of(spec, n):
    """Cell n's latency: a fixed value, or spread evenly (and reproducibly) over LOW..HIGH."""
    if "-" not in spec:
        return int(spec)
    low, high = (int(x) for x in spec.split("-"))
    return low + (n * 7919) % (high - low + 1)


def change_for(i):
    """Rollout i's change: the kinds a gradual rollout to the outermost ring takes, in turn."""
    kind = ["on", "off", "percentage-of-actors", "percentage-of-time", "add-actors"][i % 5]
    if kind == "percentage-of-actors":
        return {"type": kind, "percentage": 10 + i % 80}
    if kind == "percentage-of-time":
        return {"type": kind, "percentage": 5 + i % 50}
    if kind == "add-actors":
        return {"type": kind, "actorKind": "user", "actors": [f"load_{i}"]}
    return {"type": kind}


def admin_requests(sandbox):
    """sandbox_admin_requests_total summed by (method, code) over the fleet."""
    status, text = lib.http("GET", f"{sandbox.url}/sandbox/metrics", timeout=60)
    if status != 200:
        raise lib.HarnessError(f"sandbox metrics: {status}")
    out = {}
    for line in text.splitlines():
        if line.startswith("sandbox_admin_requests_total{"):
            labels, value = line.rsplit(" ", 1)
            method = labels.split('method="', 1)[1].split('"', 1)[0]
            code = labels.split('code="', 1)[1].split('"', 1)[0]
            out[(method, code)] = out.get((method, code), 0) + float(value)
    return out


def pg_cpu_ms():
    """CPU of every PostgreSQL server process (all databases: the server is shared)."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if open(f"/proc/{pid}/comm").read().strip() in ("postgres", "postmaster"):
                    total += jvmstat.cpu_ms(pid)
            except (OSError, ValueError, IndexError):
                pass
    return total


class Sampler(threading.Thread):
    """Every second: CPU of Ripple, the sandbox, Prometheus, PostgreSQL; the load average every 5 s."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.samples = []
        self.stop = threading.Event()

    def read(self):
        row = {"t": time.time(), "loadavg": loadavg(), "pg": pg_cpu_ms()}
        for name, pid in self.pids.items():
            try:
                row[name] = jvmstat.cpu_ms(pid)
            except OSError:
                row[name] = None
        return row

    def run(self):
        while not self.stop.wait(1.0):
            self.samples.append(self.read())


class WrkLoad:
    """The query API (the per-cell cache's views) under a steady load, measured by wrk (C, its own latency
    histogram): one wrk per endpoint, CONNECTIONS kept-alive connections each sending a GET of a random path of the
    list, then pausing THINK_MS. Gzip accepted, as a dashboard would. Stopped with SIGINT; wrk then writes what it
    measured (src/bench/query-load.lua)."""

    def __init__(self, base, token, work, name, paths, connections, think_ms):
        self.base, self.token, self.work, self.name = base, token, Path(work), name
        self.paths_file = self.work / f"wrk-{name}.paths"
        self.paths_file.write_text("\n".join(paths) + "\n")
        self.connections, self.think_ms = connections, think_ms
        self.proc = None
        self.out = None

    def start(self, label, seconds=86400):
        self.out = self.work / f"wrk-{self.name}-{label}.json"
        env = dict(os.environ, WRK_OUT=str(self.out))
        self.proc = subprocess.Popen(
            ["wrk", "-t1", f"-c{self.connections}", f"-d{int(seconds)}s", "--timeout", "60s",
             "-H", f"Authorization: Bearer {self.token}", "-H", "Accept-Encoding: gzip",
             "-s", str(HERE / "query-load.lua"), self.base, "--", str(self.paths_file), str(int(self.think_ms))],
            env=env, stdout=open(self.work / f"wrk-{self.name}-{label}.txt", "w"), stderr=subprocess.STDOUT)

    def finish(self, interrupt=True):
        """Stops wrk now (SIGINT), or with interrupt=False lets it run out its duration, and reads what it measured."""
        if interrupt and self.proc.poll() is None:
            self.proc.send_signal(2)
        self.proc.wait(None if not interrupt else 60)
        result = json.loads(self.out.read_text())
        seconds = result["duration_us"] / 1e6
        result["rate_per_s"] = round(result["requests"] / seconds, 1) if seconds else None
        result["connections"] = self.connections
        return result


class QueryLoad:
    """CLIENTS threads, each on its own kept-alive connection, following rollouts as a client would that wants every
    cell: GET /api/v1/rollouts/{id} of a random rollout created so far, then a pause of THINK_MS. Gzip accepted."""

    def __init__(self, base, token, clients, think_ms, rng):
        self.url = urllib.parse.urlsplit(base)
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
        self.ids = []
        self.clients = clients
        self.think = think_ms / 1000
        self.rng = rng
        self.samples = []  # (wall time, ms, status, bytes)
        self.errors = []
        self.stop = threading.Event()
        self.threads = []

    def connect(self):
        return HTTPConnection(self.url.hostname, self.url.port, timeout=60)

    def one(self, conn):
        path = f"/api/v1/rollouts/{self.rng.choice(self.ids)}"
        t0 = time.perf_counter()
        conn.request("GET", path, headers=self.headers)
        r = conn.getresponse()
        body = r.read()
        return (time.perf_counter() - t0) * 1000, r.status, len(body)

    def worker(self):
        conn = self.connect()
        while not self.stop.is_set():
            if not self.ids:
                self.stop.wait(self.think)
                continue
            try:
                ms, status, size = self.one(conn)
            except (OSError, HTTPException) as e:
                self.errors.append(f"rollout: {e.__class__.__name__}: {e}")
                conn.close()
                conn = self.connect()
                continue
            self.samples.append((time.time(), ms, status, size))
            self.stop.wait(self.think)
        conn.close()

    def start(self):
        self.stop.clear()
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.clients)]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(70)

    def report(self, t0, t1):
        rows = [s for s in self.samples if t0 <= s[0] <= t1]
        ms = [s[1] for s in rows]
        # The worst 30-second window's p99 (at least 50 requests in it).
        windows = {}
        for s in rows:
            windows.setdefault(int((s[0] - t0) // 30), []).append(s[1])
        worst = max(((pct(v, 99), k) for k, v in windows.items() if len(v) >= 50), default=(float("nan"), None))
        out = {"rollout": {
            "requests": len(rows), "non_200": sum(1 for s in rows if s[2] != 200),
            "p50_ms": round(pct(ms, 50), 2), "p90_ms": round(pct(ms, 90), 2), "p99_ms": round(pct(ms, 99), 2),
            "max_ms": round(max(ms), 1) if ms else None,
            "over_10ms": sum(1 for v in ms if v > 10),
            "bytes_median": int(statistics.median([s[3] for s in rows])) if rows else None,
            "worst_30s_p99_ms": round(worst[0], 2), "worst_30s_from_s": worst[1] * 30 if worst[1] is not None else None,
        }}
        seconds = t1 - t0
        out["rate_per_s"] = round(out["rollout"]["requests"] / seconds, 1) if seconds else None
        out["errors"] = self.errors[:20]
        out["error_count"] = len(self.errors)
        return out


class LoadRun:
    def __init__(self, args, work, rng):
        self.a = args
        self.work = work
        self.rng = rng
        self.sizes = [int(s) for s in args.ring_sizes.split(",")]
        self.cells = sum(self.sizes)
        self.total_cells = self.cells + args.quarantine
        self.all_cells = [f"c-{n}" for n in range(1, self.total_cells + 1)]
        self.quarantined = set(self.all_cells[:args.quarantine])
        self.flags = [f"flag_{i:04d}" for i in range(args.rollouts)]
        self.api_token = os.environ.get("RIPPLE_API_TOKEN") or secrets.token_hex(16)
        self.api = lib.Api(self.api_token)
        self.problems = []
        self.result = {}
        self.run_key = f"load-{secrets.token_hex(4)}"
        self.unfinished = {}  # flag -> the view of its rollout that did not complete

    # ---- set-up ---------------------------------------------------------------------------------------------

    def setup(self):
        a = self.a
        if a.flags < a.rollouts:
            raise lib.HarnessError(f"--flags {a.flags} must be at least --rollouts {a.rollouts}")
        app = lib.ensure_build(self.work, a.db)
        self.cell_token = secrets.token_hex(16)
        self.sandbox = lib.Sandbox(app, self.work, self.total_cells, a.flags, self.cell_token, xmx=a.sandbox_xmx,
                                   jvm_opts=())
        by_latency = {}
        for n, cell in enumerate(self.all_cells, 1):
            by_latency.setdefault(latency_of(a.latency_ms, n), []).append(cell)
        for latency, cells in by_latency.items():
            self.sandbox.faults(cells, latencyMs=latency)
        self.prometheus = lib.Prometheus(self.work, self.sandbox.port, scrape_interval=a.scrape_interval)
        rings = self.work / "rings"
        subprocess.run([sys.executable, str(HERE / "gen-rings.py"), str(rings), str(self.total_cells),
                        self.sandbox.url, "--sizes", a.ring_sizes, "--quarantine", str(a.quarantine),
                        "--flags", ",".join(self.flags), "--bake", a.bake, "--check-query", CHECK_QUERY],
                       check=True, stdout=subprocess.DEVNULL)
        env = {
            "RIPPLE_RINGS_DIR": str(rings), "RIPPLE_RINGS_WATCH_EVERY": "1h",
            "RIPPLE_SANDBOX_ENABLED": "false", "RIPPLE_SANDBOX_TOKEN": self.cell_token,
            "RIPPLE_HEALTH_PROMETHEUS_URL": self.prometheus.url,
            "RIPPLE_ROLLOUTS_CHECK_EVERY": a.check_every,
            "RIPPLE_BOOTSTRAP_TOKENS": f"bench:sre+admin:{self.api_token}",
            "RIPPLE_AUTH_RATE_LIMIT_PER_MINUTE": "100000", "RIPPLE_AUTH_RATE_LIMIT_BURST": "10000",
        }
        if a.db == "postgresql":
            self.database = lib.create_database("ripple_load")
            env.update(RIPPLE_DB_KIND="postgresql", RIPPLE_DB_USER=lib.PG_USER,
                       RIPPLE_JDBC_URL=f"jdbc:postgresql://{lib.PG_HOST}:{lib.PG_PORT}/{self.database}",
                       RIPPLE_DB_PASSWORD=os.environ.get("PGPASSWORD", ""))
        else:
            self.database = None
            env["RIPPLE_JDBC_URL"] = f"jdbc:h2:file:{self.work}/h2/ripple;DB_CLOSE_ON_EXIT=FALSE"
        env.update(kv.split("=", 1) for kv in a.ripple_env)
        self.ripple = lib.Ripple("load", app, self.work, env, xmx=a.ripple_xmx, jvm_opts=tuple(a.ripple_jvm_opt))
        self.ripple.start()
        self.pid = self.ripple.proc.pid
        lib.log(f"Ripple up on {self.ripple.url} (pid {self.pid}, {a.db}, -Xmx{a.ripple_xmx})")

    def read_fleet(self):
        """Every cell's gates, from the sandbox (no errors injected while this runs)."""
        with ThreadPoolExecutor(32) as pool:
            return dict(zip(self.all_cells, pool.map(self.sandbox.gates_of, self.all_cells)))

    def call(self, method, path, body=None, timeout=60):
        return self.api.call(self.ripple.url, method, path, body, timeout=timeout)

    # ---- the run --------------------------------------------------------------------------------------------

    def post_all(self):
        """Every rollout's POST from its own thread, released together."""
        gate = threading.Barrier(len(self.flags))
        posts = [None] * len(self.flags)

        def post(i):
            body = {"flag": self.flags[i], "change": change_for(i), "upToRing": len(self.sizes) - 1,
                    "mode": "gradual", "reason": "load benchmark", "idempotencyKey": f"{self.run_key}-{i}"}
            gate.wait()
            t0 = time.time()
            busy = 0
            while True:
                try:
                    status, answer = self.call("POST", "/api/v1/rollouts", body, timeout=120)
                except lib.HttpError as e:
                    status, answer = None, str(e)
                # Overload is answered 503 database-busy with Retry-After: a client comes back, as this one does.
                if status != 503 or busy >= 30:
                    break
                busy += 1
                time.sleep(answer.get("retryAfterSeconds", 1) if isinstance(answer, dict) else 1)
            posts[i] = {"flag": self.flags[i], "sent": t0, "ms": round((time.time() - t0) * 1000, 1),
                        "status": status, "busy": busy, "id": answer.get("id") if isinstance(answer, dict) else None,
                        "answer": None if status in (200, 201) else answer}

        threads = [threading.Thread(target=post, args=(i,)) for i in range(len(self.flags))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return posts

    def states(self):
        items, before = [], None
        while True:
            status, page = self.call("GET", "/api/v1/rollouts?limit=500" + (f"&before={before}" if before else ""))
            if status != 200:
                raise lib.HarnessError(f"GET /api/v1/rollouts: {status} {page}")
            items += page["items"]
            before = page["nextBefore"]
            if not before:
                return {i["id"]: i for i in items}

    def run(self):
        a = self.a
        res = self.result
        res["machine"] = harness.machine()
        self.setup()
        before = self.read_fleet()
        t0 = time.time()
        status, refresh = self.call("POST", "/api/v1/cache/refresh", timeout=600)
        lib.log(f"cache warmed: {refresh} in {time.time() - t0:.1f}s")
        res["cache_refresh"] = refresh
        query = QueryLoad(self.ripple.url, self.api_token, a.followers, a.think_ms, self.rng)
        wrks = [WrkLoad(self.ripple.url, self.api_token, self.work, "flag",
                        [f"/api/v1/flags/{f}" for f in self.flags], a.clients, a.think_ms),
                WrkLoad(self.ripple.url, self.api_token, self.work, "cell",
                        [f"/api/v1/cells/c-{i}/flags" for i in range(1, self.total_cells + 1)], 1, a.think_ms),
                WrkLoad(self.ripple.url, self.api_token, self.work, "list", ["/api/v1/flags"], 1, a.think_ms)]
        for w in wrks:  # warms the query path up: 5 s, not measured
            w.start("warmup", seconds=5)
        res["query_warmup"] = {w.name: w.finish(interrupt=False) for w in wrks}
        self.sandbox.all_faults(errorRate=a.error_rate)
        admin0 = admin_requests(self.sandbox)
        pids = {"ripple": self.pid, "sandbox": self.sandbox.proc.pid, "prometheus": self.prometheus.proc.pid}
        sampler = Sampler(pids)
        start = sampler.read()
        threads0 = jvmstat.thread_cpu_ms(self.pid)
        jstat = jvmstat.start_jstat(self.pid, self.work / "jstat.txt")
        sampler.start()
        for w in wrks:
            w.start("run")
        query.start()
        res["loadavg_before"] = start["loadavg"]
        lib.log(f"load average before: {' '.join(start['loadavg'])}; starting {len(self.flags)} rollouts at once")

        posts = self.post_all()
        first_post = min(p["sent"] for p in posts)
        bad = [p for p in posts if p["status"] not in (200, 201)]
        for p in bad:
            self.problems.append(f"POST for {p['flag']} answered {p['status']}: {p['answer']}")
        ids = {p["id"]: p["flag"] for p in posts if p["id"] is not None}
        query.ids = list(ids)
        lib.log(f"{len(ids)} rollouts created; POSTs took {min(p['ms'] for p in posts):.0f}-"
                f"{max(p['ms'] for p in posts):.0f} ms")

        seen_terminal, progress = {}, []
        last = {}
        while True:
            now = time.time()
            last = {i: s for i, s in self.states().items() if i in ids}
            for i, s in last.items():
                # Halted waits for a human: settled, and a failure of the run, so no reason to wait for it.
                if (s["state"] in TERMINAL or s["state"] == "halted") and i not in seen_terminal:
                    seen_terminal[i] = now
            counts = {}
            for s in last.values():
                key = s["state"] if s["state"] in TERMINAL else f"{s['state']}/{s['phase']}/ring {s['ring']}"
                counts[key] = counts.get(key, 0) + 1
            progress.append({"t": round(now - first_post, 1), "states": counts})
            if len(progress) % 15 == 1:
                lib.log(f"+{now - first_post:.0f}s: {len(seen_terminal)} of {len(ids)} ended; load "
                        f"{' '.join(loadavg())}; " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
            if len(seen_terminal) == len(ids) or now - first_post > a.deadline:
                break
            time.sleep(a.poll)
        end = max(seen_terminal.values()) if len(seen_terminal) == len(ids) else time.time()
        query.finish()
        query_api = {w.name: w.finish() for w in wrks}
        sampler.stop.set()
        sampler.join()
        stop = sampler.read()
        threads1 = jvmstat.thread_cpu_ms(self.pid)
        admin1 = admin_requests(self.sandbox)
        jstat.terminate()
        jstat.wait(10)
        res["loadavg_after"] = stop["loadavg"]
        lib.log(f"all ended after {end - first_post:.1f}s; load average {' '.join(stop['loadavg'])}")

        # ---- what happened ------------------------------------------------------------------------------------
        wall = end - first_post
        res["wall_s"] = round(wall, 1)
        res["posts"] = {"ms_min": min(p["ms"] for p in posts), "ms_median": statistics.median(p["ms"] for p in posts),
                        "ms_max": max(p["ms"] for p in posts), "refused": len(bad),
                        "database_busy_503": sum(p["busy"] for p in posts),
                        "posts_retried": sum(1 for p in posts if p["busy"])}
        res["query"] = query.report(first_post, end)
        res["query_api"] = query_api
        res["progress"] = progress
        res["loadavg_during"] = [s["loadavg"] for s in sampler.samples[::15]]
        cpu = {k: round((stop[k] - start[k]) / 1000, 1) for k in ("ripple", "sandbox", "prometheus", "pg")
               if stop.get(k) is not None and start.get(k) is not None}
        res["cpu_s"] = cpu
        res["ripple_threads_cpu_s"] = {k: round(v / 1000, 1) for k, v in jvmstat.thread_delta(threads0, threads1).items()}
        per_second = [(b["ripple"] - x["ripple"]) / 1000 / (b["t"] - x["t"]) for x, b in
                      zip(sampler.samples, sampler.samples[1:]) if b.get("ripple") and x.get("ripple")]
        res["ripple_cpu_cores"] = {"mean": round(cpu["ripple"] / wall, 2),
                                   "peak_1s": round(max(per_second), 2) if per_second else None}
        res["heap_mb"] = {"peak_used": round(jvmstat.jstat_peak_mb(self.work / "jstat.txt"), 1),
                          "after_full_gc": round(jvmstat.heap_after_gc_mb(self.pid, f"{self.ripple.url}/q/metrics"), 1),
                          "xmx": a.ripple_xmx}
        res["jstat_last"] = open(self.work / "jstat.txt").read().strip().splitlines()[-1]
        res["cell_calls"] = self.cell_calls(admin0, admin1, first_post, end)
        durations, details = self.rollouts(ids)
        res["rollout_s"] = {"min": min(durations), "median": round(statistics.median(durations), 1),
                            "max": max(durations)} if durations else None
        res["rollouts"] = details
        res["states"] = {}
        for d in details:
            res["states"][d["state"]] = res["states"].get(d["state"], 0) + 1
            if d["state"] != "completed":
                self.problems.append(f"rollout {d['id']} ({d['flag']}) is {d['state']}: {d['reason']}")
        if len(seen_terminal) < len(ids):
            for i, s in last.items():
                if i not in seen_terminal:
                    self.problems.append(f"rollout {i} ({s['flag']}) not terminal after {a.deadline:.0f}s: "
                                         f"{s['state']}/{s['phase']} ring {s['ring']}: {s.get('reason')}")
        res["db_rows"] = self.db_rows()
        # ---- every cell's gates, from the sandbox ---------------------------------------------------------
        self.sandbox.all_faults(errorRate=0, latencyMs=0)
        after = self.read_fleet()
        res["gates"] = self.check_gates(before, after, ids)
        res["problems"] = self.problems
        return res

    def cell_calls(self, admin0, admin1, t0, t1):
        delta = {k: admin1.get(k, 0) - admin0.get(k, 0) for k in admin1}
        total = sum(delta.values())
        by_method = {}
        for (method, code), n in delta.items():
            by_method.setdefault(method, {}).setdefault(code, 0)
            by_method[method][code] += int(n)
        peak = None
        status, body = lib.http("GET", f"{self.prometheus.url}/api/v1/query_range?" + urllib.parse.urlencode(
            {"query": "sum(irate(sandbox_admin_requests_total[5s]))", "start": t0, "end": t1, "step": "1"}),
                                timeout=60)
        if status == 200 and body["data"]["result"]:
            peak = round(max(float(v) for _, v in body["data"]["result"][0]["values"]))
        status, metrics = self.call("GET", "/q/metrics")
        ripple_errors = {}
        for line in (metrics or "").splitlines():
            if line.startswith("ripple_cell_call_errors_total{"):
                kind = line.split('kind="', 1)[1].split('"', 1)[0]
                ripple_errors[kind] = ripple_errors.get(kind, 0) + int(float(line.rsplit(" ", 1)[1]))
        return {"total": int(total), "per_s": round(total / (t1 - t0), 1), "peak_per_s": peak,
                "injected_500": int(sum(n for (m, c), n in delta.items() if c == "500")),
                "by_method_code": by_method,
                "ripple_failed_after_retries": ripple_errors}

    def rollouts(self, ids):
        durations, details = [], []
        for rid, flag in sorted(ids.items()):
            status, view = self.call("GET", f"/api/v1/rollouts/{rid}", timeout=120)
            if status != 200:
                self.problems.append(f"GET /api/v1/rollouts/{rid}: {status}")
                continue
            created, finished = lib.instant(view["createdAt"]), view.get("finishedAt")
            seconds = round(lib.instant(finished) - created, 1) if finished else None
            if seconds is not None:
                durations.append(seconds)
            cells = [c for r in view["rings"] for c in r["cells"]]
            events = view.get("timeline", [])
            if view["state"] != "completed":
                self.unfinished[flag] = view
            details.append({"id": rid, "flag": flag, "state": view["state"], "reason": view.get("stateReason"),
                            "seconds": seconds, "cells": len(cells),
                            "checks": sum(1 for e in events if e["type"] == "check"),
                            "events": len(events)})
        return durations, details

    def db_rows(self):
        if not self.database:
            return None
        out = {}
        for table in ROLLOUT_TABLES:
            out[table] = int(lib.psql(f"SELECT count(*) FROM {table}", db=self.database))
        out["size_mb"] = round(int(lib.psql("SELECT sum(pg_total_relation_size(quote_ident(t))) FROM unnest(ARRAY["
                                            + ",".join(f"'{t}'" for t in ROLLOUT_TABLES) + "]) t",
                                            db=self.database)) / 1048576, 1)
        return out

    def check_gates(self, before, after, ids):
        """Every flag of every cell: a rolled-out flag holds its change in rings 0..N and is as before in the
        quarantine ring; every other flag is as before. A rollout that stopped (halted) is held to what its state
        allows, as the reliability harness does (checks.expected_gates): rings done changed, rings after as before."""
        change_of = {self.flags[i]: change_for(i) for i in range(len(self.flags))}
        rolled = set(ids.values())
        allowed = {flag: checks.expected_gates(view, view.get("timeline", []),
                                               {c: before[c].get(flag) for c in self.all_cells}, change_of[flag],
                                               self.all_cells)
                   for flag, view in self.unfinished.items()}
        wrong = []
        checked = 0
        for cell in self.all_cells:
            flags = set(before[cell]) | set(after[cell])
            for flag in flags:
                b = before[cell].get(flag)
                if flag in allowed:
                    wants = allowed[flag][cell][0]
                elif cell in self.quarantined or flag not in rolled:
                    wants = {b}
                else:
                    wants = {checks.apply_change(change_of[flag], b)}
                checked += 1
                if after[cell].get(flag) not in wants:
                    wrong.append(f"{cell} {flag}: {lib.describe(after[cell].get(flag))}, expected "
                                 + " or ".join(lib.describe(w) for w in wants))
        for w in wrong[:20]:
            self.problems.append("wrong gate: " + w)
        return {"checked": checked, "wrong": len(wrong), "cells": len(self.all_cells)}


def main():
    args = parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lib.install_signal_handlers()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10 ** 6)
    run = LoadRun(args, work, random.Random(seed))
    code = 0
    try:
        result = run.run()
        result["seed"] = seed
        result["knobs"] = vars(args)
        code = 1 if run.problems else 0
    except lib.HarnessError as e:
        lib.log(f"the run could not go on: {e}")
        result = {"error": str(e)}
        code = 2
    except Exception:
        traceback.print_exc()
        result = dict(run.result, error=traceback.format_exc())
        code = 2
    finally:
        lib.cleanup()
    result["loadavg_end"] = loadavg()
    (work / "result.json").write_text(json.dumps(result, indent=1, default=str))
    if "wall_s" in result:
        summary = subprocess.run([sys.executable, str(HERE / "load-summary.py"), str(work / "result.json")],
                                 capture_output=True, text=True)
        (work / "summary.md").write_text(summary.stdout)
        print(summary.stdout + summary.stderr)
    for p in run.problems:
        print(f"FAILED {p}")
    print("RESULT: " + ("all checks passed" if code == 0 else "FAILED" if code == 1 else "could not run")
          + f"; results and logs in {work}")
    return code


if __name__ == "__main__":
    sys.exit(main())
