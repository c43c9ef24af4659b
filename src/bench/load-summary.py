#!/usr/bin/env python3
"""Summarises src/bench/load-run.py's result.json as a markdown table (docs/benchmarks.md's format).

Usage: load-summary.py RESULT_JSON"""
import json
import sys

r = json.load(open(sys.argv[1]))
k = r["knobs"]
sizes = k["ring_sizes"].split(",")
cells = sum(int(s) for s in sizes)
q = r["query"]
calls = r["cell_calls"]
cpu = r["cpu_s"]
threads = r["ripple_threads_cpu_s"]
gates = r["gates"]
dur = r["rollout_s"] or {}
db = r.get("db_rows")
m = r["machine"]


def ok(good):
    return "met" if good else "**missed**"


def endpoint(name, e):
    return (f"{e['requests']:,} requests, p50 {e['p50_ms']:.2f} ms, p99 **{e['p99_ms']:.2f} ms**, max {e['max_ms']:,.0f} ms "
            f"({e['over_10ms']:,} over 10 ms; worst 30 s window p99 {e['worst_30s_p99_ms']:.1f} ms; "
            f"{e['bytes_median']:,} B gzipped; non-200: {e['non_200']})")


def wrk(e):
    errors = sum(e["errors"].values())
    return (f"{e['requests']:,} requests ({e['rate_per_s']:,} a second, {e['connections']} connection"
            f"{'s' if e['connections'] > 1 else ''}), p50 {e['p50_ms']:.2f} ms, p90 {e['p90_ms']:.2f} ms, "
            f"p99 **{e['p99_ms']:.2f} ms**, p99.9 {e['p999_ms']:.1f} ms, max {e['max_ms']:,.0f} ms; "
            f"{e['bytes'] / max(1, e['requests']) / 1024:,.1f} KB per answer (gzip); errors {errors}")


qa = r["query_api"]
completed = r["states"].get("completed", 0)
rows = [
    ("rollouts: end states", ", ".join(f"{n} {s}" for s, n in sorted(r["states"].items())),
     f"all {k['rollouts']} completed", ok(completed == k["rollouts"] and not r["problems"])),
    ("wall time, first POST to the last terminal state", f"**{r['wall_s']:,.1f} s**", "", ""),
    ("per rollout, finishedAt - createdAt", f"min {dur.get('min', 0):,.1f} s, median {dur.get('median', 0):,.1f} s, "
                                            f"max {dur.get('max', 0):,.1f} s", "", ""),
    (f"POST /api/v1/rollouts ({k['rollouts']} at once), until created",
     f"{r['posts']['ms_min']:,.0f}-{r['posts']['ms_max']:,.0f} ms (median {r['posts']['ms_median']:,.0f}); "
     f"{r['posts'].get('database_busy_503', 0)} answers 503 database-busy, {r['posts'].get('posts_retried', 0)} "
     f"POSTs retried", "", ""),
    ("gates in the sandbox, every flag of every cell", f"{gates['checked']:,} checked, {gates['wrong']} wrong",
     "0 wrong", ok(gates["wrong"] == 0)),
    ("query API: GET /api/v1/flags/{flag} (wrk)", wrk(qa["flag"]), "p99 < 10 ms", ok(qa["flag"]["p99_ms"] < 10)),
    ("query API: GET /api/v1/cells/{id}/flags (wrk)", wrk(qa["cell"]), "p99 < 10 ms", ok(qa["cell"]["p99_ms"] < 10)),
    ("query API: GET /api/v1/flags (wrk)", wrk(qa["list"]), "p99 < 10 ms", ok(qa["list"]["p99_ms"] < 10)),
    ("following a rollout: GET /api/v1/rollouts/{id}, every cell and the timeline (Python clients)",
     endpoint("rollout", q["rollout"]) + f"; {k.get('followers', k['clients'])} clients, {k['think_ms']:.0f} ms think time, "
     f"{q['rate_per_s']} req/s, connection errors {q['error_count']}", "", ""),
    ("cell calls (sandbox_admin_requests_total)", f"**{calls['total']:,}**, {calls['per_s']:,.0f}/s over the run, "
                                                  f"peak {calls['peak_per_s'] or 0:,}/s (1 s irate)", "", ""),
    ("... answered with the injected 500", f"{calls['injected_500']:,} "
                                           f"({calls['injected_500'] / max(1, calls['total']) * 100:.2f} %); failed in "
                                           f"Ripple after its retries: {sum(calls['ripple_failed_after_retries'].values())}",
     "", ""),
    ("Ripple JVM CPU", f"**{cpu['ripple']:,.0f} s** ({r['ripple_cpu_cores']['mean']:.2f} cores on average, peak second "
                       f"{r['ripple_cpu_cores']['peak_1s']:.2f})", "", ""),
    ("... per thread group (s)", ", ".join(f"{g} {v:,.0f}" for g, v in threads.items()), "", ""),
    ("other processes' CPU (s)", f"sandbox {cpu.get('sandbox', 0):,.0f}, Prometheus {cpu.get('prometheus', 0):,.0f}, "
                                 f"PostgreSQL (all databases) {cpu.get('pg', 0):,.0f}", "", ""),
    ("Ripple heap", f"peak in use {r['heap_mb']['peak_used']:,.0f} MB (-Xmx{r['heap_mb']['xmx']}), "
                    f"after a full GC {r['heap_mb']['after_full_gc']:,.0f} MB", "", ""),
]
if db:
    rows.append(("rows in the rollout tables", ", ".join(f"{t} {n:,}" for t, n in db.items() if t != "size_mb")
                 + f" ({db['size_mb']:,.0f} MB with indexes)", "", ""))
rows.append(("load average before / after", f"{' '.join(r['loadavg_before'])} / {' '.join(r['loadavg_after'])}", "", ""))
out = [f"{k['rollouts']} gradual rollouts at once, {cells:,} cells in rings 0..{len(sizes) - 1} ({k['ring_sizes']}) + "
       f"{k['quarantine']} quarantined, {k['flags']} flags per cell, {k['latency_ms']} ms per cell call, error rate "
       f"{k['error_rate']}, bake {k['bake']}, checks every {k['check_every']}, {k['db']}, Ripple -Xmx{k['ripple_xmx']}; "
       f"{m['date']}, nproc {m['nproc']}, {m['cpu']}", "",
       "| measure | figure | target | |", "|---|---|---|---|"] + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
out += ["", "Load average during the run (every 15 s): " + "; ".join(" ".join(x) for x in r["loadavg_during"])]
slow = sorted(r["rollouts"], key=lambda d: -(d["seconds"] or 0))[:3]
out.append("Slowest rollouts: " + ", ".join(f"#{d['id']} {d['flag']} {d['seconds']} s ({d['checks']} check events, "
                                            f"{d['events']} events)" for d in slow))
print("\n".join(out))
