#!/bin/bash
# Install what the rtshm build and VM tests need: the host's Debian packages,
# then the kernels of tests/kernels.list (headers in each release's build
# root, images extracted into the cache; tests/kernels.sh).  Works on a
# Debian 12 or 13 host, as root.  Quick when everything is already there.
#
#   tests/deps.sh            every kernel of the list
#   KERNELS=6.12-rt tests/deps.sh    only those
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 0 ] || { echo "usage: [KERNELS=...] $0" >&2; exit 2; }

# Host tools.  The kernel headers and images are not here: they belong to
# the kernels of the list and come from tests/kernels.sh.
PKGS=(qemu-system-x86 busybox-static cpio kmod libkmod-dev sparse
      linux-source-6.1 pkg-config gcc make dkms man-db debootstrap
      trinity stress-ng rt-tests flex bison bc libelf-dev libssl-dev)
# trinity, stress-ng and rt-tests are not run on the host: make tests and
# make bench-bin copy them into the VMs' bindirs (test-trinity,
# test-large-stress-ng, the latency rows of make bench: cyclictest).
# flex ... libssl-dev: a lane of make check-debug whose kernel is the host's
# release builds its sanitizer kernel on the host (tests/debug/lanes.list).
# linux-source-6.1 is Debian 12's; a Debian 13 host has its checkpatch.pl
# in linux-source-6.12 instead.
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || PKGS=("${PKGS[@]/linux-source-6.1/linux-source-6.12}")

missing=()
for p in "${PKGS[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps.sh: missing packages: ${missing[*]}" >&2
        echo "deps.sh: run as root (e.g. sudo $0) to install them" >&2
        exit 1
    fi
    echo "deps.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Already set up kernels need nothing (and no root, no network).
if "$root/tests/kernels.sh" list >/dev/null 2>&1; then
    all_there=1
    while read -r _ _ _ image; do [ -s "$image" ] || all_there=0; done \
        < <("$root/tests/kernels.sh" list)
    [ "$all_there" = 1 ] && exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "deps.sh: run as root to set up the kernels" >&2; exit 1; }
"$root/tests/kernels.sh" setup
