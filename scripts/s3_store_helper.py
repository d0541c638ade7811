#!/usr/bin/python3
"""Python half of scripts/s3-store (a single-node OpenStack Swift + s3api).

Run with Debian's /usr/bin/python3 (python3-swift and python3-boto3 live there).

    s3_store_helper.py setup    STATE_DIR PORT       rings + server configs
    s3_store_helper.py put      STATE_DIR PORT BUCKET KEY FILE
    s3_store_helper.py requests STATE_DIR [PATH_SUBSTRING]

`setup` picks free loopback ports for the account, container and object servers
(the rings record them), builds one 1-replica/1-device ring per ring name in a
single process, and writes STATE_DIR/etc/*.conf.  It is run on every start, so a
restart after a reboot just gets new backend ports; data placement does not
depend on ports (one device, "d0", holds every partition).
"""

import mimetypes
import os
import re
import socket
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgstack.processes import free_port, write_file  # noqa: E402

# proxy-logging's default access-log template (swift 2.30) plus the Swift
# account, container and object the request was served from (s3api records
# them as swift.backend_path, so an S3 GET logs its Swift object too).
LOG_TEMPLATE = (
    "{client_ip} {remote_addr} {end_time.datetime} {method} {path} "
    "{protocol} {status_int} {referer} {user_agent} {auth_token} "
    "{bytes_recvd} {bytes_sent} {client_etag} {transaction_id} {headers} "
    "{request_time} {source} {log_info} {start_time} {end_time} "
    "{policy_index} {account} {container} {object}")

ACCESS_KEY = "test:tester"   # tempauth "account:user"
SECRET_KEY = "testing"
REGION = "us-east-1"
PART_POWER = 6               # 64 partitions: plenty for one device, fast to build

# ---------------------------------------------------------------------------
# setup


def check_xattr(path):
    """Swift's object server stores metadata in user.* xattrs."""
    probe = os.path.join(path, ".xattr-probe")
    with open(probe, "w"):
        pass
    try:
        os.setxattr(probe, "user.swift.probe", b"1")
    except OSError as e:
        sys.exit(f"s3-store: {path} does not support user xattrs ({e}); Swift "
                 "needs them. Use a STATE_DIR on ext4/xfs (tmpfs supports "
                 "them only on Linux >= 6.6).")
    finally:
        os.unlink(probe)


def build_rings(etc, ports):
    from swift.common.ring import RingBuilder
    from swift.common.storage_policy import POLICIES
    names = {"account": ports["account"], "container": ports["container"]}
    for policy in POLICIES:  # /etc/swift/swift.conf: Policy-0 -> "object"
        if policy.policy_type != "replication":
            sys.exit(f"s3-store: storage policy {policy.name} in "
                     "/etc/swift/swift.conf is not 'replication'; a 1-device "
                     "ring cannot serve it")
        names[policy.ring_name] = ports["object"]
    for name, port in names.items():
        b = RingBuilder(PART_POWER, 1, 1)
        b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1",
                   "port": port, "device": "d0", "weight": 100, "meta": ""})
        b.rebalance()
        b.get_ring().save(os.path.join(etc, name + ".ring.gz"))


def filters(*names):
    """[filter:NAME] sections of middleware that takes no options."""
    return "".join(f"\n[filter:{name}]\nuse = egg:swift#{name}\n" for name in names)


def setup(state, port):
    etc, data, logs = (os.path.join(state, d) for d in ("etc", "data", "logs"))
    check_xattr(os.path.join(data, "d0"))
    ports = {n: free_port() for n in ("account", "container", "object")}
    while len(set(ports.values()) | {port}) != 4:  # paranoia: all distinct
        ports = {n: free_port() for n in ports}
    build_rings(etc, ports)

    # Logs: `-v` copies every line to stderr (-> STATE_DIR/logs/*.log).  Swift
    # always adds a syslog handler too; without /dev/log it would send UDP to
    # localhost:514, and with /dev/log it would spam the shared syslog.  Point
    # it at a loopback UDP port nobody listens on: the kernel drops it.
    # memcache: tempauth needs the `cache` filter, but no memcached has to run;
    # aim it at a closed port so we never share a memcached with anyone else.
    common = f"""[DEFAULT]
bind_ip = 127.0.0.1
workers = 0
user = swift
swift_dir = {etc}
devices = {data}
mount_check = false
# a taken port: exit after 2 s instead of retrying for 30 (s3-store retries)
bind_timeout = 2
log_level = INFO
log_udp_host = 127.0.0.1
log_udp_port = {free_port(socket.SOCK_DGRAM)}
"""
    for server in ("account", "container", "object"):
        write_file(os.path.join(etc, f"{server}-server.conf"), common + f"""\
bind_port = {ports[server]}
log_name = {server}-server
recon_cache_path = {state}/cache

[pipeline:main]
pipeline = healthcheck {server}-server
{filters("healthcheck")}
[app:{server}-server]
use = egg:swift#{server}
""")

    write_file(os.path.join(etc, "proxy-server.conf"), common + f"""\
bind_port = {port}
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
{filters("catch_errors", "gatekeeper", "healthcheck", "listing_formats", "copy", "slo", "dlo",
         "versioned_writes")}
[filter:proxy-logging]
use = egg:swift#proxy_logging
log_msg_template = {LOG_TEMPLATE}

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:{free_port()}
# no memcached: silence its per-request "Error connecting" lines ("set":
# PasteDeploy lets [DEFAULT]'s log_level win over a plain local value)
set log_level = CRITICAL

[filter:s3api]
use = egg:swift#s3api
location = {REGION}
s3_acl = false

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = {SECRET_KEY} .admin
""")


# ---------------------------------------------------------------------------
# put


def client(port, secret=SECRET_KEY):
    """A boto3 S3 client of the store (tests/e2e/s3_store_test.py signs with it too)."""
    import boto3
    from botocore.config import Config
    return boto3.client(
        "s3", endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret,
        config=Config(signature_version="s3v4",
                      s3={"addressing_style": "path"},
                      retries={"max_attempts": 2}))


def put(port, bucket, key, path):
    from botocore.exceptions import ClientError
    s3 = client(port)
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise
        s3.create_bucket(Bucket=bucket)
    with open(path, "rb") as f:
        # Storage hands this Content-Type to nginx and so to podcast apps.
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=f, ContentType=content_type)


# ---------------------------------------------------------------------------
# requests
#
# Each proxy access line (STATE_DIR/logs/proxy.log) is "proxy-server: " and 24
# space-separated fields, each URL-quoted (safe chars ":/{}"; a missing value is
# "-"), in LOG_TEMPLATE order:
#    0 client_ip  1 remote_addr  2 datetime  3 method  4 path (with query)
#    5 protocol  6 status  7 referer  8 user_agent  9 auth_token
#   10 bytes_recvd  11 bytes_sent  12 client_etag  13 transaction_id
#   14 headers  15 request_time  16 source  17 log_info  18 start_time
#   19 end_time  20 policy_index  21 account  22 container  23 object
# e.g. for a presigned S3 GET of "dir/a b+c=ü.txt" in bucket "media":
#   proxy-server: 127.0.0.1 127.0.0.1 24/Nov/2026/08/50/10 GET
#   /media/dir/a%2520b%252Bc%253D%25C3%25BC.txt%3FX-Amz-Algorithm%3D...
#   HTTP/1.0 200 - Python-urllib/3.11 - - 22 - tx40f...-006b054fc2 - 0.0505
#   - - 1795510210.772283792 1795510210.822826147 0 AUTH_test media
#   dir/a%20b%2Bc%3D%C3%83%C2%BC.txt                          (one line)
# The path is quoted twice (the client's raw, already %-encoded path, quoted
# again); the object is the UTF-8 of a Latin-1 WSGI string (see requote()).
#
# proxy-logging is twice in the pipeline, but each client request is logged
# ONCE: the left instance marks the WSGI environment as logged when the
# request arrives, and s3api's translated Swift request copies that
# environment, so the right instance skips it.  The right instance logs only
# subrequests that middleware builds from a fresh environment (versioned_writes
# "VW", SLO segments, copy, ...), and those have a non-"-" source.
#
# Counted: lines with source "-" (a client request), method GET, status 200 or
# 206, and account, container and object all present, i.e. object GETs through
# S3 or the Swift API that succeeded (403/404/416/HEAD/listings/PUT are not).
# Transaction ids are deduplicated as a safety net.  The optional substring is
# matched against "/v1/<account>/<container>/<object>" built from fields 21-23
# and re-encoded as in a SigV4 URL path (requote()), e.g. for "dir/a b+c=ü.txt"
# "/v1/AUTH_test/media/dir/a%20b%2Bc%3D%C3%BC.txt": the same encoding as the
# key in a presigned URL, so "/media/dir/a%20b%2Bc%3D%C3%BC.txt" matches.

LINE = re.compile(r"^proxy-server: (\S+(?: \S+){23})$")
STATUS = re.compile(r"^[1-5][0-9][0-9]$")


def requote(field):
    """The log's account/container/object fields are quote(WSGI string): a
    WSGI string holds the UTF-8 bytes as Latin-1 characters, so "ü" is logged
    as %C3%83%C2%BC.  Undo that and re-quote the real UTF-8 bytes the way a
    SigV4 presigned URL path is encoded ("/" and A-Z a-z 0-9 - . _ ~ kept)."""
    raw = urllib.parse.unquote(field)
    try:
        raw_bytes = raw.encode("latin-1")
    except UnicodeEncodeError:
        raw_bytes = raw.encode("utf-8")
    return urllib.parse.quote(raw_bytes, safe="/")


def proxy_barrier(state):
    """A proxy access line is written when the proxy finishes a response, which
    can be a moment after the client has read the last byte.  The proxy is one
    eventlet process, so one more round trip (an unlogged /healthcheck) lets
    those finished requests log first.  Best effort: errors are ignored."""
    import urllib.request
    try:
        with open(os.path.join(state, "etc", "proxy-server.conf")) as f:
            port = re.search(r"^bind_port = (\d+)$", f.read(), re.M).group(1)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthcheck",
                               timeout=2).read()
    except Exception:
        pass


def count_requests(state, substring=None):
    proxy_barrier(state)
    txns = set()
    log = os.path.join(state, "logs", "proxy.log")
    try:
        f = open(log, encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return 0
    with f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            fields = m.group(1).split(" ")
            if not (STATUS.match(fields[6]) and fields[13].startswith("tx")):
                continue
            method, status, txn, source = fields[3], fields[6], fields[13], fields[16]
            account, container, obj = fields[21:24]
            if method != "GET" or status not in ("200", "206") or source != "-":
                continue
            if "-" in (account, container, obj):
                continue  # not an object request (an object named "-" is missed)
            swift_path = "/v1/" + "/".join(
                map(requote, (account, container, obj)))
            if substring is not None and substring not in swift_path:
                continue
            txns.add(txn)
    return len(txns)


def main(argv):
    if len(argv) >= 3 and argv[0] == "setup":
        setup(os.path.abspath(argv[1]), int(argv[2]))
    elif len(argv) == 6 and argv[0] == "put":
        put(int(argv[2]), argv[3], argv[4], argv[5])
    elif len(argv) in (2, 3) and argv[0] == "requests":
        print(count_requests(argv[1], argv[2] if len(argv) == 3 else None))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
