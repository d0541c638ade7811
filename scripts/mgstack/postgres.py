"""PostgreSQL 15 in a private cluster: initdb as `postgres`, unix socket (and,
for the cluster, TCP on one address), trust authentication; or a streaming
standby cloned from a primary with pg_basebackup -R. Not thread-safe.
"""
import os
import pwd
import shutil
import signal
import subprocess

from .processes import Abort, StackError, child_env, tail, wait_until

PG_BIN = "/usr/lib/postgresql/15/bin"
PORT = 5432  # names the socket file inside the private socket dir (and the TCP port)


def as_postgres(argv):
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + argv


class Postgres:
    """listen: the TCP address to listen on besides the socket ("": none), with
    `trust` for `hba_network` (e.g. "10.213.0.0/24"), replication included.
    primary: the conninfo of a primary to clone on first start (a standby)."""

    def __init__(self, procs, data_dir, sock_dir, log_path, database="mediagate",
                 name="postgres", listen="", tcp_port=PORT, hba_network=None, primary=None):
        self.procs, self.data, self.sock, self.log_path = procs, data_dir, sock_dir, log_path
        self.database, self.name, self.listen = database, name, listen
        self.hba_network, self.primary = hba_network, primary
        self.port = tcp_port if listen else PORT   # also names the socket file
        self.env = child_env(HOME=os.path.dirname(data_dir), PGHOST=sock_dir,
                             PGPORT=str(self.port))

    @property
    def dsn(self):
        """libpq conninfo of the database, as user postgres."""
        return f"host={self.sock} port={self.port} dbname={self.database} user=postgres"

    def start(self, timeout=60):
        """initdb on first use, then postgres; creates the database if it is missing.
        A no-op while it runs."""
        if self.procs.running(self.name):
            return
        pw = pwd.getpwnam("postgres")
        os.makedirs(self.sock, exist_ok=True)
        os.chown(self.sock, pw.pw_uid, pw.pw_gid)
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            self._create_data_dir(pw)
        proc = self.procs.spawn(self.name, as_postgres([
            os.path.join(PG_BIN, "postgres"), "-D", self.data, "-k", self.sock,
            "-p", str(self.port),
            "-c", f"listen_addresses={self.listen}", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "shared_buffers=16MB",
            "-c", "max_connections=50", "-c", "log_min_messages=warning"]),
            self.log_path, stop_signal=signal.SIGINT, env=self.env, cwd="/")  # SIGINT: fast

        def ready():
            if proc.poll() is not None:
                raise Abort(f"postgres exited ({proc.returncode}):\n{tail(self.log_path)}")
            return subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-q", "-U", "postgres"],
                                  env=self.env, timeout=10).returncode == 0
        wait_until(ready, timeout, "PostgreSQL to accept connections")
        if self.database and self.psql(f"SELECT 1 FROM pg_database WHERE datname = "
                                       f"'{self.database}'", database="postgres") != "1":
            self.psql(f'CREATE DATABASE "{self.database}"', database="postgres")

    def _create_data_dir(self, pw):
        """initdb (plus the hba_network lines), or pg_basebackup -R of the primary."""
        shutil.rmtree(self.data, ignore_errors=True)
        os.makedirs(self.data, mode=0o700)
        os.chown(self.data, pw.pw_uid, pw.pw_gid)
        if self.primary:
            argv = [os.path.join(PG_BIN, "pg_basebackup"), "-d", self.primary, "-D", self.data,
                    "-R", "-X", "stream", "-c", "fast", "--no-sync"]
        else:
            argv = [os.path.join(PG_BIN, "initdb"), "-D", self.data, "--auth=trust", "-U",
                    "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        r = subprocess.run(as_postgres(argv), env=self.env, cwd="/", capture_output=True,
                           text=True, timeout=180)
        if r.returncode != 0:
            raise StackError(f"{os.path.basename(argv[0])} failed: {r.stderr}{r.stdout}")
        if self.hba_network and not self.primary:
            with open(os.path.join(self.data, "pg_hba.conf"), "a") as fh:
                fh.write(f"host all all {self.hba_network} trust\n"
                         f"host replication all {self.hba_network} trust\n")

    def running(self):
        return self.procs.running(self.name)

    def stop(self):
        """Fast shutdown; returns when it is gone."""
        return self.procs.stop(self.name, timeout=20)

    def psql(self, sql, database=None, check=True):
        """Runs SQL with ON_ERROR_STOP; returns stdout (unaligned, tuples only)."""
        db = database or self.database or "postgres"
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v",
                            "ON_ERROR_STOP=1", "-U", "postgres", "-d", db, "-f", "-"],
                           input=sql, capture_output=True, text=True, env=self.env, timeout=60)
        if check and r.returncode != 0:
            raise StackError(f"psql failed: {r.stderr.strip()}\nSQL: {sql}")
        return r.stdout.strip()
