#!/usr/bin/python3
"""The cluster on one machine (issue 13): 3 edge nodes (nginx + mediagate, each
with its own disk cache, each in its own network namespace) in front of a
PostgreSQL primary + streaming standby, Redis master + replica under 3
Sentinels, and storage (scripts/mgstack/cluster.py). Requests come from a
client namespace; nothing listens outside the namespaces.

One cluster for the class; the destructive tests run last, in name order, and
each restores what it killed. Skipped only where the kernel forbids network
namespaces.

Run as root (packages: scripts/install-deps test):
    /usr/bin/python3 tests/cluster/cluster_test.py --binary build/mediagate [-v] [-k NAME]
    ctest --test-dir build -L cluster --output-on-failure

MEDIAGATE_E2E_MUTATE=name[,name...] breaks the cluster on purpose; some test
must then fail:
    cluster_no_media_cache  the edges' storage snippet without proxy_cache
    cluster_no_listener     the edges' mediagate without the change listener
    cluster_primary_only    the edges read only the primary (no standby in database.url)
    cluster_own_secrets     each edge with its own token secret
    cluster_one_responder   every edge's nginx asks edge 3's mediagate
    cluster_lapsed_in_grace the edges' grace_seconds 30 days (the lapsed user is allowed)
    cluster_no_failover     Sentinel quorum 4 of 3 (no failover ever)
    cluster_no_parent_cache nginx/mediagate-parent-cache.conf without its proxy_cache
    cluster_parent_any_origin  the parent cache fetches any origin an edge names
"""
import os
import re
import signal
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts"))
from mgstack import netns  # noqa: E402
from mgstack.clients import http  # noqa: E402
from mgstack.cluster import HTTP_PORT, PARENT_PORT, Cluster, stop_cluster  # noqa: E402
from mgstack.cluster_net import edge_addr  # noqa: E402
from mgstack.demo import demo_bytes  # noqa: E402
from mgstack.processes import StackError, wait_until  # noqa: E402
from mgstack.schema import DAY  # noqa: E402
from mgstack.testing import (MUTATIONS, STACK_LOG_CHECKS, STACK_SETTINGS, LogChecks,  # noqa: E402
                             apply_mutations, guarded_state_dir, release_state_dir,
                             run_stack_tests, settle)

NODES = (1, 2, 3)
POLL = 0.05          # seconds between polling rounds
DENY_WITHIN = 1.0    # a cancellation denies on every node within this


def mutate_snippet(name, text):
    edits = {}
    if name == "mediagate-storage.conf":
        edits = {"cluster_no_media_cache": lambda t: t.replace("proxy_cache mediagate_media;", "")}
    elif name == "mediagate-parent-cache.conf":
        edits = {"cluster_no_parent_cache": lambda t: t.replace("proxy_cache mediagate_parent;",
                                                                ""),
                 "cluster_parent_any_origin": lambda t: t.replace("default 0;", "default 1;")}
    elif name in ("mediagate-http.conf", "mediagate-locations.conf"):
        # ("/./": a change for edge 3's own copy too, the same socket)
        edits = {"cluster_one_responder": lambda t: re.sub(
            r"/edge\d/run/mediagate\.sock", "/edge3/./run/mediagate.sock", t)}
    return apply_mutations(edits, name, text)


def mutate_overrides(overrides):
    if "cluster_no_listener" in MUTATIONS:
        overrides["notify"] = {"enabled": False}
    if "cluster_lapsed_in_grace" in MUTATIONS:
        overrides["entitlement"] = {"grace_seconds": 30 * DAY}
    if "cluster_own_secrets" in MUTATIONS:
        del overrides["token"]
    if "cluster_primary_only" in MUTATIONS:
        url = overrides["database"]["url"]
        overrides["database"]["url"] = url.replace(",10.213.0.1", "").replace(",5433", "")
    return overrides


class ClusterTest(LogChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reason = netns.unavailable_reason()
        if reason:
            raise unittest.SkipTest(reason)
        t0 = time.monotonic()
        cls.tmp, cls.guard = guarded_state_dir("mg-cluster-")
        cls.addClassCleanup(cls._stop_cluster)
        cls.cluster = Cluster(cls.tmp, STACK_SETTINGS["binary"], snippet_filter=mutate_snippet,
                              override_filter=mutate_overrides)
        if "cluster_no_failover" in MUTATIONS:
            cls.cluster.sentinel_quorum = 4
        cls.cluster.start()
        cls.active = cls.cluster.db.add_user("active@example.com")
        cls.lapsed = cls.cluster.db.add_user("lapsed@example.com", "canceled", -10 * DAY)
        cls.cluster.wait_for_standby()
        print(f"\n[cluster] up in {time.monotonic() - t0:.1f} s ({cls.tmp})", file=sys.stderr,
              flush=True)

    @classmethod
    def _stop_cluster(cls):
        try:
            stop_cluster(cls.tmp)
        finally:
            release_state_dir(cls.tmp, cls.guard)

    def watched_logs(self):
        return {os.path.join(edge.logs, name): markers for edge in self.cluster.edges
                for name, markers in STACK_LOG_CHECKS.items()}

    def setUp(self):
        super().setUp()
        self._n = 0

    # -- helpers ----------------------------------------------------------------

    def unique(self, tag):
        self._n += 1
        return f"{self._testMethodName[5:40].replace('_', '-')}-{tag}{self._n}"

    # The edges read the standby: each new row is waited for there, else a node
    # asking at once would answer (and cache) "unknown".

    def new_file(self, size=32 * 1024):
        """A fresh object (below nginx's 1 MiB slice): (file id, key, bytes)."""
        fid = self.unique("f")
        key = f"cluster/{fid}.mp3"
        data = demo_bytes(size, fid)
        self.cluster.add_media(fid, key, data)
        self.cluster.wait_for_standby()
        return fid, key, data

    def new_user(self, status="active", period_end=30 * DAY):
        user = self.cluster.db.add_user(f"{self.unique('u')}@example.com", status, period_end)
        self.cluster.wait_for_standby()
        return user

    def statuses(self, path, nodes=NODES):
        """{node: HTTP status of GET path}; None where the connection failed."""
        out = {}
        for n in nodes:
            try:
                out[n] = self.cluster.get(n, path).status
            except OSError:
                out[n] = None
        return out

    def assert_served(self, path, data, nodes=NODES, what=""):
        for n in nodes:
            r = self.cluster.get(n, path)
            self.assertEqual(r.status, 200, f"node {n} {what}: {r.status} {r.body[:200]!r}")
            self.assertEqual(r.body, data, f"node {n} {what}: wrong bytes")

    def poll_until_denied(self, path):
        """Polls every node every POLL s until all deny path (at most 3 x
        DENY_WITHIN); returns (the last statuses, seconds taken)."""
        t0 = time.monotonic()
        last = None
        while time.monotonic() - t0 < 3 * DENY_WITHIN:
            last = self.statuses(path)
            if all(s == 403 for s in last.values()):
                break
            time.sleep(POLL)
        return last, time.monotonic() - t0

    def assert_denied(self, path, nodes=NODES, what=""):
        self.assertEqual(self.statuses(path, nodes), {n: 403 for n in nodes}, what)

    # -- 1: every node serves a subscriber -----------------------------------------

    def test_1_subscriber_allowed_on_every_node(self):
        fid, _, data = self.new_file()
        self.assert_served(self.cluster.premium_path(self.active, fid, "a.mp3"), data)
        self.assert_denied(self.cluster.premium_path(self.lapsed, fid, "a.mp3"), what="lapsed")
        for n in NODES:
            r = self.cluster.get(n, self.cluster.premium_path(self.active, fid + "x", "a.mp3"))
            self.assertEqual(r.status, 404, f"node {n}: an unknown file")

    # -- 2: a cancellation on the primary reaches every node ----------------------

    def test_2_cancellation_denies_on_all_nodes_within_1s(self):
        user = self.new_user()
        fid, _, data = self.new_file()
        path = self.cluster.premium_path(user, fid, "c.mp3")
        settle()
        for _ in range(3):   # both workers of each node, probably, and the micro-cache
            self.assert_served(path, data, what="before the cancellation")
        self.cluster.db.set_subscription(user, "canceled", -10 * DAY)
        last, elapsed = self.poll_until_denied(path)
        print(f"\n[cluster] cancellation denied on all nodes after {elapsed:.2f} s",
              file=sys.stderr)
        self.assertEqual(last, {n: 403 for n in NODES}, f"after {elapsed:.2f} s")
        self.assertLessEqual(elapsed, DENY_WITHIN, "a cancellation must deny within 1 s")
        for _ in range(10):   # and every worker keeps denying
            self.assert_denied(path, what="after the cancellation")
            time.sleep(POLL)

    def test_2b_cancellation_behind_a_lagging_standby(self):
        # The edges read the standby. While it lags, a node may read the old row
        # there and cache it again after the notification: the listener's second
        # look waits until the standby has replayed the change.
        user = self.new_user()
        fid, _, data = self.new_file()
        path = self.cluster.premium_path(user, fid, "l.mp3")
        settle()
        self.assert_served(path, data, what="before the cancellation")
        self.cluster.standby.psql("SELECT pg_wal_replay_pause()")
        try:
            self.cluster.db.set_subscription(user, "canceled", -10 * DAY)
            end = time.monotonic() + 1.0   # nodes re-read the old row meanwhile
            while time.monotonic() < end:
                self.statuses(path)
                time.sleep(POLL)
        finally:
            self.cluster.standby.psql("SELECT pg_wal_replay_resume()")
        last, elapsed = self.poll_until_denied(path)
        print(f"\n[cluster] behind a paused standby: denied on all nodes {elapsed:.2f} s "
              "after its replay resumed", file=sys.stderr)
        self.assertEqual(last, {n: 403 for n in NODES}, f"{elapsed:.2f} s after the resume")
        self.assertLessEqual(elapsed, DENY_WITHIN)

    # -- 3: each node's disk cache asks storage once per file ---------------------

    def test_3_storage_sees_one_get_per_file_per_node(self):
        files = [self.new_file(), self.new_file(200 * 1024)]
        for fid, _, data in files:
            for i in range(3):
                self.assert_served(self.cluster.premium_path(self.active, fid, f"s{i}.mp3"), data)
        for _, key, _ in files:
            self.assert_storage_gets(key, {n: 1 for n in NODES})

    def assert_storage_gets(self, key, want):
        """Storage's GETs of key by node, once they reach `want` or after 3 s,
        then once more after a short settle (a late extra GET shows then)."""
        try:
            wait_until(lambda: self.cluster.storage_gets(key) == want, 3, "storage GETs")
        except StackError:
            pass
        time.sleep(0.3)
        self.assertEqual(self.cluster.storage_gets(key), want, f"GETs of {key} by node")

    # -- 4: the PostgreSQL primary dies --------------------------------------------

    def test_4_postgres_primary_killed_decisions_continue(self):
        fid, _, data = self.new_file()
        warm, cold = self.new_user(), self.new_user()
        cancelled = self.new_user("canceled", -10 * DAY)
        settle()
        self.assert_served(self.cluster.premium_path(warm, fid, "w.mp3"), data, what="warm")
        self.cluster.procs.stop(self.cluster.primary.name, signal.SIGKILL)
        try:
            for i in range(3):
                self.assert_served(self.cluster.premium_path(warm, fid, f"w{i}.mp3"), data,
                                   what="a cached user without the primary")
                self.assert_served(self.cluster.premium_path(cold, fid, f"c{i}.mp3"), data,
                                   what="a user read from the standby")
                self.assert_denied(self.cluster.premium_path(cancelled, fid, f"x{i}.mp3"),
                                   what="a cancelled user without the primary")
        finally:
            with netns.inside(self.cluster.net.core):
                self.cluster.primary.start()
            wait_until(self.cluster.streaming, 30, "the standby to stream again")

    # -- 5: the Redis master dies: Sentinel fails over ----------------------------

    def test_5_redis_master_killed_sentinel_fails_over_no_wrong_allow(self):
        fid, _, data = self.new_file()
        good = self.cluster.premium_path(self.active, fid, "r.mp3")
        bad = self.cluster.premium_path(self.lapsed, fid, "r.mp3")
        self.assert_served(good, data)
        old = self.cluster.redis_master()
        killed = self.cluster.redis_at(old)
        t0 = time.monotonic()
        killed.stop(signal.SIGKILL)
        failover, wrong_allows, denied_good, rounds, new = None, 0, 0, 0, old
        try:
            while time.monotonic() - t0 < 20 and (failover is None
                                                  or time.monotonic() - t0 < failover + 2):
                rounds += 1
                wrong_allows += list(self.statuses(bad).values()).count(200)
                denied_good += sum(s != 200 for s in self.statuses(good).values())
                if failover is None:
                    new = self.cluster.redis_master()
                    failover = time.monotonic() - t0 if new != old else None
                time.sleep(POLL)
            print(f"\n[cluster] Sentinel failover {old} -> {new} after "
                  f"{failover if failover is None else round(failover, 2)} s; {rounds} rounds: "
                  f"{wrong_allows} wrong allows, {denied_good} refusals of the subscriber",
                  file=sys.stderr)
            self.assertIsNotNone(failover, "Sentinel promoted no replica within 20 s")
            self.assertEqual(wrong_allows, 0, "a lapsed subscriber was allowed")
            self.assert_served(good, data, what="after the failover")
            user = self.new_user()
            settle()
            self.assert_served(self.cluster.premium_path(user, fid, "n.mp3"), data)
            clients = self.cluster.redis_at(new).call("CLIENT", "LIST")
            for n in NODES:
                self.assertIn(f"addr={edge_addr(n)}:", str(clients),
                              f"node {n} is not connected to the new master {new}")
        finally:
            with netns.inside(self.cluster.net.core):
                killed.start()

    # -- 6: one edge node dies -------------------------------------------------------

    def test_6_edge_killed_others_unaffected(self):
        fid, _, data = self.new_file()
        edge = self.cluster.edges[2]
        for name in (edge.nginx.name, edge.mediagate.name):
            edge.procs.stop(name, signal.SIGKILL)
        try:
            for i in range(5):
                good = self.cluster.premium_path(self.active, fid, f"e{i}.mp3")
                self.assert_served(good, data, nodes=(1, 2), what="with node 3 down")
                self.assert_denied(self.cluster.premium_path(self.lapsed, fid, f"e{i}.mp3"),
                                   nodes=(1, 2), what="with node 3 down")
                self.assertEqual(self.statuses(good, (3,)), {3: None}, "node 3 is down")
        finally:
            self.cluster.start_edge(3)
        self.assert_served(self.cluster.premium_path(self.active, fid, "back.mp3"), data,
                           what="node 3 restarted")

    # -- 7: node 1 as the parent cache of all: one GET in all ----------------------

    def test_7_parent_cache_storage_sees_one_get_per_slice_in_all(self):
        self.cluster.use_parent_cache(1)
        try:
            files = [(self.new_file(), 1), (self.new_file(2500 * 1024), 3)]  # 1 MiB slices
            for (fid, _, data), _ in files:
                for i in range(2):
                    self.assert_served(self.cluster.premium_path(self.active, fid, f"p{i}.mp3"),
                                       data, nodes=(3, 2, 1))
            for (_, key, _), slices in files:
                self.assert_storage_gets(key, {1: slices, 2: 0, 3: 0})
            # the parent fetches storage's origin only, whatever an edge asks
            key = "0" * 32
            for origin in (f"http/{edge_addr(2)}:{HTTP_PORT}", "http/127.0.0.1:9000",
                           f"https/{edge_addr(2)}:{HTTP_PORT}", "ftp/10.213.0.1:9000"):
                with netns.inside(self.cluster.net.client):
                    r = http(PARENT_PORT, f"/{key}/{origin}/cluster/x.mp3", host=edge_addr(1))
                self.assertEqual(r.status, 403, origin)
        finally:
            self.cluster.use_parent_cache(1, on=False)


if __name__ == "__main__":
    if netns.unavailable_reason():   # ctest's SKIP_RETURN_CODE
        print(f"SKIPPED: {netns.unavailable_reason()}", file=sys.stderr)
        sys.exit(77)
    run_stack_tests(os.path.join(REPO, "build", "mediagate"))
