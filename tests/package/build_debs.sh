#!/bin/bash
# The two packages that the package tests install: this tree as it is,
# OUT/first.deb, and the same tree as version 0.1.1 (the upgrade),
# OUT/upgrade.deb, each built by scripts/build-deb (which runs lintian too).
# ctest runs this once, as the fixture of package_install and package_systemd
# (test package_debs, which passes them MEDIAGATE_TEST_DEBS=OUT); each of them
# runs it itself when started alone.
#
#   tests/package/build_debs.sh OUT
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: tests/package/build_debs.sh OUT}
upgrade_version=0.1.1

rm -rf "$out/first" "$out/upgrade" "$out/first.deb" "$out/upgrade.deb"
mkdir -p "$out"
for kind in first upgrade; do
	version=
	if [ "$kind" = upgrade ]; then version=$upgrade_version; fi
	what="scripts/build-deb${version:+ --version $version}"
	start=$(date +%s)
	if ! "$repo/scripts/build-deb" --out "$out/$kind" ${version:+--version "$version"} \
		>"$out/$kind.log" 2>&1; then
		tail -n 40 "$out/$kind.log"
		echo "FAIL: $what"
		exit 1
	fi
	grep '^build-deb:' "$out/$kind.log" | sed 's/^/    /'
	debs=("$out/$kind"/mediagate_*.deb)
	if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
		echo "FAIL: $what left ${#debs[@]} mediagate_*.deb in $out/$kind"
		exit 1
	fi
	echo "PASS: $what: $(basename "${debs[0]}") in $(($(date +%s) - start)) s"
	mv "${debs[0]}" "$out/$kind.deb"
	rm -rf "${out:?}/$kind"
done
