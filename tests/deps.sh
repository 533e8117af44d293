#!/bin/bash
# Install the Debian packages the rtshm build and VM tests need.
#
#   tests/deps.sh                 install whatever is missing (needs root then)
#   tests/deps.sh --print-kvers   print the generic and the RT kernel release,
#                                 one per line, generic first
set -euo pipefail

PKGS=(qemu-system-x86 busybox-static cpio linux-image-amd64 linux-headers-amd64
      linux-image-rt-amd64 linux-headers-rt-amd64 kmod libkmod-dev sparse
      linux-source-6.1 pkg-config gcc make dkms man-db)

# Newest kernel in /boot whose flavour matches $1 ("" = generic, "rt") and
# whose headers are installed (we build the module against them).
newest_kver() {
    local flavour=$1 f kver base
    for f in /boot/vmlinuz-*-amd64; do
        [ -e "$f" ] || continue
        kver=${f#/boot/vmlinuz-}
        base=${kver%-amd64}
        if [ -n "$flavour" ]; then
            [[ $base == *-"$flavour" ]] || continue
        else
            # generic: the part before -amd64 ends in the ABI number
            # (6.1.0-56) or a backports tag (6.12.9+bpo), not -rt/-cloud
            [[ ${base##*-} == [0-9]* ]] || continue
        fi
        if [ -d "/usr/src/linux-headers-$kver" ]; then echo "$kver"; fi
    done | sort -V | tail -n 1
}

if [ "${1:-}" = --print-kvers ]; then
    generic=$(newest_kver "")
    rt=$(newest_kver rt)
    if [ -z "$generic" ] || [ -z "$rt" ]; then
        echo "deps.sh: need a generic and an RT amd64 kernel in /boot with headers" \
             "in /usr/src (found generic='${generic}' rt='${rt}'); run tests/deps.sh" >&2
        exit 1
    fi
    printf '%s\n%s\n' "$generic" "$rt"
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--print-kvers]" >&2
    exit 2
fi

missing=()
for p in "${PKGS[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]}" >&2
    echo "deps.sh: run as root (e.g. sudo $0) to install them" >&2
    exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
