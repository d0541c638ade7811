"""The responder benches' stack (bench/responder_bench, bench/responder_profile):
PostgreSQL, Redis and `mediagate serve --listen` in /tmp/mediagate-bench.XXXXXX,
`users` active subscribers with one valid link each to `files` files
(good.uris, files round-robin) and links of the wrong shape (bad.uris: 403
bad_request, decided before any lookup), and bench/fcgi_load as the client.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from .clients import media_path
from .mediagate import Mediagate, to_toml
from .postgres import Postgres
from .processes import Processes, exit_on_signals, log, tail, write_file
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
        with open(self.path("good.uris"), "w") as out:
            for i, user in enumerate(users):
                token = self.mediagate.mint(token_fields(user), config=self.config)
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
        r = subprocess.run(self.load_argv(*args), capture_output=True, text=True)
        if check and r.returncode != 0:
            raise SystemExit(f"fcgi_load {' '.join(map(str, args))} failed: {r.stdout}{r.stderr}")
        return json.loads(r.stdout)

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
