"""The whole stack in one state directory, as scripts/demo, tests/e2e and
bench/nginx_throughput run it: PostgreSQL, Redis, object storage (Swift via
scripts/s3-store, or nginx serving STATE/media for storage.backend "local"),
`mediagate serve` under spawn-fcgi, and nginx in front with COPIES of
nginx/*.conf (only paths and ports substituted).

Layout of STATE (every server on loopback or unix sockets inside STATE):
  stack.json  backend and ports chosen at the first start
  secrets/    token secret, S3 secret (0600)    mediagate.toml  generated config
  run/        redis.sock, mediagate.sock (www-data, 0660), pg/ (PostgreSQL socket)
  pg/ redis/  data dirs     s3/  scripts/s3-store's STATE_DIR     media/  (local)
  nginx/      conf/, cache/, tmp/ (auth micro-cache: /dev/shm)
  logs/       postgres.log redis.log mediagate.log nginx-error.log nginx-access.log
              local-access.log                    pids/  see processes.py
Must run as root (initdb and Swift run as their own users, spawn-fcgi sets the
socket owner). Not thread-safe.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

from .clients import b64_email, http, media_path, s3_quote
from .mediagate import Mediagate, deep_merge, to_toml
from .nginx import USER as NGINX_USER, Nginx, access_log_gets, auth_cache_dir
from .postgres import Postgres
from .processes import (Processes, StackError, free_port, log, port_open, read_text,
                        wait_for_lines, write_file)
from .redis_server import Redis
from .s3store import ACCESS_KEY, SECRET, S3Store
from .schema import Schema, token_fields

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUCKET = "media"
FEED_PREFIX = "/feeds"   # feed.prefix, as in nginx/mediagate-locations.conf


def others_can_traverse(path):
    """True if every directory from / down to path has the o+x bit (Swift and
    PostgreSQL run as their own users, nginx workers as www-data)."""
    path = os.path.abspath(path)
    while path != "/":
        if os.path.exists(path) and not os.stat(path).st_mode & 0o001:
            return False
        path = os.path.dirname(path)
    return True


def substitute(text, replacements, name):
    """Plain replacement; each old string must be present, so a changed snippet
    fails loudly instead of pointing a test at /run/mediagate."""
    for old, new in replacements:
        if old not in text:
            raise StackError(f"nginx/{name}: expected to find {old!r} to substitute")
        text = text.replace(old, new)
    return text


def settings(state, name="stack.json"):
    """STATE/stack.json: the backend and ports chosen at the first start ({} before);
    or another JSON file of the state dir."""
    try:
        with open(os.path.join(state, name)) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


class Stack:
    """Start, stop and query one stack in `state`.

    backend: "s3" or "local". mediagate_config: overrides deep-merged into the
    generated mediagate.toml. snippet_filter(name, text) -> text: applied to each
    nginx snippet copy (tests break things on purpose with it). extra_server_conf:
    appended inside the server{}. Ports not given come from STATE/stack.json,
    else are picked free. host: the address nginx listens on (a cluster's edge
    listens on its namespace's address: scripts/mgstack/cluster.py)."""

    def __init__(self, state, binary, backend="s3", http_port=None, mediagate_config=None,
                 workers=2, snippet_filter=None, extra_server_conf="", host="127.0.0.1"):
        if backend not in ("s3", "local"):
            raise StackError(f"unknown backend {backend!r}")
        self.state = os.path.abspath(state)
        self.binary = os.path.abspath(binary) if binary else None
        self.backend, self.workers, self.host = backend, workers, host
        self.mediagate_overrides = mediagate_config or {}
        self.snippet_filter, self.extra_server_conf = snippet_filter, extra_server_conf
        # more nginx/ snippets included in http{}: {file name: [(old, new), ...]}
        self.http_snippets = {}
        p = lambda *a: os.path.join(self.state, *a)  # noqa: E731
        self.logs, self.media_dir = p("logs"), p("media")
        self.config_path = p("mediagate.toml")
        self.token_secret, self.s3_secret = p("secrets", "token-secret"), p("secrets", "s3-secret")
        conf = settings(self.state)
        self.http_port = http_port or conf.get("http_port") or free_port()
        self.local_port = conf.get("local_port") or free_port()
        self.procs = Processes(self.state)
        self.postgres = Postgres(self.procs, p("pg"), p("run", "pg"), p("logs", "postgres.log"))
        self.redis = Redis(self.procs, p("run", "redis.sock"), p("redis"), p("logs", "redis.log"))
        self.s3 = S3Store(p("s3"), conf.get("s3_port") or free_port())
        self.mediagate = Mediagate(self.procs, self.binary, self.config_path,
                                   p("run", "mediagate.sock"), p("logs", "mediagate.log"),
                                   spawn_fcgi_user=NGINX_USER, cwd=self.state)
        self.nginx = Nginx(self.procs, p("nginx"), self.logs, self.http_port, host=host)
        # nginx's download log (log_format mediagate_download), for `mediagate ingest`
        self.download_log = p("logs", "mediagate-downloads.log")
        self.db = Schema(self.postgres.psql)
        self.psql = self.postgres.psql
        self.config = None

    @property
    def storage_origin(self):
        return f"127.0.0.1:{self.s3.port if self.backend == 's3' else self.local_port}"

    def url(self, path):
        return f"http://{self.host}:{self.http_port}{path}"

    def start(self):
        """Starts whatever is not running yet (idempotent); restarts mediagate and
        nginx when their config or binary changed."""
        self.prepare()
        self.postgres.start()
        self.redis.start()
        if self.backend == "s3":
            self.s3.start()
        else:
            self.s3.stop()
        self.write_mediagate_config()
        self.mediagate.cli("migrate", "--config", self.config_path)
        self.start_front()

    def write_mediagate_config(self):
        """mediagate.toml: base_mediagate_config() with the overrides merged in."""
        self.config = deep_merge(self.base_mediagate_config(), self.mediagate_overrides)
        write_file(self.config_path, to_toml(self.config), 0o600)

    def start_front(self):
        """(Re)starts mediagate and nginx, each only if its config or binary changed."""
        self.start_mediagate()
        self.start_nginx()

    def prepare(self):
        """Checks, state dirs and secrets, ports (STATE/stack.json)."""
        if os.geteuid() != 0:
            raise StackError("must run as root")
        if not self.binary or not os.access(self.binary, os.X_OK):
            raise StackError(f"mediagate binary {self.binary!r} is not executable")
        self._make_dirs()
        if not self.nginx.running():
            if port_open(self.http_port, self.host):
                raise StackError(f"{self.host}:{self.http_port} is already in use by something "
                                 "else")
            if self.backend == "local" and port_open(self.local_port, self.host):
                self.local_port = free_port()  # the local media server's: pick another
        if self.backend == "s3" and not self.s3.pids() and port_open(self.s3.port):
            self.s3.port = free_port()
        write_file(os.path.join(self.state, "stack.json"), json.dumps({
            "backend": self.backend, "http_port": self.http_port, "s3_port": self.s3.port,
            "local_port": self.local_port}) + "\n")

    def stop(self):
        stop_state(self.state)

    def _make_dirs(self):
        for d, mode in (("", 0o755), ("secrets", 0o700), ("run", 0o755), ("logs", 0o755),
                        ("media", 0o755), ("nginx", 0o755)):
            os.makedirs(os.path.join(self.state, d), exist_ok=True)
            os.chmod(os.path.join(self.state, d), mode)
        if not others_can_traverse(self.state):
            raise StackError(f"{self.state}: some parent directory is not searchable by other "
                             "users (PostgreSQL, Swift and nginx workers run as their own "
                             "users); use a state directory elsewhere, e.g. under /var/tmp")
        for path, text in ((self.token_secret, "demo-token-secret-" + os.urandom(16).hex()),
                           (self.s3_secret, SECRET)):
            if not os.path.exists(path):
                write_file(path, text + "\n", 0o600)

    def base_mediagate_config(self):
        storage = {"backend": self.backend}
        if self.backend == "s3":
            storage.update({
                "endpoint": self.s3.endpoint, "region": "us-east-1", "bucket": BUCKET,
                "addressing": "path", "access_key_id": ACCESS_KEY,
                "secret_access_key_file": self.s3_secret,
                "expires_seconds": 3600})  # each uncached slice reuses the URL
        else:
            storage["local_url"] = f"http://127.0.0.1:{self.local_port}"
        return {
            "token": {"secret_file": self.token_secret,
                      "hash_value": "{id}{uuid}{link_generation}"},
            "storage": storage,
            "database": {"url": self.postgres.dsn},
            "redis": {"address": f"unix:{self.redis.sock}", "key_prefix": "mediagate-demo",
                      "user_ttl_seconds": 60, "file_ttl_seconds": 300,
                      "negative_ttl_seconds": 10},
            "entitlement": {"allowed_statuses": ["active", "trialing"],
                            "grace_statuses": ["past_due", "canceled"],
                            "use_paid_until": True, "grace_seconds": 3 * 86400},
            "server": {"workers": self.workers},
            "url": {"public_base": self.url("")},
            "feed": {"notice_link": "https://example.com/renew"},
            "audience": {"log_path": self.download_log,
                         "bot_list": os.path.join(REPO, "data", "audience", "isbot-patterns.txt"),
                         "app_rules": os.path.join(REPO, "data", "audience", "apps.tsv")},
        }

    def start_mediagate(self):
        """Starts mediagate, or restarts it if its config or binary changed."""
        with open(self.config_path, "rb") as fh:
            want = hashlib.sha256(fh.read() + f"{self.binary} {os.stat(self.binary).st_mtime_ns}"
                                  f" {self.workers}".encode()).hexdigest()[:16]
        rec = self.procs.record(self.mediagate.name)
        if rec and rec[2] == want:
            return
        if rec:
            log("mediagate config or binary changed: restarting it")
            self.mediagate.stop()
        self.mediagate.start(self.workers, tag=want)

    # -- nginx ---------------------------------------------------------------

    def _snippet(self, name, replacements):
        with open(os.path.join(REPO, "nginx", name)) as fh:
            text = substitute(fh.read(), replacements, name)
        if self.snippet_filter:
            text = self.snippet_filter(name, text)
        return (f"# GENERATED by scripts/mgstack from nginx/{name}: only paths and\n"
                "# ports are substituted. Edit the original, not this copy.\n" + text)

    def storage_url(self):
        """The storage origin mediagate's upstream URLs point at (after the
        mediagate_config overrides, e.g. a storage stand-in as local_url)."""
        storage = (self.config or {}).get("storage", {})
        return storage.get("endpoint") or storage.get("local_url")

    def download_log_lines(self):
        """Complete lines in nginx's download log so far (0 before it exists)."""
        return read_text(self.download_log).count("\n")

    def wait_for_download_log(self, lines, timeout=10):
        """nginx buffers the download log (flush=1s): waits until it holds `lines`."""
        wait_for_lines(self.download_log, lines, timeout=timeout)

    def start_nginx(self):
        """Writes the nginx config; (re)starts nginx if it changed."""
        url = urllib.parse.urlsplit(self.storage_url())
        origin = re.sub(r"([.\[\]])", r"\\\1", f"{url.scheme}://{url.netloc}")
        access_log = os.path.join(self.logs, "nginx-access.log")
        files = {
            "mediagate-http.conf": self._snippet("mediagate-http.conf", [
                # nginx creates the auth micro-cache's dir itself (0700, www-data)
                ("/run/nginx-mediagate-auth", self.nginx.auth_cache),
                ("unix:/run/mediagate/mediagate.sock", f"unix:{self.mediagate.sock}"),
                ("/var/cache/nginx/mediagate", os.path.join(self.nginx.prefix, "cache")),
                # the one storage origin that redirects may point at
                ('"~^https://([a-z0-9-]+\\.)?s3\\.eu-central-1\\.amazonaws\\.com/"',
                 f'"~^{origin}/"'),
                # loopback is the trusted proxy (tests send X-Forwarded-For)
                ("# set_real_ip_from 192.0.2.0/24;", "set_real_ip_from 127.0.0.1;")]),
            "mediagate-locations.conf": self._snippet("mediagate-locations.conf", [
                ("unix:/run/mediagate/mediagate.sock", f"unix:{self.mediagate.sock}"),
                ("/etc/nginx/snippets/mediagate-storage.conf", "mediagate-storage.conf"),
                ("/var/log/nginx/access.log", access_log),
                ("/var/log/nginx/mediagate-downloads.log", self.download_log)]),
            "mediagate-storage.conf": self._snippet("mediagate-storage.conf", []),
        }
        http_conf = "    include mediagate-http.conf;\n"
        for name, replacements in self.http_snippets.items():
            files[name] = self._snippet(name, replacements)
            http_conf += f"    include {name};\n"
        self.nginx.ports = [self.http_port]
        if self.backend == "local":
            files["mediagate-local.conf"] = self._snippet("mediagate-local.conf", [
                ("listen 127.0.0.1:8089;", f"listen {self.host}:{self.local_port};"),
                ("root /srv/mediagate/media;", f"root {self.media_dir};"),
                ("server_name mediagate-local;", "server_name mediagate-local;\n    access_log "
                 f"{os.path.join(self.logs, 'local-access.log')};")])
            http_conf += "    include mediagate-local.conf;\n"
            self.nginx.ports.append(self.local_port)
        files["nginx.conf"] = self.nginx.nginx_conf(http_conf, f"""
        include mediagate-locations.conf;

        location = / {{
            default_type text/plain;
            return 200 "mediagate demo: see the output of scripts/demo\\n";
        }}
{self.extra_server_conf}""")
        self.nginx.start(tag=self.nginx.write_config(files))

    # -- storage and data ----------------------------------------------------

    def put_object(self, key, data):
        """Stores data under `key`: in the bucket (s3) or STATE/media (local)."""
        if self.backend == "s3":
            return self.s3.put(BUCKET, key, data)
        write_object(self.media_dir, key, data)

    def storage_gets(self, key):
        """How many successful (200/206) object GETs storage has served for key."""
        if self.backend == "s3":
            return self.s3.requests(f"/{BUCKET}/{s3_quote(key)}")
        return len(access_log_gets(os.path.join(self.logs, "local-access.log"), key))

    def add_media(self, file_id, object_key, data, title="", mime_type="audio/mpeg"):
        """Stores the object and its row; the version is a hash of the bytes."""
        self.put_object(object_key, data)
        return self.db.add_media(file_id, object_key, media_version(data), title, len(data),
                                 mime_type)

    def token(self, user):
        return self.mediagate.mint(token_fields(user))

    def premium_path(self, user, file_id, name, token=None):
        prefix = (self.config or {}).get("url", {}).get("prefix", "/premium_media")
        return media_path(user.email, file_id, self.token(user) if token is None else token,
                          name, prefix)

    def get(self, path, **kw):
        return http(self.http_port, path, host=self.host, **kw)

    def feed_path(self, slug, user=None, token=None):
        """The public feed of show `slug`, or `user`'s private one (with a token
        minted now unless given)."""
        if user is None:
            return f"{FEED_PREFIX}/{slug}.xml"
        token = self.token(user) if token is None else token
        return f"{FEED_PREFIX}/{b64_email(user.email)}/{token}/{slug}.xml"


def media_version(data):
    """A media row's version for these bytes: a hash of them."""
    return hashlib.sha256(data).hexdigest()[:16]


def write_object(media_dir, key, data):
    """Stores data as the file `key` below media_dir (what nginx serves as storage)."""
    path = os.path.abspath(os.path.join(media_dir, key))
    if not path.startswith(media_dir + "/"):
        raise StackError(f"bad object key {key!r}")
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    write_file(path, data, 0o644)


def stop_state(state):
    """Stops every recorded server of a state dir and its S3 store."""
    errors = []
    shutil.rmtree(auth_cache_dir(os.path.join(state, "nginx")), ignore_errors=True)
    for stop in (Processes(state).stop_all, S3Store(os.path.join(state, "s3"), 0).stop):
        try:
            stop()
        except Exception as exc:  # noqa: BLE001 - stop the others anyway
            errors.append(str(exc))
    if errors:
        raise StackError("; ".join(errors))


def start_guard(state, remove=False):
    """A watchdog process that stops this state's servers (and, with remove,
    deletes the state dir) when the returned Popen's stdin is closed or the
    caller dies in any way, even SIGKILL. Close .stdin to release it."""
    return subprocess.Popen(
        [sys.executable, "-m", "mgstack", "guard", state] + (["--remove"] if remove else []),
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        stdin=subprocess.PIPE, start_new_session=True, close_fds=True)
