"""A mediagate cluster on one machine (tests/cluster, scripts/cluster-demo):
N edge nodes, each a Stack's front (nginx with the nginx/ snippets, spawn-fcgi
+ mediagate, its own disk cache) in its own network namespace, in front of a
shared core: PostgreSQL primary + streaming standby, Redis master + replica
watched by 3 Sentinels (quorum 2), and storage (nginx serving STATE/core/media,
its access log naming each GET's edge). Network: cluster_net.py.

Layout of STATE:
  cluster.json  namespace prefix, edge count      secrets/token-secret (shared)
  admin.toml    mediagate config for migrate and tokens (primary's unix socket)
  core/         pids/, logs/, run/ (sockets), pg-*/, redis-*/, sentinel*/, media/
  edgeN/        one Stack state each (mediagate.toml, nginx/, logs/, pids/)
Servers are started from a thread inside their namespace (netns.inside), so
each PID is the server's own; the tooling reaches them through unix sockets.
Must run as root. Not thread-safe.
"""
import json
import os
import re

from . import netns
from .cluster_net import CORE_ADDR, SUBNET, ClusterNet, edge_addr
from .sentinel import MASTER_NAME, Sentinel
from .clients import http
from .mediagate import deep_merge, to_toml
from .nginx import Nginx, access_log_gets
from .postgres import Postgres
from .processes import Processes, StackError, wait_until, write_file
from .redis_server import Redis
from .schema import Schema
from .stack import Stack, media_version, settings, stop_state, write_object

PG_PORTS = (5432, 5433)             # primary, standby (on CORE_ADDR)
REDIS_PORTS = (6379, 6380)          # first master, first replica
SENTINEL_PORTS = (26379, 26380, 26381)
STORAGE_PORT, HTTP_PORT = 9000, 80  # storage on CORE_ADDR, nginx on each edge
PARENT_PORT = 8090                  # nginx/mediagate-parent-cache.conf on its edge


class Cluster:
    """snippet_filter: as Stack's, for every edge. override_filter(overrides) ->
    overrides: changes what edge_overrides() returns (tests break things with it)."""

    def __init__(self, state, binary, edges=3, prefix=None, snippet_filter=None,
                 override_filter=None):
        self.state = os.path.abspath(state)
        info = cluster_info(self.state)
        self.net = ClusterNet(info.get("prefix") or prefix or f"mgc{os.getpid()}",
                              info.get("edges") or edges)
        self.override_filter = override_filter or (lambda overrides: overrides)
        c = lambda *a: os.path.join(self.state, "core", *a)  # noqa: E731
        self.logs, self.media_dir = c("logs"), c("media")
        self.token_secret = os.path.join(self.state, "secrets", "token-secret")
        self.admin_config = os.path.join(self.state, "admin.toml")
        self.procs = Processes(c())
        pg = lambda name, port, **kw: Postgres(  # noqa: E731
            self.procs, c(name), c("run", name), c("logs", f"{name}.log"), name=name,
            listen=CORE_ADDR, tcp_port=port, **kw)
        self.primary = pg("pg-primary", PG_PORTS[0], hba_network=SUBNET)
        self.standby = pg("pg-standby", PG_PORTS[1],
                          primary=f"host={CORE_ADDR} port={PG_PORTS[0]} user=postgres")
        self.redis = [Redis(self.procs, c("run", f"redis-{x}.sock"), c(f"redis-{x}"),
                            c("logs", f"redis-{x}.log"), name=f"redis-{x}",
                            bind=(CORE_ADDR, port), args=args)
                      for x, port, args in (("a", REDIS_PORTS[0], ()),
                                            ("b", REDIS_PORTS[1],
                                             ("--replicaof", CORE_ADDR, str(REDIS_PORTS[0]))))]
        self.sentinels = [Sentinel(self.procs, port, c(f"sentinel{i}"), c("logs", f"sentinel{i}.log"),
                                   name=f"sentinel{i}", host=CORE_ADDR,
                                   sock=c("run", f"sentinel{i}.sock"))
                          for i, port in enumerate(SENTINEL_PORTS, 1)]
        self.sentinel_quorum = 2
        self.storage = Nginx(self.procs, c("storage"), c("logs"), STORAGE_PORT,
                             host=CORE_ADDR)
        self.edges = [Stack(os.path.join(self.state, f"edge{n}"), binary, backend="local",
                            http_port=HTTP_PORT, host=edge_addr(n),
                            mediagate_config=self.edge_overrides(),
                            snippet_filter=snippet_filter)
                      for n in range(1, self.net.edges + 1)]
        self.db = Schema(self.primary.psql)

    @property
    def storage_url(self):
        return f"http://{CORE_ADDR}:{STORAGE_PORT}"

    def edge_overrides(self):
        """What every edge's mediagate.toml changes in Stack's: the shared token
        secret, storage, PostgreSQL (standby preferred) and Redis."""
        hosts = ",".join(CORE_ADDR for _ in PG_PORTS)
        ports = ",".join(str(p) for p in PG_PORTS)
        # Redis through the Sentinels (address must be unset then)
        redis = {"address": None, "sentinels": [s.address for s in self.sentinels],
                 "master_name": MASTER_NAME}
        return self.override_filter({
            "token": {"secret_file": self.token_secret},
            "storage": {"local_url": self.storage_url},
            "database": {"url": f"host={hosts} port={ports} dbname=mediagate user=postgres "
                                "target_session_attrs=prefer-standby"},
            "redis": redis})

    # -- start and stop ------------------------------------------------------

    def start(self):
        """Creates the network and starts every server not running yet.
        Raises netns.Unavailable where the kernel forbids namespaces."""
        if os.geteuid() != 0:
            raise StackError("must run as root")
        reason = netns.unavailable_reason()
        if reason:
            raise netns.Unavailable(reason)
        for d, mode in (("", 0o755), ("secrets", 0o700), ("core", 0o755),
                        ("core/run", 0o755), ("core/logs", 0o755), ("core/media", 0o755),
                        *((os.path.basename(e.state), 0o755) for e in self.edges)):
            os.makedirs(os.path.join(self.state, d), mode=mode, exist_ok=True)
        if not os.path.exists(self.token_secret):
            write_file(self.token_secret, "cluster-token-secret-" + os.urandom(16).hex(), 0o600)
        write_file(os.path.join(self.state, "cluster.json"),
                   json.dumps({"prefix": self.net.prefix, "edges": self.net.edges}) + "\n")
        if not netns.exists(self.net.core):
            self.net.create()
        with netns.inside(self.net.core):
            self.start_core()
        for n in range(1, self.net.edges + 1):
            self.start_edge(n)

    def start_core(self):
        self.primary.start()
        write_file(self.admin_config, to_toml(deep_merge(deep_merge(
            self.edges[0].base_mediagate_config(), self.edge_overrides()),
            {"database": {"url": self.primary.dsn},
             "token": {"secret_file": self.token_secret}})), 0o600)
        self.edges[0].mediagate.cli("migrate", "--config", self.admin_config)
        self.standby.start()
        wait_until(self.streaming, 30, "the standby to stream from the primary")
        for redis in self.redis:
            redis.start()
        for sentinel in self.sentinels:
            sentinel.start(CORE_ADDR, REDIS_PORTS[0], quorum=self.sentinel_quorum,
                           down_after_ms=1000)
        wait_until(self.sentinels_ready, 30, "each Sentinel to know the others and the replica")
        self.storage.start(tag=self.storage.write_config({
            "nginx.conf": self.storage.nginx_conf("", f"""
        root {self.media_dir};
        location / {{
            limit_except GET HEAD {{ deny all; }}
            try_files $uri =404;
        }}""")}))

    def start_edge(self, n):
        """Starts edge n's mediagate and nginx (each only if not running as configured)."""
        edge = self.edges[n - 1]
        with netns.inside(self.net.edge(n)):
            edge.prepare()
            edge.write_mediagate_config()
            edge.start_front()

    def use_parent_cache(self, parent=1, on=True):
        """Edge `parent` runs nginx/mediagate-parent-cache.conf and every edge,
        the parent too, fetches from storage through it (storage.parent_cache_url);
        on=False undoes that. Restarts the edges' mediagate and nginx."""
        edge = self.edges[parent - 1]
        addr = f"{edge_addr(parent)}:{PARENT_PORT}"
        origin = re.escape(self.storage_url)
        edge.http_snippets = {"mediagate-parent-cache.conf": [
            ("listen 10.0.0.11:8090;", f"listen {addr};"),
            ("allow 10.0.0.0/24;", f"allow {SUBNET};"),
            ('"~^https://([a-z0-9-]+\\.)?s3\\.eu-central-1\\.amazonaws\\.com/"',
             f'"~^{origin}/"'),
            ("/var/cache/nginx/mediagate-parent", os.path.join(edge.nginx.prefix, "parent"))]
        } if on else {}
        for n, e in enumerate(self.edges, 1):
            e.mediagate_overrides = deep_merge(
                e.mediagate_overrides, {"storage": {"parent_cache_url": f"http://{addr}" if on
                                                    else None}})
            self.start_edge(n)

    def streaming(self):
        return self.primary.psql("SELECT count(*) FROM pg_stat_replication "
                                 "WHERE state = 'streaming'", check=False) == "1"

    def sentinels_ready(self):
        """True once every Sentinel knows the other Sentinels and the replica (a
        failover needs a majority of them)."""
        return all(len(s.call("SENTINEL", "SENTINELS", MASTER_NAME)) == len(self.sentinels) - 1
                   and s.call("SENTINEL", "REPLICAS", MASTER_NAME) for s in self.sentinels)

    def wait_for_standby(self, timeout=10):
        """Waits until the standby has replayed everything the primary has
        committed so far (rows the edges read from it). The primary's insert
        position, not its write position (pg_current_wal_lsn): the test servers
        run synchronous_commit=off, so a COMMIT that has returned may not be
        written yet, and a standby past the write position may still lack it
        (seen: a new file answered not_found by the first edge asked)."""
        lsn = self.primary.psql("SELECT pg_current_wal_insert_lsn()")
        wait_until(lambda: self.standby.psql(
            f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") == "t", timeout,
            f"the standby to replay up to {lsn}", 0.02)

    def stop(self):
        stop_cluster(self.state)

    # -- data and requests -----------------------------------------------------

    def add_media(self, file_id, key, data):
        """The object in storage and its row on the primary."""
        write_object(self.media_dir, key, data)
        return self.db.add_media(file_id, key, media_version(data), "", len(data))

    def premium_path(self, user, file_id, name):
        return self.edges[0].premium_path(user, file_id, name)

    def get(self, n, path, timeout=5):
        """One request to edge n's nginx, sent from the client namespace."""
        with netns.inside(self.net.client):
            return http(HTTP_PORT, path, host=edge_addr(n), timeout=timeout)

    def storage_gets(self, key):
        """{edge number: successful GETs of key that storage served it}."""
        by_addr = {edge_addr(n): n for n in range(1, self.net.edges + 1)}
        counts = {n: 0 for n in by_addr.values()}
        for addr in access_log_gets(self.storage.access_log, key):
            node = by_addr.get(addr, addr)   # any other client: under its address
            counts[node] = counts.get(node, 0) + 1
        return counts

    def redis_master(self):
        """The Redis master's "HOST:PORT" as the first Sentinel that answers sees it."""
        for sentinel in self.sentinels:
            try:
                host, port = sentinel.master()
                return f"{host}:{port}"
            except Exception:  # noqa: BLE001 - ask the next one
                continue
        raise StackError("no Sentinel answers")

    def redis_at(self, address):
        return next(r for r in self.redis if r.address == address)


def cluster_info(state):
    """STATE/cluster.json: the namespace prefix and edge count ({} before the start)."""
    return settings(state, "cluster.json")


def stop_cluster(state):
    """Stops every server of the cluster in `state` by recorded PID, then deletes
    its namespaces (also after a half-done start)."""
    info = cluster_info(state)
    errors = []
    for sub in [f"edge{n}" for n in range(1, info.get("edges", 0) + 1)] + ["core"]:
        try:
            stop_state(os.path.join(state, sub))
        except Exception as exc:  # noqa: BLE001 - stop the others anyway
            errors.append(f"{sub}: {exc}")
    if info.get("prefix"):
        ClusterNet(info["prefix"], info["edges"]).delete()
    if errors:
        raise StackError("; ".join(errors))

