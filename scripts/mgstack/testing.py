"""unittest helpers shared by tests/integration and tests/e2e: log checks, and
StackTestCase, the base of the end-to-end tests through nginx."""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from .clients import header
from .demo import demo_bytes, seed_demo
from .processes import StackError, exit_on_signals, free_port, read_text, wait_until
from .schema import DAY
from .stack import Stack, start_guard, stop_state

# Markers of a crash or a sanitizer report in mediagate's log.
CRASH_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                 "runtime error:", "terminate called", "Segmentation fault", "what():")


class LogChecks:
    """unittest.TestCase mixin: a line with one of the markers of a watched log,
    written during a test, fails that test; a failed test prints what the logs
    got meanwhile. Subclasses return {log path: markers} from watched_logs()."""

    def watched_logs(self):
        raise NotImplementedError

    def setUp(self):
        self._log_offsets = {p: os.path.getsize(p) if os.path.exists(p) else 0
                             for p in self.watched_logs()}

    def tearDown(self):
        for path, markers in self.watched_logs().items():
            lines = read_text(path, self._log_offsets.get(path, 0)).splitlines()
            if self.failed():
                print(f"\n---- {os.path.basename(path)} during {self.id()} (last 40 lines) ----\n"
                      + "\n".join(lines[-40:]), file=sys.stderr)
            bad = [line for line in lines if any(m in line for m in markers)]
            self.assertEqual(bad, [], f"{os.path.basename(path)} during {self.id()}")

    def failed(self):
        """True if this test (or one of its subtests) has failed so far."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        return bool(result) and any(getattr(test, "test_case", test) is self
                                    for test, _ in list(result.failures) + list(result.errors))


# -- the whole stack through nginx (tests/e2e) ----------------------------------

# From the command line (parse_stack_args): the mediagate binary, keep state dirs.
STACK_SETTINGS = {"binary": None, "keep": False}
# Lines of the stack's logs that fail the test during which they were logged.
STACK_LOG_CHECKS = {
    "mediagate.log": ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                      "terminate called", "Segmentation fault", "died ("),
    "nginx-error.log": ("[alert]", "[crit]", "[emerg]", "exited on signal",
                        "auth request unexpected status", "invalid URL prefix",
                        "upstream prematurely closed", "cache lock timeout"),
    # No markers: watched only so that a failed test prints its requests
    # (tokens masked; reason= and upstream_status= say who refused).
    "nginx-access.log": (),
}


def guarded_state_dir(prefix):
    """A fresh state dir under $MEDIAGATE_E2E_TMP or /var/tmp and its guard
    (stack.start_guard: stops its servers if the test process dies)."""
    parent = os.environ.get("MEDIAGATE_E2E_TMP", "/var/tmp")
    tmp = tempfile.mkdtemp(prefix=prefix, dir=parent)
    os.chmod(tmp, 0o755)
    return tmp, start_guard(tmp, remove=not STACK_SETTINGS["keep"])


def release_state_dir(tmp, guard):
    """After the servers were stopped: lets the guard exit, removes tmp (unless --keep)."""
    guard.stdin.close()   # the guard stops (nothing left) and exits
    try:
        guard.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    if STACK_SETTINGS["keep"]:
        print(f"kept {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


class StackTestCase(LogChecks):
    """unittest.TestCase mixin: one whole stack (stack.Stack: nginx with the
    nginx/ snippets, PostgreSQL, Redis, mediagate, storage BACKEND "s3" or
    "local") per class, seeded with the demo data, in a fresh state dir under
    $MEDIAGATE_E2E_TMP or /var/tmp (Swift needs user xattrs). Every server is
    stopped by its recorded PID in the class cleanup, also when setUpClass fails
    half-way, and a guard process stops them if the test process dies in any
    other way. Subclasses set BACKEND and may override stack_options()."""

    BACKEND = None
    stack = None

    @classmethod
    def stack_options(cls):
        """Keyword arguments for stack.Stack (mediagate_config, snippet_filter...)."""
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t0 = time.monotonic()
        cls.tmp, cls.guard = guarded_state_dir(f"mg-e2e-{cls.BACKEND}-")
        cls.addClassCleanup(cls._stop_stack)
        cls.stack = Stack(cls.tmp, STACK_SETTINGS["binary"], backend=cls.BACKEND,
                          http_port=free_port(), **cls.stack_options())
        cls.stack.start()
        cls.demo = seed_demo(cls.stack)
        cls.users = cls.demo["users"]
        cls.alice = cls.users["alice@example.com"]
        cls.bob = cls.users["bob@example.com"]
        cls.carol = cls.users["carol@example.com"]
        print(f"\n[{cls.BACKEND}] stack up in {time.monotonic() - t0:.1f} s "
              f"(nginx on {cls.stack.http_port}, storage {cls.stack.storage_origin})",
              file=sys.stderr, flush=True)

    @classmethod
    def _stop_stack(cls):
        try:
            stop_state(cls.tmp)
            # Sanitizer leak reports come at exit, after the last tearDown.
            markers = STACK_LOG_CHECKS["mediagate.log"]
            bad = [line for line in read_text(f"{cls.tmp}/logs/mediagate.log").splitlines()
                   if any(m in line for m in markers)]
            if bad:
                raise AssertionError(f"mediagate.log after shutdown: {bad[:5]}")
        finally:
            release_state_dir(cls.tmp, cls.guard)

    def setUp(self):
        self._n = 0
        super().setUp()
        if not (self.stack.postgres.running() and self.stack.redis.running()):
            # an earlier test left them down
            self.recover()

    def recover(self):
        """Starts PostgreSQL and Redis if they are down and waits until both
        mediagate workers allow again (they reconnect with a backoff). Each probe
        has its own file name, so nginx's auth micro-cache answers none of them."""
        self.stack.postgres.start()
        self.stack.redis.start()
        streak, probe = [0], [0]

        def allowed():
            probe[0] += 1
            path = self.stack.premium_path(self.alice, "show-notes", f"recover-{probe[0]}.txt")
            ok = self.stack.get(path).status == 200
            streak[0] = streak[0] + 1 if ok else 0
            return streak[0] >= 6
        wait_until(allowed, 60, "mediagate to allow again after PostgreSQL/Redis restart", 0.1)

    def watched_logs(self):
        return {self.stack_log(name): markers for name, markers in STACK_LOG_CHECKS.items()}

    def stack_log(self, name):
        return os.path.join(self.stack.logs, name)

    def unique(self, tag):
        self._n += 1
        return f"{self._testMethodName[5:55].replace('_', '-')}-{tag}{self._n}"

    def new_user(self, status="active", period_end=30 * DAY):
        return self.stack.db.add_user(f"{self.unique('u')}@example.com", status, period_end)

    def new_file(self, size):
        """A fresh object nobody has requested yet: (file id, key, bytes)."""
        fid = self.unique("f")
        key = f"e2e/{fid}/audio file {fid}.mp3"   # a space: exercises key encoding
        data = demo_bytes(size, fid + self.BACKEND)
        self.stack.add_media(fid, key, data)
        return fid, key, data

    # -- requests and assertions ----------------------------------------------

    def request(self, path, method="GET", headers=None, body=None):
        """Through nginx; every response is checked for leaks."""
        resp = self.stack.get(path, method=method, headers=headers, body=body)
        self.assert_no_leak(resp, f"{method} {path[:90]}")
        return resp

    def get(self, user, file_id, name="episode-1.mp3", token=None, **kw):
        return self.request(self.stack.premium_path(user, file_id, name, token), **kw)

    def assert_no_leak(self, resp, what):
        origin = self.stack.storage_origin.encode()
        for name, value in resp.headers:
            line = f"{name}: {value}".lower().encode()
            self.assertFalse(name.lower().startswith("x-mediagate-"),
                             f"{what}: internal header {name}: {value}")
            for needle in (b"x-amz-", b"signature", origin):
                self.assertNotIn(needle, line, f"{what}: header {name}: {value}")
        body = resp.body.lower()
        for needle in (b"x-amz-", b"signature", origin, b"x-mediagate-"):
            self.assertNotIn(needle, body, f"{what}: response body contains {needle!r}")

    def assert_file(self, resp, data, what=""):
        self.assertEqual(resp.status, 200, f"{what}: {resp.status} {resp.body[:200]!r}")
        self.assertEqual(int(header(resp, "Content-Length")), len(data), what)
        self.assertEqual(hashlib.sha256(resp.body).hexdigest(),
                         hashlib.sha256(data).hexdigest(), f"{what}: wrong bytes")

    def assert_refused(self, resp, status, data=None):
        self.assertEqual(resp.status, status, resp.body[:300])
        if data is not None:
            self.assertNotIn(data[:64], resp.body)

    def storage_gets(self, key, expected):
        """The storage GET count once it reaches `expected` (log lines can lag a
        moment behind the response) or after a 5 s deadline, then once more
        after a short settle, so an extra late GET is not missed."""
        try:
            wait_until(lambda: self.stack.storage_gets(key) >= expected, 5, "storage GETs", 0.1)
        except StackError:
            pass
        time.sleep(0.3)
        return self.stack.storage_gets(key)


# MEDIAGATE_E2E_MUTATE=name[,name...]: the stack broken on purpose (each test
# file lists the names it knows); some test must then fail.
MUTATIONS = frozenset(m for m in os.environ.get("MEDIAGATE_E2E_MUTATE", "").split(",") if m)



def apply_mutations(edits, name, text):
    """text with the edits {mutation: text -> text} of the mutations asked for
    in MEDIAGATE_E2E_MUTATE; fails when one of them changes nothing (the
    snippet `name` no longer has what the mutation breaks)."""
    for m in sorted(MUTATIONS & set(edits)):
        new = edits[m](text)
        if new == text:
            raise AssertionError(f"mutation {m} changed nothing in {name}")
        text = new
    return text


# The change listener looks at every changed row a second time this long after
# the notification (ChangeListener::kRecheck), dropping what was cached meanwhile.
LISTENER_RECHECK = 0.25


def settle():
    """Waits out the listener's second look at rows just written, so that a
    cache a test warms afterwards stays warm."""
    time.sleep(2 * LISTENER_RECHECK)


def run_stack_tests(default_binary):
    """The main() of a stack test file: parse_stack_args, then unittest."""
    rest = parse_stack_args(default_binary)
    if MUTATIONS:
        print(f"MEDIAGATE_E2E_MUTATE: {sorted(MUTATIONS)} (some tests MUST fail)",
              file=sys.stderr)
    unittest.main(argv=[sys.argv[0]] + rest)


def parse_stack_args(default_binary):
    """Reads --binary (default $MEDIAGATE_BIN, else default_binary) and --keep
    into STACK_SETTINGS, checks root, makes SIGTERM/SIGHUP exit normally (class
    cleanups stop the servers; the guard covers SIGKILL). Returns the remaining
    arguments for unittest.main."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--binary", default=os.environ.get("MEDIAGATE_BIN", default_binary))
    parser.add_argument("--keep", action="store_true", help="keep the state dirs")
    args, rest = parser.parse_known_args()
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"--binary {args.binary!r} is not an executable file")
    if os.geteuid() != 0:
        raise SystemExit("run as root (PostgreSQL, Swift and nginx run as their own users)")
    STACK_SETTINGS["binary"] = os.path.abspath(args.binary)
    STACK_SETTINGS["keep"] = args.keep
    exit_on_signals()
    return rest
