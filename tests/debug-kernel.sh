#!/bin/bash
# Build the sanitizer kernel (KASAN, KFENCE, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak, DEBUG_VM, DEBUG_LIST) from Debian's linux-source of one kernel of
# tests/kernels.list, in that kernel's build root (its release's compiler),
# once per machine: the build is cached outside the checkout, keyed by a hash
# of the config fragment, the tarball and the compiler.  Then build rtshm.ko
# against it into build/kmod/<release>/.  Prints the kernel tree's path.
#
#   tests/debug-kernel.sh            build if needed, print the tree
#   DEBUG_KERNEL=6.1 tests/debug-kernel.sh   another kernel's source
#                                    (default: the newest generic of the list)
#   RTSHM_CACHE=/dir tests/debug-kernel.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fragment=$root/tests/debug-kernel.config
kernels=$root/tests/kernels.sh

# Default: the last generic kernel of the list (the newest series).
name=${DEBUG_KERNEL:-$(KERNELS='' "$kernels" names | grep -v -- '-rt$' | tail -n 1)}
[ -n "$name" ] || { echo "debug-kernel: no generic kernel in tests/kernels.list" >&2; exit 1; }
broot=$(KERNELS=$name "$kernels" root "$name")
tarball=$(KERNELS=$name "$kernels" source "$name")
in_root() { KERNELS=$name "$kernels" in-root "$name" "$@"; }

key=$( { cat "$fragment"; stat -c '%n %s %Y' "$tarball"; in_root gcc --version | head -n 1; } |
	sha256sum | cut -c1-16)
# Inside the build root, so its compiler can build there; for the host that
# is the cache itself.
inside=/var/cache/rtshm/debug-kernel-$key
[ "$broot" = / ] && inside=${RTSHM_CACHE:-/var/cache/rtshm}/debug-kernel-$key
dir=${broot%/}$inside
tree=$dir/linux

if [ ! -f "$dir/built" ]; then
	start=$(date +%s)
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "debug-kernel: extracting $tarball into $dir" >&2
	tar -xJf "$tarball" -C "$dir"
	mv "$dir"/linux-source-* "$tree"
	cp "$fragment" "$dir/fragment"   # where the root can read it
	echo "debug-kernel: configuring and building $name's source (this takes a while)" >&2
	# shellcheck disable=SC2016 # expanded in the root's shell
	in_root sh -c 'cd "$1" && make -s x86_64_defconfig &&
		scripts/kconfig/merge_config.sh -m .config "$2" && make -s olddefconfig' \
		sh "$inside/linux" "$inside/fragment" >&2 </dev/null ||
		{ echo "debug-kernel: configuration failed" >&2; exit 1; }
	# Every option of the fragment must have survived olddefconfig.
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n) opt=${line%=n}; grep -q "^$opt=" "$tree/.config" && { echo "debug-kernel: $opt still set" >&2; exit 1; } ;;
		CONFIG_*) grep -qx "$line" "$tree/.config" || { echo "debug-kernel: $line did not stick" >&2; exit 1; } ;;
		esac
	done < "$fragment"
	# shellcheck disable=SC2016
	in_root sh -c 'cd "$1" && nice make -s -j"$(nproc)" bzImage modules' sh "$inside/linux" >&2
	echo "$(( $(date +%s) - start ))" > "$dir/build-seconds"
	touch "$dir/built"
fi

rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")
out=$root/build/kmod/$rel
rm -rf "$out" && mkdir -p "$out"
cp -r "$root/Kbuild" "$root/kmod" "$root/include" "$out/"
KDIR=$inside/linux KERNELS=$name "$kernels" kbuild "$name" "$out" W=1 modules >&2
echo "$tree"
