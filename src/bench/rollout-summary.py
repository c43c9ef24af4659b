#!/usr/bin/env python3
"""Summarises src/bench/rollout-bench.sh's results.jsonl as markdown tables.

Usage: rollout-summary.py RESULTS_JSONL OUT_MD CELLS LATENCY_MS RING_SIZES BASELINE_SIZES WARM_FROM"""
import json
import math
import statistics
import sys

results, out_path, cells, latency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sizes = [int(s) for s in sys.argv[5].split(",")]
bsizes = [int(s) for s in sys.argv[6].split(",")] if sys.argv[6] != "0" else []
warm_from = int(sys.argv[7])
rows = [json.loads(line) for line in open(results)]
limit = len(sizes) * 2 * latency  # every cell of a ring at once, rings one after another: write + read-back


def floor(conc, ring_sizes):
    """Ripple's own floor at a given fan-out: the snapshot (every cell read once) + per ring a write and a read-back.
    Ring k+1 is read while ring k is written: with a place for every cell only ring 0's read adds a round; with fewer
    places those reads take places the writes would have had, as if read before."""
    first = ring_sizes[0] if conc >= sum(ring_sizes) else sum(ring_sizes)
    snap = math.ceil(first / conc) * latency
    return snap, sum(math.ceil(n / conc) * 2 * latency for n in ring_sizes)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def step(r, label):
    return next((s["ms"] for s in r["steps"] if s["label"] == label), None)


configs = list(dict.fromkeys(r["config"] for r in rows))
main = [c for c in configs if not c.startswith("baseline")]
out = [f"Warm = runs {warm_from}..N of each configuration (a fresh Ripple each); run 1 is cold. "
       f"Physical limit: {len(sizes)} rings x (write + read-back) x {latency} ms = **{limit} ms**, "
       f"{limit + latency} ms with Ripple's snapshot read; target 1.5 x {limit} = {1.5 * limit:.0f} ms.", "",
       "| configuration | cold (run 1) | warm median | warm min-max | x limit | finishedAt - createdAt (warm median) "
       "| floor at this concurrency (snapshot + rings) |",
       "|---|---|---|---|---|---|---|"]
medians = {}
for c in main:
    rs = [r for r in rows if r["config"] == c]
    warm = [r for r in rs if r["run"] >= warm_from] or rs[1:] or rs
    m = med(r["wall_ms"] for r in warm)
    medians[c] = m
    snap, apply = floor(rs[0]["concurrency"], sizes)
    out.append(f"| concurrency {rs[0]['concurrency']}{' (default)' if rs[0].get('default') else ''}, "
               f"-Xmx{rs[0]['xmx']} | {rs[0]['wall_ms']:,.0f} ms | "
               f"**{m:,.0f} ms** | {min(r['wall_ms'] for r in warm):,.0f}-{max(r['wall_ms'] for r in warm):,.0f} ms | "
               + (f"{m / limit:.1f}x ({'met' if m <= 1.5 * limit else 'missed'}) | " if limit else "- | ")
               + f"{med(r['api_ms'] for r in warm):,.0f} ms | {snap + apply:,} ms ({snap} + {apply}) |")
for c in configs:
    if c.startswith("baseline"):
        b = [r for r in rows if r["config"] == c][0]
        n = sum(bsizes)
        snap, apply = floor(1, bsizes)
        per_cell = b["wall_ms"] / n
        out.append(f"| baseline: concurrency 1, {n:,} cells, -Xmx{b['xmx']} | {b['wall_ms']:,.0f} ms "
                   f"({per_cell:.1f} ms per cell{'' if n == cells else f', {per_cell * cells / 1000:,.1f} s for {cells:,} cells'}) "
                   f"| | | | {b['api_ms']:,.0f} ms | {snap + apply:,} ms ({snap:,} + {apply:,}) |")
        out.append("")
        out.append("Speed-up over the sequential baseline (warm medians): " + ", ".join(
            f"concurrency {c2.split('-')[0][1:]}, -Xmx{c2.split('-')[1]}: {per_cell * cells / m:.0f}x"
            for c2, m in medians.items()))
out += ["", "CPU per rollout, warm medians (ms; /proc/PID/task/*/stat, 10 ms resolution):", "",
        "| configuration | Ripple JVM | JIT | GC | event loops | cell answers | engine | API workers | other | sandbox JVM |",
        "|---|---|---|---|---|---|---|---|---|---|"]
for c in configs:
    rs = [r for r in rows if r["config"] == c]
    warm = [r for r in rs if r["run"] >= warm_from] or rs
    g = lambda k: med(r["cpu_threads_ms"].get(k, 0) for r in warm)
    out.append(f"| {c} | {med(r['cpu_ms'] for r in warm):,.0f} | {g('jit'):,.0f} | {g('gc'):,.0f} | "
               f"{g('event-loop'):,.0f} | {g('cell-answers'):,.0f} | {g('engine'):,.0f} | {g('http-workers'):,.0f} | {g('other'):,.0f} | "
               f"{med(r['sandbox_cpu_ms'] for r in warm):,.0f} |")
out += ["", "Where the time goes, warm medians (ms). Steps from the timeline; `fan-out` is the cell calls of a ring "
        "(ripple_rollout_ring_apply_seconds), the rest of a ring's step is loading and saving the rollout:", "",
        "| configuration | POST | to 1st step | snapshot | " + " | ".join(f"ring {i} (fan-out)" for i in range(len(sizes)))
        + " | steps minus fan-outs |", "|---|---|---|---|" + "---|" * len(sizes) + "---|"]
for c in configs:
    rs = [r for r in rows if r["config"] == c]
    warm = [r for r in rs if r["run"] >= warm_from] or rs
    rings = []
    for i in range(len(sizes)):
        rings.append(f"{med(step(r, f'apply ring {i}') for r in warm):,.0f} "
                     f"({med(r['ring_apply_ms'].get(str(i)) for r in warm):,.0f})")
    rest = med(sum((step(r, f"apply ring {i}") or 0) - r["ring_apply_ms"].get(str(i), 0) for i in range(len(sizes)))
               for r in warm)
    out.append(f"| {c} | {med(r['post_ms'] for r in warm):,.0f} | {med(step(r, 'create') for r in warm):,.0f} | "
               f"{med(step(r, 'snapshot') for r in warm):,.0f} | " + " | ".join(rings) + f" | {rest:,.0f} |")
out += ["", "Every run (wall ms, client-side):", ""]
for c in configs:
    rs = [r for r in rows if r["config"] == c]
    out.append(f"- {c}: " + ", ".join(f"{r['wall_ms']:,.0f}" for r in rs)
               + f" ({sum(r['polls'] for r in rs):,} polls in all; states: "
               + ", ".join(sorted({r['state'] for r in rs})) + ")")
text = "\n".join(out)
open(out_path, "w").write(text + "\n")
print(text)
