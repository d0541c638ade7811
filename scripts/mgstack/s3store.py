"""The S3 store: OpenStack Swift + s3api, which verifies SigV4, started and
stopped by scripts/s3-store (its servers are recorded in STATE/pids there).
"""
import os
import subprocess

from .processes import StackError, child_env, write_file

S3_STORE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "s3-store")
ACCESS_KEY = "test:tester"  # scripts/s3-store's tempauth account:user
SECRET = "testing"


class S3Store:
    def __init__(self, state, port):
        self.state, self.port = state, port

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def _run(self, *args, timeout=600):
        r = subprocess.run([S3_STORE, *args], env=child_env(), capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise StackError(f"scripts/s3-store {args[0]} failed:\n{r.stdout}{r.stderr}")
        return r.stdout

    def start(self):
        """Starts the store (a no-op while it runs)."""
        self._run("start", self.state, str(self.port))

    def pids(self):
        """The recorded server PIDs ([] when stopped)."""
        try:
            with open(os.path.join(self.state, "pids")) as fh:
                return [int(line.split()[0]) for line in fh if line.strip()]
        except FileNotFoundError:
            return []

    def stop(self):
        if os.path.exists(os.path.join(self.state, "pids")):
            self._run("stop", self.state, timeout=120)

    def put(self, bucket, key, data):
        src = os.path.join(self.state, "upload.tmp")
        write_file(src, data)
        try:
            self._run("put", self.state, str(self.port), bucket, key, src, timeout=120)
        finally:
            os.unlink(src)

    def requests(self, *substring):
        """How many object GETs the store answered with 200/206 (see scripts/s3-store)."""
        return int(self._run("requests", self.state, *substring, timeout=60).strip())
