"""Processes started by mediagate's tooling, recorded by PID in a state dir.

Each server runs in its own session (so it leads its own process group) and is
recorded in STATE/pids/NAME as "PID STARTTIME TAG SIGNAL". It is signalled only
while /proc/PID/stat still shows that start time (a reused PID is never
touched), and stopping it also SIGKILLs what is left of its process group
(e.g. the workers of a master that was SIGKILLed). Records outlive the Python
process (the demo starts servers and exits; `demo stop` runs later). Nothing is
ever killed by name. Not thread-safe: one thread starts and stops servers.
"""
import atexit
import os
import signal
import socket
import subprocess
import sys
import time

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class StackError(AssertionError):
    """A server did not start, stop or answer as expected (a test failure)."""


class Abort(StackError):
    """Raised by a wait_until predicate to stop waiting at once."""


def log(msg):
    print(f"mgstack: {msg}", file=sys.stderr, flush=True)


def child_env(**extra):
    """A small environment for children. MEDIAGATE_* never leaks in (those
    variables override the secret files); sanitizer options do."""
    env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
           "HOME": "/root"}
    env.update((k, v) for k, v in os.environ.items() if k.startswith(("ASAN_", "UBSAN_", "LSAN_")))
    env.update(extra)
    return env


def wait_until(predicate, timeout, message, interval=0.05):
    """Polls predicate() until it returns a truthy value, and returns that value.
    Exceptions from predicate() mean "not yet", except Abort, which propagates.
    Raises StackError naming `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Abort:
            raise
        except Exception as exc:  # noqa: BLE001 - "not yet"
            last = exc
        if time.monotonic() >= deadline:
            raise StackError(f"timed out after {timeout} s waiting for {message}"
                             + (f" (last error: {last!r})" if last else ""))
        time.sleep(interval)


def free_port(kind=socket.SOCK_STREAM):
    """A port the kernel considers free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def write_file(path, data, mode=0o644):
    """Atomic replace (a reloading server never reads half a file)."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_text(path, offset=0):
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def wait_for_lines(path, lines, offset=0, timeout=10):
    """nginx writes a request's log line after the client has its answer (and
    buffered logs up to a flush interval later): waits until the file holds
    `lines` complete lines after `offset`, and returns that text."""
    def complete():
        text = read_text(path, offset)
        return text if text.count("\n") >= lines else None
    return wait_until(complete, timeout, f"{lines} lines in {os.path.basename(path)}", 0.02)


def tail(path, lines=30):
    return "\n".join(read_text(path).splitlines()[-lines:])


def exit_on_signals():
    """SIGTERM / SIGHUP -> SystemExit, so atexit and class cleanups stop the servers."""
    def _exit(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def proc_stat(pid):
    """(state, ppid, pgid, starttime) of a live (not zombie) process, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    rest = data[data.rindex(")") + 2:].split()
    return None if rest[0] in "ZX" else (rest[0], int(rest[1]), int(rest[2]), int(rest[19]))


def alive(pid):
    return proc_stat(pid) is not None


def starttime(pid):
    st = proc_stat(pid)
    return st and st[3]


def _live():
    return ((int(n), st) for n in os.listdir("/proc") if n.isdigit() for st in [proc_stat(n)] if st)


def children(pid):
    """Live child PIDs of pid, sorted."""
    return sorted(p for p, st in _live() if st[1] == pid)


def comm(pid):
    """The process's name (/proc/PID/comm), or "" once it is gone."""
    try:
        with open(f"/proc/{pid}/comm") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def group_members(pgid):
    return [p for p, st in _live() if st[2] == pgid]


class Processes:
    """The servers of one state directory (records in STATE/pids)."""

    _popens = {}  # pid -> Popen of the servers this Python process started

    def __init__(self, state, stop_at_exit=False):
        self.dir = os.path.join(state, "pids")
        if stop_at_exit:
            atexit.register(self.stop_all)

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _read(self, name):
        """(pid, starttime, tag, stop signal) as recorded, alive or not."""
        try:
            with open(self._path(name)) as fh:
                pid, start, tag, sig = fh.read().split()
            return int(pid), int(start), tag, int(sig)
        except (OSError, ValueError):
            return None

    def record(self, name):
        """The record of name while that process lives, else None."""
        rec = self._read(name)
        if rec is None:
            return None
        self._reap(rec[0])
        return rec if starttime(rec[0]) == rec[1] else None

    def pid(self, name):
        rec = self.record(name)
        return rec[0] if rec else None

    def running(self, name):
        return self.record(name) is not None

    def popen(self, name):
        rec = self.record(name)
        return self._popens.get(rec[0]) if rec else None

    def names(self):
        try:
            return sorted(os.listdir(self.dir))
        except FileNotFoundError:
            return []

    def pids(self):
        """The pids of the recorded processes still running."""
        return [pid for pid in (self.pid(name) for name in self.names()) if pid]

    @classmethod
    def _reap(cls, pid):
        proc = cls._popens.get(pid)
        if proc is not None:
            proc.poll()
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass

    def spawn(self, name, argv, log_path, *, stop_signal=signal.SIGTERM, tag="-", env=None,
              cwd=None, pass_fds=(), umask=-1):
        """Starts argv in a new session, output appended to log_path, and records it.
        REQUIRES: no process of that name is running."""
        if self.running(name):
            raise StackError(f"{name} is already running")
        self.stop(name)  # a dead record: reap it and any leftovers of its group
        os.makedirs(self.dir, exist_ok=True)
        with open(log_path, "ab") as out:
            out.write(f"==== mgstack: starting {name} at {time.strftime('%F %T')}\n".encode())
            out.flush()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                    env=env or child_env(), cwd=cwd, start_new_session=True,
                                    close_fds=True, pass_fds=pass_fds, umask=umask)
        start = starttime(proc.pid)
        if start is None:
            proc.wait()
            raise StackError(f"{name} exited at once ({proc.returncode}):\n{tail(log_path)}")
        self._popens[proc.pid] = proc
        write_file(self._path(name), f"{proc.pid} {start} {tag} {int(stop_signal)}\n")
        return proc

    def stop(self, name, sig=None, timeout=10.0):
        """Sends sig (default: the recorded stop signal) to the recorded process,
        SIGKILLs it after timeout, then SIGKILLs what is left of its process
        group. Returns the exit status if this process started it, else None."""
        rec = self._read(name)
        if rec is None:
            return None
        pid, start, _, recorded_sig = rec
        self._reap(pid)
        for s in ((recorded_sig if sig is None else sig), signal.SIGKILL):
            if starttime(pid) != start:
                break
            os.kill(pid, s)
            try:
                wait_until(lambda: (self._reap(pid), starttime(pid) != start)[1], timeout,
                           f"{name} (pid {pid}) to exit")
            except StackError:
                log(f"{name} (pid {pid}) did not stop in {timeout} s; SIGKILL")
                timeout = 5
        # The leader is gone; while its group has members, no new process can
        # get its PID, so these are its leftovers (e.g. workers of a crashed master).
        if starttime(pid) is None and group_members(pid):
            os.killpg(pid, signal.SIGKILL)
            wait_until(lambda: not group_members(pid), 5, f"the process group of {name}")
        os.unlink(self._path(name))
        proc = self._popens.pop(pid, None)
        return proc.wait() if proc is not None else None

    def stop_all(self):
        """Stops every recorded process, the last started first."""
        recs = sorted(((rec[1], name) for name in self.names()
                       for rec in [self._read(name)] if rec), reverse=True)
        errors = []
        for _, name in recs:
            try:
                self.stop(name)
            except Exception as exc:  # noqa: BLE001 - stop the others anyway
                errors.append(f"{name}: {exc}")
        if errors:
            raise StackError("; ".join(errors))
