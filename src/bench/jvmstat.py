"""CPU and heap of a JVM the benchmarks started, read from /proc, jstat and jcmd (imported by rollout-run.py and
load-run.py)."""
import os
import subprocess
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    """utime + stime of a process (fields 14 and 15 of /proc/PID/stat), 10 ms resolution."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / TICK


# Thread names (as /proc shows them, 15 characters at most) of G1's, Shenandoah's and ZGC's threads.
GC_THREADS = ("GC Thread", "G1 ", "VM Thread", "Shenandoah", "ZDirector", "ZDriver", "ZWorker", "ZStat", "ZUnmapper",
              "ZUncommitter")


def thread_cpu_ms(pid):
    """CPU per thread of a JVM, each with its group: JIT compilers, GC, Vert.x event loops, the threads reading cell
    answers, rollout workers (the engine and its database calls), HTTP workers (the API), other.
    {tid: (group, ms)}."""
    groups = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except FileNotFoundError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        ms = (int(fields[11]) + int(fields[12])) * 1000.0 / TICK
        group = ("jit" if "CompilerThre" in name else "gc" if name.startswith(GC_THREADS)
                 else "event-loop" if name.startswith("vert.x-eventloo")
                 else "cell-answers" if name.startswith("ripple-cell-an") else "engine" if name.startswith("ripple-rollout")
                 else "http-workers" if name.startswith("executor-thread") else "other")
        groups[tid] = (group, ms)
    return groups


def thread_delta(before, after):
    """CPU ms per thread group between two thread_cpu_ms() readings, largest first."""
    out = {}
    for tid, (group, ms) in after.items():
        out[group] = out.get(group, 0.0) + ms - before.get(tid, (group, 0.0))[1]
    return {k: round(v) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def start_jstat(pid, out_path, every_ms=500):
    """`jstat -gc PID every_ms` writing to out_path; stop the returned process when done."""
    return subprocess.Popen(["jstat", "-gc", str(pid), str(every_ms)], stdout=open(out_path, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def jstat_peak_mb(path):
    """The most heap in use (survivors + eden + old) in a `jstat -gc` log, MB. A collector without generations
    (Shenandoah, ZGC) shows "-" for the young spaces and the whole heap as old."""
    lines = [line.split() for line in open(path) if line.strip()]
    head = lines[0]
    cols = [head.index(c) for c in ("S0U", "S1U", "EU", "OU")]
    return max(sum(float(row[c]) for c in cols if row[c] != "-") for row in lines[1:]
               if row[0] != head[0] and len(row) == len(head)) / 1024


def heap_after_gc_mb(pid, metrics_url):
    """Forces a full GC (jcmd PID GC.run), then sums jvm_memory_used_bytes{area="heap"} from the Micrometer
    endpoint, MB."""
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True, timeout=120)
    time.sleep(1)
    text = urllib.request.urlopen(metrics_url, timeout=30).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line) / 1048576
