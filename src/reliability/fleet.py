"""The world a reliability run sets up: a rings/ tree aimed at the standalone sandbox fleet, the fleet itself,
Prometheus scraping it, a fresh PostgreSQL database, and the environment every Ripple of the run gets."""
import os
import secrets
from pathlib import Path

import lib

# Ring id -> cells. Ring -1 is the quarantine ring: no rollout of the run may touch it.
RINGS = {-1: ["c-1"], 0: ["c-2", "c-3"], 1: ["c-4", "c-5", "c-6"], 2: ["c-7", "c-8", "c-9"],
         3: ["c-10", "c-11", "c-12", "c-13"]}
RING_NAMES = {-1: "quarantine", 0: "qa", 1: "early-adopters", 2: "general", 3: "stable"}
ALL_CELLS = [c for ring in sorted(RINGS) for c in RINGS[ring]]
BAKE = "2s"
LONG_BAKE = "30s"
HALT = 0.05
ROLLBACK = 0.2
LEASE = "3s"
TICK = "1s"


def write_rings(out, flags, long_bake_flags, base_url):
    """rings/ with one check (the sandbox's per-cell error ratio gauge, halt 0.05, rollback 0.2), a 2 s bake per
    ring, and a definition for every flag the run rolls out (30 s bakes for the flags a scenario promotes)."""
    out = Path(out)
    (out / "topology").mkdir(parents=True)
    (out / "flags").mkdir()
    (out / "checks.yaml").write_text("""checks:
  error-ratio:
    description: Highest error ratio the ring's cells report (the sandbox's gauge)
    unhealthy-when: above
    query: max(sandbox_app_error_ratio{cell=~"{{cells}}"})
""")
    for ring, cells in RINGS.items():
        lines = [f"id: {ring}", f"name: {RING_NAMES[ring]}", "policy:"]
        if ring == -1:
            lines.append("  quarantine: true")
        lines += [f"  bake: {BAKE}", "  checks:", "    - check: error-ratio", f"      halt: {HALT}",
                  f"      rollback: {ROLLBACK}", "cells:"]
        for cell in cells:
            lines += [f"  - id: {cell}", "    adapter: gitlab", f"    url: {base_url}/sandbox/cells/{cell}",
                      "    credential: env:RIPPLE_SANDBOX_TOKEN"]
        (out / "topology" / f"ring-{'q' if ring < 0 else ring}.yaml").write_text("\n".join(lines) + "\n")
    for flag in flags:
        text = f'name: {flag}\nowner: "@reliability"\ntype: derisk\ndescription: A flag the reliability harness rolls out\n'
        if flag in long_bake_flags:
            text += f"rollout:\n  bake: {LONG_BAKE}\n"
        (out / "flags" / f"{flag}.yaml").write_text(text)


class World:
    """Everything a run needs, started in order; lib.cleanup() takes it all down."""

    def __init__(self, work, flags, long_bake_flags, rebuild=False, cell_latency_ms=250):
        self.work = Path(work)
        self.app = lib.ensure_postgresql_build(self.work, rebuild)
        self.cell_token = secrets.token_hex(16)
        self.api_token = secrets.token_hex(16)
        self.api = lib.Api(self.api_token)
        self.sandbox = lib.Sandbox(self.app, self.work, len(ALL_CELLS), len(flags) + 5, self.cell_token)
        self.sandbox.all_faults(latencyMs=cell_latency_ms)
        self.cell_latency_ms = cell_latency_ms
        self.prometheus = lib.Prometheus(self.work, self.sandbox.port)
        self.rings_dir = self.work / "rings"
        write_rings(self.rings_dir, flags, long_bake_flags, self.sandbox.url)
        self.database = lib.create_database("ripple_reliability")

    def ripple_env(self):
        """How every Ripple of the run is configured (environment variables, as in production)."""
        return {
            "RIPPLE_DB_KIND": "postgresql",
            "RIPPLE_JDBC_URL": f"jdbc:postgresql://{lib.PG_HOST}:{lib.PG_PORT}/{self.database}",
            "RIPPLE_DB_USER": lib.PG_USER,
            "RIPPLE_DB_PASSWORD": os.environ.get("PGPASSWORD", ""),
            "RIPPLE_RINGS_DIR": str(self.rings_dir),
            "RIPPLE_RINGS_WATCH_EVERY": "1h",
            "RIPPLE_SANDBOX_ENABLED": "false",
            "RIPPLE_SANDBOX_TOKEN": self.cell_token,
            "RIPPLE_HEALTH_PROMETHEUS_URL": self.prometheus.url,
            "RIPPLE_ROLLOUTS_TICK": TICK,
            "RIPPLE_ROLLOUTS_CHECK_EVERY": "1s",
            "RIPPLE_ROLLOUTS_LEASE": LEASE,
            "RIPPLE_ROLLOUTS_MAX_INCONCLUSIVE": "5",
            "RIPPLE_CACHE_REFRESH_ON_START": "false",
            "RIPPLE_CACHE_REFRESH_EVERY": "1h",
            "RIPPLE_CELLS_BREAKER_OPEN_FOR": "2s",
            "RIPPLE_BOOTSTRAP_TOKENS": f"harness:sre+admin:{self.api_token}",
        }

    def ring_error_ratio(self, ring, ratio):
        self.sandbox.faults(RINGS[ring], reportedErrorRatio=ratio)

    def prometheus_sees(self, ring, ratio):
        values = self.prometheus.query(f'max(sandbox_app_error_ratio{{cell=~"{"|".join(RINGS[ring])}"}})')
        return values is not None and len(values) == 1 and abs(values[0] - ratio) < 1e-9
