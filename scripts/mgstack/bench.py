"""The responder benches' stack (bench/responder_bench, bench/responder_profile):
PostgreSQL, Redis and `mediagate serve --listen` in /tmp/mediagate-bench.XXXXXX,
`users` active subscribers with one valid link each to `files` files
(good.uris, files round-robin) and links of the wrong shape (bad.uris: 403
bad_request, decided before any lookup), and bench/fcgi_load as the client.
Also what the benches share: token minting, cold decisions, fcgi_load, wrk
(installed if missing), worker RSS, bench/fcgi_cap (the fixed-answer
responder) and nginx/mediagate-locations.conf with its micro-cache off.
"""
import concurrent.futures
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from .clients import fcgi, http, media_path
from .mediagate import Mediagate, to_toml
from .postgres import Postgres
from .processes import Processes, child_env, exit_on_signals, log, tail, wait_until, write_file
from .redis_server import Redis
from .schema import Schema, token_fields


class BenchStack:
    def __init__(self, binary, load, users=1000, files=20):
        for path in (binary, load):
            if not os.access(path, os.X_OK):
                raise SystemExit(f"missing {path}")
        self.load_binary, self.users, self.files = load, users, files
        self.tmp = tempfile.mkdtemp(prefix="mediagate-bench.", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # the postgres user must reach its data and socket dirs
        exit_on_signals()
        self.procs = Processes(self.tmp, stop_at_exit=True)
        self.postgres = Postgres(self.procs, self.path("pg"), self.path("pgsock"),
                                 self.path("postgres.log"))
        self.redis = Redis(self.procs, self.path("redis.sock"), self.path("redis"),
                           self.path("redis.log"))
        self.mediagate = Mediagate(self.procs, binary, None, self.path("mg.sock"),
                                   self.path("serve.log"), cwd=self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write_config(self, name, redis=True, **server):
        """A config in the bench dir: Redis on or off, 1 worker, log level warn."""
        write_file(self.path("token-secret"), "bench-django-secret-key-0123456789abcdef\n", 0o600)
        write_file(self.path("s3-secret"), "bench-s3-secret\n", 0o600)
        write_file(self.path(name), to_toml({
            "token": {"secret_file": self.path("token-secret"),
                      "hash_value": "{id}{uuid}{link_generation}"},
            "storage": {"backend": "s3", "endpoint": "http://127.0.0.1:9", "addressing": "path",
                        "bucket": "media", "access_key_id": "BENCH",
                        "secret_access_key_file": self.path("s3-secret")},
            "database": {"url": self.postgres.dsn},
            "redis": {"enabled": redis, "address": f"unix:{self.redis.sock}",
                      "key_prefix": "bench"},
            "server": dict({"workers": 1}, **server), "log": {"level": "warn"}}), 0o600)
        return self.path(name)

    def setup(self):
        log(f"setup: PostgreSQL, Redis, schema, {self.users} users, {self.files} files")
        self.postgres.start()
        self.redis.start()
        self.config = self.write_config("cache.toml")
        self.config_nocache = self.write_config("nocache.toml", redis=False)
        self.mediagate.cli("migrate", "--config", self.config)
        users = Schema(self.postgres.psql).add_users(
            [f"listener{i}@example.com" for i in range(1, self.users + 1)])
        self.postgres.psql(
            "INSERT INTO mediagate_media (id, object_key, version) SELECT 'ep' || g, "
            f"'shows/bench/episode-' || g || '.mp3', 'v1' FROM generate_series(1, {self.files}) g;"
            " ANALYZE;")
        log(f"setup: minting {self.users} tokens")
        tokens = mint_tokens(self.mediagate, users, config=self.config)
        with open(self.path("good.uris"), "w") as out:
            for i, (user, token) in enumerate(zip(users, tokens)):
                out.write(media_path(user.email, f"ep{i % self.files + 1}", token, "ep.mp3") + "\n")
        with open(self.path("bad.uris"), "w") as out:
            out.write("/premium_media/x\n/premium_media/x/y\n/premium_media/a/b/c/d/e/f\n")

    def start_serve(self, config, workers, wrapper=(), timeout=20):
        self.mediagate.config_path = config
        self.mediagate.start(workers, wrapper=wrapper, timeout=timeout)
        return self.mediagate.master_pid

    def stop_serve(self):
        """SIGTERM to the master (it drains its workers)."""
        self.mediagate.stop(timeout=60)

    def load_argv(self, *args):
        return [self.load_binary, "--socket", f"unix:{self.mediagate.sock}", *map(str, args)]

    def load(self, *args, check=True):
        """Runs fcgi_load; returns its JSON summary."""
        return fcgi_load(self.load_binary, self.mediagate.sock, *args, check=check)

    def close(self, failed):
        try:
            self.procs.stop_all()
        finally:
            if failed:
                for name in sorted(os.listdir(self.tmp)):
                    if name.endswith(".log") and os.path.getsize(self.path(name)):
                        print(f"--- {name}\n{tail(self.path(name), 20)}", file=sys.stderr)
            shutil.rmtree(self.tmp, ignore_errors=True)


def run(main, argv):
    """Runs main(BenchStack) with the stack set up; stops everything afterwards.
    argv: [MEDIAGATE_BINARY [FCGI_LOAD_BINARY]], by default those of build-load/."""
    build = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "build-load")
    binary, load = (list(argv) + [os.path.join(build, "mediagate"),
                                  os.path.join(build, "bench", "fcgi_load")][len(argv):])[:2]
    stack, failed = BenchStack(os.path.realpath(binary), os.path.realpath(load)), True
    try:
        stack.setup()
        status = main(stack)
        failed = bool(status)
        return status
    finally:
        stack.close(failed)


def fcgi_load(binary, sock, *args, check=True):
    """Runs bench/fcgi_load against the unix socket sock; returns its JSON
    summary. With check, exits the bench when it reports errors."""
    argv = [binary, "--socket", f"unix:{sock}", *map(str, args)]
    r = subprocess.run(argv, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"fcgi_load {' '.join(map(str, args))} failed: {r.stdout}{r.stderr}")
    return json.loads(r.stdout)


WRK = "/usr/bin/wrk"


def ensure_wrk():
    """Installs Debian's wrk if it is missing."""
    if os.access(WRK, os.X_OK):
        return
    log("installing wrk (apt-get install wrk)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
                   env=child_env(DEBIAN_FRONTEND="noninteractive"), check=True,
                   stdout=subprocess.DEVNULL)


def _ms(text):
    """A wrk latency ("812.00us", "1.23ms", "2.00s") in milliseconds."""
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise SystemExit(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}[m.group(2)]


def _wrk_argv(url, connections, duration, threads=None, script=None, script_args=()):
    argv = [WRK, "-t", str(threads or connections), "-c", str(connections), "-d",
            f"{duration}s", "--latency"] + (["-s", script] if script else []) + [url]
    return argv + (["--", *map(str, script_args)] if script_args else [])


def _wrk_result(argv, returncode, out, err):
    """wrk's summary: {"requests", "rps", "p50_ms", "p99_ms"}. Exits the bench on
    socket errors or any status other than 2xx and 3xx."""
    if returncode != 0 or "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors ({' '.join(argv)}):\n{err}{out}")
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))}


def wrk(url, connections, duration, threads=None, script=None, script_args=()):
    """One wrk run (--latency); returns {"requests", "rps", "p50_ms", "p99_ms"}. Exits the
    bench on socket errors or any status other than 2xx and 3xx."""
    argv = _wrk_argv(url, connections, duration, threads, script, script_args)
    r = subprocess.run(argv, capture_output=True, text=True, env=child_env(),
                       timeout=duration + 60)
    return _wrk_result(argv, r.returncode, r.stdout, r.stderr)


# nginx's request counter, for url_mix(): add to the measured server{}.
STATUS_PATH = "/_bench_nginx_status"
STATUS_LOCATION = (f"location = {STATUS_PATH} {{\n    allow 127.0.0.1;\n    deny all;\n"
                   "    access_log off;\n    stub_status;\n}\n")
URL_MIX = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "bench", "url_mix.lua")


def nginx_requests(port):
    """Requests nginx (every worker, every server) has read so far (stub_status)."""
    r = http(port, STATUS_PATH)
    m = re.search(rb"^\s*\d+\s+\d+\s+(\d+)\s*$", r.body, re.M)
    if r.status != 200 or not m:
        raise SystemExit(f"nginx stub_status on {port}: {r.status} {r.body[:200]!r}")
    return int(m.group(1))


_shares = set()  # (list file, threads) whose per-thread files url_mix() wrote


def url_mix(url, status_port, connections, duration, paths, per_download, piece, procs,
            extra_pids=(), counters=(), settle=2.0):
    """wrk with bench/url_mix.lua, one thread per connection, thread n reading
    `paths`.n (its share of the lines of `paths`, written at the first call),
    measured in a window: wrk runs settle + duration + 1 s; nginx's request
    counter (on status_port, STATUS_LOCATION), the CPU seconds of procs,
    extra_pids and wrk (cpu_seconds) and each of `counters` (callables
    returning a number) are read settle s after wrk starts and duration s
    later. wrk's own requests/s is not used: it counts what its first threads
    did while it was still setting up the others, before its clock starts
    (with 32 threads on 2 busy cores, up to seconds).
    Returns {"requests", "rps", "cpu_us"} of the window, "deltas" (each
    counter's growth in the window, in order) and wrk's "p50_ms", "p99_ms"
    (whole run)."""
    if (paths, connections) not in _shares:
        with open(paths) as fh:
            lines = [line for line in fh.read().splitlines() if line]
        for n in range(connections):
            share = lines[n * len(lines) // connections:(n + 1) * len(lines) // connections]
            write_file(f"{paths}.{n}", "".join(
                line + "\n" for line in share or [lines[n % len(lines)]]))
        _shares.add((paths, connections))
    argv = _wrk_argv(url, connections, round(settle + duration + 1), script=URL_MIX,
                     script_args=(paths, per_download, piece))

    def sample():
        return [nginx_requests(status_port), time.monotonic(),
                cpu_seconds(procs, [*extra_pids, proc.pid])] + [c() for c in counters]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=child_env()) as proc:
        time.sleep(settle)
        before = sample()
        time.sleep(duration)
        after = sample()
        out, err = proc.communicate(timeout=settle + duration + 60)
    r = _wrk_result(argv, proc.returncode, out, err)
    requests, seconds, cpu, *deltas = (b - a for a, b in zip(before, after))
    requests -= 1  # the counter's own request
    if not 0 < requests <= r["requests"]:
        raise SystemExit(f"nginx counted {requests} requests in the window, wrk {r}")
    return {"requests": requests, "rps": requests / seconds, "cpu_us": cpu / requests * 1e6,
            "deltas": deltas, "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"]}


def cpu_seconds(procs, extra_pids=()):
    """CPU seconds (user + system) used so far by every process that `procs`
    started, those in extra_pids, and their descendants (nginx and mediagate
    workers, PostgreSQL backends...), plus this process's waited-for children
    (wrk, fcgi_load).
    Differences between two calls are what a phase cost, whatever else the
    machine was running."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}  # pid -> (ppid, user + system ticks)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    tree = {pid for pid in list(procs.pids()) + list(extra_pids) if pid in stats}
    grown = True
    while grown:
        grown = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grown = True
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sum(stats[pid][1] for pid in tree) / tick + own.ru_utime + own.ru_stime


def vm_rss_kib(pid, field="VmRSS"):
    """A live process's VmRSS (or RssAnon, RssFile, RssShmem) in KiB (/proc/PID/status)."""
    with open(f"/proc/{pid}/status") as fh:
        return int(re.search(rf"^{field}:\s+(\d+) kB", fh.read(), re.M).group(1))


def mint_tokens(mediagate, users, config=None):
    """Each user's token (`mediagate token make`, 4 at a time), in order."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda u: mediagate.mint(token_fields(u), config=config), users))


def cold_decisions(mediagate, redis, load, uris, concurrency=4, keep=False):
    """Redis FLUSHALL, then one request per line of the file uris (links of
    subscribers no mediagate process has seen) with fcgi_load (each client on
    one kept connection with keep); returns its decisions/s. Exits the bench
    unless every request was an allow and each made at least one PostgreSQL
    query (no cache anywhere answered it)."""
    with open(uris) as fh:
        count = sum(1 for line in fh if line.strip())
    redis.call("FLUSHALL")
    before = mediagate.metrics()
    r = fcgi_load(load, mediagate.sock, "--concurrency", concurrency, "--requests", count,
                  "--uri-file", uris, "--expect-status", 200, "--keep-conn", int(keep))
    after = mediagate.metrics()
    allowed, pg = (after.get(name, **lb) - before.get(name, **lb) for name, lb in (
        ("mediagate_decisions_total", {"reason": "allow"}),
        ("mediagate_postgres_queries_total", {})))
    if allowed != count or pg < count:
        raise SystemExit(f"cold decisions: {count} requests, {allowed:.0f} allowed, "
                         f"{pg:.0f} PostgreSQL queries (want one per request at least)")
    return r["rps"]


def worker_rss_kib(mediagate, field="VmRSS"):
    """{worker pid: VmRSS (or another field of vm_rss_kib) in KiB} of mediagate's workers."""
    return {pid: vm_rss_kib(pid, field) for pid in mediagate.worker_pids()}


def start_fcgi_cap(procs, binary, sock, answer_path, log_path, user, workers=2):
    """bench/fcgi_cap under spawn-fcgi, recorded as "fcgi-cap": `workers`
    processes answering every request with the file answer_path (it must hold
    the CGI answer; a file, not argv, as it holds a presigned URL). The socket
    is user:user 0660. Returns once it answers 200."""
    procs.spawn("fcgi-cap", ["/usr/bin/spawn-fcgi", "-n", "-s", sock, "-U", user, "-G", user,
                             "-M", "0660", "--", binary, str(workers)], log_path,
                env=child_env(FCGI_CAP_ANSWER=answer_path))
    wait_until(lambda: fcgi(sock, "/").status == 200, 10, "fcgi_cap")


AUTH_LOCATION = "location = /_mediagate_auth {"
MICRO_CACHE = ("fastcgi_cache", "fastcgi_ignore_headers")


def block(text, opening):
    """(start, end) of the top-level block that begins with `opening`."""
    start = text.index(opening)
    return start, text.index("\n}", start) + 2  # top-level blocks end with "}" alone


def micro_cache_off(locations):
    """The locations text without the micro-cache directives of the auth block
    (a directive may span lines up to its ';')."""
    start, end = block(locations, AUTH_LOCATION)
    kept, dropping = [], False
    for line in locations[start:end].split("\n"):
        dropping = dropping or line.strip().startswith(MICRO_CACHE)
        if not dropping:
            kept.append(line)
        elif line.rstrip().endswith(";"):
            dropping = False
    return locations[:start] + "\n".join(kept) + locations[end:]


def has_micro_cache(locations):
    start, end = block(locations, AUTH_LOCATION)
    return any(line.strip().startswith("fastcgi_cache ")
               for line in locations[start:end].splitlines())
