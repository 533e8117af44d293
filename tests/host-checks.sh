#!/bin/bash
# Checks that run on the build host, counted like tests:
#   install-file-list      make install DESTDIR=... PREFIX=/usr installs exactly
#                          the expected files, with the expected modes and links
#   library-soname         librtshm.so.1.0.0 has the soname librtshm.so.1
#   pkgconfig-paths        rtshm.pc of that install gives its -I/-L flags and version
#   pkgconfig-build-static tests/pkgconfig/consumer.c built with nothing but
#                          pkg-config's flags against the install, statically:
#                          build/tests/bin/test-pkgconfig, which the VM runs
#   pkgconfig-build-shared the same dynamically; it needs librtshm.so.1 and runs
#   uninstall-leaves-nothing  make uninstall removes every installed file
#   dkms-source-tree       make dkms-install DESTDIR=... copies every module source
#   dkms-build:NAME        dkms builds that tree for each kernel of
#                          tests/kernels.list, in the kernel's build root
#                          (private trees: nothing is added to any DKMS state)
#   man-pages-render       every page of man/ renders without a warning
#   man-pages-cover-api    a page for every exported function and rtshmctl command
# Prints "RTSHM-RESULT PASS|FAIL host:<name>" lines; details of a failure go
# to build/host/<name>.log.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/host
cd "$root" || exit 1
rm -rf "$out"
mkdir -p "$out"
# make install builds the module against a kernel's headers on this host:
# the first kernel of the list whose build root is the host itself.
kver=''
for k in $(tests/kernels.sh names); do
	if [ "$(tests/kernels.sh root "$k")" = / ]; then
		kver=$(tests/kernels.sh release "$k")
		break
	fi
done
if [ -z "$kver" ]; then
	# none selected: any kernel of the list that the host builds for
	for k in $(KERNELS='' tests/kernels.sh names); do
		if [ "$(KERNELS='' tests/kernels.sh root "$k")" = / ]; then
			kver=$(KERNELS='' tests/kernels.sh release "$k")
			break
		fi
	done
fi
version=$(sed -n 's/^VERSION *:= *//p' Makefile)
dest=$out/destdir

result() {	# name, status (0 = pass)
	if [ "$2" -eq 0 ]; then
		echo "RTSHM-RESULT PASS host:$1"
	else
		echo "RTSHM-RESULT FAIL host:$1 (see build/host/$1.log)"
	fi
}

# Run a check function with its output in its log; print its result.
check() {	# name, function
	local status
	"$2" >"$out/$1.log" 2>&1
	status=$?
	result "$1" "$status"
}

# Files and links of a tree, relative, sorted, with type and mode:
# "f 0644 usr/include/rtshm.h", "l usr/lib/librtshm.so -> librtshm.so.1".
list_tree() {
	(cd "$1" && find . -mindepth 1 \( -type f -printf 'f %m %P\n' \) -o \
		\( -type l -printf 'l %P -> %l\n' \) | LC_ALL=C sort)
}

# What make install DESTDIR=... PREFIX=/usr must put there, nothing more.
expected_install() {
	local page
	{
		cat <<EOF
f 644 lib/modules/$kver/extra/rtshm.ko
f 644 lib/udev/rules.d/60-rtshm.rules
f 755 usr/bin/rtshm-demo
f 755 usr/bin/rtshmctl
f 644 usr/include/linux/rtshm.h
f 644 usr/include/rtshm.h
f 644 usr/include/rtshm/compat/RtApi.h
f 644 usr/include/rtshm/compat/Rtapi.h
f 644 usr/include/rtshm/compat/Windows.h
f 644 usr/include/rtshm/compat/ntx.h
f 644 usr/include/rtshm/compat/rt.h
f 644 usr/include/rtshm/compat/rtapi.h
f 644 usr/include/rtshm/compat/tchar.h
f 644 usr/include/rtshm/compat/windows.h
f 644 usr/include/rtshm/ntx.h
f 644 usr/include/rtshm/rt.h
f 644 usr/include/rtshm/rtapi.h
f 644 usr/include/rtshm/rtshm_entry.h
f 644 usr/include/rtshm/rtshm_interlocked.h
f 644 usr/include/rtshm/rtshm_intime.h
f 644 usr/include/rtshm/rtshm_windows.h
f 644 usr/include/rtshm/rtshm_wintypes.h
f 644 usr/lib/librtshm.a
l usr/lib/librtshm.so -> librtshm.so.1
l usr/lib/librtshm.so.1 -> librtshm.so.$version
f 755 usr/lib/librtshm.so.$version
f 644 usr/lib/pkgconfig/rtshm.pc
f 644 usr/share/doc/rtshm/examples/modprobe.d/rtshm.conf
EOF
		# every page of man/, in its section's directory
		for page in man/*.[1-8]; do
			echo "f 644 usr/share/man/man${page##*.}/${page#man/}"
		done
	} | LC_ALL=C sort
}

install_file_list() {
	rm -rf "$dest"
	make --no-print-directory install DESTDIR="$dest" PREFIX=/usr \
		KDIR="/usr/src/linux-headers-$kver" || return 1
	list_tree "$dest" >"$out/installed.txt"
	expected_install >"$out/expected.txt"
	diff -u "$out/expected.txt" "$out/installed.txt" || return 1
	# the pages this project must have, whatever else man/ holds
	for page in man1/rtshmctl.1 man4/rtshm.4 man3/rtshm_create.3 man3/RtCreateSharedMemory.3; do
		[ -f "$dest/usr/share/man/$page" ] || { echo "missing $page"; return 1; }
	done
}

library_soname() {
	readelf -d "$dest/usr/lib/librtshm.so.$version" | tee /dev/stderr |
		grep -F '(SONAME)' | grep -F '[librtshm.so.1]'
}

# pkg-config of the DESTDIR tree, as a user of the installed package would.
pc() {
	PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig pkg-config "$@"
}

pkgconfig_paths() {
	local cflags libs modversion
	# echo: pkg-config ends its flags with a blank
	cflags=$(echo $(pc --cflags rtshm)) && libs=$(echo $(pc --libs rtshm)) &&
		modversion=$(pc --modversion rtshm) || return 1
	echo "cflags: $cflags"; echo "libs: $libs"; echo "version: $modversion"
	[ "$cflags" = "-I$dest/usr/include -I$dest/usr/include/rtshm/compat" ] &&
		[ "$libs" = "-L$dest/usr/lib -lrtshm" ] && [ "$modversion" = "$version" ]
}

# Only the flags pkg-config gives: no -I or -L into this checkout.
pkgconfig_build_static() {
	local bin=build/tests/bin/test-pkgconfig
	# shellcheck disable=SC2046 # pkg-config's flags are meant to be split
	gcc -std=c11 -Wall -Wextra -Werror -O2 $(pc --cflags rtshm) -static \
		-o "$bin" tests/pkgconfig/consumer.c $(pc --static --libs rtshm) || return 1
	! readelf -l "$bin" | grep -q INTERP	# no dynamic loader: static
}

pkgconfig_build_shared() {
	local bin=$out/consumer-shared
	# shellcheck disable=SC2046
	gcc -std=c11 -Wall -Wextra -Werror -O2 $(pc --cflags rtshm) \
		-o "$bin" tests/pkgconfig/consumer.c $(pc --libs rtshm) || return 1
	readelf -d "$bin" | grep -F '(NEEDED)' | tee /dev/stderr | grep -qF '[librtshm.so.1]' ||
		return 1
	# every symbol resolved at start from the installed library
	LD_BIND_NOW=1 LD_LIBRARY_PATH=$dest/usr/lib "$bin" --link-only | tee /dev/stderr |
		grep -q .
}

uninstall_leaves_nothing() {
	local left
	make --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr \
		KDIR="/usr/src/linux-headers-$kver" || return 1
	left=$(list_tree "$dest" | grep -v '^d ')
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }
}

dkms_source_tree() {
	local src=$out/dkms-dest/usr/src/rtshm-$version f
	make --no-print-directory dkms-install DESTDIR="$out/dkms-dest" || return 1
	list_tree "$out/dkms-dest" | tee "$out/dkms-installed.txt"
	for f in dkms.conf Kbuild kmod/Kbuild kmod/*.c kmod/*.h include/uapi/linux/rtshm.h; do
		cmp "$f" "$src/$f" || return 1
	done
	[ "$(list_tree "$out/dkms-dest" | wc -l)" -eq \
	  "$(ls dkms.conf Kbuild kmod/Kbuild kmod/*.c kmod/*.h include/uapi/linux/rtshm.h | wc -l)" ]
}

# dkms signs what it builds with /var/lib/dkms/mok.key (of the build root),
# made on first use.  The root may be a chroot that cannot see this tree:
# the sources go into a scratch directory inside it.
dkms_build() {	# name
	local k=$1 rel broot work inside ko status=0
	rel=$(tests/kernels.sh release "$k") || return 1
	broot=$(tests/kernels.sh root "$k") || return 1
	tests/kernels.sh in-root "$k" sh -c 'command -v dkms' >/dev/null ||
		{ echo "dkms is not installed in the build root of $k"; return 1; }
	work=$(mktemp -d "${broot%/}/var/tmp/rtshm-dkms.XXXXXX")
	inside=${work#"${broot%/}"}
	cp -a "$out/dkms-dest/usr/src" "$work/src"
	mkdir -p "$work/tree"
	tests/kernels.sh in-root "$k" dkms build -m rtshm -v "$version" -k "$rel" \
		--sourcetree "$inside/src" --dkmstree "$inside/tree" || status=1
	ko=$work/tree/rtshm/$version/$rel/x86_64/module/rtshm.ko
	[ -f "$ko" ] || ko=$ko.xz
	if [ $status = 0 ] && [ -f "$ko" ] &&
	   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ]; then
		echo "$k: $rel: ${ko#"$work"/}"
	else
		echo "$k: no module for $rel"
		status=1
	fi
	rm -rf "$work"
	return $status
}

# In a manN/ tree, as installed, so that ".so man3/x.3" links resolve.
man_pages_render() {
	local page rel warnings status=0 tree=$out/man
	for page in man/*.[1-8]; do
		mkdir -p "$tree/man${page##*.}"
		cp "$page" "$tree/man${page##*.}/"
	done
	for page in man/*.[1-8]; do
		rel=man${page##*.}/${page#man/}
		warnings=$(cd "$tree" && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$rel" 2>&1 >/dev/null)
		if [ -n "$warnings" ]; then
			echo "$page:"; echo "$warnings"; status=1
		fi
	done
	return $status
}

# Every global of lib/rtshm.map and every rtshmctl command has a page; .so
# links point at pages that exist.
man_pages_cover_api() {
	local sym cmd page target status=0
	for sym in $(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' lib/rtshm.map); do
		[ -f "man/$sym.3" ] || { echo "no man/$sym.3"; status=1; }
	done
	for cmd in status load unload list info dump create watch; do
		grep -q "^\.SS $cmd\b" man/rtshmctl.1 || { echo "rtshmctl.1: no $cmd"; status=1; }
	done
	for page in man/*.[1-8]; do
		target=$(sed -n 's/^\.so //p' "$page")
		[ -z "$target" ] || [ -f "man/${target#man*/}" ] ||
			{ echo "$page: .so $target missing"; status=1; }
	done
	return $status
}

rm -f build/tests/bin/test-pkgconfig	# never run a stale one
check install-file-list install_file_list
check library-soname library_soname
check pkgconfig-paths pkgconfig_paths
check pkgconfig-build-static pkgconfig_build_static
check pkgconfig-build-shared pkgconfig_build_shared
check uninstall-leaves-nothing uninstall_leaves_nothing
check dkms-source-tree dkms_source_tree
for k in $(tests/kernels.sh names); do
	dkms_build "$k" >"$out/dkms-build:$k.log" 2>&1
	result "dkms-build:$k" $?
done
check man-pages-render man_pages_render
check man-pages-cover-api man_pages_cover_api
