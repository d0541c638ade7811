#!/usr/bin/python3
"""A complete local mediagate stack in one state directory: PostgreSQL, Redis,
object storage (OpenStack Swift + s3api via scripts/s3-store, or nginx serving a
media directory for storage.backend = "local"), `mediagate serve` under
spawn-fcgi, and nginx in front, configured with COPIES of nginx/*.conf (only
paths and ports substituted).

One module for everything that runs the real stack:
  - scripts/demo (the one-command demo)       -> `demo_stack.py demo start|stop|status`
  - tests/e2e/e2e_test.py (end-to-end tests)  -> `Stack`, `seed_demo`, `http`
  - bench/nginx_throughput                    -> `Stack(extra_server_conf=...)`

Processes outlive the Python process that starts them (the demo starts them
and exits; `demo stop` runs later), so each is recorded in STATE/pids/NAME as
"PID STARTTIME CONFIG_HASH" and is only ever signalled when /proc/PID/stat
still shows that start time (a reused PID is never touched). Every server runs
in its own session; nothing is ever killed by name. `guard` is a watchdog for
tests: it stops the stack when its stdin closes, i.e. when the test process
exits in any way, even SIGKILL.

Layout of STATE (all servers on loopback / unix sockets inside STATE):
  stack.json        backend and ports chosen at the first start
  secrets/          token secret, S3 secret (0600)
  mediagate.toml    the responder's config (generated)
  run/              redis.sock, mediagate.sock (www-data, 0660), pg/ (PostgreSQL socket)
  pg/               PostgreSQL cluster (owned by postgres)
  redis/            Redis working dir (no persistence)
  s3/               scripts/s3-store STATE_DIR (backend "s3")
  media/            the media directory (backend "local")
  www/feeds/        static RSS feeds served at /demo-feeds/
  nginx/conf/       nginx.conf + the snippet copies; nginx/cache/ the media cache
  logs/             postgres.log redis.log mediagate.log nginx-error.log
                    nginx-access.log local-access.log
  pids/             one record per server

Only the Python standard library is used. Must run as root (initdb and Swift
run as their own users, spawn-fcgi sets the socket owner).
"""
import base64
import email.utils
import hashlib
import json
import os
import pwd
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from collections import namedtuple
from xml.sax.saxutils import escape as xml_escape, quoteattr

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_SNIPPETS = os.path.join(REPO, "nginx")
S3_STORE = os.path.join(REPO, "scripts", "s3-store")
PG_BIN = "/usr/lib/postgresql/15/bin"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NGINX = "/usr/sbin/nginx"
SPAWN_FCGI = "/usr/bin/spawn-fcgi"
REDIS_SERVER = "/usr/bin/redis-server"
NGINX_USER = "www-data"
PG_PORT = 5432          # only names the unix socket file inside STATE/run/pg
BUCKET = "media"
S3_ACCESS_KEY = "test:tester"   # scripts/s3-store's tempauth account:user
S3_SECRET = "testing"
FEED_PREFIX = "/demo-feeds/"

User = namedtuple("User", "email id uuid link_generation")
Response = namedtuple("Response", "status headers body")


class StackError(Exception):
    pass


# ---------------------------------------------------------------------------
# small helpers

def log(msg):
    print(f"demo-stack: {msg}", file=sys.stderr, flush=True)


def clean_env(**extra):
    """Children get a small environment; MEDIAGATE_* never leaks in (those
    variables override the secret files)."""
    env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
           "HOME": "/root"}
    for name, value in os.environ.items():
        if name.startswith(("ASAN_", "UBSAN_", "LSAN_")):
            env[name] = value
    env.update(extra)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(predicate, timeout, message, interval=0.05):
    """Polls predicate() (exceptions mean "not yet") until it is truthy."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except StackError:
            raise
        except Exception as exc:  # noqa: BLE001
            last = exc
        if time.monotonic() >= deadline:
            raise StackError(f"timed out after {timeout} s waiting for {message}"
                             + (f" (last error: {last!r})" if last else ""))
        time.sleep(interval)


def write_file(path, data, mode=0o644):
    """Atomic replace."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def tail(path, lines=30):
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def b64_email(address):
    return base64.urlsafe_b64encode(address.encode()).rstrip(b"=").decode()


def sql_literal(value):
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def s3_quote(key):
    """An object key as SigV4 (and mediagate's local upstream) encode it in a path."""
    return urllib.parse.quote(key, safe="/~")


def demo_bytes(size, seed):
    """Deterministic pseudo-random bytes (same on every run)."""
    return random.Random(seed).randbytes(size)


def others_can_traverse(path):
    """True if every directory from / down to path has the o+x bit (Swift and
    PostgreSQL run as their own users, nginx workers as www-data)."""
    path = os.path.abspath(path)
    while True:
        if os.path.exists(path) and not os.stat(path).st_mode & 0o001:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def default_demo_state():
    """REPO/.state/demo, or /var/tmp/mediagate-demo-<hash> when the servers'
    users could not reach the repository (e.g. a clone under /root)."""
    wanted = os.path.join(REPO, ".state", "demo")
    if others_can_traverse(os.path.dirname(wanted)):
        return wanted
    digest = hashlib.sha256(REPO.encode()).hexdigest()[:8]
    return f"/var/tmp/mediagate-demo-{digest}"


# ---------------------------------------------------------------------------
# processes (recorded PID + start time; never by name)

def proc_stat(pid):
    """(state, ppid, starttime) from /proc/PID/stat, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    return rest[0], int(rest[1]), int(rest[19])


def starttime(pid):
    """Start time of a live (non-zombie) process, else None."""
    st = proc_stat(pid)
    if st is None or st[0] in ("Z", "X"):
        return None
    return st[2]


def reap(pid):
    """Collects the exit status if pid is our own exited child."""
    proc = Procs.children.get(pid)
    if proc is not None:
        if proc.poll() is not None:
            del Procs.children[pid]
        return
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def descendants(pid):
    """Live descendants of pid as (pid, starttime)."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st and st[0] not in ("Z", "X"):
                table[int(name)] = st
    out, frontier = [], [pid]
    while frontier:
        kids = [p for p, st in table.items() if st[1] in frontier]
        out.extend((p, table[p][2]) for p in kids)
        frontier = kids
    return out


class Procs:
    """The pid records in STATE/pids."""

    # Popen objects of the servers this process started: kept so that they
    # are not garbage-collected while running, and reaped when stopped.
    children = {}

    def __init__(self, state):
        self.dir = os.path.join(state, "pids")

    def path(self, name):
        return os.path.join(self.dir, name)

    def record(self, name):
        """(pid, starttime, config_hash) if the recorded process is alive."""
        try:
            with open(self.path(name)) as fh:
                pid, start, conf = (fh.read().split() + ["", "", ""])[:3]
            pid, start = int(pid), int(start)
        except (OSError, ValueError):
            return None
        reap(pid)
        return (pid, start, conf) if starttime(pid) == start else None

    def pid(self, name):
        rec = self.record(name)
        return rec[0] if rec else None

    def spawn(self, name, argv, log_path, conf_hash="-", env=None, cwd=None):
        os.makedirs(self.dir, exist_ok=True)
        with open(log_path, "ab") as logf:
            logf.write(f"==== demo-stack: starting {name} at {time.strftime('%F %T')}\n".encode())
            logf.flush()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                    env=env or clean_env(), cwd=cwd, start_new_session=True,
                                    close_fds=True)
        start = starttime(proc.pid)
        if start is None:
            proc.wait()
            raise StackError(f"{name} exited at once ({proc.returncode}):\n{tail(log_path)}")
        write_file(self.path(name), f"{proc.pid} {start} {conf_hash}\n")
        Procs.children[proc.pid] = proc
        return proc

    def stop(self, name, sig=signal.SIGTERM, timeout=10.0):
        """Stops the recorded process (sig, then SIGKILL after timeout), then any
        of its descendants that survived it. Returns True if one was running."""
        rec = self.record(name)
        if rec is None:
            if os.path.exists(self.path(name)):
                os.unlink(self.path(name))
            return False
        pid, start, _ = rec
        kids = descendants(pid)
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

        def gone():
            reap(pid)
            return starttime(pid) != start
        try:
            wait_until(gone, timeout, f"{name} (pid {pid}) to exit")
        except StackError:
            log(f"{name} (pid {pid}) did not stop in {timeout} s; SIGKILL")
            if starttime(pid) == start:
                os.kill(pid, signal.SIGKILL)
            wait_until(gone, 5, f"{name} (pid {pid}) to die")
        for kid, kid_start in kids:  # e.g. workers of a master that was SIGKILLed
            if starttime(kid) == kid_start:
                try:
                    os.kill(kid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for kid, kid_start in kids:
            try:
                wait_until(lambda: starttime(kid) != kid_start, 5, f"pid {kid} to die")
            except StackError:
                log(f"pid {kid} (child of {name}) survived SIGKILL")
        os.unlink(self.path(name))
        return True


# ---------------------------------------------------------------------------
# HTTP and FastCGI clients

def http(port, path, method="GET", headers=None, body=None, timeout=30, host="127.0.0.1"):
    """One request on a fresh connection; returns Response(status, headers as a
    list of (name, value), body bytes). Never follows redirects."""
    import http.client
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.getheaders(), data)
    finally:
        conn.close()


def header(resp, name):
    """First value of a header (case-insensitive) or None."""
    for k, v in resp.headers:
        if k.lower() == name.lower():
            return v
    return None


def fcgi_request(sock_path, params, timeout=5.0):
    """A minimal FastCGI responder request (as nginx auth_request sends it).
    Returns Response(status:int, headers: {lower name: value}, body bytes)."""
    def record(rtype, content):
        return struct.pack("!BBHHBx", 1, rtype, 1, len(content), 0) + content

    def length(n):
        return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)
    pairs = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        pairs += length(len(k)) + length(len(v)) + k + v
    msg = record(1, struct.pack("!HB5x", 1, 0)) + record(4, pairs) + record(4, b"") + record(5, b"")
    out = b""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(msg)
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack("!BBHHB", buf[:7])
            content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
            if rtype == 6:
                out += content
            elif rtype == 3:
                break
    head, _, body = out.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    status = int(headers.get("status", "200").split()[0])
    return Response(status, headers, body)


# ---------------------------------------------------------------------------
# config files

def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(config):
    out = []
    for section, keys in config.items():
        out.append(f"[{section}]")
        out.extend(f"{k} = {toml_value(v)}" for k, v in keys.items())
        out.append("")
    return "\n".join(out)


def deep_merge(base, overrides):
    merged = {k: dict(v) for k, v in base.items()}
    for section, keys in (overrides or {}).items():
        merged.setdefault(section, {}).update(keys)
    return merged


def substitute(text, replacements, name):
    """Plain string replacement; every old string must be present exactly as
    expected, so a changed snippet fails loudly instead of silently pointing
    a test at /run/mediagate or /var/cache/nginx."""
    for old, new in replacements:
        if old not in text:
            raise StackError(f"nginx/{name}: expected to find {old!r} to substitute")
        text = text.replace(old, new)
    return text


# ---------------------------------------------------------------------------
# the stack

class Stack:
    """Start, stop and query one stack in `state`.

    backend: "s3" (Swift via scripts/s3-store) or "local" (nginx serves STATE/media).
    mediagate_config: overrides deep-merged into the generated mediagate.toml.
    snippet_filter(name, text) -> text: applied to each nginx snippet copy after
        the path substitutions (tests use it to break things on purpose).
    extra_server_conf / extra_http_conf: appended inside the server{} / http{}.
    Ports not given are taken from STATE/stack.json, else picked free
    (http_port defaults to 8080 only when given by the caller)."""

    def __init__(self, state, binary, backend="s3", http_port=None, s3_port=None,
                 local_port=None, mediagate_config=None, workers=2, snippet_filter=None,
                 extra_server_conf="", extra_http_conf="", nginx_workers=2):
        if backend not in ("s3", "local"):
            raise StackError(f"unknown backend {backend!r}")
        self.state = os.path.abspath(state)
        self.binary = os.path.abspath(binary) if binary else None
        self.backend = backend
        self.mediagate_overrides = mediagate_config or {}
        self.workers = workers
        self.nginx_workers = nginx_workers
        self.snippet_filter = snippet_filter
        self.extra_server_conf = extra_server_conf
        self.extra_http_conf = extra_http_conf
        self.procs = Procs(self.state)
        p = lambda *a: os.path.join(self.state, *a)  # noqa: E731
        self.secrets_dir, self.run_dir, self.logs = p("secrets"), p("run"), p("logs")
        self.pg_data, self.pg_sock = p("pg"), p("run", "pg")
        self.redis_sock, self.fcgi_sock = p("run", "redis.sock"), p("run", "mediagate.sock")
        self.s3_state, self.media_dir, self.www = p("s3"), p("media"), p("www")
        self.nginx_prefix, self.nginx_conf_dir = p("nginx"), p("nginx", "conf")
        self.config_path = p("mediagate.toml")
        self.token_secret = p("secrets", "token-secret")
        self.s3_secret = p("secrets", "s3-secret")
        self._settings_path = p("stack.json")
        settings = self._load_settings()
        self.http_port = http_port or settings.get("http_port") or free_port()
        self.s3_port = s3_port or settings.get("s3_port") or free_port()
        self.local_port = local_port or settings.get("local_port") or free_port()
        self.config = None

    # -- settings ------------------------------------------------------------

    def _load_settings(self):
        try:
            with open(self._settings_path) as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    def _save_settings(self):
        write_file(self._settings_path, json.dumps({
            "backend": self.backend, "http_port": self.http_port, "s3_port": self.s3_port,
            "local_port": self.local_port, "binary": self.binary}, indent=1) + "\n")

    @property
    def storage_origin(self):
        port = self.s3_port if self.backend == "s3" else self.local_port
        return f"127.0.0.1:{port}"

    def url(self, path):
        return f"http://127.0.0.1:{self.http_port}{path}"

    # -- lifecycle -----------------------------------------------------------

    def start(self):
        """Starts whatever is not running yet (idempotent); restarts mediagate
        and nginx when their generated config changed."""
        if os.geteuid() != 0:
            raise StackError("must run as root")
        if not self.binary or not os.access(self.binary, os.X_OK):
            raise StackError(f"mediagate binary {self.binary!r} is not executable")
        self._make_dirs()
        self._check_ports()
        self._save_settings()
        self.start_postgres()
        self.start_redis()
        if self.backend == "s3":
            self.start_s3()
        else:
            self.stop_s3()
        self.write_mediagate_config()
        self.cli("migrate", "--config", self.config_path)
        self.start_mediagate()
        self.start_nginx()

    def stop(self):
        stop_all(self.state)

    def status(self):
        return status_of(self.state)

    def _make_dirs(self):
        os.makedirs(self.state, exist_ok=True)
        os.chmod(self.state, 0o755)
        for d, mode in ((self.secrets_dir, 0o700), (self.run_dir, 0o755), (self.logs, 0o755),
                        (self.media_dir, 0o755), (self.www, 0o755),
                        (os.path.join(self.www, "feeds"), 0o755), (self.nginx_prefix, 0o755),
                        (self.nginx_conf_dir, 0o755), (os.path.join(self.state, "redis"), 0o700)):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, mode)
        if not others_can_traverse(self.state):
            raise StackError(f"{self.state}: some parent directory is not searchable by other "
                             "users (PostgreSQL, Swift and nginx workers run as their own users); "
                             "use a state directory elsewhere, e.g. under /var/tmp")
        for path, text in ((self.token_secret, "demo-token-secret-" + os.urandom(16).hex() + "\n"),
                           (self.s3_secret, S3_SECRET + "\n")):
            if not os.path.exists(path):
                write_file(path, text, 0o600)

    def _check_ports(self):
        """Ports our own nginx / Swift do not hold must be free."""
        if not self.procs.record("nginx"):
            if port_in_use(self.http_port):
                raise StackError(f"127.0.0.1:{self.http_port} (nginx) is already in use by "
                                 "something else")
            if self.backend == "local" and port_in_use(self.local_port):
                log(f"port {self.local_port} for the local media server is taken; picking another")
                self.local_port = free_port()
        if self.backend == "s3" and not s3_running(self.s3_state) and port_in_use(self.s3_port):
            log(f"port {self.s3_port} for the object store is taken; picking another")
            self.s3_port = free_port()

    # -- PostgreSQL ----------------------------------------------------------

    def _as_postgres(self, argv):
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + argv

    def _pg_env(self):
        return clean_env(HOME=self.state, PGHOST=self.pg_sock, PGPORT=str(PG_PORT))

    def start_postgres(self):
        if self.procs.record("postgres"):
            return
        pw = pwd.getpwnam("postgres")
        os.makedirs(self.pg_sock, exist_ok=True)
        os.chown(self.pg_sock, pw.pw_uid, pw.pw_gid)
        if not os.path.exists(os.path.join(self.pg_data, "PG_VERSION")):
            shutil.rmtree(self.pg_data, ignore_errors=True)
            os.makedirs(self.pg_data, mode=0o700)
            os.chown(self.pg_data, pw.pw_uid, pw.pw_gid)
            r = subprocess.run(self._as_postgres([
                os.path.join(PG_BIN, "initdb"), "-D", self.pg_data, "--auth=trust", "-U",
                "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                env=self._pg_env(), cwd=self.state, capture_output=True, text=True, timeout=180)
            if r.returncode != 0:
                raise StackError(f"initdb failed: {r.stderr}{r.stdout}")
        log_path = os.path.join(self.logs, "postgres.log")
        proc = self.procs.spawn("postgres", self._as_postgres([
            os.path.join(PG_BIN, "postgres"), "-D", self.pg_data, "-k", self.pg_sock,
            "-p", str(PG_PORT), "-c", "listen_addresses=", "-c", "synchronous_commit=off",
            "-c", "shared_buffers=16MB", "-c", "max_connections=50",
            "-c", "log_min_messages=warning"]), log_path, env=self._pg_env(), cwd=self.state)

        def ready():
            if proc.poll() is not None:
                raise StackError(f"postgres exited ({proc.returncode}):\n{tail(log_path)}")
            return subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-q", "-h", self.pg_sock,
                                   "-p", str(PG_PORT), "-U", "postgres"],
                                  env=self._pg_env(), timeout=10).returncode == 0
        wait_until(ready, 60, "PostgreSQL")
        if self.psql("SELECT 1 FROM pg_database WHERE datname = 'mediagate'",
                     database="postgres") != "1":
            self.psql("CREATE DATABASE mediagate", database="postgres")

    def stop_postgres(self):
        self.procs.stop("postgres", signal.SIGINT, timeout=20)  # SIGINT: fast shutdown

    def psql(self, sql, database="mediagate"):
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-h", self.pg_sock, "-p", str(PG_PORT),
                            "-U", "postgres", "-d", database, "-f", "-"],
                           input=sql, capture_output=True, text=True, env=self._pg_env(),
                           timeout=60)
        if r.returncode != 0:
            raise StackError(f"psql failed: {r.stderr.strip()}\nSQL: {sql}")
        return r.stdout.strip()

    # -- Redis ---------------------------------------------------------------

    def start_redis(self):
        if self.procs.record("redis"):
            return
        if os.path.exists(self.redis_sock):
            os.unlink(self.redis_sock)
        log_path = os.path.join(self.logs, "redis.log")
        proc = self.procs.spawn("redis", [
            REDIS_SERVER, "--port", "0", "--unixsocket", self.redis_sock,
            "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", os.path.join(self.state, "redis"), "--daemonize", "no",
            "--loglevel", "warning"], log_path, cwd=self.state)

        def ready():
            if proc.poll() is not None:
                raise StackError(f"redis-server exited:\n{tail(log_path)}")
            return self.redis("PING") == "PONG"
        wait_until(ready, 20, "Redis")

    def stop_redis(self):
        self.procs.stop("redis")

    def redis(self, *args):
        """One Redis command (RESP over the unix socket); simple replies only."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(self.redis_sock)
            msg = f"*{len(args)}\r\n".encode()
            for a in args:
                a = str(a).encode()
                msg += b"$%d\r\n%s\r\n" % (len(a), a)
            s.sendall(msg)
            reply = s.recv(65536).decode("utf-8", "replace")
        kind, rest = reply[:1], reply[1:].split("\r\n")[0]
        if kind == "-":
            raise StackError(f"redis: {rest}")
        if kind == ":":
            return int(rest)
        if kind == "$":
            return None if rest == "-1" else reply.split("\r\n")[1]
        return rest

    # -- object storage ------------------------------------------------------

    def start_s3(self):
        r = subprocess.run([S3_STORE, "start", self.s3_state, str(self.s3_port)],
                           env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=600)
        if r.returncode != 0:
            raise StackError(f"scripts/s3-store start failed:\n{r.stdout}")

    def stop_s3(self):
        if os.path.exists(os.path.join(self.s3_state, "pids")):
            subprocess.run([S3_STORE, "stop", self.s3_state], env=clean_env(), timeout=120)

    def put_object(self, key, data):
        """Stores data under `key`: in the bucket (s3) or STATE/media (local)."""
        if self.backend == "s3":
            src = os.path.join(self.state, "upload.tmp")
            write_file(src, data)
            try:
                r = subprocess.run([S3_STORE, "put", self.s3_state, str(self.s3_port), BUCKET,
                                    key, src], env=clean_env(), capture_output=True, text=True,
                                   timeout=120)
            finally:
                os.unlink(src)
            if r.returncode != 0:
                raise StackError(f"s3-store put {key} failed: {r.stderr}")
        else:
            path = os.path.join(self.media_dir, key)
            if not os.path.abspath(path).startswith(self.media_dir + "/"):
                raise StackError(f"bad object key {key!r}")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            d = os.path.dirname(path)
            while d != self.media_dir:
                os.chmod(d, 0o755)
                d = os.path.dirname(d)
            write_file(path, data, 0o644)

    def storage_gets(self, key):
        """How many successful (200/206) object GETs storage has served for key."""
        quoted = s3_quote(key)
        if self.backend == "s3":
            r = subprocess.run([S3_STORE, "requests", self.s3_state, f"/{BUCKET}/{quoted}"],
                               env=clean_env(), capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise StackError(f"s3-store requests failed: {r.stderr}")
            return int(r.stdout.strip())
        # local: the media server's access log, "GET /<key> HTTP/1.x" STATUS
        count, needle = 0, f'"GET /{quoted} HTTP/'
        try:
            with open(os.path.join(self.logs, "local-access.log"), encoding="utf-8",
                      errors="replace") as fh:
                for line in fh:
                    if needle in line:
                        status = line.split(needle, 1)[1].split('"', 1)[1].split()[0]
                        count += status in ("200", "206")
        except FileNotFoundError:
            pass
        return count

    # -- mediagate -----------------------------------------------------------

    def base_mediagate_config(self):
        storage = {"backend": self.backend}
        if self.backend == "s3":
            storage.update({
                "endpoint": f"http://127.0.0.1:{self.s3_port}", "region": "us-east-1",
                "bucket": BUCKET, "addressing": "path", "access_key_id": S3_ACCESS_KEY,
                "secret_access_key_file": self.s3_secret,
                # each uncached slice reuses the URL: cover the longest download
                "expires_seconds": 3600})
        else:
            storage["local_url"] = f"http://127.0.0.1:{self.local_port}"
        return {
            "token": {"secret_file": self.token_secret,
                      "hash_value": "{id}{uuid}{link_generation}"},
            "storage": storage,
            "database": {"url": f"host={self.pg_sock} port={PG_PORT} dbname=mediagate "
                                "user=postgres"},
            "redis": {"address": f"unix:{self.redis_sock}", "key_prefix": "mediagate-demo",
                      "user_ttl_seconds": 60, "file_ttl_seconds": 300,
                      "negative_ttl_seconds": 10},
            "entitlement": {"allowed_statuses": ["active", "trialing"],
                            "grace_statuses": ["past_due", "canceled"],
                            "use_paid_until": True, "grace_seconds": 3 * 86400},
            "server": {"workers": self.workers},
        }

    def write_mediagate_config(self):
        self.config = deep_merge(self.base_mediagate_config(), self.mediagate_overrides)
        write_file(self.config_path, to_toml(self.config), 0o600)

    def cli(self, *args, check=True, timeout=60):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True,
                           env=clean_env(), timeout=timeout, cwd=self.state)
        if check and r.returncode != 0:
            raise StackError(f"mediagate {' '.join(args)} exited {r.returncode}: "
                             f"{r.stderr.strip()}")
        return r

    def _mediagate_hash(self):
        st = os.stat(self.binary)
        with open(self.config_path, "rb") as fh:
            conf = fh.read()
        return hashlib.sha256(conf + f"{self.binary} {st.st_mtime_ns} {self.workers}".encode()
                              ).hexdigest()[:16]

    def start_mediagate(self):
        want = self._mediagate_hash()
        rec = self.procs.record("mediagate")
        if rec and rec[2] == want:
            return
        if rec:
            log("mediagate config or binary changed: restarting it")
            self.stop_mediagate()
        if os.path.exists(self.fcgi_sock):
            os.unlink(self.fcgi_sock)
        log_path = os.path.join(self.logs, "mediagate.log")
        # The Debian package's way: spawn-fcgi creates the socket (owner
        # www-data for nginx's workers, 0660) and execs mediagate on fd 0.
        proc = self.procs.spawn("mediagate", [
            SPAWN_FCGI, "-n", "-s", self.fcgi_sock, "-U", NGINX_USER, "-G", NGINX_USER,
            "-M", "0660", "--", self.binary, "serve", "--config", self.config_path,
            "--workers", str(self.workers)], log_path, conf_hash=want, cwd=self.state)

        def ready():
            if proc.poll() is not None:
                raise StackError(f"mediagate exited ({proc.returncode}):\n{tail(log_path)}")
            if len(descendants(proc.pid)) < self.workers:
                return False
            return self.fcgi(self.config["server"].get("health_path", "/mediagate/health")
                             ).status in (200, 503)
        wait_until(ready, 30, "mediagate serve")

    def stop_mediagate(self):
        self.procs.stop("mediagate", timeout=15)

    def fcgi(self, uri, method="GET"):
        """Asks mediagate directly, as nginx's auth subrequest would."""
        return fcgi_request(self.fcgi_sock, {
            "REQUEST_URI": uri, "REQUEST_METHOD": method, "REMOTE_ADDR": "127.0.0.1",
            "REMOTE_PORT": "40000", "DOCUMENT_URI": "/_mediagate_auth",
            "SCRIPT_NAME": "/_mediagate_auth", "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_NAME": "localhost", "SERVER_PORT": str(self.http_port),
            "CONTENT_LENGTH": ""})

    def invalidate(self, user=None, file=None, config=None):
        args = ["invalidate", "--config", config or self.config_path]
        args += ["--user", user] if user else ["--file", file]
        return self.cli(*args)

    # -- nginx ---------------------------------------------------------------

    def _snippet(self, name, replacements):
        with open(os.path.join(NGINX_SNIPPETS, name)) as fh:
            text = substitute(fh.read(), replacements, name)
        if self.snippet_filter:
            text = self.snippet_filter(name, text)
        header_ = (f"# GENERATED by scripts/demo_stack.py from nginx/{name}: only paths and\n"
                   "# ports are substituted. Edit the original, not this copy.\n")
        return header_ + text

    def nginx_files(self):
        """{file name: text} of the nginx config (conf dir)."""
        cache = os.path.join(self.nginx_prefix, "cache")
        tmp = os.path.join(self.nginx_prefix, "tmp")
        files = {
            "mediagate-http.conf": self._snippet("mediagate-http.conf", [
                ("/var/cache/nginx/mediagate", cache)]),
            "mediagate-locations.conf": self._snippet("mediagate-locations.conf", [
                ("unix:/run/mediagate/mediagate.sock", f"unix:{self.fcgi_sock}")]),
        }
        local = ""
        if self.backend == "local":
            files["mediagate-local.conf"] = self._snippet("mediagate-local.conf", [
                ("listen 127.0.0.1:8089;", f"listen 127.0.0.1:{self.local_port};"),
                ("root /srv/mediagate/media;", f"root {self.media_dir};"),
                ("server_name mediagate-local;",
                 "server_name mediagate-local;\n    access_log "
                 f"{os.path.join(self.logs, 'local-access.log')};")])
            local = "    include mediagate-local.conf;\n"
        files["nginx.conf"] = f"""# GENERATED by scripts/demo_stack.py for {self.state}
user {NGINX_USER};
worker_processes {self.nginx_workers};
daemon off;
master_process on;
pid {os.path.join(self.nginx_prefix, 'nginx.pid')};
error_log {os.path.join(self.logs, 'nginx-error.log')} warn;
events {{ worker_connections 1024; }}

http {{
    include mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    server_tokens off;
    access_log {os.path.join(self.logs, 'nginx-access.log')};
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;

    include mediagate-http.conf;
{local}{self.extra_http_conf}
    server {{
        listen 127.0.0.1:{self.http_port};
        server_name localhost;

        include mediagate-locations.conf;

        # Demo only: static RSS feeds whose enclosures are premium links.
        location ^~ {FEED_PREFIX} {{
            alias {os.path.join(self.www, 'feeds')}/;
        }}
        location = / {{
            default_type text/plain;
            return 200 "mediagate demo: see the output of scripts/demo\\n";
        }}
{self.extra_server_conf}
    }}
}}
"""
        return files

    def _write_nginx_conf(self):
        files = self.nginx_files()
        for name in ("fastcgi_params", "mime.types"):
            with open(os.path.join("/etc/nginx", name)) as fh:
                files[name] = fh.read()
        digest = hashlib.sha256()
        for name in sorted(files):
            write_file(os.path.join(self.nginx_conf_dir, name), files[name])
            digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
        for stale in set(os.listdir(self.nginx_conf_dir)) - set(files):
            os.unlink(os.path.join(self.nginx_conf_dir, stale))
        return digest.hexdigest()[:16]

    def _nginx_argv(self, *extra):
        return [NGINX, "-p", self.nginx_prefix + "/", "-e",
                os.path.join(self.logs, "nginx-error.log"),
                "-c", os.path.join(self.nginx_conf_dir, "nginx.conf"), *extra]

    def start_nginx(self):
        want = self._write_nginx_conf()
        rec = self.procs.record("nginx")
        if rec and rec[2] == want:
            return
        if rec:
            log("nginx config changed: restarting it")
            self.stop_nginx()
        for d in ("tmp", "cache"):
            os.makedirs(os.path.join(self.nginx_prefix, d), exist_ok=True)
        r = subprocess.run(self._nginx_argv("-t", "-q"), capture_output=True, text=True,
                           env=clean_env(), timeout=60)
        if r.returncode != 0:
            raise StackError(f"nginx -t failed:\n{r.stderr}")
        log_path = os.path.join(self.logs, "nginx.out")
        proc = self.procs.spawn("nginx", self._nginx_argv(), log_path, conf_hash=want,
                                cwd=self.state)
        ports = [self.http_port] + ([self.local_port] if self.backend == "local" else [])

        def ready():
            if proc.poll() is not None:
                raise StackError(f"nginx exited ({proc.returncode}):\n"
                                 + tail(os.path.join(self.logs, "nginx-error.log")))
            return all(port_in_use(p) for p in ports)
        wait_until(ready, 30, "nginx")

    def stop_nginx(self):
        self.procs.stop("nginx", timeout=15)

    def reload_nginx(self):
        """Writes the config again and restarts nginx if it changed."""
        self.start_nginx()

    # -- data ----------------------------------------------------------------

    def upsert_user(self, email_, status="active", period_end_days=30.0, link_generation=None):
        """A user (created or kept) with a subscription whose current_period_end
        is period_end_days from now (negative: in the past; None: NULL);
        status None deletes the subscription."""
        gen = "" if link_generation is None else f", link_generation = {int(link_generation)}"
        row = self.psql(
            f"INSERT INTO mediagate_users (email) VALUES ({sql_literal(email_)}) "
            f"ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email{gen} "
            "RETURNING id, uuid, link_generation")
        uid, uuid, lg = row.split("|")
        self.set_subscription(int(uid), status, period_end_days)
        return User(email_, int(uid), uuid, int(lg))

    def set_subscription(self, user_id, status, period_end_days=30.0):
        if isinstance(user_id, User):
            user_id = user_id.id
        if status is None:
            self.psql(f"DELETE FROM mediagate_subscriptions WHERE user_id = {int(user_id)}")
            return
        end = ("NULL" if period_end_days is None else
               f"now() + interval '{int(period_end_days * 86400)} seconds'")
        self.psql(
            "INSERT INTO mediagate_subscriptions (user_id, status, current_period_end) "
            f"VALUES ({int(user_id)}, {sql_literal(status)}, {end}) ON CONFLICT (user_id) DO "
            "UPDATE SET status = EXCLUDED.status, current_period_end = "
            "EXCLUDED.current_period_end, updated_at = now()")

    def add_users(self, emails, status="active", period_end_days=30.0):
        """Many users in one statement (faster than upsert_user in a loop)."""
        values = ", ".join(f"({sql_literal(e)})" for e in emails)
        rows = self.psql(
            f"WITH u AS (INSERT INTO mediagate_users (email) VALUES {values} "
            "ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email "
            "RETURNING id, email, uuid, link_generation), "
            "s AS (INSERT INTO mediagate_subscriptions (user_id, status, current_period_end) "
            f"SELECT id, {sql_literal(status)}, now() + interval "
            f"'{int(period_end_days * 86400)} seconds' FROM u ON CONFLICT (user_id) DO UPDATE "
            "SET status = EXCLUDED.status, current_period_end = EXCLUDED.current_period_end) "
            "SELECT id, email, uuid, link_generation FROM u")
        by_email = {}
        for line in rows.splitlines():
            uid, em, uuid, lg = line.split("|")
            by_email[em] = User(em, int(uid), uuid, int(lg))
        return [by_email[e] for e in emails]

    def add_media(self, file_id, object_key, data, title=""):
        """Stores the object and its mediagate_media row; the version is a hash of
        the bytes, so new bytes get a new cache key."""
        self.put_object(object_key, data)
        version = hashlib.sha256(data).hexdigest()[:16]
        self.psql(
            "INSERT INTO mediagate_media (id, object_key, version, title) VALUES "
            f"({sql_literal(file_id)}, {sql_literal(object_key)}, {sql_literal(version)}, "
            f"{sql_literal(title)}) ON CONFLICT (id) DO UPDATE SET object_key = "
            "EXCLUDED.object_key, version = EXCLUDED.version, title = EXCLUDED.title")
        return file_id

    def token(self, user):
        """`mediagate token make` for the built-in schema's {id}{uuid}{link_generation}."""
        return self.cli("token", "make", "--config", self.config_path,
                        "--field", f"id={user.id}", "--field", f"uuid={user.uuid}",
                        "--field", f"link_generation={user.link_generation}").stdout.strip()

    def premium_path(self, user, file_id, name, token=None):
        prefix = (self.config or {}).get("url", {}).get("prefix", "/premium_media")
        token = self.token(user) if token is None else token
        return f"{prefix}/{b64_email(user.email)}/{file_id}/{token}/{name}"

    def write_feed(self, name, title, items):
        """A static RSS 2.0 feed at /demo-feeds/<name>; items: (title, url, length,
        mime type). Returns its path on the server."""
        now = email.utils.formatdate(usegmt=True)
        parts = [f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{xml_escape(title)}</title>
<link>{xml_escape(self.url("/"))}</link>
<description>{xml_escape(title)}: premium episodes (links are personal)</description>
"""]
        for i, (item_title, url, length, mime) in enumerate(items):
            parts.append(f"""<item>
<title>{xml_escape(item_title)}</title>
<guid isPermaLink="false">{xml_escape(name)}-{i}</guid>
<pubDate>{now}</pubDate>
<enclosure url={quoteattr(url)} length="{int(length)}" type={quoteattr(mime)}/>
</item>
""")
        parts.append("</channel>\n</rss>\n")
        write_file(os.path.join(self.www, "feeds", name), "".join(parts))
        return FEED_PREFIX + name


# ---------------------------------------------------------------------------
# whole-state operations (need only the state directory)

def s3_running(s3_state):
    pidfile = os.path.join(s3_state, "pids")
    if not os.path.exists(pidfile):
        return False
    with open(pidfile) as fh:
        lines = [line.split() for line in fh if line.strip()]
    return bool(lines) and all(starttime(int(p[0])) is not None for p in lines)


COMPONENTS = ("nginx", "mediagate", "redis", "postgres")


def stop_all(state):
    """Stops every recorded server of this state dir: nginx first, storage last."""
    state = os.path.abspath(state)
    procs = Procs(state)
    errors = []
    for name in COMPONENTS:
        try:
            procs.stop(name, signal.SIGINT if name == "postgres" else signal.SIGTERM,
                       timeout=20)
        except Exception as exc:  # noqa: BLE001 - stop the others anyway
            errors.append(f"{name}: {exc}")
    s3_state = os.path.join(state, "s3")
    if os.path.exists(os.path.join(s3_state, "pids")):
        r = subprocess.run([S3_STORE, "stop", s3_state], env=clean_env(), timeout=120)
        if r.returncode != 0:
            errors.append(f"s3-store stop exited {r.returncode}")
    if errors:
        raise StackError("; ".join(errors))


def status_of(state):
    """{component: pid or None}; s3 is True/False/None (None: not used)."""
    procs = Procs(state)
    out = {name: procs.pid(name) for name in reversed(COMPONENTS)}
    s3_state = os.path.join(state, "s3")
    out["s3"] = s3_running(s3_state) if os.path.exists(os.path.join(s3_state, "pids")) else None
    return out


def guard(state, remove=False):
    """Blocks until stdin closes, then stops the stack and, with remove, deletes
    the state dir (see start_guard)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    if os.path.isdir(state):
        try:
            stop_all(state)
        except Exception as exc:  # noqa: BLE001
            log(f"guard: {exc}")
            return
        if remove:
            shutil.rmtree(state, ignore_errors=True)


def start_guard(state, remove=False):
    """A watchdog process that stops this state's servers (and, with remove,
    deletes the state dir) when the returned Popen's stdin is closed or the
    caller dies in any way, even SIGKILL. Close .stdin to release it."""
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), "guard", state]
                            + (["--remove"] if remove else []),
                            stdin=subprocess.PIPE, start_new_session=True, env=clean_env(),
                            close_fds=True)


# ---------------------------------------------------------------------------
# the demo

EPISODE_SIZE = 3 * 1024 * 1024
DEMO_FILES = (
    # file id, object key, title, mime type, bytes
    ("episode-1", "shows/demo/episode-1.mp3", "Episode 1: Hello, subscribers",
     "audio/mpeg", lambda: demo_bytes(EPISODE_SIZE, "mediagate demo episode 1")),
    ("episode-2", "shows/demo/episode-2.mp3", "Episode 2: Small and fast",
     "audio/mpeg", lambda: demo_bytes(256 * 1024, "mediagate demo episode 2")),
    ("show-notes", "shows/demo/show-notes.txt", "Show notes", "text/plain",
     lambda: b"Show notes for the mediagate demo.\n"
             b"Episode 1 is 3 MiB of deterministic pseudo-random bytes, fetched and\n"
             b"cached by nginx in 1 MiB slices; episode 2 is 256 KiB.\n"),
)
DEMO_USERS = (
    # email, status, current_period_end in days from now
    ("alice@example.com", "active", 30),
    ("bob@example.com", "canceled", -30),     # paid period + 3 days grace are over
    ("carol@example.com", "past_due", -1),    # inside paid period + 3 days grace
)


def seed_demo(stack):
    """Idempotent demo data: three subscribers, three files, alice's feed.
    Returns {"users": {email: User}, "files": {id: (key, title, mime, bytes)},
    "feed": path}."""
    users = {e: stack.upsert_user(e, s, d) for e, s, d in DEMO_USERS}
    files = {}
    for file_id, key, title, mime, make in DEMO_FILES:
        data = make()
        files[file_id] = (key, title, mime, data)
        stack.add_media(file_id, key, data, title)  # same bytes again: harmless
    # Records cached before this run (e.g. Alice revoked by hand) go at once.
    for address in users:
        stack.invalidate(user=address)
    for file_id in files:
        stack.invalidate(file=file_id)
    alice = users["alice@example.com"]
    names = {"episode-1": "episode-1.mp3", "episode-2": "episode-2.mp3"}
    feed = stack.write_feed("alice.rss", "mediagate demo podcast (Alice's private feed)", [
        (files[i][1], stack.url(stack.premium_path(alice, i, n)), len(files[i][3]), files[i][2])
        for i, n in names.items()])
    return {"users": users, "files": files, "feed": feed}


def demo_start(state, binary, backend, port):
    stack = Stack(state, binary, backend=backend, http_port=port)
    t0 = time.monotonic()
    try:
        stack.start()
        data = seed_demo(stack)
    except BaseException:
        log(f"start failed; logs are in {stack.logs}. Stopping what was started.")
        stack.stop()
        raise
    users = data["users"]
    alice, bob, carol = (users[e] for e, _, _ in DEMO_USERS)
    ep = "episode-1"
    u = {
        "alice": stack.url(stack.premium_path(alice, ep, "episode-1.mp3")),
        "bob": stack.url(stack.premium_path(bob, ep, "episode-1.mp3")),
        "carol": stack.url(stack.premium_path(carol, ep, "episode-1.mp3")),
        "notes": stack.url(stack.premium_path(alice, "show-notes", "show-notes.txt")),
        "missing": stack.url(stack.premium_path(alice, "no-such-file", "nothing.mp3")),
        "feed": stack.url(data["feed"]),
        "metrics": stack.url("/mediagate/metrics"),
    }

    def check(url, expect, method="GET", headers=None):
        path = url.split(str(stack.http_port), 1)[1]
        try:
            r = http(stack.http_port, path, method, headers)
            return "ok" if r.status == expect else f"UNEXPECTED {r.status}"
        except OSError as exc:
            return f"FAILED ({exc})"
    storage = (f"OpenStack Swift + s3api on http://{stack.storage_origin} (verifies SigV4)"
               if backend == "s3" else
               f"local media dir {stack.media_dir} served on http://{stack.storage_origin}")
    checks = [
        ("Alice (active) downloads episode 1 (3 MiB) -> 200",
         f"curl -o episode-1.mp3 '{u['alice']}'", check(u["alice"], 200)),
        ("Bob (canceled, paid period ended 30 days ago) -> 403",
         f"curl -i '{u['bob']}'", check(u["bob"], 403)),
        ("Carol (past_due, period ended yesterday, 3 days grace) -> 200",
         f"curl -sS -o /dev/null -w '%{{http_code}}\\n' '{u['carol']}'", check(u["carol"], 200)),
        ("A Range request, the first 100 bytes -> 206",
         f"curl -sS -r 0-99 -o /dev/null -w '%{{http_code}} %{{size_download}} bytes\\n' "
         f"'{u['alice']}'", check(u["alice"], 206, headers={"Range": "bytes=0-99"})),
        ("Show notes (a small text file) -> 200", f"curl '{u['notes']}'", check(u["notes"], 200)),
        ("An unknown file -> 404", f"curl -i '{u['missing']}'", check(u["missing"], 404)),
        ("Alice's podcast feed; its enclosures are her premium links (paste it into a "
         "podcast app on this machine)", f"curl '{u['feed']}'", check(u["feed"], 200)),
        ("Metrics, Prometheus text (loopback only)", f"curl '{u['metrics']}'",
         check(u["metrics"], 200)),
    ]
    out = [f"\nmediagate demo is running ({time.monotonic() - t0:.1f} s)",
           f"  nginx:     http://127.0.0.1:{stack.http_port}/",
           f"  storage:   {storage}",
           f"  state:     {stack.state} (logs in {stack.logs})", ""]
    for title, cmd, result in checks:
        out += [f"# {title}   [{result}]", f"  {cmd}", ""]
    out += ["# Revoke Alice's access at once: cancel her subscription, then drop her cached record",
            f"  {sys.executable} {os.path.abspath(__file__)} demo psql {state} "
            "\"UPDATE mediagate_subscriptions SET status='canceled', current_period_end="
            "now() - interval '30 days' WHERE user_id=" + str(alice.id) + "\"",
            f"  {stack.binary} invalidate --config {stack.config_path} --user alice@example.com",
            "  (without invalidate, the cached record expires after redis.user_ttl_seconds = 60)",
            "  Run scripts/demo again to restore the demo data.", "",
            "# Status and stop", "  scripts/demo status", "  scripts/demo stop", ""]
    print("\n".join(out))
    bad = [t for t, _, r in checks if r != "ok"]
    if bad:
        log("some demo requests did not answer as expected: " + "; ".join(bad))
        return 1
    return 0


def demo_status(state):
    st = status_of(state)
    try:
        with open(os.path.join(state, "stack.json")) as fh:
            settings = json.load(fh)
    except (OSError, ValueError):
        settings = {}
    print(f"state: {state}")
    if settings:
        print(f"backend: {settings.get('backend')}, nginx on 127.0.0.1:{settings.get('http_port')}")
    for name in ("postgres", "redis", "mediagate", "nginx"):
        pid = st[name]
        print(f"  {name:10} {'running, pid ' + str(pid) if pid else 'stopped'}")
    if st["s3"] is not None or settings.get("backend") == "s3":
        print(f"  {'s3 (swift)':10} {'running' if st['s3'] else 'stopped'}")
    running = [n for n, v in st.items() if v]
    return 0 if running else 3


def main(argv):
    if len(argv) in (2, 3) and argv[0] == "guard" and argv[2:] in ([], ["--remove"]):
        guard(argv[1], remove=argv[2:] == ["--remove"])
        return 0
    if argv == ["default-state"]:
        print(default_demo_state())
        return 0
    if len(argv) >= 3 and argv[0] == "demo":
        cmd, state = argv[1], os.path.abspath(argv[2])
        if cmd == "start" and len(argv) == 6:
            return demo_start(state, argv[3], argv[4], int(argv[5]))
        if cmd == "stop":
            stop_all(state)
            print(f"mediagate demo stopped ({state})")
            return 0
        if cmd == "status":
            return demo_status(state)
        if cmd == "psql" and len(argv) == 4:
            with open(os.path.join(state, "stack.json")) as fh:
                settings = json.load(fh)
            print(Stack(state, None, backend=settings["backend"]).psql(argv[3]))
            return 0
    print("usage: demo_stack.py guard STATE | demo start STATE BINARY s3|local PORT | "
          "demo stop|status STATE | demo psql STATE SQL", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except StackError as exc:
        log(f"error: {exc}")
        sys.exit(1)
