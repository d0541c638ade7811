#!/usr/bin/python3
"""A slow, stdlib-only stand-in for the mediagate binary, written from the SPEC in
responder_test.py's brief. It exists to check the TEST SUITE and the harness, not
mediagate: run the suite against it to see that the tests pass against something
that behaves as specified.

    /usr/bin/python3 tests/integration/responder_test.py \\
        --binary tests/integration/mock_mediagate.py
    MEDIAGATE_REAL_BINARY=build/mediagate (default) does the crypto

usage: mock_mediagate.py serve --config F [--listen unix:PATH] [--workers N]
       mock_mediagate.py migrate --config F
       mock_mediagate.py invalidate --config F (--user EMAIL | --file ID)
       mock_mediagate.py token ... | presign ... | check-config ...  (-> the real binary)

How it works: a prefork master (SIGHUP reload, SIGTERM drain, respawn) and
workers answering FastCGI; PostgreSQL through psql (one process per query),
Redis through a small RESP client, tokens and presigned URLs through the real
binary's `token check` and `presign`, metrics in shared memory. Nothing here is
meant to be fast or to be copied into the product.
"""
import argparse
import base64
import csv
import datetime
import hashlib
import hmac
import io
import json
import multiprocessing
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REAL = os.environ.get("MEDIAGATE_REAL_BINARY", os.path.join(REPO, "build", "mediagate"))
PSQL = "/usr/lib/postgresql/15/bin/psql"
REASONS = ("allow", "bad_request", "bad_token", "unknown_user", "inactive", "not_found",
           "method", "unavailable")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
DEFAULT_USER_QUERY = (
    "SELECT u.id::text AS id, u.uuid::text AS uuid, u.link_generation::text AS link_generation, "
    "COALESCE(s.status, 'none') AS status, "
    "EXTRACT(EPOCH FROM s.current_period_end)::bigint AS paid_until "
    "FROM mediagate_users u LEFT JOIN mediagate_subscriptions s ON s.user_id = u.id "
    "WHERE u.email = $1")
DEFAULT_FILE_QUERY = "SELECT object_key, version FROM mediagate_media WHERE id = $1"


def log(level, msg):
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    sys.stderr.write(f"[{stamp}] [{level}] [{os.getpid()}] {msg}\n")
    sys.stderr.flush()


# -- config ---------------------------------------------------------------------

def load_config(path):
    with open(path, "rb") as fh:
        cfg = tomllib.load(fh)
    db = cfg.setdefault("database", {})
    db.setdefault("user_query", DEFAULT_USER_QUERY)
    db.setdefault("file_query", DEFAULT_FILE_QUERY)
    r = cfg.setdefault("redis", {})
    r.setdefault("key_prefix", "mediagate")
    ent = cfg.setdefault("entitlement", {})
    ent.setdefault("allowed_statuses", ["active", "trialing"])
    ent.setdefault("grace_statuses", ["past_due", "canceled"])
    ent.setdefault("use_paid_until", False)
    ent.setdefault("grace_seconds", 0)
    srv = cfg.setdefault("server", {})
    srv.setdefault("workers", 2)
    srv.setdefault("metrics_path", "/mediagate/metrics")
    srv.setdefault("health_path", "/mediagate/health")
    srv.setdefault("drain_seconds", 5)
    # The real binary signs and checks tokens with [token] + [storage] only.
    fd, tok = tempfile.mkstemp(prefix="mock-token-", suffix=".toml",
                               dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "w") as fh:
        for section in ("token", "storage"):
            fh.write(f"[{section}]\n")
            for k, v in cfg.get(section, {}).items():
                fh.write(f"{k} = {json.dumps(v)}\n")
    cfg["_token_config"] = tok
    with open(cfg["token"]["secret_file"], encoding="utf-8") as fh:
        cfg["_secret"] = fh.read().rstrip("\n")
    return cfg


# -- PostgreSQL via psql ----------------------------------------------------------

class DbError(Exception):
    pass


def pg_query(cfg, sql, param=None):
    """Rows (list of dicts) of sql with $1 = param."""
    if param is not None:
        literal = "'" + param.replace("'", "''") + "'"
        sql = f"PREPARE q(text) AS {sql}; EXECUTE q({literal});"
    try:
        r = subprocess.run([PSQL, "-X", "-q", "--csv", "-d", cfg["database"]["url"], "-c", sql],
                           capture_output=True, text=True, timeout=10,
                           env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "2"})
    except subprocess.TimeoutExpired as exc:
        raise DbError("timeout") from exc
    if r.returncode != 0:
        raise DbError(r.stderr.strip().splitlines()[0] if r.stderr.strip() else "psql failed")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    if not rows:
        return []
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# -- Redis ------------------------------------------------------------------------

def redis_cmd(cfg, *args):
    addr = cfg["redis"]["address"]
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX)
        target = addr[5:]
    else:
        host, port = addr.rsplit(":", 1)
        s = socket.socket(socket.AF_INET)
        target = (host, int(port))
    s.settimeout(0.5)
    with s:
        s.connect(target)
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(out)
        f = s.makefile("rb")
        line = f.readline()
        if line[:1] == b"$":
            n = int(line[1:-2])
            return None if n < 0 else f.read(n + 2)[:-2].decode()
        if line[:1] == b"-":
            raise OSError(line.decode())
        return line[1:-2].decode()


# -- metrics (shared by all workers) -------------------------------------------------

class Metrics:
    NAMES = ([f"decision:{r}" for r in REASONS] + ["redis:hit", "redis:miss", "redis:error",
             "pg:queries", "pg:errors", "restarts", "dur:sum", "dur:count"]
             + [f"dur:{b}" for b in BUCKETS])

    def __init__(self):
        self.arr = multiprocessing.Array("d", len(self.NAMES))
        self.idx = {n: i for i, n in enumerate(self.NAMES)}

    def add(self, name, value=1.0):
        with self.arr.get_lock():
            self.arr[self.idx[name]] += value

    def observe(self, seconds):
        with self.arr.get_lock():
            self.arr[self.idx["dur:sum"]] += seconds
            self.arr[self.idx["dur:count"]] += 1
            for b in BUCKETS:
                if seconds <= b:
                    self.arr[self.idx[f"dur:{b}"]] += 1

    def render(self):
        with self.arr.get_lock():
            v = {n: self.arr[i] for n, i in self.idx.items()}
        out = ["# TYPE mediagate_decisions_total counter"]
        out += [f'mediagate_decisions_total{{reason="{r}"}} {v["decision:" + r]:g}'
                for r in REASONS]
        out += ["# TYPE mediagate_redis_requests_total counter"]
        out += [f'mediagate_redis_requests_total{{result="{r}"}} {v["redis:" + r]:g}'
                for r in ("hit", "miss", "error")]
        out += [f"mediagate_postgres_queries_total {v['pg:queries']:g}",
                f"mediagate_postgres_errors_total {v['pg:errors']:g}",
                f"mediagate_worker_restarts_total {v['restarts']:g}",
                "# TYPE mediagate_decision_duration_seconds histogram"]
        out += [f'mediagate_decision_duration_seconds_bucket{{le="{b}"}} {v[f"dur:{b}"]:g}'
                for b in BUCKETS]
        out += [f'mediagate_decision_duration_seconds_bucket{{le="+Inf"}} {v["dur:count"]:g}',
                f"mediagate_decision_duration_seconds_sum {v['dur:sum']:.6f}",
                f"mediagate_decision_duration_seconds_count {v['dur:count']:g}"]
        return "\n".join(out) + "\n"


# -- the decision -------------------------------------------------------------------

TOKEN_RE = re.compile(r"^[0-9a-z]{1,13}-[0-9a-f]{20,64}$")
FILE_ID_RE = re.compile(r"^[-A-Za-z0-9_]{1,64}$")
FILE_NAME_RE = re.compile(r"^[-.A-Za-z0-9_]{1,255}$")
B64_RE = re.compile(r"^[-A-Za-z0-9_]+$")


class Deny(Exception):
    pass


def parse_uri(uri):
    if len(uri.encode()) > 2048:
        raise Deny("bad_request")
    path = uri.split("?", 1)[0]
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path) or "%" in path:
        raise Deny("bad_request")
    if not path.startswith("/premium_media/"):
        raise Deny("bad_request")
    segs = path[len("/premium_media/"):].split("/")
    if len(segs) != 4 or any(s in ("", ".", "..") for s in segs):
        raise Deny("bad_request")
    enc, file_id, token, name = segs
    if not B64_RE.match(enc) or len(enc) % 4 == 1:
        raise Deny("bad_request")
    try:
        raw = base64.urlsafe_b64decode(enc + "=" * (-len(enc) % 4))
        email = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise Deny("bad_request") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != enc or not 0 < len(raw) <= 254:
        raise Deny("bad_request")
    if not FILE_ID_RE.match(file_id) or not FILE_NAME_RE.match(name):
        raise Deny("bad_request")
    if not TOKEN_RE.match(token):
        raise Deny("bad_request")
    return email, file_id, token


class Worker:
    def __init__(self, cfg, metrics):
        self.cfg, self.metrics = cfg, metrics
        self.last_redis_log = 0.0

    def cached(self, kind, key, query, ttl_key):
        """Record from Redis or PostgreSQL; None = not found. Raises Deny('unavailable')."""
        rkey = f"{self.cfg['redis']['key_prefix']}:v1:{kind}:{key}"
        redis_ok = True
        try:
            hit = redis_cmd(self.cfg, "GET", rkey)
            self.metrics.add("redis:hit" if hit is not None else "redis:miss")
            if hit is not None:
                return json.loads(hit)
        except OSError as exc:
            redis_ok = False
            self.metrics.add("redis:error")
            if time.monotonic() - self.last_redis_log > 10:
                self.last_redis_log = time.monotonic()
                log("warning", f"redis unavailable: {exc}")
        try:
            self.metrics.add("pg:queries")
            rows = pg_query(self.cfg, self.cfg["database"][query], key)
        except DbError as exc:
            self.metrics.add("pg:errors")
            log("warning", f"postgres query failed: {exc}")
            raise Deny("unavailable") from None
        record = rows[0] if rows else None
        if redis_ok:
            ttl = self.cfg["redis"].get(ttl_key if record else "negative_ttl_seconds", 60)
            try:
                redis_cmd(self.cfg, "SET", rkey, json.dumps(record), "EX", ttl)
            except OSError:
                self.metrics.add("redis:error")
        return record

    def decide(self, params):
        if params.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            raise Deny("method")
        email, file_id, token = parse_uri(params.get("REQUEST_URI", ""))
        user = self.cached("user", email, "user_query", "user_ttl_seconds")
        if user is None:
            raise Deny("unknown_user")
        fields = [a for k, v in user.items() for a in ("--field", f"{k}={v}")]
        r = subprocess.run([REAL, "token", "check", "--config", self.cfg["_token_config"],
                            "--token", token, *fields], capture_output=True, timeout=10)
        if r.returncode != 0:
            raise Deny("bad_token")
        ent = self.cfg["entitlement"]
        status, paid = user.get("status", "none"), user.get("paid_until") or None
        if status not in ent["allowed_statuses"]:
            in_grace = (status in ent["grace_statuses"] and ent["use_paid_until"] and paid
                        and time.time() < int(paid) + ent["grace_seconds"])
            if not in_grace:
                raise Deny("inactive")
        media = self.cached("file", file_id, "file_query", "file_ttl_seconds")
        if media is None:
            raise Deny("not_found")
        r = subprocess.run([REAL, "presign", "--config", self.cfg["_token_config"],
                            "--key", media["object_key"]], capture_output=True, text=True,
                           timeout=10)
        if r.returncode != 0:
            raise Deny("unavailable")
        secret = self.cfg["_secret"].encode()
        cache_key = hashlib.sha256(f"{file_id}\0{media['version']}".encode()).hexdigest()[:32]
        user_tag = hmac.new(secret, f"user:{user['id']}".encode(), "sha256").hexdigest()[:24]
        return (f"X-Mediagate-Upstream: {r.stdout.strip()}\r\n"
                f"X-Mediagate-Cache-Key: {cache_key}\r\nX-Mediagate-User: {user_tag}\r\n")

    def respond(self, params):
        uri = params.get("REQUEST_URI", "").split("?", 1)[0]
        srv = self.cfg["server"]
        if uri == srv["health_path"]:
            try:
                pg_query(self.cfg, "SELECT 1")
                return "Content-Type: text/plain\r\n\r\nok\n"
            except DbError:
                return "Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ndown\n"
        if uri == srv["metrics_path"]:
            return ("Content-Type: text/plain; version=0.0.4\r\n\r\n"
                    + self.metrics.render())
        t0 = time.monotonic()
        try:
            headers = self.decide(params)
            reason = "allow"
            out = headers + "\r\n"
        except Deny as d:
            reason = d.args[0]
            out = f"Status: 403 Forbidden\r\nX-Mediagate-Reason: {reason}\r\n\r\n"
        self.metrics.add(f"decision:{reason}")
        self.metrics.observe(time.monotonic() - t0)
        return out


# -- FastCGI ----------------------------------------------------------------------------

def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def fcgi_read_request(conn):
    params, req_id = b"", 1
    while True:
        _, rtype, req_id, clen, plen, _ = struct.unpack("!BBHHBB", read_exact(conn, 8))
        content = read_exact(conn, clen) if clen else b""
        if plen:
            read_exact(conn, plen)
        if rtype == 4:
            params += content
        elif rtype == 5 and not content:
            break
    out, i = {}, 0
    while i < len(params):
        lens = []
        for _ in range(2):
            if params[i] >> 7:
                lens.append(struct.unpack("!I", params[i:i + 4])[0] & 0x7FFFFFFF)
                i += 4
            else:
                lens.append(params[i])
                i += 1
        name = params[i:i + lens[0]].decode("latin-1")
        i += lens[0]
        out[name] = params[i:i + lens[1]].decode("utf-8", "surrogateescape")
        i += lens[1]
    return req_id, out


def fcgi_write(conn, req_id, text):
    data = text.encode("utf-8")
    rec = b""
    for i in range(0, len(data), 65535):
        chunk = data[i:i + 65535]
        rec += struct.pack("!BBHHBB", 1, 6, req_id, len(chunk), 0, 0) + chunk
    rec += struct.pack("!BBHHBB", 1, 6, req_id, 0, 0, 0)
    rec += struct.pack("!BBHHBB", 1, 3, req_id, 8, 0, 0) + struct.pack("!IB3x", 0, 0)
    conn.sendall(rec)


def worker_main(listener, cfg, metrics):
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    w = Worker(cfg, metrics)
    while not stopping:
        ready, _, _ = select.select([listener], [], [], 0.1)
        if not ready or stopping:
            continue
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            continue
        with conn:
            conn.setblocking(True)
            try:
                req_id, params = fcgi_read_request(conn)
                params["X-Mock-Worker"] = str(os.getpid())
                fcgi_write(conn, req_id, f"X-Mock-Worker: {os.getpid()}\r\n" + w.respond(params))
            except (EOFError, OSError) as exc:
                log("warning", f"connection: {exc}")


def serve(args):
    cfg = load_config(args.config)
    workers_n = args.workers or cfg["server"]["workers"]
    if args.listen and args.listen.startswith("unix:"):
        path = args.listen[5:]
        if os.path.exists(path):
            os.unlink(path)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path)
    elif args.listen:
        host, port = args.listen.rsplit(":", 1)
        listener = socket.socket(socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, int(port)))
    else:
        listener = socket.socket(fileno=0)
    listener.listen(128)
    listener.setblocking(False)
    metrics = Metrics()
    workers = {}  # pid -> generation
    gen = [0]
    flags = {"hup": False, "term": False}
    signal.signal(signal.SIGHUP, lambda *_: flags.__setitem__("hup", True))
    signal.signal(signal.SIGTERM, lambda *_: flags.__setitem__("term", True))
    signal.signal(signal.SIGINT, lambda *_: flags.__setitem__("term", True))

    def spawn():
        pid = os.fork()
        if pid == 0:
            try:
                worker_main(listener, cfg, metrics)
            finally:
                os._exit(0)
        workers[pid] = gen[0]

    for _ in range(workers_n):
        spawn()
    log("info", f"master {os.getpid()} serving with {workers_n} workers")
    retiring = {}
    while not flags["term"]:
        time.sleep(0.02)
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if not pid:
                break
            if pid in retiring:
                retiring.pop(pid)
            elif pid in workers:
                workers.pop(pid)
                log("warning", f"worker {pid} died; respawning")
                metrics.add("restarts")
                spawn()
        if flags["hup"]:
            flags["hup"] = False
            try:
                new = load_config(args.config)
            except Exception as exc:  # noqa: BLE001
                log("error", f"reload failed, keeping the old config: {args.config}: {exc}")
                continue
            cfg = new
            gen[0] += 1
            old = dict(workers)
            workers.clear()
            for _ in range(workers_n):
                spawn()
            for pid in old:
                retiring[pid] = time.monotonic()
                os.kill(pid, signal.SIGTERM)
            log("info", f"reloaded {args.config}")
    log("info", "stopping")
    everyone = list(workers) + list(retiring)
    for pid in everyone:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + cfg["server"]["drain_seconds"]
    for pid in everyone:
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    log("info", "stopped")


def migrate(args):
    cfg = load_config(args.config)
    if pg_query(cfg, "SELECT to_regclass('public.mediagate_users') IS NOT NULL AS x")[0]["x"] \
            == "t":
        return 0
    r = subprocess.run([PSQL, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d",
                        cfg["database"]["url"], "-f", os.path.join(REPO, "sql", "001_init.sql")],
                       capture_output=True, text=True)
    sys.stderr.write(r.stderr)
    return 0 if r.returncode == 0 else 4


def invalidate(args):
    cfg = load_config(args.config)
    prefix = cfg["redis"]["key_prefix"]
    if args.user:
        redis_cmd(cfg, "DEL", f"{prefix}:v1:user:{args.user}")
    if args.file:
        redis_cmd(cfg, "DEL", f"{prefix}:v1:file:{args.file}")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("token", "presign", "check-config", "--version"):
        os.execv(REAL, [REAL] + sys.argv[1:])
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["serve", "migrate", "invalidate"])
    ap.add_argument("--config", required=True)
    ap.add_argument("--listen")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--socket-mode")
    ap.add_argument("--user")
    ap.add_argument("--file")
    args = ap.parse_args()
    sys.exit({"serve": serve, "migrate": migrate, "invalidate": invalidate}[args.command](args)
             or 0)


if __name__ == "__main__":
    main()
