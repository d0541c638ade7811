"""Network namespaces for the cluster (scripts/mgstack/cluster.py): created with
`ip netns add`, entered with setns(2) through ctypes.

`inside(name)` moves the CALLING THREAD into a namespace for a `with` block and
back afterwards. Whatever the block starts (Processes.spawn, subprocess.run)
inherits that namespace, and a socket keeps the namespace it was made in, so
servers started, listening sockets bound and requests sent in the block all
live there, while the other threads (e.g. a StorageStandIn's) stay where they
are. PIDs are the servers' own (no `ip netns exec` in between).
Not thread-safe for one thread; other threads are unaffected.
"""
import contextlib
import ctypes
import errno
import os
import subprocess

from .processes import StackError, child_env

CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"
_libc = ctypes.CDLL(None, use_errno=True)


class Unavailable(Exception):
    """The kernel or container forbids network namespaces (tests skip)."""


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise StackError(f"setns: {os.strerror(err)}")


def unavailable_reason():
    """Why this kernel or container forbids network namespaces (unshare fails
    with EPERM, ENOSYS or EINVAL in a child), or None when they work."""
    pid = os.fork()
    if pid == 0:
        code = 0 if _libc.unshare(CLONE_NEWNET) == 0 else ctypes.get_errno()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code in (errno.EPERM, errno.ENOSYS, errno.EINVAL):
        return f"network namespaces are not allowed here: unshare(CLONE_NEWNET): " \
               f"{os.strerror(code)}"
    if code != 0:
        raise StackError(f"unshare(CLONE_NEWNET) in a child failed: {code}")
    return None


def ip(*args, check=True):
    """Runs `ip ARGS` (iproute2); raises StackError with its stderr on failure."""
    r = subprocess.run(["/usr/sbin/ip", *args], capture_output=True, text=True,
                       env=child_env(), timeout=30)
    if check and r.returncode != 0:
        raise StackError(f"ip {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def exists(name):
    return os.path.exists(os.path.join(NETNS_DIR, name))


def create(name):
    """A new namespace with its loopback up. REQUIRES: it does not exist."""
    ip("netns", "add", name)
    ip("-n", name, "link", "set", "lo", "up")


def delete(name):
    """Removes the namespace's name (a no-op when it is gone). Its interfaces
    go once no process runs in it."""
    if exists(name):
        ip("netns", "delete", name)


@contextlib.contextmanager
def inside(name):
    """The calling thread in namespace `name` for the block."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        target = os.open(os.path.join(NETNS_DIR, name), os.O_RDONLY)
        try:
            _setns(target)
        finally:
            os.close(target)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(home)
