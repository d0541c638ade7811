"""python3 -m mgstack (with scripts/ on sys.path):
  guard STATE [--remove]                          stop STATE's servers (a stack's or a
                                                  cluster's) when stdin closes
  demo default-state | start STATE BINARY s3|local PORT | stop|status STATE | psql STATE SQL
  cluster start STATE BINARY | stop STATE         scripts/cluster-demo
"""
import os
import shutil
import signal
import sys

from . import cluster_demo, demo
from .processes import StackError, log
from .cluster import cluster_info, stop_cluster
from .stack import stop_state


def guard(state, remove):
    """Blocks until stdin closes (the owner exited, however), then stops the stack."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    if os.path.isdir(state):
        (stop_cluster if cluster_info(state) else stop_state)(state)
        if remove:
            shutil.rmtree(state, ignore_errors=True)


def main(argv):
    if argv[:1] == ["guard"] and len(argv) in (2, 3) and argv[2:] in ([], ["--remove"]):
        return guard(argv[1], argv[2:] == ["--remove"]) or 0
    if argv == ["demo", "default-state"]:
        return print(demo.default_state()) or 0
    if argv[:2] == ["demo", "start"] and len(argv) == 6:
        return demo.start(os.path.abspath(argv[2]), argv[3], argv[4], int(argv[5]))
    if argv[:1] == ["demo"] and len(argv) == 3 and argv[1] in ("stop", "status"):
        return getattr(demo, argv[1])(os.path.abspath(argv[2]))
    if argv[:2] == ["demo", "psql"] and len(argv) == 4:
        return demo.psql(os.path.abspath(argv[2]), argv[3])
    if argv[:2] == ["cluster", "start"] and len(argv) == 4:
        return cluster_demo.start(os.path.abspath(argv[2]), os.path.abspath(argv[3]))
    if argv[:2] == ["cluster", "stop"] and len(argv) == 3:
        return cluster_demo.stop(os.path.abspath(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


try:
    sys.exit(main(sys.argv[1:]))
except StackError as exc:
    log(f"error: {exc}")
    sys.exit(1)
