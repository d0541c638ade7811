"""Integration-test harness for mediagate: real servers in a private temp dir.

Nothing in this file is a test. It gives the test files:

- `Stack`: one private set of servers under /tmp/mgit-XXXXXX/ --
  PostgreSQL 15 (initdb as the `postgres` user, unix socket only, trust auth),
  redis-server (unix socket only, no persistence) and `mediagate serve`
  (prefork master + workers on a unix FastCGI socket, stderr -> mediagate.log) --
  with helpers to stop and restart each of them, run SQL, talk to Redis, run the
  mediagate CLI, find the worker PIDs and send FastCGI requests (cgi-fcgi).
- `MediagateTestCase`: a unittest.TestCase base class that owns one Stack per
  class (setUpClass), plus fixtures: users, subscriptions, media, tokens, URLs,
  metrics, and assertions for allow / deny answers.

Process hygiene (the machine is shared): every process is started by
`ProcessRegistry.spawn` in its own session/process group, its PID is recorded,
and it is stopped by that recorded PID (SIGTERM or the server's own shutdown
signal, up to 5 s, then SIGKILL to its recorded process group) in
tearDownClass, in class cleanups when setUpClass fails half-way, and at
interpreter exit (atexit; `install_signal_handlers()` turns SIGTERM/SIGHUP into
a normal exit so atexit runs). Nothing is ever killed by name.

Only the Python standard library is used.
"""
import argparse
import atexit
import base64
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from collections import namedtuple

PG_BIN = "/usr/lib/postgresql/15/bin"
PSQL = os.path.join(PG_BIN, "psql")
REDIS_SERVER = "/usr/bin/redis-server"
CGI_FCGI = "/usr/bin/cgi-fcgi"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Set by configure() from the test file's command line.
SETTINGS = {"binary": None, "keep_tmp": False}

DENY_REASONS = ("bad_request", "bad_token", "unknown_user", "inactive", "not_found",
                "method", "unavailable")
# Markers of a crash or a sanitizer report in a server log.
# Small helpers shared with the demo and the e2e tests (one copy, in scripts/).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts"))
from demo_stack import (b64_email, deep_merge, free_port, s3_quote,  # noqa: E402,F401
                        sql_literal, to_toml, toml_value)

CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "terminate called", "Segmentation fault", "what():")


def configure(binary, keep_tmp=False):
    if not binary or not os.access(binary, os.X_OK):
        raise SystemExit(f"--binary {binary!r} is not an executable file")
    SETTINGS["binary"] = os.path.abspath(binary)
    SETTINGS["keep_tmp"] = keep_tmp


def install_signal_handlers():
    """SIGTERM / SIGHUP to the test runner -> normal exit, so atexit stops the servers."""
    def _exit(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def child_env(**extra):
    """A small, predictable environment for child processes.

    MEDIAGATE_* variables are never inherited (they would override the secret
    files); sanitizer options are, so an ASan build behaves as configured."""
    env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    for name, value in os.environ.items():
        if name.startswith(("ASAN_", "UBSAN_", "LSAN_", "MSAN_", "TSAN_")):
            env[name] = value
    env.update(extra)
    return env


class Abort(Exception):
    """Raised by a wait_until predicate to stop waiting at once (e.g. the server died)."""


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    """Polls predicate() until it returns a truthy value; returns that value.

    Exceptions from predicate() mean "not yet", except Abort, which propagates.
    Raises AssertionError naming `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Abort:
            raise
        except Exception as exc:  # noqa: BLE001 - predicate errors mean "not yet"
            last_exc = exc
        if time.monotonic() >= deadline:
            extra = f" (last error: {last_exc!r})" if last_exc else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {message}{extra}")
        time.sleep(interval)




# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

def proc_stat(pid):
    """(state, ppid) of a process from /proc/PID/stat, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rest = data[data.rindex(")") + 2:].split()
    return rest[0], int(rest[1])


def pid_alive(pid):
    """True if the process exists and is not a zombie."""
    st = proc_stat(pid)
    return st is not None and st[0] != "Z"


def children_of(ppid):
    """Live (non-zombie) child PIDs of ppid, sorted."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = proc_stat(int(name))
        if st and st[1] == ppid and st[0] != "Z":
            out.append(int(name))
    return sorted(out)


def descendants_of(pid):
    """All live descendants of pid (children, grandchildren, ...)."""
    found, frontier = [], [pid]
    while frontier:
        kids = []
        for p in frontier:
            kids.extend(children_of(p))
        found.extend(kids)
        frontier = kids
    return found


def group_members(pgid):
    """Live PIDs whose process group is pgid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read().decode("ascii", "replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        rest = data[data.rindex(")") + 2:].split()
        if rest[0] != "Z" and int(rest[2]) == pgid:
            out.append(int(name))
    return out


class ProcessRegistry:
    """Every process the harness starts, by PID; stops them by that PID only."""

    def __init__(self):
        self._lock = threading.Lock()
        self._procs = {}  # pid -> (Popen, name, stop_signal)

    def spawn(self, name, argv, *, log_path, stop_signal=signal.SIGTERM, env=None, cwd=None,
              stdin=subprocess.DEVNULL, pass_fds=()):
        """Starts argv in a new session (so it leads its own process group)."""
        log = open(log_path, "ab", buffering=0)
        try:
            proc = subprocess.Popen(argv, stdin=stdin, stdout=log, stderr=log,
                                    env=env if env is not None else child_env(), cwd=cwd,
                                    start_new_session=True, close_fds=True,
                                    pass_fds=pass_fds)
        finally:
            log.close()
        with self._lock:
            self._procs[proc.pid] = (proc, name, stop_signal)
        return proc

    def pids(self):
        with self._lock:
            return sorted(self._procs)

    def stop(self, proc, sig=None, timeout=5.0):
        """Signals proc (its own stop signal by default), waits up to timeout,
        then SIGKILLs its process group. Returns the exit status."""
        with self._lock:
            entry = self._procs.get(proc.pid)
        if sig is None:
            sig = entry[2] if entry else signal.SIGTERM
        if proc.poll() is None:
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill_group(proc.pid)
                proc.wait(timeout=5)
        # Stragglers left in the group (e.g. workers of a crashed master).
        self._kill_group(proc.pid)
        with self._lock:
            self._procs.pop(proc.pid, None)
        return proc.returncode

    @staticmethod
    def _kill_group(pgid):
        """SIGKILL to the process group a recorded process leads, if it has members."""
        if not group_members(pgid):
            return
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop_all(self):
        for pid in reversed(self.pids()):
            with self._lock:
                entry = self._procs.get(pid)
            if entry:
                try:
                    self.stop(entry[0])
                except Exception as exc:  # noqa: BLE001 - keep stopping the others
                    print(f"harness: could not stop {entry[1]} pid {pid}: {exc}", file=sys.stderr)


REGISTRY = ProcessRegistry()
atexit.register(REGISTRY.stop_all)


# ---------------------------------------------------------------------------
# FastCGI requests (cgi-fcgi), Redis protocol, metrics text, TOML
# ---------------------------------------------------------------------------

Response = namedtuple("Response", "status headers body")


class FcgiError(AssertionError):
    """The request got no FastCGI answer at all (no connection, timeout, garbage)."""


def fcgi(socket_path, uri, method="GET", remote_addr="127.0.0.1", extra_env=None, timeout=10):
    """Sends one FastCGI request the way nginx auth_request would; returns a Response
    (status:int, headers: dict with lower-case names, body:str). No Status header
    means 200. Raises FcgiError if there is no parseable answer."""
    env = {
        "PATH": SYSTEM_PATH,
        "REQUEST_URI": uri,
        "REQUEST_METHOD": method,
        "REMOTE_ADDR": remote_addr,
        "REMOTE_PORT": "40000",
        "DOCUMENT_URI": "/_mediagate_auth",
        "SCRIPT_NAME": "/_mediagate_auth",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "CONTENT_LENGTH": "",
    }
    env.update(extra_env or {})
    try:
        r = subprocess.run([CGI_FCGI, "-bind", "-connect", socket_path], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise FcgiError(f"no FastCGI answer within {timeout} s for {method} {uri[:200]}") from exc
    raw = r.stdout
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise FcgiError(f"no FastCGI answer for {method} {uri[:200]}: exit {r.returncode}, "
                        f"stdout={raw[:300]!r} stderr={r.stderr[:300]!r}")
    headers = {}
    for line in head.decode("latin-1").splitlines():
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise FcgiError(f"malformed header line {line!r} in {raw[:300]!r}")
        headers[name.strip().lower()] = value.strip()
    status = 200
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return Response(status, headers, body.decode("utf-8", "replace"))


class RedisError(Exception):
    pass


def redis_command(address, *args, timeout=2.0):
    """One Redis command over RESP (address: a unix socket path or (host, port))."""
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    with sock:
        sock.connect(address)
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        sock.sendall(b"".join(parts))
        with sock.makefile("rb") as reader:
            return _resp_read(reader)


def _resp_read(reader):
    line = reader.readline()
    if not line.endswith(b"\r\n"):
        raise RedisError(f"connection closed: {line!r}")
    kind, payload = line[:1], line[1:-2]
    if kind == b"+":
        return payload.decode()
    if kind == b"-":
        raise RedisError(payload.decode())
    if kind == b":":
        return int(payload)
    if kind == b"$":
        n = int(payload)
        if n < 0:
            return None
        data = reader.read(n + 2)
        return data[:-2].decode("utf-8", "replace")
    if kind == b"*":
        n = int(payload)
        return None if n < 0 else [_resp_read(reader) for _ in range(n)]
    raise RedisError(f"unexpected reply {line!r}")


_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$')
_LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """Parsed Prometheus text exposition."""

    def __init__(self, text):
        self.text = text
        self.samples = []  # (name, {labels}, value)
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = _SAMPLE_RE.match(line)
            if not m:
                raise AssertionError(f"not a Prometheus sample line: {line!r}")
            labels = dict(_LABEL_RE.findall(m.group(2) or ""))
            self.samples.append((m.group(1), labels, float(m.group(3))))

    def find(self, name, **labels):
        return [(l, v) for n, l, v in self.samples
                if n == name and all(l.get(k) == str(x) for k, x in labels.items())]

    def has(self, name, **labels):
        return bool(self.find(name, **labels))

    def get(self, name, **labels):
        """Sum of the samples of `name` whose labels include `labels` (0 if none)."""
        return sum(v for _, v in self.find(name, **labels))














# ---------------------------------------------------------------------------
# The servers
# ---------------------------------------------------------------------------

class Stack:
    """PostgreSQL + Redis + `mediagate serve` in one private temp dir."""

    def __init__(self, binary=None, keep_tmp=None, database="mediagate"):
        self.binary = binary or SETTINGS["binary"]
        self.keep_tmp = SETTINGS["keep_tmp"] if keep_tmp is None else keep_tmp
        # Short paths: unix socket names are limited to 107 bytes.
        self.tmp = tempfile.mkdtemp(prefix="mgit-", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # the postgres user must traverse it
        self.database = database
        self.pg_data = os.path.join(self.tmp, "pgdata")
        self.pg_sockdir = os.path.join(self.tmp, "pgsock")
        self.pg_port = free_port()
        self.pg_log = os.path.join(self.tmp, "postgres.log")
        self.pg_proc = None
        self.redis_socket = os.path.join(self.tmp, "redis.sock")
        self.redis_log = os.path.join(self.tmp, "redis.log")
        self.redis_proc = None
        self.fcgi_socket = os.path.join(self.tmp, "mediagate.sock")
        self.log_path = os.path.join(self.tmp, "mediagate.log")
        self.serve_proc = None
        self.config_path = os.path.join(self.tmp, "mediagate.toml")
        self.token_config_path = os.path.join(self.tmp, "token.toml")
        self.cli_config_path = os.path.join(self.tmp, "cli.toml")
        self.secret_path = self._write_secret("secret", "integration-secret\n")
        self.s3_secret_path = self._write_secret("s3secret", "integration-s3-secret\n")
        self.config = None
        self._pg_initialized = False

    # -- files ---------------------------------------------------------------

    def path(self, name):
        return os.path.join(self.tmp, name)

    def _write_secret(self, name, text):
        path = self.path(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def write_file(self, path, text, mode=0o600):
        """Atomic replace (a reloading server never reads half a file)."""
        tmp = path + ".new"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)

    @property
    def secret(self):
        with open(self.secret_path, encoding="utf-8") as fh:
            text = fh.read()
        return text[:-1] if text.endswith("\n") else text

    # -- config --------------------------------------------------------------

    def base_config(self):
        return {
            "token": {
                "secret_file": self.secret_path,
                "hash_value": "{id}{uuid}{link_generation}",
            },
            "storage": {
                "backend": "s3",
                "endpoint": "http://127.0.0.1:9",  # nothing listens; presigning is offline
                "addressing": "path",
                "bucket": "media",
                "region": "us-east-1",
                "access_key_id": "TESTKEY",
                "secret_access_key_file": self.s3_secret_path,
                "expires_seconds": 600,
            },
            "database": {
                "url": (f"host={self.pg_sockdir} port={self.pg_port} "
                        f"dbname={self.database} user=postgres"),
                "connect_timeout_ms": 2000,
                "statement_timeout_ms": 2000,
            },
            "redis": {
                "address": f"unix:{self.redis_socket}",
                "key_prefix": "mgtest",
                "user_ttl_seconds": 60,
                "file_ttl_seconds": 60,
                "negative_ttl_seconds": 5,
            },
            "entitlement": {
                "allowed_statuses": ["active", "trialing"],
                "grace_statuses": ["past_due", "canceled"],
                "use_paid_until": True,
                "grace_seconds": 0,
            },
            "server": {
                "workers": 2,
                "metrics_path": "/mediagate/metrics",
                "health_path": "/mediagate/health",
                "drain_seconds": 5,
            },
        }

    def write_config(self, overrides=None):
        """Writes mediagate.toml (base config + overrides), cli.toml and token.toml.

        cli.toml is a copy for `invalidate`, so it keeps working while a test
        has put a broken mediagate.toml in place for the server. token.toml
        holds only [token] and [storage], identical to the main config: `token
        make` uses it, so minting does not depend on the server-side sections."""
        self.config = deep_merge(self.base_config(), overrides)
        self.write_file(self.config_path, to_toml(self.config))
        self.write_file(self.cli_config_path, to_toml(self.config))
        token_only = {k: self.config[k] for k in ("token", "storage")}
        self.write_file(self.token_config_path, to_toml(token_only))
        return self.config

    @staticmethod
    def _forget(proc):
        """Before a restart: reap the old (exited) process and any stragglers of its
        process group, and drop it from the registry."""
        if proc is not None:
            REGISTRY.stop(proc)

    # -- PostgreSQL ----------------------------------------------------------

    def _as_postgres(self, argv):
        pw = pwd.getpwnam("postgres")
        return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups",
                "--"] + argv

    def _pg_env(self):
        return child_env(HOME=self.tmp, PGHOST=self.pg_sockdir, PGPORT=str(self.pg_port))

    def start_postgres(self, timeout=30):
        """initdb on first use, then postgres on the same dir/socket/port."""
        pw = pwd.getpwnam("postgres")
        if not self._pg_initialized:
            os.makedirs(self.pg_data, mode=0o700)
            os.makedirs(self.pg_sockdir, mode=0o755)
            for d in (self.pg_data, self.pg_sockdir):
                os.chown(d, pw.pw_uid, pw.pw_gid)
            r = subprocess.run(self._as_postgres([
                os.path.join(PG_BIN, "initdb"), "-D", self.pg_data, "--auth=trust",
                "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                env=self._pg_env(), cwd=self.tmp, capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                raise RuntimeError(f"initdb failed ({r.returncode}): {r.stderr}{r.stdout}")
            self._pg_initialized = True
            first = True
        else:
            first = False
        if self.postgres_running():
            return
        self._forget(self.pg_proc)
        # The log file must be writable by root (opened here) only; postgres writes
        # to the inherited descriptor.
        self.pg_proc = REGISTRY.spawn("postgres", self._as_postgres([
            os.path.join(PG_BIN, "postgres"), "-D", self.pg_data, "-k", self.pg_sockdir,
            "-p", str(self.pg_port), "-c", "listen_addresses=",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "shared_buffers=16MB", "-c", "max_connections=40",
            "-c", "log_min_messages=warning"]),
            log_path=self.pg_log, stop_signal=signal.SIGINT,  # SIGINT = fast shutdown
            env=self._pg_env(), cwd=self.tmp)

        def ready():
            if self.pg_proc.poll() is not None:
                raise Abort(f"postgres exited ({self.pg_proc.returncode}):\n"
                                   + self.tail(self.pg_log))
            return subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-q", "-h",
                                   self.pg_sockdir, "-p", str(self.pg_port), "-U", "postgres"],
                                  env=self._pg_env(), timeout=10).returncode == 0
        try:
            wait_until(ready, timeout, 0.05, "PostgreSQL to accept connections")
        except Abort as exc:
            raise AssertionError(str(exc)) from None
        if first:
            self.psql(f'CREATE DATABASE "{self.database}"', database="postgres")

    def postgres_running(self):
        return self.pg_proc is not None and self.pg_proc.poll() is None

    def stop_postgres(self):
        """Fast shutdown (SIGINT to the postmaster); waits until it is gone."""
        if self.pg_proc is not None:
            REGISTRY.stop(self.pg_proc, signal.SIGINT, timeout=10)

    def psql(self, sql, database=None, check=True):
        """Runs SQL with ON_ERROR_STOP; returns stdout (unaligned, tuples only)."""
        r = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-h", self.pg_sockdir, "-p", str(self.pg_port), "-U", "postgres",
                            "-d", database or self.database, "-f", "-"],
                           input=sql, capture_output=True, text=True, env=self._pg_env(),
                           timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"psql failed ({r.returncode}): {r.stderr.strip()}\nSQL: {sql}")
        return r.stdout.strip()

    # -- Redis ---------------------------------------------------------------

    def start_redis(self, timeout=10):
        if self.redis_running():
            return
        self._forget(self.redis_proc)
        if os.path.exists(self.redis_socket):
            os.unlink(self.redis_socket)
        self.redis_proc = REGISTRY.spawn("redis-server", [
            REDIS_SERVER, "--port", "0", "--unixsocket", self.redis_socket,
            "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", self.tmp, "--daemonize", "no", "--loglevel", "warning"],
            log_path=self.redis_log, cwd=self.tmp)

        def ready():
            if self.redis_proc.poll() is not None:
                raise Abort(f"redis-server exited:\n{self.tail(self.redis_log)}")
            return self.redis("PING") == "PONG"
        try:
            wait_until(ready, timeout, 0.05, "Redis to answer PING")
        except Abort as exc:
            raise AssertionError(str(exc)) from None

    def redis_running(self):
        return self.redis_proc is not None and self.redis_proc.poll() is None

    def kill_redis(self):
        """SIGKILL (no clean shutdown); waits until it is gone."""
        if self.redis_proc is not None:
            REGISTRY.stop(self.redis_proc, signal.SIGKILL)

    def redis(self, *args):
        return redis_command(self.redis_socket, *args)

    # -- mediagate CLI -------------------------------------------------------

    def cli(self, *args, check=True, timeout=60):
        r = subprocess.run([self.binary, *args], capture_output=True, text=True,
                           env=child_env(), timeout=timeout, cwd=self.tmp)
        if check and r.returncode != 0:
            raise AssertionError(f"mediagate {' '.join(args)} exited {r.returncode}:\n"
                                 f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    def migrate(self):
        return self.cli("migrate", "--config", self.config_path)

    def invalidate(self, user=None, file=None):
        args = ["invalidate", "--config", self.cli_config_path]
        if user is not None:
            args += ["--user", user]
        if file is not None:
            args += ["--file", file]
        return self.cli(*args)

    def mint(self, fields, at=None):
        """`mediagate token make` with --field NAME=VALUE for each item of fields."""
        args = ["token", "make", "--config", self.token_config_path]
        for name, value in fields.items():
            args += ["--field", f"{name}={value}"]
        if at is not None:
            args += ["--at", str(int(at))]
        return self.cli(*args).stdout.strip()

    # -- mediagate serve -----------------------------------------------------

    def start_mediagate(self, workers=2, extra_args=(), timeout=15):
        """`mediagate serve --config CFG --listen unix:SOCK --workers N`; returns when N
        workers run and the socket answers a health request (200 or 503)."""
        if self.serve_running():
            raise AssertionError("mediagate serve is already running")
        self._forget(self.serve_proc)
        if os.path.exists(self.fcgi_socket):
            os.unlink(self.fcgi_socket)
        self.workers = workers
        with open(self.log_path, "ab") as fh:
            fh.write(f"==== harness: starting mediagate serve ({time.strftime('%T')})\n".encode())
        self.serve_proc = REGISTRY.spawn("mediagate serve", [
            self.binary, "serve", "--config", self.config_path,
            "--listen", f"unix:{self.fcgi_socket}", "--workers", str(workers), *extra_args],
            log_path=self.log_path, cwd=self.tmp)

        def ready():
            if self.serve_proc.poll() is not None:
                raise Abort(f"mediagate serve exited with {self.serve_proc.returncode}"
                                   f" before it was ready; log:\n{self.tail(self.log_path)}")
            if len(self.worker_pids()) != workers or not os.path.exists(self.fcgi_socket):
                return False
            return self.fcgi(self.health_path).status in (200, 503)
        try:
            wait_until(ready, timeout, 0.05, f"mediagate serve with {workers} workers")
        except Abort as exc:
            raise AssertionError(str(exc)) from None
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nlog:\n{self.tail(self.log_path)}") from None

    def serve_running(self):
        return self.serve_proc is not None and self.serve_proc.poll() is None

    @property
    def master_pid(self):
        return self.serve_proc.pid if self.serve_proc else None

    def worker_pids(self):
        return children_of(self.serve_proc.pid) if self.serve_running() else []

    def wait_for_workers(self, count=None, exclude=(), timeout=5):
        """Waits until exactly `count` live workers run, none of them in `exclude`."""
        count = self.workers if count is None else count

        def ok():
            pids = self.worker_pids()
            return pids if len(pids) == count and not set(pids) & set(exclude) else None
        return wait_until(ok, timeout, 0.05,
                          f"{count} workers (excluding {sorted(exclude)}); now "
                          f"{self.worker_pids()}")

    def signal_master(self, sig):
        os.kill(self.serve_proc.pid, sig)

    def stop_mediagate(self, sig=signal.SIGTERM, timeout=8):
        if self.serve_proc is not None:
            return REGISTRY.stop(self.serve_proc, sig, timeout=timeout)
        return None

    @property
    def health_path(self):
        return self.config["server"]["health_path"] if self.config else "/mediagate/health"

    @property
    def metrics_path(self):
        return self.config["server"]["metrics_path"] if self.config else "/mediagate/metrics"

    def fcgi(self, uri, method="GET", remote_addr="127.0.0.1", extra_env=None, timeout=10):
        return fcgi(self.fcgi_socket, uri, method, remote_addr, extra_env, timeout)

    # -- logs ----------------------------------------------------------------

    def log_offset(self, path=None):
        try:
            return os.path.getsize(path or self.log_path)
        except FileNotFoundError:
            return 0

    def log_since(self, offset, path=None):
        try:
            with open(path or self.log_path, "rb") as fh:
                fh.seek(offset)
                return fh.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def tail(self, path=None, lines=40):
        text = self.log_since(0, path)
        return "\n".join(text.splitlines()[-lines:])

    # -- all -----------------------------------------------------------------

    def ensure_running(self, serve=True, workers=None):
        """Restarts whatever an earlier test left stopped."""
        if self._pg_initialized and not self.postgres_running():
            self.start_postgres()
        if self.redis_proc is not None and not self.redis_running():
            self.start_redis()
        if serve and self.serve_proc is not None and not self.serve_running():
            self.start_mediagate(workers or self.workers)

    def recorded_pids(self):
        return [p.pid for p in (self.serve_proc, self.redis_proc, self.pg_proc) if p]

    def close(self):
        """Stops everything this stack started; removes the temp dir (unless kept)."""
        watched = []
        for proc in (self.serve_proc, self.redis_proc, self.pg_proc):
            if proc is not None and proc.poll() is None:
                watched.append(proc.pid)
                watched.extend(descendants_of(proc.pid))
        errors = []
        for stop in (self.stop_mediagate, self.kill_redis, self.stop_postgres):
            try:
                stop()
            except Exception as exc:  # noqa: BLE001 - stop the rest anyway
                errors.append(repr(exc))
        try:
            wait_until(lambda: not [p for p in watched if pid_alive(p)], 5, 0.05,
                       "all stack processes to exit")
        except AssertionError:
            errors.append(f"still alive: {[p for p in watched if pid_alive(p)]}")
        if self.keep_tmp:
            print(f"harness: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if errors:
            raise AssertionError("; ".join(errors))


class BackgroundRequests(threading.Thread):
    """Sends the same FastCGI request in a loop until stop(); collects every answer
    that is not `expect_status` (or no answer at all) in .failures."""

    def __init__(self, stack, uri, expect_status=200, pause=0.01):
        super().__init__(daemon=True)
        self.stack, self.uri, self.expect_status, self.pause = stack, uri, expect_status, pause
        self.count = 0
        self.failures = []
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                r = self.stack.fcgi(self.uri)
                if r.status != self.expect_status:
                    self.failures.append((time.monotonic(), r))
            except Exception as exc:  # noqa: BLE001 - a failed request is a finding
                self.failures.append((time.monotonic(), repr(exc)))
            self.count += 1
            time.sleep(self.pause)

    def stop(self):
        self._stop_event.set()
        self.join(timeout=15)
        return self.count, self.failures


# ---------------------------------------------------------------------------
# Test-case base class and fixtures
# ---------------------------------------------------------------------------

User = namedtuple("User", "email id uuid link_generation")


class MediagateTestCase(unittest.TestCase):
    """One Stack per class. Subclasses tune it with the class attributes and add
    data in `seed()`; tests use the fixture methods below."""

    WORKERS = 2
    CONFIG = {}        # overrides deep-merged into Stack.base_config()
    DATABASE = "mediagate"
    MIGRATE = True     # run `mediagate migrate` (the built-in schema)
    SERVE = True       # start `mediagate serve`
    REDIS = True

    stack = None

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(database=cls.DATABASE)
        cls.addClassCleanup(cls.stack.close)
        cls.stack.start_postgres()
        if cls.REDIS:
            cls.stack.start_redis()
        cls.stack.write_config(cls.config_overrides())
        if cls.MIGRATE:
            cls.stack.migrate()
        cls.seed()
        if cls.SERVE:
            cls.stack.start_mediagate(cls.WORKERS)

    @classmethod
    def config_overrides(cls):
        return cls.CONFIG

    @classmethod
    def seed(cls):
        """Class-wide data; runs after migrate, before serve starts."""

    def setUp(self):
        self._counter = 0
        self.stack.ensure_running(serve=self.SERVE)
        self._log_start = self.stack.log_offset()

    def tearDown(self):
        log = self.stack.log_since(self._log_start)
        if self._failed():
            print(f"\n---- mediagate.log during {self.id()} (last 40 lines) ----\n"
                  + "\n".join(log.splitlines()[-40:]), file=sys.stderr)
        crashes = [line for line in log.splitlines()
                   if any(marker in line for marker in CRASH_MARKERS)]
        self.assertEqual(crashes, [], "crash or sanitizer report in mediagate.log")

    def _failed(self):
        """True if this test (or one of its subtests) has failed so far."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return False
        return any(getattr(test, "test_case", test) is self
                   for test, _ in list(result.failures) + list(result.errors))

    # -- data ----------------------------------------------------------------

    def unique(self, tag=""):
        """A short identifier unique in this class: file ids, email local parts."""
        self._counter += 1
        base = re.sub(r"[^A-Za-z0-9]", "-", self._testMethodName[5:])[:40]
        return f"{base}-{tag}{self._counter}" if tag else f"{base}-{self._counter}"

    def new_email(self, tag="u"):
        return f"{self.unique(tag)}@example.com"

    @classmethod
    def create_user(cls, email, status="active", period_end=30 * 86400, link_generation=1):
        """A mediagate_users row and (unless status is None) a subscription row.
        period_end: seconds from now for current_period_end (None -> NULL)."""
        sub = ""
        if status is not None:
            end = "NULL" if period_end is None else f"now() + interval '{int(period_end)} seconds'"
            sub = (", s AS (INSERT INTO mediagate_subscriptions (user_id, status, "
                   f"current_period_end) SELECT id, {sql_literal(status)}, {end} FROM u)")
        out = cls.stack.psql(
            f"WITH u AS (INSERT INTO mediagate_users (email, link_generation) VALUES "
            f"({sql_literal(email)}, {int(link_generation)}) RETURNING id, uuid, link_generation)"
            f"{sub} SELECT id, uuid, link_generation FROM u")
        uid, uuid, gen = out.split("|")
        return User(email, int(uid), uuid, int(gen))

    @classmethod
    def set_subscription(cls, user, status, period_end=30 * 86400):
        end = "NULL" if period_end is None else f"now() + interval '{int(period_end)} seconds'"
        cls.stack.psql(
            "INSERT INTO mediagate_subscriptions (user_id, status, current_period_end) "
            f"VALUES ({user.id}, {sql_literal(status)}, {end}) ON CONFLICT (user_id) DO UPDATE "
            "SET status = EXCLUDED.status, current_period_end = EXCLUDED.current_period_end, "
            "updated_at = now()")

    @classmethod
    def create_media(cls, file_id, object_key, version="1", title=""):
        cls.stack.psql("INSERT INTO mediagate_media (id, object_key, version, title) VALUES "
                       f"({sql_literal(file_id)}, {sql_literal(object_key)}, "
                       f"{sql_literal(version)}, {sql_literal(title)})")
        return file_id

    @classmethod
    def token_for(cls, user, link_generation=None):
        """A token for the built-in schema's hash value {id}{uuid}{link_generation}."""
        gen = user.link_generation if link_generation is None else link_generation
        return cls.stack.mint({"id": user.id, "uuid": user.uuid, "link_generation": gen})

    @staticmethod
    def media_uri(email, file_id, token, name="episode.mp3", prefix="/premium_media"):
        return f"{prefix}/{b64_email(email)}/{file_id}/{token}/{name}"

    def request_media(self, user, file_id, token=None, method="GET", name="episode.mp3"):
        token = self.token_for(user) if token is None else token
        return self.stack.fcgi(self.media_uri(user.email, file_id, token, name), method)

    def metrics(self):
        r = self.stack.fcgi(self.stack.metrics_path)
        self.assertEqual(r.status, 200, f"metrics: {r}")
        return Metrics(r.body)

    # -- assertions ----------------------------------------------------------

    def assert_allowed(self, resp, object_key=None, msg=""):
        self.assertEqual(resp.status, 200, f"expected allow, got {resp} {msg}")
        self.assertNotIn("x-mediagate-reason", resp.headers, msg)
        upstream = resp.headers.get("x-mediagate-upstream", "")
        prefix = "http://127.0.0.1:9/media/"
        if object_key is not None:
            prefix += s3_quote(object_key) + "?X-Amz-Algorithm="
        self.assertTrue(upstream.startswith(prefix), f"upstream {upstream!r} should start "
                        f"with {prefix!r} {msg}")
        self.assertIn("X-Amz-Signature=", upstream, msg)
        cache_key = resp.headers.get("x-mediagate-cache-key", "")
        self.assertTrue(cache_key, f"no X-Mediagate-Cache-Key in {resp} {msg}")
        self.assertNotIn("Signature", cache_key, msg)
        self.assertNotIn("X-Amz", cache_key, msg)
        self.assertTrue(resp.headers.get("x-mediagate-user"), f"no X-Mediagate-User {msg}")
        return resp

    def assert_denied(self, resp, reason, msg=""):
        """403 with X-Mediagate-Reason == reason (or one of a tuple of reasons)."""
        reasons = (reason,) if isinstance(reason, str) else tuple(reason)
        self.assertEqual(resp.status, 403, f"expected 403 {reasons}, got {resp} {msg}")
        self.assertIn(resp.headers.get("x-mediagate-reason"), reasons, f"{resp} {msg}")
        self.assertNotIn("x-mediagate-upstream", resp.headers,
                         f"a deny must not carry an upstream URL: {resp} {msg}")
        return resp


def main(doc):
    """The command line every integration test file shares:
    FILE.py --binary PATH [--keep-tmp] [unittest arguments]."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--binary", default=os.environ.get("MEDIAGATE_BINARY"),
                    help="the mediagate executable (default: $MEDIAGATE_BINARY)")
    ap.add_argument("--keep-tmp", action="store_true",
                    help="keep each class's /tmp/mgit-* dir (configs, server logs)")
    args, rest = ap.parse_known_args()
    configure(args.binary, keep_tmp=args.keep_tmp)
    install_signal_handlers()
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
