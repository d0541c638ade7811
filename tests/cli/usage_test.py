#!/usr/bin/env python3
"""Bad command lines and bad configs get a one-line error and a documented exit code.

usage: usage_test.py MEDIAGATE_BINARY

Exit codes: 0 ok, 1 token invalid, 2 usage, 3 config, 4 operation failed.
Nothing may crash (no signal, no sanitizer report) or print a stack trace.
"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from mgstack import write_file  # noqa: E402

BINARY = None


class CliUsageTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.secret = self.write("s", "django-secret\n")
        self.good = self.write("good.toml", f'[token]\nsecret_file = "{self.secret}"\n'
                               '[storage]\nbackend = "local"\n')

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        write_file(path, text, 0o600)
        return path

    def run_cli(self, *args, env=None):
        return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60,
                              env=env or {"PATH": "/usr/bin:/bin"})

    def assert_one_line_error(self, r, code, *needles):
        self.assertEqual(r.returncode, code, f"stdout={r.stdout!r} stderr={r.stderr!r}")
        self.assertEqual(r.stdout, "")
        lines = r.stderr.strip().split("\n")
        self.assertEqual(len(lines), 1, r.stderr)
        for needle in needles:
            self.assertIn(needle, lines[0])
        for bad in ("terminate called", "Aborted", "Sanitizer", "what():"):
            self.assertNotIn(bad, r.stderr)

    def test_version(self):
        r = self.run_cli("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^mediagate \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_2(self):
        cases = [
            ((), "subcommand"),
            (("frobnicate",), "frobnicate"),
            (("token",), "subcommand"),
            (("token", "make", "--field", "id=1"), "--config"),
            (("token", "make", "--config", self.good, "--field", "id"), "NAME=VALUE"),
            (("token", "make", "--config", self.good, "--field", "=x"), "NAME"),
            (("token", "make", "--config", self.good, "--field", "id=1", "--field", "id=2"),
             "twice"),
            (("token", "make", "--config", self.good, "--field", "id=1"), "missing --field"),
            (("token", "make", "--config", self.good, "--field", "id=1", "--at", "soon"), "--at"),
            (("token", "check", "--config", self.good, "--field", "id=1"), "--token"),
            (("presign", "--config", self.good), "--key"),
            (("presign", "--config", self.good, "--key", "k", "--method", "PUT"), "PUT"),
            (("presign", "--config", self.good, "--key", "k", "--expires", "0"), "--expires"),
            (("links", "--config", self.good), "--user"),
            (("links", "--config", self.good, "--user", "a@b", "--show", "s", "--file", "f"),
             "excludes"),
            (("invalidate", "--config", self.good, "--user", "a@b", "--show", "s"), "excludes"),
            (("invalidate", "--config", self.good), "--show"),
            (("stats",), "--config"),
            (("stats", "--config", self.good, "--format", "xml"), "xml"),
            (("stats", "--config", self.good, "--days", "0"), "--days 0: must be 1 to 3660"),
            (("stats", "--config", self.good, "--from", "2026-01-01"), "--from and --to"),
            (("stats", "--config", self.good, "--from", "2026-01-02", "--to", "2026-01-01"),
             "after --to"),
            (("report", "--config", self.good), "--out"),
            (("report", "--config", self.good, "--out", "r.html", "--days", "3", "--from",
              "2026-01-01", "--to", "2026-01-02"), "excludes"),
            (("sharing",), "--config"),
            (("sharing", "--config", self.good, "--format", "xml"), "--format"),
            (("sharing", "--config", self.good, "--clear", "0"), "--clear"),
            (("sharing", "--config", self.good, "--clear", "x"), "--clear"),
            (("sharing", "--config", self.good, "--clear", "1", "--clear-user", "a@b"),
             "excludes"),
            (("sharing", "--config", self.good, "--clear", "1", "--all"), "excludes"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                self.assert_one_line_error(self.run_cli(*args), 2, needle)

    def test_config_errors_exit_3_with_file_and_key(self):
        cases = [
            ("[token]\nsecret_file = 5\n", "token.secret_file"),
            ("[token]\nalgorithm = \"md5\"\n", "token.algorithm"),
            ("[token]\nsecrte_file = \"x\"\n", "token.secrte_file"),
            ("[tokens]\n", "tokens"),
            ("[token]\nsecret_file = \"/nonexistent/secret\"\n", "token.secret_file"),
            ("[token\n", ":1:"),
            ("[token]\ntime_zone = \"Mars/Olympus\"\n", "token.time_zone"),
            ("[token]\nhash_value = \"{id\"\n", "token.hash_value"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nexpires_seconds = 0\n",
             "storage.expires_seconds"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\naccess_key_id = \"AK\"\n"
             "secret_access_key_file = \"/nonexistent/s3\"\n", "storage.secret_access_key_file"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\naccess_key_id = \"AK\"\n"
             f"secret_access_key_file = \"{self.secret}\"\nendpoint = \"ftp://x\"\n",
             "storage.endpoint"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[url]\nprefix = \"nope\"\n", "url.prefix"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[url]\npublic_base = \"https://x.example/\"\n", "url.public_base"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[feed]\nprefix = \"feeds\"\n", "feed.prefix"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[feed]\ncache_seconds = -1\n", "feed.cache_seconds"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[database]\nshow_query = \"SELECT 1\"\n", "database.show_query"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[sharing]\naction = \"ban\"\n", "sharing.action"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[sharing]\nrotate_query = \"UPDATE u SET g = 1\"\n", "sharing.rotate_query"),
            (f"[token]\nsecret_file = \"{self.secret}\"\n[storage]\nbackend = \"local\"\n"
             "[feed]\npublic_media_prefix = \"/premium_media/pub\"\n",
             "feed.public_media_prefix: must not overlap url.prefix"),
        ]
        for i, (text, key) in enumerate(cases):
            with self.subTest(key=key):
                path = self.write(f"bad{i}.toml", text)
                r = self.run_cli("check-config", "--config", path)
                self.assert_one_line_error(r, 3, path, key)

    def test_sharing_without_database_fails_with_one_line(self):
        path = self.write("nodb.toml", f'[token]\nsecret_file = "{self.secret}"\n'
                          '[storage]\nbackend = "local"\n[database]\n'
                          'url = "postgresql:///x?host=/nonexistent"\n')
        for args in ((), ("--format", "json"), ("--clear", "7"), ("--clear-user", "a@b")):
            with self.subTest(args=args):
                r = self.run_cli("sharing", "--config", path, *args)
                self.assert_one_line_error(r, 4, "PostgreSQL")

    def test_links_needs_public_base(self):
        r = self.run_cli("links", "--config", self.good, "--user", "a@example.com")
        self.assert_one_line_error(r, 3, self.good, "url.public_base")

    def test_missing_config_file(self):
        r = self.run_cli("check-config", "--config", "/nonexistent/mediagate.toml")
        self.assert_one_line_error(r, 3, "/nonexistent/mediagate.toml", "No such file")

    def test_check_config_redacts_secrets(self):
        s3 = self.write("s3", "SUPERSECRET-s3-key\n")
        path = self.write("s3.toml", f'[token]\nsecret_file = "{self.secret}"\n'
                          f'[storage]\naccess_key_id = "AKID"\nsecret_access_key_file = "{s3}"\n')
        r = self.run_cli("check-config", "--config", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("SUPERSECRET", r.stdout + r.stderr)
        self.assertNotIn("django-secret", r.stdout + r.stderr)
        self.assertIn("redacted", r.stdout)
        self.assertIn('bucket = "media"', r.stdout)

    def test_world_readable_secret_warns(self):
        os.chmod(self.secret, 0o644)
        r = self.run_cli("check-config", "--config", self.good)
        self.assertEqual(r.returncode, 0)
        self.assertIn("readable by other users", r.stderr)

    def test_env_secret_overrides_file(self):
        path = self.write("env.toml", '[token]\nsecret_file = "/nonexistent"\n'
                          '[storage]\nbackend = "local"\n')
        env = {"PATH": "/usr/bin:/bin", "MEDIAGATE_TOKEN_SECRET": "from-env"}
        r = self.run_cli("check-config", "--config", path, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("env MEDIAGATE_TOKEN_SECRET", r.stdout)
        self.assertNotIn("from-env", r.stdout)

    def test_token_round_trip_and_exit_codes(self):
        fields = ["--field", "id=7", "--field", "is_paysubscribed=True",
                  "--field", "uuid=u-1", "--field", "status=active=$x"]
        r = self.run_cli("token", "make", "--config", self.good, *fields, "--at", "1735787045")
        self.assertEqual(r.returncode, 0, r.stderr)
        token = r.stdout.strip()
        self.assertRegex(token, r"^[0-9a-z]+-[0-9a-f]{32}$")
        ok = self.run_cli("token", "check", "--config", self.good, *fields, "--token", token,
                          "--at", "1735787045")
        self.assertEqual((ok.returncode, ok.stdout), (0, "valid\n"))
        fields[-1] = "status=canceled"
        bad = self.run_cli("token", "check", "--config", self.good, *fields, "--token", token,
                           "--at", "1735787045")
        self.assert_one_line_error(bad, 1, "bad_signature")

    def test_presign_needs_s3_backend(self):
        r = self.run_cli("presign", "--config", self.good, "--key", "k")
        self.assert_one_line_error(r, 3, "backend")

    def test_presign_bad_key_exit_4(self):
        s3 = self.write("s3", "key\n")
        path = self.write("s3.toml", f'[token]\nsecret_file = "{self.secret}"\n'
                          f'[storage]\naccess_key_id = "AKID"\nsecret_access_key_file = "{s3}"\n')
        r = self.run_cli("presign", "--config", path, "--key", "k" * 1025)
        self.assert_one_line_error(r, 4, "1024")
        r = self.run_cli("presign", "--config", path, "--key", "k", "--at", "2013-05-24")
        self.assert_one_line_error(r, 2, "--at")


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(argv=[sys.argv[0], "-v"])
