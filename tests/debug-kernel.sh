#!/bin/bash
# Build the sanitizer kernel of one lane of tests/debug/lanes.list (a kernel
# of tests/kernels.list and config fragments of tests/debug/) from Debian's
# linux-source of that kernel, in its build root (its release's compiler),
# once per machine: the build is cached outside the checkout, keyed by a hash
# of the merged fragment, the tarball and the compiler.  Then build rtshm.ko
# against it into build/kmod/<release>/.  Prints the kernel tree's path.
#
#   tests/debug-kernel.sh LANE       build LANE if needed, print its tree
#   tests/debug-kernel.sh            the first lane of the list
#   tests/debug-kernel.sh --lanes    the selected lane names, one per line
#                                    ($DEBUG_LANES: names separated by blanks
#                                    or commas; default: every lane)
#   RTSHM_CACHE=/dir tests/debug-kernel.sh LANE
#
# Each lane's release is the source's plus "-debug-LANE" (CONFIG_LOCALVERSION),
# so lanes of one source have modules of their own.
# A lane not built yet starts from a copy of the built tree of the same
# source and compiler whose fragment is closest to its own, if there is one
# ($DEBUG_KERNEL_SEED=none: from the tarball): olddefconfig and kbuild then
# rebuild only what depends on the options that differ.  The build's seconds
# and its seed are kept in build-seconds and seed next to the tree.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
lanes=$root/tests/debug/lanes.list
kernels=$root/tests/kernels.sh

die() { echo "debug-kernel: $*" >&2; exit 1; }

# Lines of the list for the selected lanes: "name kernel fragment...".
selected() {
    local want=${DEBUG_LANES:-} lane n found
    want=${want//,/ }
    if [ -z "${want// /}" ]; then
        grep -Ev '^[[:space:]]*(#|$)' "$lanes"
        return
    fi
    for lane in $want; do
        found=0
        while read -r n rest; do
            if [ "$n" = "$lane" ]; then echo "$n $rest"; found=1; fi
        done < <(grep -Ev '^[[:space:]]*(#|$)' "$lanes")
        [ "$found" = 1 ] || die "unknown lane '$lane' (see tests/debug/lanes.list)"
    done
}

case ${1:-} in
    --lanes) selected | awk '{ print $1 }'; exit ;;
    -*) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
lane=${1:-$(DEBUG_LANES='' selected | awk '{ print $1; exit }')}
DEBUG_LANES=$lane selected >/dev/null   # an unknown lane fails here
read -r _ name frags < <(DEBUG_LANES=$lane selected)
[ -n "$frags" ] || die "lane $lane has no fragments"

broot=$(KERNELS=$name "$kernels" root "$name")
tarball=$(KERNELS=$name "$kernels" source "$name")
in_root() { KERNELS=$name "$kernels" in-root "$name" "$@"; }

fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
for f in $frags; do
    [ -f "$root/tests/debug/$f.config" ] || die "lane $lane: no tests/debug/$f.config"
    cat "$root/tests/debug/$f.config"
done >"$fragment"
echo "CONFIG_LOCALVERSION=\"-debug-$lane\"" >>"$fragment"

compiler=$(in_root gcc --version | head -n 1)
# key FRAGMENT-FILE: the cache key of a build of this source and compiler
key_of() { { cat "$1"; stat -c '%n %s %Y' "$tarball"; echo "$compiler"; } | sha256sum | cut -c1-16; }
key=$(key_of "$fragment")
# Inside the build root, so its compiler can build there; for the host that
# is the cache itself.
cache_inside=/var/cache/rtshm
[ "$broot" = / ] && cache_inside=${RTSHM_CACHE:-/var/cache/rtshm}
cache=${broot%/}$cache_inside
inside=$cache_inside/debug-kernel-$key
dir=${broot%/}$inside
tree=$dir/linux

mkdir -p "$cache"
exec 7>"$dir.lock"
flock 7   # one build of a lane at a time

# The built tree of this source and compiler (its stored fragment hashes to
# its own key) whose fragment differs from ours in the fewest lines.
find_seed() {
    local d best='' best_n='' n
    for d in "$cache"/debug-kernel-*/; do
        d=${d%/}
        if [ ! -f "$d/built" ] || [ ! -f "$d/fragment" ] || [ "$d" = "$dir" ]; then continue; fi
        [ "$(key_of "$d/fragment")" = "${d##*/debug-kernel-}" ] || continue
        n=$(diff <(sort -u "$d/fragment") <(sort -u "$fragment") | grep -c '^[<>]' || true)
        if [ -z "$best_n" ] || [ "$n" -lt "$best_n" ]; then best=$d best_n=$n; fi
    done
    [ -n "$best" ] && echo "$best"
    return 0
}

if [ ! -f "$dir/built" ]; then
    start=$(date +%s)
    rm -rf "$dir"
    mkdir -p "$dir"
    seed=
    [ "${DEBUG_KERNEL_SEED:-}" = none ] || seed=$(find_seed)
    if [ -n "$seed" ]; then
        echo "debug-kernel: $lane: starting from a copy of $seed/linux" >&2
        cp -a --reflink=auto "$seed/linux" "$tree"
        echo "$seed" >"$dir/seed"
    else
        echo "debug-kernel: $lane: extracting $tarball into $dir" >&2
        tar -xJf "$tarball" -C "$dir"
        mv "$dir"/linux-source-* "$tree"
        echo none >"$dir/seed"
    fi
    cp "$fragment" "$dir/fragment"   # where the root can read it
    echo "debug-kernel: $lane: configuring and building $name's source (this takes a while)" >&2
    # The same configuration from a seed as from the tarball: defconfig,
    # the fragment, olddefconfig.
    # shellcheck disable=SC2016 # expanded in the root's shell
    in_root sh -c 'cd "$1" && make -s x86_64_defconfig &&
        scripts/kconfig/merge_config.sh -m .config "$2" && make -s olddefconfig' \
        sh "$inside/linux" "$inside/fragment" >&2 </dev/null ||
        die "$lane: configuration failed"
    # Every option of the fragment must have survived olddefconfig.
    while IFS= read -r line; do
        case $line in
        CONFIG_*=n) opt=${line%=n}; grep -q "^$opt=" "$tree/.config" && die "$lane: $opt still set" ;;
        CONFIG_*) grep -qxF "$line" "$tree/.config" || die "$lane: $line did not stick" ;;
        esac
    done < "$fragment"
    # shellcheck disable=SC2016
    in_root sh -c 'cd "$1" && nice make -s -j"$(nproc)" bzImage modules' sh "$inside/linux" >&2
    echo "$(( $(date +%s) - start ))" > "$dir/build-seconds"
    touch "$dir/built"
    echo "debug-kernel: $lane: built in $(cat "$dir/build-seconds")s (seed: $(cat "$dir/seed"))" >&2
fi

rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")
out=$root/build/kmod/$rel
rm -rf "$out" && mkdir -p "$out"
cp -r "$root/Kbuild" "$root/kmod" "$root/include" "$out/"
KDIR=$inside/linux KERNELS=$name "$kernels" kbuild "$name" "$out" W=1 modules >&2
echo "$tree"
