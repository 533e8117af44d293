#!/bin/bash
# Boot a Debian kernel with an rtshm initramfs in QEMU (TCG, no KVM needed).
#
#   tests/vm/run-vm.sh --kver KVER --kernel IMAGE --initrd FILE --log FILE
#                      [--show] [--mem MiB] [--smp N] [--timeout SECONDS]
#                      [--append EXTRA] [--qemu-opt ARG]...
#
# IMAGE is the kernel to boot (for the kernels of tests/kernels.list, the
# IMAGE field of `tests/kernels.sh list`); KVER, its release, only names it
# in messages.
# --qemu-opt adds one argument to the QEMU command line (repeat it for each
# word), e.g. the NUMA layout of the large-memory tests.
# The serial console goes to the log (terminal escapes and CRs stripped), and
# to stdout as well with --show. Exit 0 only if the guest printed RTSHM-DONE.
# Defaults: --mem 512 --smp 2 --timeout 900.
set -euo pipefail

usage() {
    echo "usage: $0 --kver KVER --kernel IMAGE --initrd FILE --log FILE [--show]" \
         "[--mem MiB] [--smp N] [--timeout SECONDS] [--append EXTRA]" \
         "[--qemu-opt ARG]..." >&2
    exit 2
}

kver='' initrd='' log='' show=0 mem=512 smp=2 timeout=900 append='' kernel=''
extra=()
while [ $# -gt 0 ]; do
    case $1 in
        --kver) kver=${2:?}; shift 2 ;;
        --initrd) initrd=${2:?}; shift 2 ;;
        --log) log=${2:?}; shift 2 ;;
        --show) show=1; shift ;;
        --mem) mem=${2:?}; shift 2 ;;
        --smp) smp=${2:?}; shift 2 ;;
        --timeout) timeout=${2:?}; shift 2 ;;
        --append) append=${2?}; shift 2 ;;
        --kernel) kernel=${2:?}; shift 2 ;;
        --qemu-opt) extra+=("${2:?}"); shift 2 ;;
        *) usage ;;
    esac
done
if [ -z "$kver" ] || [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then usage; fi
[ -r "$kernel" ] || { echo "run-vm: cannot read $kernel" >&2; exit 1; }
[ -r "$initrd" ] || { echo "run-vm: cannot read $initrd" >&2; exit 1; }
mkdir -p "$(dirname "$log")"

# panic=-1 + -no-reboot: a guest panic ends QEMU at once instead of hanging.
# -nodefaults: no NIC, no disks, no VGA; the only device we use is ttyS0.
# stdin is /dev/null so QEMU never puts a terminal into raw mode.
# thread=multi: one host thread per vCPU (MTTCG), fine for x86 on x86.
accel=tcg,thread=multi
qemu=(qemu-system-x86_64 -machine q35 -accel "$accel" -cpu max
      -smp "$smp" -m "$mem" -nodefaults -no-user-config -nographic
      -serial stdio -monitor none -no-reboot
      -kernel "$kernel" -initrd "$initrd"
      -append "console=ttyS0 panic=-1 quiet loglevel=4 $append"
      ${extra[@]+"${extra[@]}"})

# SeaBIOS clears the screen with escape sequences and ends its last line with
# a bare CR; drop the escapes and CRLFs, and make a lone CR a line break so the
# guest's first line starts a line of its own.
clean='s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b.//g; s/\r$//; s/\r/\n/g'
sink() { if [ "$show" = 1 ]; then tee "$log"; else cat >"$log"; fi; }
# --foreground keeps QEMU in our process group, so Ctrl-C stops it too;
# sed -u so the log can be followed while the guest runs.
rc=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" </dev/null | sed -u "$clean" | sink || rc=$?
[ "$rc" = 124 ] && echo "run-vm: $kver: timed out after ${timeout}s" >&2

grep -qx RTSHM-DONE "$log" && exit 0
echo "run-vm: $kver: guest did not reach RTSHM-DONE (log: $log)" >&2
exit 1
