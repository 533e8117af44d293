#!/bin/bash
# Build the sanitizer kernel (KASAN, KFENCE, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak, DEBUG_VM, DEBUG_LIST) from Debian's linux-source tarball, once per
# machine: the build is cached outside the checkout, keyed by a hash of the
# config fragment, the tarball and the compiler.  Prints the kernel tree's path.
#
#   tests/debug-kernel.sh            build if needed, print the tree
#   RTSHM_CACHE=/dir tests/debug-kernel.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
fragment=$root/tests/debug-kernel.config
cache=${RTSHM_CACHE:-/var/cache/rtshm}
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || { echo "debug-kernel: no /usr/src/linux-source-*.tar.xz (run tests/deps.sh)" >&2; exit 1; }

key=$( { cat "$fragment"; stat -c '%n %s %Y' "$tarball"; gcc --version | head -n 1; } | sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key
tree=$dir/linux

if [ -f "$dir/built" ]; then
	echo "$tree"
	exit 0
fi

for pkg in bc bison flex libelf-dev libssl-dev; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		missing="${missing:-} $pkg"
	fi
done
if [ -n "${missing:-}" ]; then
	apt-get update -q >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
fi

start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
echo "debug-kernel: extracting $tarball into $dir" >&2
tar -xJf "$tarball" -C "$dir"
mv "$dir"/linux-source-* "$tree"
cd "$tree"
make -s x86_64_defconfig >&2
scripts/kconfig/merge_config.sh -m .config "$fragment" >&2
make -s olddefconfig >&2
# Every option of the fragment must have survived olddefconfig.
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%=n}; grep -q "^$opt=" .config && { echo "debug-kernel: $opt still set" >&2; exit 1; } ;;
	CONFIG_*) grep -qx "$line" .config || { echo "debug-kernel: $line did not stick" >&2; exit 1; } ;;
	esac
done < "$fragment"
echo "debug-kernel: building (this takes a while the first time)" >&2
nice make -s -j"$(nproc)" bzImage modules >&2
echo "$(( $(date +%s) - start ))" > "$dir/build-seconds"
touch "$dir/built"
echo "$tree"
