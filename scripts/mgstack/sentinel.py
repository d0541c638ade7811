"""Redis Sentinel (Debian's redis-sentinel) watching one master on 127.0.0.1, and
SentinelStandIn, a Sentinel that answers wrongly on purpose (stale, nil, garbage,
silent). Each Sentinel has its own port and its own copy of its config, which it
rewrites; the system's sentinel service (port 26379) is never used. Not thread-safe.
"""
import os
import signal
import socketserver
import threading

from .clients import redis_tcp_client
from .processes import Abort, tail, wait_until, write_file


class Sentinel:
    def __init__(self, procs, port, work_dir, log_path, name=None):
        self.procs, self.port, self.dir, self.log_path = procs, port, work_dir, log_path
        self.name = name or f"sentinel-{port}"
        self.address = f"127.0.0.1:{port}"  # as mediagate's [redis] sentinels lists it

    def start(self, master_host, master_port, quorum=2, master_name="mediagate",
              down_after_ms=800, failover_timeout_ms=3000, timeout=20):
        """Starts redis-sentinel monitoring master_name at master_host:master_port
        (a no-op while it runs); returns once it names that master."""
        if self.procs.running(self.name):
            return
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        config = os.path.join(self.dir, "sentinel.conf")
        write_file(config, "\n".join([
            f"port {self.port}", "bind 127.0.0.1", "protected-mode no", "daemonize no",
            f"dir {self.dir}", "loglevel notice",
            f"sentinel monitor {master_name} {master_host} {master_port} {quorum}",
            f"sentinel down-after-milliseconds {master_name} {down_after_ms}",
            f"sentinel failover-timeout {master_name} {failover_timeout_ms}",
            f"sentinel parallel-syncs {master_name} 1", ""]), 0o600)
        proc = self.procs.spawn(self.name, ["/usr/bin/redis-sentinel", config], self.log_path,
                                cwd=self.dir)

        def ready():
            if proc.poll() is not None:
                raise Abort(f"redis-sentinel exited:\n{tail(self.log_path)}")
            return self.master(master_name)
        wait_until(ready, timeout, f"Sentinel {self.port} to name the master")

    def running(self):
        return self.procs.running(self.name)

    def stop(self, sig=signal.SIGTERM):
        return self.procs.stop(self.name, sig)

    def call(self, *args):
        client = redis_tcp_client(self.port)
        try:
            return client.execute_command(*args)
        finally:
            client.connection_pool.disconnect()

    def master(self, master_name="mediagate"):
        """(host, port) of the master this Sentinel names now, or None."""
        answer = self.call("SENTINEL", "get-master-addr-by-name", master_name)
        return (answer[0], int(answer[1])) if answer else None


class SentinelStandIn:
    """A TCP server on 127.0.0.1 that answers every command one way:
    ("stale", (host, port)) names that address as the master; "nil" knows no
    master; "garbage" answers a malformed array; "silent" never answers."""

    def __init__(self, mode):
        self.mode = mode
        handler = type("Handler", (socketserver.StreamRequestHandler,),
                       {"handle": lambda h: self._handle(h)})
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.asked = 0
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _reply(self):
        if self.mode == "nil":
            return b"*-1\r\n"
        if self.mode == "garbage":
            return b"*3\r\n$9\r\n127.0.0.1\r\n:6379\r\n$1\r\nx\r\n"
        host, port = self.mode[1]
        return f"*2\r\n${len(host)}\r\n{host}\r\n${len(str(port))}\r\n{port}\r\n".encode()

    def _handle(self, handler):
        try:
            while line := handler.rfile.readline():  # RESP: *N, then $len / arg pairs
                if not line.startswith(b"*"):
                    return
                for _ in range(2 * int(line[1:])):
                    handler.rfile.readline()
                self.asked += 1
                if self.mode != "silent":
                    handler.wfile.write(self._reply())
        except (OSError, ValueError):
            pass

    def close(self):
        self.server.shutdown()
        self.server.server_close()

