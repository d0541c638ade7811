"""Headless Chromium (Debian's `chromium`) for tests that look at a page:
the DOM after layout (--dump-dom) and a PNG screenshot. Each run is a
recorded server of the state dir (processes.py), so the stack's guard stops it
if the test dies, and its whole process group is killed when it returns. It
runs as root (--no-sandbox), in a throwaway profile, and cannot reach the
network: every host name resolves to nothing, and background services
(updates, sync, metrics) are off.
"""
import os
import shutil
import signal
import tempfile

from .processes import StackError

BINARY = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-sync",
         "--disable-background-networking", "--disable-component-update",
         "--disable-default-apps", "--disable-features=MediaRouter,OptimizationHints",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
         "--hide-scrollbars")


class Chromium:
    def __init__(self, procs, state, log_path):
        self.procs, self.state, self.log_path = procs, state, log_path

    def _run(self, url, extra, stdout_path, timeout):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.state)
        # sh only redirects stdout (the DOM) to a file, then becomes chromium.
        argv = ["/bin/sh", "-c", 'out=$1; shift; exec "$@" >"$out"', "sh", stdout_path,
                BINARY, *FLAGS, f"--user-data-dir={profile}", *extra, url]
        proc = self.procs.spawn("chromium", argv, self.log_path, stop_signal=signal.SIGKILL,
                                env=dict(os.environ, HOME=profile))
        try:
            code = proc.wait(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - TimeoutExpired, KeyboardInterrupt
            raise StackError(f"chromium did not finish {url} in {timeout} s") from exc
        finally:
            self.procs.stop("chromium")   # the leader and every helper of its group
            shutil.rmtree(profile, ignore_errors=True)
        if code != 0:
            raise StackError(f"chromium exited {code} on {url}; see {self.log_path}")

    def dump_dom(self, path, timeout=90):
        """The serialised DOM of the local file `path` after it loaded."""
        out = os.path.join(self.state, "chromium-dom.html")
        self._run("file://" + os.path.abspath(path), ["--dump-dom"], out, timeout)
        with open(out, encoding="utf-8") as fh:
            return fh.read()

    def screenshot(self, path, png, size=(1000, 1600), dark=False, timeout=90):
        """Writes a PNG of the local file `path` at `size`, in the light or
        dark colour scheme (prefers-color-scheme)."""
        scheme = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if dark \
            else ["--blink-settings=preferredColorScheme=1"]
        self._run("file://" + os.path.abspath(path),
                  [f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", *scheme],
                  os.devnull, timeout)
        if not os.path.exists(png):
            raise StackError(f"chromium wrote no screenshot {png}")
