#!/usr/bin/env python3
"""Hostile FastCGI clients on mediagate's socket (issue 9, items 6 and 7).

Anyone in the socket's group can connect. Whatever such a client sends (a
params record with huge lengths, CVE-2025-23016; half a record; a
BEGIN_REQUEST alone; an idle keep-conn connection; GET_VALUES; wrong versions;
unknown record types), a legitimate request sent meanwhile is answered within
1 s, no worker dies, and a worker that is killed while serving is replaced at
once (no crash backoff).

usage: fcgi_hostile_test.py --binary build/src/mediagate [unittest args]
"""
import os
import re
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import MediagateTestCase, mg, wait_until  # noqa: E402
from mgstack import clients as fc  # noqa: E402

LEGIT_BOUND = 1.0   # seconds a legitimate request may take meanwhile
HEAD_TIMEOUT = 2.0  # ConnectionGate::kHeadTimeout
KEEP_IDLE = 5.0     # ConnectionGate::kKeepIdle

# CVE-2025-23016: name and value lengths 0x7FFFFFF0 abort libfcgi 2.4.2's worker.
HUGE_PARAMS = (fc.fcgi_begin() + fc.fcgi_record(
    fc.FCGI_PARAMS, fc.fcgi_length(0x7FFFFFF0) + fc.fcgi_length(0x7FFFFFF0) + b"xy")
    + fc.fcgi_record(fc.FCGI_PARAMS, b""))
NAMES = {"FCGI_MAX_CONNS": "", "FCGI_MAX_REQS": "", "FCGI_MPXS_CONNS": ""}


class FastCgiHostileTest(MediagateTestCase):
    WORKERS = 2

    @classmethod
    def seed(cls):
        cls.user = cls.create_user("hostile@example.com")
        cls.create_media("ep1", "shows/ep1.mp3")

    def setUp(self):
        super().setUp()
        self.uri = self.media_uri(self.user.email, "ep1", self.token_for(self.user))
        self.pids = sorted(self.stack.mediagate.wait_for_workers(self.WORKERS, timeout=15))
        self.log_at = self.stack.log_offset()

    # -- helpers ---------------------------------------------------------------

    def connect(self, payload=b"", peer_may_close=False):
        """A connection that sent `payload`. With peer_may_close, mediagate may
        close it before the whole payload is sent (it refused what it read
        first; a payload larger than the socket buffer then fails to send)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(s.close)
        s.settimeout(10)
        s.connect(self.stack.mediagate.sock)
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            if not peer_may_close:
                raise
        return s

    def hold(self, payload, count=None):
        """`count` (default twice the workers) connections that sent `payload`."""
        return [self.connect(payload) for _ in range(count or 2 * self.WORKERS)]

    def assert_served_quickly(self, what):
        start = time.monotonic()
        r = self.stack.fcgi(self.uri, timeout=5)
        elapsed = time.monotonic() - start
        self.assert_allowed(r, "shows/ep1.mp3", what)
        self.assertLess(elapsed, LEGIT_BOUND, f"a legitimate request took {elapsed:.2f} s "
                        f"while {what}")

    def assert_no_worker_died(self):
        self.assertNotIn("died (", self.stack.log_since(self.log_at))
        self.assertEqual(sorted(self.stack.mediagate.worker_pids()), self.pids)

    def assert_closed_within(self, conns, seconds, what):
        deadline = time.monotonic() + seconds
        for s in conns:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                while s.recv(65536):
                    pass
            except socket.timeout:
                self.fail(f"mediagate kept a connection that {what} open for over {seconds} s")
            except ConnectionResetError:
                pass

    def read_answer(self, s):
        raw = b""
        while not any(t == fc.FCGI_END_REQUEST for t, _, _ in fc.fcgi_records(raw)):
            chunk = s.recv(65536)
            self.assertTrue(chunk, f"connection closed before END_REQUEST: {raw[:200]!r}")
            raw += chunk
        return fc.fcgi_response(raw)

    def rejected(self, reason):
        return self.metrics().get("mediagate_fastcgi_rejected_total", reason=reason)

    # -- tests -----------------------------------------------------------------

    def test_huge_param_lengths_flood(self):
        """Item 6: a client flooding CVE-2025-23016 records kills no worker."""
        before = self.rejected("invalid")
        stop = threading.Event()
        sent = []

        def flood():
            while not stop.is_set():
                try:
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(2)
                        s.connect(self.stack.mediagate.sock)
                        s.sendall(HUGE_PARAMS)
                        sent.append(1)
                        s.recv(1)
                except OSError:
                    pass

        threads = [threading.Thread(target=flood) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            end = time.monotonic() + 3
            while time.monotonic() < end:
                self.assert_served_quickly("a client floods huge params records")
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertGreater(len(sent), 20)
        self.assert_no_worker_died()
        self.assertGreaterEqual(self.rejected("invalid") - before, len(sent) // 2)

    def test_half_sent_requests_do_not_starve_the_pool(self):
        """Item 7: connections that stop half-way hold no worker."""
        begin = fc.fcgi_begin()
        params = fc.fcgi_record(fc.FCGI_PARAMS, fc.fcgi_pairs({"REQUEST_URI": "/x"}))
        before = self.rejected("timeout")
        held = []
        for what, payload in (("sent nothing", b""), ("sent 3 bytes of a header", begin[:3]),
                              ("sent a BEGIN_REQUEST alone", begin),
                              ("never ended its params", begin + params),
                              ("sent half a params record", begin + params[:12])):
            with self.subTest(what):
                held.append((what, self.hold(payload)))
                self.assert_served_quickly(f"{len(held) * 2 * self.WORKERS} connections "
                                           f"{what} (and before)")
        for what, conns in held:
            self.assert_closed_within(conns, HEAD_TIMEOUT + 2, what)
        self.assertGreaterEqual(self.rejected("timeout") - before, 5 * 2 * self.WORKERS)
        self.assert_no_worker_died()

    def test_idle_keep_conn_connections_do_not_starve_the_pool(self):
        """Item 7: keep-conn connections idle after a request hold no worker;
        keep-conn itself still works, up to the idle bound."""
        request = fc.fcgi_request_bytes(self.uri, keep_conn=True)
        idle = self.hold(request)
        for s in idle:
            self.assert_allowed(self.read_answer(s), "shows/ep1.mp3", "keep-conn")
        self.assert_served_quickly(f"{len(idle)} keep-conn connections are idle")
        idle[0].sendall(request)
        self.assert_allowed(self.read_answer(idle[0]), "shows/ep1.mp3", "second on keep-conn")
        self.assert_closed_within(idle, KEEP_IDLE + 2, "stayed idle after a keep-conn request")
        self.assert_no_worker_died()

    def test_protocol_oddities(self):
        """Malformed records, GET_VALUES, wrong versions, unknown types: each
        connection is answered or closed, and legitimate requests go on."""
        begin = fc.fcgi_begin()
        request = fc.fcgi_request_bytes(self.uri)
        cases = {
            "GET_VALUES alone": fc.fcgi_record(fc.FCGI_GET_VALUES, fc.fcgi_pairs(NAMES), 0),
            "GET_VALUES overflowing libfcgi's answer": fc.fcgi_record(
                fc.FCGI_GET_VALUES, fc.fcgi_pairs(NAMES) * 3, 0),
            "GET_VALUES with huge lengths": fc.fcgi_record(
                fc.FCGI_GET_VALUES, fc.fcgi_length(0x7FFFFFF0) + fc.fcgi_length(0x7FFFFFF0), 0),
            "version 0": fc.fcgi_record(1, begin[8:], version=0) + request[16:],
            "version 2 params": begin + fc.fcgi_record(fc.FCGI_PARAMS, b"\x01\x01ab", version=2),
            "unknown management type": fc.fcgi_record(42, b"abc", 0) + request,
            "unknown request type": begin + fc.fcgi_record(42, b"abc"),
            "BEGIN_REQUEST of 3 bytes": fc.fcgi_record(fc.FCGI_BEGIN_REQUEST, b"abc"),
            "BEGIN_REQUEST with id 0": fc.fcgi_record(fc.FCGI_BEGIN_REQUEST, begin[8:], 0),
            "STDIN before the params end": begin + fc.fcgi_record(fc.FCGI_STDIN, b"body"),
            "a pair longer than its stream": begin + fc.fcgi_record(
                fc.FCGI_PARAMS, fc.fcgi_length(200) + fc.fcgi_length(1) + b"ab")
                + fc.fcgi_record(fc.FCGI_PARAMS, b""),
            "a length cut off": begin + fc.fcgi_record(fc.FCGI_PARAMS, b"\x80\x00")
                + fc.fcgi_record(fc.FCGI_PARAMS, b""),
            "64 KiB of zeros": b"\0" * 65536,
            "a second request id": request + fc.fcgi_begin(2),
            "params then close": begin + fc.fcgi_record(fc.FCGI_PARAMS, b"\x01"),
            # A whole head libfcgi itself refuses (role 99): it closes the connection.
            "an unknown role": fc.fcgi_record(fc.FCGI_BEGIN_REQUEST, struct.pack("!HB5x", 99, 0))
                + request[16:],
        }
        conns = []
        for what, payload in cases.items():
            with self.subTest(what):
                conns.append(self.connect(payload, peer_may_close=True))
                if what == "params then close":
                    conns[-1].shutdown(socket.SHUT_WR)
                self.assert_served_quickly(what)
        self.assert_closed_within(conns, HEAD_TIMEOUT + 2, "sent an odd record")
        self.assert_no_worker_died()

    def test_stopping_worker_answers_what_it_accepted(self):
        """A worker told to stop (SIGHUP drains the old generation) still answers
        the connections it had accepted, even one whose head was on the way."""
        request = fc.fcgi_request_bytes(self.uri)
        conns = [self.connect(request[:10]) for _ in range(2 * self.WORKERS)]
        time.sleep(0.3)  # accepted by the current workers
        self.stack.mediagate.signal(signal.SIGHUP)
        time.sleep(0.5)  # they have been told to stop
        for s in conns:
            s.sendall(request[10:])
        for s in conns:
            self.assert_allowed(self.read_answer(s), "shows/ep1.mp3", "accepted before SIGHUP")
        self.assertIn("SIGHUP", self.stack.log_since(self.log_at))

    def test_killed_workers_are_replaced_at_once(self):
        """Item 6: a worker that dies while serving is replaced without the
        crash backoff, however often it happens."""
        for round_ in range(8):
            victim = self.stack.mediagate.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            start = time.monotonic()
            self.stack.mediagate.wait_for_workers(self.WORKERS, exclude=(victim,), timeout=10)
            self.assertLess(time.monotonic() - start, 1.0, f"round {round_}")
            self.assert_served_quickly(f"worker {victim} was just killed (round {round_})")
        delays = [int(d) for d in re.findall(r"restarting in (\d+) ms",
                                             self.stack.log_since(self.log_at))]
        self.assertEqual(delays, [0] * 8, self.stack.log_since(self.log_at))


if __name__ == "__main__":
    harness.main(__doc__)
