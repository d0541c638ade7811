"""redis-server on a private unix socket (and optionally 127.0.0.1:PORT, e.g. as a
Sentinel-managed master or replica), without persistence. Not thread-safe."""
import os
import signal

from .clients import redis_client
from .processes import Abort, tail, wait_until


class Redis:
    def __init__(self, procs, sock, work_dir, log_path, socket_perm="700", port=0,
                 name="redis"):
        """port: also listen on 127.0.0.1:port (0: unix socket only)."""
        self.procs, self.sock, self.dir, self.log_path = procs, sock, work_dir, log_path
        self.socket_perm, self.port, self.name = socket_perm, port, name

    def start(self, timeout=20, replicaof=None):
        """Starts redis-server (a no-op while it runs), as a replica of
        replicaof=(host, port) if given; returns once it answers PING."""
        if self.procs.running(self.name):
            return
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        tcp = ["--bind", "127.0.0.1"] if self.port else []
        replica = ["--replicaof", replicaof[0], str(replicaof[1])] if replicaof else []
        proc = self.procs.spawn(self.name, [
            "/usr/bin/redis-server", "--port", str(self.port), *tcp, "--unixsocket", self.sock,
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
