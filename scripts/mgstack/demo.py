"""scripts/demo's Python half: demo data, the start report, status and stop."""
import hashlib
import os
import random
import sys
import time

from .clients import http
from .processes import Processes, StackError, log
from .schema import DAY
from .stack import REPO, Stack, others_can_traverse, settings, stop_state


def demo_bytes(size, seed):
    """Deterministic pseudo-random bytes (the same on every run)."""
    return random.Random(seed).randbytes(size)


EPISODE_SIZE = 3 * 1024 * 1024
DEMO_FILES = (
    # file id, object key, title, mime type, bytes
    ("episode-1", "shows/demo/episode-1.mp3", "Episode 1: Hello, subscribers",
     "audio/mpeg", lambda: demo_bytes(EPISODE_SIZE, "mediagate demo episode 1")),
    ("episode-2", "shows/demo/episode-2.mp3", "Episode 2: Small and fast",
     "audio/mpeg", lambda: demo_bytes(256 * 1024, "mediagate demo episode 2")),
    ("show-notes", "shows/demo/show-notes.txt", "Show notes", "text/plain",
     lambda: b"Show notes for the mediagate demo.\n"
             b"Episode 1 is 3 MiB of deterministic pseudo-random bytes, fetched and\n"
             b"cached by nginx in 1 MiB slices; episode 2 is 256 KiB.\n"),
)
DEMO_USERS = (
    # email, status, current_period_end in days from now
    ("alice@example.com", "active", 30),
    ("bob@example.com", "canceled", -30),     # paid period + 3 days grace are over
    ("carol@example.com", "past_due", -1),    # inside paid period + 3 days grace
)


def default_state():
    """REPO/.state/demo, or /var/tmp/mediagate-demo-<hash> when the servers'
    users could not reach the repository (e.g. a clone under /root)."""
    wanted = os.path.join(REPO, ".state", "demo")
    if others_can_traverse(os.path.dirname(wanted)):
        return wanted
    return f"/var/tmp/mediagate-demo-{hashlib.sha256(REPO.encode()).hexdigest()[:8]}"


DEMO_SHOW = "demo"
DEMO_EPISODES = (
    # guid, file id, premium, public from (seconds from now; None: premium for good),
    # published (seconds from now)
    ("demo-episode-1", "episode-1", True, None, -2 * DAY),
    ("demo-episode-2", "episode-2", True, -DAY, -9 * DAY),  # early access is over
)


def seed_demo(stack):
    """Idempotent demo data: three subscribers, three files, the show "demo"
    with two episodes (episode 1 premium, episode 2 public after a week of
    early access). Returns {"users": {email: User}, "files": {id: (key, title,
    mime, bytes)}, "show": slug}."""
    users = {e: stack.db.add_user(e, s, d * DAY) for e, s, d in DEMO_USERS}
    files = {}
    for file_id, key, title, mime, make in DEMO_FILES:
        files[file_id] = (key, title, mime, make())
        stack.add_media(file_id, key, files[file_id][3], title, mime)  # same bytes: harmless
    stack.db.add_show(DEMO_SHOW, "mediagate demo podcast",
                      "Premium episodes for subscribers; episode 2 is public now.")
    for guid, file_id, premium, public_in, published_in in DEMO_EPISODES:
        stack.db.add_episode(DEMO_SHOW, guid, files[file_id][1], file_id, premium, public_in,
                             published_in, f"<p>{files[file_id][1]}</p>")
    # Records cached before this run (e.g. Alice revoked by hand) go at once.
    for address in users:
        stack.mediagate.invalidate(user=address)
    for file_id in files:
        stack.mediagate.invalidate(file=file_id)
    if stack.config.get("notify", {}).get("enabled", True):
        stack.mediagate.cli("invalidate", "--config", stack.config_path, "--show", DEMO_SHOW)
    return {"users": users, "files": files, "show": DEMO_SHOW}


def start(state, binary, backend, port):
    stack = Stack(state, binary, backend=backend, http_port=port)
    t0 = time.monotonic()
    try:
        stack.start()
        data = seed_demo(stack)
    except BaseException:
        log(f"start failed; logs are in {stack.logs}. Stopping what was started.")
        stack.stop()
        raise
    alice, bob, carol = (data["users"][e] for e, _, _ in DEMO_USERS)
    u = {
        "alice": stack.url(stack.premium_path(alice, "episode-1", "episode-1.mp3")),
        "bob": stack.url(stack.premium_path(bob, "episode-1", "episode-1.mp3")),
        "carol": stack.url(stack.premium_path(carol, "episode-1", "episode-1.mp3")),
        "notes": stack.url(stack.premium_path(alice, "show-notes", "show-notes.txt")),
        "missing": stack.url(stack.premium_path(alice, "no-such-file", "nothing.mp3")),
        "feed": stack.url(stack.feed_path(DEMO_SHOW, alice)),
        "bob_feed": stack.url(stack.feed_path(DEMO_SHOW, bob)),
        "public_feed": stack.url(stack.feed_path(DEMO_SHOW)),
        "metrics": stack.url("/mediagate/metrics"),
    }

    def check(url, expect, headers=None, has=(), lacks=()):
        try:
            r = http(stack.http_port, url.split(str(stack.http_port), 1)[1], headers=headers)
        except OSError as exc:
            return f"FAILED ({exc})"
        if r.status != expect:
            return f"UNEXPECTED {r.status}"
        missing = [w for w in has if w.encode() not in r.body]
        present = [w for w in lacks if w.encode() in r.body]
        if missing or present:
            return f"UNEXPECTED body (missing {missing}, present {present})"
        return "ok"
    storage = (f"OpenStack Swift + s3api on http://{stack.storage_origin} (verifies SigV4)"
               if backend == "s3" else
               f"local media dir {stack.media_dir} served on http://{stack.storage_origin}")
    checks = [
        ("Alice (active) downloads episode 1 (3 MiB) -> 200",
         f"curl -o episode-1.mp3 '{u['alice']}'", check(u["alice"], 200)),
        ("Bob (canceled, paid period ended 30 days ago) -> 403",
         f"curl -i '{u['bob']}'", check(u["bob"], 403)),
        ("Carol (past_due, period ended yesterday, 3 days grace) -> 200",
         f"curl -sS -o /dev/null -w '%{{http_code}}\\n' '{u['carol']}'", check(u["carol"], 200)),
        ("A Range request, the first 100 bytes -> 206",
         f"curl -sS -r 0-99 -o /dev/null -w '%{{http_code}} %{{size_download}} bytes\\n' "
         f"'{u['alice']}'", check(u["alice"], 206, headers={"Range": "bytes=0-99"})),
        ("Show notes (a small text file) -> 200", f"curl '{u['notes']}'", check(u["notes"], 200)),
        ("An unknown file -> 404", f"curl -i '{u['missing']}'", check(u["missing"], 404)),
        ("Alice's private podcast feed, served by mediagate: its enclosures are her premium "
         "links (paste it into a podcast app on this machine)", f"curl '{u['feed']}'",
         check(u["feed"], 200, has=("/premium_media/", "Episode 1", "Episode 2"))),
        ("Bob's feed (lapsed): the public episode 2 and a renewal notice, no premium link",
         f"curl '{u['bob_feed']}'",
         check(u["bob_feed"], 200, has=("Your subscription has ended", "/public_media/"),
               lacks=("/premium_media/", "Episode 1"))),
        ("The public feed: episode 2, public after its early access",
         f"curl --compressed '{u['public_feed']}'",
         check(u["public_feed"], 200, has=("Episode 2", "/public_media/episode-2/"),
               lacks=("premium_media",))),
        ("Metrics, Prometheus text (loopback only)", f"curl '{u['metrics']}'",
         check(u["metrics"], 200)),
    ]
    # Audience: nginx's download log (buffered, flushed every second), counted.
    time.sleep(1.2)
    report = os.path.join(stack.state, "report.html")
    try:
        stack.mediagate.cli("ingest", "--config", stack.config_path, "--once")
        stack.mediagate.cli("report", "--config", stack.config_path, "--out", report)
        counted = "ok"
    except StackError as exc:
        counted = f"FAILED ({str(exc).splitlines()[0]})"
    checks.append(("Downloads counted by the IAB rules from nginx's download log (the "
                   "requests above), and the report page", f"{stack.binary} stats --config "
                   f"{stack.config_path}\n  (report: file://{report})", counted))
    out = [f"\nmediagate demo is running ({time.monotonic() - t0:.1f} s)",
           f"  nginx:     http://127.0.0.1:{stack.http_port}/",
           f"  storage:   {storage}",
           f"  state:     {stack.state} (logs in {stack.logs})", ""]
    for title, cmd, result in checks:
        out += [f"# {title}   [{result}]", f"  {cmd}", ""]
    scripts = os.path.join(REPO, "scripts")
    out += ["# Revoke Alice's access: cancel her subscription. The built-in schema's triggers",
            "# tell every worker at COMMIT: her next request is denied within a second.",
            f"  PYTHONPATH={scripts} {sys.executable} -m mgstack demo psql {state} "
            "\"UPDATE mediagate_subscriptions SET status='canceled', current_period_end="
            f"now() - interval '30 days' WHERE user_id={alice.id}\"",
            "  Run scripts/demo again to restore the demo data.", "",
            "# Follow the download log continuously (as the mediagate-ingest service does)",
            f"  {stack.binary} ingest --config {stack.config_path}", "",
            "# Alice's feed URLs and one premium link, for a welcome email",
            f"  {stack.binary} links --config {stack.config_path} --user alice@example.com",
            f"  {stack.binary} links --config {stack.config_path} --user alice@example.com "
            "--file episode-1", "",
            "# Status and stop", "  scripts/demo status", "  scripts/demo stop", ""]
    print("\n".join(out))
    bad = [t for t, _, r in checks if r != "ok"]
    if bad:
        log("some demo requests did not answer as expected: " + "; ".join(bad))
    return 1 if bad else 0


def status(state):
    procs, conf = Processes(state), settings(state)
    print(f"state: {state}")
    if conf:
        print(f"backend: {conf.get('backend')}, nginx on 127.0.0.1:{conf.get('http_port')}")
    running = 0
    for name in ("postgres", "redis", "mediagate", "nginx"):
        pid = procs.pid(name)
        running += bool(pid)
        print(f"  {name:10} {'running, pid ' + str(pid) if pid else 'stopped'}")
    if conf.get("backend") == "s3":
        s3 = os.path.exists(os.path.join(state, "s3", "pids"))
        running += s3
        print(f"  {'s3 (swift)':10} {'running' if s3 else 'stopped'}")
    return 0 if running else 3


def stop(state):
    stop_state(state)
    print(f"mediagate demo stopped ({state})")
    return 0


def psql(state, sql):
    print(Stack(state, None, backend=settings(state).get("backend", "s3")).psql(sql))
    return 0
