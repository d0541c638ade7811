#!/usr/bin/python3
"""Hostile clients and a hostile storage, through the REAL nginx (copies of
nginx/*.conf with only paths, ports and the storage origin substituted) in
front of mediagate, PostgreSQL and Redis. Storage is mgstack's StorageStandIn
(storage.backend = "local", local_url pointing at it), which answers each
object key as the test says: the object, a redirect, an error document,
X-Accel-Redirect, uploader metadata...

  StorageTrustTest.test_*      one test per guarantee of README "Security":
                               what storage can and cannot make nginx do
  StorageTrustTest.test_hostile_input_suite
                               200+ hostile requests (URI shapes, encodings,
                               methods, protocol versions, Host/X-Forwarded-For,
                               Range, conditionals, loopback paths), each with
                               its expected status class, checked for 5xx,
                               wrong allows and leaks

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/e2e/hostile_test.py --binary build/mediagate [-v] [-k NAME]
    ctest --test-dir build -R e2e_hostile --output-on-failure

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the snippets on purpose (each must
make some test fail):
    obey_x_accel      drop X-Accel-Redirect from proxy_ignore_headers
    pass_headers      drop the headers-more allowlist
    any_redirect      follow a storage redirect to any URL
    no_intercept      proxy_intercept_errors off (storage error pages pass)
    log_uri           the premium access log writes the URI verbatim
"""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402
from mgstack.demo import demo_bytes  # noqa: E402
from mgstack.storage_standin import ETAG  # noqa: E402
from mgstack.testing import MUTATIONS, StackTestCase, run_stack_tests, settle  # noqa: E402

# The headers a premium response may carry: storage's allowed ones and nginx's own.
ALLOWED_HEADERS = {"content-type", "content-length", "content-range", "accept-ranges", "etag",
                   "last-modified", "server", "date", "connection", "keep-alive",
                   "transfer-encoding", "x-cache-status", "retry-after"}
# What storage's answers carry that a client must never see (the stand-in's
# header values and error documents, presigned-URL parameters).
STORAGE_MARKERS = (b"standin", b"nosuchkey", b"<error>", b"requestid", b"x-amz-",
                   b"signature", b"x-mediagate-")
OBJECT_SIZE = 300 * 1024   # one slice
SLICE = 1024 * 1024        # `slice 1m` in mediagate-storage.conf


def mutate_snippet(name, text):
    """Test-only breakage of the nginx snippet copies (MEDIAGATE_E2E_MUTATE)."""
    edits = {
        "obey_x_accel": ("mediagate-storage.conf", r"proxy_ignore_headers X-Accel-Redirect ",
                         "proxy_ignore_headers "),
        "pass_headers": ("mediagate-storage.conf", r'more_clear_headers [^;]*;', ""),
        "any_redirect": ("mediagate-http.conf", r'    default "";',
                         '    default $upstream_http_location;'),
        "no_intercept": ("mediagate-storage.conf", r"proxy_intercept_errors on;",
                         "proxy_intercept_errors off;"),
        "log_uri": ("mediagate-http.conf", r'"\$request_method \$mediagate_log_uri',
                    '"$request_method $request_uri'),
    }
    for m in sorted(MUTATIONS & set(edits)):
        file, pattern, new = edits[m]   # a regular expression and its replacement
        if file == name:
            text, count = re.subn(pattern, lambda _: new, text, count=1)
            if not count:
                raise AssertionError(f"mutation {m}: {pattern!r} not in {name}")
    return text


class StorageTrustTest(StackTestCase, unittest.TestCase):
    BACKEND = "local"

    @classmethod
    def setUpClass(cls):
        cls.storage = mg.StorageStandIn().start()
        cls.addClassCleanup(cls.storage.stop)
        super().setUpClass()
        cls.data = demo_bytes(OBJECT_SIZE, "hostile")
        cls.marker = cls.data[1000:1032]
        cls.add_object("ok", "hostile/ok.mp3", cls.data)
        cls.big = demo_bytes(SLICE * 5 // 2, "hostile-big")
        cls.add_object("big", "hostile/big.mp3", cls.big)
        settle()

    @classmethod
    def stack_options(cls):
        return {"mediagate_config": {"storage": {"local_url": cls.storage.url},
                                     "redis": {"key_prefix": "mg-hostile"}},
                "snippet_filter": mutate_snippet}

    @classmethod
    def add_object(cls, file_id, key, data=None, **answer):
        """A file row whose object the stand-in serves (data) or answers (answer)."""
        if data is not None:
            cls.storage.serve_object(key, data)
        else:
            cls.storage.serve_answer(key, **answer)
        cls.stack.db.add_media(file_id, key, "v1")
        return file_id

    def setUp(self):
        super().setUp()
        self.access_log_offset = os.path.getsize(self.stack_log("nginx-access.log"))

    def link(self, file_id, user=None, token=None, name="episode.mp3"):
        return self.stack.premium_path(user or self.alice, file_id, name, token)

    def assert_no_leak(self, resp, what):
        super().assert_no_leak(resp, what)
        origin = f"127.0.0.1:{self.storage.port}".encode()
        for name, value in resp.headers:
            line = f"{name}: {value}".lower().encode()
            for needle in STORAGE_MARKERS + (origin,):
                self.assertNotIn(needle, line, f"{what}: header {name}: {value}")
        body = resp.body.lower()
        for needle in STORAGE_MARKERS + (origin,):
            self.assertNotIn(needle, body, f"{what}: body contains {needle!r}")

    def storage_answer(self, tag, status, headers=(), body=b""):
        """A new file whose storage answer is (status, headers, body); its link."""
        fid = self.unique(tag)
        self.add_object(fid, f"hostile/{fid}", status=status, headers=headers, body=body)
        return self.link(fid)

    # -- item 1: no 500 ----------------------------------------------------------

    def test_prefix_without_slash_is_404_not_500(self):
        for path in ("/premium_media", "/premium_media?x=1", "//premium_media"):
            for method in ("GET", "HEAD"):
                with self.subTest(path=path, method=method):
                    self.assertEqual(self.request(path, method=method).status, 404)

    # -- item 2: storage redirects ---------------------------------------------

    def test_redirect_to_allowed_origin_is_followed_cached_and_filtered(self):
        target = self.unique("target")
        self.storage.serve_object(f"hostile/{target}", self.data)
        link = self.storage_answer("redir", 302, [
            ("Location", f"{self.storage.url}/hostile/{target}"),
            ("x-amz-meta-secret", "standin-redirect-header")])
        first = self.request(link)
        self.assert_file(first, self.data, "through the redirect")
        second = self.request(link)
        self.assert_file(second, self.data, "again")
        self.assertEqual(mg.header(second, "X-Cache-Status"), "HIT", second.headers)
        self.assertEqual(len(self.storage.requests_for(f"hostile/{target}")), 1,
                         "the redirected object was not cached")

    def test_redirect_elsewhere_is_never_followed(self):
        metrics = f"http://127.0.0.1:{self.stack.http_port}/mediagate/metrics"
        sock = self.stack.mediagate.sock
        targets = {
            "loopback metrics": metrics,
            "unix socket": f"http://unix:{sock}:/mediagate/metrics",
            "relative": "/hostile/elsewhere",
            "relative no slash": "elsewhere",
            "other port": f"http://127.0.0.1:{self.stack.local_port}/x",
            "other host": "http://example.invalid/x",
            "userinfo trick": f"http://127.0.0.1:{self.storage.port}@127.0.0.1:"
                              f"{self.stack.http_port}/mediagate/metrics",
            "suffix host": f"http://127.0.0.1:{self.storage.port}.evil.invalid/x",
            "ftp": f"ftp://127.0.0.1:{self.storage.port}/x",
            "empty": "",
        }
        for done, (what, location) in enumerate(targets.items(), 1):
            with self.subTest(what):
                link = self.storage_answer("away", 302, [("Location", location)])
                resp = self.request(link)
                self.assertEqual(resp.status, 502, resp.body[:200])
                self.assertNotIn(b"mediagate_", resp.body)   # no metrics text
                last = self.new_access_log(done).splitlines()[-1]
                self.assertIn(" 502 ", last)
                self.assertIn(" reason=storage_redirect_refused ", last)
        # a second redirect (even to an allowed origin) is not followed either
        hop = self.storage_answer("hop", 302, [("Location", f"{self.storage.url}/x")])
        chain = self.storage_answer("chain", 302, [
            ("Location", self.storage.url + mg.StorageStandIn.path(
                "hostile/" + hop.split("/")[3]))])
        self.assertEqual(self.request(chain).status, 502)

    # -- item 3: X-Accel-* ---------------------------------------------------

    def test_x_accel_headers_from_storage_are_ignored(self):
        for target in ("/_mediagate_auth", "/mediagate/metrics", "@mediagate_redirect"):
            with self.subTest(target):
                link = self.storage_answer("accel", 200, [
                    ("X-Accel-Redirect", target), ("X-Accel-Expires", "0"),
                    ("X-Accel-Limit-Rate", "1"), ("X-Accel-Buffering", "no"),
                    ("X-Accel-Charset", "utf-8"), ("Content-Type", "audio/mpeg")],
                    b"storage bytes as they are")
                resp = self.request(link)   # request() fails on any X-Mediagate-*
                self.assertEqual(resp.status, 200)
                self.assertEqual(resp.body, b"storage bytes as they are")

    # -- item 4: headers allowlist, storage errors --------------------------------

    def test_only_allowlisted_storage_headers_reach_clients(self):
        link = self.link("ok")
        for what, headers in (("whole", {}), ("again, cached", {}),
                              ("range", {"Range": "bytes=10-20"})):
            with self.subTest(what):
                resp = self.request(link, headers=headers)
                self.assertIn(resp.status, (200, 206))
                names = {k.lower() for k, _ in resp.headers}
                self.assertLessEqual(names, ALLOWED_HEADERS)
                self.assertEqual(mg.header(resp, "ETag"), ETAG)
                self.assertEqual(mg.header(resp, "Last-Modified"),
                                 "Tue, 01 Dec 2026 10:00:00 GMT")
                self.assertEqual(mg.header(resp, "Content-Type"), "audio/mpeg")
                if resp.status == 200:
                    self.assertEqual(mg.header(resp, "Accept-Ranges"), "bytes")

    def test_filtered_object_of_three_slices_is_byte_exact(self):
        link = self.link("big")
        for what in ("miss", "hit"):
            with self.subTest(what):
                self.assert_file(self.request(link), self.big, what)
                a, b = SLICE - 100, 2 * SLICE + 100            # across both boundaries
                r = self.request(link, headers={"Range": f"bytes={a}-{b}"})
                self.assertEqual(r.status, 206)
                self.assertEqual(mg.header(r, "Content-Range"), f"bytes {a}-{b}/{len(self.big)}")
                self.assertTrue(r.body == self.big[a:b + 1], "wrong bytes")
        head = self.request(link, method="HEAD")
        self.assertEqual(int(mg.header(head, "Content-Length")), len(self.big))

    def test_range_past_the_end_is_416_and_asks_storage_once(self):
        fid = self.unique("short")
        self.add_object(fid, f"hostile/{fid}", b"x" * 1000)
        settle()
        for _ in range(3):
            r = self.request(self.link(fid), headers={"Range": f"bytes={SLICE + 5}-"})
            self.assertEqual(r.status, 416, r.body[:200])
        self.assertEqual(len(self.storage.requests_for(f"hostile/{fid}")), 1)

    def test_storage_errors_get_nginx_pages_and_honest_statuses(self):
        doc = self.storage.error_document
        cases = [  # (storage answer, client status)
            (doc(404, "NoSuchKey", "hostile/k"), 404),
            (doc(416, "InvalidRange", "hostile/k"), 416),
            (doc(403, "SignatureDoesNotMatch", "hostile/k"), 502),
            (doc(403, "RequestTimeTooSkewed", "hostile/k"), 502),
            (doc(400, "AuthorizationQueryParametersError", "hostile/k"), 502),
            (doc(409, "standinConflict", "hostile/k"), 502),
            (doc(401, "standinAuth", "hostile/k"), 502),
            (doc(500, "InternalError", "hostile/k"), 503),
            (doc(503, "SlowDown", "hostile/k"), 503),
            (doc(418, "standinTeapot", "hostile/k"), 502),
            (doc(599, "standinOdd", "hostile/k"), 502),
            (doc(300, "standinChoices", "hostile/k"), 502),
        ]
        for (status, headers, body), expected in cases:
            with self.subTest(storage=status, code=body[30:60]):
                link = self.storage_answer("err", status, headers, body)
                resp = self.request(link)
                self.assertEqual(resp.status, expected, resp.body[:200])
                self.assertIn(b"<center>nginx</center>", resp.body)
        self.assertRegex(self.new_access_log(len(cases)),
                         r'" 502 .* reason=storage_refused_url upstream_status=403 ',
                         "the 502 for storage's 403 names it in the access log")
        # a missing object (no answer registered): storage's 404 document
        fid = self.add_object(self.unique("gone"), "hostile/gone", status=404,
                              body=b"<Error><Code>NoSuchKey</Code></Error>")
        self.assertEqual(self.request(self.link(fid)).status, 404)

    # -- item 5: loopback locations -------------------------------------------

    def test_no_internal_headers_on_loopback_locations(self):
        for path in ("/mediagate/metrics", "/mediagate//metrics", "/mediagate/%6detrics",
                     "//mediagate/metrics", "/mediagate/./metrics", "/mediagate/x/../metrics",
                     "/mediagate/metrics?x=1", "/mediagate/health", "/mediagate//health",
                     "/mediagate/%68ealth", "/mediagate/metrics/", "/mediagate/health%2F"):
            with self.subTest(path=path):
                resp = mg.http_bytes(self.stack.http_port,
                                     f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
                self.assertIsNotNone(resp.status)
                self.assertLess(resp.status, 500)
                self.assertFalse([k for k, _ in resp.headers
                                  if k.lower().startswith("x-mediagate-")], resp.headers)

    # -- item 12: links in logs ------------------------------------------------

    def new_access_log(self, lines=1):
        """The access log since setUp, once it holds `lines` lines (nginx logs a
        request after answering it)."""
        return mg.wait_for_lines(self.stack_log("nginx-access.log"), lines,
                                 self.access_log_offset)

    def test_access_log_redacts_tokens(self):
        token = self.stack.token(self.alice)
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        paths = [self.link("ok", token=token), self.link("ok", token=bad),
                 self.link("no-such-file", token=token), self.link("ok", token=token) + "?a=b",
                 "/premium_media//" + mg.b64_email("x@example.com") + "/ok/" + token + "/n"]
        for path in paths:
            self.request(path)
        log = self.new_access_log(len(paths))
        self.assertEqual(len(log.splitlines()), len(paths), log)
        for t in (token, bad):
            self.assertNotIn(t, log)
        self.assertIn(f"/premium_media/{mg.b64_email(self.alice.email)}/ok/-/episode.mp3", log)

    # -- the hostile-input suite -------------------------------------------------

    def hostile_cases(self):
        """(name, raw request bytes, expected, deny): expected is a set of status
        classes ("2", "3", "4"; "0": an answer without status line, HTTP/0.9 or
        none at all) or exact statuses ("505"); deny: the request must not get
        a 2xx or media bytes."""
        token = self.stack.token(self.alice)
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        good = self.link("ok", token=token)
        b64 = mg.b64_email(self.alice.email)
        cases = []

        def req(name, target, expected, deny, method="GET", version="HTTP/1.1",
                headers=(("Host", "localhost"),)):
            head = f"{method} ".encode() + (target if isinstance(target, bytes)
                                            else target.encode()) + f" {version}\r\n".encode()
            head += b"".join(f"{k}: {v}\r\n".encode() for k, v in headers)
            cases.append((name, head + b"Connection: close\r\n\r\n", set(expected), deny))

        # URI shapes and encodings of a valid link: allowed, or refused, never 5xx.
        allowed_shapes = {
            "valid": good, "query": good + "?x=1", "double slash inside": good.replace(
                "/ok/", "//ok/"),
            "leading double slash": "/" + good, "dot segment": good.replace(
                "/premium_media/", "/premium_media/./"),
            "encoded name": good.replace("episode.mp3", "episode%2Emp3"),
        }
        for name, target in allowed_shapes.items():
            req(f"shape {name}", target, "24", deny=False)
        denied_shapes = {
            "bad token": self.link("ok", token=bad), "bob's token": self.link(
                "ok", token=self.stack.token(self.bob)),
            "token encoded slash": self.link("ok", token=token[:5] + "%2F" + token[5:]),
            "empty token": f"/premium_media/{b64}/ok//episode.mp3",
            "no name": f"/premium_media/{b64}/ok/{bad}",
            "no name slash": f"/premium_media/{b64}/ok/{bad}/",
            "extra segment": self.link("ok", token=bad) + "/extra",
            "encoded slashes": f"/premium_media%2F{b64}%2Fok%2F{bad}%2Fepisode.mp3",
            "dotdot out": f"/premium_media/../premium_media/{b64}/ok/{bad}/e.mp3",
            "dotdot encoded": f"/premium_media/%2E%2E/{b64}/ok/{bad}/e.mp3",
            "dotdot in id": f"/premium_media/{b64}/../ok/{bad}/e.mp3",
            "nul": f"/premium_media/{b64}/ok/{bad}%00/e.mp3",
            "nul in id": f"/premium_media/{b64}/ok%00/{token}/e.mp3",
            "overlong utf8": f"/premium_media/{b64}/ok%C0%AF/{bad}/e.mp3",
            "raw utf8": f"/premium_media/{b64}/ök/{bad}/e.mp3",
            "raw latin1": f"/premium_media/{b64}/ok/{bad}/".encode() + b"\xe9.mp3",
            "backslash": f"/premium_media/{b64}\\ok\\{bad}\\e.mp3",
            "semicolon params": f"/premium_media/{b64};x=1/ok/{bad}/e.mp3",
            "fragment": f"/premium_media/{b64}/ok/{bad}/e.mp3#frag",
            "upper prefix": f"/PREMIUM_MEDIA/{b64}/ok/{token}/e.mp3",
            "other email": self.link("ok", user=self.bob, token=token),
            "email b64 padding": f"/premium_media/{b64}==/ok/{token}/e.mp3",
            "email not b64": f"/premium_media/!!!/ok/{token}/e.mp3",
            "long email": f"/premium_media/{'A' * 3000}/ok/{token}/e.mp3",
            "long token": f"/premium_media/{b64}/ok/{'a' * 3000}/e.mp3",
            "long name": f"/premium_media/{b64}/ok/{bad}/{'n' * 6000}",
            "huge uri": f"/premium_media/{b64}/ok/{bad}/{'n' * 20000}",
            "unknown file": self.link("no-such-file", token=token),
            "query signature": self.link("ok", token=bad) + "?X-Amz-Signature=00",
            "percent garbage": f"/premium_media/{b64}/ok/%zz{bad}/e.mp3",
            "percent at end": f"/premium_media/{b64}/ok/{bad}/e.mp3%",
            "tab": f"/premium_media/{b64}/ok/%09{bad}/e.mp3",
            "space encoded": f"/premium_media/{b64}/ok/%20{bad}/e.mp3",
            "plus": f"/premium_media/{b64}/ok/+{bad}/e.mp3",
            "only prefix": "/premium_media/",
            "prefix segments": "/premium_media/x/y/z",
            "many slashes": "/premium_media" + "/" * 200,
            "many segments": "/premium_media/" + "a/" * 500 + "b",
            "stand-in key": "/hostile/ok.mp3",
        }
        for name, target in denied_shapes.items():
            req(f"shape {name}", target, "4", deny=True)
        # Methods
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE",
                       "CONNECT", "FOO", "get", "MKCOL", "LOCK", "G" * 300):
            req(f"method {method[:10]} valid", good, "4", deny=True, method=method,
                headers=(("Host", "localhost"), ("Content-Length", "0")))
            req(f"method {method[:10]} bad", self.link("ok", token=bad), "4", deny=True,
                method=method, headers=(("Host", "localhost"), ("Content-Length", "0")))
        req("HEAD valid", good, "2", deny=False, method="HEAD")
        req("HEAD bad", self.link("ok", token=bad), "4", deny=True, method="HEAD")
        # Protocol versions and garbage
        # 505 (HTTP Version Not Supported) is nginx's protocol answer to another
        # major version, given before any location: the one 5xx expected here.
        for version, expected in (("HTTP/1.0", ["2"]), ("HTTP/2.0", ["505"]),
                                  ("HTTP/9.9", ["505"]), ("HTTP/1.1x", ["4"]),
                                  ("http/1.1", ["4"]), ("HTTP/1.", ["4"]),
                                  ("HTTP/01.1", ["4"])):
            req(f"version {version} valid", good, expected, deny=False, version=version)
            req(f"version {version} bad", self.link("ok", token=bad),
                ["4"] if expected == ["2"] else expected, deny=True, version=version)
        close = "Connection: close\r\n"
        for name, raw in (("0.9 bad", f"GET {self.link('ok', token=bad)}\r\n".encode()),
                          ("0.9 prefix", b"GET /premium_media\r\n"),
                          ("garbage", b"\x00\x01\x02\r\n\r\n"), ("empty line", b"\r\n\r\n"),
                          ("no uri", b"GET\r\n\r\n"),
                          ("lf only", f"GET {self.link('ok', token=bad)} HTTP/1.1\nHost: x\n"
                                      "Connection: close\n\n".encode()),
                          ("header no colon", f"GET {good} HTTP/1.1\r\nHost: x\r\nbroken\r\n"
                                              f"{close}\r\n".encode()),
                          ("two hosts", f"GET {good} HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                                        "\r\n".encode()),
                          ("no host 1.1", f"GET {good} HTTP/1.1\r\n\r\n".encode()),
                          ("obs fold", f"GET {good} HTTP/1.1\r\nHost: x\r\n X-A: b\r\n"
                                       "\r\n".encode()),
                          ("chunked get", f"GET {self.link('ok', token=bad)} HTTP/1.1\r\nHost: x"
                                          f"\r\nTransfer-Encoding: chunked\r\n{close}\r\n0\r\n\r\n"
                                          .encode()),
                          ("te and cl", f"GET {good} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n".encode()),
                          ("bad content length", f"GET {good} HTTP/1.1\r\nHost: x\r\n"
                                                 "Content-Length: -1\r\n\r\n".encode()),
                          ("huge body", f"GET {good} HTTP/1.1\r\nHost: x\r\n{close}"
                                        "Content-Length: 5000000\r\n\r\nabc".encode()),
                          ("bad chunk", f"GET {good} HTTP/1.1\r\nHost: x\r\n{close}"
                                        "Transfer-Encoding: chunked\r\n\r\nzz\r\n".encode()),
                          ("huge body bad", f"GET {self.link('ok', token=bad)} HTTP/1.1\r\n"
                                            f"Host: x\r\n{close}Content-Length: 5000000\r\n"
                                            "\r\nabc".encode())):
            deny = "bad" in name or "prefix" in name or "garbage" in name or "no uri" in name
            cases.append((f"raw {name}", raw, {"0", "4"} if deny else {"0", "2", "4"}, deny))
        for name, target, expected, deny in (
                ("absolute valid", f"http://localhost{good}", "2", False),
                ("absolute other host", f"http://evil.invalid{good}", "2", False),
                ("absolute bad", f"http://localhost{self.link('ok', token=bad)}", "4", True),
                ("absolute storage", f"{self.storage.url}/hostile/ok.mp3", "4", True),
                ("absolute https", f"https://localhost{self.link('ok', token=bad)}", "4", True),
                ("absolute userinfo", f"http://u:p@localhost{self.link('ok', token=bad)}", "4",
                 True),
                ("asterisk", "*", "4", True), ("authority form", "localhost:80", "4", True),
                ("no leading slash", self.link("ok", token=bad)[1:], "4", True)):
            req(f"target {name}", target, expected, deny)
        # Host and forwarding headers
        spoof = (("Host", "evil.invalid"), ("Host", f"127.0.0.1:{self.storage.port}"),
                 ("Host", "localhost:1"), ("Host", "a" * 2000), ("Host", ""),
                 ("X-Forwarded-For", "127.0.0.1"), ("X-Real-IP", "127.0.0.1"),
                 ("X-Forwarded-Host", "127.0.0.1"), ("Forwarded", "for=127.0.0.1"),
                 ("X-Original-URI", good), ("X-Rewrite-URL", good),
                 ("X-Accel-Redirect", "/_mediagate_auth"),
                 ("X-Mediagate-Upstream", f"{self.storage.url}/hostile/ok.mp3"),
                 ("X-Mediagate-Cache-Key", "x"), ("X-Mediagate-Reason", "ok"),
                 ("Authorization", "Bearer x"), ("Cookie", "sessionid=x"))
        for name, value in spoof:
            hdrs = ((("Host", "localhost"),) if name != "Host" else ()) + ((name, value),)
            expected = "4" if name == "Host" and value == "" else "24"
            req(f"header {name}={value[:20]} valid", good, expected, deny=False, headers=hdrs)
            req(f"header {name}={value[:20]} bad", self.link("ok", token=bad), "4", deny=True,
                headers=hdrs)
        # Range edge cases (valid link: 200/206/416; denied: never bytes)
        size = len(self.data)
        for spec in ("bytes=0-0", "bytes=-0", "bytes=5-1", "bytes=abc", "bytes=0-1,5-6",
                     "bytes=-1", f"bytes={size}-", f"bytes={size - 1}-", "bytes=0-",
                     "bytes=0-18446744073709551616", "bytes=99999999999999999999-",
                     "items=0-1", "", "bytes=" + ",".join(["0-1"] * 300), "bytes= 1-2",
                     "bytes=1-2 ", "bytes=--1", "bytes=0-1048576", "bytes=1048575-"):
            hdrs = (("Host", "localhost"), ("Range", spec))
            req(f"range {spec[:30]} valid", good, "24", deny=False, headers=hdrs)
            req(f"range {spec[:30]} bad", self.link("ok", token=bad), "4", deny=True,
                headers=hdrs)
        # Conditional requests
        for name, value in (("If-None-Match", ETAG), ("If-None-Match", "*"),
                            ("If-Match", '"other"'), ("If-Match", "*"),
                            ("If-Modified-Since", "Tue, 01 Dec 2099 10:00:00 GMT"),
                            ("If-Modified-Since", "garbage"),
                            ("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT"),
                            ("If-Range", ETAG), ("If-Range", '"other"')):
            hdrs = (("Host", "localhost"), (name, value), ("Range", "bytes=0-9"))
            req(f"cond {name} {value[:12]} valid", good, "234", deny=False, headers=hdrs)
            req(f"cond {name} {value[:12]} bad", self.link("ok", token=bad), "4", deny=True,
                headers=hdrs)
        # Loopback and internal paths (the client is on loopback: metrics may answer)
        for path, expected in (("/_mediagate_auth", "4"), ("/_mediagate_auth/", "4"),
                               ("/_mediagate_auth?x", "4"), ("/%5Fmediagate_auth", "4"),
                               ("/@mediagate_redirect", "4"), ("/@mediagate_denied", "4"),
                               ("/mediagate/metrics", "2"), ("/mediagate//metrics", "2"),
                               ("/mediagate/%6detrics", "2"), ("/mediagate/metrics%00", "24"),
                               ("/mediagate/health", "2"), ("/mediagate/", "4"),
                               ("/mediagate/metrics/../health", "2"),
                               ("/demo-feeds/../mediagate.toml", "4"),
                               ("/demo-feeds/..%2Fmediagate.toml", "4"),
                               ("/hostile/ok.mp3", "4")):
            req(f"loopback {path}", path, expected, deny=False)
        return cases

    def test_hostile_input_suite(self):
        cases = self.hostile_cases()
        self.assertGreaterEqual(len(cases), 150)
        names = [c[0] for c in cases]
        self.assertEqual(len(names), len(set(names)), "case names must be unique")
        failures = []
        for name, raw, expected, deny in cases:
            try:
                resp = mg.http_bytes(self.stack.http_port, raw, timeout=3)
                cls = "0" if resp.status is None else str(resp.status)[0]
                problems = []
                if cls not in expected and str(resp.status) not in expected:
                    problems.append(f"status {resp.status}, expected class {sorted(expected)}")
                if resp.status is not None and resp.status >= 500 and \
                        str(resp.status) not in expected:
                    problems.append(f"5xx: {resp.status}")
                if deny and (cls == "2" or self.marker in resp.body):
                    problems.append(f"WRONG ALLOW: {resp.status} with media bytes")
                try:
                    self.assert_no_leak(resp, name)
                except AssertionError as exc:
                    problems.append(f"leak: {exc}")
                if problems:
                    failures.append(f"{name}: {'; '.join(problems)} {resp.body[:120]!r}")
            except OSError as exc:
                failures.append(f"{name}: {exc!r}")
        if failures:
            self.fail(f"{len(failures)} of {len(cases)} hostile cases:\n" + "\n".join(failures))


if __name__ == "__main__":
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))
