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

BINARY = None
VECTORS = None


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string


class CliVectorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.n = 0

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, mode=0o600):
        self.n += 1
        path = os.path.join(self.tmp.name, f"f{self.n}")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(path, mode)
        return path

    def token_config(self, v, secret):
        secret_file = self.write(secret + "\n")
        fallbacks = [self.write(f) for f in v["fallbacks"]]
        return self.write(
            "[token]\n"
            f"secret_file = {toml_str(secret_file)}\n"
            f"fallback_secret_files = [{', '.join(toml_str(f) for f in fallbacks)}]\n"
            f"key_salt = {toml_str(v['key_salt'])}\n"
            f"algorithm = {toml_str(v['algorithm'])}\n"
            f"accept_legacy = {'true' if v['accept_legacy'] else 'false'}\n"
            f"hash_value = {toml_str(v['template'])}\n"
            f"timeout_seconds = {v['timeout_seconds']}\n"
            f"time_zone = {toml_str(v['time_zone'])}\n"
            "[storage]\nbackend = \"local\"\n")

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
                config = self.write(
                    f"[token]\nsecret_file = {toml_str(token_secret)}\n"
                    "[storage]\nbackend = \"s3\"\n"
                    f"endpoint = {toml_str(v['endpoint'])}\n"
                    f"region = {toml_str(v['region'])}\n"
                    f"bucket = {toml_str(v['bucket'])}\n"
                    f"addressing = {toml_str(v['addressing'])}\n"
                    f"access_key_id = {toml_str(v['access_key_id'])}\n"
                    "secret_access_key_file = \"\"\n")
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
