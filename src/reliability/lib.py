"""Processes, HTTP and set-up shared by the reliability harness (src/reliability/harness.py). Standard library only.

Everything the harness starts (the sandbox fleet, Prometheus, every Ripple) runs in a process group of its own and is
registered here; cleanup() kills what is still running and drops the run's database, and harness.py calls it on
every exit path (normal end, failure, SIGINT/SIGTERM/SIGHUP).
"""
import datetime
import http.client as httpclient
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_START = time.time()


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')} +{time.time() - _START:6.1f}s] {msg}", file=sys.stderr, flush=True)


class HarnessError(Exception):
    """Set-up went wrong (not a finding about Ripple): the run stops and says why."""


# ---- processes --------------------------------------------------------------------------------------------------

class Proc:
    """A process the harness started, in its own process group."""

    def __init__(self, name, popen, log_path):
        self.name = name
        self.popen = popen
        self.log_path = log_path
        self.pid = popen.pid
        self.killed_at = None

    def alive(self):
        return self.popen.poll() is None

    def kill(self, sig=signal.SIGKILL):
        """Signals the whole group; returns the wall-clock time just before the signal."""
        at = time.time()
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            self.killed_at = at
        return at

    def stop(self, grace=10.0):
        if not self.alive():
            return
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(grace)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(10)

    def wait_dead(self, timeout=10.0):
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"{self.name} (pid {self.pid}) did not die after SIGKILL")

    def tail(self, lines=30):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError as e:
            return f"(no log: {e})"


_procs = []
_procs_lock = threading.Lock()
_cleanups = []


def start_process(name, cmd, log_path, env=None, cwd=None):
    out = open(log_path, "ab")
    popen = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                             start_new_session=True)
    out.close()
    proc = Proc(name, popen, log_path)
    with _procs_lock:
        _procs.append(proc)
    return proc


def on_cleanup(fn):
    """Runs fn at cleanup, after every process is gone (e.g. dropping the database)."""
    _cleanups.append(fn)


def cleanup():
    with _procs_lock:
        procs = list(_procs)
        _procs.clear()
    for p in procs:
        if p.alive():
            p.kill(signal.SIGKILL)
    for p in procs:
        try:
            p.popen.wait(10)
        except subprocess.TimeoutExpired:
            log(f"{p.name} (pid {p.pid}) still running after SIGKILL")
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:  # cleanup must go on
            log(f"cleanup step failed: {e}")


def install_signal_handlers():
    def handler(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- HTTP -------------------------------------------------------------------------------------------------------

class HttpError(Exception):
    """No HTTP answer at all (refused, reset, timed out): the process may be dead."""


def http(method, url, body=None, headers=None, timeout=10.0):
    """One request on a fresh connection. Returns (status, parsed JSON or text or None)."""
    u = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(u.hostname, u.port, timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        else:
            data = body.encode() if isinstance(body, str) else body
    path = u.path + ("?" + u.query if u.query else "")
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
    except (OSError, httpclient.HTTPException) as e:
        raise HttpError(f"{method} {url}: {e.__class__.__name__}: {e}") from e
    finally:
        conn.close()
    ctype = r.getheader("Content-Type", "")
    if raw and "json" in ctype:
        return r.status, json.loads(raw)
    return r.status, raw.decode(errors="replace") if raw else None


def instant(text):
    """An ISO-8601 instant as the API writes it (up to nanoseconds, Z) in epoch seconds."""
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        cut = min(i for i in (rest.find("+"), rest.find("-"), len(rest)) if i >= 0)
        text = f"{head}.{rest[:cut][:6].ljust(6, '0')}{rest[cut:]}"
    return datetime.datetime.fromisoformat(text).timestamp()


def wait_until(what, predicate, timeout, interval=0.2, proc=None):
    deadline = time.time() + timeout
    last_error = None
    while time.time() < deadline:
        if proc is not None and not proc.alive():
            raise HarnessError(f"{proc.name} exited while waiting for {what}; its log:\n{proc.tail()}")
        try:
            result = predicate()
            if result:
                return result
        except (HttpError, OSError) as e:
            last_error = e
        time.sleep(interval)
    raise HarnessError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" ({last_error})" if last_error else ""))


# ---- the jar ----------------------------------------------------------------------------------------------------

def built_for_postgresql(app_dir):
    """The database kind is fixed at build time; the recorded Hibernate set-up names the dialect."""
    bytecode = Path(app_dir) / "quarkus" / "generated-bytecode.jar"
    if not bytecode.exists():
        return False
    with zipfile.ZipFile(bytecode) as z:
        for name in z.namelist():
            if name.startswith("io/quarkus/runner/recorded/HibernateOrmProcessor$build"):
                return b"PostgreSQL" in z.read(name)
    return False


def ensure_postgresql_build(work, rebuild=False):
    """Builds target/quarkus-app for PostgreSQL when it is missing, older than the sources, or built for H2; copies
    it into the work dir so a build elsewhere during the run cannot change what runs."""
    return ensure_build(work, "postgresql", rebuild)


def ensure_build(work, kind, rebuild=False):
    """As ensure_postgresql_build, for the database kind given ("postgresql" or "h2")."""
    app = ROOT / "target" / "quarkus-app"
    jar = app / "quarkus-run.jar"
    wanted = kind == "postgresql"
    reason = None
    if rebuild:
        reason = "asked to"
    elif not jar.exists():
        reason = "no target/quarkus-app"
    elif built_for_postgresql(app) != wanted:
        reason = f"target/quarkus-app is built for {'H2' if wanted else 'PostgreSQL'}"
    else:
        stamp = jar.stat().st_mtime
        for base in (ROOT / "src" / "main", ROOT / "pom.xml"):
            paths = [base] if base.is_file() else base.rglob("*")
            if any(p.is_file() and p.stat().st_mtime > stamp for p in paths):
                reason = f"sources changed since the last build ({base.relative_to(ROOT)})"
                break
    if reason:
        log(f"building the {kind} jar ({reason}): RIPPLE_DB_KIND={kind} mvn -B -o -q package -DskipTests")
        env = dict(os.environ, RIPPLE_DB_KIND=kind)
        t0 = time.time()
        subprocess.run(["mvn", "-B", "-o", "-q", "package", "-DskipTests"], cwd=ROOT, env=env, check=True)
        log(f"built in {time.time() - t0:.0f}s")
    if built_for_postgresql(app) != wanted:
        raise HarnessError(f"target/quarkus-app is not a {kind} build even after building")
    copy = Path(work) / "app"
    shutil.copytree(app, copy)
    return copy


# ---- PostgreSQL -------------------------------------------------------------------------------------------------

PG_HOST = os.environ.get("RIPPLE_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("RIPPLE_PG_PORT", "5432")
PG_USER = os.environ.get("RIPPLE_PG_USER", "postgres")


def psql(sql, db="postgres"):
    out = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", db, "-v", "ON_ERROR_STOP=1",
                          "-qtAX", "-c", sql], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise HarnessError(f"psql failed: {out.stderr.strip()}")
    return out.stdout.strip()


def create_database(prefix):
    name = f"{prefix}_{os.getpid()}_{int(time.time()) % 100000}"
    psql(f"CREATE DATABASE {name}")
    on_cleanup(lambda: (psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"), log(f"dropped database {name}")))
    log(f"database {name} created on {PG_HOST}:{PG_PORT}")
    return name


# ---- the sandbox fleet and Prometheus ---------------------------------------------------------------------------

class Sandbox:
    """The standalone sandbox fleet (dev.ripple.sandbox.SandboxServer) in its own JVM."""

    def __init__(self, app, work, cells, flags, token, xmx="512m", jvm_opts=("-XX:TieredStopAtLevel=1",)):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = token
        self.cells = cells
        cp = ":".join(str(Path(app) / p) for p in ("lib/boot/*", "lib/main/*", "app/*"))
        self.proc = start_process("sandbox", ["java", f"-Xmx{xmx}", *jvm_opts, "-cp", cp,
                                              "dev.ripple.sandbox.SandboxServer", "--host", "127.0.0.1", "--port",
                                              str(self.port), "--cells", str(cells), "--prefix", "c-", "--token", token,
                                              "--flags", str(flags)], Path(work) / "sandbox.log")
        wait_until("the sandbox fleet", lambda: self.gates_of(f"c-{cells}") is not None, 120, proc=self.proc)
        log(f"sandbox fleet up on {self.url}: {cells} cells x {flags} flags (pid {self.proc.pid})")

    def gates_of(self, cell):
        """Every flag of a cell as GitLab lists it: {name: normalised gates}."""
        status, body = http("GET", f"{self.url}/sandbox/cells/{cell}/api/v4/features",
                            headers={"PRIVATE-TOKEN": self.token})
        if status != 200:
            raise HarnessError(f"sandbox cell {cell} answered {status}: {body}")
        return {f["name"]: normalise(f["gates"]) for f in body}

    def faults(self, cells, **faults):
        for cell in cells:
            status, body = http("PUT", f"{self.url}/sandbox/cells/{cell}/faults", faults)
            if status != 200:
                raise HarnessError(f"setting faults on {cell}: {status} {body}")

    def all_faults(self, **faults):
        status, body = http("PUT", f"{self.url}/sandbox/faults", faults)
        if status != 200:
            raise HarnessError(f"setting fleet faults: {status} {body}")

    def calls(self, after=0):
        out = []
        while True:
            status, body = http("GET", f"{self.url}/sandbox/calls?after={after}&limit=20000", timeout=30)
            if status != 200:
                raise HarnessError(f"sandbox call log: {status} {body}")
            out.extend(body["calls"])
            if not body["calls"] or body["calls"][-1]["seq"] >= body["last"]:
                return out
            after = body["calls"][-1]["seq"]


def normalise(gates):
    """GitLab's gate list as a comparable tuple: (enabled, % of actors, % of time, actors, groups)."""
    g = {x["key"]: x["value"] for x in gates}
    pct = lambda v: None if v is None or float(v) == 0 else float(v)
    return (bool(g.get("boolean", False)), pct(g.get("percentage_of_actors")), pct(g.get("percentage_of_time")),
            tuple(sorted(g.get("actors") or [])), tuple(sorted(g.get("groups") or [])))


def describe(gates):
    if gates is None:
        return "absent"
    enabled, pa, pt, actors, groups = gates
    parts = ["on" if enabled else "off"]
    if pa:
        parts.append(f"{pa:g}% actors")
    if pt:
        parts.append(f"{pt:g}% time")
    if actors:
        parts.append("actors " + ",".join(actors))
    if groups:
        parts.append("groups " + ",".join(groups))
    return " + ".join(parts)


class Prometheus:
    """A real Prometheus scraping the sandbox's /sandbox/metrics every second (or every scrape_interval)."""

    def __init__(self, work, sandbox_port, binary="prometheus", scrape_interval="1s"):
        path = shutil.which(binary) or ("/usr/bin/prometheus" if Path("/usr/bin/prometheus").exists() else None)
        if not path:
            raise HarnessError("the prometheus binary is missing (Debian package 'prometheus')")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = Path(work) / "prometheus.yml"
        config.write_text(f"""global:
  scrape_interval: {scrape_interval}
  evaluation_interval: {scrape_interval}
scrape_configs:
  - job_name: sandbox
    metrics_path: /sandbox/metrics
    static_configs:
      - targets: ["127.0.0.1:{sandbox_port}"]
""")
        self.proc = start_process("prometheus", [path, f"--config.file={config}",
                                                 f"--storage.tsdb.path={Path(work) / 'prometheus-data'}",
                                                 f"--web.listen-address=127.0.0.1:{self.port}"],
                                  Path(work) / "prometheus.log")
        wait_until("Prometheus scraping the sandbox", lambda: self.query('up{job="sandbox"}') == [1.0], 90,
                   interval=0.5, proc=self.proc)
        log(f"Prometheus up on {self.url} (pid {self.proc.pid})")

    def query(self, promql):
        status, body = http("GET", f"{self.url}/api/v1/query?query={urllib.parse.quote(promql)}")
        if status != 200:
            return None
        return [float(r["value"][1]) for r in body["data"]["result"]]


# ---- Ripple -----------------------------------------------------------------------------------------------------

class Ripple:
    """One Ripple process from the packaged jar. restart() starts a new process on the same port."""

    def __init__(self, name, app, work, env, port=None, xmx="384m", jvm_opts=("-XX:TieredStopAtLevel=1",)):
        self.name = name
        self.app = Path(app)
        self.work = Path(work)
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.xmx = xmx
        self.jvm_opts = list(jvm_opts)
        self.proc = None
        self.ready = False
        self.lives = 0
        self.history = []  # every process this instance was: (pid, started, killed_at)

    def start(self, wait=True):
        self.lives += 1
        self.ready = False
        env = dict(os.environ, **self.env, QUARKUS_HTTP_HOST="127.0.0.1", QUARKUS_HTTP_PORT=str(self.port))
        log_path = self.work / f"ripple-{self.name}-{self.lives}.log"
        t0 = time.time()
        self.proc = start_process(f"ripple-{self.name}", ["java", f"-Xmx{self.xmx}", *self.jvm_opts,
                                                           "-jar", str(self.app / "quarkus-run.jar")], log_path,
                                  env=env, cwd=self.work)
        self.history.append({"pid": self.proc.pid, "started": t0, "killed": None})
        if wait:
            self.wait_ready()
        return self.proc

    def wait_ready(self, timeout=180):
        t0 = time.time()

        def ready():
            status, _ = http("GET", f"{self.url}/q/health/ready", timeout=3)
            return status == 200

        try:
            wait_until(f"Ripple {self.name} ready", ready, timeout, interval=0.1, proc=self.proc)
        except HarnessError:
            text = Path(self.proc.log_path).read_text(errors="replace")
            if "Build time property cannot be changed" in text or "build time fixed" in text:
                raise HarnessError("the jar was built for another database kind: rerun with --rebuild")
            raise
        self.ready = True
        return time.time() - t0

    def kill(self):
        self.ready = False
        at = self.proc.kill(signal.SIGKILL)
        self.history[-1]["killed"] = at
        self.proc.wait_dead()
        return at

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def instance_prefix(self, pid=None):
        """Instance ids are PID@HOST/RANDOM; the pid tells which process made a call."""
        return f"{pid or self.proc.pid}@"

    def stop(self):
        if self.proc:
            self.proc.stop()


class Api:
    """Ripple's HTTP API with the harness's bearer token on every call."""

    def __init__(self, token):
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, base, method, path, body=None, timeout=10.0, headers=None):
        return http(method, base + path, body, headers=dict(self.headers, **(headers or {})), timeout=timeout)

    def audit(self, base, **filters):
        """Every audit entry matching the filters (GET /api/v1/audit, every page), oldest first."""
        entries, before = [], None
        while True:
            query = "&".join(f"{k}={v}" for k, v in filters.items()) + "&limit=500" + (f"&before={before}" if before else "")
            status, page = self.call(base, "GET", f"/api/v1/audit?{query}")
            if status != 200:
                raise HarnessError(f"audit {filters}: {status} {page}")
            entries.extend(page["items"])
            before = page.get("nextBefore")
            if not before:
                return list(reversed(entries))

    def timeline(self, base, rollout_id):
        events, after = [], 0
        while True:
            status, page = self.call(base, "GET", f"/api/v1/rollouts/{rollout_id}/timeline?after={after}&limit=1000")
            if status != 200:
                raise HarnessError(f"timeline of {rollout_id}: {status} {page}")
            events.extend(page)
            if len(page) < 1000:
                return events
            after = page[-1]["id"]
