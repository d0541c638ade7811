#!/usr/bin/python3
"""End-to-end test of scripts/s3-store: a local Swift + s3api that verifies
SigV4, so a signing bug fails here (s3rver accepts any signature).

Run as root (the store starts servers as the `swift` user):
    /usr/bin/python3 tests/e2e/s3_store_test.py -v

Environment:
    MEDIAGATE_BIN      mediagate binary for the presign check
                       (default: build-bench/mediagate, then build/mediagate)
    S3_STORE_TEST_DIR  parent of the temporary STATE_DIR (default /var/tmp;
                       it needs user xattrs, so not tmpfs on Linux < 6.6)
The store is driven through scripts/mgstack (S3Store); boto3 from python3-boto3.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import mgstack as mg  # noqa: E402
from s3_store_helper import client as s3_client  # noqa: E402

BUCKET = "media"
KEY = "dir/a b+c=ü.txt"
KEY_IN_URL = "/media/dir/a%20b%2Bc%3D%C3%BC.txt"  # SigV4 path encoding
BODY = b"0123456789" + bytes(range(256)) + "ünïcødé tail".encode()


def mediagate_binary():
    env = os.environ.get("MEDIAGATE_BIN")
    if env:
        return env
    for d in ("build-bench", "build"):
        path = os.path.join(ROOT, d, "mediagate")
        if os.access(path, os.X_OK):
            return path
    return os.path.join(ROOT, "build-bench", "mediagate")


def fetch(url, headers=None):
    """(status, body) of a GET; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def presign(port, secret="testing", expires=600):
    return s3_client(port, secret).generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": KEY},
        ExpiresIn=expires)


def ours_alive(pid, state):
    """Alive and still one of this store's servers (not a reused PID)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return state.encode() in f.read()
    except OSError:
        return False


@unittest.skipUnless(os.geteuid() == 0, "scripts/s3-store start needs root")
class S3StoreTest(unittest.TestCase):

    def setUp(self):
        parent = os.environ.get("S3_STORE_TEST_DIR", "/var/tmp")
        self.tmp = tempfile.mkdtemp(prefix="s3-store-test-", dir=parent)
        os.chmod(self.tmp, 0o755)  # the servers run as `swift`
        self.state = os.path.join(self.tmp, "state")
        self.store = mg.S3Store(self.state, mg.free_port())
        self.port = self.store.port
        self.pids = []
        # Registered before starting: runs even if start (setUp) fails, when
        # unittest would skip tearDown.
        self.addCleanup(self.stop_and_clean)
        t0 = time.monotonic()
        self.store.start()
        self.start_seconds = time.monotonic() - t0
        self.pids = self.store.pids()

    def tearDown(self):
        self.stop_and_clean()

    def stop_and_clean(self):
        # Always stop, even after a failure; then make sure nothing survived.
        if not os.path.isdir(self.tmp):
            return
        self.pids = self.pids or self.store.pids()  # start failed after writing them
        try:
            self.store.stop()
        except mg.StackError as exc:
            print(exc)
        for pid in self.pids:
            if ours_alive(pid, self.state):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def requests(self, *substring):
        return self.store.requests(*substring)

    def wait_requests(self, expected, *substring):
        """The count once it reaches `expected` (or after 5 s)."""
        try:
            mg.wait_until(lambda: self.requests(*substring) >= expected, 5, "requests", 0.1)
        except mg.StackError:
            pass
        return self.requests(*substring)

    def test_store(self):
        self.assertEqual(len(self.pids), 4)
        print(f"\n  s3-store start: {self.start_seconds:.2f} s", flush=True)

        # Idempotent start: same PIDs, nothing new.
        self.store.start()
        self.assertEqual(self.store.pids(), self.pids)

        self.store.put(BUCKET, KEY, BODY)
        self.assertEqual(self.requests(), 0)  # PUT/HEAD are not GETs

        url = presign(self.port)
        self.assertIn(KEY_IN_URL + "?", url)

        # Three successful GETs.
        self.assertEqual(fetch(url), (200, BODY))
        self.assertEqual(fetch(url, {"Range": "bytes=2-5"}), (206, BODY[2:6]))
        self.assertEqual(fetch(url, {"Range": "bytes=-3"}), (206, BODY[-3:]))

        # One signature hex digit changed -> 403.
        head, sig = url.rsplit("X-Amz-Signature=", 1)
        self.assertRegex(sig, r"^[0-9a-f]{64}$")
        bad = head + "X-Amz-Signature=" + sig[:-1] + ("0" if sig[-1] != "0" else "1")
        status, body = fetch(bad)
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)

        # Signed with the wrong secret -> 403.
        status, body = fetch(presign(self.port, secret="not-testing"))
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", body)

        # Missing object -> 404, not counted either.
        missing = s3_client(self.port).generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "nope"})
        self.assertEqual(fetch(missing)[0], 404)

        # Exactly the three successful GETs are counted.
        self.assertEqual(self.wait_requests(3), 3)
        time.sleep(0.3)
        self.assertEqual(self.requests(), 3)
        self.assertEqual(self.requests(KEY_IN_URL), 3)
        self.assertEqual(self.requests("/v1/AUTH_test" + KEY_IN_URL), 3)
        self.assertEqual(self.requests("no-such-key"), 0)
        expected = 3

        with self.subTest("mediagate presign"):
            binary = mediagate_binary()
            if not os.access(binary, os.X_OK):
                self.skipTest(f"mediagate binary missing ({binary}); build "
                              "it or set MEDIAGATE_BIN to check our signer")
            url2 = self.mediagate_presign(binary)
            self.assertEqual(urllib.parse.urlsplit(url2).path, KEY_IN_URL)
            self.assertEqual(fetch(url2), (200, BODY))
            self.assertEqual(fetch(url2, {"Range": "bytes=-3"}), (206, BODY[-3:]))
            expected += 2
            self.assertEqual(self.wait_requests(expected), expected)

        # stop: every recorded server is gone and the pid file removed.
        self.store.stop()
        for pid in self.pids:
            self.assertFalse(ours_alive(pid, self.state), f"pid {pid} survived")
        self.assertFalse(os.path.exists(os.path.join(self.state, "pids")))
        # The count is read from the log, so it survives a stop.
        self.assertEqual(self.requests(), expected)

    def mediagate_presign(self, binary):
        path = lambda name: os.path.join(self.tmp, name)  # noqa: E731
        mg.write_file(path("token-secret"), "test-secret-key\n", 0o600)
        mg.write_file(path("s3-secret"), mg.s3store.SECRET + "\n", 0o600)
        mg.write_file(path("mediagate.toml"), mg.to_toml({
            "token": {"secret_file": path("token-secret")},
            "storage": {"backend": "s3", "endpoint": self.store.endpoint, "region": "us-east-1",
                        "bucket": BUCKET, "addressing": "path",
                        "access_key_id": mg.s3store.ACCESS_KEY,
                        "secret_access_key_file": path("s3-secret")}}), 0o600)
        out = subprocess.run(
            [binary, "presign", "--config", path("mediagate.toml"), "--key", KEY,
             "--expires", "600"], check=True, text=True, stdout=subprocess.PIPE,
            env=mg.child_env(), timeout=30)
        return out.stdout.strip()


if __name__ == "__main__":
    unittest.main()
