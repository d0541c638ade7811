"""mgstack: the one package that brings up mediagate's stack for the demo
(scripts/demo), every test suite (tests/) and the benches (bench/), as
pgbouncer's test/utils.py does for its tests.

  processes    Processes (servers recorded by PID in STATE/pids), wait_until, free_port
  clients      http, http_raw, fcgi (as nginx's auth_request), redis_client (python3-redis), Metrics
  postgres, redis_server, sentinel, mediagate, nginx, s3store   one class per server
  schema       rows of the built-in schema        stack   the whole stack (demo, e2e)
  storage_standin   StorageStandIn, a storage that misbehaves on purpose (tests/e2e)
  cluster      edges in network namespaces before PostgreSQL primary + standby, Redis
               under Sentinel (cluster_net, sentinel, netns: setns per thread)
  cluster_demo scripts/cluster-demo's data and hints
  demo         scripts/demo's data and report     __main__  python3 -m mgstack ...
  bench        the responder benches' stack       testing   unittest helpers (log checks)
  chromium     headless Chromium: a page's DOM and screenshot (tests/e2e/report_test.py)

Import it with scripts/ on sys.path. Only Debian's Python packages are used.
"""
from .chromium import Chromium  # noqa: F401
from .clients import (FcgiError, Metrics, Response, b64_email, fcgi, header, http,  # noqa: F401
                      http_bytes, http_raw, media_path, s3_quote)
from .mediagate import Mediagate, deep_merge, to_toml  # noqa: F401
from .nginx import Nginx  # noqa: F401
from .postgres import Postgres  # noqa: F401
from .processes import (Abort, Processes, StackError, alive, child_env, children, comm,  # noqa: F401
                        exit_on_signals, free_port, group_members, port_open, read_text, tail,
                        wait_for_lines, wait_until, write_file)
from .redis_server import Redis  # noqa: F401
from .s3store import S3Store  # noqa: F401
from .sentinel import Sentinel, SentinelStandIn  # noqa: F401
from .schema import DAY, Schema, User, sql_literal, token_fields  # noqa: F401
from .storage_standin import STORAGE_HEADERS, StorageStandIn  # noqa: F401


