"""redis-server on a private unix socket (and optionally TCP on one address, as
a Sentinel-managed master or replica, or for the cluster), without persistence.
Not thread-safe."""
import os
import signal

from .clients import redis_client
from .processes import Abort, tail, wait_until


class Redis:
    """bind: (address, port) to listen on besides the socket, or None.
    args: more redis-server options."""

    def __init__(self, procs, sock, work_dir, log_path, socket_perm="700", name="redis",
                 bind=None, args=()):
        self.procs, self.sock, self.dir, self.log_path = procs, sock, work_dir, log_path
        self.socket_perm, self.name, self.bind, self.args = socket_perm, name, bind, list(args)

    @property
    def address(self):
        """The TCP listener as "HOST:PORT" (None without one)."""
        return f"{self.bind[0]}:{self.bind[1]}" if self.bind else None

    @property
    def port(self):
        return self.bind[1] if self.bind else None

    def start(self, timeout=20, replicaof=None):
        """Starts redis-server (a no-op while it runs), as a replica of
        replicaof=(host, port) if given; returns once it answers PING."""
        if self.procs.running(self.name):
            return
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        replica = ["--replicaof", replicaof[0], str(replicaof[1])] if replicaof else []
        tcp = ["--port", "0"]
        if self.bind:
            # no password: only the cluster's private network can reach it
            tcp = ["--bind", self.bind[0], "--port", str(self.bind[1]), "--protected-mode", "no"]
        proc = self.procs.spawn(self.name, [
            "/usr/bin/redis-server", *tcp, *self.args, "--unixsocket", self.sock,
            "--unixsocketperm", self.socket_perm, "--save", "", "--appendonly", "no",
            "--dir", self.dir, "--daemonize", "no", "--loglevel", "warning", *replica],
            self.log_path, cwd=self.dir)

        def ready():
            if proc.poll() is not None:
                raise Abort(f"redis-server exited:\n{tail(self.log_path)}")
            # (redis-py leaks the socket of a failed connect: try once it listens)
            return os.path.exists(self.sock) and self.call("PING")
        wait_until(ready, timeout, "Redis to answer PING")

    def running(self):
        return self.procs.running(self.name)

    def stop(self, sig=signal.SIGTERM):
        """Stops it (SIGKILL: no clean shutdown); returns when it is gone."""
        return self.procs.stop(self.name, sig)

    def call(self, command, *args):
        """One Redis command (python3-redis) on a connection closed afterwards."""
        client = redis_client(self.sock)
        try:
            return client.execute_command(command, *args)
        finally:
            client.connection_pool.disconnect()
