"""Several instances: N Ripple processes on one PostgreSQL database, each on its own port, no load balancer; every
API call goes to an instance picked at random.

1. Sharing: a round of rollouts (completed, immediate, pause/resume, promote, abort, rollback) with nobody killed.
   Checked as in the crash run, plus: every cell write names its instance (X-Ripple-Instance, logged by the
   sandbox), no cell is written for the same step by two instances, and a rollout's writes never come from two
   instances at overlapping times (one instance at a time; between steps a rollout may move to another instance).
2. Handovers: a gradual rollout whose cells answer slowly (an apply takes seconds); once an instance holds its lease
   in the middle of an apply (read from the database), that instance is killed with SIGKILL. Measured: from the kill
   to the next step by another instance (the first timeline event after the kill: every event of a step carries the
   time the step began), and to the lease changing hands in the database. The killed instance is started again."""
import time

import checks
import crash
import lib
from fleet import ALL_CELLS, LEASE, RINGS

SHARING = ["complete", "immediate", "pause-resume", "promote", "abort", "rollback-op"]
SHARING_LONG = SHARING + ["complete", "immediate", "complete"]
HANDOVER_LATENCY_MS = 1500


def flags_for(handovers, long=True):
    kinds = (SHARING_LONG if long else SHARING) + ["complete"] * handovers
    flags = [f"flag_{n:04d}" for n in range(len(kinds))]
    long_bake = {f for f, k in zip(flags, kinds) if k == "promote"}
    return flags, long_bake


class InstancesRun(crash.CrashRun):
    def __init__(self, world, rng, n, handovers):
        super().__init__(world, rng, 0, True)
        self.instances = [lib.Ripple(chr(ord("a") + i), world.app, world.work, world.ripple_env()) for i in range(n)]
        self.handovers_wanted = handovers
        self.kinds = SHARING_LONG if n > 2 or handovers > 1 else SHARING
        self.flags, _ = flags_for(handovers, long=self.kinds is SHARING_LONG)
        self.handovers = []
        self.problems = []

    # ---- any instance answers -------------------------------------------------------------------------------

    def live(self):
        return [r for r in self.instances if r.alive() and r.ready]

    def base(self):
        return self.rng.choice(self.live()).url

    def call(self, method, path, body=None, timeout=10):
        last = None
        for _ in range(3):
            try:
                return self.world.api.call(self.base(), method, path, body, timeout=timeout)
            except lib.HttpError as e:
                last = e
        raise last

    def up(self):
        return bool(self.live())

    def ensure_up(self):
        pass

    def may_kill(self):
        return False

    def alive_at(self, instance, t):
        pid = int(instance.split("@", 1)[0])
        for r in self.instances:
            for life in r.history:
                if life["pid"] == pid:
                    return life["started"] <= t and (life["killed"] is None or t < life["killed"])
        return False

    def owner_of(self, instance):
        pid = int(instance.split("@", 1)[0])
        return next((r for r in self.instances if r.alive() and r.proc.pid == pid), None)

    # ---- 1. sharing -----------------------------------------------------------------------------------------

    def sharing(self):
        scenarios = [crash.Scenario(i + 1, k, self.flags.pop(0), self.rng) for i, k in enumerate(self.kinds)]
        self.scenarios.extend(scenarios)
        lib.log(f"sharing: {len(scenarios)} rollouts over {len(self.instances)} instances, API calls to any of them")
        start_seq = self.last_call_seq()
        before = {cell: self.world.sandbox.gates_of(cell) for cell in ALL_CELLS}
        for s in scenarios:
            self.create(s, arm=False)
        if not self.drive("healthy", scenarios):
            self.problems.append("sharing: rollouts did not settle in time")
        self.verify(scenarios, before, start_seq)
        calls = [c for c in self.calls if c["seq"] > start_seq]
        for s in scenarios:
            s.runs = checks.check_one_at_a_time(s.verdict, calls, s.flag, set(ALL_CELLS))
            if not s.verdict.ok():
                lib.log(f"FAIL {s.label()}: " + "; ".join(s.verdict.problems))
        self.shared = sum(1 for s in scenarios if len({r["instance"] for r in s.runs}) > 1)

    # ---- 2. handovers ---------------------------------------------------------------------------------------

    def lease(self, rollout_id):
        row = lib.psql(f"select coalesce(lease_owner, ''), coalesce(extract(epoch from lease_until)::text, ''), phase, "
                       f"state from rollout where id = {rollout_id}", db=self.world.database)
        owner, until, phase, state = row.split("|")
        return owner or None, float(until) if until else None, phase, state

    def handover(self, number):
        """One handover; False when the apply ended before the kill could land in it (then it is tried again)."""
        self.world.sandbox.all_faults(latencyMs=HANDOVER_LATENCY_MS)
        s = crash.Scenario(len(self.scenarios) + 1, "complete", self.flags.pop(0), self.rng)
        s.up_to = 1
        s.change = {"type": "percentage-of-actors", "percentage": self.rng.choice([10, 20, 40, 60])}
        self.scenarios.append(s)
        start_seq = self.last_call_seq()
        before = {cell: self.world.sandbox.gates_of(cell) for cell in ALL_CELLS}
        self.create(s, arm=False)
        ring = self.rng.choice([0, 1])
        # Wait for an instance to hold the lease in the middle of the ring's apply (each cell call takes 1.5 s).
        deadline = time.time() + 120
        while True:
            if time.time() > deadline:
                raise lib.HarnessError(f"handover {number}: rollout {s.id} never reached the apply of ring {ring}")
            owner, until, phase, state = self.lease(s.id)
            if owner and phase == "APPLY" and state == "RUNNING" and self.ring_of(s) == ring:
                break
            time.sleep(0.05)
        time.sleep(self.rng.uniform(0.2, 1.2))
        owner, until, phase, state = self.lease(s.id)
        victim = self.owner_of(owner) if owner else None
        if victim is None or phase != "APPLY":
            lib.log(f"handover {number}: the apply ended before the kill; again")
            self.settle(s, before, start_seq)
            return False
        killed_at = victim.kill()
        killed_pid = victim.history[-1]["pid"]
        lib.log(f"handover {number}: killed {victim.name} (pid {killed_pid}) in the apply of ring {ring}; its lease "
                f"had {until - killed_at:.2f} s left")
        new_owner, taken_at = None, None
        deadline = time.time() + 60
        while time.time() < deadline:
            o, _, ph, st = self.lease(s.id)
            if o and o != owner:
                new_owner, taken_at = o, time.time()
                break
            if st != "RUNNING":
                break
            time.sleep(0.05)
        victim.start(wait=False)
        self.settle(s, before, start_seq)
        victim.wait_ready()
        events = self.timeline(s.id)
        after = [e for e in events if lib.instant(e["at"]) > killed_at]
        calls_after = [c for c in self.calls if c["seq"] > start_seq and c["receivedAtMillis"] / 1000 > killed_at]
        if not after:
            self.problems.append(f"handover {number}: no step after the kill")
            return True
        step_at = min(lib.instant(e["at"]) for e in after)
        record = {"n": number, "ring": ring, "rollout": s.id, "killed": owner, "new_owner": new_owner,
                  "lease_left_s": round(until - killed_at, 2), "handover_s": round(step_at - killed_at, 2),
                  "next_step": after[0]["type"],
                  "lease_taken_s": round(taken_at - killed_at, 2) if taken_at else None,
                  "first_cell_call_s": round(min(c["receivedAtMillis"] for c in calls_after) / 1000 - killed_at, 2)
                  if calls_after else None}
        if any(c["instance"].startswith(f"{killed_pid}@") for c in calls_after if c["instance"]):
            self.problems.append(f"handover {number}: a cell call from the killed instance after the kill")
        if new_owner is None:
            self.problems.append(f"handover {number}: the lease never changed hands")
        self.handovers.append(record)
        lib.log(f"handover {number}: next step ({record['next_step']}) {record['handover_s']:.2f} s after the kill; "
                f"lease taken after {record['lease_taken_s']} s; rollout "
                + ("ok" if s.verdict.ok() else "FAILED: " + "; ".join(s.verdict.problems)))
        return True

    def ring_of(self, s):
        status, page = self.call("GET", f"/api/v1/rollouts?flag={s.flag}&limit=1")
        return page["items"][0]["ring"] if status == 200 and page["items"] else None

    def settle(self, s, before, start_seq):
        self.world.sandbox.all_faults(latencyMs=self.world.cell_latency_ms)
        if not self.drive("healthy", [s], timeout=180):
            self.problems.append(f"rollout {s.id} did not settle")
        self.verify([s], before, start_seq)

    def run(self):
        for r in self.instances:
            r.start(wait=False)
        for r in self.instances:
            r.wait_ready()
            lib.log(f"instance {r.name} up on {r.url} (pid {r.proc.pid})")
        self.sharing()
        n, tries = 0, 0
        while n < self.handovers_wanted and tries < self.handovers_wanted * 3:
            tries += 1
            if self.handover(n + 1):
                n += 1
        for r in self.instances:
            r.stop()
        return self.report()

    def report(self):
        by_instance = {}
        for c in self.calls:
            if c["method"] in ("POST", "DELETE") and c["instance"]:
                pid = int(c["instance"].split("@", 1)[0])
                name = next((r.name for r in self.instances for life in r.history if life["pid"] == pid), "?")
                by_instance[f"{name} (pid {pid})"] = by_instance.get(f"{name} (pid {pid})", 0) + 1
        return {
            "instances": len(self.instances),
            "lease": LEASE,
            "rollouts": len(self.scenarios),
            "rollouts_ok": sum(1 for s in self.scenarios if s.verdict and s.verdict.ok()),
            "writes_by_instance": by_instance,
            "shared_rollouts": getattr(self, "shared", 0),
            "handovers": self.handovers,
            "problems": self.problems,
            "scenarios": [{"n": s.n, "id": s.id, "kind": s.kind, "flag": s.flag, "change": s.change,
                           "state": getattr(s, "final_state", None), "ops": s.ops,
                           "problems": s.verdict.problems if s.verdict else ["not verified"],
                           "runs": [(r["instance"], r["n"]) for r in getattr(s, "runs", [])]}
                          for s in self.scenarios],
        }
