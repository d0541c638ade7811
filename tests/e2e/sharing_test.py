"""End-to-end test of sharing detection through the REAL nginx (scripts/mgstack,
local storage): one subscriber's link fetched from more networks than
[sharing] max_networks (distinct /24s in X-Forwarded-For, which the stack's
nginx trusts from loopback), then `mediagate ingest --config F --once` reads
nginx's download log and sharing detection flags the subscriber. For each
action, on a fresh subscriber:

  log      a flag row, listed by `mediagate sharing`; the link still works
  rotate   the same, and the old link answers 403 while a newly minted one works
  suspend  the same, and the link answers 403 with reason=shared (nginx's
           access log); `mediagate sharing --clear-user` -> 200 again

The action is switched by rewriting the stack's mediagate.toml ([sharing]
action) between the phases; the ingester reads it on each --once run.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/sharing_test.py --binary build/mediagate [-v] [--keep]

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the stack on purpose (each must make
some test fail):
    sharing_lenient  max_networks far above the networks the test uses (no flag)
    no_suspend_col   database.user_query without the "suspended" column
"""
import json
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.testing import MUTATIONS, StackTestCase, run_stack_tests, settle  # noqa: E402

MAX_NETWORKS = 3
NETWORKS = 5           # distinct /24s each shared link is fetched from
BOUND = 1.0            # seconds from the ingester's COMMIT to every worker's new answer
MICRO_CACHE = 0.5      # nginx may reuse an allow that long (mediagate-locations.conf)
USER_QUERY_WITHOUT_SUSPENDED = (
    "SELECT u.id::text AS id, u.uuid::text AS uuid, "
    "u.link_generation::text AS link_generation, COALESCE(s.status, 'none') AS status, "
    "EXTRACT(EPOCH FROM s.current_period_end) AS paid_until FROM mediagate_users u "
    "LEFT JOIN mediagate_subscriptions s ON s.user_id = u.id WHERE u.email = $1")


class SharingTest(StackTestCase, unittest.TestCase):
    BACKEND = "local"

    @classmethod
    def sharing_config(cls, action):
        config = {"sharing": {"max_networks": 1000 if "sharing_lenient" in MUTATIONS
                              else MAX_NETWORKS, "action": action}}
        if "no_suspend_col" in MUTATIONS:
            config["database"] = {"user_query": USER_QUERY_WITHOUT_SUSPENDED}
        return config

    @classmethod
    def stack_options(cls):
        return {"mediagate_config": cls.sharing_config("log")}

    # -- helpers ---------------------------------------------------------------

    def use_action(self, action):
        """Rewrites mediagate.toml with [sharing] action (stack.start() restarts
        mediagate only because its config file changed; nothing else moves)."""
        self.stack.mediagate_overrides = mg.deep_merge(self.stack.mediagate_overrides,
                                                       self.sharing_config(action))
        self.stack.start()

    def fetch(self, path, network):
        """A full GET from 198.51.<network>.7 (a /24 of its own)."""
        return self.request(path, headers={"X-Forwarded-For": f"198.51.{network}.7",
                                           "User-Agent": "ShareTest/1.0"})

    def share(self, user, file_id, data):
        """The same link from NETWORKS networks, each download whole."""
        path = self.stack.premium_path(user, file_id, "episode.mp3")
        before = self.stack.download_log_lines()
        for n in range(NETWORKS):
            self.assert_file(self.fetch(path, n), data, f"network {n}")
        # nginx buffers the download log (flush=1s): wait until the lines are there.
        self.stack.wait_for_download_log(before + NETWORKS)
        return path

    def ingest(self):
        r = self.stack.mediagate.cli("ingest", "--config", self.stack.config_path, "--once",
                                     timeout=120)
        self.assertNotIn("@example.com", r.stdout + r.stderr, "the ingester printed an email")

    def sharing(self, *args, check=True):
        return self.stack.mediagate.cli("sharing", "--config", self.stack.config_path, *args,
                                        check=check)

    def open_flags(self, user):
        flags = json.loads(self.sharing("--format", "json").stdout)
        return [f for f in flags if f["email"] == user.email]

    def assert_flagged(self, user, action):
        flags = self.open_flags(user)
        self.assertEqual(len(flags), 1, f"one open flag for the sharer: {flags}")
        self.assertEqual(flags[0]["action"], action)
        self.assertGreater(flags[0]["networks"], MAX_NETWORKS)
        self.assertRegex(flags[0]["user_ref"], r"^u[0-9a-f]{15}$")
        rows = self.stack.psql("SELECT action FROM mediagate_sharing_flags WHERE email = "
                               f"'{user.email}' AND cleared_at IS NULL").split()
        self.assertEqual(rows, [action])
        self.assertIn(flags[0]["user_ref"], self.sharing().stdout)
        return flags[0]

    def status_within_bound(self, path, status, what):
        """Polls every 50 ms until `path` answers `status`; asserts it took at most
        BOUND plus nginx's micro-cache window."""
        start = time.monotonic()
        while True:
            resp = self.request(path)
            if resp.status == status:
                break
            elapsed = time.monotonic() - start
            self.assertLess(elapsed, BOUND + 2,
                            f"{what}: still {resp.status} after {elapsed:.2f} s")
            time.sleep(0.05)
        self.assertLessEqual(time.monotonic() - start, BOUND + MICRO_CACHE, what)
        for _ in range(4):  # both workers agree
            self.assertEqual(self.request(path).status, status, what)

    def reason_logged(self, reason, since):
        """Whether nginx logs `reason` after `since` (within 5 s: it logs a
        request after answering it)."""
        try:
            mg.wait_until(lambda: f"reason={reason}" in mg.read_text(
                self.stack_log("nginx-access.log"), since), 5, f"reason={reason} logged")
            return True
        except mg.StackError:
            return False

    # -- tests -------------------------------------------------------------------

    def test_each_action(self):
        # One method: the phases share the download log and the ingester's position.
        with self.subTest("log"):
            self.phase_log()
        with self.subTest("rotate"):
            self.phase_rotate()
        with self.subTest("suspend"):
            self.phase_suspend()

    def shared_and_flagged(self, action):
        """A new subscriber shares a new file's link; the ingester flags them with
        `action`. Returns (user, file id, bytes, link path, nginx log offset)."""
        self.use_action(action)
        user = self.new_user()
        file_id, _, data = self.new_file(40_000)
        settle()
        path = self.share(user, file_id, data)
        offset = len(mg.read_text(self.stack_log("nginx-access.log")).encode())
        self.ingest()
        self.assert_flagged(user, action)
        return user, file_id, data, path, offset

    def phase_log(self):
        user, _, data, path, _ = self.shared_and_flagged("log")
        self.assert_file(self.request(path), data, "log: the link still works")
        self.assertEqual(self.stack.psql(
            f"SELECT link_generation FROM mediagate_users WHERE id = {user.id}").strip(),
            str(user.link_generation))
        self.sharing("--clear-user", user.email)
        self.assertEqual(self.open_flags(user), [])

    def phase_rotate(self):
        user, file_id, data, old, _ = self.shared_and_flagged("rotate")
        self.status_within_bound(old, 403, "rotate: the old link")
        token = self.stack.mediagate.mint(mg.token_fields(user, user.link_generation + 1),
                                          config=self.stack.config_path)
        new = self.stack.premium_path(user, file_id, "episode.mp3", token)
        self.assert_file(self.request(new), data, "rotate: a newly minted link")

    def phase_suspend(self):
        bystander = self.new_user()
        user, file_id, data, path, offset = self.shared_and_flagged("suspend")
        self.status_within_bound(path, 403, "suspend: the shared link")
        self.assertTrue(self.reason_logged("shared", offset), "nginx logs reason=shared")
        self.assert_file(self.get(bystander, file_id), data, "another subscriber")
        self.sharing("--clear-user", user.email)
        self.status_within_bound(path, 200, "clear: the link again")
        self.assertEqual(self.open_flags(user), [])


if __name__ == "__main__":
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))
