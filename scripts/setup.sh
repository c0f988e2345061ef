#!/bin/bash
# Quick start, step 1: install what memif-native needs (Debian 12, as root),
# build it, and run the demo (memif-perf with no arguments: a master and a
# slave on an abstract socket, throughput at 64 and 1,500 bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS="meson ninja-build pkg-config gcc g++ clang liburing-dev check libpcap-dev man-db
      dpdk dpdk-dev libclang-rt-14-dev tshark valgrind python3 binutils iproute2 gcovr"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# tshark asks whether non-root users may capture; the default is fine.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ -d build ] || meson setup build --buildtype=release -Db_ndebug=true
ninja -C build
if [ "${1:-}" != "--no-demo" ]; then
	exec ./build/bench/memif-perf
fi
