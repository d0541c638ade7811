#!/bin/bash
# The Debian package under a real systemd: boots systemd as PID 1 of
# throwaway namespaces on a copy-on-write view of this machine, installs the
# .deb there with dpkg, and drives mediagate.service with systemctl. This is
# what install_test.py cannot do without systemd: the unit's sandbox
# (ProtectSystem=, SystemCallFilter=, MemoryDenyWriteExecute=...) really
# applies, Type=notify really gates "active", and the maintainer scripts
# really enable, try-restart and stop the service.
#
#   tests/package/systemd_test.sh [--keep]
#
# Needs root, unshare/nsenter, overlayfs and cgroup2; exits 77 (skipped) when
# the kernel or container does not allow them. Nothing reaches the host:
# every write lands in a tmpfs that vanishes with the mount namespace, the
# network namespace has only loopback, and /sys and /proc/sys are read-only
# inside, so no sysctl, module or clock change escapes.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
keep=no
[ "${1:-}" = --keep ] && keep=yes

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
failed=0
t0=$(date +%s)

[ "$(id -u)" -eq 0 ] || skip "needs root"
for tool in unshare nsenter; do command -v $tool >/dev/null || skip "no $tool"; done
grep -qw overlay /proc/filesystems || skip "no overlayfs"
grep -qw cgroup2 /proc/filesystems || skip "no cgroup2"
[ -x /lib/systemd/systemd ] || skip "systemd is not installed"

# The services the package works with, and its own dependencies, come from
# this machine (the namespace has no network for apt).
missing=
for p in nginx redis-server postgresql curl spawn-fcgi; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing$missing"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=600 $missing >/dev/null
fi

work=$(mktemp -d /var/tmp/mediagate-systemd-test.XXXXXX)
chmod 755 "$work"
upid=
nspid=
cleanup() {
	# Killing the namespace's PID 1 kills everything in it; the tmpfs with
	# all its writes goes with the mount namespace.
	if [ -n "$nspid" ]; then kill -KILL "$nspid" 2>/dev/null || true; fi
	if [ -n "$upid" ]; then wait "$upid" 2>/dev/null || true; fi
	if [ "$keep" = yes ] || [ "$failed" -ne 0 ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Packages ------------------------------------------------------------
# tests/package/build_debs.sh's two: from ctest's fixture package_debs
# (MEDIAGATE_TEST_DEBS), or built now.
debs=${MEDIAGATE_TEST_DEBS:-}
if [ -z "$debs" ]; then
	debs=$work/debs
	if ! bash "$repo/tests/package/build_debs.sh" "$debs"; then
		fail "tests/package/build_debs.sh"
		exit 1
	fi
fi
# Copied under $work: the namespace sees this machine's root file system
# only, with a tmpfs of its own on /tmp (where a checkout may be).
mkdir "$work/install"
cp "$debs/first.deb" "$debs/upgrade.deb" "$work/install/"
deb1=$work/install/first.deb deb2=$work/install/upgrade.deb

# --- Boot ----------------------------------------------------------------
cat >"$work/boot.sh" <<'EOF'
#!/bin/sh
# PID 1 of the new namespaces until it execs systemd.
set -e
base=$1
mount -t tmpfs -o mode=0755 tmpfs "$base"
mkdir "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
r=$base/root
mount --rbind /dev "$r/dev"
mount -t proc proc "$r/proc"
mount --bind "$r/proc/sys" "$r/proc/sys"
mount -o remount,bind,ro "$r/proc/sys"
mount -t sysfs -o ro sysfs "$r/sys"
mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
# Nothing that touches the kernel or hardware, and none of this machine's
# own services, runs inside.
for u in systemd-sysctl systemd-binfmt systemd-modules-load systemd-timesyncd \
	systemd-remount-fs systemd-networkd systemd-resolved systemd-udevd \
	systemd-udev-trigger systemd-hwdb-update systemd-pstore kmod-static-nodes \
	nginx redis-server postgresql cron ssh e2scrub_reap getty@tty1 \
	console-getty serial-getty@ttyS0 apt-daily apt-daily-upgrade man-db; do
	ln -sf /dev/null "$r/etc/systemd/system/$u.service"
done
for t in apt-daily apt-daily-upgrade e2scrub_all fstrim man-db logrotate dpkg-db-backup; do
	ln -sf /dev/null "$r/etc/systemd/system/$t.timer"
done
rm -f "$r/usr/sbin/policy-rc.d"
echo mediagate-systemd-test >"$r/etc/hostname"
cd "$r"
mkdir -p oldroot
pivot_root . oldroot
umount -l /oldroot
exec env -i container=other /lib/systemd/systemd --unit=basic.target
EOF
chmod +x "$work/boot.sh"
mkdir -p "$work/ns"
unshare --mount --pid --net --uts --ipc --cgroup --fork --propagation private \
	"$work/boot.sh" "$work/ns" >"$work/boot.log" 2>&1 &
upid=$!
for _ in $(seq 100); do
	nspid=$(awk '{print $1}' "/proc/$upid/task/$upid/children" 2>/dev/null)
	[ -n "$nspid" ] && break
	sleep 0.1
done
[ -n "$nspid" ] || { cat "$work/boot.log"; skip "could not create the namespaces"; }
inside() { nsenter -t "$nspid" -a "$@"; }
state=
for _ in $(seq 300); do
	state=$(inside systemctl is-system-running 2>/dev/null || true)
	case "$state" in running|degraded) break ;; esac
	if ! kill -0 "$nspid" 2>/dev/null; then
		cat "$work/boot.log"
		skip "systemd did not boot in the namespace"
	fi
	sleep 0.2
done
case "$state" in
	running|degraded) pass "systemd booted in a throwaway namespace ($state)" ;;
	*) cat "$work/boot.log"; skip "systemd did not finish booting ($state)" ;;
esac

# --- The scenario, run inside ---------------------------------------------
cat >"$work/scenario.sh" <<'EOF'
#!/bin/bash
# Runs inside the namespace. Prints PASS:/FAIL: lines.
set -u
deb1=$1 deb2=$2
upgrade_version=$(dpkg-deb -f "$deb2" Version)
conf=/etc/mediagate/mediagate.toml
ok() { if "$@" >/dev/null 2>&1; then echo "PASS: $what"; else echo "FAIL: $what"; fi; }
show() { systemctl show mediagate -p "$1" --value; }
eq() { [ "$1" = "$2" ] || { echo "    got '$1', want '$2'" >&2; return 1; }; }

# A fresh installation, even if this machine has the package installed (the
# purge only touches the namespace's copy).
if dpkg-query -W mediagate >/dev/null 2>&1; then dpkg --purge mediagate >/dev/null 2>&1; fi
what="dpkg -i $(basename "$deb1")"; ok dpkg -i "$deb1"
what="installed enabled, not started"
ok eval '[ "$(systemctl is-enabled mediagate)" = enabled ] && ! systemctl is-active -q mediagate'

# Unconfigured: the start fails with exit status 3 and is not retried.
systemctl start mediagate 2>/dev/null
sleep 3
what="with the shipped config the start fails (status 3, no restart loop)"
ok eval '[ "$(show ActiveState)" = failed ] && [ "$(show ExecMainStatus)" = 3 ] && [ "$(show NRestarts)" = 0 ]'
what="the journal names the missing key"
ok eval 'journalctl -u mediagate --no-pager | grep -q "storage.access_key_id: required"'
systemctl reset-failed mediagate

# Configure as an administrator would: local storage, PostgreSQL with peer
# authentication, Redis on its default address.
rm -f /etc/systemd/system/redis-server.service
systemctl daemon-reload
systemctl start redis-server
pg_createcluster -q 15 mgtest --start >/tmp/pg_createcluster.log 2>&1
runuser -u postgres -- psql -q -p "$(pg_lsclusters -h | awk '$2 == "mgtest" {print $3}')" \
	-c "CREATE ROLE mediagate LOGIN" -c "CREATE DATABASE mediagate OWNER mediagate"
port=$(pg_lsclusters -h | awk '$2 == "mgtest" {print $3}')
sed -i -e 's/^backend = "s3"/backend = "local"/' \
	-e "s|^url = \"postgresql:///mediagate?host=/run/postgresql\"|url = \"postgresql:///mediagate?host=/run/postgresql\&port=$port\"|" $conf
what="check-config accepts the configured file"; ok mediagate check-config --config $conf
what="mediagate migrate as the service user"
ok runuser -u mediagate -- mediagate migrate --config $conf
mkdir -p /srv/mediagate/media/shows
head -c 300000 /dev/urandom >"/srv/mediagate/media/shows/episode 1.mp3"
chmod -R a+rX /srv/mediagate
psql_() { runuser -u postgres -- psql -X -q -A -t -p "$port" -d mediagate -c "$1"; }
read -r id uuid gen < <(psql_ "INSERT INTO mediagate_users (email) VALUES ('l@example.com')
	RETURNING id || ' ' || uuid || ' ' || link_generation")
psql_ "INSERT INTO mediagate_subscriptions (user_id, status) VALUES ($id, 'active')" >/dev/null
psql_ "INSERT INTO mediagate_media (id, object_key) VALUES ('ep1', 'shows/episode 1.mp3')" >/dev/null
token=$(mediagate token make --config $conf --field id="$id" --field uuid="$uuid" \
	--field link_generation="$gen")
email=$(printf 'l@example.com' | base64 -w0 | tr '+/' '-_' | tr -d '=')
good="http://127.0.0.1/premium_media/$email/ep1/$token/episode-1.mp3"
last=${token: -1}; [ "$last" = 0 ] && flip=1 || flip=0
bad="http://127.0.0.1/premium_media/$email/ep1/${token%?}$flip/episode-1.mp3"
printf 'include /etc/nginx/snippets/mediagate-http.conf;\ninclude /etc/nginx/snippets/mediagate-local.conf;\n' \
	>/etc/nginx/conf.d/mediagate.conf
printf 'server {\n listen 80 default_server;\n include /etc/nginx/snippets/mediagate-locations.conf;\n}\n' \
	>/etc/nginx/sites-enabled/default
rm -f /etc/systemd/system/nginx.service
systemctl daemon-reload

what="systemctl enable --now mediagate"; ok systemctl enable --now mediagate
what="systemctl start nginx"; ok systemctl start nginx
what="active with STATUS=serving (Type=notify)"
ok eval '[ "$(show ActiveState)" = active ] && [ "$(show StatusText)" = serving ]'
what="socket mediagate:www-data 0660 in /run/mediagate (mediagate:www-data 0750)"
ok eval 'eq "$(stat -c "%U:%G %a" /run/mediagate/mediagate.sock /run/mediagate | tr "\n" " ")" "mediagate:www-data 660 mediagate:www-data 750 "'
pid=$(show MainPID)
what="sandboxed: seccomp filter, no capabilities, no new privileges"
ok eval 'grep -q "^Seccomp:[[:space:]]*2" /proc/$pid/status && grep -q "^CapBnd:[[:space:]]*0000000000000000" /proc/$pid/status && grep -q "^NoNewPrivs:[[:space:]]*1" /proc/$pid/status'
serves() {
	code=$(curl -s -o /tmp/got -w '%{http_code}' "$good")
	[ "$code" = 200 ] && cmp -s /tmp/got "/srv/mediagate/media/shows/episode 1.mp3" &&
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$bad")" = 403 ] &&
		[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/mediagate/health)" = 200 ]
}
what="through nginx: valid link 200 with the bytes, flipped token 403, health 200"; ok serves

what="systemctl reload keeps the main PID and serving"
ok eval 'systemctl reload mediagate && sleep 1 && [ "$(show MainPID)" = "$pid" ] && [ "$(show StatusText)" = serving ] && serves'

echo "# operator's edit" >>$conf
sum=$(sha256sum $conf /etc/mediagate/secret /etc/mediagate/s3-secret)
what="dpkg -i $(basename "$deb2") (upgrade)"; ok dpkg -i "$deb2"
what="the upgrade restarted the running service (try-restart)"
ok eval '[ "$(show MainPID)" != "$pid" ] && [ "$(show ActiveState)" = active ]'
what="the upgrade kept the edited config and the secrets"
ok eval '[ "$(sha256sum $conf /etc/mediagate/secret /etc/mediagate/s3-secret)" = "$sum" ]'
what="$upgrade_version serves"; ok serves

what="dpkg --purge mediagate"; ok dpkg --purge mediagate
what="purge stopped the service and removed user, config and runtime directory"
ok eval '! systemctl is-active -q mediagate && ! getent passwd mediagate && [ ! -e /etc/mediagate ] && [ ! -e /run/mediagate ]'
echo "END of scenario"
EOF
chmod +x "$work/scenario.sh"
inside "$work/scenario.sh" "$deb1" "$deb2" 2>&1 | tee "$work/scenario.log" || true
failed=$((failed + $(grep -c '^FAIL:' "$work/scenario.log" || true)))
grep -q '^END of scenario' "$work/scenario.log" || fail "the scenario ran to the end"
if [ "$failed" -ne 0 ]; then
	inside journalctl -u mediagate --no-pager 2>/dev/null | tail -20 || true
	echo "FAIL: package under systemd: $failed failed ($(($(date +%s) - t0)) s)"
	exit 1
fi
echo "PASS: package under systemd ($(($(date +%s) - t0)) s)"
