#!/usr/bin/python3
"""Generate S3 SigV4 presigned-URL test vectors with the real botocore.

Run (Debian's python3-botocore 1.29, not a pyenv/venv interpreter):

    /usr/bin/python3 scripts/gen_presign_vectors.py tests/vectors/presign.json
    /usr/bin/python3 scripts/gen_presign_vectors.py > tests/vectors/presign.json

Every URL is botocore's exact output of client.generate_presigned_url()
for 'get_object' (GET) or 'head_object' (HEAD), with the signing clock pinned
by patching botocore.auth.datetime (botocore 1.29 calls
datetime.datetime.utcnow() there). Credentials are passed explicitly and the
AWS_* environment / config files are ignored, so the output is deterministic.
"""
import datetime
import os
import types
from unittest import mock

for _var in [v for v in os.environ if v.startswith("AWS_")]:
    del os.environ[_var]
os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import botocore  # noqa: E402
import botocore.config  # noqa: E402
import botocore.session  # noqa: E402
from vector_file import write_vectors  # noqa: E402

DOCS_AK, DOCS_SK = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOCS_AT = "20130524T000000Z"
MINIO = ("minioadmin", "minioadmin")
R2 = ("0123456789abcdef0123456789abcdef",
      "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210")
SPACES = ("DO00ABCDEFGHIJKLMNOP", "Zx9+/Yw8=Vv7uTt6Ss5Rr4Qq3Pp2Oo1Nn0MmLlKkJjI")
# STS-style session token: long, contains '/', '+' and '='.
TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def+ghi="
         + "".join(f"Zm9v{i:03d}+YmFy/{i * 7 % 1000:03d}" for i in range(12)) + "==")

SESSION = botocore.session.get_session()
CLIENTS = {}
VECTORS = []


def client(endpoint, region, addressing, ak, sk, token):
    k = (endpoint, region, addressing, ak, sk, token)
    if k not in CLIENTS:
        cfg = botocore.config.Config(signature_version="s3v4",
                                     s3={"addressing_style": addressing})
        CLIENTS[k] = SESSION.create_client(
            "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=ak,
            aws_secret_access_key=sk, aws_session_token=token or None, config=cfg)
    return CLIENTS[k]


def presign(c, method, bucket, key, at, expires):
    fixed = datetime.datetime.strptime(at, "%Y%m%dT%H%M%SZ")

    class FixedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

    fake = types.SimpleNamespace(datetime=FixedDatetime)
    op = {"GET": "get_object", "HEAD": "head_object"}[method]
    with mock.patch("botocore.auth.datetime", fake):
        return c.generate_presigned_url(op, Params={"Bucket": bucket, "Key": key},
                                        ExpiresIn=expires)


def vec(name, key, *, endpoint="http://127.0.0.1:9000", region="us-east-1", bucket="media",
        addressing="path", creds=MINIO, token="", method="GET", at="20240229T235959Z",
        expires=3600):
    ak, sk = creds
    url = presign(client(endpoint, region, addressing, ak, sk, token), method, bucket, key, at,
                  expires)
    assert f"&X-Amz-Date={at}&X-Amz-Expires={expires}&" in url, url
    assert ("X-Amz-Security-Token=" in url) == bool(token), url
    assert name not in {v["name"] for v in VECTORS}, name
    VECTORS.append(dict(name=name, endpoint=endpoint, region=region, bucket=bucket,
                        addressing=addressing, access_key_id=ak, secret_access_key=sk,
                        session_token=token, key=key, method=method, at=at, expires=expires,
                        url=url))
    return url


def signature(url):
    return url.rsplit("&X-Amz-Signature=", 1)[1]


def long_key(nbytes):
    """A deterministic key of exactly nbytes UTF-8 bytes, with multibyte chars and '/'."""
    key, i = "long/", 0
    while len(key.encode()) < nbytes - 12:
        key += f"seg{i:03d}-ü日/"
        i += 1
    key += "x" * (nbytes - len(key.encode()))
    assert len(key.encode()) == nbytes
    return key


def build():
    # AWS documentation example ("Authenticating Requests: Using Query Parameters").
    # The docs sign host examplebucket.s3.amazonaws.com; botocore with endpoint
    # https://s3.amazonaws.com + virtual addressing produces exactly that host.
    docs = dict(endpoint="https://s3.amazonaws.com", bucket="examplebucket",
                creds=(DOCS_AK, DOCS_SK), at=DOCS_AT, expires=86400)
    url = vec("aws-docs-example-virtual", "test.txt", addressing="virtual", **docs)
    assert url.startswith("https://examplebucket.s3.amazonaws.com/test.txt?"), url
    assert signature(url) == ("aeeed9bbccd4d02ee5c0109b86d86835"
                              "f995330da4c265957d157751f604d404"), url
    vec("aws-docs-example-path", "test.txt", **docs)
    vec("aws-docs-example-virtual-head", "test.txt", addressing="virtual", method="HEAD", **docs)

    # s3rver (path style, local) with a key needing percent-encoding.
    url = vec("s3rver-path-unicode-key", "dir/a b+c=ü.txt", endpoint="http://localhost:4568",
              bucket="bucket", creds=("S3RVER", "S3RVER"), at=DOCS_AT, expires=3600)
    assert url.startswith("http://localhost:4568/bucket/dir/a%20b%2Bc%3D%C3%BC.txt?"), url
    assert signature(url) == ("0e2f8d2fd74d923c4d0fcbb0d154d499"
                              "94fb98547cb5c45a3c4379bc7fa554a8"), url

    # Endpoints: schemes, non-default ports, explicitly written default ports.
    for addressing in ("path", "virtual"):
        for ep in ("https://minio.example.com:9443", "http://minio.local:80",
                   "https://minio.example.com:443", "https://minio.example.com",
                   "http://minio.local"):
            host = ep.split("//")[1].replace(":", "-port-")
            vec(f"endpoint-{addressing}-{ep.split(':')[0]}-{host}", "videos/clip 01.mp4",
                endpoint=ep, addressing=addressing)
    vec("endpoint-path-http-ip-port-9000", "videos/clip 01.mp4")
    vec("endpoint-path-http-localhost-port-9000-head", "a.txt",
        endpoint="http://localhost:9000", method="HEAD")

    # Regions / providers.
    vec("region-eu-west-3-virtual", "photos/2024/ü.jpg",
        endpoint="https://s3.eu-west-3.amazonaws.com", region="eu-west-3",
        addressing="virtual", creds=(DOCS_AK, DOCS_SK))
    vec("region-eu-west-3-path", "photos/2024/ü.jpg",
        endpoint="https://s3.eu-west-3.amazonaws.com", region="eu-west-3",
        creds=(DOCS_AK, DOCS_SK))
    r2 = "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com"
    vec("region-auto-r2-path", "media/file.bin", endpoint=r2, region="auto", creds=R2)
    vec("region-auto-r2-virtual", "media/file.bin", endpoint=r2, region="auto", creds=R2,
        addressing="virtual")
    vec("region-nyc3-spaces-virtual", "public/index.html",
        endpoint="https://nyc3.digitaloceanspaces.com", region="nyc3", bucket="my-space",
        addressing="virtual", creds=SPACES)
    vec("region-nyc3-spaces-path", "public/index.html",
        endpoint="https://nyc3.digitaloceanspaces.com", region="nyc3", bucket="my-space",
        creds=SPACES)
    vec("region-garage-path", "backups/db.sql.gz", endpoint="http://garage.local:3900",
        region="garage", creds=("GK31c2f218a2e44f485b94239e", "b892c0665f0ada8a4755dae98baa3b13"))

    # Session tokens (STS / temporary credentials).
    vec("session-token-path-get", "secure/report.pdf", creds=(DOCS_AK, DOCS_SK), token=TOKEN)
    vec("session-token-path-head", "secure/report.pdf", creds=(DOCS_AK, DOCS_SK), token=TOKEN,
        method="HEAD")
    vec("session-token-virtual-aws", "secure/report.pdf", endpoint="https://s3.amazonaws.com",
        addressing="virtual", creds=(DOCS_AK, DOCS_SK), token=TOKEN, at=DOCS_AT)
    vec("session-token-short", "k", token="AQoDYXdzEJr/short+tok=")

    # Keys.
    minio, minio_tls = ({"endpoint": e, "addressing": "virtual"} for e in (
        "https://minio.example.com", "https://minio.example.com:9443"))
    specials = "a+b=c~d/e!f$g&h'i(j)k*l,m;n:o@p q.txt"
    for name, key, kw in (
            ("unicode-umlaut", "Übung/grüße.txt", {}),
            ("unicode-japanese", "動画/日本語のファイル.mp4", {}),
            ("unicode-emoji", "emoji/🎬🍿 night.mkv", {}),
            ("unicode-virtual", "動画/🎬 ü.mp4", minio_tls),
            ("spaces", "my folder/my file  two spaces .txt", {}),
            *((f"char-{ord(ch):02x}", f"file{ch}name.txt", {}) for ch in "+=~/!$&'()*,;:@"),
            ("all-specials-combined", specials, {}), ("all-specials-virtual", specials, minio),
            ("percent-question-hash", "100%/what?#anchor%20.txt", {}),
            ("double-slash", "a//b", {}), ("leading-slash-path", "/leading/slash.txt", {}),
            ("leading-slash-virtual", "/leading/slash.txt", minio),
            ("trailing-slash", "folder/", {})):
        vec(f"key-{name}", key, **kw)
    vec("key-900-bytes", long_key(900))
    vec("key-900-bytes-virtual-session-token", long_key(900),
        endpoint="https://minio.example.com", addressing="virtual", token=TOKEN)
    vec("key-unreserved-only", "AZaz09-_.~")

    # Expiry values and dates.
    for expires in (1, 600, 604800):
        vec(f"expires-{expires}", "e.txt", expires=expires)
    for at in ("20000101T000000Z", "20240229T235959Z", "20241231T235959Z", "20380119T031408Z",
               "20991231T120000Z"):
        vec(f"date-{at}", "d.txt", at=at, endpoint="https://minio.example.com:9443",
            addressing="virtual", expires=604800)


def main():
    build()
    write_vectors({"generator": "scripts/gen_presign_vectors.py", "botocore": botocore.__version__, "vectors": VECTORS})


if __name__ == "__main__":
    main()
