#!/usr/bin/env python3
"""Where `mediagate serve` gets its socket, how it talks to systemd, and the
master's edges: fd 0 from spawn-fcgi, LISTEN_FDS socket activation, --listen
with --socket-mode/--socket-owner, sd_notify READY/RELOADING/STOPPING, a
crash loop backing off, and the client address behind a trusted proxy.

usage: listen_test.py --binary build/mediagate [unittest args]
"""
import grp
import os
import pwd
import re
import signal
import socket
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MediagateTestCase, mg, wait_until  # noqa: E402


def bound_socket(test, name, kind=socket.SOCK_STREAM):
    """A unix socket bound in the test's stack dir, closed after the test."""
    path = test.stack.path(name)
    sock = socket.socket(socket.AF_UNIX, kind)
    sock.bind(path)
    test.addCleanup(sock.close)
    return sock, path


class SocketSourceTest(MediagateTestCase):
    """The three ways to get a listening socket all serve decisions."""

    SERVE = False

    @classmethod
    def seed(cls):
        cls.user = cls.create_user("listen@example.com")
        cls.create_media("ep1", "shows/ep1.mp3")

    def serve_and_check(self, argv, socket_path, pass_fds=()):
        log = self.stack.path("listen.log")
        proc = self.stack.procs.spawn("serve", argv, log, pass_fds=pass_fds)
        self.addCleanup(self.stack.procs.stop, "serve")
        wait_until(lambda: len(mg.Mediagate.workers_of(proc.pid)) == 2, 10, "2 workers")
        r = mg.fcgi(socket_path, self.media_uri(self.user.email, "ep1", self.token_for(self.user)))
        self.assertEqual(r.status, 200, f"{r}\n{mg.tail(log)}")
        self.assertIn("x-mediagate-upstream", r.headers)
        return proc


    def test_fd0_from_spawn_fcgi(self):
        sock = self.stack.path("spawn.sock")
        proc = self.serve_and_check(
            ["spawn-fcgi", "-n", "-s", sock, "-M", "0660", "--", self.stack.binary, "serve",
             "--config", self.stack.config_path, "--workers", "2"], sock)
        self.assertEqual(stat.S_IMODE(os.stat(sock).st_mode), 0o660)
        # -n: mediagate replaced spawn-fcgi under the same PID.
        with open(f"/proc/{proc.pid}/cmdline", "rb") as fh:
            self.assertIn(b"serve", fh.read())

    def test_systemd_socket_activation(self):
        listener, sock_path = bound_socket(self, "activated.sock")
        listener.listen(64)
        # fd 3 must be the socket and LISTEN_PID the server's own PID, which
        # only the exec'ing shell knows.
        script = f'exec 3<&{listener.fileno()}; LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"'
        self.serve_and_check(
            ["sh", "-c", script, "sh", self.stack.binary, "serve", "--config",
             self.stack.config_path, "--workers", "2"], sock_path,
            pass_fds=(listener.fileno(),))

    def test_listen_with_mode_and_owner(self):
        sock = self.stack.path("owned.sock")
        self.serve_and_check(
            [self.stack.binary, "serve", "--config", self.stack.config_path, "--workers", "2",
             "--listen", f"unix:{sock}", "--socket-mode", "0640",
             "--socket-owner", "nobody:nogroup"], sock)
        st = os.stat(sock)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
        self.assertEqual(st.st_uid, pwd.getpwnam("nobody").pw_uid)
        self.assertEqual(st.st_gid, grp.getgrnam("nogroup").gr_gid)

    def test_serve_errors_are_clear(self):
        serve = ["serve", "--config", self.stack.config_path]
        for args, message in (([], "fd 0 is not a listening socket"),
                              (["--listen", f"unix:{self.stack.path('x.sock')}", "--socket-owner",
                                "no-such-user-here"], "no user no-such-user-here")):
            with self.subTest(message):
                r = self.stack.mediagate.cli(*serve, *args, check=False, timeout=20)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(message, r.stderr)


class NotifyTest(MediagateTestCase):
    """sd_notify: READY=1 once serving, RELOADING=1 then READY=1 on SIGHUP,
    STOPPING=1 on SIGTERM."""

    SERVE = False

    def test_notify_lifecycle(self):
        notify, path = bound_socket(self, "notify.sock", socket.SOCK_DGRAM)
        notify.settimeout(10)
        sock = self.stack.path("n.sock")
        proc = self.stack.procs.spawn("serve", [
            self.stack.binary, "serve", "--config", self.stack.config_path, "--listen",
            f"unix:{sock}", "--workers", "1"], self.stack.path("notify.log"),
            env=mg.child_env(NOTIFY_SOCKET=path))
        self.addCleanup(self.stack.procs.stop, "serve")

        def next_message():
            return notify.recv(4096).decode()
        self.assertIn("READY=1", next_message())
        os.kill(proc.pid, signal.SIGHUP)
        self.assertIn("RELOADING=1", next_message())
        self.assertIn("READY=1", next_message())
        os.kill(proc.pid, signal.SIGTERM)
        self.assertIn("STOPPING=1", next_message())
        proc.wait(timeout=10)
        self.assertEqual(proc.returncode, 0)


class CrashLoopTest(MediagateTestCase):
    """A worker that keeps dying before it started serving (here: while its
    first PostgreSQL connection hangs) is restarted with a growing delay, and
    every restart is counted. Workers killed while serving are replaced at once
    (fcgi_hostile_test.py)."""

    WORKERS = 1

    def test_backoff_grows(self):
        offset = self.stack.log_offset()
        postgres = self.stack.procs.pid("postgres")
        self.addCleanup(os.kill, postgres, signal.SIGCONT)
        victim = self.stack.mediagate.wait_for_workers(1, timeout=15)[0]
        os.kill(postgres, signal.SIGSTOP)  # new workers hang in their first connect
        for _ in range(4):
            os.kill(victim, signal.SIGKILL)
            wait_until(lambda: victim not in self.stack.mediagate.worker_pids(), 5,
                       "worker gone", 0.02)
            victim = self.stack.mediagate.wait_for_workers(1, exclude=(victim,), timeout=15)[0]
        os.kill(victim, signal.SIGKILL)  # still starting: it is not serving yet
        os.kill(postgres, signal.SIGCONT)
        self.stack.mediagate.wait_for_workers(1, exclude=(victim,), timeout=15)
        delays = [int(d) for d in re.findall(r"restarting in (\d+) ms",
                                             self.stack.log_since(offset))]
        self.assertEqual(len(delays), 5, self.stack.log_since(offset))
        self.assertEqual(delays[0], 0, "the first worker was serving: replaced at once")
        self.assertEqual(delays[1:], sorted(delays[1:]))
        self.assertGreater(delays[-1], delays[1])
        self.assertGreaterEqual(self.metrics().get("mediagate_worker_restarts_total"), 5)


class ClientAddressTest(MediagateTestCase):
    """X-Forwarded-For is believed only from a trusted proxy."""

    CONFIG = {"server": {"trusted_proxies": ["127.0.0.0/8"]}}

    def denial_line(self, remote_addr, forwarded):
        offset = self.stack.log_offset()
        r = self.stack.fcgi("/premium_media/x", remote_addr=remote_addr,
                            extra_env={"HTTP_X_FORWARDED_FOR": forwarded})
        self.assertEqual(r.headers.get("x-mediagate-reason"), "bad_request")
        return wait_until(lambda: re.search(r"deny reason=bad_request.*",
                                            self.stack.log_since(offset)), 5,
                          "denial log line").group(0)

    def test_trusted_proxy_header_is_used(self):
        line = self.denial_line("127.0.0.1", "198.51.100.1, 203.0.113.9")
        self.assertIn("client=203.0.113.9", line)

    def test_untrusted_peer_header_is_ignored(self):
        line = self.denial_line("192.0.2.44", "203.0.113.9")
        self.assertIn("client=192.0.2.44", line)
        self.assertNotIn("203.0.113.9", line)


if __name__ == "__main__":
    harness.main(__doc__)
