"""StorageStandIn: a storage server that misbehaves on purpose, for the tests
of what nginx does with storage's answers (tests/e2e/hostile_test.py). Point
the stack at it as storage.local_url (backend "local": mediagate's upstream
URL is <local_url>/<percent-encoded object key>).

Each object key has an answer: the object's bytes (with Range support, as
storage serves nginx's slices), or any status, headers and body (an error
document, a redirect, X-Accel-Redirect...). Unknown keys get an S3-style 404
NoSuchKey document naming the key. Every request is recorded. Runs in a thread
of the test process; thread-safe.
"""
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .clients import s3_quote
from .processes import free_port

# Headers a real S3 (or Swift) sends besides the allowed ones; a client must
# see none of them.
STORAGE_HEADERS = [("x-amz-request-id", "STANDIN0REQ0ID"), ("x-amz-id-2", "standin/id2"),
                   ("x-amz-meta-uploader", "standin-uploader@example.com"),
                   ("x-amz-version-id", "standinversion"), ("X-Trans-Id", "tx-standin"),
                   ("Set-Cookie", "standin=1"), ("X-Storage-Secret", "standin-secret"),
                   ("Link", "<http://standin.invalid/>"), ("Content-Disposition", "attachment")]
ETAG = '"5d41402abc4b2a76"'   # an object's, as storage sends it (allowed through)


class StorageStandIn:
    """Serves `answers` on 127.0.0.1:port until stop()."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.answers = {}      # request path -> callable(method, headers) -> (status, hdrs, body)
        self.requests = []     # (method, path, {lower header: value}) in arrival order
        self._lock = threading.Lock()
        self._server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def path(key):
        return "/" + s3_quote(key)

    def serve_object(self, key, data, headers=()):
        """key answers like storage: 200, or 206 for a Range, plus STORAGE_HEADERS."""
        def answer(method, req_headers):
            hdrs = [("Content-Type", "audio/mpeg"), ("ETag", ETAG),
                    ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT"),
                    ("Accept-Ranges", "bytes")] + STORAGE_HEADERS + list(headers)
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", req_headers.get("range", ""))
            if not m:
                return 200, hdrs, data
            first = int(m.group(1))
            last = min(int(m.group(2)) if m.group(2) else len(data) - 1, len(data) - 1)
            if first >= len(data):
                return self.error_document(416, "InvalidRange", key)
            return (206, hdrs + [("Content-Range", f"bytes {first}-{last}/{len(data)}")],
                    data[first:last + 1])
        self.answers[self.path(key)] = answer

    def serve_answer(self, key, status, headers=(), body=b""):
        """key answers status, headers and body to every request."""
        self.answers[self.path(key)] = lambda method, req_headers: (status, list(headers), body)

    def error_document(self, status, code, key):
        """An S3 error answer: XML that names the key and a request id."""
        body = (f"<?xml version=\"1.0\"?><Error><Code>{code}</Code><Key>{key}</Key>"
                "<RequestId>STANDIN0REQ0ID</RequestId></Error>").encode()
        return status, [("Content-Type", "application/xml")] + STORAGE_HEADERS, body

    def requests_for(self, key):
        with self._lock:
            return [r for r in self.requests if r[1] == self.path(key)]

    def start(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                with standin._lock:
                    standin.requests.append((self.command, self.path, headers))
                answer = standin.answers.get(self.path)
                if answer:
                    status, hdrs, body = answer(self.command, headers)
                else:
                    status, hdrs, body = standin.error_document(404, "NoSuchKey",
                                                                self.path[1:])
                self.send_response(status)
                for name, value in hdrs:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
