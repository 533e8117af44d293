#!/bin/bash
# Build the initramfs that boots an rtshm test VM.
#
#   tests/vm/mkinitramfs.sh --out FILE.cpio.gz --module PATH/rtshm.ko \
#                           --bindir DIR --mode check|demo|bench
#                           [--modparams 'P=V ...'] [--tests GLOB] [--exclude GLOB]
#
# --modparams: module parameters for every load by init (also written to
# /etc/rtshm-modparams, for tests that reload the module).  Check mode runs
# the programs /tests/bin/GLOB (default test-*) except those matching the
# --exclude pattern.
# Contents: busybox (+ applet symlinks), /lib/modules/rtshm.ko, every file of
# DIR under /tests/bin, and an /init that loads the module and runs the mode.
# Demo by hand, e.g. on the 6.12 kernel of tests/kernels.list, console shown
# live (tests/vm/demo.sh does this for every selected kernel):
#   read -r _ rel _ image < <(KERNELS=6.12 tests/kernels.sh list)
#   tests/vm/mkinitramfs.sh --out build/vm/demo.cpio.gz \
#       --module "build/kmod/$rel/kmod/rtshm.ko" --bindir build/tests/bin --mode demo
#   tests/vm/run-vm.sh --kver "$rel" --kernel "$image" \
#       --initrd build/vm/demo.cpio.gz --log build/vm/demo.log --show
#
# Guest console protocol (one line each):
#   RTSHM-INSMOD-FAILED               module did not load; VM powers off
#   RTSHM-MODULE-LOADED               insmod worked (at every load by init)
#   RTSHM-RUN <test>                  check mode: test program starts
#   RTSHM-RESULT PASS|FAIL|SKIP <n>   a result (from the test, or from init:
#                                     <test>/exit-status-<rc>, <test>/no-results)
#   RTSHM-TIME <test> <n>s            check mode: the program took n seconds
#                                     (the harness adds <test>/<case> <n>s
#                                     for each case of a second or more)
#                                     (exit status 143: stopped at its limit,
#                                     300 s times rtshm_time_scale=)
#   RTSHM-SUMMARY-BEGIN/-END          check mode: all RESULT lines again, printed
#                                     with kernel console output muted
#   RTSHM-SCRIPT-EXIT <rc>            demo/bench: exit status of the script
#   RTSHM-KMEMLEAK-BEGIN/-END         check mode on a kmemleak kernel: its report
#   RTSHM-DMESG-BEGIN/-END            full dmesg
#   RTSHM-DONE                        init reached the end (then poweroff)
set -euo pipefail

usage() {
    echo "usage: $0 --out FILE.cpio.gz --module rtshm.ko --bindir DIR --mode check|demo|bench" >&2
    exit 2
}

out='' module='' bindir='' mode='' modparams='' tests='test-*' exclude=''
while [ $# -gt 0 ]; do
    case $1 in
        --modparams) modparams=${2?}; shift 2 ;;
        --tests) tests=${2:?}; shift 2 ;;
        --exclude) exclude=${2?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --module) module=${2:?}; shift 2 ;;
        --bindir) bindir=${2:?}; shift 2 ;;
        --mode) mode=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done
if [ -z "$out" ] || [ -z "$module" ] || [ -z "$bindir" ]; then usage; fi
case $mode in check|demo|bench) ;; *) usage ;; esac
[ -f "$module" ] || { echo "mkinitramfs: no module file $module" >&2; exit 1; }
[ -d "$bindir" ] || { echo "mkinitramfs: no directory $bindir" >&2; exit 1; }

busybox=/bin/busybox   # from busybox-static: no shared libraries needed
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing (busybox-static)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/rtshm-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,etc,lib/modules,proc,root,sys,tmp,usr,tests/bin}
ln -s bin "$stage/sbin"
ln -s ../bin "$stage/usr/bin"   # so "#!/usr/bin/env ..." works
ln -s ../bin "$stage/usr/sbin"
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
cp "$module" "$stage/lib/modules/rtshm.ko"
cp -RL --preserve=mode "$bindir"/. "$stage/tests/bin/"   # -L: no dangling links

# A dynamically linked program would fail in the guest with a baffling
# "not found".  So copy its shared libraries and the dynamic loader to the
# same paths in the guest, and warn at build time if one cannot be found.
# (For rtshmctl, and the kmod program test-rtshmctl runs as depmod: both
# need libkmod, which Debian ships only as a shared library.)
if command -v readelf >/dev/null; then
    find "$stage/tests/bin" -type f -perm -u+x -print0 |
    while IFS= read -r -d '' f; do
        # no grep -q: an early exit could SIGPIPE readelf and, with
        # pipefail, hide the match
        if readelf -l "$f" 2>/dev/null | grep 'program interpreter' >/dev/null; then
            # "libx.so.1 => /path/libx.so.1 (0x...)", "/lib64/ld-linux-x86-64.so.2 (0x...)"
            deps=$(ldd "$f" 2>&1 || true)
            if grep 'not found' <<<"$deps" >/dev/null || ! grep '=>' <<<"$deps" >/dev/null; then
                echo "mkinitramfs: warning: ${f#"$stage"/} is dynamically linked" \
                     "and its libraries cannot all be found" >&2
            fi
            for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$deps"); do
                mkdir -p "$stage$(dirname "$lib")"
                cp -L "$lib" "$stage$lib"
            done
        fi
    done
fi

{
    echo '#!/bin/sh'
    echo "MODE=$mode"
    printf 'MODPARAMS=%q TESTS=%q EXCLUDE=%q\n' "$modparams" "$tests" "$exclude"
    cat <<'EOF'
# rtshm test VM init, generated by tests/vm/mkinitramfs.sh
export PATH=/bin:/sbin:/tests/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# the archive has no /dev/console, so the kernel gave us no stdio
exec </dev/console >/dev/console 2>&1
echo   # start a fresh line after the firmware's output
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /dev/shm   # POSIX shm lives here

cat >/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
rtuser1:x:1001:1001:rtuser1:/tmp:/bin/sh
rtuser2:x:1002:1002:rtuser2:/tmp:/bin/sh
PW
cat >/etc/group <<'GR'
root:x:0:
rtuser1:x:1001:
rtuser2:x:1002:
rtgrp:x:1100:rtuser1,rtuser2
GR

# On a kmemleak kernel (the sanitizer lane), scan once everything ran: an
# object is only reported once it has been unreferenced for 5 s and seen by
# two scans.  The host fails the run on any "unreferenced object".
kmemleak_scan() {
    mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
    [ -w /sys/kernel/debug/kmemleak ] || return 0
    echo scan >/sys/kernel/debug/kmemleak
    sleep 6
    echo scan >/sys/kernel/debug/kmemleak
    echo RTSHM-KMEMLEAK-BEGIN
    cat /sys/kernel/debug/kmemleak
    echo RTSHM-KMEMLEAK-END
}

finish() {
    [ "$MODE" = check ] && kmemleak_scan
    echo 1 >/proc/sys/kernel/printk   # keep kernel output out of the dump
    echo RTSHM-DMESG-BEGIN
    dmesg
    echo RTSHM-DMESG-END
    [ "$1" = done ] && echo RTSHM-DONE
    sync
    poweroff -f
}

echo "$MODPARAMS" >/etc/rtshm-modparams
load_module() {
    # shellcheck disable=SC2086 # one word per parameter
    if ! insmod /lib/modules/rtshm.ko $MODPARAMS; then
        echo RTSHM-INSMOD-FAILED
        finish failed
    fi
    echo RTSHM-MODULE-LOADED
    chmod 0666 /dev/rtshm || echo "rtshm-init: /dev/rtshm did not appear"
}

# Print a result line and remember it for the summary.
result() {
    echo "RTSHM-RESULT $*"
    echo "RTSHM-RESULT $*" >>/tmp/rtshm-results
}

run_check() {
    : >/tmp/rtshm-results
    for t in /tests/bin/$TESTS; do
        [ -f "$t" ] && [ -x "$t" ] || continue
        name=${t##*/}
        # shellcheck disable=SC2254 # EXCLUDE is a pattern
        case $name in $EXCLUDE) [ -n "$EXCLUDE" ] && continue ;; esac
        echo "RTSHM-RUN $name"
        start=$(date +%s)
        # rtshm_time_scale=N on the kernel command line (slow sanitizer kernels)
        { cd /tmp && timeout -k 10 $((300 * ${rtshm_time_scale:-1})) "$t" </dev/null 2>&1
          echo $? >/tmp/rtshm-rc; } |
            tee /tmp/rtshm-out
        rc=$(cat /tmp/rtshm-rc)
        echo "RTSHM-TIME $name $(($(date +%s) - start))s"
        grep -E '^RTSHM-RESULT (PASS|FAIL|SKIP) ' /tmp/rtshm-out >>/tmp/rtshm-results
        if [ "$rc" != 0 ]; then
            result "FAIL $name/exit-status-$rc"
        elif ! grep -q '^RTSHM-RESULT ' /tmp/rtshm-out; then
            result "FAIL $name/no-results"
        fi
        [ -e /dev/rtshm ] || load_module   # the test may have unloaded it
    done
    # Kernel messages can land in the middle of a console line; repeat the
    # results with console logging muted so the host parses clean lines.
    echo 1 >/proc/sys/kernel/printk
    echo RTSHM-SUMMARY-BEGIN
    cat /tmp/rtshm-results
    echo RTSHM-SUMMARY-END
}

run_script() {
    if [ -f "/tests/bin/$1" ]; then
        (cd /tmp && sh "/tests/bin/$1" </dev/null 2>&1)
        echo "RTSHM-SCRIPT-EXIT $?"
    else
        echo "rtshm-init: /tests/bin/$1 missing"
        echo "RTSHM-SCRIPT-EXIT 127"
    fi
}

load_module
case $MODE in
    check) run_check ;;
    demo) run_script demo.sh ;;
    bench) run_script bench.sh ;;
esac
finish done
EOF
} >"$stage/init"
chmod 0755 "$stage/init"

mkdir -p "$(dirname "$out")"
# sorted names and fixed ownership: same inputs give the same archive
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
