"""What the harness checks once a rollout has settled: its state, the gates every cell holds (read from the sandbox
fleet itself, not from Ripple), its timeline, and its writes in the sandbox's call log.

Gates are compared as lib.normalise() tuples: (enabled, % of actors, % of time, actors, groups); None is "absent".
"""
from collections import Counter, defaultdict

OFF = (False, None, None, (), ())
ON = (True, None, None, (), ())

TERMINAL = {"completed", "completed-with-failures", "rolled-back", "aborted"}
OPERATIONS = {"pause", "resume", "promote", "abort", "rollback", "retry"}
# What happened to cells: stored even when the step that saw it lost the race for the rollout's state (an operator
# acted meanwhile), so these may follow the event that ended the rollout.
FACTS = {"snapshot", "ring-apply", "cell-changed", "cell-failed", "ring-restore", "cell-restored", "restore-failed"}
ACTOR_PREFIX = {"user": "User", "project": "Project", "group": "Group", "namespace": "Namespace"}


def apply_change(change, before):
    """What a cell's gates become, GitLab's (and the sandbox's) rules: `on` and `off` replace every gate, a percentage
    on a fully-on flag first switches it off, actors are added to the set."""
    gates = before or OFF
    enabled, pa, pt, actors, groups = gates
    kind = change["type"]
    if kind == "on":
        return ON
    if kind == "off":
        return OFF
    if kind == "delete":
        return None
    if kind in ("percentage-of-actors", "percentage-of-time"):
        p = float(change["percentage"])
        if p == 100:
            return ON
        if p == 0:
            return OFF
        if enabled:
            enabled, pa, pt, actors, groups = OFF
        return (enabled, p, pt, actors, groups) if kind == "percentage-of-actors" else (enabled, pa, p, actors, groups)
    if kind == "add-actors":
        if change["actorKind"] == "feature_group":
            return (enabled, pa, pt, actors, tuple(sorted(set(groups) | set(change["actors"]))))
        prefix = ACTOR_PREFIX[change["actorKind"]]
        return (enabled, pa, pt, tuple(sorted(set(actors) | {f"{prefix}:{a}" for a in change["actors"]})), groups)
    raise ValueError(f"no model for change {kind}")


def change_params(change):
    """The POST params Ripple sends for the change (to tell its writes from a restore's)."""
    kind = change["type"]
    if kind == "on":
        return {"value": "true"}
    if kind == "off":
        return {"value": "false"}
    if kind.startswith("percentage-of-"):
        p = float(change["percentage"])
        return {"value": f"{p:g}", "key": "percentage_of_actors" if kind.endswith("actors") else "percentage_of_time"}
    if kind == "add-actors":
        # GitLab's parameter for each kind of actor is the API's actorKind (user, project, ..., feature_group).
        return {"value": "true", change["actorKind"]: ",".join(change["actors"])}
    return None


class Verdict:
    """The findings about one rollout: problems (each one line) and notes (figures that are not failures)."""

    def __init__(self, label):
        self.label = label
        self.problems = []
        self.notes = []

    def fail(self, message):
        self.problems.append(message)

    def ok(self):
        return not self.problems


def expected_gates(view, events, before, change, all_cells):
    """Per cell, the set of gates it may hold now, from where the rollout stopped:

    completed: every planned cell holds the change, every other cell is as it was; rolled-back: every cell as it was;
    halted or aborted: the rings before the current one hold the change, the current ring holds it if its bake had
    started, rings after it are as they were. A ring stopped in the middle of its apply (an abort or a pause landing
    while cells were being written) may hold either, but a cell Ripple reports `applied` must hold the change."""
    state = view["state"]
    plan = [(r["ring"], [c["cell"] for c in r["cells"]], {c["cell"]: c["status"] for c in r["cells"]})
            for r in view["rings"]]
    planned = {c for _, cells, _ in plan for c in cells}
    out = {}
    for cell in all_cells:
        b = before[cell]
        a = apply_change(change, b)
        if cell not in planned or state == "rolled-back":
            out[cell] = ({b}, "as before")
            continue
        if state in ("completed", "completed-with-failures"):
            out[cell] = ({a}, "changed")
            continue
    if state in ("completed", "completed-with-failures", "rolled-back"):
        return out
    current = view["ring"]
    order = [ring for ring, _, _ in plan]
    cur_idx = order.index(current) if current is not None else len(order)
    for idx, (ring, cells, status) in enumerate(plan):
        baked = any(e["type"] in ("bake-started", "ring-done") and e["ring"] == ring for e in events)
        applying = any(e["type"] == "ring-apply" and e["ring"] == ring for e in events)
        for cell in cells:
            b = before[cell]
            a = apply_change(change, b)
            if idx < cur_idx or (idx == cur_idx and baked):
                out[cell] = ({a}, "changed")
            elif idx > cur_idx or not applying and status[cell] in ("pending", "snapshotted"):
                out[cell] = ({b}, "as before")
            elif status[cell] == "applied":
                out[cell] = ({a}, "changed (reported applied)")
            else:
                # Written or not when the rollout stopped; a percentage on a fully-on flag passes through "off".
                out[cell] = ({a, b, OFF}, "stopped mid-apply: as before or changed")
    return out


def check_cells(verdict, expected, actual, describe):
    ambiguous = 0
    for cell, (allowed, why) in sorted(expected.items(), key=lambda kv: int(kv[0].split("-")[1])):
        if actual.get(cell) not in allowed:
            verdict.fail(f"cell {cell}: holds {describe(actual.get(cell))}, expected {why}: "
                         + " or ".join(describe(g) for g in allowed))
        if len(allowed) > 1:
            ambiguous += 1
    if ambiguous:
        verdict.notes.append(f"{ambiguous} cells stopped mid-apply (either value accepted)")


def check_timeline(verdict, view, events, landed_ops, sent_op_tokens):
    """The timeline (GET /api/v1/rollouts/{id}/timeline, every page) has no gap and no duplicate that matters:

    T1 event ids strictly increase; T2 one `created`, first; T3 a ring that has `cell-changed` events has exactly one
    `ring-apply`, before them, every cell-changed is for a cell of that ring and no cell has two; a ring that went on
    (`bake-started` or `ring-done`) has one cell-changed for every cell; T4 per ring at most one `bake-started`,
    `ring-done` and `ring-started`, in the order ring-apply < bake-started < ring-done < next ring's ring-started <
    its ring-apply, and no ring-started for the first ring; T5 a rollback restores each touched ring once, outermost
    first: one `ring-restore` per ring before its `cell-restored`, one cell-restored per touched cell, and
    `rolled-back` after all of them; T6 the end state's event is there exactly once and nothing follows it but the
    cell facts of a step that was in flight when an operator ended the rollout; T7 every operator action the harness saw land is there exactly once, and none it did not send;
    T8 at most one snapshot that read cells per ring (an immediate rollout reads the next ring's while it writes one;
    rollouts started before that read every ring in one snapshot, with no ring)."""
    ids = [e["id"] for e in events]
    if any(b <= a for a, b in zip(ids, ids[1:])):
        verdict.fail(f"T1 event ids do not strictly increase: {ids}")
    types = [e["type"] for e in events]
    if types.count("created") != 1 or types[0] != "created":
        verdict.fail(f"T2 `created` must come once and first; types: {types[:3]}…")
    plan = [(r["ring"], [c["cell"] for c in r["cells"]]) for r in view["rings"]]
    order = [ring for ring, _ in plan]
    gradual = view["mode"] == "gradual"
    pos = {}  # (type, ring) -> [indices]
    for i, e in enumerate(events):
        pos.setdefault((e["type"], e["ring"]), []).append(i)

    def at(kind, ring):
        return pos.get((kind, ring), [])

    for idx, (ring, cells) in enumerate(plan):
        changed = [i for i in at("cell-changed", ring)]
        applies = at("ring-apply", ring)
        if changed:
            if len(applies) != 1:
                verdict.fail(f"T3 ring {ring}: {len(applies)} `ring-apply` events for {len(changed)} cell-changed")
            elif applies[0] > min(changed):
                verdict.fail(f"T3 ring {ring}: a cell-changed comes before its ring-apply")
        elif len(applies) > 1:
            verdict.fail(f"T3 ring {ring}: {len(applies)} `ring-apply` events")
        changed_cells = Counter(events[i]["cell"] for i in changed)
        for cell, n in changed_cells.items():
            if cell not in cells:
                verdict.fail(f"T3 ring {ring}: cell-changed for {cell}, not a cell of the ring")
            if n > 1:
                verdict.fail(f"T3 ring {ring}: {n} cell-changed events for {cell}")
        went_on = at("bake-started", ring) or at("ring-done", ring)
        if went_on and set(changed_cells) != set(cells):
            verdict.fail(f"T3 ring {ring} went on with cell-changed for {sorted(changed_cells)} of {cells}")
        for kind in ("bake-started", "ring-done", "ring-started"):
            if len(at(kind, ring)) > 1:
                verdict.fail(f"T4 ring {ring}: {len(at(kind, ring))} `{kind}` events")
        if idx == 0 and at("ring-started", ring):
            verdict.fail(f"T4 ring {ring}: ring-started for the first ring")
        seq = [(k, at(k, ring)[0]) for k in ("ring-apply", "bake-started", "ring-done") if at(k, ring)]
        if [k for k, _ in sorted(seq, key=lambda kv: kv[1])] != [k for k, _ in seq]:
            verdict.fail(f"T4 ring {ring}: out of order: {sorted(seq, key=lambda kv: kv[1])}")
        if not gradual and at("bake-started", ring):
            verdict.fail(f"T4 ring {ring}: an immediate rollout baked")
        if gradual and at("ring-done", ring):
            # The bake ends only on a conclusive healthy verdict: the last check of the ring before it is one.
            done = at("ring-done", ring)[0]
            bake_checks = [e for e in events[:done] if e["type"] == "check" and e["ring"] == ring
                           and (e.get("detail") or {}).get("during") == "bake"]
            if not bake_checks or bake_checks[-1]["detail"].get("outcome") != "healthy":
                verdict.fail(f"T4 ring {ring} done without a healthy bake check before it")
        if idx + 1 < len(plan):
            nxt = plan[idx + 1][0]
            done, started, apply_next = at("ring-done", ring), at("ring-started", nxt), at("ring-apply", nxt)
            if started and (not done or done[0] > started[0]):
                verdict.fail(f"T4 ring {nxt} started before ring {ring} was done")
            if apply_next and (not started or started[0] > apply_next[0]):
                verdict.fail(f"T4 ring {nxt} applied before it started")
    snapshots = [e for e in events if e["type"] == "snapshot" and not e["message"].startswith("read 0 of")]
    per = Counter(e["ring"] for e in snapshots)
    if any(n > 1 for n in per.values()):
        verdict.fail(f"T8 snapshots that read cells, per ring: {dict(per)}")

    # T5 rollback
    starts = [i for i, e in enumerate(events) if e["type"] == "rollback-started"]
    if view["state"] == "rolled-back":
        if not starts:
            verdict.fail("T5 rolled back without rollback-started")
        else:
            last = starts[-1]
            restores = [(i, e) for i, e in enumerate(events) if i > last and e["type"] == "ring-restore"]
            rings_restored = [e["ring"] for _, e in restores]
            if len(set(rings_restored)) != len(rings_restored):
                verdict.fail(f"T5 a ring restored twice: {rings_restored}")
            if rings_restored != sorted(rings_restored, key=order.index, reverse=True):
                verdict.fail(f"T5 rings restored out of order: {rings_restored}")
            restored = Counter(e["cell"] for i, e in enumerate(events) if i > last and e["type"] == "cell-restored")
            touched = {e["cell"] for e in events if e["type"] == "cell-changed"}
            missing = touched - set(restored)
            if missing:
                verdict.fail(f"T5 changed but never restored: {sorted(missing)}")
            twice = [c for c, n in restored.items() if n > 1]
            if twice:
                verdict.fail(f"T5 restored twice: {twice}")
            for i, e in enumerate(events):
                if i > last and e["type"] == "cell-restored":
                    header = [j for j, r in restores if r["ring"] == e["ring"] and j < i]
                    if not header:
                        verdict.fail(f"T5 cell-restored for {e['cell']} without a ring-restore before it")
                        break
            ends = [i for i, e in enumerate(events) if e["type"] == "rolled-back"]
            if len(ends) != 1 or any(e["type"] in ("cell-restored", "ring-restore") for e in events[ends[0]:]):
                verdict.fail("T5 `rolled-back` must come once, after every restore")

    # T6 the end state's event
    end_event = {"completed": "completed", "completed-with-failures": "completed", "rolled-back": "rolled-back",
                 "aborted": "abort", "halted": "halted"}.get(view["state"])
    if end_event:
        hits = [i for i, t in enumerate(types) if t == end_event]
        if view["state"] in TERMINAL and len(hits) != 1:
            verdict.fail(f"T6 {len(hits)} `{end_event}` events for a rollout that ended {view['state']}")
        elif not hits:
            verdict.fail(f"T6 no `{end_event}` event for a rollout that is {view['state']}")
        elif view["state"] in TERMINAL and any(t not in FACTS for t in types[hits[-1] + 1:]):
            verdict.fail(f"T6 events after `{end_event}`: {types[hits[-1] + 1:]}")

    # T7 operator actions
    seen = Counter()
    for e in events:
        if e["type"] in OPERATIONS:
            token = (e["message"] or "").rsplit(": ", 1)[-1]
            if token not in sent_op_tokens:
                verdict.fail(f"T7 an operator action the harness never sent: {e['message']}")
            seen[token] += 1
    for token, n in seen.items():
        if n > 1:
            verdict.fail(f"T7 operator action {token} recorded {n} times")
    for token in landed_ops:
        if seen[token] != 1:
            verdict.fail(f"T7 operator action {token} answered 200 but recorded {seen[token]} times")


def check_writes(verdict, calls, flag, change, plan_cells, instances_alive_at=None):
    """The sandbox's call log for the flag: every write came from a Ripple instance (its X-Ripple-Instance header),
    only planned cells were written, and — when several instances run — no cell was written for the same step by
    two instances that were both alive. Returns writes per cell (for the figures)."""
    writes = [c for c in calls if c["flag"] == flag and c["method"] in ("POST", "DELETE")]
    for w in writes:
        if not w["instance"]:
            verdict.fail(f"W1 a write to {w['cell']} without an X-Ripple-Instance header")
        if w["cell"] not in plan_cells:
            verdict.fail(f"W2 a write to {w['cell']}, which is not in the plan")
    params = change_params(change)
    per_cell = defaultdict(list)
    for w in writes:
        kind = "apply" if params is not None and w["params"] == params else "restore"
        per_cell[(w["cell"], kind)].append(w)
    if instances_alive_at is not None:
        for (cell, kind), ws in per_cell.items():
            by = {}
            for w in ws:
                by.setdefault(w["instance"], []).append(w)
            if len(by) > 1:
                # Two instances wrote the same cell for the same step: only allowed when the first had died before
                # the second began (a handover after a crash), never while both were alive.
                ordered = sorted(by.items(), key=lambda kv: min(x["receivedAtMillis"] for x in kv[1]))
                for (a, wa), (b, wb) in zip(ordered, ordered[1:]):
                    first_b = min(x["receivedAtMillis"] for x in wb) / 1000
                    if instances_alive_at(a, first_b):
                        verdict.fail(f"W3 cell {cell} ({kind}) written by {a} and {b} while both were alive")
    return {k: len(v) for k, v in per_cell.items()}


def check_one_at_a_time(verdict, calls, flag, plan_cells):
    """Each rollout advanced by one instance at a time: the rollout's cell calls (writes for its flag, and reads of
    its cells in between) grouped into runs by instance never overlap in time."""
    writes = sorted((c for c in calls if c["flag"] == flag and c["method"] in ("POST", "DELETE")),
                    key=lambda c: c["receivedAtMillis"])
    runs = []
    for w in writes:
        if runs and runs[-1]["instance"] == w["instance"]:
            runs[-1]["end"] = max(runs[-1]["end"], w["endedAtMillis"])
            runs[-1]["n"] += 1
        else:
            runs.append({"instance": w["instance"], "start": w["receivedAtMillis"], "end": w["endedAtMillis"], "n": 1})
    for a, b in zip(runs, runs[1:]):
        if b["start"] < a["end"] and a["instance"] != b["instance"]:
            verdict.fail(f"X1 {a['instance']} wrote until {a['end']} while {b['instance']} began at {b['start']}")
    return runs


def check_audit(verdict, rollout_id, events, entries, before, change):
    """The audit trail's gate changes for the rollout (GET /api/v1/audit?kind=gate-change&flag=F) against its timeline:

    A1 no duplicate: no two entries for one cell with the same action and the same `after` (a write repeated after a
    crash is not a second change); A2 no gap: every cell whose `cell-changed` event changed what it held before the
    rollout has one `change` entry that says `applied`, and every such cell restored later one `restore` entry that
    says `restored`; A3 nothing invented: no entry for a cell the rollout never wrote (a write that failed may have
    an entry: it may have changed the cell)."""
    mine = [e for e in entries if e.get("rolloutId") == rollout_id]
    for key, n in Counter((e["cell"], e["action"], e["after"]) for e in mine).items():
        if n > 1:
            verdict.fail(f"A1 {n} audit entries for cell {key[0]}: {key[1]} to {key[2]}")
    done = Counter((e["cell"], e["action"]) for e in mine if e["outcome"] in ("applied", "restored"))
    changed = {e["cell"] for e in events if e["type"] == "cell-changed"
               and apply_change(change, before.get(e["cell"])) != (before.get(e["cell"]) or OFF)}
    restored = {e["cell"] for e in events if e["type"] == "cell-restored"}
    for cell in sorted(changed):
        if done[(cell, "change")] != 1:
            verdict.fail(f"A2 cell {cell} changed, {done[(cell, 'change')]} applied `change` audit entries")
    for cell in sorted(restored & changed):
        if done[(cell, "restore")] != 1:
            verdict.fail(f"A2 cell {cell} restored, {done[(cell, 'restore')]} `restore` audit entries")
    written = {e["cell"] for e in events if e["type"] in ("cell-changed", "cell-restored", "cell-failed",
                                                          "restore-failed")}
    for e in mine:
        if e["cell"] not in written:
            verdict.fail(f"A3 a `{e['action']}` audit entry for cell {e['cell']}, which the rollout never wrote")
    return len(mine)
