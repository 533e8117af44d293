#!/bin/sh
# Guest side of `make bench` (installed as /tests/bin/bench.sh in the bench
# initramfs; tests/vm/bench.sh boots it): raise the limits the benchmark
# needs, then run rtshm-bench, which prints the table between
# RTSHM-BENCH-BEGIN and RTSHM-BENCH-END.
#
# Kernel command line words read here (tests/vm/bench.sh passes them):
#   rtshm_bench_accel=qemu-tcg   the guest runs under QEMU TCG
#   rtshm_bench_quick=1          small iteration counts (a smoke run)
#   rtshm_bench_only=GROUP       only this row group (faults, cycle, open,
#                                access, tiers, pingpong, pshared, timer,
#                                rtsem, latency)
set -e

cmdline_word() {	# value of NAME=VALUE on the kernel command line
    for word in $(cat /proc/cmdline); do
        case $word in "$1"=*) echo "${word#*=}" ;; esac
    done
}

case $(cmdline_word rtshm_bench_accel) in
    qemu-tcg) accel="QEMU TCG software emulation (no KVM): absolute figures are slow and noisy, only ratios matter" ;;
    *) accel="not stated" ;;
esac
set -- --accel "$accel"
if [ "$(cmdline_word rtshm_bench_quick)" = 1 ]; then set -- "$@" --quick; fi
only=$(cmdline_word rtshm_bench_only)
if [ -n "$only" ]; then set -- "$@" --only "$only"; fi

# no kernel messages in the middle of the table
echo 1 >/proc/sys/kernel/printk

# rtshm limits: 60 000 live segments need max_segments >= 60 016; the
# byte limits only account, so let them cover all of the guest's memory
mem=$(awk '/^MemTotal:/ { printf "%d", $2 * 1024 }' /proc/meminfo)
param=/sys/module/rtshm/parameters
echo 65535 >$param/max_segments
echo "$mem" >$param/max_bytes
echo "$mem" >$param/max_user_bytes
# one mapping per live rtshm segment keeps it alive without a descriptor
echo 262144 >/proc/sys/vm/max_map_count
# 60 000 SysV segments: above IPCMNI (32768) only with ipcmni_extend
if ! echo 65536 >/proc/sys/kernel/shmmni 2>/dev/null; then
    echo "bench.sh: kernel.shmmni stays $(cat /proc/sys/kernel/shmmni) (boot with ipcmni_extend)"
fi

echo "== rtshm-bench $*"
rtshm-bench "$@"
