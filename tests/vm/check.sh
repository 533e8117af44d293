#!/bin/bash
# Run the rtshm test programs on the real generic and PREEMPT_RT kernels.
#
#   tests/vm/check.sh [--module KEY=rtshm.ko]... [--bindir [KEY=]DIR]...
#                     [--only generic|rt] [--sequential] [--timeout SECONDS]
#
# KEY is a flavour (generic, rt) or a kernel release as printed by
# tests/deps.sh --print-kvers; --bindir without KEY= applies to every kernel.
# Defaults follow the Makefile: build/kmod/<kver>/kmod/rtshm.ko and
# build/tests/bin (so "make check" needs no arguments).
# Each kernel boots its own VM (both at once unless --sequential) in check mode
# (see mkinitramfs.sh for the guest protocol). Logs: build/vm/<flavour>-check.log.
# The last line printed is "N passed, N failed[, N skipped]"; exit 0 only if
# nothing failed and something passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/vm

usage() {
    sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

kvers=$("$root/tests/deps.sh" --print-kvers)   # generic, then RT
declare -A kver=([generic]=${kvers%%$'\n'*} [rt]=${kvers##*$'\n'})
declare -A module=() bindir=() image=() mem=()
for f in generic rt; do
    module[$f]=$root/build/kmod/${kver[$f]}/kmod/rtshm.ko
    bindir[$f]=$root/build/tests/bin
    image[$f]=/boot/vmlinuz-${kver[$f]}
    mem[$f]=512
done
flavours=(generic rt) parallel=1 vm_timeout=1800

# --debug-tree DIR: the sanitizer kernel built by tests/debug-kernel.sh is the
# only flavour; KASAN's shadow memory needs a larger guest.
add_debug_flavour() {
    local tree=$1
    kver[debug]=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")
    [ -n "${kver[debug]}" ] || { echo "check: $tree is not a built kernel tree" >&2; exit 2; }
    module[debug]=$root/build/kmod/${kver[debug]}/kmod/rtshm.ko
    bindir[debug]=${bindir[generic]}
    image[debug]=$tree/arch/x86/boot/bzImage
    mem[debug]=1024
    flavours=(debug)
}

# KEY=VALUE -> flavour name; prints nothing if KEY is unknown
flavour_of() {
    local f
    for f in "${!kver[@]}"; do
        if [ "$1" = "$f" ] || [ "$1" = "${kver[$f]}" ]; then echo "$f"; fi
    done
}

while [ $# -gt 0 ]; do
    case $1 in
        --module|--bindir)
            [ $# -ge 2 ] || usage
            arg=$2 keys=("${!kver[@]}")
            if [[ $arg == *=* ]]; then
                f=$(flavour_of "${arg%%=*}")
                [ -n "$f" ] || { echo "check: unknown kernel '${arg%%=*}'" >&2; exit 2; }
                keys=("$f") arg=${arg#*=}
            elif [ "$1" = --module ]; then
                usage   # one module cannot fit both kernels
            fi
            for f in "${keys[@]}"; do
                if [ "$1" = --module ]; then module[$f]=$arg; else bindir[$f]=$arg; fi
            done
            shift 2 ;;
        --only) flavours=("$(flavour_of "${2:-}")"); [ -n "${flavours[0]}" ] || usage; shift 2 ;;
        --debug-tree) add_debug_flavour "${2:?}"; shift 2 ;;
        --sequential) parallel=0; shift ;;
        --timeout) vm_timeout=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done

mkdir -p "$out"
# Two runs in one tree would overwrite each other's initramfs and logs.
exec 9>"$out/.check.lock"
if ! flock -n 9; then
    echo "check: waiting for another check.sh in this tree to finish"
    flock 9
fi
for f in "${flavours[@]}"; do
    m=${module[$f]} b=${bindir[$f]}
    if [ ! -f "$m" ] || [ ! -d "$b" ]; then
        echo "check: missing $m or $b (run make vm-modules tests first)" >&2
        exit 1
    fi
    # a module built for the other kernel would only fail inside the VM
    magic=$(modinfo -F vermagic "$m" | cut -d' ' -f1)
    if [ "$magic" != "${kver[$f]}" ]; then
        echo "check: $m is built for '$magic', not $f kernel ${kver[$f]}" >&2
        exit 1
    fi
    "$here/mkinitramfs.sh" --out "$out/$f-check.cpio.gz" --module "$m" \
        --bindir "$b" --mode check
done

boot() {
    local f=$1 t0=$SECONDS
    "$here/run-vm.sh" --kver "${kver[$f]}" --kernel "${image[$f]}" --mem "${mem[$f]}" \
        --initrd "$out/$f-check.cpio.gz" --log "$out/$f-check.log" \
        --timeout "$vm_timeout" || true
    echo "check: $f (${kver[$f]}) VM finished in $((SECONDS - t0))s"
}

t0=$SECONDS
if [ "$parallel" = 1 ]; then
    # Measured on 2 host cores: boot-only runs take ~9s in parallel vs ~12s
    # one after the other, the test suite ~15-25s vs ~24-40s; booting is
    # mostly single-threaded, so two guests share the cores well.
    for f in "${flavours[@]}"; do boot "$f" & done
    wait
else
    for f in "${flavours[@]}"; do boot "$f"; done
fi
echo "check: all VMs done in $((SECONDS - t0))s"

passed=0 failed=0 skipped=0
record() {   # record STATUS NAME
    case $1 in
        PASS) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)); echo "FAIL $2" ;;
    esac
}

splats='BUG:|WARNING:|Oops|kernel BUG at|general protection fault'
splats+='|sleeping function called from invalid context|possible recursive locking detected'
splats+='|possible circular locking dependency|inconsistent lock state|INFO: task .* blocked'
splats+='|Call Trace:|KASAN|suspected memory leak|UBSAN|list_add corruption|list_del corruption|refcount_t:'
splats+='|Kernel panic|unreferenced object'
# harmless taint notices, and intact protocol lines (test names are free text)
benign='module verification failed: signature and/or required key missing'
benign+='|loading out-of-tree module taints kernel'
benign+='|^RTSHM-RUN [^ ]+$|^RTSHM-RESULT (PASS|FAIL|SKIP) [^ ]+$'

# Print the splat lines of a log with a little context (at most ~60 lines);
# fails if there are any.
show_splats() {
    awk -v pat="$splats" -v ign="$benign" '
        { line[NR] = $0 }
        $0 ~ pat && $0 !~ ign { hit[NR] = 1; n++ }
        END {
            for (i = 1; i <= NR && shown < 60; i++) {
                if (!hit[i]) continue
                from = i - 2 < last + 1 ? last + 1 : i - 2
                if (from > last + 1 && last) print "    ..."
                for (j = from; j <= i + 8 && j <= NR && shown < 60; j++) {
                    print "    " line[j]; shown++; last = j
                }
            }
            if (shown >= 60) print "    ... (" n " matching lines in all)"
            exit n > 0
        }' "$1"
}

for f in "${flavours[@]}"; do
    log=$out/$f-check.log
    [ -f "$log" ] || : >"$log"
    # Prefer the summary block: the live lines may be split by kernel output.
    if grep -qx RTSHM-SUMMARY-END "$log"; then
        results=$(sed -n '/^RTSHM-SUMMARY-BEGIN$/,/^RTSHM-SUMMARY-END$/p' "$log")
    else
        results=$(cat "$log")
    fi
    while read -r _ status name; do
        record "$status" "$f:$name"
    done < <(grep -oE 'RTSHM-RESULT (PASS|FAIL|SKIP) [^[:space:]]+' <<<"$results" || true)

    if grep -q RTSHM-INSMOD-FAILED "$log"; then record FAIL "$f:insmod"; fi
    if grep -qx RTSHM-DONE "$log"; then
        record PASS "$f:vm-completed"
    else
        record FAIL "$f:vm-completed"
        echo "    last console lines of $log:"
        tail -n 15 "$log" | sed 's/^/    /'
    fi
    if splats_found=$(show_splats "$log"); then
        record PASS "$f:kernel-log-clean"
    else
        record FAIL "$f:kernel-log-clean"
        echo "$splats_found"
    fi
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
