#!/usr/bin/python3
"""End-to-end tests of audience counting (README, "Audience"): a scripted
audience through the REAL nginx (mediagate-http.conf's mediagate_download log
format, trusted proxies by realip with loopback trusted), then
`mediagate ingest --once`, and the EXACT rows of mediagate_downloads_daily that
the IAB v2.2 rules give. Then log rotation by the real logrotate binary
(`create` + nginx USR1, and `copytruncate`) while nginx writes and
`mediagate ingest` follows: no line lost, none read twice.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/audience_test.py --binary build/mediagate [-v] [-k NAME]
    ctest --test-dir build -R e2e_audience --output-on-failure

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the download log on purpose; each
must make some test fail:
    aud_no_realip    no set_real_ip_from (every client is 127.0.0.1)
    aud_no_log       the premium location writes no download log
    aud_status_200   the log says status 200 for everything (206 partials count)
    aud_no_range     the log's range is always "" (0-1 probes and partials count)
    aud_no_user      the log's user is always "" (nothing counts)
    aud_no_bots      an empty bot list (the bot counts)
    aud_no_apps      empty app rules (apps are "Other", isbot drops Overcast)
    aud_no_geoip     no IPv4 GeoIP database (every country "")
The counting rules themselves are checked by the same assertions with the
binary broken by hand (see the report of the change that added this file).
"""
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
from mgstack.processes import wait_until  # noqa: E402
from mgstack.testing import (MUTATIONS, StackTestCase, apply_mutations,  # noqa: E402
                             run_stack_tests)

OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"
APPLE = "AppleCoreMedia/1.0.0.21E236 (iPhone; U; CPU OS 17_4 like Mac OS X; en_us)"
SPOTIFY = "Spotify/8.9.34 Android/33 (SM-G991B)"
ANTENNA = "AntennaPod/3.4.0"
POCKET = "PocketCasts/1.0 (Pocket Casts Feed Parser; +http://pocketcasts.com/)"
BOT = "Googlebot/2.1 (+http://www.google.com/bot.html)"
WATCH = "atc/1.0 watchOS/10.4 model/Watch6,1 hwp/t8301 build/21T216 (6; dt:275)"

LONG_SIZE, LONG_HEADER, LONG_SECONDS = 120_000, 1_000, 120
# header + ceil(60 * (length - header) / duration) = 1000 + 59500
LONG_THRESHOLD = LONG_HEADER + -(-60 * (LONG_SIZE - LONG_HEADER) // LONG_SECONDS)
SHORT_SIZE, SHORT_SECONDS = 20_000, 30   # under a minute: the whole file


def mutate_snippet(name, text):
    """Test-only breakage of the snippet copies (MEDIAGATE_E2E_MUTATE)."""
    edits = {}
    if name == "mediagate-http.conf":
        edits = {
            "aud_no_realip": lambda t: t.replace("set_real_ip_from 127.0.0.1;", ""),
            "aud_status_200": lambda t: t.replace('"s":$status', '"s":200'),
            "aud_no_range": lambda t: t.replace('"range":"$http_range"', '"range":""'),
            "aud_no_user": lambda t: t.replace('"user":"$mediagate_user"', '"user":""'),
        }
    elif name == "mediagate-locations.conf":
        edits = {"aud_no_log": lambda t: "\n".join(
            line for line in t.split("\n")
            if not (line.strip().startswith("access_log") and "mediagate_download" in line))}
    return apply_mutations(edits, name, text)


class AudienceTest(StackTestCase, unittest.TestCase):
    BACKEND = "local"

    @classmethod
    def stack_options(cls):
        # poll_ms: ingest lags behind nginx, so rotations happen mid-file
        audience = {"poll_ms": 300, "commit_interval_ms": 200}
        empty = os.path.join(cls.tmp, "empty.txt")
        open(empty, "w").close()
        if "aud_no_bots" in MUTATIONS:
            audience["bot_list"] = empty
        if "aud_no_apps" in MUTATIONS:
            audience["app_rules"] = empty
        if "aud_no_geoip" in MUTATIONS:
            audience["geoip_path"] = ""
        return {"snippet_filter": mutate_snippet,
                "mediagate_config": {"redis": {"key_prefix": "mg-e2e-aud"},
                                     "audience": audience}}

    # -- helpers -----------------------------------------------------------------

    def add_episode(self, size, seconds, header=0):
        fid, _, data = self.new_file(size)
        show = self.stack.db.add_show("aud", "Audience test show")
        self.stack.db.add_episode(show, fid, f"Episode {fid}", fid)
        self.stack.psql(f"UPDATE mediagate_episodes SET duration_seconds = {seconds} "
                        f"WHERE media_id = '{fid}'")
        self.stack.psql(f"UPDATE mediagate_media SET header_bytes = {header} WHERE id = '{fid}'")
        return fid, data

    def listen(self, user, fid, ip, ua, rng=None, method="GET", expect=None):
        headers = {"X-Forwarded-For": ip, "User-Agent": ua}
        if rng:
            headers["Range"] = rng
        resp = self.get(user, fid, method=method, headers=headers)
        want = expect or ((206 if rng else 200),)
        self.assertIn(resp.status, want, f"{method} {fid} {rng}: {resp.status}")
        return resp

    def ingest_once(self):
        r = self.stack.mediagate.cli("ingest", "--once", "--config", self.stack.config_path)
        return r.stderr

    def counts(self, *fids):
        ids = ",".join(f"'{f}'" for f in fids)
        out = self.stack.psql(
            "SELECT day, file_id, app, country, downloads FROM mediagate_downloads_daily "
            f"WHERE file_id IN ({ids}) ORDER BY file_id, app, country")
        return sorted(tuple(line.split("|")) for line in out.strip().splitlines() if line)

    def position(self):
        out = self.stack.psql("SELECT lines FROM mediagate_ingest_position").strip()
        return int(out) if out else 0

    # -- the scripted audience ---------------------------------------------------

    def test_scripted_audience_exact_counts(self):
        user = self.new_user()
        long_id, _ = self.add_episode(LONG_SIZE, LONG_SECONDS, LONG_HEADER)
        short_id, _ = self.add_episode(SHORT_SIZE, SHORT_SECONDS)
        self.ingest_once()                       # catch up with earlier tests
        p0, l0 = self.position(), self.files_lines()
        before = self.stack.download_log_lines()
        day = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        n = 0

        def go(*args, **kw):
            nonlocal n
            n += 1
            return self.listen(user, *args, **kw)

        # Overcast at 198.51.100.1: a full download, then again within 24 h.
        go(long_id, "198.51.100.1", OVERCAST)
        go(long_id, "198.51.100.1", OVERCAST)
        # The same app from another address: another listener.
        go(long_id, "198.51.100.2", OVERCAST)
        # Apple Podcasts: a 0-1 probe, a HEAD, then two ranges that together
        # pass the threshold (each alone is below it).
        go(long_id, "203.0.113.7", APPLE, "bytes=0-1")
        go(long_id, "203.0.113.7", APPLE, method="HEAD")
        go(long_id, "203.0.113.7", APPLE, f"bytes=0-{LONG_THRESHOLD // 2}")
        go(long_id, "203.0.113.7", APPLE, f"bytes={LONG_THRESHOLD // 2}-{LONG_THRESHOLD + 99}")
        # Spotify: a partial download below the threshold, another just above it.
        go(long_id, "203.0.113.8", SPOTIFY, f"bytes=0-{LONG_THRESHOLD - 2}")
        go(long_id, "203.0.113.9", SPOTIFY, f"bytes=0-{LONG_THRESHOLD - 1}")
        # AntennaPod from two addresses of one IPv6 /64: one listener.
        go(long_id, "2001:db8:1:2::1", ANTENNA)
        go(long_id, "2001:db8:1:2::99", ANTENNA)
        # From a public address: its country when Debian's GeoIP database is
        # installed (the documentation addresses above have none).
        go(long_id, "81.2.69.160", ANTENNA)
        # A bot and an Apple Watch duplicate: full downloads, never counted.
        go(long_id, "192.0.2.50", BOT)
        go(long_id, "192.0.2.51", WATCH)
        # Short episode (30 s): only the whole file counts.
        go(short_id, "192.0.2.60", POCKET, f"bytes=0-{SHORT_SIZE - 2}")
        go(short_id, "192.0.2.61", POCKET)
        # A denial is never a download (and not in the download log).
        resp = self.get(user, long_id, token="1-" + "0" * 30,
                        headers={"X-Forwarded-For": "192.0.2.70", "User-Agent": OVERCAST})
        self.assertEqual(resp.status, 403)
        self.stack.wait_for_download_log(before + n)

        self.ingest_once()
        antenna = [(day, long_id, "AntennaPod", "", "1"), (day, long_id, "AntennaPod", "GB", "1")]
        if not os.path.exists("/usr/share/GeoIP/GeoIP.dat"):
            antenna = [(day, long_id, "AntennaPod", "", "2")]
        want = sorted(antenna + [(day, long_id, "Apple Podcasts", "", "1"),
                                 (day, long_id, "Overcast", "", "2"),
                                 (day, long_id, "Spotify", "", "1"),
                                 (day, short_id, "Pocket Casts", "", "1")])
        self.assertEqual(self.counts(long_id, short_id), want)
        self.assertEqual(self.position() - p0, self.files_lines() - l0)

        # A second --once adds nothing; a later request of a counted listener
        # within 24 h neither (its window was stored with the position).
        self.ingest_once()
        self.assertEqual(self.counts(long_id, short_id), want)
        go(long_id, "198.51.100.1", OVERCAST)
        go(short_id, "192.0.2.60", POCKET, f"bytes={SHORT_SIZE - 1}-")  # completes it
        self.stack.wait_for_download_log(before + n)
        self.ingest_once()
        want[-1] = (day, short_id, "Pocket Casts", "", "2")  # short_id sorts last
        self.assertEqual(self.counts(long_id, short_id), want)
        self.assertEqual(self.position() - p0, self.files_lines() - l0)

    # -- rotation ----------------------------------------------------------------

    def files_lines(self):
        """Lines in the download log and its rotated copies."""
        total = 0
        for path in [self.stack.download_log] + [f"{self.stack.download_log}.{i}"
                                                  for i in range(1, 10)]:
            if os.path.exists(path):
                with open(path, "rb") as fh:
                    total += fh.read().count(b"\n")
        return total

    def test_rotation_loses_no_line(self):
        """create + USR1: every served request is read exactly once.
        copytruncate: every line logrotate kept is read exactly once (a line
        nginx writes between logrotate's copy and its truncation is lost by
        logrotate itself; the count of those is printed)."""
        user = self.new_user()
        fid, _ = self.add_episode(4096, 600)
        state = os.path.join(self.tmp, "logrotate")
        os.makedirs(state, exist_ok=True)
        log = self.stack.download_log
        pid_file = os.path.join(self.stack.nginx.prefix, "nginx.pid")

        def rotate(mode):
            path = os.path.join(state, f"{mode}.conf")
            with open(path, "w") as fh:
                fh.write(f"{log} {{\n  rotate 9\n  missingok\n  nocompress\n")
                if mode == "create":
                    fh.write("  create 0644 root root\n  sharedscripts\n  postrotate\n"
                             f"    kill -USR1 $(cat {pid_file})\n  endscript\n")
                else:
                    fh.write("  copytruncate\n")
                fh.write("}\n")
            r = subprocess.run(["/usr/sbin/logrotate", "-f", "-s", os.path.join(state, "status"),
                                path], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)

        self.ingest_once()                       # catch up with earlier tests
        ingest = subprocess.Popen([self.stack.binary, "ingest", "--config",
                                   self.stack.config_path], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for mode in ("create", "copytruncate"):
                start, present = self.position(), self.files_lines()
                sent, stop, paused = [0, 0], threading.Event(), threading.Event()

                def writer(i):
                    while not stop.is_set():
                        if paused.is_set():
                            time.sleep(0.01)
                            continue
                        self.listen(user, fid, f"192.0.2.{9 + i}", OVERCAST, "bytes=0-99")
                        sent[i] += 1
                threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
                for thread in threads:
                    thread.start()
                try:
                    # Requests before, between and after the rotations, however
                    # slow the machine (ASan): at least 0.7 s and 6 requests each.
                    for phase in range(3):
                        time.sleep(0.7)
                        wait_until(lambda: sum(sent) >= 6 * (phase + 1), 60,
                                   f"{6 * (phase + 1)} requests", 0.05)
                        if phase == 2:
                            break
                        if mode == "copytruncate":
                            # The ingester must look at the file between its
                            # truncation and its growing past the old end again
                            # (README): the writers pause until it has caught up
                            # and for a few of its polls after the truncation.
                            paused.set()
                            time.sleep(1.2)   # nginx's buffer (flush=1s)
                            wait_until(lambda: self.position() - start >=
                                       self.files_lines() - present, 30,
                                       "ingest to catch up before copytruncate", 0.05)
                        rotate(mode)
                        if mode == "copytruncate":
                            time.sleep(0.5)
                            paused.clear()
                finally:
                    stop.set()
                    for thread in threads:
                        thread.join()
                sent = [sum(sent)]
                self.wait_for_lines(present + sent[0] if mode == "create" else None)
                kept = self.files_lines() - present
                wait_until(lambda: self.position() - start >= kept, 10,
                           f"ingest to read {kept} lines", 0.05)
                time.sleep(0.3)   # and not one more
                read = self.position() - start
                print(f"\n{mode}: {sent[0]} requests, {kept} lines in the files, {read} read",
                      file=sys.stderr)
                self.assertGreater(sent[0], 10)
                if mode == "create":
                    self.assertEqual(read, sent[0], mode)
                else:
                    # Not one line lost that is in the files, none read twice. (A
                    # line nginx wrote between logrotate's copy and truncation is
                    # in no file; ingest has it if it read it before truncation.)
                    self.assertGreaterEqual(read, kept, mode)
                    self.assertLessEqual(read, sent[0], mode)
        finally:
            ingest.send_signal(signal.SIGTERM)
            out, _ = ingest.communicate(timeout=30)
        self.assertEqual(ingest.returncode, 0, out)
        self.assertIn("download(s) counted", out)

    def wait_for_lines(self, lines):
        if lines is None:
            time.sleep(0.3)
        else:
            wait_until(lambda: self.files_lines() >= lines, 10, f"{lines} lines", 0.02)


if __name__ == "__main__":
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))
