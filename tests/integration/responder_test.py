#!/usr/bin/python3
"""Integration tests of the mediagate FastCGI responder against real servers.

usage: /usr/bin/python3 tests/integration/responder_test.py --binary PATH/TO/mediagate
                        [--keep-tmp] [unittest arguments: -v, -k PATTERN, TestClass[.test]]

  e.g. responder_test.py --binary build/mediagate DecisionTest
       responder_test.py --binary build/mediagate -k sighup

Every TestCase class gets its own PostgreSQL 15 cluster, redis-server and
`mediagate serve --listen unix:... --workers N` in /tmp/mgit-XXXXXX (see
harness.py), talks to it over FastCGI exactly as nginx auth_request would, and
stops everything afterwards (--keep-tmp keeps the dir with the logs). Needs root
and the packages of `scripts/install-deps test`.

What is tested (the responder's contract):
  DecisionTest            allow headers; every deny reason, always 403 + X-Mediagate-Reason
  CacheInvalidationTest   cancellation, link_generation bump, file version, negative entries
  DegradationRedisTest    Redis killed: decisions from PostgreSQL, rate-limited log, recovery
  DegradationPostgresTest PostgreSQL stopped: warm cache allows, cold cache/both down
                          -> unavailable, deny never turns into allow, health 503
  MetricsHealthTest       Prometheus counters summed across workers, histogram, health
  ProcessTest             worker SIGKILL respawn, SIGHUP reload (good and broken config)
  ShutdownTest            SIGTERM drains an in-flight request, then the master exits
  MigrateTest             `mediagate migrate` creates the built-in schema, idempotently
  DjangoSchemaTest        the seed's Django tables and a token minted by real Django
  DjangoTokenCompatTest   `token make` == Django for the seed's generator (no servers)
  HarnessCleanupTest      the harness stops what it started, even orphaned workers
"""
import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MediagateTestCase, b64_email, wait_until  # noqa: E402

OBJECT_KEY = "shows/episode 1 (final)+mix=ü.mp3"
ALL_REASONS = ("allow",) + harness.DENY_REASONS
DAY = 86400


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------

class DecisionTest(MediagateTestCase):
    """One request, one decision: allow with its headers, or 403 with a reason."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY, version="7", title="Episode 1")
        cls.create_media("ep2", "shows/episode-2.mp3")

    def test_allow_sets_upstream_cache_key_and_user_headers(self):
        email = self.new_email()
        user = self.create_user(email, "active")
        r = self.assert_allowed(self.request_media(user, "ep1"), object_key=OBJECT_KEY)
        upstream = r.headers["x-mediagate-upstream"]
        self.assertIn("X-Amz-Credential=TESTKEY%2F", upstream)
        self.assertIn("X-Amz-Expires=600", upstream)
        self.assertTrue(r.headers.get("x-mediagate-cache-key"))
        for value in r.headers.values():
            for secret in (email, b64_email(email), email.split("@")[0], user.uuid):
                self.assertNotIn(secret, value, f"header leaks {secret!r}: {r.headers}")

    def test_allow_head(self):
        user = self.create_user(self.new_email(), "active")
        self.assert_allowed(self.request_media(user, "ep1", method="HEAD"))

    def test_allow_ignores_query_string(self):
        user = self.create_user(self.new_email(), "active")
        uri = self.media_uri(user.email, "ep1", self.token_for(user)) + "?utm_source=app&x=%2F"
        self.assert_allowed(self.stack.fcgi(uri), object_key=OBJECT_KEY)

    def test_allow_trialing(self):
        user = self.create_user(self.new_email(), "trialing", period_end=None)
        self.assert_allowed(self.request_media(user, "ep1"))

    def test_allow_past_due_until_period_end(self):
        user = self.create_user(self.new_email(), "past_due", period_end=3 * DAY)
        self.assert_allowed(self.request_media(user, "ep1"))

    def test_allow_canceled_until_period_end(self):
        user = self.create_user(self.new_email(), "canceled", period_end=3 * DAY)
        self.assert_allowed(self.request_media(user, "ep1"))

    def test_two_users_same_file_share_cache_key_not_user(self):
        a = self.create_user(self.new_email("a"), "active")
        b = self.create_user(self.new_email("b"), "active")
        ra = self.assert_allowed(self.request_media(a, "ep1"))
        rb = self.assert_allowed(self.request_media(b, "ep1"))
        self.assertEqual(ra.headers["x-mediagate-cache-key"], rb.headers["x-mediagate-cache-key"])
        self.assertNotEqual(ra.headers["x-mediagate-user"], rb.headers["x-mediagate-user"])
        # Stable for the same user, different for another file.
        self.assertEqual(self.request_media(a, "ep1").headers["x-mediagate-user"],
                         ra.headers["x-mediagate-user"])
        r2 = self.assert_allowed(self.request_media(a, "ep2"), object_key="shows/episode-2.mp3")
        self.assertNotEqual(r2.headers["x-mediagate-cache-key"], ra.headers["x-mediagate-cache-key"])

    def test_cache_entries_use_key_prefix(self):
        user = self.create_user(self.new_email(), "active")
        self.assert_allowed(self.request_media(user, "ep1"))
        # The worker sends its held-back writes as soon as it has nothing to do.
        keys = wait_until(lambda: self.stack.redis.call("KEYS", "*"), 2,
                          "the decision's records in Redis", 0.01)
        self.assertEqual([k for k in keys if not k.startswith("mgtest")], [])

    def test_last_records_reach_redis_when_the_worker_goes_idle(self):
        """A worker holds its Redis writes back until its next read, which
        carries them; the last decision's writes go out once it has nothing
        else to do."""
        user = self.create_user(self.new_email("idle"), "active")
        self.create_media("idle-ep", "shows/idle.mp3")
        self.settle()  # the listener's deletes for the new rows are over
        self.assert_allowed(self.request_media(user, "idle-ep"), object_key="shows/idle.mp3")
        want = {":user:" + hashlib.sha256(user.email.encode()).hexdigest(), ":file:idle-ep"}

        def written():
            keys = self.stack.redis.call("KEYS", "mgtest*")
            return all(any(k.endswith(w) for k in keys) for w in want)
        wait_until(written, 2, "both records of the decision in Redis", 0.01)

    def test_redis_records_are_authenticated(self):
        """Issue 9 item 10: a record written into Redis by anyone else, or a
        genuine one copied to another key, is a counted miss, never a decision."""
        redis = self.stack.redis
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        good = self.create_user(self.new_email("good"), "active")
        self.create_media("moved", "shows/moved.mp3")
        self.settle()  # the listener's deletes for the new rows are over
        unverified = self.metrics().get("mediagate_redis_requests_total", result="unverified")
        forged = {"v": 1, "found": True, "status": "active", "suspended": False,
                  "fields": {"id": str(gone.id), "uuid": gone.uuid,
                             "link_generation": str(gone.link_generation)}}
        redis.call("SET", "mgtest:v3:user:" + hashlib.sha256(gone.email.encode()).hexdigest(),
                   json.dumps(forged))
        self.assert_denied(self.request_media(gone, "ep1"), "inactive")
        self.assert_allowed(self.request_media(good, "ep1"), OBJECT_KEY)
        self.assertEqual(redis.call("COPY", "mgtest:v3:file:ep1", "mgtest:v3:file:moved",
                                    "REPLACE"), 1)
        self.assert_allowed(self.request_media(good, "moved"), "shows/moved.mp3")
        self.assertEqual(self.metrics().get("mediagate_redis_requests_total",
                                            result="unverified") - unverified, 2)

    # -- deny: one test per reason -------------------------------------------

    def test_deny_method(self):
        user = self.create_user(self.new_email(), "active")
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            with self.subTest(method=method):
                self.assert_denied(self.request_media(user, "ep1", method=method), "method")

    def test_deny_bad_request(self):
        user = self.create_user(self.new_email(), "active")
        tok = self.token_for(user)
        b = b64_email(user.email)
        self.assert_allowed(self.stack.fcgi(f"/premium_media/{b}/ep1/{tok}/episode.mp3"))
        padded = base64.urlsafe_b64encode(b"ab@example.com").decode()
        self.assertTrue(padded.endswith("="))
        non_utf8 = base64.urlsafe_b64encode(b"\xff\xfe@example.com").decode().rstrip("=")
        cases = {
            "wrong prefix": f"/premium/{b}/ep1/{tok}/episode.mp3",
            "prefix without slash": f"/premium_mediax/{b}/ep1/{tok}/episode.mp3",
            "root": "/",
            "prefix only": "/premium_media/",
            "three segments": f"/premium_media/{b}/ep1/{tok}",
            "five segments": f"/premium_media/{b}/ep1/{tok}/more/episode.mp3",
            "empty email": f"/premium_media//ep1/{tok}/episode.mp3",
            "empty file id": f"/premium_media/{b}//{tok}/episode.mp3",
            "trailing slash": f"/premium_media/{b}/ep1/{tok}/episode.mp3/",
            "bad base64": f"/premium_media/!{b[1:]}/ep1/{tok}/episode.mp3",
            "padded base64": f"/premium_media/{padded}/ep1/{tok}/episode.mp3",
            "email not utf-8": f"/premium_media/{non_utf8}/ep1/{tok}/episode.mp3",
            "dot-dot segment": f"/premium_media/{b}/../{tok}/episode.mp3",
            "dot-dot file name": f"/premium_media/{b}/ep1/{tok}/..",
            "encoded slash": f"/premium_media/{b}/ep1/{tok}/a%2Fb.mp3",
            "encoded dot": f"/premium_media/{b}/ep1%2e%2e/{tok}/episode.mp3",
            "too long": f"/premium_media/{b}/ep1/{tok}/" + "a" * 2100 + ".mp3",
            "bad file id": f"/premium_media/{b}/ep.1/{tok}/episode.mp3",
            "file id over 64": f"/premium_media/{b}/{'e' * 65}/{tok}/episode.mp3",
            "control char": f"/premium_media/{b}/ep1/{tok}/episode\t.mp3",
            "DEL char": f"/premium_media/{b}/ep1/{tok}/episode\x7f.mp3",
            "no leading slash": f"premium_media/{b}/ep1/{tok}/episode.mp3",
            "empty": "",
        }
        for name, uri in cases.items():
            with self.subTest(name):
                self.assert_denied(self.stack.fcgi(uri), "bad_request", uri[:120])
        # The file name is cosmetic (README, "Request URIs"): any UTF-8 without
        # control characters or '/', raw or percent-encoded, and the empty name.
        for name in ("epi sode.mp3", "épisode.mp3", "%C3%89pisode_1.mp3", ""):
            with self.subTest(file_name=name):
                self.assert_allowed(self.stack.fcgi(f"/premium_media/{b}/ep1/{tok}/{name}"))
        # A token that cannot be a token: the URL parser's bad_token_shape. Either name fits.
        for bad in ("nodash", "-", "abc-", "zzzzzzzzzzzzzz-xyz"):
            with self.subTest(token=bad):
                self.assert_denied(self.stack.fcgi(self.media_uri(user.email, "ep1", bad)),
                                   ("bad_request", "bad_token"))

    def test_deny_bad_token_flipped_digit(self):
        user = self.create_user(self.new_email(), "active")
        tok = self.token_for(user)
        last = tok[-1]
        flipped = tok[:-1] + ("0" if last != "0" else "1")
        self.assert_denied(self.request_media(user, "ep1", token=flipped), "bad_token")
        middle = len(tok) - 10
        flipped = tok[:middle] + ("a" if tok[middle] != "a" else "b") + tok[middle + 1:]
        self.assert_denied(self.request_media(user, "ep1", token=flipped), "bad_token")
        self.assert_allowed(self.request_media(user, "ep1", token=tok))

    def test_deny_bad_token_of_another_user(self):
        a = self.create_user(self.new_email("a"), "active")
        b = self.create_user(self.new_email("b"), "active")
        self.assert_denied(self.request_media(a, "ep1", token=self.token_for(b)), "bad_token")

    def test_deny_bad_token_of_another_generation(self):
        user = self.create_user(self.new_email(), "active", link_generation=3)
        for gen in (2, 4):
            self.assert_denied(self.request_media(user, "ep1",
                                                  token=self.token_for(user, gen)), "bad_token")

    def test_deny_unknown_user(self):
        other = self.create_user(self.new_email("known"), "active")
        email = self.new_email("nobody")
        uri = self.media_uri(email, "ep1", self.token_for(other))
        self.assert_denied(self.stack.fcgi(uri), "unknown_user")
        self.assert_denied(self.stack.fcgi(uri), "unknown_user")  # negative cache entry

    def test_deny_inactive_canceled_after_period_end(self):
        user = self.create_user(self.new_email(), "canceled", period_end=-DAY)
        self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_deny_inactive_past_due_after_period_end(self):
        user = self.create_user(self.new_email(), "past_due", period_end=-60)
        self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_deny_inactive_grace_status_without_period_end(self):
        user = self.create_user(self.new_email(), "past_due", period_end=None)
        self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_infinite_period_ends_are_defined(self):
        """Issue 9 item 9: 'infinity' never ends, '-infinity' has ended, NULL
        gives a grace status nothing; no 503 and no PostgreSQL error."""
        errors = self.metrics().get("mediagate_postgres_errors_total")
        for status, period_end, reason in (
                ("canceled", "infinity", None), ("past_due", "infinity", None),
                ("active", "infinity", None), ("active", "-infinity", None),
                ("canceled", "-infinity", "inactive"), ("past_due", "-infinity", "inactive"),
                ("canceled", None, "inactive"), ("active", None, None)):
            with self.subTest(status=status, period_end=period_end):
                user = self.create_user(self.new_email(), status, period_end=period_end)
                for _ in range(2):  # from PostgreSQL, then from the caches
                    r = self.request_media(user, "ep1")
                    if reason is None:
                        self.assert_allowed(r, OBJECT_KEY)
                    else:
                        self.assert_denied(r, reason)
        self.assertEqual(self.metrics().get("mediagate_postgres_errors_total"), errors)

    def test_deny_inactive_without_subscription(self):
        user = self.create_user(self.new_email(), status=None)
        self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_deny_inactive_status_not_listed(self):
        for status in ("unpaid", "incomplete", "incomplete_expired"):
            with self.subTest(status=status):
                user = self.create_user(self.new_email(), status, period_end=3 * DAY)
                self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_deny_not_found(self):
        user = self.create_user(self.new_email(), "active")
        self.assert_denied(self.request_media(user, "no-such-file"), "not_found")
        self.assert_denied(self.request_media(user, "no-such-file"), "not_found")  # cached

    def test_deny_never_another_status(self):
        """A mixed burst: every answer is 200 or 403 with a known reason."""
        good = self.create_user(self.new_email("good"), "active")
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        uris = [self.media_uri(good.email, "ep1", self.token_for(good)),
                self.media_uri(gone.email, "ep1", self.token_for(gone)),
                self.media_uri(good.email, "nope", self.token_for(good)),
                "/premium_media/x", "/other", "/mediagate/healthz"]
        for uri in uris * 3:
            r = self.stack.fcgi(uri)
            if r.status == 200:
                self.assertIn("x-mediagate-upstream", r.headers, uri)
            else:
                self.assert_denied(r, harness.DENY_REASONS, uri)


# ---------------------------------------------------------------------------
# Cache invalidation
# ---------------------------------------------------------------------------

class PushedChangesTest(MediagateTestCase):
    """Changes committed in PostgreSQL reach every cache (Redis and each worker's own)
    through the triggers of sql/002 and the change listener, with no `invalidate`."""

    BOUND = 1.0  # seconds from COMMIT to the first changed answer

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)
        cls.create_media("ep2", "shows/two.mp3")

    def warm(self, user, file_id="ep1", token=None):
        for _ in range(6):  # both workers cache the user and the file
            self.assert_allowed(self.request_media(user, file_id, token))

    def changed_within_bound(self, request, changed, what):
        """Polls `request` every 20 ms until changed(resp); returns the seconds it took,
        asserting it is within BOUND, then that 6 more answers (both workers) agree."""
        start = time.monotonic()
        while not changed(request()):
            elapsed = time.monotonic() - start
            self.assertLess(elapsed, self.BOUND + 2, f"{what}: still unchanged after {elapsed:.2f} s")
            time.sleep(0.02)
        elapsed = time.monotonic() - start
        self.assertLessEqual(elapsed, self.BOUND, f"{what} took {elapsed:.3f} s")
        for i in range(6):
            self.assertTrue(changed(request()), f"{what}: answer {i} after the change")
        return elapsed

    def is_denied(self, reason):
        return lambda r: r.status == 403 and r.headers.get("x-mediagate-reason") == reason

    def test_cancellation_denied_without_invalidate(self):
        user = self.create_user(self.new_email(), "active")
        self.warm(user)
        self.set_subscription(user, "canceled", -DAY)
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("inactive"), "cancellation")

    def test_link_generation_bump_denies_old_links(self):
        user = self.create_user(self.new_email(), "active")
        old = self.token_for(user)
        self.warm(user, token=old)
        self.stack.psql(f"UPDATE mediagate_users SET link_generation = 2 WHERE id = {user.id}")
        self.changed_within_bound(lambda: self.request_media(user, "ep1", old),
                                  self.is_denied("bad_token"), "link_generation bump")
        self.assert_allowed(self.request_media(user, "ep1", self.token_for(user, 2)))

    def test_new_user_allowed_despite_cached_unknown(self):
        email = self.new_email("late")
        ghost = harness.mg.User(email, 0, "00000000-0000-0000-0000-000000000000", 1)
        uri = self.media_uri(email, "ep1", self.token_for(ghost))
        for _ in range(6):
            self.assert_denied(self.stack.fcgi(uri), "unknown_user")  # cached as unknown
        user = self.create_user(email, "active")
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  lambda r: r.status == 200, "a new subscriber")

    def test_file_change_changes_cache_key(self):
        user = self.create_user(self.new_email(), "active")
        self.warm(user, "ep2")
        before = self.request_media(user, "ep2").headers["x-mediagate-cache-key"]
        self.stack.psql("UPDATE mediagate_media SET version = version || 'x' WHERE id = 'ep2'")
        self.changed_within_bound(
            lambda: self.request_media(user, "ep2"),
            lambda r: r.status == 200 and r.headers["x-mediagate-cache-key"] != before,
            "a new file version")

    def test_invalidate_reaches_worker_caches(self):
        user = self.create_user(self.new_email(), "active")
        self.settle()
        self.warm(user)  # Redis and the workers hold the user now
        # Behind the triggers' back (session_replication_role skips them), as
        # with a schema whose tables have no triggers: only invalidate can tell.
        self.stack.psql("SET session_replication_role = replica; UPDATE "
                        f"mediagate_subscriptions SET status = 'canceled', current_period_end "
                        f"= now() - interval '1 day' WHERE user_id = {user.id}")
        for _ in range(6):
            self.assert_allowed(self.request_media(user, "ep1"))  # still cached
        self.stack.invalidate(user=user.email)
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("inactive"), "invalidate")

    # -- sharing: suspensions reach every cache through sql/005's trigger ----

    def sharing_config(self, action):
        """A config file like the server's with [sharing] action = ACTION."""
        path = self.stack.path(f"sharing-{action}.toml")
        harness.mg.write_file(path, harness.mg.to_toml(
            harness.deep_merge(self.stack.config, {"sharing": {"action": action}})), 0o600)
        return path

    def flag(self, action, user_ref, networks=12, user_agents=3):
        """SharingStore::Flag through tests/tools/sharing_flag, as `mediagate ingest` calls it."""
        tool = os.environ.get("MEDIAGATE_SHARING_FLAG") or os.path.join(
            os.path.dirname(self.stack.binary), "tests", "sharing_flag")
        r = subprocess.run([tool, self.sharing_config(action), user_ref, str(networks),
                            str(user_agents)], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("@", r.stderr, "the store logs the reference, never the email")
        return r.stdout.strip()

    def sharing(self, *args, check=True):
        return self.stack.mediagate.cli("sharing", "--config", self.stack.cli_config_path, *args,
                                        check=check)

    def flags(self, *args):
        return json.loads(self.sharing("--format", "json", *args).stdout)

    def user_ref(self, user):
        return self.assert_allowed(self.request_media(user, "ep1")).headers["x-mediagate-user"]

    def test_suspension_row_denies_shared_and_clear_user_allows(self):
        user = self.create_user(self.new_email(), "active")
        self.settle()
        self.warm(user)  # Redis and both workers hold the unsuspended record
        self.stack.psql(f"INSERT INTO mediagate_suspensions (email) VALUES ('{user.email}')")
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("shared"), "a suspension")
        self.assert_denied(self.request_media(user, "ep1", method="HEAD"), "shared")
        self.sharing("--clear-user", user.email)
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  lambda r: r.status == 200, "clearing the suspension")
        self.assertEqual(self.stack.psql("SELECT count(*) FROM mediagate_suspensions WHERE "
                                         f"email = '{user.email}'").strip(), "0")
        r = self.sharing("--clear-user", user.email, check=False)
        self.assertEqual(r.returncode, 4, r.stderr)  # nothing left to clear
        self.assertIn("no open flag or suspension", r.stderr)

    def test_flag_suspend_is_listed_idempotent_and_cleared_by_id(self):
        user = self.create_user(self.new_email(), "active")
        bystander = self.create_user(self.new_email("other"), "active")
        self.settle()
        ref = self.user_ref(user)
        self.warm(user)
        self.assertEqual(self.flag("suspend", ref, 12, 3), "recorded")
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("shared"), "a suspend flag")
        self.assert_allowed(self.request_media(bystander, "ep1"))
        self.assertEqual(self.flag("suspend", ref, 20, 4), "already_open")
        mine = [f for f in self.flags() if f["user_ref"] == ref]
        self.assertEqual(len(mine), 1, mine)
        self.assertEqual((mine[0]["email"], mine[0]["networks"], mine[0]["user_agents"],
                          mine[0]["action"], mine[0]["cleared_at"]),
                         (user.email, 12, 3, "suspend", None))
        text = self.sharing().stdout
        self.assertIn(f"{mine[0]['id']}\t{ref}\t{user.email}\t", text)
        self.sharing("--clear", str(mine[0]["id"]))
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  lambda r: r.status == 200, "clearing the flag")
        self.assertNotIn(ref, [f["user_ref"] for f in self.flags()])
        cleared = [f for f in self.flags("--all") if f["user_ref"] == ref]
        self.assertIsNotNone(cleared[0]["cleared_at"])
        r = self.sharing("--clear", str(mine[0]["id"]), check=False)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(self.flag("suspend", ref), "recorded")  # cleared: a new excess flags

    def test_flag_rotate_revokes_old_links(self):
        user = self.create_user(self.new_email(), "active")
        self.settle()
        old = self.token_for(user)
        ref = self.user_ref(user)
        self.warm(user, token=old)
        self.assertEqual(self.flag("rotate", ref), "recorded")
        self.changed_within_bound(lambda: self.request_media(user, "ep1", old),
                                  self.is_denied("bad_token"), "a rotate flag")
        new = self.token_for(user, link_generation=user.link_generation + 1)
        self.assert_allowed(self.request_media(user, "ep1", new))
        self.assertEqual([f["action"] for f in self.flags() if f["user_ref"] == ref], ["rotate"])

    def test_flag_log_only_records(self):
        user = self.create_user(self.new_email(), "active")
        self.settle()
        old = self.token_for(user)
        ref = self.user_ref(user)
        self.assertEqual(self.flag("log", ref), "recorded")
        self.assertEqual([(f["action"], f["email"]) for f in self.flags() if f["user_ref"] == ref],
                         [("log", user.email)])
        time.sleep(self.BOUND)
        for _ in range(6):
            self.assert_allowed(self.request_media(user, "ep1", old))

    def test_flag_of_unknown_reference_is_logged_without_email(self):
        self.assertEqual(self.flag("suspend", "u0000000000000ff"), "recorded")
        mine = [f for f in self.flags() if f["user_ref"] == "u0000000000000ff"]
        self.assertEqual([(f["action"], f["email"]) for f in mine], [("log", None)])

    def listener_backend(self):
        rows = self.stack.psql("SELECT pid FROM pg_stat_activity WHERE application_name = 'mediagate-listener'")
        return rows.split()

    def test_listener_connection_killed_then_back(self):
        user = self.create_user(self.new_email(), "active")
        other = self.create_user(self.new_email(), "active")
        self.warm(user)
        self.warm(other)
        backends = self.listener_backend()
        self.assertEqual(len(backends), 1, f"one listening connection: {backends}")
        offset = self.stack.log_offset()
        # The change lands while nobody listens: the reconnect must flush it.
        self.stack.psql(f"SELECT pg_terminate_backend({backends[0]}); UPDATE "
                        f"mediagate_subscriptions SET status = 'canceled', current_period_end "
                        f"= now() - interval '1 day' WHERE user_id = {user.id}")
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("inactive"), "a change made while disconnected")
        wait_until(lambda: self.listener_backend() and self.listener_backend() != backends, 5,
                   "a new listening connection", 0.05)
        self.assertIn("change listener: listening", self.stack.log_since(offset))
        self.set_subscription(other, "canceled", -DAY)
        self.changed_within_bound(lambda: self.request_media(other, "ep1"),
                                  self.is_denied("inactive"), "a change after the reconnect")

    def test_listener_process_killed_is_restarted(self):
        s = self.stack
        victim = s.mediagate.listener_pid()
        self.assertIsNotNone(victim, "a change listener runs")
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: s.mediagate.listener_pid() not in (None, victim), 10,
                   "a new change listener", 0.05)
        wait_until(lambda: len(self.listener_backend()) == 1, 10, "it listens", 0.05)
        user = self.create_user(self.new_email(), "active")
        self.warm(user)
        self.set_subscription(user, "canceled", -DAY)
        self.changed_within_bound(lambda: self.request_media(user, "ep1"),
                                  self.is_denied("inactive"), "cancellation after a restart")
        self.assertEqual(len(s.mediagate.worker_pids()), self.WORKERS)


class CacheInvalidationTest(MediagateTestCase):
    """`mediagate invalidate` makes database changes visible before the TTLs run out."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)

    def test_cancelled_subscription_is_inactive_after_invalidate(self):
        user = self.create_user(self.new_email(), "active")
        self.assert_allowed(self.request_media(user, "ep1"))
        self.set_subscription(user, "canceled", period_end=-DAY)
        # Until invalidated, the cached allow may persist (up to user_ttl_seconds).
        r = self.request_media(user, "ep1")
        if r.status != 200:
            self.assert_denied(r, "inactive")
        self.stack.invalidate(user=user.email)
        self.assert_denied(self.request_media(user, "ep1"), "inactive")
        self.assert_denied(self.request_media(user, "ep1"), "inactive")

    def test_link_generation_bump_revokes_old_links(self):
        user = self.create_user(self.new_email(), "active")
        old = self.token_for(user)
        self.assert_allowed(self.request_media(user, "ep1", token=old))
        self.stack.psql("UPDATE mediagate_users SET link_generation = link_generation + 1 "
                        f"WHERE id = {user.id}")
        self.stack.invalidate(user=user.email)
        self.assert_denied(self.request_media(user, "ep1", token=old), "bad_token")
        new = self.token_for(user, link_generation=user.link_generation + 1)
        self.assert_allowed(self.request_media(user, "ep1", token=new))
        self.assert_denied(self.request_media(user, "ep1", token=old), "bad_token")

    def test_new_file_version_changes_cache_key(self):
        file_id = self.create_media(self.unique("f"), "shows/versioned.mp3", version="v1")
        a = self.create_user(self.new_email("a"), "active")
        b = self.create_user(self.new_email("b"), "active")
        k1 = self.assert_allowed(self.request_media(a, file_id)).headers["x-mediagate-cache-key"]
        self.stack.psql(f"UPDATE mediagate_media SET version = 'v2' WHERE id = '{file_id}'")
        self.stack.invalidate(file=file_id)
        k2 = self.assert_allowed(self.request_media(a, file_id)).headers["x-mediagate-cache-key"]
        self.assertNotEqual(k1, k2)
        k2b = self.assert_allowed(self.request_media(b, file_id)).headers["x-mediagate-cache-key"]
        self.assertEqual(k2, k2b)
        self.stack.psql("UPDATE mediagate_media SET object_key = 'shows/moved.mp3' "
                        f"WHERE id = '{file_id}'")
        self.stack.invalidate(file=file_id)
        self.assert_allowed(self.request_media(a, file_id), object_key="shows/moved.mp3")

    def test_invalidate_clears_negative_user_entry(self):
        email = self.new_email()
        other = self.create_user(self.new_email("other"), "active")
        uri = self.media_uri(email, "ep1", self.token_for(other))
        self.assert_denied(self.stack.fcgi(uri), "unknown_user")
        user = self.create_user(email, "active")
        self.stack.invalidate(user=email)
        self.assert_allowed(self.request_media(user, "ep1"))

    def test_invalidate_clears_negative_file_entry(self):
        user = self.create_user(self.new_email(), "active")
        file_id = self.unique("late")
        self.assert_denied(self.request_media(user, file_id), "not_found")
        self.create_media(file_id, "shows/late.mp3")
        self.stack.invalidate(file=file_id)
        self.assert_allowed(self.request_media(user, file_id), object_key="shows/late.mp3")

    def test_invalidate_of_uncached_entries_succeeds(self):
        self.stack.invalidate(user="never-seen@example.com")
        self.stack.invalidate(file="never-seen")


# ---------------------------------------------------------------------------
# Degradation
# ---------------------------------------------------------------------------

class DegradationRedisTest(MediagateTestCase):
    """Redis is only a cache: without it every decision comes from PostgreSQL."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)

    def test_redis_killed_then_restarted(self):
        s = self.stack
        good = self.create_user(self.new_email("good"), "active")
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        fresh = self.create_user(self.new_email("fresh"), "active")  # never cached
        good_tok, gone_tok = self.token_for(good), self.token_for(gone)
        cases = [
            (self.media_uri(good.email, "ep1", good_tok), None),
            (self.media_uri(gone.email, "ep1", gone_tok), "inactive"),
            (self.media_uri(good.email, "ep1", gone_tok), "bad_token"),
            (self.media_uri(good.email, "missing", good_tok), "not_found"),
            (self.media_uri(self.new_email("ghost"), "ep1", good_tok), "unknown_user"),
            (self.media_uri(fresh.email, "ep1", self.token_for(fresh)), None),
        ]

        def check_all(rounds, when):
            for i in range(rounds):
                uri, reason = cases[i % len(cases)]
                r = s.fcgi(uri)
                if reason is None:
                    self.assert_allowed(r, OBJECT_KEY, f"{when}: {uri}")
                else:
                    self.assert_denied(r, reason, f"{when}: {uri}")

        check_all(len(cases) - 1, "warm-up")  # all but `fresh`
        errors_before = self.metrics().get("mediagate_redis_requests_total", result="error")

        offset = s.log_offset()
        s.redis.stop(signal.SIGKILL)
        check_all(30, "redis down")
        self.assertEqual(s.fcgi(s.mediagate.health_path).status, 200, "health depends on PostgreSQL only")
        m = self.metrics()
        self.assertGreater(m.get("mediagate_redis_requests_total", result="error"), errors_before)
        redis_lines = [line for line in s.log_since(offset).splitlines()
                       if "redis" in line.lower()]
        self.assertGreaterEqual(len(redis_lines), 1, "the log should say Redis is unavailable")
        self.assertLess(len(redis_lines), 5, "Redis failures must be rate-limited in the log:\n"
                        + "\n".join(redis_lines))

        s.redis.start()
        hits_before = self.metrics().get("mediagate_redis_requests_total", result="hit")

        def cache_used_again():
            check_all(len(cases), "redis back")
            return self.metrics().get("mediagate_redis_requests_total", result="hit") > hits_before
        wait_until(cache_used_again, 15, "Redis hits to increase after the restart", 0.2)
        self.assertTrue(s.redis.call("KEYS", "mgtest*"), "nothing cached after the restart")

    def test_redis_restart_costs_no_request(self):
        """Each worker's Redis connection, cut by a Redis restart, is replaced
        within the request that finds it cut: no request after the restart
        counts a Redis error or goes to PostgreSQL for want of Redis (with
        PostgreSQL down, that turned an allow into `unavailable`)."""
        s = self.stack
        user = self.create_user(self.new_email("restart"), "active")
        self.settle()
        tok = self.token_for(user)
        s.redis.stop(signal.SIGKILL)
        s.redis.start()
        errors = self.metrics().get("mediagate_redis_requests_total", result="error")
        for _ in range(4 * self.WORKERS):
            self.assert_allowed(self.request_media(user, "ep1", token=tok), OBJECT_KEY)
        self.assertEqual(self.metrics().get("mediagate_redis_requests_total", result="error"),
                         errors, "a worker's first Redis command after the restart failed")


class DegradationPostgresTest(MediagateTestCase):
    """Without PostgreSQL: warm cache decides, cold cache is `unavailable`, never allow
    by accident; health reports 503."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)
        cls.create_media("ep2", "shows/two.mp3")
        cls.create_media("ep3", "shows/three.mp3")

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            self.stack.ensure_running()

    def wait_health(self, status):
        return wait_until(lambda: self.stack.fcgi(self.stack.mediagate.health_path).status
                          == status, 10, f"health {status}", 0.1)

    def test_postgres_down_warm_cache_still_decides(self):
        s = self.stack
        good = self.create_user(self.new_email("good"), "active")
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        ghost_uri = self.media_uri(self.new_email("ghost"), "ep1", self.token_for(good))
        self.settle()
        self.assert_allowed(self.request_media(good, "ep1"))
        self.assert_denied(self.request_media(gone, "ep1"), "inactive")
        self.assert_denied(s.fcgi(ghost_uri), "unknown_user")
        good_tok, gone_tok = self.token_for(good), self.token_for(gone)

        s.postgres.stop()
        for _ in range(4):  # both workers
            self.assert_allowed(self.request_media(good, "ep1", token=good_tok), OBJECT_KEY)
            self.assert_denied(self.request_media(gone, "ep1", token=gone_tok),
                               ("inactive", "unavailable"))
            self.assert_denied(self.request_media(good, "ep1", token=gone_tok),
                               ("bad_token", "unavailable"))
            self.assert_denied(s.fcgi(ghost_uri), ("unknown_user", "unavailable"))

    def test_postgres_frozen_is_bounded(self):
        """Issue 9 item 8: with PostgreSQL frozen (SIGSTOP, as a partition would
        leave it), cached subscribers keep being allowed and an uncached one is
        unavailable within the client-side bound (statement_timeout + 1 s),
        not after the nginx timeout; after SIGCONT lookups work again."""
        s = self.stack
        good = self.create_user(self.new_email("good"), "active")
        cold = self.create_user(self.new_email("cold"), "active")
        self.settle()
        good_tok, cold_tok = self.token_for(good), self.token_for(cold)
        for _ in range(2 * self.WORKERS):
            self.assert_allowed(self.request_media(good, "ep1", token=good_tok), OBJECT_KEY)
        postmaster = s.procs.pid("postgres")
        frozen = [postmaster] + harness.mg.children(postmaster)  # backends: own sessions
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            bound = s.config["database"]["statement_timeout_ms"] / 1000 + 1
            start = time.monotonic()
            self.assert_denied(self.request_media(cold, "ep1", token=cold_tok), "unavailable")
            self.assertLess(time.monotonic() - start, bound + 0.5)
            for _ in range(2 * self.WORKERS):
                start = time.monotonic()
                self.assert_allowed(self.request_media(good, "ep1", token=good_tok),
                                    OBJECT_KEY)
                self.assertLess(time.monotonic() - start, bound + 0.5)
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        wait_until(lambda: self.request_media(cold, "ep1", token=cold_tok).status == 200, 15,
                   "uncached lookups after SIGCONT", 0.2)

    def test_postgres_down_cold_cache_is_unavailable(self):
        s = self.stack
        a = self.create_user(self.new_email("a"), "active")
        b = self.create_user(self.new_email("b"), "active")
        cold = self.create_user(self.new_email("cold"), "active")
        tokens = {u.email: self.token_for(u) for u in (a, b, cold)}
        self.settle()
        self.assert_allowed(self.request_media(a, "ep1", tokens[a.email]))
        self.assert_allowed(self.request_media(b, "ep2", tokens[b.email]))

        s.postgres.stop()
        self.assert_denied(self.request_media(cold, "ep1", tokens[cold.email]), "unavailable")
        self.assert_denied(self.request_media(a, "ep3", tokens[a.email]), "unavailable")
        self.assert_allowed(self.request_media(a, "ep1", tokens[a.email]))
        # Without PostgreSQL the workers cannot be told: invalidate says so.
        with self.assertRaisesRegex(harness.mg.StackError, "exited 4(.|\n)*cannot notify the workers"):
            s.invalidate(user=a.email)

    def test_health_503_while_postgres_down_then_recovers(self):
        s = self.stack
        r = s.fcgi(s.mediagate.health_path)
        self.assertEqual((r.status, r.body.strip()), (200, "ok"))
        s.postgres.stop()
        self.wait_health(503)
        for _ in range(4):
            self.assertEqual(s.fcgi(s.mediagate.health_path).status, 503)
        s.postgres.start()
        self.wait_health(200)
        later = self.create_user(self.new_email("later"), "active")
        wait_until(lambda: self.request_media(later, "ep1").status == 200, 10,
                   "a cold user to be allowed once PostgreSQL is back", 0.1)
        self.assert_allowed(self.request_media(later, "ep1"))

    def test_postgres_restart_costs_no_request(self):
        """A worker whose connection a restart cut reconnects within the request."""
        s = self.stack
        warm = [self.create_user(self.new_email("warm"), "active") for _ in range(8)]
        cold = [self.create_user(self.new_email("cold"), "active") for _ in range(8)]
        for user in warm:  # both workers open a connection
            self.assert_allowed(self.request_media(user, "ep1"))
            self.assertEqual(s.fcgi(s.mediagate.health_path).status, 200)
        s.postgres.stop()
        s.postgres.start()
        for user in cold:  # not cached: each needs PostgreSQL
            self.assert_allowed(self.request_media(user, "ep1"), OBJECT_KEY, user.email)
        self.assertEqual(s.fcgi(s.mediagate.health_path).status, 200)

    def test_both_down_only_worker_caches_decide(self):
        """Redis and PostgreSQL down: a record a worker cached itself keeps deciding
        (like a warm Redis entry: nothing can change while PostgreSQL is down);
        everything else is unavailable, never an allow by accident."""
        s = self.stack
        good = self.create_user(self.new_email("good"), "active")
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        cold = self.create_user(self.new_email("cold"), "active")
        good_tok, gone_tok, cold_tok = (self.token_for(u) for u in (good, gone, cold))
        self.settle()
        for _ in range(4):
            self.assert_allowed(self.request_media(good, "ep1", good_tok))
            self.assert_denied(self.request_media(gone, "ep1", gone_tok), "inactive")

        s.redis.stop(signal.SIGKILL)
        s.postgres.stop()
        for _ in range(8):  # which worker answers is up to the kernel
            r = self.request_media(good, "ep1", good_tok)
            if r.status == 200:
                self.assert_allowed(r, OBJECT_KEY)
            else:
                self.assert_denied(r, "unavailable")
            self.assert_denied(self.request_media(gone, "ep1", gone_tok),
                               ("inactive", "unavailable"))
            self.assert_denied(self.request_media(cold, "ep1", cold_tok), "unavailable")
        self.wait_health(503)

        s.redis.start()
        s.postgres.start()
        wait_until(lambda: self.request_media(cold, "ep1", cold_tok).status == 200, 15,
                   "allow once both are back", 0.1)
        self.assert_denied(self.request_media(gone, "ep1", gone_tok), "inactive")


# ---------------------------------------------------------------------------
# Metrics and health
# ---------------------------------------------------------------------------

class MetricsHealthTest(MediagateTestCase):
    """/mediagate/metrics is one Prometheus view of all workers; /mediagate/health is ok."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)

    def test_health_ok(self):
        for _ in range(4):
            r = self.stack.fcgi(self.stack.mediagate.health_path)
            self.assertEqual((r.status, r.body.strip()), (200, "ok"))

    def test_metrics_lists_every_series(self):
        r = self.stack.fcgi(self.stack.mediagate.metrics_path)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/plain"), r.headers)
        m = harness.Metrics(r.body)
        for reason in ALL_REASONS:
            self.assertTrue(m.has("mediagate_decisions_total", reason=reason), reason)
        for result in ("hit", "miss", "error"):
            self.assertTrue(m.has("mediagate_redis_requests_total", result=result), result)
        for result in ("hit", "miss"):
            self.assertTrue(m.has("mediagate_local_cache_requests_total", result=result), result)
        for name in ("mediagate_postgres_queries_total", "mediagate_postgres_errors_total",
                     "mediagate_decision_duration_seconds_sum",
                     "mediagate_decision_duration_seconds_count",
                     "mediagate_worker_restarts_total"):
            self.assertTrue(m.has(name), name)
        self.assertTrue(m.has("mediagate_decision_duration_seconds_bucket", le="+Inf"))

    def test_decisions_summed_across_workers(self):
        users = [self.create_user(self.new_email(), "active") for _ in range(4)]
        uris = [self.media_uri(u.email, "ep1", self.token_for(u)) for u in users]
        before = self.metrics()
        k = 24
        results, lock = [], threading.Lock()

        def run(uri, n):
            for _ in range(n):
                r = self.stack.fcgi(uri)
                with lock:
                    results.append(r.status)
        threads = [threading.Thread(target=run, args=(uri, k // len(uris))) for uri in uris]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(results, [200] * k)
        # Any worker may answer /metrics; every one must report the same totals.
        totals = {self.metrics().get("mediagate_decisions_total", reason="allow")
                  for _ in range(6)}
        self.assertEqual(len(totals), 1, f"workers disagree: {totals}")
        after = self.metrics()
        self.assertEqual(after.get("mediagate_decisions_total", reason="allow")
                         - before.get("mediagate_decisions_total", reason="allow"), k)
        self.assertGreaterEqual(after.get("mediagate_decision_duration_seconds_count")
                                - before.get("mediagate_decision_duration_seconds_count"), k)

    def test_deny_reasons_counted(self):
        user = self.create_user(self.new_email(), "active")
        gone = self.create_user(self.new_email("gone"), "canceled", period_end=-DAY)
        requests = {
            "not_found": lambda: self.request_media(user, "nope"),
            "method": lambda: self.request_media(user, "ep1", method="POST"),
            "bad_request": lambda: self.stack.fcgi("/premium_media/x"),
            "bad_token": lambda: self.request_media(user, "ep1", token=self.token_for(gone)),
            "unknown_user": lambda: self.stack.fcgi(
                self.media_uri(self.new_email("ghost"), "ep1", self.token_for(user))),
            "inactive": lambda: self.request_media(gone, "ep1"),
        }
        for reason, send in requests.items():
            with self.subTest(reason=reason):
                before = self.metrics().get("mediagate_decisions_total", reason=reason)
                self.assert_denied(send(), reason)
                after = self.metrics().get("mediagate_decisions_total", reason=reason)
                self.assertEqual(after - before, 1)

    def test_histogram_is_consistent(self):
        user = self.create_user(self.new_email(), "active")
        for _ in range(3):
            self.assert_allowed(self.request_media(user, "ep1"))
        m = self.metrics()
        buckets = sorted(((float(labels["le"]), v) for labels, v in
                          m.find("mediagate_decision_duration_seconds_bucket")),
                         key=lambda b: b[0])
        self.assertGreaterEqual(len(buckets), 3)
        self.assertEqual(buckets[-1][0], float("inf"))
        counts = [v for _, v in buckets]
        self.assertEqual(counts, sorted(counts), "buckets must be cumulative")
        self.assertEqual(buckets[-1][1], m.get("mediagate_decision_duration_seconds_count"))
        self.assertGreater(m.get("mediagate_decision_duration_seconds_sum"), 0)

    def test_redis_and_postgres_counters(self):
        user = self.create_user(self.new_email(), "active")
        self.settle()
        m0 = self.metrics()
        self.assert_allowed(self.request_media(user, "ep1"))  # user not cached yet
        m1 = self.metrics()
        self.assert_allowed(self.request_media(user, "ep1"))  # now cached
        m2 = self.metrics()

        def delta(a, b, name, **labels):
            return b.get(name, **labels) - a.get(name, **labels)
        self.assertGreaterEqual(delta(m0, m1, "mediagate_redis_requests_total", result="miss"), 1)
        self.assertGreaterEqual(delta(m0, m1, "mediagate_postgres_queries_total"), 1)
        # The repeat is answered by the worker's own cache or by Redis.
        self.assertGreaterEqual(delta(m1, m2, "mediagate_redis_requests_total", result="hit")
                                + delta(m1, m2, "mediagate_local_cache_requests_total",
                                        result="hit"), 2, "user and file from a cache")
        self.assertEqual(delta(m1, m2, "mediagate_postgres_queries_total"), 0)
        self.assertEqual(delta(m0, m2, "mediagate_postgres_errors_total"), 0)


# ---------------------------------------------------------------------------
# Process management
# ---------------------------------------------------------------------------

NEW_ENTITLEMENT = {"entitlement": {"allowed_statuses": ["active", "trialing", "past_due"],
                                   "grace_statuses": ["canceled"], "use_paid_until": False}}


class ProcessTest(MediagateTestCase):
    """The prefork master keeps N workers and reloads on SIGHUP without dropping requests."""

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)
        cls.steady = cls.create_user("steady@example.com", "active")
        # Inactive with the base config; allowed with NEW_ENTITLEMENT.
        cls.lapsed = cls.create_user("lapsed@example.com", "past_due", period_end=-DAY)
        # Allowed only with use_paid_until = true (the base config, not the default).
        cls.grace = cls.create_user("grace@example.com", "canceled", period_end=3 * DAY)

    def setUp(self):
        super().setUp()
        self.steady_uri = self.media_uri(self.steady.email, "ep1", self.token_for(self.steady))
        self.lapsed_uri = self.media_uri(self.lapsed.email, "ep1", self.token_for(self.lapsed))

    def lapsed_status(self):
        """The lapsed user's decision, fresh from PostgreSQL."""
        self.stack.invalidate(user=self.lapsed.email)
        return self.stack.fcgi(self.lapsed_uri)

    def restore_config(self):
        s = self.stack
        s.write_config(self.CONFIG)
        if s.mediagate.running():
            s.mediagate.signal(signal.SIGHUP)
            wait_until(lambda: self.lapsed_status().status == 403, 10,
                       "the base config to be back", 0.1)
            s.mediagate.wait_for_workers()

    def test_worker_sigkill_is_replaced(self):
        s = self.stack
        restarts = self.metrics().get("mediagate_worker_restarts_total")
        workers = s.mediagate.wait_for_workers()
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        # kill() returns before the signal lands: a request sent at once could still be
        # accepted by the victim and lost with it, which no responder can prevent.
        wait_until(lambda: not harness.mg.alive(victim), 2, "the killed worker to die", 0.01)
        for _ in range(10):
            self.assert_allowed(s.fcgi(self.steady_uri), OBJECT_KEY)
        new = s.mediagate.wait_for_workers(exclude=[victim], timeout=2.5)
        self.assertEqual(len(set(new) - set(workers)), 1, f"{workers} -> {new}")
        self.assertTrue(s.mediagate.running())
        wait_until(lambda: self.metrics().get("mediagate_worker_restarts_total") >= restarts + 1,
                   3, "mediagate_worker_restarts_total to increase", 0.1)
        for _ in range(6):
            self.assert_allowed(s.fcgi(self.steady_uri), OBJECT_KEY)

    def test_sighup_good_config_reloads_without_failed_requests(self):
        s = self.stack
        self.assert_denied(self.lapsed_status(), "inactive")
        master = s.mediagate.master_pid
        done, failures, answers = threading.Event(), [], []

        def traffic():  # the same request in a loop; anything but 200 is a failure
            while not done.is_set():
                try:
                    answer = s.fcgi(self.steady_uri)
                except Exception as exc:  # noqa: BLE001 - a failed request is a finding
                    answer = repr(exc)
                answers.append(answer)
                if getattr(answer, "status", None) != 200:
                    failures.append(answer)
                time.sleep(0.01)
        thread = threading.Thread(target=traffic, daemon=True)
        thread.start()
        try:
            time.sleep(0.3)
            self.addCleanup(self.restore_config)
            s.write_config(harness.deep_merge(self.CONFIG, NEW_ENTITLEMENT))
            s.mediagate.signal(signal.SIGHUP)
            wait_until(lambda: self.lapsed_status().status == 200, 10,
                       "the new config to allow the past_due user", 0.1)
            s.mediagate.wait_for_workers(timeout=10)
            time.sleep(0.5)
        finally:
            done.set()
            thread.join(15)
        count = len(answers)
        self.assertEqual(failures, [], f"{len(failures)} of {count} requests failed during reload")
        self.assertGreaterEqual(count, 10)
        self.assertEqual(s.mediagate.master_pid, master)
        self.assertTrue(s.mediagate.running())
        self.assert_allowed(self.lapsed_status(), OBJECT_KEY)
        for _ in range(6):  # every worker has the new config
            self.assert_allowed(s.fcgi(self.lapsed_uri), OBJECT_KEY)

    def test_sighup_broken_config_keeps_old_config(self):
        s = self.stack
        self.addCleanup(s.write_config, self.CONFIG)
        offset = s.log_offset()
        harness.mg.write_file(s.config_path, "[token\nsecret_file = = 'not toml'\n", 0o600)
        s.mediagate.signal(signal.SIGHUP)
        def logged():
            if not s.mediagate.running():
                raise harness.mg.Abort("the master exited after SIGHUP with a broken config")
            return s.config_path in s.log_since(offset) and s.log_since(offset)
        log = wait_until(logged, 5, "an error naming the config file in the log", 0.05)
        self.assertTrue(any(s.config_path in line for line in log.splitlines()))
        time.sleep(0.3)
        self.assertTrue(s.mediagate.running(), "the master must survive a broken config")
        s.mediagate.wait_for_workers()
        for _ in range(10):
            self.assert_allowed(s.fcgi(self.steady_uri), OBJECT_KEY)
        # Still the old config (not the built-in defaults): fresh decisions.
        self.assert_denied(self.lapsed_status(), "inactive")
        s.invalidate(user=self.grace.email)
        grace_uri = self.media_uri(self.grace.email, "ep1", self.token_for(self.grace))
        for _ in range(4):
            self.assert_allowed(s.fcgi(grace_uri), OBJECT_KEY)


SLOW_EMAIL = "slow@example.com"
SLOW_USER_QUERY = (
    "SELECT u.id::text AS id, u.uuid::text AS uuid, u.link_generation::text AS link_generation, "
    "COALESCE(s.status, 'none') AS status, "
    "EXTRACT(EPOCH FROM s.current_period_end)::bigint AS paid_until "
    "FROM mediagate_users u LEFT JOIN mediagate_subscriptions s ON s.user_id = u.id, "
    f"LATERAL (SELECT pg_sleep(CASE WHEN $1 = '{SLOW_EMAIL}' THEN 1.5 ELSE 0 END)) AS z "
    "WHERE u.email = $1")


class ShutdownTest(MediagateTestCase):
    """SIGTERM: stop accepting, finish what is in flight, exit."""

    CONFIG = {"database": {"user_query": SLOW_USER_QUERY}}

    @classmethod
    def seed(cls):
        cls.create_media("ep1", OBJECT_KEY)
        cls.slow = cls.create_user(SLOW_EMAIL, "active")
        cls.quick = cls.create_user("quick@example.com", "active")

    def sleeping_queries(self):
        return int(self.stack.psql(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()"))

    def assert_gone(self, pids, since, limit=6.0):
        wait_until(lambda: not [p for p in pids if harness.mg.alive(p)],
                   max(0.1, since + limit - time.monotonic()),
                   f"master and workers {pids} to exit within {limit} s of SIGTERM", 0.05)

    def test_sigterm_completes_in_flight_request_then_exits(self):
        s = self.stack
        self.assert_allowed(self.request_media(self.quick, "ep1"))
        uri = self.media_uri(SLOW_EMAIL, "ep1", self.token_for(self.slow))
        result = {}

        def slow_request():
            try:
                result["response"] = s.fcgi(uri)
            except Exception as exc:  # noqa: BLE001
                result["error"] = exc
        thread = threading.Thread(target=slow_request, daemon=True)
        thread.start()
        wait_until(self.sleeping_queries, 5, "the slow user query to be running", 0.02)
        pids = [s.mediagate.master_pid] + s.mediagate.worker_pids()
        master = s.mediagate.popen()
        t0 = time.monotonic()
        s.mediagate.signal(signal.SIGTERM)
        thread.join(10)
        self.assertNotIn("error", result, result)
        self.assert_allowed(result["response"], OBJECT_KEY, "the in-flight request")
        self.assert_gone(pids, t0)
        self.assertIn(master.wait(timeout=1), (0, -signal.SIGTERM),
                      "exit status after SIGTERM")

    def test_sigterm_idle_exits_promptly(self):
        s = self.stack
        self.assert_allowed(self.request_media(self.quick, "ep1"))
        pids = [s.mediagate.master_pid] + s.mediagate.worker_pids()
        t0 = time.monotonic()
        s.mediagate.signal(signal.SIGTERM)
        self.assert_gone(pids, t0)


class HarnessCleanupTest(MediagateTestCase):
    """The harness itself, against the real stack: a stop leaves nothing behind,
    not even the workers of a master that was SIGKILLed."""

    def test_stop_reaches_orphans_of_a_sigkilled_master(self):
        s = self.stack
        workers = s.mediagate.wait_for_workers()
        servers = [s.procs.pid("postgres"), s.procs.pid("redis")]
        everything = servers + [c for p in servers for c in harness.mg.children(p)] + workers
        self.assertGreaterEqual(len(everything), 2 + 3 + 2)
        os.kill(s.mediagate.master_pid, signal.SIGKILL)
        s.mediagate.stop()
        self.assertEqual([p for p in workers if harness.mg.alive(p)], [])
        s.procs.stop_all()
        self.assertEqual([p for p in everything if harness.mg.alive(p)], [])
        self.assertEqual(s.procs.names(), [])


# ---------------------------------------------------------------------------
# Schema: built-in (migrate) and the seed's Django tables
# ---------------------------------------------------------------------------

class MigrateTest(MediagateTestCase):
    """`mediagate migrate` (run once by setUpClass) creates sql/001_init.sql's schema."""

    SERVE = False
    REDIS = False

    def columns(self):
        return self.stack.psql(
            "SELECT table_name || '.' || column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY 1").splitlines()

    def test_builtin_schema_exists(self):
        cols = set(self.columns())
        for col in ("mediagate_users.id", "mediagate_users.email", "mediagate_users.uuid",
                    "mediagate_users.link_generation", "mediagate_subscriptions.user_id",
                    "mediagate_subscriptions.status",
                    "mediagate_subscriptions.current_period_end", "mediagate_media.id",
                    "mediagate_media.object_key", "mediagate_media.version",
                    "mediagate_media.title"):
            self.assertIn(col, cols)
        user = self.create_user(self.new_email(), "active")
        self.assertRegex(user.uuid, r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                    r"[0-9a-f]{12}$")
        self.assertEqual(user.link_generation, 1)
        self.create_media(self.unique("m"), "k")
        self.assertEqual(self.stack.psql(
            "SELECT version FROM mediagate_media ORDER BY id LIMIT 1"), "1")

    def test_second_migrate_is_a_noop(self):
        user = self.create_user(self.new_email(), "active")
        before = self.columns()
        r = self.stack.migrate()
        self.assertEqual(r.returncode, 0)
        self.assertEqual(self.columns(), before)
        self.assertEqual(self.stack.psql(
            f"SELECT count(*) FROM mediagate_users WHERE id = {user.id}"), "1")


DJANGO_MINT = r"""
import datetime, json, sys, types, uuid
args = json.load(sys.stdin)
from django.conf import settings
settings.configure(SECRET_KEY=args["secret"], PASSWORD_RESET_TIMEOUT=3153600000,
                   TIME_ZONE="UTC", USE_TZ=False)
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class SubscriberTokenGenerator(PasswordResetTokenGenerator):
    # The seed article's generator.
    def _make_hash_value(self, user, timestamp):
        return (str(user.id) + str(user.is_paysubscribed) + str(user.uuid)
                + str(user.stripe_subscription.status))

    if args.get("now") is not None:
        def _now(self):
            return datetime.datetime.fromtimestamp(args["now"], datetime.timezone.utc
                                                   ).replace(tzinfo=None)


user = types.SimpleNamespace(
    id=args["id"], is_paysubscribed=args["is_paysubscribed"], uuid=uuid.UUID(args["uuid"]),
    stripe_subscription=types.SimpleNamespace(status=args["status"]))
generator = SubscriberTokenGenerator()
token = generator.make_token(user)
assert generator.check_token(user, token)
print(token)
"""


def django_token(secret, user, now=None):
    """A token minted by real Django (python3-django) with the seed's generator."""
    args = dict(user, secret=secret, now=now)
    r = subprocess.run(["/usr/bin/python3", "-c", DJANGO_MINT], input=json.dumps(args),
                       capture_output=True, text=True, timeout=60,
                       env=harness.mg.child_env(PYTHONDONTWRITEBYTECODE="1"))
    if r.returncode != 0:
        raise AssertionError(f"Django could not mint a token: {r.stderr}")
    return r.stdout.strip()


DJANGO_SEED_EXAMPLE = os.path.join(harness.REPO_ROOT, "examples", "django-seed.toml")
DJANGO_DEFAULTS = {
    "token": {"hash_value": "{id}{is_paysubscribed}{uuid}{status}"},
    "database": {
        "user_query": (
            "SELECT u.id::text AS id, "
            "CASE WHEN u.is_paysubscribed THEN 'True' ELSE 'False' END AS is_paysubscribed, "
            "u.uuid::text AS uuid, COALESCE(s.status, 'none') AS status, "
            "EXTRACT(EPOCH FROM s.current_period_end) AS paid_until "
            "FROM users_customuser u LEFT JOIN LATERAL (SELECT status, current_period_end "
            "FROM djstripe_subscription WHERE user_id = u.id ORDER BY id DESC LIMIT 1) s "
            "ON true WHERE u.email = $1"),
        "file_query": (
            "SELECT m.file AS object_key, extract(epoch from m.created_at)::bigint::text "
            "AS version FROM wagtailmedia_media m WHERE m.id::text = $1"),
    },
}


def django_seed_overrides():
    """token.* (but secrets) and database.user_query/file_query from
    examples/django-seed.toml when the lead has written it, else DJANGO_DEFAULTS."""
    if not os.path.exists(DJANGO_SEED_EXAMPLE):
        return DJANGO_DEFAULTS, "built-in queries (examples/django-seed.toml not found)"
    with open(DJANGO_SEED_EXAMPLE, "rb") as fh:
        example = tomllib.load(fh)
    token = {k: v for k, v in example.get("token", {}).items()
             if k not in ("secret_file", "fallback_secret_files")}
    database = {k: v for k, v in example.get("database", {}).items()
                if k in ("user_query", "file_query", "show_query", "episodes_query")}
    url = {"public_base": example.get("url", {}).get("public_base", "https://media.example.com")}
    return (harness.deep_merge(DJANGO_DEFAULTS,
                               {"token": token, "database": database, "url": url}),
            f"queries from {DJANGO_SEED_EXAMPLE}")


DJANGO_TABLES = """
CREATE TABLE users_customuser (
  id serial PRIMARY KEY, email text NOT NULL UNIQUE, uuid uuid NOT NULL,
  is_paysubscribed boolean NOT NULL DEFAULT false);
CREATE TABLE djstripe_subscription (
  id serial PRIMARY KEY, customer_email text,
  user_id integer NOT NULL REFERENCES users_customuser (id),
  status text NOT NULL, current_period_end timestamptz);
CREATE TABLE wagtailmedia_media (
  id serial PRIMARY KEY, file text NOT NULL, title text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE wagtailcore_page (
  id serial PRIMARY KEY, path varchar(255) NOT NULL UNIQUE, depth integer NOT NULL,
  title varchar(255) NOT NULL, slug varchar(255) NOT NULL, live boolean NOT NULL DEFAULT true,
  first_published_at timestamptz, last_published_at timestamptz);
CREATE TABLE podcast_podcastindexpage (
  page_ptr_id integer PRIMARY KEY REFERENCES wagtailcore_page (id),
  description text NOT NULL DEFAULT '', author varchar(255) NOT NULL DEFAULT '',
  owner_name varchar(255) NOT NULL DEFAULT '', owner_email varchar(254) NOT NULL DEFAULT '',
  image_url varchar(200) NOT NULL DEFAULT '', language varchar(10) NOT NULL DEFAULT 'en',
  category varchar(255) NOT NULL DEFAULT '', explicit boolean NOT NULL DEFAULT false,
  link varchar(200) NOT NULL DEFAULT '', copyright varchar(255) NOT NULL DEFAULT '',
  podcast_guid uuid NOT NULL DEFAULT gen_random_uuid());
CREATE TABLE podcast_episodepage (
  page_ptr_id integer PRIMARY KEY REFERENCES wagtailcore_page (id),
  show_notes text NOT NULL DEFAULT '', duration integer, season integer, episode integer,
  episode_type varchar(16) NOT NULL DEFAULT 'full',
  media_id integer NOT NULL REFERENCES wagtailmedia_media (id),
  file_size bigint NOT NULL DEFAULT 0, mime_type varchar(64) NOT NULL DEFAULT 'audio/mpeg',
  premium boolean NOT NULL DEFAULT true, public_at timestamptz);
"""
WAGTAIL_PODCAST = """
INSERT INTO wagtailcore_page (id, path, depth, title, slug, first_published_at) VALUES
  (1, '0001', 1, 'Root', 'root', now()),
  (2, '00010001', 2, 'Seed <Podcast>', 'seed-podcast', now() - interval '9 days'),
  (3, '000100010001', 3, 'Premium episode', 'ep-premium', now() - interval '2 days'),
  (4, '000100010002', 3, 'Early access is over', 'ep-early', now() - interval '8 days');
INSERT INTO podcast_podcastindexpage (page_ptr_id, description, author, owner_email,
  category, link) VALUES (2, 'The seed''s show', 'Seed', 'owner@example.com', 'Technology',
  'https://example.com/podcast/');
INSERT INTO wagtailmedia_media (id, file, title) VALUES
  (101, 'media/shows/premium.mp3', 'P'), (102, 'media/shows/early.mp3', 'E');
INSERT INTO podcast_episodepage (page_ptr_id, show_notes, duration, media_id, file_size,
  premium, public_at) VALUES
  (3, '<p>premium ]]> notes</p>', 1800, 101, 12345, true, NULL),
  (4, '<p>early</p>', 60, 102, 999, true, now() - interval '1 day');
"""


class DjangoSchemaTest(MediagateTestCase):
    """The seed's Django tables (no migrate) and links minted by real Django."""

    DATABASE = "seed"
    MIGRATE = False
    SOURCE = None

    @classmethod
    def config_overrides(cls):
        overrides, cls.SOURCE = django_seed_overrides()
        print(f"\nDjangoSchemaTest: {cls.SOURCE}", file=sys.stderr)
        return overrides

    @classmethod
    def seed(cls):
        cls.stack.psql(DJANGO_TABLES)
        cls.stack.psql(WAGTAIL_PODCAST)
        cls.media_id = cls.stack.psql(
            "INSERT INTO wagtailmedia_media (file, title, created_at) VALUES "
            "('media/shows/seed episode.mp3', 'Seed', '2024-05-01 12:00:00+00') RETURNING id")

    def create_django_user(self, email, status="active", period_end=30 * DAY,
                           is_paysubscribed=True):
        out = self.stack.psql(
            "WITH u AS (INSERT INTO users_customuser (email, uuid, is_paysubscribed) VALUES "
            f"({harness.mg.sql_literal(email)}, gen_random_uuid(), {str(is_paysubscribed).lower()})"
            " RETURNING id, uuid), s AS (INSERT INTO djstripe_subscription (customer_email, "
            f"user_id, status, current_period_end) SELECT {harness.mg.sql_literal(email)}, id, "
            f"{harness.mg.sql_literal(status)}, now() + interval '{int(period_end)} seconds' "
            "FROM u) SELECT id, uuid FROM u")
        uid, uuid = out.split("|")
        return {"email": email, "id": int(uid), "uuid": uuid,
                "is_paysubscribed": is_paysubscribed, "status": status}

    def django_uri(self, user, token, file_id=None):
        return self.media_uri(user["email"], file_id or self.media_id, token, "seed.mp3")

    def django_fields(self, user):
        return {k: user[k] for k in ("id", "is_paysubscribed", "uuid", "status")}

    def test_django_minted_link_is_allowed(self):
        user = self.create_django_user(self.new_email())
        token = django_token(self.stack.secret, self.django_fields(user))
        r = self.stack.fcgi(self.django_uri(user, token))
        self.assert_allowed(r, "media/shows/seed episode.mp3", self.SOURCE)

    def test_status_change_turns_link_into_bad_token(self):
        user = self.create_django_user(self.new_email())
        token = django_token(self.stack.secret, self.django_fields(user))
        self.assert_allowed(self.stack.fcgi(self.django_uri(user, token)))
        self.stack.psql("UPDATE djstripe_subscription SET status = 'canceled', "
                        f"current_period_end = now() - interval '1 day' "
                        f"WHERE user_id = {user['id']}")
        self.stack.invalidate(user=user["email"])
        # Redis is cleared when the command returns; each worker drops its own
        # copy once the change listener passes the notification on (well
        # within a second, but not necessarily before the command returns).
        deadline = time.monotonic() + 1.0
        while True:
            resp = self.stack.fcgi(self.django_uri(user, token))
            if resp.status != 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assert_denied(resp, "bad_token")
        # A link minted now (with the new status) verifies, but the subscription is over.
        fresh = django_token(self.stack.secret, dict(self.django_fields(user), status="canceled"))
        self.assert_denied(self.stack.fcgi(self.django_uri(user, fresh)), "inactive")

    def add_subscription(self, user, status, period_end):
        self.stack.psql(
            "INSERT INTO djstripe_subscription (customer_email, user_id, status, "
            f"current_period_end) VALUES ({harness.mg.sql_literal(user['email'])}, {user['id']}, "
            f"{harness.mg.sql_literal(status)}, now() + interval '{int(period_end)} seconds')")

    def test_latest_of_two_subscriptions_decides(self):
        """Issue 9 item 14: a user with two subscription rows is decided by the
        latest one, in either order of status."""
        renewed = self.create_django_user(self.new_email(), "canceled", -DAY)
        self.add_subscription(renewed, "active", 30 * DAY)
        token = django_token(self.stack.secret, dict(self.django_fields(renewed),
                                                     status="active"))
        self.assert_allowed(self.stack.fcgi(self.django_uri(renewed, token)), msg=self.SOURCE)
        lapsed = self.create_django_user(self.new_email(), "active", 30 * DAY)
        self.add_subscription(lapsed, "canceled", -DAY)
        token = django_token(self.stack.secret, dict(self.django_fields(lapsed),
                                                     status="canceled"))
        self.assert_denied(self.stack.fcgi(self.django_uri(lapsed, token)), "inactive",
                           self.SOURCE)

    def test_unknown_media_and_user(self):
        user = self.create_django_user(self.new_email())
        token = django_token(self.stack.secret, self.django_fields(user))
        self.assert_denied(self.stack.fcgi(self.django_uri(user, token, "999999")), "not_found")
        ghost = dict(user, email=self.new_email("ghost"))
        self.assert_denied(self.stack.fcgi(self.django_uri(ghost, token)), "unknown_user")


    def feed(self, uri):
        return self.stack.fcgi(uri, extra_env={"MEDIAGATE_ROUTE": "feed"})

    def test_wagtail_feeds(self):
        """show_query/episodes_query of the example against Wagtail-shaped tables:
        the subscriber's feed has both episodes with premium links minted from her
        Django token; the public feed only the one past its early access."""
        user = self.create_django_user(self.new_email())
        token = django_token(self.stack.secret, self.django_fields(user))
        b64 = harness.mg.b64_email(user["email"])
        r = self.feed(f"/feeds/{b64}/{token}/seed-podcast.xml")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertIn("<title>Seed &lt;Podcast&gt;</title>", r.body)
        self.assertIn(f'<enclosure url="https://media.example.com/premium_media/{b64}/101/'
                      f'{token}/premium.mp3" length="12345" type="audio/mpeg"/>', r.body)
        self.assertIn(f"/premium_media/{b64}/102/{token}/early.mp3", r.body)
        self.assertIn("premium ]]&gt; notes", r.body)
        public = self.feed("/feeds/seed-podcast.xml")
        self.assertEqual(public.status, 200, public.body[:300])
        self.assertIn('<enclosure url="https://media.example.com/public_media/102/early.mp3" '
                      'length="999"', public.body)
        self.assertNotIn("Premium episode", public.body)
        # the public enclosure is allowed, the premium file is not public
        self.assertEqual(self.stack.fcgi("/public_media/102/early.mp3").status, 200)
        self.assert_denied(self.stack.fcgi("/public_media/101/premium.mp3"), "not_found")
        self.assertEqual(self.feed("/feeds/no-such-show.xml").status, 404)


class DjangoTokenCompatTest(unittest.TestCase):
    """`mediagate token make` mints what Django mints for the seed's generator (no servers)."""

    def test_token_make_equals_django(self):
        stack = harness.Stack()
        self.addCleanup(stack.close)
        stack.write_config(DJANGO_DEFAULTS)
        now = 1735787045  # 2025-01-02T03:04:05Z
        for fields in ({"id": 42, "is_paysubscribed": True, "status": "active",
                        "uuid": "0b7e4f5c-6d1e-4b9a-8a53-2f0f8e1c9d77"},
                       {"id": 7, "is_paysubscribed": False, "status": "canceled",
                        "uuid": "00000000-0000-4000-8000-00000000000a"}):
            with self.subTest(fields=fields):
                expected = django_token(stack.secret, fields, now=now)
                cli_fields = dict(fields, is_paysubscribed=str(fields["is_paysubscribed"]))
                self.assertEqual(stack.mint(cli_fields, at=now), expected)


if __name__ == "__main__":
    harness.main(__doc__)
