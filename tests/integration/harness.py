"""Integration-test harness for mediagate: real servers in a private temp dir.

Nothing in this file is a test. It gives the test files:

- `Stack`: PostgreSQL 15, redis-server and `mediagate serve --listen unix:...`
  in /tmp/mgit-XXXXXX/ (the classes of scripts/mgstack), with its configs
  (mediagate.toml, cli.toml for `invalidate`, token.toml for `token make`).
- `MediagateTestCase`: a unittest.TestCase base class that owns one Stack per
  class (setUpClass), plus fixtures (users, subscriptions, media, tokens, URLs,
  metrics) and assertions for allow / deny answers.

Every process is recorded by PID (scripts/mgstack/processes.py) and stopped by
that PID and its process group in the class cleanup, also when setUpClass
fails half-way, and at interpreter exit (atexit; SIGTERM/SIGHUP exit normally).
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import unittest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.testing import CRASH_MARKERS, LogChecks, settle  # noqa: E402
from mgstack import DAY, Metrics, b64_email, deep_merge, wait_until  # noqa: E402,F401

SETTINGS = {"binary": None, "keep_tmp": False}  # from the command line (main)
DENY_REASONS = ("bad_request", "bad_token", "unknown_user", "inactive", "not_found",
                "method", "unavailable", "shared")


class Stack:
    """PostgreSQL + Redis + `mediagate serve` in one private temp dir."""

    def __init__(self, binary=None, database="mediagate"):
        # Short paths: unix socket names are limited to 107 bytes.
        self.tmp = tempfile.mkdtemp(prefix="mgit-", dir="/tmp")
        os.chmod(self.tmp, 0o755)  # the postgres user must traverse it
        self.binary = binary or SETTINGS["binary"]
        self.procs = mg.Processes(self.tmp, stop_at_exit=True)
        self.postgres = mg.Postgres(self.procs, self.path("pgdata"), self.path("pgsock"),
                                    self.path("postgres.log"), database)
        self.redis = mg.Redis(self.procs, self.path("redis.sock"), self.path("redis"),
                              self.path("redis.log"))
        self.config_path = self.path("mediagate.toml")
        self.log_path = self.path("mediagate.log")
        self.mediagate = mg.Mediagate(self.procs, self.binary, self.config_path,
                                      self.path("mediagate.sock"), self.log_path, cwd=self.tmp)
        self.db = mg.Schema(self.postgres.psql)
        self.psql, self.fcgi = self.postgres.psql, self.mediagate.fcgi
        self.cli_config_path = self.path("cli.toml")
        self.token_config_path = self.path("token.toml")
        self.secret_path, self.s3_secret_path = self.path("secret"), self.path("s3secret")
        mg.write_file(self.secret_path, "integration-secret\n", 0o600)
        mg.write_file(self.s3_secret_path, "integration-s3-secret\n", 0o600)
        self.secret = "integration-secret"
        self.config = None
        self._wanted = set()  # the servers ensure_running() brings back

    def path(self, name):
        return os.path.join(self.tmp, name)

    def base_config(self):
        return {
            "token": {"secret_file": self.secret_path, "hash_value": "{id}{uuid}{link_generation}"},
            "storage": {"backend": "s3", "endpoint": "http://127.0.0.1:9",  # presigning is offline
                        "addressing": "path", "bucket": "media", "region": "us-east-1",
                        "access_key_id": "TESTKEY", "secret_access_key_file": self.s3_secret_path,
                        "expires_seconds": 600},
            "database": {"url": self.postgres.dsn, "connect_timeout_ms": 2000,
                         "statement_timeout_ms": 2000},
            "redis": {"address": f"unix:{self.redis.sock}", "key_prefix": "mgtest",
                      "user_ttl_seconds": 60, "file_ttl_seconds": 60, "negative_ttl_seconds": 5},
            "entitlement": {"allowed_statuses": ["active", "trialing"],
                            "grace_statuses": ["past_due", "canceled"], "use_paid_until": True,
                            "grace_seconds": 0},
            "server": {"workers": 2, "metrics_path": "/mediagate/metrics",
                       "health_path": "/mediagate/health", "drain_seconds": 5},
        }

    def write_config(self, overrides=None):
        """Writes mediagate.toml (base config + overrides), cli.toml and token.toml.
        cli.toml is a copy for `invalidate`, so it keeps working while a test has
        put a broken mediagate.toml in place; token.toml holds only [token] and
        [storage], so minting does not depend on the server-side sections."""
        self.config = deep_merge(self.base_config(), overrides)
        for path, config in ((self.config_path, self.config), (self.cli_config_path, self.config),
                             (self.token_config_path,
                              {k: self.config[k] for k in ("token", "storage")})):
            mg.write_file(path, mg.to_toml(config), 0o600)
        return self.config

    def start(self, *servers, workers=2):
        """Starts postgres, redis and/or mediagate, and brings them back in ensure_running."""
        for name in servers:
            getattr(self, name).start(**({"workers": workers} if name == "mediagate" else {}))
            self._wanted.add(name)

    def ensure_running(self):
        """Restarts whatever an earlier test left stopped."""
        for name in ("postgres", "redis", "mediagate"):
            if name in self._wanted and not getattr(self, name).running():
                getattr(self, name).start()

    def migrate(self):
        return self.mediagate.cli("migrate", "--config", self.config_path)

    def invalidate(self, user=None, file=None):
        return self.mediagate.invalidate(user, file, config=self.cli_config_path)

    def mint(self, fields, at=None):
        return self.mediagate.mint(fields, config=self.token_config_path, at=at)

    def log_offset(self, path=None):
        return len(mg.read_text(path or self.log_path).encode())

    def log_since(self, offset, path=None):
        return mg.read_text(path or self.log_path, offset)

    def close(self):
        """Stops everything this stack started; removes the temp dir (unless kept)."""
        try:
            self.procs.stop_all()
        finally:
            if SETTINGS["keep_tmp"]:
                print(f"harness: kept {self.tmp}", file=sys.stderr)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)


class MediagateTestCase(LogChecks, unittest.TestCase):
    """One Stack per class. Subclasses tune it with the class attributes and add
    data in `seed()`; tests use the fixture methods below."""

    WORKERS = 2
    CONFIG = {}        # overrides deep-merged into Stack.base_config()
    DATABASE = "mediagate"
    MIGRATE = True     # run `mediagate migrate` (the built-in schema)
    SERVE = True       # start `mediagate serve`
    REDIS = True

    stack = None
    # Waits out the change listener's second look at rows just written.
    settle = staticmethod(settle)

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(database=cls.DATABASE)
        cls.addClassCleanup(cls.stack.close)
        cls.stack.start("postgres", *(["redis"] if cls.REDIS else []))
        cls.start_servers()
        cls.stack.write_config(cls.config_overrides())
        if cls.MIGRATE:
            cls.stack.migrate()
        cls.seed()
        if cls.SERVE:
            cls.stack.start("mediagate", workers=cls.WORKERS)

    @classmethod
    def start_servers(cls):
        """More servers of the class (e.g. Redis Sentinel); runs before the config is written."""

    @classmethod
    def config_overrides(cls):
        return cls.CONFIG

    @classmethod
    def seed(cls):
        """Class-wide data; runs after migrate, before serve starts."""

    def setUp(self):
        self._counter = 0
        self.stack.ensure_running()
        super().setUp()

    def watched_logs(self):
        return {self.stack.log_path: CRASH_MARKERS}

    # -- data ----------------------------------------------------------------

    def unique(self, tag=""):
        """A short identifier unique in this class: file ids, email local parts."""
        self._counter += 1
        base = re.sub(r"[^A-Za-z0-9]", "-", self._testMethodName[5:])[:40]
        return f"{base}-{tag}{self._counter}"

    def new_email(self, tag="u"):
        return f"{self.unique(tag)}@example.com"

    @classmethod
    def create_user(cls, email, status="active", period_end=30 * DAY, link_generation=1):
        """A mediagate_users row and (unless status is None) a subscription row whose
        current_period_end is period_end seconds from now (None -> NULL)."""
        return cls.stack.db.add_user(email, status, period_end, link_generation)

    @classmethod
    def set_subscription(cls, user, status, period_end=30 * DAY):
        cls.stack.db.set_subscription(user, status, period_end)

    @classmethod
    def create_media(cls, file_id, object_key, version="1", title=""):
        return cls.stack.db.add_media(file_id, object_key, version, title)

    @classmethod
    def token_for(cls, user, link_generation=None):
        """A token for the built-in schema's hash value {id}{uuid}{link_generation}."""
        return cls.stack.mint(mg.token_fields(user, link_generation))

    media_uri = staticmethod(mg.media_path)

    def request_media(self, user, file_id, token=None, method="GET", name="episode.mp3"):
        token = self.token_for(user) if token is None else token
        return self.stack.fcgi(self.media_uri(user.email, file_id, token, name), method)

    def metrics(self):
        return self.stack.mediagate.metrics()

    # -- assertions ----------------------------------------------------------

    def assert_allowed(self, resp, object_key=None, msg=""):
        self.assertEqual(resp.status, 200, f"expected allow, got {resp} {msg}")
        self.assertNotIn("x-mediagate-reason", resp.headers, msg)
        upstream = resp.headers.get("x-mediagate-upstream", "")
        prefix = "http://127.0.0.1:9/media/"
        if object_key is not None:
            prefix += mg.s3_quote(object_key) + "?X-Amz-Algorithm="
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
    if not args.binary or not os.access(args.binary, os.X_OK):
        raise SystemExit(f"--binary {args.binary!r} is not an executable file")
    SETTINGS.update(binary=os.path.abspath(args.binary), keep_tmp=args.keep_tmp)
    mg.exit_on_signals()
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest, verbosity=2)
