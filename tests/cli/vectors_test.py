#!/usr/bin/env python3
"""Runs the mediagate CLI against the committed reference vectors.

usage: vectors_test.py MEDIAGATE_BINARY VECTORS_DIR

- `token make` must print Django's token for every vector Django minted.
- `token check` must answer exactly as Django did (exit 0 valid, 1 invalid),
  including every tampered variant, and reject a flipped digit of every token.
- `presign` must print exactly botocore's URL for every presign vector.
Secrets reach the binary through files and the environment, never argv.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from mgstack import to_toml, write_file  # noqa: E402

BINARY = None
VECTORS = None


class CliVectorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.n = 0

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text):
        self.n += 1
        path = os.path.join(self.tmp.name, f"f{self.n}")
        write_file(path, text, 0o600)
        return path

    def token_config(self, v, secret):
        return self.write(to_toml({"token": {
            "secret_file": self.write(secret + "\n"),
            "fallback_secret_files": [self.write(f) for f in v["fallbacks"]],
            "key_salt": v["key_salt"], "algorithm": v["algorithm"],
            "accept_legacy": v["accept_legacy"], "hash_value": v["template"],
            "timeout_seconds": v["timeout_seconds"], "time_zone": v["time_zone"]},
            "storage": {"backend": "local"}}))

    def run_cli(self, args, env=None):
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        full_env.update(env or {})
        return subprocess.run([BINARY] + args, capture_output=True, text=True,
                              env=full_env, timeout=60)

    def field_args(self, v):
        return [f"--field={k}={val}" for k, val in sorted(v["fields"].items())]

    def check(self, v, token, at):
        config = self.token_config(v, v["secret"])
        return self.run_cli(["token", "check", "--config", config] + self.field_args(v) +
                            ([f"--token={token}"] if token else ["--token", ""]) +
                            ["--at", str(at)])

    def test_token_make_matches_django(self):
        vectors = [v for v in VECTORS["tokens"] if v["minted"]]
        self.assertGreaterEqual(len(vectors), 30)
        for v in vectors:
            with self.subTest(v["name"]):
                config = self.token_config(v, v["make_secret"])
                r = self.run_cli(["token", "make", "--config", config] +
                                 self.field_args(v) + ["--at", str(v["make_at"])])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, v["token"] + "\n")

    def test_token_check_matches_django(self):
        for v in VECTORS["tokens"]:
            with self.subTest(v["name"]):
                r = self.check(v, v["token"], v["check_at"])
                self.assertEqual(r.returncode, 0 if v["valid"] else 1,
                                 f"stdout={r.stdout!r} stderr={r.stderr!r}")
                if not v["valid"]:
                    self.assertIn("token invalid:", r.stderr)
                    self.assertEqual(r.stdout, "")

    def test_token_check_rejects_flipped_digit_of_every_valid_token(self):
        for v in (v for v in VECTORS["tokens"] if v["valid"]):
            tok = v["token"]
            flipped = tok[:-1] + ("0" if tok[-1] != "0" else "1")
            with self.subTest(v["name"]):
                r = self.check(v, flipped, v["check_at"])
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("bad_signature", r.stderr)

    def test_presign_matches_botocore(self):
        vectors = VECTORS["presign"]
        self.assertGreaterEqual(len(vectors), 30)
        token_secret = self.write("unused-token-secret\n")
        for v in vectors:
            with self.subTest(v["name"]):
                config = self.write(to_toml({
                    "token": {"secret_file": token_secret},
                    "storage": dict({k: v[k] for k in ("endpoint", "region", "bucket",
                                                       "addressing", "access_key_id")},
                                    backend="s3", secret_access_key_file="")}))
                env = {"MEDIAGATE_S3_SECRET_ACCESS_KEY": v["secret_access_key"]}
                if v["session_token"]:
                    env["MEDIAGATE_S3_SESSION_TOKEN"] = v["session_token"]
                r = self.run_cli(["presign", "--config", config, f"--key={v['key']}",
                                  "--at", v["at"], "--expires", str(v["expires"]),
                                  "--method", v["method"]], env)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, v["url"] + "\n")


def main():
    global BINARY, VECTORS
    BINARY = os.path.abspath(sys.argv[1])
    vector_dir = sys.argv[2]
    VECTORS = {}
    for name in ("tokens", "presign"):
        with open(os.path.join(vector_dir, name + ".json"), encoding="utf-8") as fh:
            VECTORS[name] = json.load(fh)["vectors"]
    unittest.main(argv=[sys.argv[0], "-v"])


if __name__ == "__main__":
    main()
