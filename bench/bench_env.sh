# Shared by bench/responder_bench and bench/responder_profile (sourced, not
# run). Expects ROOT, MG (mediagate binary), LOAD (fcgi_load binary), USERS
# and FILES to be set, and `set -euo pipefail`.
#
# Sourcing creates the temp dir $T and an EXIT trap that stops everything
# started here by its recorded PID (mediagate, Redis, PostgreSQL) and removes
# $T, printing the tails of the logs when the script fails. setup_backends
# then starts a private PostgreSQL 15 and Redis (unix sockets in $T only),
# writes $CFG (Redis on) and $CFG_NOCACHE (redis.enabled = false), migrates,
# loads $USERS active subscribers and $FILES media files, mints one token per
# user with `mediagate token make`, and writes $T/good.uris (one valid link
# per user, files round-robin) and $T/bad.uris (wrong_shape: 403 bad_request).

PGBIN=/usr/lib/postgresql/15/bin
[ -x "$MG" ] && [ -x "$LOAD" ] || { echo "missing $MG or $LOAD" >&2; exit 2; }

T=$(mktemp -d /tmp/mediagate-bench.XXXXXX)
chmod 755 "$T"  # the postgres user must reach its data and socket dirs
PG_PID="" PG_LAUNCHER="" REDIS_PID="" SERVE_PID=""
EXTRA_PIDS=()        # helpers (load, tracers) to stop on exit
SERVE_WRAPPER=()     # e.g. (valgrind --tool=callgrind ...) to run serve under
SERVE_WAIT_TENTHS=200  # how long start_serve waits for the first answer

alive() {  # PID: running and not a zombie
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

stop_pid() {  # PID SIGNAL [TENTHS]: signal, wait (default 10 s), then SIGKILL
  local pid=$1 sig=$2 tenths=${3:-100}
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for _ in $(seq "$tenths"); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true  # reaps it when it is our child
}

cleanup() {
  local rc=$?
  set +e
  trap - ERR
  for p in "${EXTRA_PIDS[@]}"; do stop_pid "$p" INT 50; done
  [ -n "$SERVE_PID" ] && stop_pid "$SERVE_PID" TERM 600
  [ -n "$REDIS_PID" ] && stop_pid "$REDIS_PID" TERM
  if [ -n "$PG_PID" ]; then
    stop_pid "$PG_PID" INT  # fast shutdown; then reap runuser
    [ -n "$PG_LAUNCHER" ] && wait "$PG_LAUNCHER" 2>/dev/null
  elif [ -n "$PG_LAUNCHER" ]; then
    stop_pid "$PG_LAUNCHER" TERM  # postgres never wrote its pid file
  fi
  if [ "$rc" -ne 0 ]; then
    for f in "$T"/*.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
set -E  # the ERR trap also fires inside functions
trap 'echo "failed (exit $?): $BASH_COMMAND" >&2' ERR

wait_for() {  # DESCRIPTION TENTHS COMMAND...: retry every 0.1 s
  local what=$1 tenths=$2; shift 2
  for _ in $(seq "$tenths"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "timed out waiting for $what" >&2
  return 1
}

write_config() {  # FILE REDIS_ENABLED [EXTRA [server] LINES]
  cat >"$1" <<TOML
[token]
secret_file = "$T/token-secret"
hash_value = "{id}{uuid}{link_generation}"
[storage]
backend = "s3"
endpoint = "http://127.0.0.1:9"
addressing = "path"
bucket = "media"
access_key_id = "BENCH"
secret_access_key_file = "$T/s3-secret"
[database]
url = "host=$T/pgsock port=5432 dbname=postgres user=postgres"
[redis]
enabled = $2
address = "unix:$T/redis.sock"
key_prefix = "bench"
[server]
workers = 1
${3:-}
[log]
level = "warn"
TOML
}

setup_backends() {
  echo "setup: PostgreSQL, Redis, schema, $USERS users, $FILES files" >&2
  mkdir -p "$T/pg" "$T/pgsock"
  chown postgres:postgres "$T/pg" "$T/pgsock"
  runuser -u postgres -- "$PGBIN/initdb" -D "$T/pg" -U postgres --auth=trust \
    --locale=C -E UTF8 --no-sync >"$T/initdb.log" 2>&1
  runuser -u postgres -- "$PGBIN/postgres" -D "$T/pg" -k "$T/pgsock" -p 5432 \
    -c listen_addresses='' >"$T/postgres.log" 2>&1 &
  PG_LAUNCHER=$!
  wait_for "postmaster.pid" 200 test -s "$T/pg/postmaster.pid"
  PG_PID=$(head -1 "$T/pg/postmaster.pid")
  wait_for "PostgreSQL" 200 "$PGBIN/pg_isready" -h "$T/pgsock" -p 5432
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$T/pgsock" -p 5432 -U postgres -d postgres)

  redis-server --port 0 --unixsocket "$T/redis.sock" --unixsocketperm 700 --save '' \
    --appendonly no --logfile "$T/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!
  REDIS=(redis-cli -s "$T/redis.sock")
  wait_for "Redis" 200 "${REDIS[@]}" ping

  printf 'bench-django-secret-key-0123456789abcdefghijklmnop\n' >"$T/token-secret"
  printf 'bench-s3-secret\n' >"$T/s3-secret"
  chmod 600 "$T/token-secret" "$T/s3-secret"
  CFG=$T/cache.toml
  CFG_NOCACHE=$T/nocache.toml
  write_config "$CFG" true
  write_config "$CFG_NOCACHE" false
  "$MG" check-config --config "$CFG" >/dev/null
  "$MG" migrate --config "$CFG" >"$T/migrate.log"

  "${PSQL[@]}" <<SQL
INSERT INTO mediagate_users (email)
  SELECT 'listener' || g || '@example.com' FROM generate_series(1, $USERS) g;
INSERT INTO mediagate_subscriptions (user_id, status, current_period_end)
  SELECT id, 'active', now() + interval '30 days' FROM mediagate_users;
INSERT INTO mediagate_media (id, object_key, version)
  SELECT 'ep' || g, 'shows/bench/episode-' || g || '.mp3', 'v1'
  FROM generate_series(1, $FILES) g;
ANALYZE;
SQL
  "${PSQL[@]}" -At -F ' ' -c \
    "SELECT id, uuid, email FROM mediagate_users ORDER BY id" >"$T/users.txt"

  echo "setup: minting $USERS tokens" >&2
  local id uuid email token
  while read -r id uuid email; do
    token=$("$MG" token make --config "$CFG" --field "id=$id" --field "uuid=$uuid" \
              --field link_generation=1)
    echo "$email $token"
  done <"$T/users.txt" >"$T/tokens.txt"
  python3 - "$T/tokens.txt" "$T/good.uris" "$T/bad.uris" "$FILES" <<'PY'
import base64, sys
tokens, good, bad, files = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(tokens) as f, open(good, "w") as out:
    for i, line in enumerate(f):
        email, token = line.split()
        b64 = base64.urlsafe_b64encode(email.encode()).decode().rstrip("=")
        out.write(f"/premium_media/{b64}/ep{i % files + 1}/{token}/ep.mp3\n")
with open(bad, "w") as out:  # all wrong_shape: decided before any lookup
    out.write("/premium_media/x\n/premium_media/x/y\n/premium_media/a/b/c/d/e/f\n")
PY
}

start_serve() {  # CONFIG WORKERS: in the background; returns once it answers
  "${SERVE_WRAPPER[@]}" "$MG" serve --config "$1" --listen "unix:$T/mg.sock" \
    --workers "$2" >>"$T/serve.log" 2>&1 &
  SERVE_PID=$!
  # fcgi_load exits 1 until a request gets the expected 403.
  wait_for "mediagate serve" "$SERVE_WAIT_TENTHS" "$LOAD" --socket "unix:$T/mg.sock" \
    --requests 1 --uri /premium_media/x --expect-status 403
}

stop_serve() {  # SIGTERM to the master (it drains its workers), then reap
  stop_pid "$SERVE_PID" TERM 600
  SERVE_PID=""
}
