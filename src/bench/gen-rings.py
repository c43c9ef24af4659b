#!/usr/bin/env python3
"""Writes a rings/ tree for the benchmark: CELLS cells c-1..c-N spread over rings -1..3, pointing at a standalone
sandbox fleet. Usage: gen-rings.py OUT_DIR CELLS BASE_URL [PREFIX]"""
import os
import sys

out, cells, base = sys.argv[1], int(sys.argv[2]), sys.argv[3].rstrip("/")
prefix = sys.argv[4] if len(sys.argv) > 4 else "c-"
# Share of the fleet per ring: a few quarantined and QA cells, then early adopters, general, stable.
rings = [(-1, "quarantine", 0.01), (0, "qa", 0.01), (1, "early-adopters", 0.08), (2, "general", 0.60), (3, "stable", 0.30)]
counts = [max(1, int(cells * share)) for _, _, share in rings]
counts[3] += cells - sum(counts)  # the remainder goes to ring 2
assert all(c >= 1 for c in counts) or cells < len(rings), counts
os.makedirs(os.path.join(out, "topology"), exist_ok=True)
next_cell = 1
for (ring_id, name, _), count in zip(rings, counts):
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
print(f"{next_cell - 1} cells in rings -1..3 ({', '.join(map(str, counts))}) under {out}")
