#!/usr/bin/env python3
"""Starts one rollout on Ripple and times it, for src/bench/rollout-bench.sh.

Usage: rollout-run.py BASE_URL FLAG CHANGE UP_TO_RING RIPPLE_PID OUT_JSON [POLL_SECONDS [SANDBOX_PID]]

POSTs the rollout, then polls GET /api/v1/rollouts?flag=FLAG&limit=1 (one row, cheap for Ripple) every POLL_SECONDS
(0.01) on a kept-alive connection until the state is terminal. Prints one line of JSON and writes the full rollout
(GET /api/v1/rollouts/{id}, with its timeline) and the figures to OUT_JSON:

  wall_ms      client-side, from just before the POST is sent to the first poll that sees a terminal state
  api_ms       finishedAt - createdAt as Ripple reports them
  cpu_ms       utime + stime of the Ripple JVM (from /proc/PID/stat) over the same interval, 10 ms resolution
  cpu_threads_ms  the same per group of threads (/proc/PID/task/*/stat): jit, gc, event-loop (HTTP to the cells,
               parsing their answers), engine (the rollout worker: steps, database), http-workers (the API), other
  sandbox_cpu_ms  the sandbox fleet JVM's CPU over the same interval, when its pid is given
  steps        the engine's steps, from the timeline: every event of a step carries the step's start time, so the
               distinct `at` values are the step starts, except `completed`, stamped when the last step saves; the
               pseudo-step `completed` lasts from then until the client saw the terminal state (the poll)
  ring_apply_ms  per ring, the time spent in the cell fan-out of its apply step (ripple_rollout_ring_apply_seconds)
"""
import datetime
import http.client
import json
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from jvmstat import cpu_ms, thread_cpu_ms, thread_delta  # noqa: E402

base, flag, change, up_to, pid, out = sys.argv[1:7]
poll = float(sys.argv[7]) if len(sys.argv) > 7 else 0.01
sandbox_pid = sys.argv[8] if len(sys.argv) > 8 else None
url = urllib.parse.urlparse(base)
TERMINAL = {"completed", "completed-with-failures", "rolled-back", "aborted"}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=600)


def call(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    headers["Authorization"] = "Bearer " + os.environ["RIPPLE_API_TOKEN"]
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def apply_sums(conn):
    """ripple_rollout_ring_apply_seconds_sum per ring, in seconds."""
    conn.request("GET", "/q/metrics")
    text = conn.getresponse().read().decode()
    sums = {}
    for line in text.splitlines():
        if line.startswith("ripple_rollout_ring_apply_seconds_sum{"):
            labels, value = line.rsplit(" ", 1)
            ring = labels.split('ring="', 1)[1].split('"', 1)[0]
            sums[ring] = sums.get(ring, 0.0) + float(value)
    return sums


conn = connect()
before_apply = apply_sums(conn)
body = json.dumps({"flag": flag, "change": {"type": change}, "upToRing": int(up_to), "mode": "immediate",
                   "requestedBy": "bench", "reason": "benchmark"})
cpu0 = cpu_ms(pid)
threads0 = thread_cpu_ms(pid)
sandbox_cpu0 = cpu_ms(sandbox_pid) if sandbox_pid else None
wall0 = time.time()
t0 = time.perf_counter()
status, created = call(conn, "POST", "/api/v1/rollouts", body)
t_created = time.perf_counter()
if status != 201:
    sys.exit(f"POST /api/v1/rollouts answered {status}: {created}")
rid = created["id"]
polls = 0
state = created["state"]
while state not in TERMINAL:
    time.sleep(poll)
    _, page = call(conn, "GET", f"/api/v1/rollouts?flag={flag}&limit=1")
    polls += 1
    item = page["items"][0]
    if item["id"] != rid:
        sys.exit(f"the newest rollout of {flag} is {item['id']}, not {rid}")
    state = item["state"]
    if state == "halted":
        break
t1 = time.perf_counter()
cpu1 = cpu_ms(pid)
threads1 = thread_cpu_ms(pid)
sandbox_cpu1 = cpu_ms(sandbox_pid) if sandbox_pid else None
wall_ms = (t1 - t0) * 1000
after_apply = apply_sums(conn)
_, full = call(conn, "GET", f"/api/v1/rollouts/{rid}")

created_at, finished_at = instant(full["createdAt"]), instant(full["finishedAt"]) if full["finishedAt"] else None
# Steps: distinct event times in order, labelled by their event types.
steps = []
for e in full["timeline"]:
    at = instant(e["at"])
    if not steps or steps[-1]["at"] != at:
        steps.append({"at": at, "types": []})
    if e["type"] not in steps[-1]["types"]:
        steps[-1]["types"].append(e["type"])
end = wall0 + wall_ms / 1000
for i, s in enumerate(steps):
    nxt = steps[i + 1]["at"] if i + 1 < len(steps) else end
    s["ms"] = round((nxt - s["at"]) * 1000, 1)
    # An immediate rollout's apply step also reads the next ring's snapshot: it is labelled by the ring it wrote.
    applied = sorted({str(e["ring"]) for e in full["timeline"]
                      if instant(e["at"]) == s["at"] and e["type"] in ("cell-changed", "cell-failed")})
    s["label"] = ("create" if "created" in s["types"] else "completed" if s["types"] == ["completed"]
                  else "preflight" if "check" in s["types"]
                  else "apply ring " + ",".join(applied) if applied
                  else "snapshot" if "snapshot" in s["types"] else "other")
    s["from_post_ms"] = round((s["at"] - wall0) * 1000, 1)
    del s["at"]
result = {
    "id": rid, "flag": flag, "change": change, "state": full["state"],
    "cells": {str(r["ring"]): r["cellsByStatus"] for r in full["rings"]},
    "wall_ms": round(wall_ms, 1),
    "post_ms": round((t_created - t0) * 1000, 1),
    "api_ms": round((finished_at - created_at) * 1000, 1) if finished_at else None,
    "cpu_ms": round(cpu1 - cpu0, 1),
    "cpu_threads_ms": thread_delta(threads0, threads1),
    "sandbox_cpu_ms": round(sandbox_cpu1 - sandbox_cpu0, 1) if sandbox_pid else None,
    "polls": polls,
    "steps": steps,
    "ring_apply_ms": {k: round((after_apply.get(k, 0) - before_apply.get(k, 0)) * 1000, 1) for k in after_apply
                      if after_apply.get(k, 0) != before_apply.get(k, 0)},
    "events": len(full["timeline"]),
}
with open(out, "w") as f:
    json.dump({"result": result, "rollout": full}, f, indent=1)
print(json.dumps(result))
print(f"{change:>3}: wall {result['wall_ms']:.0f} ms, API {result['api_ms'] or 0:.0f} ms, CPU {result['cpu_ms']:.0f} ms "
      f"{result['cpu_threads_ms']}, sandbox CPU {result['sandbox_cpu_ms']} ms, {polls} polls; steps: "
      + ", ".join(f"{s['label']} {s['ms']:.0f}" for s in steps), file=sys.stderr)
if full["state"] not in ("completed",):
    sys.exit(f"rollout {rid} ended {full['state']}: {full.get('stateReason')}")
