#!/usr/bin/env python3
"""Ripple's reliability harness: real processes, real PostgreSQL, real Prometheus, SIGKILL. See docs/reliability.md.

  src/reliability/harness.py crash [--kills 60] [--seed N]     crash recovery, one instance (long: 60 kill points)
  src/reliability/harness.py instances [--handovers 8] [--seed N]  3 instances on one database, handovers measured
  src/reliability/harness.py ci [--seed N]                      the short version of both, for .ci/run

Needs java, mvn (builds the PostgreSQL jar when target/quarkus-app is missing, stale or built for H2), psql and a
PostgreSQL at 127.0.0.1:5432 that lets user postgres create databases (PGPASSWORD is passed on), and the prometheus
binary. Every process it starts runs in its own process group and is killed on exit; the run's database is dropped.
Exit status: 0 when every check passed, 1 when one failed, 2 when the run could not be set up.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crash  # noqa: E402
import fleet  # noqa: E402
import instances  # noqa: E402
import lib  # noqa: E402


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "nproc": os.cpu_count(), "cpu": cpu,
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def print_crash(report):
    print(f"\n== crash recovery: {report['kills_survived']} of {report['kills_tried']} kill points survived; "
          f"{report['rollouts_ok']} of {report['rollouts']} rollouts passed every check ==")
    print(f"{'phase hit':<12} {'tried':>6} {'survived':>9}")
    for group, n in report["by_group"].items():
        print(f"{group:<12} {n['tried']:>6} {n['survived']:>9}")
    print("distinct kill points: " + "; ".join(report["labels"]))
    downs = [r["down_s"] for r in report["restarts"]]
    if downs:
        print(f"restarts: {len(downs)}, down {min(downs):.1f}-{max(downs):.1f} s (kill to ready)")
    for s in report["scenarios"]:
        if s["problems"]:
            print(f"FAILED rollout {s['id']} ({s['kind']}, {s['flag']}): " + "; ".join(s["problems"]))


def print_instances(report):
    print(f"\n== several instances: {report['instances']} instances, {report['rollouts_ok']} of {report['rollouts']} "
          f"rollouts passed every check ==")
    print("writes per instance: " + ", ".join(f"{k}: {v}" for k, v in report["writes_by_instance"].items()))
    print(f"rollouts whose writes came from more than one instance (between steps): {report['shared_rollouts']}")
    h = report["handovers"]
    if h:
        ms = sorted(x["handover_s"] for x in h)
        print(f"handovers: {len(ms)}; kill of the lease holder to the next step by another instance: "
              f"min {ms[0]:.2f} s, median {ms[len(ms) // 2]:.2f} s, max {ms[-1]:.2f} s "
              f"(lease {fleet.LEASE}, tick {fleet.TICK})")
    for s in report["scenarios"]:
        if s["problems"]:
            print(f"FAILED rollout {s['id']} ({s['kind']}, {s['flag']}): " + "; ".join(s["problems"]))
    for p in report["problems"]:
        print(f"FAILED {p}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["crash", "instances", "ci"])
    parser.add_argument("--seed", type=int, default=None, help="makes the scenario mix and the kill moments repeat")
    parser.add_argument("--kills", type=int, default=None, help="kill points (crash; default 60, ci 13)")
    parser.add_argument("--handovers", type=int, default=None, help="handovers measured (instances; default 8, ci 1)")
    parser.add_argument("--instances", type=int, default=None, help="Ripple instances (default 3, ci 2)")
    parser.add_argument("--rebuild", action="store_true", help="build the PostgreSQL jar even if it looks current")
    parser.add_argument("--work", help="where logs and results go (default: a new /tmp/ripple-reliability.*)")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10 ** 6)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="ripple-reliability."))
    work.mkdir(parents=True, exist_ok=True)
    lib.install_signal_handlers()
    lib.log(f"{args.mode}: seed {seed} (rerun with --seed {seed}); work dir {work}")
    rng = random.Random(seed)
    short = args.mode == "ci"
    result = {"mode": args.mode, "seed": seed, "machine": machine()}
    failed = False
    try:
        if args.mode in ("crash", "ci"):
            kills = args.kills or (13 if short else 60)
            rounds = crash.plan(kills, short)
            flags, long_bake = crash.flags_for(rounds)
            world = fleet.World(work / "crash", flags, long_bake, rebuild=args.rebuild)
            t0 = time.time()
            report = crash.CrashRun(world, rng, kills, short).run()
            report["seconds"] = round(time.time() - t0)
            result["crash"] = report
            print_crash(report)
            failed |= report["kills_survived"] != report["kills_tried"] or report["rollouts_ok"] != report["rollouts"]
            lib.cleanup()
        if args.mode in ("instances", "ci"):
            n = args.instances or (2 if short else 3)
            handovers = args.handovers if args.handovers is not None else (1 if short else 8)
            flags, long_bake = instances.flags_for(handovers)
            world = fleet.World(work / "instances", flags, long_bake, rebuild=False)
            t0 = time.time()
            report = instances.InstancesRun(world, rng, n, handovers).run()
            report["seconds"] = round(time.time() - t0)
            result["instances"] = report
            print_instances(report)
            failed |= bool(report["problems"]) or report["rollouts_ok"] != report["rollouts"]
    except lib.HarnessError as e:
        lib.log(f"the run could not go on: {e}")
        result["error"] = str(e)
        return 2
    except Exception:
        traceback.print_exc()
        result["error"] = traceback.format_exc()
        return 2
    finally:
        lib.cleanup()
        result["machine"]["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
        (work / "result.json").write_text(json.dumps(result, indent=1, default=str))
        lib.log(f"results and logs in {work} (result.json)")
    print("\nRESULT: " + ("FAILED" if failed else "all checks passed") + f" (seed {seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
