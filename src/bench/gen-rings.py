#!/usr/bin/env python3
"""Writes a rings/ tree for the benchmarks: CELLS cells c-1..c-N pointing at a standalone sandbox fleet.

Usage: gen-rings.py OUT_DIR CELLS BASE_URL [PREFIX] [--sizes N,N,...] [--quarantine N] [--flags NAME,NAME,...]
                    [--bake DURATION] [--check-query PROMQL --halt X --rollback Y]

Without --sizes the cells are spread over rings -1..3 (1/1/8/60/30 %, the cache benchmark's fleet). With --sizes,
rings 0..k-1 get exactly those many cells, e.g. --sizes 100,200,300,400 for 1,000 cells, and --quarantine N puts N
more cells (the first ones, c-1..c-N) in a quarantine ring -1: CELLS counts them. --flags writes a definition to
flags/NAME.yaml for each name, so rollouts of those flags are accepted. --bake gives every ring a bake time, and
--check-query one health check (checks.yaml: `load-check`, unhealthy above the thresholds) for every ring."""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out")
parser.add_argument("cells", type=int)
parser.add_argument("base")
parser.add_argument("prefix", nargs="?", default="c-")
parser.add_argument("--sizes", help="cells per ring for rings 0, 1, ..., comma-separated; must add up to CELLS")
parser.add_argument("--quarantine", type=int, default=0, help="with --sizes: cells in a quarantine ring -1")
parser.add_argument("--flags", default="", help="flag names to write definitions for, comma-separated")
parser.add_argument("--bake", help="every ring's policy.bake, e.g. 15s")
parser.add_argument("--check-query", help="PromQL of a health check every ring runs ({{cells}}: the ring's cells)")
parser.add_argument("--halt", type=float, default=0.05, help="the check's halt threshold")
parser.add_argument("--rollback", type=float, default=0.2, help="the check's rollback threshold")
args = parser.parse_args()
out, cells, base, prefix = args.out, args.cells, args.base.rstrip("/"), args.prefix

if args.sizes:
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sum(sizes) + args.quarantine == cells and all(s >= 1 for s in sizes), \
        f"--sizes {sizes} must be >= 1 each and add up to {cells} with the {args.quarantine} quarantined cells"
    names = ["qa", "early-adopters", "general", "stable"]
    rings = [(i, names[i] if i < len(names) else f"ring-{i}") for i in range(len(sizes))]
    counts = sizes
    if args.quarantine:
        rings.insert(0, (-1, "quarantine"))
        counts = [args.quarantine] + sizes
else:
    # Share of the fleet per ring: a few quarantined and QA cells, then early adopters, general, stable.
    shares = [(-1, "quarantine", 0.01), (0, "qa", 0.01), (1, "early-adopters", 0.08), (2, "general", 0.60),
              (3, "stable", 0.30)]
    rings = [(ring_id, name) for ring_id, name, _ in shares]
    counts = [max(1, int(cells * share)) for _, _, share in shares]
    counts[3] += cells - sum(counts)  # the remainder goes to ring 2
    assert all(c >= 1 for c in counts) or cells < len(rings), counts

os.makedirs(os.path.join(out, "topology"), exist_ok=True)
next_cell = 1
for (ring_id, name), count in zip(rings, counts):
    lines = [f"id: {ring_id}", f"name: {name}"]
    policy = (["  quarantine: true"] if ring_id == -1 else []) + ([f"  bake: {args.bake}"] if args.bake else [])
    if args.check_query:
        policy += ["  checks:", "    - check: load-check", f"      halt: {args.halt}", f"      rollback: {args.rollback}"]
    if policy:
        lines += ["policy:"] + policy
    lines.append("cells:")
    for _ in range(count):
        if next_cell > cells:
            break
        cid = f"{prefix}{next_cell}"
        lines += [f"  - id: {cid}", "    adapter: gitlab", f"    url: {base}/sandbox/cells/{cid}",
                  "    credential: env:RIPPLE_SANDBOX_TOKEN", "    labels: {region: bench}"]
        next_cell += 1
    with open(os.path.join(out, "topology", f"ring-{ring_id}.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")

if args.check_query:
    with open(os.path.join(out, "checks.yaml"), "w") as f:
        f.write("checks:\n  load-check:\n    description: The benchmark's health check\n    unhealthy-when: above\n"
                f"    query: '{args.check_query}'\n")

flags = [f for f in args.flags.split(",") if f]
if flags:
    os.makedirs(os.path.join(out, "flags"), exist_ok=True)
for flag in flags:
    with open(os.path.join(out, "flags", f"{flag}.yaml"), "w") as f:
        f.write(f"name: {flag}\nowner: \"@bench\"\ntype: ops\ndescription: A sandbox flag the benchmarks roll out\n")

first = rings[0][0]
print(f"{next_cell - 1} cells in rings {first}..{rings[-1][0]} ({', '.join(map(str, counts))}) under {out}"
      + (f"; flag definitions: {', '.join(flags)}" if flags else ""))
