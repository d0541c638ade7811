"""scripts/cluster-demo: the cluster of cluster.py with one subscriber, one
lapsed subscriber and one file, and how to reach each node."""
import time

from .cluster import Cluster, stop_cluster
from .cluster_net import CORE_ADDR, edge_addr
from .demo import demo_bytes
from .processes import log
from .schema import DAY

PREFIX = "mgdemo"   # namespaces mgdemo-core, -edge1..3, -client


def start(state, binary):
    cluster = Cluster(state, binary, prefix=PREFIX)
    t0 = time.monotonic()
    try:
        cluster.start()
        alice = cluster.db.add_user("alice@example.com")
        carol = cluster.db.add_user("carol@example.com", "canceled", -10 * DAY)
        cluster.add_media("episode-1", "demo/episode-1.mp3", demo_bytes(300 * 1024, "cluster"))
        cluster.wait_for_standby()
    except BaseException:
        log(f"start failed; logs are in {state}/core/logs and {state}/edge*/logs. "
            "Stopping what was started.")
        cluster.stop()
        raise
    client = f"ip netns exec {cluster.net.client}"
    print(f"mediagate cluster up in {time.monotonic() - t0:.1f} s (state {state})\n")
    print(f"core ({cluster.net.core}, {CORE_ADDR}): PostgreSQL primary :5432, standby :5433;"
          " Redis :6379/:6380 under Sentinels :26379-26381; storage :9000")
    for n in range(1, cluster.net.edges + 1):
        print(f"edge {n} ({cluster.net.edge(n)}): http://{edge_addr(n)}/")
    print("\nalice (active) and carol (lapsed) on every edge, from the client namespace:")
    for user in (alice, carol):
        path = cluster.premium_path(user, "episode-1", "episode-1.mp3")
        for n in range(1, cluster.net.edges + 1):
            print(f"  {client} curl -s -o /dev/null -w '%{{http_code}}\\n' "
                  f"'http://{edge_addr(n)}{path}'")
    print(f"\nstorage's GETs, by edge address: {cluster.storage.access_log}\n"
          "cancel alice on the primary, then ask the edges again:\n"
          f"  psql -h {cluster.primary.sock} -U postgres mediagate -c \"UPDATE "
          "mediagate_subscriptions SET status = 'canceled', current_period_end = now() - "
          f"interval '10 days' WHERE user_id = {alice.id}\"\n"
          "stop: scripts/cluster-demo stop")
    return 0


def stop(state):
    stop_cluster(state)
    print(f"mediagate cluster stopped ({state})")
    return 0
