#!/usr/bin/env python3
"""Writes a rings/ tree for the benchmarks: CELLS cells c-1..c-N pointing at a standalone sandbox fleet.

Usage: gen-rings.py OUT_DIR CELLS BASE_URL [PREFIX] [--sizes N,N,...] [--flags NAME,NAME,...]

Without --sizes the cells are spread over rings -1..3 (1/1/8/60/30 %, the cache benchmark's fleet). With --sizes,
rings 0..k-1 get exactly those many cells (no quarantine ring), e.g. --sizes 100,200,300,400 for 1,000 cells.
--flags writes a definition to flags/NAME.yaml for each name, so rollouts of those flags are accepted."""
import argparse
import os

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out")
parser.add_argument("cells", type=int)
parser.add_argument("base")
parser.add_argument("prefix", nargs="?", default="c-")
parser.add_argument("--sizes", help="cells per ring for rings 0, 1, ..., comma-separated; must add up to CELLS")
parser.add_argument("--flags", default="", help="flag names to write definitions for, comma-separated")
args = parser.parse_args()
out, cells, base, prefix = args.out, args.cells, args.base.rstrip("/"), args.prefix

if args.sizes:
    sizes = [int(s) for s in args.sizes.split(",")]
    assert sum(sizes) == cells and all(s >= 1 for s in sizes), f"--sizes {sizes} must be >= 1 each and add up to {cells}"
    names = ["qa", "early-adopters", "general", "stable"]
    rings = [(i, names[i] if i < len(names) else f"ring-{i}") for i in range(len(sizes))]
    counts = sizes
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
    if ring_id == -1:
        lines += ["policy:", "  quarantine: true"]
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

flags = [f for f in args.flags.split(",") if f]
if flags:
    os.makedirs(os.path.join(out, "flags"), exist_ok=True)
for flag in flags:
    with open(os.path.join(out, "flags", f"{flag}.yaml"), "w") as f:
        f.write(f"name: {flag}\nowner: \"@bench\"\ntype: ops\ndescription: A sandbox flag the benchmarks roll out\n")

first = rings[0][0]
print(f"{next_cell - 1} cells in rings {first}..{rings[-1][0]} ({', '.join(map(str, counts))}) under {out}"
      + (f"; flag definitions: {', '.join(flags)}" if flags else ""))
