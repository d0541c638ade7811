#!/usr/bin/env python3
"""mediagate finds Redis through Redis Sentinel: a master, a replica and three
redis-sentinel processes (quorum 2) on 127.0.0.1. Decisions are cached in the
master the Sentinels name; bad Sentinels are skipped; a replica is never used;
after the master is killed, decisions continue from PostgreSQL with zero wrong
allows, and Redis is trusted again only once the change listener has flushed
the promoted master (whose replication may have lost a delete).

usage: sentinel_test.py --binary build/mediagate [unittest args]
"""
import hashlib
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import DAY, MediagateTestCase, mg, wait_until  # noqa: E402

PREFIX = "mgtest"
MARKER = f"{PREFIX}:flushed-master"


def user_key(email):
    return f"{PREFIX}:v3:user:{hashlib.sha256(email.encode()).hexdigest()}"


def redis_at(address, decode=True):
    return mg.clients.redis_tcp_client(address[1], address[0], decode=decode)


def run_id(address):
    return redis_at(address).info("server")["run_id"]


def replica_reads(address):
    """(GET calls, READONLY errors) a replica served: mediagate's, since the
    replication stream carries no GET and the test writes no data there."""
    def field(stats, name, key):  # redis-py gives "k=v,..." as a dict, or not
        value = stats.get(name, {})
        if isinstance(value, str):
            value = dict(kv.split("=", 1) for kv in value.split(","))
        return int(value.get(key, 0))
    client = redis_at(address)
    return (field(client.info("commandstats"), "cmdstat_get", "calls"),
            field(client.info("errorstats"), "errorstat_READONLY", "count"))


class SentinelTest(MediagateTestCase):
    """One master (redis-a), one replica (redis-b), three Sentinels."""

    REDIS = False

    @classmethod
    def start_servers(cls):
        stack = cls.stack
        cls.redis = {}
        for name in ("redis-a", "redis-b"):
            cls.redis[name] = mg.Redis(stack.procs, stack.path(f"{name}.sock"), stack.path(name),
                                       stack.path(f"{name}.log"), name=name,
                                       bind=("127.0.0.1", mg.free_port()))
        cls.redis["redis-a"].start()
        cls.redis["redis-b"].start(replicaof=("127.0.0.1", cls.redis["redis-a"].port))
        cls.sentinels = []
        for i in range(3):
            s = mg.Sentinel(stack.procs, mg.free_port(), stack.path(f"sentinel{i}"),
                            stack.path(f"sentinel{i}.log"))
            s.start("127.0.0.1", cls.redis["redis-a"].port, quorum=2, down_after_ms=800,
                    failover_timeout_ms=3000)
            cls.sentinels.append(s)

    @classmethod
    def config_overrides(cls):
        return cls.redis_config([s.address for s in cls.sentinels])

    @staticmethod
    def redis_config(sentinels):
        return {"redis": {"address": "", "sentinels": sentinels, "master_name": "mediagate",
                          "key_prefix": PREFIX, "connect_timeout_ms": 200,
                          "command_timeout_ms": 200}}

    @classmethod
    def seed(cls):
        cls.create_media("ep1", "shows/ep1.mp3")

    def master(self):
        return wait_until(self.sentinels[0].master, 10, "the Sentinels' master")

    def replica(self):
        master = self.master()
        return next(("127.0.0.1", r.port) for r in self.redis.values()
                    if r.port != master[1] and r.running())

    def serve_with(self, sentinels):
        """Restarts mediagate asking `sentinels`; the class's list comes back after the test."""
        self.stack.mediagate.stop()
        self.stack.write_config(self.redis_config(sentinels))

        def restore():
            self.stack.mediagate.stop()
            self.stack.write_config(self.config_overrides())
            self.stack.mediagate.start()
        self.addCleanup(restore)
        self.stack.mediagate.start()

    def wait_cached(self, email, address, timeout=5):
        wait_until(lambda: redis_at(address).exists(user_key(email)), timeout,
                   f"{email}'s entry in Redis at {address}")

    def test_a_caches_in_the_master_the_sentinels_name(self):
        user = self.create_user(self.new_email())
        master, replica = self.master(), self.replica()
        self.assertEqual(master[1], self.redis["redis-a"].port)
        redis_at(replica).config_resetstat()
        self.settle()
        self.assert_allowed(self.request_media(user, "ep1"))
        self.wait_cached(user.email, master)
        # The change listener flushed this master on start and marked it so.
        self.assertEqual(redis_at(master).get(MARKER), run_id(master))
        self.assertEqual(replica_reads(replica), (0, 0))

    def test_b_skips_sentinels_that_are_down_silent_or_wrong(self):
        bad = [mg.SentinelStandIn(mode) for mode in ("nil", "garbage", "silent")]
        for standin in bad:
            self.addCleanup(standin.close)
        down = f"127.0.0.1:{mg.free_port()}"
        self.serve_with([down] + [b.address for b in bad] + [self.sentinels[1].address])
        user = self.create_user(self.new_email())
        self.settle()
        self.assert_allowed(self.request_media(user, "ep1"))
        self.wait_cached(user.email, self.master())
        self.assertTrue(all(b.asked > 0 for b in bad), [b.asked for b in bad])

    def test_c_never_uses_a_replica_a_stale_sentinel_names(self):
        replica = self.replica()
        stale = mg.SentinelStandIn(("stale", replica))
        self.addCleanup(stale.close)
        self.serve_with([stale.address, self.sentinels[0].address])
        redis_at(replica).config_resetstat()
        errors = self.metrics().get("mediagate_redis_requests_total", result="error")
        allowed = self.create_user(self.new_email())
        cancelled = self.create_user(self.new_email(), status="canceled", period_end=-DAY)
        self.settle()
        for _ in range(3):
            self.assert_allowed(self.request_media(allowed, "ep1"))
            self.assert_denied(self.request_media(cancelled, "ep1"), "inactive")
        self.assertGreater(stale.asked, 0)
        self.assertGreater(self.metrics().get("mediagate_redis_requests_total", result="error"),
                           errors)
        self.assertEqual(replica_reads(replica), (0, 0))
        self.assertFalse(redis_at(self.master()).exists(user_key(allowed.email)))

    def test_z_failover(self):
        """Last: kills the master. D's delete is 'lost' by replication (written
        back into the replica by hand); D must stay denied throughout."""
        old, new = self.master(), self.replica()
        allowed = self.stack.db.add_users([self.new_email("a") for _ in range(12)])
        cancelled = self.stack.db.add_users([self.new_email("c") for _ in range(12)],
                                            status="canceled", period_end=-DAY)
        lost = self.create_user(self.new_email("d"))
        self.settle()
        self.assert_allowed(self.request_media(lost, "ep1"))
        self.wait_cached(lost.email, old)
        stale_entry = redis_at(old, decode=False).dump(user_key(lost.email))
        self.set_subscription(lost, "canceled", -DAY)
        wait_until(lambda: not redis_at(new).exists(user_key(lost.email)), 5,
                   "the listener's delete to reach the replica")
        self.settle()
        replica = redis_at(new)
        replica.config_set("replica-read-only", "no")
        replica.restore(user_key(lost.email), 60000, stale_entry)
        replica.config_set("replica-read-only", "yes")

        # The listener cannot flush the promoted master while stopped: workers
        # must not trust it meanwhile.
        listener = self.stack.mediagate.listener_pid()
        os.kill(listener, signal.SIGSTOP)
        self.addCleanup(lambda: mg.alive(listener) and os.kill(listener, signal.SIGCONT))
        self.redis["redis-a"].stop(signal.SIGKILL)
        wrong, promoted_at, n = [], None, 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            n += 1  # each user's first request asks Redis, then PostgreSQL
            for user, want in ((allowed[n % 12], 200), (cancelled[n % 12], 403)):
                status = self.request_media(user, "ep1").status
                if status != want:
                    wrong.append((user.email, status))
            if promoted_at is None and all(s.master() == new for s in self.sentinels):
                promoted_at = time.monotonic()
            if promoted_at is not None:
                status = self.request_media(lost, "ep1").status
                if status != 403:
                    wrong.append((lost.email, status))
                if time.monotonic() > promoted_at + 2:
                    break
        self.assertIsNotNone(promoted_at, "Sentinel did not promote the replica")
        self.assertEqual(wrong, [], "wrong answers during the failover")
        self.assertNotEqual(redis_at(new).get(MARKER), run_id(new))

        os.kill(listener, signal.SIGCONT)
        wait_until(lambda: redis_at(new).get(MARKER) == run_id(new), 10,
                   "the listener to flush the promoted master")
        self.assertFalse(redis_at(new).exists(user_key(lost.email)))
        self.assert_denied(self.request_media(lost, "ep1"), "inactive")
        fresh = self.create_user(self.new_email("e"))
        self.settle()
        self.assert_allowed(self.request_media(fresh, "ep1"))
        self.wait_cached(fresh.email, new)

        # The old master comes back as a replica: mediagate never reads or writes it.
        self.redis["redis-a"].start(replicaof=new)
        for user in (self.create_user(self.new_email("f")), allowed[0]):
            self.settle()
            self.assert_allowed(self.request_media(user, "ep1"))
        self.assertEqual(replica_reads(old), (0, 0))


if __name__ == "__main__":
    harness.main(__doc__)
