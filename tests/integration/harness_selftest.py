#!/usr/bin/python3
"""Self-test of the integration harness (harness.py), independent of mediagate.

usage: /usr/bin/python3 tests/integration/harness_selftest.py [--keep-tmp] [unittest args]

Starts and stops real PostgreSQL and Redis servers, runs the FastCGI helper
against mock_mediagate.py (a stdlib prefork FastCGI responder standing in for
`mediagate serve`; no mediagate binary is needed for what is used here), and checks that every process the harness starts is gone
afterwards -- after close(), at interpreter exit after an exception, and after
SIGTERM to the test process. Needs root, postgresql-15, redis-server and
libfcgi-bin (cgi-fcgi).
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import textwrap
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "mock_mediagate.py")


def mock_binary():
    os.chmod(MOCK, 0o755)
    return MOCK


class HarnessServersTest(unittest.TestCase):
    def setUp(self):
        self.stack = harness.Stack(binary=mock_binary())
        self.addCleanup(self.stack.close)

    def test_postgres_start_psql_stop_restart(self):
        s = self.stack
        s.start_postgres()
        postmaster = s.pg_proc.pid
        self.assertEqual(harness.proc_stat(postmaster)[1], os.getpid())
        self.assertEqual(s.psql("SELECT current_user || ' ' || current_database()"),
                         "postgres mediagate")
        s.psql("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)")
        self.assertEqual(s.psql("SELECT sum(x) FROM t"), "3")
        # Unix socket only: no TCP listener.
        self.assertEqual(s.psql("SHOW listen_addresses"), "")
        with self.assertRaises(AssertionError):
            s.psql("SELECT nonsense FROM nowhere")
        backends = harness.descendants_of(postmaster)
        self.assertTrue(backends, "postgres auxiliary processes")

        s.stop_postgres()
        self.assertFalse(s.postgres_running())
        for pid in [postmaster] + backends:
            self.assertFalse(harness.pid_alive(pid), pid)
        r = s.psql("SELECT 1", check=False)
        self.assertEqual(r, "")
        self.assertFalse(os.path.exists(os.path.join(s.pg_sockdir, f".s.PGSQL.{s.pg_port}")))

        s.start_postgres()  # same dir, socket dir and port; data survived
        self.assertNotEqual(s.pg_proc.pid, postmaster)
        self.assertEqual(s.psql("SELECT sum(x) FROM t"), "3")

    def test_redis_start_kill_restart(self):
        s = self.stack
        s.start_redis()
        pid = s.redis_proc.pid
        self.assertEqual(s.redis("SET", "k", "v"), "OK")
        self.assertEqual(s.redis("GET", "k"), "v")
        self.assertEqual(s.redis("KEYS", "*"), ["k"])
        s.kill_redis()
        self.assertFalse(harness.pid_alive(pid))
        self.assertEqual(s.redis_proc.returncode, -signal.SIGKILL)
        with self.assertRaises(OSError):
            s.redis("PING")
        s.start_redis()  # same socket path; empty (no persistence)
        self.assertNotEqual(s.redis_proc.pid, pid)
        self.assertEqual(s.redis("PING"), "PONG")
        self.assertIsNone(s.redis("GET", "k"))

    def test_fcgi_and_worker_tracking_with_mock_server(self):
        s = self.stack
        s.write_config()
        s.start_mediagate(workers=3)
        workers = s.worker_pids()
        self.assertEqual(len(workers), 3)
        r = s.fcgi("/mediagate/health")  # no PostgreSQL in this test
        self.assertEqual((r.status, r.body), (503, "down\n"))
        self.assertEqual(r.headers["status"], "503 Service Unavailable")
        self.assertEqual(r.headers["content-type"], "text/plain")
        r = s.fcgi("/premium_media/a/b/c/d", method="POST")
        self.assertEqual((r.status, r.headers["x-mediagate-reason"]), (403, "method"))
        r = s.fcgi("/premium_media/" + "a" * 3000)
        self.assertEqual((r.status, r.headers["x-mediagate-reason"]), (403, "bad_request"))
        self.assertIn(int(r.headers["x-mock-worker"]), workers)
        r = s.fcgi(s.metrics_path)
        self.assertEqual(r.status, 200)
        self.assertEqual(harness.Metrics(r.body).get("mediagate_decisions_total"), 2)
        # Several workers answer.
        answered = {int(s.fcgi("/x").headers["x-mock-worker"]) for _ in range(30)}
        self.assertGreaterEqual(len(answered), 2)

        os.kill(workers[0], signal.SIGKILL)
        new = s.wait_for_workers(3, exclude=[workers[0]], timeout=3)
        self.assertNotIn(workers[0], new)
        self.assertEqual(s.fcgi("/mediagate/health").status, 503)

        master = s.master_pid
        s.stop_mediagate()
        for pid in [master] + new:
            self.assertFalse(harness.pid_alive(pid), pid)
        with self.assertRaises(harness.FcgiError):
            s.fcgi("/mediagate/health")

    def test_close_kills_workers_of_a_crashed_master(self):
        s = self.stack
        s.write_config()
        s.start_mediagate(workers=2)
        workers = s.worker_pids()
        os.kill(s.master_pid, signal.SIGKILL)
        s.serve_proc.wait(timeout=5)
        # The workers may already be going (PR_SET_PDEATHSIG); whatever is left
        # of the group, close() must take it down.
        self.assertTrue(set(harness.group_members(s.serve_proc.pid)) <= set(workers))
        s.close()
        # SIGKILL is asynchronous: give the kernel a moment to finish them.
        harness.wait_until(lambda: not [p for p in workers if harness.pid_alive(p)], 5, 0.02,
                           f"orphaned workers {workers} to be gone")

    def test_close_stops_everything(self):
        s = self.stack
        s.start_postgres()
        s.start_redis()
        s.write_config()
        s.start_mediagate(workers=2)
        pids = s.recorded_pids()
        everything = pids + [d for p in pids for d in harness.descendants_of(p)]
        self.assertGreaterEqual(len(everything), 3 + 2 + 3)
        tmp = s.tmp
        s.close()
        self.assertEqual([p for p in everything if harness.pid_alive(p)], [])
        self.assertFalse(os.path.exists(tmp))
        self.assertEqual(harness.REGISTRY.pids(), [])


CHILD = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {here!r})
    import harness
    harness.install_signal_handlers()
    s = harness.Stack(binary={mock!r})
    s.start_postgres(); s.start_redis(); s.write_config(); s.start_mediagate(workers=2)
    pids = s.recorded_pids()
    pids += [d for p in list(pids) for d in harness.descendants_of(p)]
    print(json.dumps({{"pids": pids, "tmp": s.tmp}}), flush=True)
    if {mode!r} == "raise":
        raise RuntimeError("test failed half-way")
    time.sleep(60)
""")


class HarnessExitCleanupTest(unittest.TestCase):
    """The servers die with the test process, however it ends (except SIGKILL)."""

    def run_child(self, mode):
        with subprocess.Popen([sys.executable, "-c",
                               CHILD.format(here=HERE, mock=mock_binary(), mode=mode)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
            try:
                info = json.loads(proc.stdout.readline())
                if mode == "sigterm":
                    os.kill(proc.pid, signal.SIGTERM)
                _, stderr = proc.communicate(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        self.assertGreaterEqual(len(info["pids"]), 5, stderr)
        harness.wait_until(lambda: not [p for p in info["pids"] if harness.pid_alive(p)],
                           5, message="child's servers to exit")
        return proc.returncode, stderr, info

    def test_exception_in_test_process(self):
        rc, stderr, info = self.run_child("raise")
        self.assertEqual(rc, 1)
        self.assertIn("test failed half-way", stderr)
        harness.shutil.rmtree(info["tmp"], ignore_errors=True)

    def test_sigterm_to_test_process(self):
        rc, _, info = self.run_child("sigterm")
        self.assertEqual(rc, 128 + signal.SIGTERM)
        harness.shutil.rmtree(info["tmp"], ignore_errors=True)


class HarnessHelpersTest(unittest.TestCase):
    def test_toml_writer(self):
        config = {"a": {"s": 'q"uo\\te\nline $1 {id}', "n": 5, "b": True,
                        "l": ["x", "y"], "u": "ü"}}
        self.assertEqual(tomllib.loads(harness.to_toml(config)), config)

    def test_base_config_is_the_spec_config(self):
        s = harness.Stack(binary=mock_binary())
        try:
            s.write_config({"entitlement": {"use_paid_until": False}})
            with open(s.config_path, "rb") as fh:
                cfg = tomllib.load(fh)
            self.assertEqual(set(cfg), {"token", "storage", "database", "redis",
                                        "entitlement", "server"})
            self.assertFalse(cfg["entitlement"]["use_paid_until"])
            self.assertEqual(cfg["entitlement"]["allowed_statuses"], ["active", "trialing"])
            self.assertEqual(cfg["redis"]["address"], f"unix:{s.redis_socket}")
            with open(s.token_config_path, "rb") as fh:
                self.assertEqual(set(tomllib.load(fh)), {"token", "storage"})
            self.assertEqual(os.stat(s.secret_path).st_mode & 0o777, 0o600)
            self.assertEqual(s.secret, "integration-secret")
        finally:
            s.close()

    def test_metrics_parser(self):
        m = harness.Metrics(textwrap.dedent("""\
            # HELP mediagate_decisions_total Decisions.
            # TYPE mediagate_decisions_total counter
            mediagate_decisions_total{reason="allow"} 3
            mediagate_decisions_total{reason="inactive"} 1
            mediagate_decision_duration_seconds_bucket{le="0.005"} 2
            mediagate_decision_duration_seconds_bucket{le="+Inf"} 4
            mediagate_decision_duration_seconds_sum 0.0123
            mediagate_decision_duration_seconds_count 4
            mediagate_worker_restarts_total 0
            """))
        self.assertEqual(m.get("mediagate_decisions_total", reason="allow"), 3)
        self.assertEqual(m.get("mediagate_decisions_total"), 4)
        self.assertTrue(m.has("mediagate_decision_duration_seconds_bucket", le="+Inf"))
        self.assertFalse(m.has("mediagate_decisions_total", reason="method"))
        self.assertEqual(m.get("mediagate_worker_restarts_total"), 0)

    def test_url_helpers(self):
        self.assertEqual(harness.b64_email("ab@c.de"), "YWJAYy5kZQ")
        self.assertEqual(harness.s3_quote("shows/a b+c=ü~.mp3"),
                         "shows/a%20b%2Bc%3D%C3%BC~.mp3")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp dirs")
    args, rest = ap.parse_known_args()
    harness.SETTINGS["keep_tmp"] = args.keep_tmp
    harness.install_signal_handlers()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
