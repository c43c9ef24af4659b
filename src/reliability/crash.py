"""Crash recovery: one Ripple (the packaged jar, PostgreSQL) drives rounds of rollouts over the sandbox fleet and is
killed with SIGKILL at chosen moments (a cell write or read-back in flight, a bake, a rollback, right after an
operator action or a creation was sent, ...), then started again. Once every rollout of a round has settled, each is
checked: its state, every cell's gates read from the fleet, its timeline, its writes in the fleet's call log.

A round is a set of rollouts that may run together: "healthy" (no faults: completed, immediate, pause/resume,
promote, abort, rollback by an operator), "halt" (ring 1 reports errors past the halt threshold: one rollout is rolled
back by an operator, one resumed once the errors stop, one left halted), "auto" (ring 1 reports errors past the
rollback threshold: an automatic rollback, and an immediate rollout that ignores health)."""
import random
import threading
import time
import uuid

import checks
import lib
from fleet import ALL_CELLS, RINGS

# kind: mode, up-to ring, the state it must end in
KINDS = {
    "complete": ("gradual", 3, "completed"),
    "immediate": ("immediate", 3, "completed"),
    "pause-resume": ("gradual", 3, "completed"),
    "promote": ("gradual", 2, "completed"),
    "abort": ("gradual", 3, "aborted"),
    "rollback-op": ("gradual", 3, "rolled-back"),
    "auto-rollback": ("gradual", 2, "rolled-back"),
    "halt-rollback": ("gradual", 3, "rolled-back"),
    "halt-resume": ("gradual", 2, "completed"),
    "halt-left": ("gradual", 3, "halted"),
}
ROUNDS = {
    "healthy": ["complete", "immediate", "pause-resume", "promote", "abort", "rollback-op"],
    "halt": ["halt-rollback", "halt-resume", "halt-left"],
    "auto": ["auto-rollback", "immediate"],
}
QUOTA = {"healthy": 8, "halt": 6, "auto": 4}
# The mix of kill points aimed at (by group); what a kill really hit is recorded, whatever was aimed at.
WEIGHTS = {"apply": 0.18, "read-back": 0.15, "bake": 0.17, "rollback": 0.2, "operator": 0.2, "other": 0.1}
GROUP = {"apply": "apply", "read-back": "read-back", "bake": "bake", "rollback": "rollback", "operator": "operator",
         "snapshot": "other", "preflight": "other", "stopped": "other", "create": "other"}
# How long after seeing the phase to kill, seconds (cells answer after 250 ms: an apply is a write and a read-back).
DELAY = {"apply": (0.0, 0.3), "read-back": (0.0, 0.15), "bake": (0.0, 1.5), "rollback": (0.0, 1.0),
         "snapshot": (0.0, 0.25), "preflight": (0.0, 0.1), "stopped": (0.0, 1.0)}
ROUND_TIMEOUT = 300


def plan(kills, short):
    """The rounds of a run and the kills each may use: healthy/halt for the short run, then cycles of all three."""
    cycle = ["healthy", "halt"] if short else ["healthy", "halt", "auto"]
    rounds, total = [], 0
    while total < kills:
        kind = cycle[len(rounds) % len(cycle)]
        quota = min(QUOTA[kind], kills - total)
        rounds.append((kind, quota))
        total += quota
    return rounds


def flags_for(rounds):
    """One fresh flag per rollout (flag_0000, ... exist in every sandbox cell with varied gates); the promote
    scenario's flags get a long bake, so that promoting is what ends it."""
    flags, long_bake, n = [], set(), 0
    for kind, _ in rounds:
        for scenario in ROUNDS[kind]:
            flag = f"flag_{n:04d}"
            flags.append(flag)
            if scenario == "promote":
                long_bake.add(flag)
            n += 1
    return flags, long_bake


def pick_change(rng, up_to, n):
    choices = ["on", "off", "percentage-of-actors", "percentage-of-time"]
    if up_to == max(RINGS):
        choices.append("add-actors")
    kind = rng.choice(choices)
    if kind.startswith("percentage"):
        return {"type": kind, "percentage": rng.choice([5, 12.5, 30, 50, 75])}
    if kind == "add-actors":
        return {"type": kind, "actorKind": "user", "actors": [f"crash-test-{n}"]}
    return {"type": kind}


class Scenario:
    def __init__(self, n, kind, flag, rng):
        self.n = n
        self.kind = kind
        self.flag = flag
        self.mode, self.up_to, self.expect = KINDS[kind]
        self.change = pick_change(rng, self.up_to, n)
        self.key = f"reliability-{flag}-{uuid.uuid4().hex[:8]}"
        self.id = None
        self.ops = []
        self.summary = None
        self.pause_landed = None
        self.promoted = set()
        self.verdict = None

    def label(self):
        return f"#{self.id} {self.kind} ({self.flag}: {self.change['type']}, {self.mode} to ring {self.up_to})"

    def state(self):
        return self.summary["state"] if self.summary else None

    def settled(self):
        return self.state() in checks.TERMINAL or (self.expect == "halted" and self.state() == "halted")

    def op(self, name, status=("landed", "sent", "unknown")):
        return [o for o in self.ops if o["op"] == name and o["status"] in status]


class CrashRun:
    def __init__(self, world, rng, kills, short):
        self.world = world
        self.rng = rng
        self.rounds = plan(kills, short)
        self.target = sum(q for _, q in self.rounds)
        self.ripple = lib.Ripple("a", world.app, world.work, world.ripple_env())
        self.kills = []
        self.kill_lock = threading.Lock()
        self.next_kill_at = 0
        self.op_counter = 0
        self.scenarios = []
        self.restarts = []
        self.round_faults = {}
        self.kills_allowed = 0
        self.calls = []

    # ---- the API, tolerating a dead process -----------------------------------------------------------------

    def base(self):
        """The Ripple the next API call goes to."""
        return self.ripple.url

    def call(self, method, path, body=None, timeout=10):
        return self.world.api.call(self.base(), method, path, body, timeout=timeout)

    def timeline(self, rollout_id):
        return self.world.api.timeline(self.base(), rollout_id)

    def ensure_up(self):
        """After a kill: wait a moment, start a new process, resolve what the kill left unknown."""
        if self.ripple.alive():
            return
        down_at = self.ripple.history[-1]["killed"] or time.time()
        time.sleep(self.rng.uniform(0, 1.0))
        self.ripple.start(wait=False)
        ready_after = self.ripple.wait_ready()
        self.restarts.append({"down_s": round(time.time() - down_at, 2), "start_to_ready_s": round(ready_after, 2)})
        self.next_kill_at = time.time() + self.rng.uniform(0.3, 2.5)
        for s in self.scenarios:
            if s.id is None:
                continue
            unknown = [o for o in s.ops if o["status"] == "unknown"]
            if unknown:
                tokens = {(e["message"] or "").rsplit(": ", 1)[-1] for e in self.timeline(s.id)}
                for o in unknown:
                    o["status"] = "landed" if o["token"] in tokens else "lost"
                    if o["status"] == "landed" and o["op"] == "pause":
                        s.pause_landed = time.time()

    # ---- kills ----------------------------------------------------------------------------------------------

    def deficit(self, group):
        done = sum(1 for k in self.kills if GROUP[k["aimed"]] == group)
        return WEIGHTS[group] * self.target - done

    def may_kill(self):
        return (len(self.kills) < self.kills_allowed and time.time() >= self.next_kill_at and self.ripple.alive())

    def kill(self, aimed, scenario, note="", look_first=True, op=None):
        """SIGKILL now. Just before, the target rollout's state and phase as the API reports them (not when the kill
        races a request: then the request says where it hit)."""
        with self.kill_lock:
            if not self.ripple.alive():
                return
            seen = None
            if look_first and scenario.id is not None:
                try:
                    status, page = self.call("GET", f"/api/v1/rollouts?flag={scenario.flag}&limit=1", timeout=2)
                    if status == 200 and page["items"]:
                        seen = {k: page["items"][0][k] for k in ("state", "phase", "ring")}
                except lib.HttpError:
                    pass
            pid = self.ripple.proc.pid
            at = self.ripple.kill()
            self.kills.append({"n": len(self.kills) + 1, "at": at, "pid": pid, "aimed": aimed,
                               "scenario": scenario.n, "rollout": scenario.id, "kind": scenario.kind,
                               "seen": seen, "note": note, "op": op, "active": [s.n for s in self.scenarios
                                                                      if s.id is not None and not s.settled()]})
            lib.log(f"kill {len(self.kills)}/{self.target}: aimed at {aimed} of {scenario.label()}"
                    + (f", API said {seen['state']}/{seen['phase']} ring {seen['ring']}" if seen else "")
                    + (f" ({note})" if note else ""))

    def maybe_kill(self, active):
        if not self.may_kill():
            return
        available = {}
        for s in active:
            st = s.summary
            if not st or st["state"] in checks.TERMINAL:
                continue
            cat = {"rolling-back": "rollback", "halted": "stopped", "paused": "stopped"}.get(st["state"])
            if cat is None and st["state"] == "running":
                cat = st["phase"]
            if cat in DELAY:
                available.setdefault(cat, []).append(s)
            if cat == "apply":
                available.setdefault("read-back", []).append(s)
        if not available:
            return
        cat = max(available, key=lambda c: (self.deficit(GROUP[c]), self.rng.random()))
        wanted = [g for g in WEIGHTS if g != "operator" and self.deficit(g) > 0]
        if self.deficit(GROUP[cat]) <= 0 and wanted and self.rng.random() < 0.8:
            return  # wait for a moment that the mix still needs
        s = self.rng.choice(available[cat])
        if cat == "read-back" and not self.wait_for_writes(s):
            return
        time.sleep(self.rng.uniform(*DELAY[cat]))
        self.kill(cat, s)

    def wait_for_writes(self, s, timeout=1.5):
        """Until the fleet has just answered this process's writes of the flag, so its read-backs are in flight."""
        prefix = f"{self.ripple.proc.pid}@"
        deadline = time.time() + timeout
        while time.time() < deadline:
            recent = self.world.sandbox.calls(max(0, self.last_call_seq() - 200))
            now_ms = time.time() * 1000
            if any(c["flag"] == s.flag and c["method"] == "POST" and (c["instance"] or "").startswith(prefix)
                   and c["status"] != 0 and now_ms - c["endedAtMillis"] < 150 for c in recent):
                return True
            time.sleep(0.02)
        return False

    # ---- requests -------------------------------------------------------------------------------------------

    def create(self, s, arm):
        body = {"flag": s.flag, "change": s.change, "upToRing": s.up_to, "mode": s.mode, "requestedBy": "harness",
                "reason": f"reliability scenario {s.kind}", "idempotencyKey": s.key}
        while s.id is None:
            self.ensure_up()
            timer = None
            if arm:
                delay = self.rng.uniform(0, 0.06)
                timer = threading.Timer(delay, self.kill, args=("create", s, f"POST /rollouts sent {delay * 1000:.0f} ms"
                                                                            " before the kill"), kwargs={"look_first": False})
                timer.start()
                arm = False
            try:
                status, body_out = self.call("POST", "/api/v1/rollouts", body)
                if status not in (200, 201):
                    raise lib.HarnessError(f"creating {s.kind}: {status} {body_out}")
                s.id = body_out["id"]
                s.created_status = status
                s.created_at = time.time()
            except lib.HttpError:
                pass  # killed: the same idempotency key after the restart returns the rollout if it was created
            if timer:
                timer.join()
        lib.log(f"started {s.label()}")

    def send_op(self, s, op):
        if any(o["op"] == op and o["status"] == "unknown" for o in s.ops):
            return None  # resolved after the restart
        self.op_counter += 1
        record = {"op": op, "token": f"op-{self.op_counter}", "status": "sent", "sent": time.time()}
        s.ops.append(record)
        timer = None
        kills_here = sum(1 for k in self.kills if k["aimed"] == "operator" and k["scenario"] == s.n)
        if self.may_kill() and kills_here < 2 and (self.deficit("operator") > 0 or self.rng.random() < 0.25):
            delay = self.rng.uniform(0, 0.25)
            timer = threading.Timer(delay, self.kill, args=("operator", s, f"{op} sent {delay * 1000:.0f} ms before"
                                                                           " the kill"),
                                    kwargs={"look_first": False, "op": record})
            timer.start()
        try:
            status, out = self.call("POST", f"/api/v1/rollouts/{s.id}/{op}", {"by": "harness", "reason": record["token"]})
            record["answered"] = time.time()
            record["status"] = {200: "landed", 409: "refused"}.get(status, "error")
            if record["status"] == "error":
                raise lib.HarnessError(f"{op} on {s.label()}: {status} {out}")
        except lib.HttpError:
            record["status"] = "unknown"
        if timer:
            timer.join()
        if record["status"] == "landed":
            lib.log(f"{op} landed on {s.label()}")
            if op == "pause":
                s.pause_landed = time.time()
        return record["status"]

    # ---- what the world and the operators do ----------------------------------------------------------------

    def world_triggers(self, kind, scenarios):
        faults = self.round_faults
        if kind == "halt":
            if not faults.get("on") and any(s.state() == "running" and s.summary["ring"] is not None
                                            and s.summary["ring"] >= 1 for s in scenarios):
                self.world.ring_error_ratio(1, 0.1)
                faults["on"] = time.time()
                lib.log("ring 1 now reports an error ratio of 0.1 (halt 0.05, rollback 0.2)")
            if faults.get("on") and not faults.get("off") and not any(s.state() in ("running", "paused", "blocked")
                                                                      for s in scenarios):
                self.world.ring_error_ratio(1, 0.0)
                faults["off"] = time.time()
                lib.log("ring 1 healthy again")
        if kind == "auto":
            auto = next(s for s in scenarios if s.kind == "auto-rollback")
            if not faults.get("on") and auto.state() == "running" and (auto.summary["ring"] or 0) >= 1 \
                    and (auto.summary["phase"] == "bake" or auto.summary["ring"] >= 2):
                self.world.ring_error_ratio(1, 0.5)
                faults["on"] = time.time()
                lib.log("ring 1 now reports an error ratio of 0.5 (rollback 0.2)")
            if faults.get("on") and not faults.get("off") and auto.state() in checks.TERMINAL:
                self.world.ring_error_ratio(1, 0.0)
                faults["off"] = time.time()
                lib.log("ring 1 healthy again")

    def up(self):
        return self.ripple.alive()

    def triggers(self, s):
        st = s.summary
        if not st or s.settled() or not self.up():
            return
        state, phase, ring = st["state"], st["phase"], st["ring"]
        baking = state == "running" and phase == "bake"
        if s.kind == "pause-resume":
            if not s.op("pause") and baking:
                self.send_op(s, "pause")
            elif state == "paused" and s.pause_landed and time.time() - s.pause_landed >= 2 and not s.op("resume",
                                                                                                         ("sent", "unknown")):
                self.send_op(s, "resume")
        elif s.kind == "promote":
            if baking and ring not in s.promoted and self.send_op(s, "promote") == "landed":
                s.promoted.add(ring)
        elif s.kind == "abort":
            # From ring 1 on, in whatever phase the rollout is: a bake, or the middle of an apply.
            if state == "running" and ring is not None and ring >= 1 and not s.op("abort"):
                self.send_op(s, "abort")
        elif s.kind == "rollback-op":
            if state == "running" and ring is not None and ring >= 2 and not s.op("rollback"):
                self.send_op(s, "rollback")
        elif s.kind == "halt-rollback":
            if state == "halted" and not s.op("rollback"):
                self.send_op(s, "rollback")
        elif s.kind == "halt-resume":
            if state == "halted" and self.round_faults.get("off") and self.world.prometheus_sees(1, 0.0) \
                    and not s.op("resume", ("sent", "unknown")):
                self.send_op(s, "resume")

    # ---- a round --------------------------------------------------------------------------------------------

    def poll(self, scenarios):
        try:
            status, page = self.call("GET", "/api/v1/rollouts?limit=100", timeout=5)
        except lib.HttpError:
            return False
        if status != 200:
            raise lib.HarnessError(f"listing rollouts: {status} {page}")
        by_id = {item["id"]: item for item in page["items"]}
        for s in scenarios:
            if s.id in by_id:
                s.summary = by_id[s.id]
        return True

    def run_round(self, number, kind, quota, flags):
        self.kills_allowed = len(self.kills) + quota
        self.round_faults = {}
        scenarios = [Scenario(len(self.scenarios) + i + 1, k, flags.pop(0), self.rng) for i, k in
                     enumerate(ROUNDS[kind])]
        self.scenarios.extend(scenarios)
        lib.log(f"round {number} ({kind}): {', '.join(s.kind for s in scenarios)}; up to {quota} kills")
        start_seq = self.last_call_seq()
        before = {cell: self.world.sandbox.gates_of(cell) for cell in ALL_CELLS}
        arm_create = self.rng.randrange(len(scenarios)) if self.deficit("other") > 0 else -1
        for i, s in enumerate(scenarios):
            self.create(s, arm=(i == arm_create and self.may_kill()))
        self.drive(kind, scenarios)
        self.ensure_up()
        if self.round_faults.get("on") and not self.round_faults.get("off"):
            self.world.ring_error_ratio(1, 0.0)
        self.verify(scenarios, before, start_seq)
        # A rollout left halted is still watched; end it, so that a later round's faults cannot move it.
        for s in scenarios:
            if s.state() not in checks.TERMINAL and s.id is not None:
                self.call("POST", f"/api/v1/rollouts/{s.id}/abort", {"by": "harness", "reason": "end of round"})
        return scenarios

    def drive(self, kind, scenarios, timeout=ROUND_TIMEOUT):
        """Polls, lets the world and the operators act, and kills, until every scenario has settled."""
        deadline = time.time() + timeout
        while not all(s.settled() for s in scenarios):
            if time.time() > deadline:
                lib.log("timed out: " + "; ".join(f"{s.label()} is {s.state()}" for s in scenarios
                                                  if not s.settled()))
                return False
            self.ensure_up()
            if not self.poll(scenarios):
                continue
            self.world_triggers(kind, scenarios)
            # In a random order: an action armed with a kill must not keep the others from ever being sent.
            for s in self.rng.sample(scenarios, len(scenarios)):
                self.triggers(s)
            self.maybe_kill([s for s in scenarios if not s.settled()])
            time.sleep(0.1)
        return True

    def last_call_seq(self):
        status, body = lib.http("GET", f"{self.world.sandbox.url}/sandbox/calls?after={10 ** 15}&limit=1")
        return body["last"]

    def alive_at(self, instance, t):
        pid = int(instance.split("@", 1)[0])
        for life in self.ripple.history:
            if life["pid"] == pid:
                return life["started"] <= t and (life["killed"] is None or t < life["killed"])
        return False

    def verify(self, scenarios, before, start_seq):
        time.sleep(1.0)  # the last calls of a kill are logged when their connections close
        calls = self.world.sandbox.calls(start_seq)
        self.calls.extend(calls)
        self.calls.sort(key=lambda c: c["seq"])
        actual = {cell: self.world.sandbox.gates_of(cell) for cell in ALL_CELLS}
        for s in scenarios:
            v = checks.Verdict(s.label())
            s.verdict = v
            if s.id is None:
                v.fail("never created")
                continue
            status, view = self.call("GET", f"/api/v1/rollouts/{s.id}")
            events = self.timeline(s.id)
            s.final_state = view["state"]
            if view["state"] != s.expect:
                v.fail(f"ended {view['state']} ({view.get('stateReason')}), expected {s.expect}")
            expected = checks.expected_gates(view, events, {c: before[c].get(s.flag) for c in ALL_CELLS}, s.change,
                                             ALL_CELLS)
            checks.check_cells(v, expected, {c: actual[c].get(s.flag) for c in ALL_CELLS}, lib.describe)
            landed = [o["token"] for o in s.ops if o["status"] == "landed"]
            checks.check_timeline(v, view, events, landed, {o["token"] for o in s.ops})
            entries = self.world.api.audit(self.base(), kind="gate-change", flag=s.flag)
            s.audit_entries = checks.check_audit(v, s.id, events, entries, {c: before[c].get(s.flag) for c in ALL_CELLS},
                                                 s.change)
            plan_cells = {c["cell"] for r in view["rings"] for c in r["cells"]}
            s.writes = checks.check_writes(v, calls, s.flag, s.change, plan_cells, self.alive_at)
            s.events = len(events)
            s.timeline = [[e["id"], e["type"], e["ring"], e["cell"]] for e in events]
            lib.log(("ok   " if v.ok() else "FAIL ") + f"{s.label()}: {view['state']}, {len(events)} events"
                    + "".join(f"\n       {p}" for p in v.problems) + "".join(f"; {n}" for n in v.notes))

    # ---- after the run --------------------------------------------------------------------------------------

    def classify(self):
        """What each kill hit: the phase the API reported just before it (or the request it raced), refined by the
        cell calls the killed process had in flight (the fleet logs a call whose caller vanished as unanswered)."""
        by_n = {s.n: s for s in self.scenarios}
        for k in self.kills:
            s = by_n[k["scenario"]]
            t = k["at"] * 1000
            mine = [c for c in self.calls if (c["instance"] or "").startswith(f"{k['pid']}@")]
            in_flight = [c for c in mine if c["receivedAtMillis"] <= t and (c["status"] == 0 or c["endedAtMillis"] > t)]
            writes = [c for c in in_flight if c["flag"] == s.flag and c["method"] in ("POST", "DELETE")]
            plan_cells = {c for r, cells in RINGS.items() if r >= 0 for c in cells}
            reads = [c for c in in_flight if c["method"] == "GET" and c["cell"] in plan_cells]
            read_back = [c for c in reads if any(w["cell"] == c["cell"] and w["flag"] == s.flag and w["method"] != "GET"
                                                 and t - 10_000 <= w["endedAtMillis"] <= c["receivedAtMillis"] + 1
                                                 for w in mine)]
            seen = k["seen"] or {}
            state, phase = seen.get("state"), seen.get("phase")
            aimed = k["aimed"]
            if aimed == "operator":
                group = aimed
                op = k["op"]
                answered = op.get("answered")
                label = (f"operator: {op['op']} " + (f"answered {1000 * (k['at'] - answered):.0f} ms before the kill"
                                                     if answered and answered <= k["at"] else
                                                     "in flight at the kill, " + ("it had landed" if op["status"] == "landed"
                                                                                  else "it had not landed")))
            elif aimed == "create":
                group = aimed
                label = "create: POST /rollouts in flight at the kill, " + (
                    "the rollout had been created" if getattr(s, "created_status", None) == 200 and s.created_at > k["at"]
                    else "answered before the kill" if s.created_at <= k["at"] else "nothing had been created")
            elif state == "rolling-back":
                group = "rollback"
                label = ("rollback: restore write in flight" if writes else "rollback: read-back in flight"
                         if read_back else "rollback: read before restore in flight" if reads
                         else "rollback: between calls (saving, next step)")
            elif state == "running" and phase == "apply":
                group = "read-back" if read_back and not writes else "apply"
                label = ("apply: write in flight" if writes else "apply: read-back in flight" if read_back
                         else "apply: between calls (saving, next step)")
            elif state == "running" and phase == "bake":
                group, label = "bake", "bake: between checks or evaluating"
            elif state == "running" and phase == "snapshot":
                group, label = "other", "snapshot: read in flight" if reads else "snapshot"
            elif state == "running":
                group, label = "other", f"{phase}"
            elif state in ("halted", "paused"):
                group, label = "other", f"{state}: watched"
            elif state in checks.TERMINAL:
                group, label = "other", "the target had just ended; other rollouts in flight"
            else:
                group, label = "other", f"{state}/{phase}"
            k["group"], k["label"] = group, label
            k["in_flight"] = {"writes": len(writes), "reads": len(reads), "other_calls": len(in_flight) - len(writes)
                                                                                        - len(reads)}
            affected = [by_n[n] for n in k["active"] + [k["scenario"]]]
            k["survived"] = all(x.verdict is not None and x.verdict.ok() for x in affected)

    def run(self):
        flags, _ = flags_for(self.rounds)
        self.ripple.start()
        lib.log(f"Ripple up on {self.ripple.url} (pid {self.ripple.proc.pid}); {len(self.rounds)} rounds, "
                f"{self.target} kills planned")
        for i, (kind, quota) in enumerate(self.rounds, 1):
            self.run_round(i, kind, quota, flags)
        self.classify()
        self.ripple.stop()
        return self.report()

    def report(self):
        groups = ["apply", "read-back", "bake", "rollback", "operator", "create", "other"]
        by_group = {g: [k for k in self.kills if k["group"] == g] for g in groups}
        scenario_ok = sum(1 for s in self.scenarios if s.verdict and s.verdict.ok())
        return {
            "kills_tried": len(self.kills),
            "kills_survived": sum(1 for k in self.kills if k["survived"]),
            "by_group": {g: {"tried": len(ks), "survived": sum(1 for k in ks if k["survived"])}
                         for g, ks in by_group.items() if ks},
            "labels": sorted({k["label"] for k in self.kills}),
            "rollouts": len(self.scenarios),
            "rollouts_ok": scenario_ok,
            "restarts": self.restarts,
            "kills": self.kills,
            "scenarios": [{"n": s.n, "id": s.id, "kind": s.kind, "flag": s.flag, "change": s.change, "mode": s.mode,
                           "upTo": s.up_to, "expected": s.expect, "state": getattr(s, "final_state", None),
                           "ops": s.ops, "problems": s.verdict.problems if s.verdict else ["not verified"],
                           "notes": s.verdict.notes if s.verdict else [],
                           "writes": {f"{c} {k}": n for (c, k), n in getattr(s, "writes", {}).items()},
                           "timeline": getattr(s, "timeline", [])}
                          for s in self.scenarios],
        }
