#!/bin/bash
# The kernel matrix of tests/kernels.list: exact releases, build roots,
# headers and images, all cached outside the checkout.
#
#   tests/kernels.sh setup              resolve, install and extract what the
#                                       selected kernels need (root; network)
#   tests/kernels.sh list               one line per selected kernel:
#                                       NAME RELEASE LARGE(yes|no) IMAGE
#   tests/kernels.sh names              the selected names, one per line
#   tests/kernels.sh release NAME       the exact release (uname -r) of NAME
#   tests/kernels.sh kbuild NAME DIR ARGS...
#                                       make -C <headers of NAME, or $KDIR> M=DIR ARGS...
#                                       in NAME's build root
#   tests/kernels.sh checkpatch NAME    the path of checkpatch.pl from the
#                                       Debian source of NAME's series (fetched
#                                       and cached on first use)
#   tests/kernels.sh source NAME        the path of linux-source-SERIES.tar.xz
#                                       (fetched and cached on first use)
#   tests/kernels.sh root NAME          NAME's build root ("/": the host)
#   tests/kernels.sh in-root NAME CMD...
#                                       CMD in NAME's build root, with DIR
#                                       paths only valid there (see below)
#
# The selection is $KERNELS (names, separated by blanks or commas; default:
# every line of the list).  The cache is $RTSHM_CACHE (default
# /var/cache/rtshm).
#
# A build root is where a kernel's modules are built with the compiler and
# kbuild tools of the Debian release that built the kernel.  The build host
# is its own release's root; any other release gets a debootstrap root in
# the cache, keyed by a hash of what it is made of (release, packages,
# mirror), with backports enabled for the "-backports" suites.  Kernel
# images are extracted from their packages into the cache; nothing is
# installed into the host's /boot.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
list=$root/tests/kernels.list
cache=${RTSHM_CACHE:-/var/cache/rtshm}
mirror=${RTSHM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What a build root holds besides the kernel headers.  Changing it makes a
# new root (the key below).
root_pkgs=gcc,make,libc6-dev,bc,bison,flex,libelf-dev,libssl-dev,kmod,sparse,dkms,cpio,xz-utils,perl,ca-certificates

die() { echo "kernels.sh: $*" >&2; exit 1; }

host_codename() { . /etc/os-release && echo "${VERSION_CODENAME:-}"; }

# Lines of the list for the selected names: "name suite series flavour large".
selected() {
    local want=${KERNELS:-} name n found
    want=${want//,/ }
    if [ -z "${want// /}" ]; then
        grep -Ev '^[[:space:]]*(#|$)' "$list"
        return
    fi
    for name in $want; do
        found=0
        while read -r n rest; do
            if [ "$n" = "$name" ]; then echo "$n $rest"; found=1; fi
        done < <(grep -Ev '^[[:space:]]*(#|$)' "$list")
        [ "$found" = 1 ] || die "unknown kernel '$name' (see tests/kernels.list)"
    done
}

line_of() {
    KERNELS=$1 selected
}

# The build root of a suite: "/" for the host's own release, else a cached
# debootstrap root.
root_dir() {
    local suite=$1 codename=${1%-backports} key
    if [ "$suite" = "$(host_codename)" ]; then
        echo /
        return
    fi
    key=$(printf '%s\n' "$codename" "$root_pkgs" "$mirror" root-v1 | sha256sum | cut -c1-12)
    echo "$cache/root-$codename-$key"
}

# Run a command in a build root (a private mount namespace with /proc, which
# objtool needs; nothing stays mounted afterwards).
in_root() {
    local dir=$1; shift
    if [ "$dir" = / ]; then
        "$@"
    else
        unshare --mount --fork chroot "$dir" /bin/sh -c \
            'mount -t proc proc /proc && exec "$@"' sh "$@"
    fi
}

apt_in_root() {
    local dir=$1; shift
    in_root "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q \
        -o Dpkg::Options::=--force-confold "$@"
}

make_root() {
    local suite=$1 dir codename=${1%-backports}
    dir=$(root_dir "$suite")
    [ "$dir" != / ] || return 0
    [ -f "$dir/.rtshm-root-ready" ] && return 0
    command -v debootstrap >/dev/null || die "debootstrap missing (tests/deps.sh installs it)"
    echo "kernels.sh: making the $codename build root in $dir" >&2
    rm -rf "$dir" "$dir.tmp"
    debootstrap --variant=minbase --include="$root_pkgs" "$codename" "$dir.tmp" "$mirror" \
        >"$cache/debootstrap-$codename.log" 2>&1 ||
        die "debootstrap $codename failed (log: $cache/debootstrap-$codename.log)"
    echo "deb $mirror $codename-backports main" >"$dir.tmp/etc/apt/sources.list.d/backports.list"
    # headers may pull in an image package: never build initramfs images here
    in_root "$dir.tmp" dpkg-divert --local --rename --add /usr/sbin/update-initramfs >/dev/null
    ln -sf /bin/true "$dir.tmp/usr/sbin/update-initramfs"
    cp /etc/resolv.conf "$dir.tmp/etc/resolv.conf" 2>/dev/null || true
    apt_in_root "$dir.tmp" update >/dev/null
    touch "$dir.tmp/.rtshm-root-ready"
    mv "$dir.tmp" "$dir"
}

# Newest release of SERIES/FLAVOUR whose headers SUITE offers, e.g.
# 6.1.0-57-amd64 or 7.3.4+deb13-rt-amd64.
resolve_release() {
    local suite=$1 series=$2 flavour=$3 dir re tail
    dir=$(root_dir "$suite")
    if [ "$flavour" = rt ]; then tail='-rt-amd64'; else tail='-amd64'; fi
    re="^linux-headers-${series//./\\.}\\.[0-9]+[^-]*(-[0-9]+)?${tail}\$"
    in_root "$dir" apt-cache search --names-only "^linux-headers-${series//./\\.}\\." |
        awk '{ print $1 }' | grep -E "$re" | sed 's/^linux-headers-//' | sort -V | tail -n 1
}

state_file() { echo "$cache/kernels/$2-$3-$4.$1"; }   # what suite series flavour

# NAME -> release, from the cache (setup writes it).
release_of() {
    local n suite series flavour large f
    read -r n suite series flavour large < <(line_of "$1")
    f=$(state_file release "$suite" "$series" "$flavour")
    [ -s "$f" ] || die "kernel $1 is not set up (run tests/deps.sh)"
    cat "$f"
}

image_of() { echo "$cache/kernels/$1/vmlinuz"; }

# The image from the kernel's packages: Debian 12 ships it as
# /boot/vmlinuz-REL in linux-image-REL, Debian 13 backports as
# /usr/lib/modules/REL/vmlinuz in linux-binary-REL.
extract_image() {
    local dir=$1 rel=$2 dest tmp pkg deb found
    dest=$(image_of "$rel")
    [ -s "$dest" ] && return 0
    tmp=$(mktemp -d "$dir/var/tmp/rtshm-image.XXXXXX")
    for pkg in "linux-image-$rel" "linux-image-$rel-unsigned" "linux-binary-$rel"; do
        in_root "$dir" sh -c "cd '${tmp#"${dir%/}"}' && apt-get download -q '$pkg'" \
            >/dev/null 2>&1 || true
    done
    for deb in "$tmp"/*.deb; do
        [ -e "$deb" ] || continue
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*vmlinuz*' 2>/dev/null || true
    done
    found=$(find "$tmp" \( -name "vmlinuz-$rel" -o -path "*/modules/$rel/vmlinuz" \) -type f | head -n 1)
    [ -n "$found" ] || { rm -rf "$tmp"; die "no vmlinuz in the packages of $rel"; }
    mkdir -p "$(dirname "$dest")"
    cp "$found" "$dest.tmp" && mv "$dest.tmp" "$dest"
    rm -rf "$tmp"
}

setup() {
    local n suite series flavour large dir rel done_roots=' '
    mkdir -p "$cache/kernels"
    exec 8>"$cache/.kernels.lock"
    flock 8
    while read -r n suite series flavour large; do
        dir=$(root_dir "$suite")
        make_root "$suite"
        if [[ $done_roots != *" $dir "* ]]; then
            [ "$dir" = / ] || apt_in_root "$dir" update >/dev/null
            done_roots+="$dir "
        fi
        rel=$(resolve_release "$suite" "$series" "$flavour")
        [ -n "$rel" ] || die "$suite offers no $flavour headers of $series"
        if [ ! -d "$dir/usr/src/linux-headers-$rel" ]; then
            echo "kernels.sh: installing linux-headers-$rel ($n)" >&2
            apt_in_root "$dir" install -y --no-install-recommends "linux-headers-$rel" \
                >"$cache/kernels/apt-$rel.log" 2>&1 ||
                die "installing linux-headers-$rel failed (log: $cache/kernels/apt-$rel.log)"
        fi
        extract_image "$dir" "$rel"
        echo "$rel" >"$(state_file release "$suite" "$series" "$flavour")"
        checkpatch_of "$n" >/dev/null
    done < <(selected)
}

# KDIR= in the environment: another kernel tree (a path inside the root)
# than the headers of NAME's release, e.g. the sanitizer kernel.
kbuild() {
    local name=$1 src=$2 n suite series flavour large dir kdir work status=0
    shift 2
    read -r n suite series flavour large < <(line_of "$name")
    dir=$(root_dir "$suite")
    kdir=${KDIR:-/usr/src/linux-headers-$(release_of "$name")}
    src=$(cd "$src" && pwd)
    if [ "$dir" = / ]; then
        make -C "$kdir" M="$src" "$@"
        return
    fi
    # The root cannot see the checkout: build a copy there, bring it back.
    work=$(mktemp -d "$dir/var/tmp/rtshm-kbuild.XXXXXX")
    cp -a "$src/." "$work/"
    in_root "$dir" make -C "$kdir" M="${work#"$dir"}" "$@" || status=$?
    cp -a "$work/." "$src/"
    rm -rf "$work"
    return $status
}

# Debian's linux-source-SERIES tarball for NAME's series, as a path on the
# host: the root's own /usr/src copy if it has one (the host installs
# linux-source-6.1 for its checkpatch), else the package's, fetched into the
# root once and kept in the cache.
source_of() {
    local n suite series flavour large dir dest tmp deb
    read -r n suite series flavour large < <(line_of "$1")
    dir=$(root_dir "$suite")
    if [ -f "${dir%/}/usr/src/linux-source-$series.tar.xz" ]; then
        echo "${dir%/}/usr/src/linux-source-$series.tar.xz"
        return
    fi
    dest=$cache/source/linux-source-$series.tar.xz
    if [ ! -f "$dest" ]; then
        tmp=$(mktemp -d "${dir%/}/var/tmp/rtshm-source.XXXXXX")
        in_root "$dir" sh -c "cd '${tmp#"${dir%/}"}' && apt-get download -q linux-source-$series" \
            >/dev/null 2>&1 || { rm -rf "$tmp"; die "cannot fetch linux-source-$series"; }
        deb=$(ls "$tmp"/linux-source-"$series"_*.deb)
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*/linux-source-*.tar.xz'
        mkdir -p "$(dirname "$dest")"
        mv "$(find "$tmp" -name "linux-source-$series.tar.xz" | head -n 1)" "$dest"
        rm -rf "$tmp"
    fi
    echo "$dest"
}

# checkpatch.pl and its data files from that source; only they are kept.
checkpatch_of() {
    local n suite series flavour large dest tmp
    read -r n suite series flavour large < <(line_of "$1")
    dest=$cache/checkpatch-$series
    if [ ! -f "$dest/scripts/checkpatch.pl" ]; then
        tmp=$(mktemp -d "$cache/.checkpatch.XXXXXX")
        tar -xJf "$(source_of "$1")" -C "$tmp" --strip-components=1 --wildcards \
            '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
        rm -rf "$dest"
        mv "$tmp" "$dest"
    fi
    echo "$dest/scripts/checkpatch.pl"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
# an unknown name in $KERNELS must fail here, not in a process substitution
selected >/dev/null
case $cmd in
    setup) setup ;;
    names) selected | awk '{ print $1 }' ;;
    release) release_of "${1:?name}" ;;
    list)
        while read -r n _ _ _ large; do
            rel=$(release_of "$n")
            echo "$n $rel $large $(image_of "$rel")"
        done < <(selected) ;;
    checkpatch) checkpatch_of "${1:?name}" ;;
    source) source_of "${1:?name}" ;;
    kbuild) kbuild "${1:?name}" "${2:?dir}" "${@:3}" ;;
    in-root)
        name=${1:?name}; shift
        read -r _ suite _ _ _ < <(line_of "$name")
        in_root "$(root_dir "$suite")" "$@" ;;
    root) read -r _ suite _ _ _ < <(line_of "${1:?name}"); root_dir "$suite" ;;
    *) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
