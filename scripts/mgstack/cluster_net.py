"""The cluster's network (scripts/mgstack/cluster.py): one namespace per host,
all on one bridge in the core namespace, with private addresses that exist
only inside those namespaces. Nothing is added to the root namespace.

    PREFIX-core     bridge mgbr 10.213.0.1/24: PostgreSQL, Redis, Sentinels, storage
    PREFIX-edgeN    eth0 10.213.0.(10+N)/24: nginx + mediagate of edge N
    PREFIX-client   eth0 10.213.0.100/24: where test and demo requests come from
"""
from . import netns

SUBNET = "10.213.0.0/24"
CORE_ADDR = "10.213.0.1"
CLIENT_ADDR = "10.213.0.100"
BRIDGE = "mgbr"


def edge_addr(n):
    """The address of edge n (1-based)."""
    return f"10.213.0.{10 + n}"


class ClusterNet:
    def __init__(self, prefix, edges):
        self.prefix, self.edges = prefix, edges
        self.core, self.client = f"{prefix}-core", f"{prefix}-client"

    def edge(self, n):
        """The namespace of edge n (1-based)."""
        return f"{self.prefix}-edge{n}"

    def names(self):
        return [self.core, self.client] + [self.edge(n) for n in range(1, self.edges + 1)]

    def create(self):
        """Creates the namespaces, the bridge and one veth pair per other host."""
        for name in self.names():
            netns.create(name)
        core = ["-n", self.core]
        netns.ip(*core, "link", "add", BRIDGE, "type", "bridge")
        netns.ip(*core, "addr", "add", f"{CORE_ADDR}/24", "dev", BRIDGE)
        netns.ip(*core, "link", "set", BRIDGE, "up")
        hosts = [(self.client, CLIENT_ADDR)] + [(self.edge(n), edge_addr(n))
                                                 for n in range(1, self.edges + 1)]
        for i, (name, addr) in enumerate(hosts):
            port = f"veth{i}"
            netns.ip(*core, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                     "netns", name)
            netns.ip(*core, "link", "set", port, "master", BRIDGE, "up")
            netns.ip("-n", name, "addr", "add", f"{addr}/24", "dev", "eth0")
            netns.ip("-n", name, "link", "set", "eth0", "up")

    def delete(self):
        for name in self.names():
            netns.delete(name)
