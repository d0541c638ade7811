"""Clients of the stack: HTTP (nginx), FastCGI (mediagate, as nginx's
auth_request asks it), Redis (Debian's python3-redis), Prometheus text, and
the premium link format. Each call opens its own connection; thread-safe.
"""
import base64
import re
import socket
import struct
import urllib.parse
from collections import namedtuple
from http.client import HTTPConnection

# headers: a list of (name, value) for HTTP, a dict of lower-case names for FastCGI.
Response = namedtuple("Response", "status headers body")


def b64_email(address):
    return base64.urlsafe_b64encode(address.encode()).rstrip(b"=").decode()


def media_path(email, file_id, token, name="episode.mp3", prefix="/premium_media"):
    """A premium link's path: PREFIX/<base64url(email)>/<file id>/<token>/<name>."""
    return f"{prefix}/{b64_email(email)}/{file_id}/{token}/{name}"


def s3_quote(key):
    """An object key as SigV4 (and mediagate's local upstream) encode it in a path."""
    return urllib.parse.quote(key, safe="/~")


def http(port, path, method="GET", headers=None, body=None, timeout=30, host="127.0.0.1"):
    """One request to host:port on a fresh connection; never follows redirects."""
    conn = HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


def http_raw(port, target, method="GET", timeout=30):
    """One HTTP/1.0 request whose target (bytes) goes on the wire unchanged:
    raw UTF-8 or any escape, which http.client would refuse. Reads to EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(method.encode() + b" " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
    return Response(int(lines[0].split()[1]), headers, body)


def http_bytes(port, request, timeout=10):
    """Sends `request` (bytes, anything at all) to 127.0.0.1:port and reads the
    answer to EOF, or for `timeout` s. Response(status, headers, body); status
    None and the whole answer as body when it has no HTTP status line (HTTP/0.9,
    or nothing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        raw = b""
        try:
            while chunk := s.recv(65536):
                raw += chunk
        except (ConnectionResetError, socket.timeout):
            pass   # what came until then is the answer
    m = re.match(rb"HTTP/\d\.\d (\d{3})[^\r\n]*\r\n", raw)
    if not m:
        return Response(None, [], raw)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
    return Response(int(m.group(1)), headers, body)


def header(resp, name):
    """First value of an HTTP response header (case-insensitive), or None."""
    return next((v for k, v in resp.headers if k.lower() == name.lower()), None)


class FcgiError(AssertionError):
    """The request got no FastCGI answer at all (no connection, timeout, garbage)."""


FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6
FCGI_GET_VALUES, FCGI_GET_VALUES_RESULT, FCGI_UNKNOWN_TYPE = 9, 10, 11


def fcgi_record(rtype, content, request_id=1, version=1, padding=0):
    """One FastCGI record (any version, type, id and padding: hostile tests)."""
    return (struct.pack("!BBHHBx", version, rtype, request_id, len(content), padding)
            + content + b"\0" * padding)


def fcgi_length(n):
    return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)


def fcgi_pairs(params):
    """Name-value pairs as FCGI_PARAMS / FCGI_GET_VALUES content."""
    return b"".join(fcgi_length(len(k)) + fcgi_length(len(v)) + k + v
                    for k, v in ((k.encode(), v.encode()) for k, v in params.items()))


def fcgi_begin(request_id=1, keep_conn=False):
    return fcgi_record(FCGI_BEGIN_REQUEST, struct.pack("!HB5x", 1, int(keep_conn)), request_id)


def fcgi_request_bytes(uri, method="GET", remote_addr="127.0.0.1", extra_env=None,
                       keep_conn=False):
    """The records nginx's auth_request sends for one responder request."""
    params = {"REQUEST_URI": uri, "REQUEST_METHOD": method, "REMOTE_ADDR": remote_addr,
              "REMOTE_PORT": "40000", "DOCUMENT_URI": "/_mediagate_auth",
              "SCRIPT_NAME": "/_mediagate_auth", "QUERY_STRING": "",
              "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1",
              "SERVER_NAME": "localhost", "SERVER_PORT": "80", "CONTENT_LENGTH": ""}
    params.update(extra_env or {})
    return (fcgi_begin(keep_conn=keep_conn) + fcgi_record(FCGI_PARAMS, fcgi_pairs(params))
            + fcgi_record(FCGI_PARAMS, b"") + fcgi_record(FCGI_STDIN, b""))


def fcgi_records(raw):
    """[(type, request id, content)] of the whole records in `raw`."""
    records = []
    while len(raw) >= 8:
        _, rtype, rid, clen, plen = struct.unpack("!BBHHB", raw[:7])
        if len(raw) < 8 + clen + plen:
            break
        records.append((rtype, rid, raw[8:8 + clen]))
        raw = raw[8 + clen + plen:]
    return records


def fcgi_response(raw, what="request"):
    """Response(status, headers, body) from the records of one answer; raises
    FcgiError unless they hold a whole CGI response and an END_REQUEST."""
    out, ended = b"", False
    for rtype, _, content in fcgi_records(raw):
        out += content if rtype == FCGI_STDOUT else b""
        ended = ended or rtype == FCGI_END_REQUEST
        if ended:
            break
    head, sep, body = out.partition(b"\r\n\r\n")
    if not ended or not sep:
        raise FcgiError(f"no complete FastCGI answer for {what}: {out[:300]!r}")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if not colon:
            raise FcgiError(f"malformed header line {line!r} in {out[:300]!r}")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.get("status", "200").split()[0])
    return Response(status, headers, body.decode("utf-8", "replace"))


def fcgi(socket_path, uri, method="GET", remote_addr="127.0.0.1", extra_env=None, timeout=10):
    """One FastCGI responder request over a unix socket, with the parameters
    nginx's auth_request sends. Returns Response(status, {lower name: value},
    body text); no Status header means 200. Raises FcgiError without an answer."""
    msg = fcgi_request_bytes(uri, method, remote_addr, extra_env)
    raw = b""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(socket_path)
            s.sendall(msg)
            while chunk := s.recv(65536):
                raw += chunk
    except OSError as exc:
        raise FcgiError(f"no FastCGI answer for {method} {uri[:200]}: {exc!r}") from exc
    return fcgi_response(raw, f"{method} {uri[:200]}")


def redis_client(socket_path, timeout=2.0):
    """A redis-py client (python3-redis) on a unix socket; replies as str."""
    import redis
    return redis.Redis(unix_socket_path=socket_path, decode_responses=True,
                       socket_timeout=timeout, socket_connect_timeout=timeout)


def redis_tcp_client(port, host="127.0.0.1", timeout=2.0, decode=True):
    """A redis-py client on host:port (Redis Sentinel, a TCP Redis); replies as
    str, or as bytes with decode=False (DUMP)."""
    import redis
    return redis.Redis(host=host, port=port, decode_responses=decode, socket_timeout=timeout,
                       socket_connect_timeout=timeout)


_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$')
_LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """Parsed Prometheus text exposition."""

    def __init__(self, text):
        self.samples = []  # (name, {labels}, value)
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = _SAMPLE_RE.match(line)
            if not m:
                raise AssertionError(f"not a Prometheus sample line: {line!r}")
            self.samples.append((m.group(1), dict(_LABEL_RE.findall(m.group(2) or "")),
                                 float(m.group(3))))

    def find(self, name, **labels):
        return [(lb, v) for n, lb, v in self.samples
                if n == name and all(lb.get(k) == str(x) for k, x in labels.items())]

    def has(self, name, **labels):
        return bool(self.find(name, **labels))

    def get(self, name, **labels):
        """Sum of the samples of `name` whose labels include `labels` (0 if none)."""
        return sum(v for _, v in self.find(name, **labels))
