#!/usr/bin/python3
"""The Debian package, installed for real: build, install, serve, upgrade, purge.

Run as root on a Debian 12 machine that may be changed (it installs and
purges the `mediagate` package system-wide):

    tests/package/install_test.py [--keep]

1. Takes the two packages of tests/package/build_debs.sh (this tree, and
   the same as version 0.1.1) from MEDIAGATE_TEST_DEBS, where ctest's fixture
   package_debs built them, or builds them (scripts/build-deb) when that is
   unset; installs the first with `apt-get install ./first.deb`, as a user
   would install ./mediagate_*.deb.
2. Checks the installed files, their owners and modes, the system user, the
   man page, and `systemd-analyze verify` of the unit.
3. Starts the service exactly as systemd would (there is no systemd here): the
   unit's ExecStart with its Environment/EnvironmentFile expanded, run through
   setpriv as its User/Group/SupplementaryGroups with its UMask,
   NoNewPrivileges and empty CapabilityBoundingSet, in the RuntimeDirectory it
   declares, with NOTIFY_SOCKET set. It runs against a private PostgreSQL
   (schema from `mediagate migrate`, run as the service user), a private Redis
   and a private nginx (as root, workers as www-data) that includes the
   installed snippets. One allowed request must return the file's bytes, a
   flipped token must get 403, the health check 200; SIGHUP must reload.
4. Edits /etc/mediagate/mediagate.toml, installs the upgrade (0.1.1), and
   checks that the edit and the secrets survived and that it still serves.
5. Purges the package and checks that nothing it installed or created is left.

Every process it starts is recorded by PID and stopped on exit, also after a
failure or a signal. Prints PASS/FAIL lines; exits 1 if any check failed.
"""

import argparse
import array
import grp
import hashlib
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mgstack as mg  # noqa: E402

BUILD_DEBS = os.path.join(REPO, "tests", "package", "build_debs.sh")
UNIT = "/lib/systemd/system/mediagate.service"
CONF = "/etc/mediagate/mediagate.toml"
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"

failures = []
checks = 0
started = time.monotonic()


# -- Reporting ---------------------------------------------------------------

class Fatal(Exception):
    """A step failed and nothing after it can run."""


def log(msg):
    print(f"[{time.monotonic() - started:6.1f}s] {msg}", flush=True)


def check(ok, what, detail=""):
    global checks
    checks += 1
    if ok:
        print(f"PASS: {what}", flush=True)
    else:
        failures.append(what)
        print(f"FAIL: {what}" + (f": {detail}" if detail else ""), flush=True)
    return ok


def require(ok, what, detail=""):
    if not check(ok, what, detail):
        raise Fatal(what)


# -- Processes: scripts/mgstack ----------------------------------------------

PROCS = None  # mg.Processes of the work directory (main)


def run(argv, *, check_rc=True, timeout=600, what=None, **kwargs):
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout, **kwargs)
    if check_rc and r.returncode != 0:
        raise Fatal(f"{what or ' '.join(argv)} exited {r.returncode}:\n"
                    f"{r.stdout[-3000:]}{r.stderr[-3000:]}")
    return r


# -- Package management ----------------------------------------------------

def apt_env():
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    env.pop("DEBCONF_FRONTEND", None)
    return env


def package_status():
    r = run(["dpkg-query", "-W", "-f=${Status} ${Version}", "mediagate"], check_rc=False)
    return r.stdout.strip() if r.returncode == 0 else ""


def package_debs(tmp):
    """(first, upgrade): the two .deb files of tests/package/build_debs.sh, from
    MEDIAGATE_TEST_DEBS (ctest's fixture package_debs built them) or built now."""
    where = os.environ.get("MEDIAGATE_TEST_DEBS")
    if not where:
        where = os.path.join(tmp, "debs")
        t0 = time.monotonic()
        r = run([BUILD_DEBS, where], check_rc=False, timeout=2400)
        sys.stdout.write(r.stdout)
        require(r.returncode == 0, f"tests/package/build_debs.sh in {time.monotonic() - t0:.0f} s",
                (r.stdout + r.stderr)[-4000:])
    debs = [os.path.join(where, kind + ".deb") for kind in ("first", "upgrade")]
    for deb in debs:
        require(os.path.isfile(deb), f"{deb} exists")
    return debs


def deb_version(deb):
    return run(["dpkg-deb", "-f", deb, "Version"]).stdout.strip()


def apt_install(deb):
    # As the README says: apt-get install ./mediagate_*.deb (Recommends included).
    r = run(["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600",
             "./" + os.path.basename(deb)], cwd=os.path.dirname(deb), env=apt_env(),
            check_rc=False, timeout=900)
    require(r.returncode == 0, f"apt-get install ./{os.path.basename(deb)}",
            (r.stdout + r.stderr)[-4000:])
    return r.stdout + r.stderr


def apt_purge():
    r = run(["apt-get", "purge", "-y", "-o", "DPkg::Lock::Timeout=600", "mediagate"],
            env=apt_env(), check_rc=False, timeout=600)
    return r


# -- Files -------------------------------------------------------------------

def check_owner_mode(path, user, group, mode, kind=stat.S_ISREG):
    try:
        st = os.lstat(path)
        u, g, m = (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
                   stat.S_IMODE(st.st_mode))
    except (OSError, KeyError) as exc:
        return check(False, f"{path} exists", str(exc))
    ok = (u, g, m) == (user, group, mode) and kind(st.st_mode)
    return check(ok, f"{path} is {user}:{group} {mode:04o}", f"found {u}:{g} {m:04o}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# -- The unit, run as systemd would ------------------------------------------

def parse_unit(path):
    """[Service] settings: a dict of name -> list of values (in order)."""
    service = {}
    section = None
    with open(path) as f:
        lines = f.read().replace("\\\n", " ").splitlines()
    for line in lines:
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            service.setdefault(key.strip(), []).append(value.strip())
    return service


def parse_env(text, comments=False):
    """KEY=VALUE words (shell-like quoting) of Environment= or an EnvironmentFile."""
    return dict(w.partition("=")[::2] for w in shlex.split(text, comments=comments) if "=" in w)


def expand_exec(command, env):
    """systemd's ExecStart expansion: ${VAR} stays one word, $VAR splits."""
    words = shlex.split(command)
    while words and words[0][:1] in "-@+!:":  # prefixes; none expected
        words[0] = words[0][1:]
    argv = []
    for word in words:
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if m:
            argv.extend(env.get(m.group(1), "").split())
            continue
        argv.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                           lambda mm: env.get(mm.group(1), ""), word))
    return argv


class Service:
    """mediagate.service, started the way systemd starts it."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.unit = parse_unit(UNIT)
        self.notify_path = os.path.join(tmp, "notify.sock")
        self.notify = None
        self.log_path = os.path.join(tmp, "mediagate.log")

    def one(self, key, default=None):
        values = self.unit.get(key)
        return values[-1] if values else default

    def environment(self):
        env = {}
        for value in self.unit.get("Environment", []):
            env.update(parse_env(value))
        for value in self.unit.get("EnvironmentFile", []):
            path = value.lstrip("-")
            if os.path.exists(path) or not value.startswith("-"):
                with open(path) as f:
                    env.update(parse_env(f.read(), comments=True))
        return env

    def argv(self):
        """ExecStart, expanded, behind the unit's credentials."""
        require("ExecStart" in self.unit, "the unit has an ExecStart")
        return self.credentials(expand_exec(self.one("ExecStart"), self.environment()))

    def credentials(self, argv):
        """argv run with the unit's User, Group, SupplementaryGroups,
        NoNewPrivileges and CapabilityBoundingSet (through setpriv)."""
        user = self.one("User")
        group = self.one("Group", None)
        pw = pwd.getpwnam(user)
        gid = grp.getgrnam(group).gr_gid if group else pw.pw_gid
        groups = set(os.getgrouplist(user, gid))
        for value in self.unit.get("SupplementaryGroups", []):
            groups.update(grp.getgrnam(g).gr_gid for g in value.split())
        prefix = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={gid}",
                  "--groups=" + ",".join(str(g) for g in sorted(groups))]
        if self.one("NoNewPrivileges", "no") in ("yes", "true", "1", "on"):
            prefix.append("--no-new-privs")
        if self.one("CapabilityBoundingSet", None) == "":
            prefix += ["--inh-caps=-all", "--bounding-set=-all"]
        return prefix + ["--"] + argv

    def env(self):
        user = self.one("User")
        pw = pwd.getpwnam(user)
        env = {"PATH": SYSTEMD_PATH, "HOME": pw.pw_dir, "USER": user, "LOGNAME": user,
               "SHELL": pw.pw_shell, "NOTIFY_SOCKET": self.notify_path}
        for d in self.unit.get("RuntimeDirectory", []):
            env["RUNTIME_DIRECTORY"] = ":".join("/run/" + x for x in d.split())
        env.update(self.environment())
        return env

    def make_runtime_directory(self):
        """RuntimeDirectory=: /run/NAME owned by User:Group with the given mode."""
        user = pwd.getpwnam(self.one("User"))
        gid = grp.getgrnam(self.one("Group")).gr_gid if self.one("Group") else user.pw_gid
        mode = int(self.one("RuntimeDirectoryMode", "0755"), 8)
        for name in self.one("RuntimeDirectory", "").split():
            path = "/run/" + name
            if os.path.exists(path):
                shutil.rmtree(path)
            os.mkdir(path)
            os.chown(path, user.pw_uid, gid)
            os.chmod(path, mode)

    def remove_runtime_directory(self):
        for name in self.one("RuntimeDirectory", "").split():
            shutil.rmtree("/run/" + name, ignore_errors=True)

    def open_notify(self):
        if self.notify is None:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            if os.path.exists(self.notify_path):
                os.unlink(self.notify_path)
            s.bind(self.notify_path)
            os.chmod(self.notify_path, 0o777)  # the service user sends to it
            s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
            self.notify = s

    def wait_notify(self, wanted, timeout):
        """Waits for a datagram with the line `wanted`; returns the sender PID."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.notify.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data, ancdata, _, _ = self.notify.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                break
            pid = None
            for level, kind, cdata in ancdata:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = array.array("i", cdata[:12])[0]
            lines = data.decode(errors="replace").split("\n")
            log(f"sd_notify from pid {pid}: {' '.join(lines)}")
            if wanted in lines:
                return pid
            if not PROCS.running("mediagate"):
                break
        raise Fatal(f"no {wanted} from the service within {timeout} s:\n"
                    + mg.tail(self.log_path))

    def start(self):
        require(self.one("Type") == "notify", "the unit is Type=notify")
        self.open_notify()
        self.make_runtime_directory()
        umask = int(self.one("UMask", "0022"), 8)
        argv = self.argv()
        log("ExecStart as systemd runs it: " + " ".join(shlex.quote(a) for a in argv))
        proc = PROCS.spawn("mediagate", argv, self.log_path, env=self.env(), cwd="/",
                           umask=umask)
        log(f"started mediagate (pid {proc.pid})")
        pid = self.wait_notify("READY=1", 30)
        # NotifyAccess=main: only the main PID (spawn-fcgi -n exec'd mediagate)
        # may notify.
        check(pid == proc.pid, "READY=1 comes from the main PID (NotifyAccess=main)",
              f"sender {pid}, main {proc.pid}")
        return proc

    def reload(self):
        os.kill(PROCS.pid("mediagate"), signal.SIGHUP)  # ExecReload=/bin/kill -HUP $MAINPID
        self.wait_notify("RELOADING=1", 15)
        self.wait_notify("READY=1", 15)

    def stop(self):
        proc = PROCS.popen("mediagate")
        if proc is None:
            return
        timeout = float(re.sub(r"s$", "", self.one("TimeoutStopSec", "90")))
        t0 = time.monotonic()
        # KillMode=mixed: SIGTERM to the main process only.
        os.kill(proc.pid, signal.SIGTERM)
        try:
            self.wait_notify("STOPPING=1", timeout)
        except Fatal as exc:
            check(False, "STOPPING=1 on SIGTERM", str(exc))
        try:
            status = proc.wait(max(0.1, timeout - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            status = None
        # What systemd would SIGKILL after the main process exits (KillMode=mixed).
        left = [p for p in mg.group_members(proc.pid) if p != proc.pid]
        PROCS.stop("mediagate", timeout=1)
        check(status == 0 and not left,
              f"SIGTERM stops the service and its workers within TimeoutStopSec "
              f"({time.monotonic() - t0:.1f} s)", f"exit status {status}, left over {left}")
        self.remove_runtime_directory()


# -- Private PostgreSQL, Redis, nginx ----------------------------------------

class Backends:
    """PostgreSQL and Redis for the service user, nginx with the installed snippets."""

    def __init__(self, tmp):
        self.tmp, self.media = tmp, os.path.join(tmp, "media")
        self.postgres = mg.Postgres(PROCS, os.path.join(tmp, "pgdata"), os.path.join(tmp, "pgsock"),
                                    os.path.join(tmp, "postgres.log"), database=None)
        # World-writable socket in a private directory: the service user connects.
        self.redis = mg.Redis(PROCS, os.path.join(tmp, "redis.sock"), os.path.join(tmp, "redis"),
                              os.path.join(tmp, "redis.log"), socket_perm="777")
        self.nginx = mg.Nginx(PROCS, os.path.join(tmp, "nginx"), tmp, mg.free_port(), workers=1)
        self.local_port = mg.free_port()
        self.nginx.ports.append(self.local_port)

    def start_databases(self):
        self.postgres.start()
        self.postgres.psql("CREATE ROLE mediagate LOGIN; CREATE DATABASE mediagate OWNER mediagate")
        self.postgres.database = "mediagate"
        self.redis.start()

    def start_nginx(self):
        # The installed loopback server for backend "local", with this test's
        # media root and port.
        with open("/etc/nginx/snippets/mediagate-local.conf") as f:
            local = f.read()
        local2 = local.replace("root /srv/mediagate/media;", f"root {self.media};")
        local2 = local2.replace("listen 127.0.0.1:8089;", f"listen 127.0.0.1:{self.local_port};")
        require(local2.count(self.media) == 1 and str(self.local_port) in local2,
                "mediagate-local.conf has the expected root and listen lines")
        self.nginx.write_config({"mediagate-local.conf": local2, "nginx.conf": self.nginx.nginx_conf(
            "    include /etc/nginx/snippets/mediagate-http.conf;\n"
            "    include mediagate-local.conf;\n",
            "        include /etc/nginx/snippets/mediagate-locations.conf;\n")})
        what = "nginx -t accepts the installed snippets and nginx starts"
        try:
            self.nginx.start()
            check(True, what)
        except mg.StackError as exc:
            require(False, what, str(exc))

    def get(self, path):
        """(status, body) of a GET through nginx."""
        try:
            r = mg.http(self.nginx.http_port, path, timeout=20)
            return r.status, r.body
        except OSError as exc:
            return repr(exc), b""


# -- The test ----------------------------------------------------------------

def test_config(b):
    return "# Written by tests/package/install_test.py.\n" + mg.to_toml({
        "token": {"secret_file": "/etc/mediagate/secret",
                  "hash_value": "{id}{uuid}{link_generation}"},
        "storage": {"backend": "local", "local_url": f"http://127.0.0.1:{b.local_port}"},
        "database": {"url": f"postgresql:///mediagate?host={b.postgres.sock}&port=5432"
                            "&user=mediagate"},
        "redis": {"address": f"unix:{b.redis.sock}", "key_prefix": "mediagate-pkgtest"},
        "server": {"workers": 1, "drain_seconds": 2}})


def check_installed_files():
    check_owner_mode("/etc/mediagate", "root", "mediagate", 0o750, stat.S_ISDIR)
    check_owner_mode(CONF, "root", "mediagate", 0o640)
    for name in ("secret", "s3-secret"):
        check_owner_mode(f"/etc/mediagate/{name}", "root", "mediagate", 0o640)
    check(os.path.getsize("/etc/mediagate/secret") >= 32,
          "/etc/mediagate/secret holds a generated key")
    check(os.path.getsize("/etc/mediagate/s3-secret") == 0,
          "/etc/mediagate/s3-secret is created empty, for the S3 key")
    for path in ("/etc/default/mediagate", "/etc/nginx/snippets/mediagate-http.conf",
                 "/etc/nginx/snippets/mediagate-locations.conf",
                 "/etc/nginx/snippets/mediagate-storage.conf",
                 "/etc/nginx/snippets/mediagate-local.conf",
                 "/usr/share/mediagate/sql/001_init.sql",
                 "/usr/share/mediagate/grafana/mediagate-dashboard.json",
                 "/usr/share/doc/mediagate/examples/mediagate.toml",
                 "/usr/share/doc/mediagate/examples/django-seed.toml",
                 "/usr/share/man/man8/mediagate.8.gz", UNIT):
        check_owner_mode(path, "root", "root", 0o644)
    check_owner_mode("/usr/bin/mediagate", "root", "root", 0o755)
    check(os.path.isdir("/var/cache/nginx/mediagate"),
          "/var/cache/nginx/mediagate exists (proxy_cache_path of mediagate-http.conf)")
    try:
        pw = pwd.getpwnam("mediagate")
        check(pw.pw_uid < 1000 and pw.pw_shell.endswith("nologin")
              and grp.getgrgid(pw.pw_gid).gr_name == "mediagate",
              "system user mediagate (group mediagate, no login shell)",
              f"{pw}")
    except KeyError:
        check(False, "system user mediagate exists")
    check(os.path.islink("/etc/systemd/system/multi-user.target.wants/mediagate.service"),
          "mediagate.service is enabled")
    r = run(["man", "-w", "mediagate"], check_rc=False)
    check(r.stdout.strip() == "/usr/share/man/man8/mediagate.8.gz", "man -w mediagate",
          r.stdout + r.stderr)
    r = run(["man", "--warnings", "-l", "-Tutf8", "/usr/share/man/man8/mediagate.8.gz"],
            check_rc=False)
    check(r.returncode == 0 and not r.stderr.strip(), "mediagate(8) renders without warnings",
          r.stderr[-1000:])
    r = run(["mediagate", "--version"], check_rc=False)
    check(r.returncode == 0 and r.stdout.startswith("mediagate "), "mediagate --version",
          r.stdout + r.stderr)
    # The shipped config is incomplete on purpose; check-config says what is missing.
    r = run(["setpriv", "--reuid=mediagate", "--regid=www-data", "--groups=mediagate",
             "--", "mediagate", "check-config", "--config", CONF], check_rc=False)
    check(r.returncode == 3 and "access_key_id" in r.stderr,
          "check-config of the shipped config exits 3 naming storage.access_key_id",
          f"exit {r.returncode}: {r.stderr.strip()}")


def check_unit():
    r = run(["systemd-analyze", "verify", UNIT], check_rc=False, cwd="/")
    out = (r.stdout + r.stderr).strip()
    check(r.returncode == 0 and not out, "systemd-analyze verify mediagate.service is clean",
          f"exit {r.returncode}: {out}")
    r = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", UNIT],
            check_rc=False, cwd="/")
    m = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\S+)", r.stdout + r.stderr)
    if m:
        log(f"systemd-analyze security: exposure {m.group(1)} {m.group(2)}")
        check(float(m.group(1)) <= 3.0, "systemd-analyze security exposure <= 3.0",
              m.group(0))


def seed_data(b):
    os.makedirs(os.path.join(b.media, "shows"))
    os.chmod(b.media, 0o755)
    os.chmod(os.path.join(b.media, "shows"), 0o755)
    payload = secrets.token_bytes(300 * 1024)
    media_file = os.path.join(b.media, "shows", "episode 1.mp3")
    with open(media_file, "wb") as f:
        f.write(payload)
    os.chmod(media_file, 0o644)
    db = mg.Schema(b.postgres.psql)
    user = db.add_user("listener@example.com", "active", None)
    db.add_media("ep1", "shows/episode 1.mp3")
    token = mg.Mediagate(PROCS, "/usr/bin/mediagate", CONF, None, None).mint(mg.token_fields(user))
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    return payload, *(mg.media_path(user.email, f, t, "episode-1.mp3") for f, t in
                      (("ep1", token), ("ep1", flipped), ("no-such-file", token)))


def check_serving(b, payload, good, bad, missing, label):
    code, body = b.get(good)
    check(code == 200 and body == payload,
          f"{label}: a valid link returns 200 with the file's {len(payload)} bytes",
          f"HTTP {code}, {len(body)} bytes\n{mg.tail(b.nginx.error_log, 15)}")
    code, _ = b.get(bad)
    check(code == 403, f"{label}: a flipped token gets 403", f"HTTP {code}")
    code, _ = b.get(missing)
    check(code == 404, f"{label}: an unknown file id gets 404", f"HTTP {code}")
    code, body = b.get("/mediagate/health")
    check(code == 200, f"{label}: /mediagate/health through nginx is 200",
          f"HTTP {code} {body[:200]!r}")


def check_socket(service):
    sock = "/run/mediagate/mediagate.sock"
    check_owner_mode("/run/mediagate", "mediagate", "www-data", 0o750, stat.S_ISDIR)
    check_owner_mode(sock, "mediagate", "www-data", 0o660, stat.S_ISSOCK)
    pid = PROCS.pid("mediagate")
    exe = os.readlink(f"/proc/{pid}/exe")
    check(exe == "/usr/bin/mediagate", "spawn-fcgi -n exec'd mediagate under the main PID",
          exe)
    with open(f"/proc/{pid}/status") as f:
        status = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    ids = (status["Uid"].split()[0], status["Gid"].split()[0], sorted(status["Groups"].split()),
           status.get("NoNewPrivs"), status["CapBnd"])
    want = (str(pwd.getpwnam("mediagate").pw_uid), str(grp.getgrnam("www-data").gr_gid),
            sorted({str(grp.getgrnam("mediagate").gr_gid),
                    str(grp.getgrnam("www-data").gr_gid)}),
            "1", "0000000000000000")
    check(ids == want, "the service runs as mediagate:www-data + mediagate, no new privs, "
          "no capabilities", f"found {ids}, want {want}")


def snapshot_etc():
    return {p: sha256(p) for p in (CONF, "/etc/mediagate/secret", "/etc/mediagate/s3-secret")}


def check_purged(listing):
    check(package_status() == "", "dpkg knows nothing of mediagate after purge",
          package_status())
    left = []
    for path in listing:
        if not os.path.lexists(path):
            continue
        if os.path.isdir(path):
            # Shared directories (/etc/nginx/snippets, /usr/bin...) stay, and
            # so do merged-/usr symlinks such as /lib.
            if os.path.islink(path) or run(["dpkg-query", "-S", path],
                                           check_rc=False).returncode == 0:
                continue
        left.append(path)
    check(not left, "nothing from the package is left on disk", " ".join(left))
    for path in ("/etc/mediagate", "/var/lib/mediagate", "/var/cache/nginx/mediagate",
                 "/etc/systemd/system/multi-user.target.wants/mediagate.service",
                 "/var/lib/systemd/deb-systemd-helper-enabled/mediagate.service.dsh-also"):
        check(not os.path.lexists(path), f"{path} is gone")
    for db in ("passwd", "group"):
        r = run(["getent", db, "mediagate"], check_rc=False)
        check(r.returncode == 2, f"no {db} entry mediagate left", r.stdout.strip())


def deb_listing(deb):
    paths = []
    for line in run(["dpkg-deb", "-c", deb]).stdout.splitlines():
        name = line.split(None, 5)[5].split(" -> ")[0]
        name = name[1:] if name.startswith(".") else name
        if name not in ("", "/"):
            paths.append(name.rstrip("/"))
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("FAIL: tests/package/install_test.py must run as root", flush=True)
        return 1

    global PROCS
    tmp = tempfile.mkdtemp(prefix="mediagate-pkgtest.")
    os.chmod(tmp, 0o755)  # postgres, the service user and www-data traverse it
    PROCS = mg.Processes(tmp)
    log(f"work directory {tmp}")
    installed_by_us = False
    service = None

    def on_signal(signum, _frame):
        raise Fatal(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        if package_status():
            log(f"NOTE: purging the installed mediagate ({package_status()}) first")
            r = apt_purge()
            require(r.returncode == 0, "purge of a mediagate left installed earlier",
                    r.stderr[-2000:])
        with socket.socket(socket.AF_UNIX) as s:
            if s.connect_ex("/run/mediagate/mediagate.sock") == 0:
                raise Fatal("a mediagate is already serving /run/mediagate/mediagate.sock")

        # 1. Build and install, as the README says.
        deb1, deb2 = package_debs(tmp)
        first, upgrade = deb_version(deb1), deb_version(deb2)
        require(first != upgrade, f"the upgrade package is a new version ({first} -> {upgrade})")
        installed_by_us = True
        apt_install(deb1)
        check(package_status().startswith("install ok installed"), "mediagate is installed",
              package_status())

        # 2. Files, user, unit.
        check_installed_files()
        check_unit()

        # 3. Serve through nginx.
        b = Backends(tmp)
        b.start_databases()
        with open(CONF, "w") as f:  # in place, keeping owner and mode, as an editor would
            f.write(test_config(b))
        check_owner_mode(CONF, "root", "mediagate", 0o640)
        service = Service(tmp)
        r = run(service.credentials(["/usr/bin/mediagate", "migrate", "--config", CONF]),
                check_rc=False, env=service.env(), cwd="/")
        check(r.returncode == 0, "mediagate migrate, as the service user, creates the schema",
              r.stdout + r.stderr)
        payload, good, bad, missing = seed_data(b)
        service.start()
        check_socket(service)
        b.start_nginx()
        check_serving(b, payload, good, bad, missing, first)
        service.reload()
        check(True, "SIGHUP (ExecReload) reloads: RELOADING=1 then READY=1")
        code, body = b.get(good)
        check(code == 200 and body == payload, "after the reload a valid link still works",
              f"HTTP {code}")
        service.stop()

        # 4. Upgrade in place; the operator's edit and the secrets survive.
        with open(CONF, "a") as f:
            f.write(f"# operator's edit {secrets.token_hex(8)}\n")
        before = snapshot_etc()
        apt_install(deb2)
        check(package_status() == f"install ok installed {upgrade}",
              f"mediagate {upgrade} is installed", package_status())
        after = snapshot_etc()
        for path in before:
            check(before[path] == after[path], f"upgrade keeps {path} unchanged")
        check_owner_mode(CONF, "root", "mediagate", 0o640)
        check_owner_mode("/etc/mediagate", "root", "mediagate", 0o750, stat.S_ISDIR)
        # nginx (master as root) made its cache directory www-data's; the
        # upgrade must not take it back.
        check_owner_mode("/var/cache/nginx/mediagate", "www-data", "root", 0o755,
                         stat.S_ISDIR)
        left = [f for f in os.listdir("/etc/mediagate") if ".dpkg-" in f]
        check(not left, "no .dpkg-* leftovers in /etc/mediagate", " ".join(left))
        service.start()
        check_serving(b, payload, good, bad, missing, upgrade)
        service.stop()
        b.nginx.stop()

        # 5. Purge: nothing left.
        listing = sorted(set(deb_listing(deb1) + deb_listing(deb2)), reverse=True)
        r = apt_purge()
        check(r.returncode == 0, "apt-get purge -y mediagate", (r.stdout + r.stderr)[-2000:])
        check("could not remove" not in r.stdout + r.stderr, "purge removed the user cleanly",
              r.stderr[-1000:])
        installed_by_us = False
        check_purged(listing)
    except (Fatal, mg.StackError) as exc:
        if not failures or failures[-1] != str(exc):
            check(False, "the test ran to the end", str(exc))
    except Exception as exc:  # an unexpected error is a failure, not a crash
        import traceback
        traceback.print_exc()
        check(False, "the test ran to the end", repr(exc))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        PROCS.stop_all()
        if service is not None:
            service.remove_runtime_directory()
            if service.notify is not None:
                service.notify.close()
        if installed_by_us and package_status():
            log("cleanup: purging mediagate")
            apt_purge()
        if failures:
            for name in ("mediagate.log", "postgres.log", "redis.log", "nginx-error.log"):
                text = mg.tail(os.path.join(tmp, name), 20)
                if text:
                    print(f"--- {name} (last lines)\n{text}", end="", flush=True)
        if args.keep or failures:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    elapsed = time.monotonic() - started
    if failures:
        print(f"FAIL: package install test: {len(failures)} of {checks} checks failed "
              f"({elapsed:.0f} s): " + "; ".join(failures), flush=True)
        return 1
    print(f"PASS: package install test: {checks} checks ({elapsed:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
