"""`mediagate serve` (directly on --listen, or under spawn-fcgi as the Debian
package runs it), its command line, and its TOML config. Not thread-safe,
except fcgi() and cli().
"""
import json
import os
import subprocess

from .clients import Metrics, fcgi
from .processes import Abort, StackError, child_env, children, comm, tail, wait_until


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(config):
    """{section: {key: value}} as TOML text."""
    return "".join(f"[{section}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in keys.items())
                   + "\n" for section, keys in config.items())


def deep_merge(base, overrides):
    """base with each section's keys updated from overrides; a key overridden
    with None is removed."""
    merged = {k: dict(v) for k, v in base.items()}
    for section, keys in (overrides or {}).items():
        merged.setdefault(section, {}).update(keys)
        merged[section] = {k: v for k, v in merged[section].items() if v is not None}
    return merged


class Mediagate:
    """One `mediagate serve` master (recorded as `name`) on the unix socket `sock`."""

    def __init__(self, procs, binary, config_path, sock, log_path, name="mediagate",
                 spawn_fcgi_user=None, cwd="/"):
        self.procs, self.binary, self.config_path = procs, binary, config_path
        self.sock, self.log_path, self.name, self.cwd = sock, log_path, name, cwd
        self.spawn_fcgi_user = spawn_fcgi_user  # run under spawn-fcgi, socket owned by them
        self.workers = 2
        self.health_path, self.metrics_path = "/mediagate/health", "/mediagate/metrics"

    def cli(self, *args, check=True, timeout=60):
        r = subprocess.run([self.binary, *args], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, env=child_env(), timeout=timeout, cwd=self.cwd)
        if check and r.returncode != 0:
            raise StackError(f"mediagate {' '.join(args)} exited {r.returncode}:\n"
                             f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    def mint(self, fields, config=None, at=None):
        """`mediagate token make` with --field NAME=VALUE for each item of fields."""
        args = ["token", "make", "--config", config or self.config_path]
        for name, value in fields.items():
            args += ["--field", f"{name}={value}"]
        return self.cli(*args, *(["--at", str(int(at))] if at is not None else [])).stdout.strip()

    def invalidate(self, user=None, file=None, config=None):
        args = ["invalidate", "--config", config or self.config_path]
        return self.cli(*args, *(["--user", user] if user is not None else []),
                        *(["--file", file] if file is not None else []))

    def argv(self, workers, extra_args=()):
        serve = [self.binary, "serve", "--config", self.config_path, "--workers", str(workers)]
        if self.spawn_fcgi_user is None:
            return serve + ["--listen", f"unix:{self.sock}", *extra_args]
        u = self.spawn_fcgi_user  # the Debian package's way: spawn-fcgi makes the socket
        return ["/usr/bin/spawn-fcgi", "-n", "-s", self.sock, "-U", u, "-G", u, "-M", "0660",
                "--", *serve, *extra_args]

    def start(self, workers=None, extra_args=(), tag="-", wrapper=(), timeout=30):
        """Starts serve; returns once `workers` workers run and the socket answers
        a health request (200 or 503). REQUIRES: it is not running."""
        self.workers = workers or self.workers
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        proc = self.procs.spawn(self.name, [*wrapper, *self.argv(self.workers, extra_args)],
                                self.log_path, tag=tag, cwd=self.cwd)

        def ready():
            if proc.poll() is not None:
                raise Abort(f"mediagate serve exited with {proc.returncode} before it was "
                            f"ready; log:\n{tail(self.log_path, 40)}")
            return (len(self.worker_pids()) == self.workers
                    and self.fcgi(self.health_path).status in (200, 503))
        wait_until(ready, timeout, f"mediagate serve with {self.workers} workers")

    def running(self):
        return self.procs.running(self.name)

    @property
    def master_pid(self):
        return self.procs.pid(self.name)

    def popen(self):
        return self.procs.popen(self.name)

    LISTENER_COMM = "mg-listener"  # the change listener's /proc/PID/comm

    @classmethod
    def workers_of(cls, master_pid):
        """The worker PIDs among a master's children (not its change listener)."""
        return [c for c in children(master_pid) if comm(c) != cls.LISTENER_COMM]

    def worker_pids(self):
        pid = self.master_pid
        return self.workers_of(pid) if pid else []

    def listener_pid(self):
        """The change listener's PID, or None."""
        pid = self.master_pid
        found = [c for c in children(pid) if comm(c) == self.LISTENER_COMM] if pid else []
        return found[0] if found else None

    def wait_for_workers(self, count=None, exclude=(), timeout=5):
        """Waits until exactly `count` live workers run, none of them in `exclude`."""
        count = self.workers if count is None else count

        def ok():
            pids = self.worker_pids()
            return pids if len(pids) == count and not set(pids) & set(exclude) else None
        return wait_until(ok, timeout, f"{count} workers (excluding {sorted(exclude)}); "
                          f"now {self.worker_pids()}")

    def signal(self, sig):
        os.kill(self.master_pid, sig)

    def stop(self, sig=None, timeout=15):
        return self.procs.stop(self.name, sig, timeout)

    def fcgi(self, uri, method="GET", remote_addr="127.0.0.1", extra_env=None, timeout=10):
        return fcgi(self.sock, uri, method, remote_addr, extra_env, timeout)

    def metrics(self):
        r = self.fcgi(self.metrics_path)
        if r.status != 200:
            raise StackError(f"metrics: {r}")
        return Metrics(r.body)
