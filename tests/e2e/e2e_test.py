#!/usr/bin/python3
"""End-to-end tests through the REAL nginx (copies of nginx/*.conf with only
paths and ports changed) in front of `mediagate serve` (under spawn-fcgi),
PostgreSQL, Redis and object storage, once per storage backend:

  S3E2ETest     storage.backend = "s3": OpenStack Swift + s3api (scripts/s3-store),
                which verifies every SigV4 signature
  LocalE2ETest  storage.backend = "local": nginx serves a media directory

The stack is scripts/mgstack (the same code as scripts/demo), in a fresh
state dir under /var/tmp (Swift needs user xattrs) per class; every server is
stopped by its recorded PID in tearDownClass, and a guard process stops them
if this process dies in any other way.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/e2e_test.py --binary build/mediagate [-v] [-k NAME] [--keep]
    ctest --test-dir build -L e2e --output-on-failure

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the stack on purpose, to check that
the suite notices (every one must make some test fail):
    no_cache_lock     proxy_cache_lock off
    no_hide_headers   drop the more_clear_headers line (storage headers pass)
    per_user_cache    cache key includes the user (no sharing between subscribers)
    no_auth           drop the auth_request line (everyone gets the file)
    no_invalidate     `mediagate invalidate` runs with another Redis key prefix
    no_retry_after    the 503 for "unavailable" has no Retry-After header
    leak_upstream     nginx adds the presigned/upstream URL as a response header
    no_notify         notify.enabled = false: no change listener, no pushed revocation
"""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.testing import (MUTATIONS, STACK_LOG_CHECKS, STACK_SETTINGS,  # noqa: E402
                             StackTestCase, run_stack_tests, settle)

SETTINGS = STACK_SETTINGS
REVOCATION_BOUND = 1.0  # s from a COMMIT to the first denial through nginx (README)
POLL = 0.05             # how often the revocation tests ask
SLICE = 1024 * 1024   # `slice 1m` in mediagate-locations.conf
# How long nginx's auth micro-cache may still answer with an allow after a
# change (mediagate-http.conf: one half-second window).
MICRO_CACHE_WINDOW = 0.5
# Lines that fail the test during which they were logged.
LOG_CHECKS = STACK_LOG_CHECKS
# Premium links Django 3.2 mints for names in many scripts, and hand-written
# file-name segments, with mediagate's expected answer (scripts/gen_url_vectors.py).
with open(os.path.join(REPO, "tests", "vectors", "file_names.json"), encoding="utf-8") as _fh:
    FILE_NAMES = [v for v in json.load(_fh)["vectors"] if v["name"].startswith(("upload-",
                                                                                 "segment-"))]


def mutate_snippet(name, text):
    """Test-only breakage of the nginx snippet copies (MEDIAGATE_E2E_MUTATE)."""
    locations, storage = "mediagate-locations.conf", "mediagate-storage.conf"
    edits = {  # mutation: (the snippet it changes, how)
        "no_cache_lock": (storage, lambda t: t.replace("proxy_cache_lock on;",
                                                       "proxy_cache_lock off;")),
        "no_hide_headers": (storage, lambda t: re.sub(
            r"more_clear_headers [^;]*;", "", t)),
        "per_user_cache": (storage, lambda t: t.replace(
            "proxy_cache_key $mediagate_cache_key$slice_range;",
            "proxy_cache_key $mediagate_cache_key$mediagate_user$slice_range;")),
        "no_auth": (locations, lambda t: t.replace("auth_request /_mediagate_auth;", "")),
        "no_retry_after": (locations, lambda t: t.replace("add_header Retry-After 30 always;",
                                                          "")),
        "leak_upstream": (storage, lambda t: t.replace(
            "add_header X-Cache-Status $upstream_cache_status always;",
            "add_header X-Cache-Status $upstream_cache_status always;\n"
            "add_header X-Debug-Upstream $mediagate_upstream always;")),
    }
    for m in sorted(MUTATIONS & set(edits)):
        file, edit = edits[m]
        if file != name:
            continue
        new = edit(text)
        if new == text:
            raise AssertionError(f"mutation {m} changed nothing in {name}")
        text = new
    return text


class E2EBase(StackTestCase):
    """The tests; one subclass per backend (this mixin is not a TestCase). The
    stack and the helpers (request, get, assert_file...) are StackTestCase's."""

    @classmethod
    def stack_options(cls):
        return {
            "mediagate_config": {
                # The default user TTL (60 s): revocation must not depend on it.
                "redis": {"file_ttl_seconds": 60,
                          "negative_ttl_seconds": 1, "key_prefix": "mg-e2e"},
                "database": {"connect_timeout_ms": 2000},
                "notify": {"enabled": "no_notify" not in MUTATIONS},
            },
            "snippet_filter": mutate_snippet,
        }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.episode = cls.demo["files"]["episode-1"][3]   # 3 MiB
        assert len(cls.episode) == 3 * SLICE
        cls.cli_config = cls.stack.config_path
        if "no_invalidate" in MUTATIONS:
            cls.cli_config = os.path.join(cls.tmp, "cli-mutated.toml")
            cfg = mg.deep_merge(cls.stack.config, {"redis": {"key_prefix": "elsewhere"},
                                                   "notify": {"enabled": False}})
            mg.write_file(cls.cli_config, mg.to_toml(cfg), 0o600)

    # -- downloads, HEAD, ranges ---------------------------------------------

    def test_download_byte_exact_then_cached(self):
        first = self.get(self.alice, "episode-1")
        self.assert_file(first, self.episode, "first download")
        again = self.get(self.alice, "episode-1")
        self.assert_file(again, self.episode, "second download")
        self.assertEqual(mg.header(again, "X-Cache-Status"), "HIT")

    def test_small_text_file(self):
        notes = self.demo["files"]["show-notes"][3]
        self.assert_file(self.get(self.alice, "show-notes", "show-notes.txt"), notes)

    def test_head(self):
        """200, the file's Content-Length, and no body on the wire."""
        path = self.stack.premium_path(self.alice, "episode-1", "episode-1.mp3")
        resp = mg.http_raw(self.stack.http_port, path.encode(), "HEAD")   # reads to EOF
        self.assertEqual(resp.status, 200)
        self.assert_no_leak(resp, "HEAD")
        self.assertEqual(int(mg.header(resp, "Content-Length")), len(self.episode))
        self.assertEqual(resp.body, b"", "HEAD answered with a body")

    def test_ranges(self):
        size = len(self.episode)
        cases = {
            "bytes=0-99": (0, 99),
            "bytes=1048000-1049999": (1048000, 1049999),          # crosses slice 1/2
            "bytes=1000000-2200000": (1000000, 2200000),          # crosses two boundaries
            "bytes=2000000-": (2000000, size - 1),                # open end, crosses 2/3
            "bytes=-1500000": (size - 1500000, size - 1),         # suffix, two slices
            "bytes=-1": (size - 1, size - 1),
            f"bytes={size - 1}-{size + 100}": (size - 1, size - 1),  # end clipped
        }
        for spec, (a, b) in cases.items():
            with self.subTest(range=spec):
                r = self.get(self.alice, "episode-1", headers={"Range": spec})
                self.assertEqual(r.status, 206, r.body[:200])
                self.assertEqual(mg.header(r, "Content-Range"), f"bytes {a}-{b}/{size}")
                self.assertEqual(int(mg.header(r, "Content-Length")), b - a + 1)
                self.assertTrue(r.body == self.episode[a:b + 1], f"{spec}: wrong bytes")
        r = self.get(self.alice, "episode-1", headers={"Range": f"bytes={size}-"})
        self.assertEqual(r.status, 416)

    def test_range_on_uncached_file_fetches_only_its_slice(self):
        fid, key, data = self.new_file(3 * SLICE)
        a, b = SLICE + 10, SLICE + 5000          # inside the second slice only
        r = self.get(self.alice, fid, headers={"Range": f"bytes={a}-{b}"})
        self.assertEqual(r.status, 206)
        self.assertTrue(r.body == data[a:b + 1], "wrong bytes")
        self.assertEqual(self.storage_gets(key, 1), 1)
        self.assert_file(self.get(self.alice, fid), data, "whole file after")
        self.assertEqual(self.storage_gets(key, 3), 3, "one GET per slice in all")

    # -- denials ---------------------------------------------------------------

    def test_bad_token_403(self):
        token = self.stack.token(self.alice)
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        self.assert_refused(self.get(self.alice, "episode-1", token=bad), 403, self.episode)
        # Bob's valid token on Alice's link, and garbage
        bobs = self.stack.token(self.bob)
        self.assert_refused(self.get(self.alice, "episode-1", token=bobs), 403, self.episode)
        self.assert_refused(self.request("/premium_media/x/y/z"), 403)
        self.assert_refused(self.request("/premium_media/a/../b/c/d/e"), 403)

    def test_unknown_user_403(self):
        ghost = mg.User("nobody@example.com", 999999, "6f1c2d9e-0a4b-4c55-9f1e-3b7a2c1d0e9f", 1)
        self.assert_refused(self.get(ghost, "episode-1"), 403, self.episode)

    def test_cancelled_subscriber_403_grace_allowed(self):
        self.assert_refused(self.get(self.bob, "episode-1"), 403, self.episode)
        # no subscription row at all
        nosub = self.new_user(status=None)
        self.assert_refused(self.get(nosub, "episode-1"), 403, self.episode)
        # Carol: past_due, period ended a day ago, 3 days grace
        self.assert_file(self.get(self.carol, "episode-1"), self.episode, "carol")

    def test_unknown_file_404(self):
        r = self.get(self.alice, "no-such-file", "nothing.mp3")
        self.assertEqual(r.status, 404, r.body[:200])

    def test_post_refused(self):
        path = self.stack.premium_path(self.alice, "episode-1", "episode-1.mp3")
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                r = self.request(path, method, {"Content-Type": "text/plain"}, b"x=1")
                self.assertIn(r.status, (403, 405), r.body[:200])
                self.assertNotIn(self.episode[:64], r.body)

    def test_postgres_and_redis_down_503(self):
        user = self.new_user()
        path = self.stack.premium_path(user, "episode-1", "episode-1.mp3")
        try:
            self.stack.redis.stop()
            self.stack.postgres.stop()
            r = self.request(path)
            self.assertEqual(r.status, 503, r.body[:200])
            self.assertTrue(mg.header(r, "Retry-After"), "503 without Retry-After")
            self.assertNotIn(self.episode[:64], r.body)
            health = self.request("/mediagate/health")
            self.assertEqual(health.status, 503)
        finally:
            t0 = time.monotonic()
            self.recover()     # back without restarting mediagate
            print(f"\n  [{self.BACKEND}] allowing again {time.monotonic() - t0:.1f} s after "
                  "PostgreSQL and Redis restarted", file=sys.stderr, flush=True)
        self.assertEqual(self.request(path).status, 200)

    # -- cache sharing ---------------------------------------------------------

    def test_cache_shared_by_50_subscribers(self):
        fid, key, data = self.new_file(512 * 1024)   # one slice
        emails = [f"{self.unique('sub')}@example.com" for _ in range(50)]
        users = self.stack.db.add_users(emails)
        for user in users:
            self.assert_file(self.get(user, fid, "ep.mp3"), data, user.email)
        self.assertEqual(self.storage_gets(key, 1), 1,
                         "50 subscribers, one file: storage must serve exactly one GET")

    def test_large_file_one_get_per_slice(self):
        fid, key, data = self.new_file(3 * SLICE - 12345)   # 3 slices
        for user in (self.alice, self.carol, self.new_user(), self.new_user()):
            self.assert_file(self.get(user, fid, "ep.mp3"), data, user.email)
        self.assertEqual(self.storage_gets(key, 3), 3, "one GET per 1 MiB slice")

    def test_concurrent_first_requests_one_get(self):
        fid, key, data = self.new_file(SLICE)     # exactly one slice
        users = self.stack.db.add_users([f"{self.unique('c')}@example.com" for _ in range(20)])
        paths = [self.stack.premium_path(u, fid, "ep.mp3") for u in users]
        barrier = threading.Barrier(len(paths))
        results = [None] * len(paths)

        def fetch(i):
            try:
                barrier.wait(timeout=30)
                results[i] = self.stack.get(paths[i])
            except Exception as exc:  # noqa: BLE001
                results[i] = exc
        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(paths))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for i, r in enumerate(results):
            self.assertIsInstance(r, mg.Response, f"request {i}: {r!r}")
            self.assert_no_leak(r, f"concurrent {i}")
            self.assert_file(r, data, f"concurrent request {i}")
        self.assertEqual(self.storage_gets(key, 1), 1,
                         "20 concurrent first requests must make one storage GET "
                         "(proxy_cache_lock)")

    # -- revocation ------------------------------------------------------------

    def test_revocation_with_invalidate_beats_nginx_cache(self):
        user = self.new_user()
        small = self.demo["files"]["episode-2"][3]
        settle()  # past the change listener's second look at the new user
        # Distinct names: each request is its own micro-cache entry, so each
        # reaches mediagate (either worker), and Redis holds the user after it.
        names = [f"e{i}.mp3" for i in range(8)]
        for name in names:
            self.assert_file(self.get(user, "episode-2", name), small)
        r = self.get(user, "episode-2", "episode-2.mp3")
        self.assert_file(r, small)
        self.assertEqual(mg.header(r, "X-Cache-Status"), "HIT", "nginx has the file cached")
        # Behind the triggers' back, as in a schema without them: only the
        # invalidate can tell the caches.
        self.stack.psql("SET session_replication_role = replica; UPDATE mediagate_subscriptions "
                        "SET status = 'canceled', current_period_end = now() - interval '30 days' "
                        f"WHERE user_id = {user.id}")
        for name in names:
            self.assert_file(self.get(user, "episode-2", "x" + name), small)  # still cached
        self.stack.mediagate.invalidate(user=user.email, config=self.cli_config)
        self.assert_denied_within_window(
            self.stack.premium_path(user, "episode-2", "episode-2.mp3"), time.monotonic(), small)
        for name in names:
            self.assertEqual(self.get(user, "episode-2", "y" + name).status, 403)
        # Everyone else still gets the cached file.
        self.assert_file(self.get(self.alice, "episode-2", "episode-2.mp3"), small)

    def assert_denied_within_window(self, path, since, data=None):
        """path, allowed until `since` (and maybe still in nginx's auth
        micro-cache), is refused (403) no later than one micro-cache window
        after `since`; until then it may still be served."""
        def denied():
            r = self.request(path)
            self.assertIn(r.status, (200, 403), r.body[:200])
            if r.status == 403 and data is not None:
                self.assertNotIn(data[:64], r.body)
            return r.status == 403
        try:
            mg.wait_until(denied, MICRO_CACHE_WINDOW + 5, "the deny after the invalidate", 0.02)
        except mg.StackError as exc:
            self.fail(str(exc))
        elapsed = time.monotonic() - since
        self.assertLessEqual(elapsed, MICRO_CACHE_WINDOW + 0.1,
                             f"deny took {elapsed:.2f} s; the micro-cache window is "
                             f"{MICRO_CACHE_WINDOW} s")

    def denied_within_bound(self, path, change_sql):
        """Asks for `path` every POLL s (an allow, so nginx's micro-cache holds it),
        runs `change_sql` with psql, and asserts the first 403 came at most
        REVOCATION_BOUND s after psql was started (so after less since the COMMIT),
        never a 5xx, and that it stays denied."""
        for _ in range(10):  # half a second of allows, the micro-cache warm
            self.assertEqual(self.request(path).status, 200)
            time.sleep(POLL)
        started = time.monotonic()
        self.stack.psql(change_sql)
        while True:
            r = self.request(path)
            elapsed = time.monotonic() - started
            self.assertIn(r.status, (200, 403), r.body[:200])
            if r.status == 403:
                break
            self.assertLess(elapsed, REVOCATION_BOUND + 5, "never denied")
            time.sleep(POLL)
        self.assertLessEqual(elapsed, REVOCATION_BOUND,
                             f"the first deny came {elapsed:.3f} s after the change")
        for _ in range(6):
            self.assertEqual(self.request(path).status, 403)
        return elapsed

    def test_cancellation_denied_within_1s_without_invalidate(self):
        user = self.new_user()
        path = self.stack.premium_path(user, "episode-2", "episode-2.mp3")
        self.denied_within_bound(path, "UPDATE mediagate_subscriptions SET status = 'canceled', "
                                 "current_period_end = now() - interval '30 days' "
                                 f"WHERE user_id = {user.id}")

    def test_cancellation_denied_within_1s_after_listener_connection_killed(self):
        user, other = self.new_user(), self.new_user()
        path = self.stack.premium_path(user, "episode-2", "episode-2.mp3")
        listening = "SELECT pid FROM pg_stat_activity WHERE application_name = 'mediagate-listener'"
        killed = self.stack.psql(listening).split()
        self.assertEqual(len(killed), 1, "one listening connection")
        # The cancellation is committed while nobody listens.
        self.denied_within_bound(path, f"SELECT pg_terminate_backend({killed[0]}); "
                                 "UPDATE mediagate_subscriptions SET status = 'canceled', "
                                 "current_period_end = now() - interval '30 days' "
                                 f"WHERE user_id = {user.id}")
        mg.wait_until(lambda: self.stack.psql(listening).split() not in ([], killed), 10,
                      "a new listening connection", 0.05)
        path = self.stack.premium_path(other, "episode-2", "episode-2.mp3")
        self.denied_within_bound(path, "UPDATE mediagate_subscriptions SET status = 'canceled', "
                                 "current_period_end = now() - interval '30 days' "
                                 f"WHERE user_id = {other.id}")

    def test_link_generation_bump_revokes_old_links(self):
        user = self.new_user()
        old = self.stack.token(user)
        self.assertEqual(self.get(user, "episode-2", "e.mp3", token=old).status, 200)
        self.stack.psql(f"UPDATE mediagate_users SET link_generation = link_generation + 1 "
                        f"WHERE id = {user.id}")
        self.stack.mediagate.invalidate(user=user.email, config=self.cli_config)
        self.assert_denied_within_window(
            self.stack.premium_path(user, "episode-2", "e.mp3", old), time.monotonic())
        bumped = user._replace(link_generation=user.link_generation + 1)
        self.assertEqual(self.get(bumped, "episode-2", "e.mp3").status, 200)

    # -- file names (tests/vectors/file_names.json) ------------------------------

    def name_request(self, base, vector):
        """GET base + the vector's raw file-name segment, byte for byte."""
        segment = vector["path"].rsplit("/", 1)[1]
        resp = mg.http_raw(self.stack.http_port, (base + segment).encode())
        self.assert_no_leak(resp, vector["name"])
        return resp

    def test_django_minted_file_names_served(self):
        """Every link Django mints (any script, the empty name) and every other
        name mediagate accepts serves the same object, fetched from storage once:
        the file name never changes what is served."""
        fid, key, data = self.new_file(64 * 1024)
        base = self.stack.premium_path(self.alice, fid, "")     # ends in "<token>/"
        accepted = [v for v in FILE_NAMES if v["mediagate"] == "none"]
        self.assertGreaterEqual(sum(v["minted"] for v in accepted), 35)
        for v in accepted:
            with self.subTest(vector=v["name"]):
                self.assert_file(self.name_request(base, v), data, v["name"])
        self.assert_file(self.request(base + "forged-other-name.txt"), data, "forged name")
        self.assertEqual(self.storage_gets(key, 1), 1, "one object, whatever the name")

    def test_refused_file_names_reach_mediagate_raw(self):
        """nginx hands REQUEST_URI to mediagate undecoded: a %2F in the name is
        refused as encoded_slash, not as the five segments its decoding has,
        and every refused name gets the rejection the vectors record (or
        nginx's own 400 for an escape it cannot decode)."""
        fid, key, data = self.new_file(4096)
        base = self.stack.premium_path(self.alice, fid, "")
        refused = [v for v in FILE_NAMES if v["mediagate"] != "none"]
        for v in refused:
            with self.subTest(vector=v["name"]):
                resp = self.name_request(base, v)
                self.assertIn(resp.status, (400, 403), v["name"])
                self.assertNotIn(data[:64], resp.body)
        log = self.stack_log("mediagate.log")
        for reason in ("encoded_slash", "dot_segment", "bad_file_name_encoding",
                       "control_char", "bad_file_name"):
            mg.wait_until(lambda: f"reason=bad_request detail={reason} " in mg.read_text(log),
                          5, f"mediagate to log detail={reason}", 0.1)
        self.assertEqual(self.storage_gets(key, 0), 0)

    # -- leaks, metrics --------------------------------------------------------

    def test_no_leaks_in_any_kind_of_answer(self):
        """request() checks every answer; this test makes sure each kind occurs."""
        kinds = {
            "allow": (self.get(self.alice, "episode-2", "e.mp3"), 200),
            "range": (self.get(self.alice, "episode-1", headers={"Range": "bytes=5-9"}), 206),
            "deny": (self.get(self.bob, "episode-1"), 403),
            "not found": (self.get(self.alice, "nope", "n.mp3"), 404),
            "bad url": (self.request("/premium_media/a/b/c/d"), 403),
            "metrics": (self.request("/mediagate/metrics"), 200),
            "health": (self.request("/mediagate/health"), 200),
        }
        for kind, (resp, status) in kinds.items():
            self.assertEqual(resp.status, status, kind)
        # HEAD and 503 are covered (with the same check) by test_head and
        # test_postgres_and_redis_down_503.

    def test_metrics_from_loopback(self):
        r = self.request("/mediagate/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn(b'mediagate_decisions_total{reason="allow"}', r.body)

    # -- a real podcast client -------------------------------------------------

    def test_podget_downloads_premium_enclosure(self):
        """podget subscribes to a subscriber's private feed, served by mediagate,
        and downloads its premium episode through nginx."""
        podget_download(self, self.stack.feed_path("demo", self.alice), "episode-1",
                        "episode-1.mp3", self.episode)


def podget_download(test, feed_path, file_id, name, data):
    """Runs podget (Debian's package, default podgetrc) on feed_path as its only
    server and asserts it saved `name` with the sha256 of `data`, fetched
    through nginx with the premium link of `file_id`."""
    if not shutil.which("podget"):
        test.fail("podget is not installed (scripts/install-deps test)")
    home = os.path.join(test.tmp, "podget-" + test._testMethodName)
    cfg, lib = os.path.join(home, "config"), os.path.join(home, "library")
    env = mg.child_env(HOME=home)
    for d in (cfg, lib, os.path.join(home, "session")):
        os.makedirs(d, exist_ok=True)
    # The package's default podgetrc, then our feed as the only server.
    subprocess.run(["podget", "-d", cfg, "--create-config", "podgetrc"], env=env, cwd=home,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=True)
    mg.write_file(os.path.join(cfg, "serverlist"), f"{test.stack.url(feed_path)} Premium E2E\n")
    r = subprocess.run(["podget", "-d", cfg, "--dir_session", os.path.join(home, "session"),
                        "-l", lib, "-n", "--verbosity", "1"], env=env, cwd=home,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
    test.assertEqual(r.returncode, 0, f"podget: {r.stdout}\n{r.stderr}")
    got = os.path.join(lib, "Premium", "E2E", name)
    test.assertTrue(os.path.exists(got), f"podget saved nothing at {got}:\n{r.stdout}")
    with open(got, "rb") as fh:
        test.assertEqual(hashlib.sha256(fh.read()).hexdigest(), hashlib.sha256(data).hexdigest())
    # podget really went through nginx with the premium link
    # (nginx logs a request after answering it: wait for the line)
    def wget_line():
        return any("Wget" in line and "/premium_media/" in line and f"/{file_id}/" in line
                   and '" 200 ' in line
                   for line in mg.read_text(test.stack_log("nginx-access.log")).splitlines())
    mg.wait_until(wget_line, 5, "a wget download of the premium link in nginx's access log")


class S3E2ETest(E2EBase, unittest.TestCase):
    BACKEND = "s3"


class LocalE2ETest(E2EBase, unittest.TestCase):
    BACKEND = "local"

    def test_kept_connections_cost_no_request_when_workers_go(self):
        """nginx keeps its FastCGI connections to mediagate (upstream
        mediagate_fastcgi). When the workers holding them go (a SIGHUP reload
        drains and closes them; a restart), nginx finds them closed and
        retries on a new connection: every request still gets its allow, none
        a 503."""
        user = self.new_user()
        settle()
        rnd = iter(range(10**6))

        def all_allowed(what):
            for _ in range(12):  # a new name each: a new micro-cache entry, a decision
                path = self.stack.premium_path(user, "episode-2", f"k{next(rnd)}.mp3")
                self.assertEqual(self.request(path).status, 200, what)

        def replaced(old):
            # Promptly: a worker that is told to stop closes its idle kept
            # connections at once instead of waiting for nginx to drop them.
            mg.wait_until(lambda: not set(old) & set(self.stack.mediagate.worker_pids())
                          and len(self.stack.mediagate.worker_pids()) == len(old), 3,
                          f"workers {old} replaced", 0.05)

        all_allowed("before")  # nginx now holds idle connections to both workers
        old = self.stack.mediagate.worker_pids()
        self.stack.mediagate.signal(signal.SIGHUP)
        replaced(old)
        all_allowed("after a reload closed the kept connections")
        self.stack.mediagate.stop()  # a restart, as on a package upgrade
        self.stack.start_mediagate()
        all_allowed("after a restart")


def main():
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))


if __name__ == "__main__":
    main()
