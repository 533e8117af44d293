#!/bin/bash
# Host side of `make bench`: boot each kernel in QEMU with room for the
# benchmark, run rtshm-bench there, and print its table.
#
#   tests/vm/bench.sh [--quick] [--only GROUP] [--append 'KERNEL ARGS']
#
# Kernels: those of tests/kernels.list that $KERNELS selects (tests/kernels.sh;
# default: all), in list order, one after the other so they do not slow
# each other down.  Needs build/bench/bin (rtshm-bench, bench.sh: `make
# bench-bin`) and the module per kernel (build/kmod/<release>/kmod/rtshm.ko:
# `make vm-modules`).  Per kernel: the serial log
# build/bench/bench-<release>.log and the table build/bench/bench-<release>.txt.
# --quick runs small iteration counts, --only one row group (faults, cycle,
# open, access, tiers, pingpong, latency, ...), --append adds guest kernel
# arguments (--append preempt=full: a generic kernel fully preemptible).
# Exit 0 only if every VM ran the benchmark to the end with a clean kernel
# log (the core of tests/vm/check.sh's splat patterns).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

quick='' only='' extra=''
if [ -n "${BENCH_KERNELS:-}" ]; then
    echo "bench.sh: BENCH_KERNELS is gone; select kernels with KERNELS= (tests/kernels.list)" >&2
    exit 2
fi
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=rtshm_bench_quick=1; shift ;;
        --only) only=rtshm_bench_only=${2:?}; shift 2 ;;
        --append) extra=${2:?}; shift 2 ;;
        *) sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
    esac
done

list=$("$root/tests/kernels.sh" list)
[ -n "$list" ] || { echo "bench.sh: no kernels selected" >&2; exit 2; }

out=$root/build/bench
bindir=$out/bin
for f in rtshm-bench bench.sh; do
    [ -x "$bindir/$f" ] || { echo "bench.sh: no $bindir/$f (make bench-bin)" >&2; exit 1; }
done

# 2 GiB guest.  Huge pages for SysV SHM_HUGETLB: the 256 MiB first-touch
# row needs 128 of 2 MiB, the access rows at most 32 more at a time.
# ipcmni_extend lets kernel.shmmni go past 32768 for 60 000 SysV segments.
mem=2048 hugepages=160
# a 256 MiB reserved pool for the tier rows, as in the large test VMs
pool_base=0x60000000 pool_size=0x10000000
splats='BUG:|WARNING:|Oops|general protection fault|Call Trace:|Kernel panic'
splats+='|sleeping function called from invalid context|INFO: task .* blocked'
status=0
while read -r name kver _ image <&3; do
    module=$root/build/kmod/$kver/kmod/rtshm.ko
    log=$out/bench-$kver.log table=$out/bench-$kver.txt
    echo "== bench: $name ($kver; QEMU TCG, 2 vCPUs, $mem MiB; log $log)"
    # contig_tier=1: the tier rows measure it on the rt kernels too, where
    # it is off by default
    "$here/mkinitramfs.sh" --out "$out/bench-$kver.cpio.gz" --module "$module" \
        --bindir "$bindir" --mode bench \
        --modparams "pool_base=$pool_base pool_size=$pool_size contig_tier=1"
    rm -f "$table"
    if ! "$here/run-vm.sh" --kver "$kver" --kernel "$image" \
            --initrd "$out/bench-$kver.cpio.gz" --log "$log" \
            --mem "$mem" --smp 2 --timeout 900 \
            --append "hugepages=$hugepages ipcmni_extend memmap=256M\$$pool_base rtshm_bench_accel=qemu-tcg $quick $only $extra"; then
        status=1
        continue
    fi
    sed -n '/^RTSHM-BENCH-BEGIN$/,/^RTSHM-BENCH-END$/p' "$log" | sed '1d;$d' >"$table"
    if ! grep -qx 'RTSHM-BENCH-END' "$log" || [ ! -s "$table" ]; then
        echo "bench.sh: $kver: no table in $log" >&2
        status=1
        continue
    fi
    cat "$table"
    echo "(written to ${table#"$root"/})"
    if ! grep -qx 'RTSHM-SCRIPT-EXIT 0' "$log"; then
        echo "bench.sh: $kver: the benchmark failed (see $log)" >&2
        status=1
    fi
    if sed -n '/^RTSHM-DMESG-BEGIN$/,/^RTSHM-DMESG-END$/p' "$log" | grep -E "$splats" >&2; then
        echo "bench.sh: $kver: the kernel log above is not clean (see $log)" >&2
        status=1
    fi
done 3<<<"$list"
exit $status
