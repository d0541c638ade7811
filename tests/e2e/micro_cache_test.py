#!/usr/bin/python3
"""End-to-end tests of nginx's auth micro-cache (mediagate-http.conf,
location = /_mediagate_auth in mediagate-locations.conf): nginx keeps
mediagate's allow answers for one half-second window, keyed by method, the
client's URI and the window; denials and `unavailable` are never cached.

A request the micro-cache answers makes no mediagate decision, so every test
counts decisions in mediagate's own Prometheus metrics (summed over the
workers, read straight from its socket) around requests through the REAL
nginx. The stack is StackTestCase's (scripts/mgstack/testing.py, the same as
tests/e2e/e2e_test.py's), with the local storage backend: what is cached is
mediagate's answer, the same for both backends.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/micro_cache_test.py --binary build/mediagate [-v] [-k NAME]
    ctest --test-dir build -R e2e_micro_cache --output-on-failure

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the micro-cache on purpose; each
must make some test fail:
    mc_off            no fastcgi_cache (every request is a decision)
    mc_cache_denials  fastcgi_cache_valid 200 403 1s (denials and unavailable cached)
    mc_no_window      the key without the window (entries live 1-2 s)
    mc_key_no_email   the key's URI without the email segment
    mc_key_no_file    the key's URI without the file id
    mc_key_no_token   the key's URI without the token
"""
import os
import pwd
import random
import stat
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.nginx import USER as NGINX_USER  # noqa: E402
from mgstack.testing import StackTestCase, apply_mutations, run_stack_tests  # noqa: E402

WINDOW = 0.5        # the micro-cache window of mediagate-http.conf
MARGIN = 0.03       # nginx's $msec is its cached time: keep away from window edges
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
# What nginx answers the client for each decision (README, "The responder").
STATUS = {"allow": 200, "not_found": 404, "unavailable": 503, "bad_request": 403,
          "bad_token": 403, "unknown_user": 403, "inactive": 403, "method": 403}
# mc_key_no_*: a map (http level) that drops one segment of the URI for the key.
KEY_DROPS = {
    "mc_key_no_email": r"~^(/premium_media/)[^/]*(/.*)$",
    "mc_key_no_file": r"~^(/premium_media/[^/]*/)[^/]*(/.*)$",
    "mc_key_no_token": r"~^(/premium_media/[^/]*/[^/]*/)[^/]*(/.*)$",
}


def mutate_snippet(name, text):
    """Test-only breakage of the snippet copies (MEDIAGATE_E2E_MUTATE)."""
    key = 'fastcgi_cache_key "$request_method $request_uri $mediagate_auth_window";'
    edits = {}
    if name == "mediagate-locations.conf":
        edits = {
            "mc_off": lambda t: t.replace("fastcgi_cache mediagate_auth;", ""),
            "mc_cache_denials": lambda t: t.replace("fastcgi_cache_valid 200 1s;",
                                                    "fastcgi_cache_valid 200 403 1s;"),
            "mc_no_window": lambda t: t.replace(
                key, 'fastcgi_cache_key "$request_method $request_uri";'),
        }
        for m in KEY_DROPS:
            edits[m] = lambda t: t.replace(key, key.replace("$request_uri", "$mg_mutant_uri"))
    elif name == "mediagate-http.conf":
        for m, regex in KEY_DROPS.items():
            edits[m] = lambda t, regex=regex: t + (
                f'\nmap $request_uri $mg_mutant_uri {{\n    default $request_uri;\n'
                f'    "{regex}" "$1$2";\n}}\n')
    return apply_mutations(edits, name, text)


def other(alphabet, c):
    """Another character of alphabet than c, as different as it gets: for
    base64url the top bit of the 6-bit group flips, so the decoded bytes change
    even in the last character."""
    return alphabet[(alphabet.index(c) + len(alphabet) // 2) % len(alphabet)]


class MicroCacheTest(StackTestCase, unittest.TestCase):
    BACKEND = "local"

    @classmethod
    def stack_options(cls):
        return {"snippet_filter": mutate_snippet,
                "mediagate_config": {"redis": {"key_prefix": "mg-e2e-mc"}}}

    # -- decisions -------------------------------------------------------------

    def decisions(self):
        """mediagate's decision counts so far: {reason: count}, plus "all"."""
        m = self.stack.mediagate.metrics()
        counts = {lb["reason"]: v for lb, v in m.find("mediagate_decisions_total")}
        counts["all"] = sum(counts.values())
        return counts

    def made(self, before, reason="all"):
        """Decisions of `reason` since the counts `before`."""
        return int(self.decisions()[reason] - before.get(reason, 0))

    def in_one_window(self, fn, attempts=6):
        """Runs fn() starting just after a window boundary; returns its result
        if it also ended inside that window, else tries again (a slow moment)."""
        for _ in range(attempts):
            phase = time.time() % WINDOW
            if not MARGIN <= phase <= 0.1:
                time.sleep((WINDOW - phase + MARGIN) % WINDOW)
            t0 = time.time()
            result = fn()
            if int(t0 / WINDOW) == int((time.time() + MARGIN) / WINDOW):
                return result
        self.fail(f"{attempts} attempts to run {fn.__name__} inside one {WINDOW} s window")

    def premium(self, user, file_id, name, token=None):
        return self.stack.premium_path(user, file_id, name, token)

    # -- a: a hit makes no decision ----------------------------------------------

    def test_same_url_twice_in_window_one_decision(self):
        fid, _, data = self.new_file(64 * 1024)
        names = iter(f"a{i}.mp3" for i in range(100))

        def twice():
            path = self.premium(self.alice, fid, next(names))
            before = self.decisions()
            first, second = self.request(path), self.request(path)
            return first, second, before
        first, second, before = self.in_one_window(twice)
        self.assert_file(first, data, "first")
        self.assert_file(second, data, "second, from the micro-cache")
        self.assertEqual(self.made(before), 1, "two requests in one window: one decision")

    # -- b: every byte of the decision's inputs is in the key ----------------------

    def test_one_byte_changed_is_never_served_from_the_entry(self):
        fid = "mc" + "".join(random.choice("0123456789abcdef") for _ in range(12))
        data = self.add_file(fid)
        token = self.stack.token(self.alice)
        email = mg.b64_email(self.alice.email)
        ts, _, mac = token.partition("-")
        self.assertTrue(ts and mac and all(c in B36 for c in ts)
                        and all(c in "0123456789abcdef" for c in mac), token)
        good = self.premium(self.alice, fid, "walk.mp3")
        # Every changed byte gets its own decision, and nginx answers what that
        # decision says. All are refusals except in the token's timestamp: the
        # stack's token.hash_value has no {timestamp}, so (as in Django with
        # such a _make_hash_value) another unexpired timestamp is a valid token.
        mutants = []   # (what, path)
        for i, c in enumerate(email):
            seg = email[:i] + other(B64URL, c) + email[i + 1:]
            mutants.append((f"email[{i}]", f"/premium_media/{seg}/{fid}/{token}/walk.mp3"))
        for i, c in enumerate(fid):
            mutants.append((f"file[{i}]", self.premium(
                self.alice, fid[:i] + ("Z" if c != "Z" else "Y") + fid[i + 1:], "walk.mp3")))
        for i, c in enumerate(token):
            if c == "-":
                alt = "0"   # no other valid separator: a malformed token
            elif i < len(ts):
                alt = other(B36, c)
            else:
                alt = other("0123456789abcdef", c)
            mutants.append((f"token[{i}]", self.premium(
                self.alice, fid, "walk.mp3", token[:i] + alt + token[i + 1:])))
        walk = self.decisions()
        for what, path in mutants:
            with self.subTest(mutant=what):
                self.assert_file(self.request(path=good), data, "the original")
                before = self.decisions()
                r = self.request(path)
                reason = self.only_decision(before, what)
                self.assertEqual(r.status, STATUS[reason], f"{what}: {reason}")
                if reason != "allow":
                    self.assertNotIn(data[:64], r.body)
                if not what.startswith("token[") or int(what[6:-1]) >= len(ts):
                    self.assertNotEqual(reason, "allow", what)
        allows = self.made(walk, "allow")
        self.assertLessEqual(allows, len(mutants) // 4,
                             f"the original made {allows} decisions in {len(mutants)} "
                             "requests: the micro-cache took part in the walk")

    def only_decision(self, before, what):
        """The reason of the one decision made since `before` (fails otherwise)."""
        after = self.decisions()
        made = {r: int(after[r] - before.get(r, 0)) for r in after if r != "all"}
        made = {r: n for r, n in made.items() if n}
        self.assertEqual(list(made.values()), [1], f"{what}: one decision of its own, "
                         f"not {made or 'none'}")
        return next(iter(made))

    def add_file(self, fid):
        data = os.urandom(4096)
        self.stack.add_media(fid, f"e2e/{fid}.mp3", data)
        return data

    # -- c, d: denials and `unavailable` are never cached --------------------------

    def test_denials_not_cached(self):
        token = self.stack.token(self.alice)
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        path = self.premium(self.alice, "episode-2", "e.mp3", forged)
        n = 10

        def flood():
            before = self.decisions()
            return [self.request(path) for _ in range(n)], before
        replies, before = self.in_one_window(flood)
        self.assertEqual([r.status for r in replies], [403] * n)
        self.assertEqual(self.made(before, "bad_token"), n, "one decision per forged request")

    def test_unavailable_not_cached(self):
        user = self.new_user()            # cold: neither Redis nor mediagate knows it
        fid, _, data = self.new_file(4096)
        path = self.premium(user, fid, "cold.mp3")
        try:
            self.stack.redis.stop()
            self.stack.postgres.stop()

            def twice():
                before = self.decisions()
                return self.request(path), self.request(path), before
            first, second, before = self.in_one_window(twice)
            for r in (first, second):
                self.assertEqual(r.status, 503, r.body[:200])
                self.assertTrue(mg.header(r, "Retry-After"), "503 without Retry-After")
                self.assertNotIn(data[:64], r.body)
            self.assertEqual(self.made(before, "unavailable"), 2, "both reached mediagate")
        finally:
            self.recover()    # probes other links until both workers allow again
        self.assert_file(self.request(path), data, "the first request after recovery")

    # -- e: an entry lives one window --------------------------------------------

    def test_new_decision_after_the_window(self):
        fid, _, data = self.new_file(4096)
        path = self.premium(self.alice, fid, "e.mp3")
        before = self.decisions()
        self.assert_file(self.request(path), data, "first")
        time.sleep(WINDOW + 0.1)
        self.assert_file(self.request(path), data, "after the window")
        self.assertEqual(self.made(before, "allow"), 2, "a new decision after the window")

    # -- f: HEAD and GET --------------------------------------------------------------

    def test_head_and_get_through_the_micro_cache(self):
        fid, _, data = self.new_file(100 * 1024)
        path = self.premium(self.alice, fid, "hg.mp3")

        def heads():
            before = self.decisions()
            return [mg.http_raw(self.stack.http_port, path.encode(), "HEAD")
                    for _ in range(2)], before
        replies, before = self.in_one_window(heads)
        for r in replies:
            self.assert_no_leak(r, "HEAD")
            self.assertEqual(r.status, 200)
            self.assertEqual(int(mg.header(r, "Content-Length")), len(data))
            self.assertEqual(r.body, b"", "HEAD answered with a body")
        self.assertEqual(self.made(before), 1, "two HEADs in one window: one decision")

        def gets():
            before = self.decisions()
            return [self.request(path) for _ in range(2)], before
        replies, before = self.in_one_window(gets)
        for r in replies:
            self.assert_file(r, data, "GET")
        self.assertEqual(self.made(before), 1, "two GETs in one window: one decision")

    # -- where the answers are kept ------------------------------------------------

    def test_cache_dir_private_and_holds_the_upstream_url(self):
        fid, _, data = self.new_file(4096)
        self.assert_file(self.get(self.alice, fid, "dir.mp3"), data)
        st = os.stat(self.stack.nginx.auth_cache)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o700, "the micro-cache dir is private")
        self.assertEqual(st.st_uid, pwd.getpwnam(NGINX_USER).pw_uid,
                         "owned by nginx's worker user")
        upstream = f"X-Mediagate-Upstream: http://{self.stack.storage_origin}/e2e/{fid}/"
        found = False
        for root, _, files in os.walk(self.stack.nginx.auth_cache):
            for name in files:
                with open(os.path.join(root, name), "rb") as fh:
                    found = found or upstream.encode() in fh.read()
        self.assertTrue(found, f"no cache file holds {upstream}")


def main():
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))


if __name__ == "__main__":
    main()
