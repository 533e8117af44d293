#!/bin/bash
# Boot one kernel with the rtshm module and run the guest demo (or bench)
# script, showing the console live.
#
#   tests/vm/demo.sh [--rt] [--bench] [--module rtshm.ko] [--bindir DIR]
#
# Defaults: the generic kernel, /tests/bin/demo.sh, the Makefile's layout
# (build/kmod/<kver>/kmod/rtshm.ko, build/tests/bin; with --bench
# build/bench/bin). Log: build/vm/<mode>.log.  `make bench` uses
# tests/vm/bench.sh instead, which also gives the guest the memory, huge
# pages and IPC limits the benchmark needs.
# Exit 0 only if the VM finished and the guest script exited 0.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

kvers=$("$root/tests/deps.sh" --print-kvers)   # generic, then RT
kver=${kvers%%$'\n'*} mode=demo module='' bindir=''
while [ $# -gt 0 ]; do
    case $1 in
        --rt) kver=${kvers##*$'\n'}; shift ;;
        --bench) mode=bench; shift ;;
        --module) module=${2:?}; shift 2 ;;
        --bindir) bindir=${2:?}; shift 2 ;;
        *) sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
    esac
done
module=${module:-$root/build/kmod/$kver/kmod/rtshm.ko}
if [ "$mode" = bench ]; then
    bindir=${bindir:-$root/build/bench/bin}
else
    bindir=${bindir:-$root/build/tests/bin}
fi

out=$root/build/vm
"$here/mkinitramfs.sh" --out "$out/$mode.cpio.gz" --module "$module" \
    --bindir "$bindir" --mode "$mode"
"$here/run-vm.sh" --kver "$kver" --initrd "$out/$mode.cpio.gz" \
    --log "$out/$mode.log" --show --timeout 1800
# the VM finished; succeed only if the guest script did too
grep -qx 'RTSHM-SCRIPT-EXIT 0' "$out/$mode.log"
