#!/bin/bash
# Host side of `make demo`: boot each kernel of tests/kernels.list with the
# rtshm module, run the guest demo (tests/guest/demo.sh) there, and give a
# verdict per kernel.
#
#   tests/vm/demo.sh [--module KEY=rtshm.ko]... [--bindir DIR] [--timeout SECONDS]
#
# $KERNELS selects kernels as everywhere (tests/kernels.sh; default: all).
# KEY is a kernel name or release.  Defaults follow the Makefile:
# build/kmod/<release>/kmod/rtshm.ko and build/tests/bin.  Each kernel boots
# its own VM in demo mode (512 MiB, 2 vCPUs), two at a time, console not
# shown; log: build/vm/demo-<name>.log.  Once all are done, per kernel in
# list order: what the demo printed (without firmware and kernel messages;
# "same output as NAME" if it equals an earlier kernel's but for the
# release), its kernel log if it failed or V=1 is set, and the verdict line
# "demo NAME (RELEASE): PASS|FAIL".  A kernel passes if its VM ran to the end,
# the demo exited 0 and the kernel log has no splat (tests/vm/bench.sh's
# patterns).  `make bench` runs the benchmark (tests/vm/bench.sh).
# Exit 0 only if every kernel passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/vm

usage() {
    sed -n '6p' "$0" | sed 's/^# *//' >&2
    exit 2
}

list=$("$root/tests/kernels.sh" list)
[ -n "$list" ] || { echo "demo: no kernels selected" >&2; exit 2; }
declare -A rel=() image=() module=()
names=()
while read -r n r _ img; do
    names+=("$n")
    rel[$n]=$r image[$n]=$img module[$n]=$root/build/kmod/$r/kmod/rtshm.ko
done <<<"$list"
bindir=$root/build/tests/bin vm_timeout=1800

while [ $# -gt 0 ]; do
    case $1 in
        --module)
            [[ ${2:-} == *=* ]] || usage   # one module cannot fit every kernel
            key=${2%%=*} found=0
            for n in "${names[@]}"; do
                if [ "$key" = "$n" ] || [ "$key" = "${rel[$n]}" ]; then
                    module[$n]=${2#*=} found=1
                fi
            done
            [ "$found" = 1 ] || { echo "demo: '$key' is not a selected kernel" >&2; exit 2; }
            shift 2 ;;
        --bindir) bindir=${2:?}; shift 2 ;;
        --timeout) vm_timeout=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done

mkdir -p "$out"
# Two runs in one tree would overwrite each other's initramfs and logs.
exec 9>"$out/.demo.lock"
if ! flock -n 9; then
    echo "demo: waiting for another demo.sh in this tree to finish"
    flock 9
fi
[ -f "$bindir/demo.sh" ] || { echo "demo: no $bindir/demo.sh (make tests)" >&2; exit 1; }
for n in "${names[@]}"; do
    m=${module[$n]}
    [ -f "$m" ] || { echo "demo: no $m (make vm-modules)" >&2; exit 1; }
    # a module built for another kernel would only fail inside the VM
    magic=$(modinfo -F vermagic "$m" | cut -d' ' -f1)
    if [ "$magic" != "${rel[$n]}" ]; then
        echo "demo: $m is built for '$magic', not $n kernel ${rel[$n]}" >&2
        exit 1
    fi
    "$here/mkinitramfs.sh" --out "$out/demo-$n.cpio.gz" --module "$m" \
        --bindir "$bindir" --mode demo
done

boot() {
    local n=$1 t0=$SECONDS
    rm -f "$out/demo-$n.log"
    "$here/run-vm.sh" --kver "${rel[$n]}" --kernel "${image[$n]}" \
        --initrd "$out/demo-$n.cpio.gz" --log "$out/demo-$n.log" \
        --timeout "$vm_timeout" || true
    echo "demo: $n (${rel[$n]}) VM finished in $((SECONDS - t0))s"
}

t0=$SECONDS
# Two guests of 2 vCPUs at a time share 2 host cores well (as in check.sh).
for n in "${names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    boot "$n" &
done
wait
echo "demo: all VMs done in $((SECONDS - t0))s"

# As tests/vm/bench.sh.
splats='BUG:|WARNING:|Oops|general protection fault|Call Trace:|Kernel panic'
splats+='|sleeping function called from invalid context|INFO: task .* blocked'

# The demo's own lines: the console up to RTSHM-SCRIPT-EXIT (or the dmesg
# dump, if the script never ended), without the firmware lines before it and
# without kernel messages.  A kernel message can land in the middle of a
# demo line: the part before it and the line after it are joined again.
demo_output() {
    awk '
        /^RTSHM-SCRIPT-EXIT / || /^RTSHM-DMESG-BEGIN$/ { exit }
        {
            line = pending $0; pending = ""
            if (match(line, /\[ *[0-9]+\.[0-9]+\] /)) {
                if (RSTART > 1) pending = substr(line, 1, RSTART - 1)
                next
            }
            if (!started && line ~ /^(SeaBIOS |Booting from |iPXE|$)/) next
            started = 1
            print line
        }
        END { if (pending != "") print pending }' "$1"
}

indent() { sed 's/^/    /'; }

passed=0
failed_names=()
declare -A shown=()   # output with the release replaced -> first kernel printing it
echo
for n in "${names[@]}"; do
    r=${rel[$n]} log=$out/demo-$n.log
    [ -f "$log" ] || : >"$log"
    echo "== $n ($r)"
    output=$(demo_output "$log")
    key=${output//"$r"/@RELEASE@}
    if [ -z "$output" ]; then
        echo "    (no demo output)"
    elif [ -n "${shown[$key]:-}" ]; then
        echo "    (same output as ${shown[$key]})"
    else
        shown[$key]=$n
        indent <<<"$output"
    fi

    reasons=() splat=''
    if grep -qx RTSHM-INSMOD-FAILED "$log"; then
        reasons+=("the module did not load")
    elif rc=$(sed -n 's/^RTSHM-SCRIPT-EXIT \([0-9]*\)$/\1/p' "$log" | tail -n 1) && [ -n "$rc" ]; then
        [ "$rc" = 0 ] || reasons+=("the demo exited $rc")
    else
        reasons+=("the demo did not finish")
    fi
    grep -qx RTSHM-DONE "$log" || reasons+=("the VM did not run to the end")
    if grep -qx RTSHM-DMESG-END "$log"; then
        klog=$(sed -n '/^RTSHM-DMESG-BEGIN$/,/^RTSHM-DMESG-END$/p' "$log" | sed '1d;$d')
    else
        klog=''
    fi
    # no dmesg dump (the guest died): look for the splat on the console
    if splat=$(grep -E "$splats" <<<"${klog:-$(cat "$log")}"); then
        reasons+=("kernel log splat:")
    fi

    if [ ${#reasons[@]} -gt 0 ] || [ "${V:-}" = 1 ]; then
        if [ -n "$klog" ]; then
            echo "  kernel log:"
            indent <<<"$klog"
        else
            echo "  no kernel log dump; last console lines:"
            tail -n 30 "$log" | indent
        fi
    fi
    if [ ${#reasons[@]} -eq 0 ]; then
        echo "demo $n ($r): PASS"
        passed=$((passed + 1))
    else
        for reason in "${reasons[@]}"; do echo "  $reason"; done
        [ -z "${splat:-}" ] || head -n 20 <<<"$splat" | indent
        echo "demo $n ($r): FAIL (log: ${log#"$root"/})"
        failed_names+=("$n")
    fi
    echo
done

summary="demo: $passed passed, ${#failed_names[@]} failed"
[ ${#failed_names[@]} -eq 0 ] || summary+=" (${failed_names[*]})"
echo "$summary"
[ ${#failed_names[@]} -eq 0 ]
