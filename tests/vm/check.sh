#!/bin/bash
# Run the rtshm test programs on the kernels of tests/kernels.list.
#
#   tests/vm/check.sh [--module KEY=rtshm.ko]... [--bindir [KEY=]DIR]...
#                     [--debug-tree [LANE=]TREE]... [--only FLAVOUR]
#                     [--sequential] [--timeout SECONDS]
#
# Flavours: one per kernel of the list, named as there (6.1, 6.12-rt, ...):
# a 512 MiB guest running every test-* but test-large*; and for kernels
# marked "large", NAME-large: the same kernel in a 2 GiB guest with two NUMA
# nodes and a 256 MiB pool reserved with memmap=, running only test-large*.
# $KERNELS selects kernels as everywhere (tests/kernels.sh).
# KEY is a flavour or a kernel release; a large flavour takes the module and
# bindir of its kernel's flavour unless given its own; --bindir without KEY=
# applies to all.  Defaults follow the Makefile: build/kmod/<release>/kmod/
# rtshm.ko and build/tests/bin (so "make check" needs no arguments).
# Each flavour boots its own VM in check mode, two at a time unless
# --sequential, small guests first (see mkinitramfs.sh for the guest
# protocol).  Logs: build/vm/<flavour>-check.log.
# --debug-tree: instead of the list's kernels, the sanitizer kernel TREE
# built by tests/debug-kernel.sh (repeat it for each lane of `make
# check-debug`), as flavour debug-LANE (plain "debug" without LANE=): a
# 1 GiB guest running every test-* but test-large*, with longer time limits
# (see add_debug_flavour) unless --timeout is given.
# The last line printed is "N passed, N failed[, N skipped]"; exit 0 only if
# nothing failed and something passed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/vm

usage() {
    sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

declare -A kver=() module=() bindir=() image=() mem=() smp=() qemu_opts=() append=() modparams=()
declare -A tests=() exclude=() base=()
flavours=()
# The large-memory guests: 2 GiB in two NUMA nodes of 1 GiB (node 0 at
# 0-1 GiB, node 1 at 1-2 GiB), and 256 MiB at 1.5 GiB (in node 1) kept from
# the kernel with memmap= for the reserved pool.  The limits are raised so
# quotas (a quarter of RAM by default) never decide these tests.
large_qemu="-object memory-backend-ram,id=m0,size=1G -numa node,nodeid=0,cpus=0,memdev=m0"
large_qemu+=" -object memory-backend-ram,id=m1,size=1G -numa node,nodeid=1,cpus=1,memdev=m1"
large_pool_base=0x60000000 large_pool_size=0x10000000
large_flavours=()
while read -r name rel large img; do
    f=$name
    kver[$f]=$rel
    module[$f]=$root/build/kmod/$rel/kmod/rtshm.ko
    bindir[$f]=$root/build/tests/bin
    image[$f]=$img
    mem[$f]=512
    tests[$f]='test-*' exclude[$f]='test-large*'
    flavours+=("$f")
    [ "$large" = yes ] || continue
    f=$name-large
    base[$f]=$name
    kver[$f]=$rel
    image[$f]=$img
    mem[$f]=2048
    # one CPU per socket: CPUs of one node sharing a cache with another
    # node's make the kernel warn about the topology
    smp[$f]=2,sockets=2,cores=1,threads=1
    qemu_opts[$f]=$large_qemu
    # movablecore=: a ZONE_MOVABLE the contig tier must leave alone
    append[$f]="memmap=256M\$$large_pool_base movablecore=128M"
    # the page allocator zeroes (init_on_alloc, Debian's default) in the
    # generic guests; in the rt ones the module must zero itself
    case $name in *-rt) append[$f]+=" init_on_alloc=0" ;; esac
    # contig_tier=1: the contig tier is off by default on PREEMPT_RT
    modparams[$f]="pool_base=$large_pool_base pool_size=$large_pool_size contig_tier=1"
    modparams[$f]+=" max_bytes=$((1536 << 20)) max_user_bytes=$((1536 << 20))"
    tests[$f]='test-large*' exclude[$f]=''
    large_flavours+=("$f")
done < <("$root/tests/kernels.sh" list)
flavours+=(${large_flavours[@]+"${large_flavours[@]}"})
[ ${#flavours[@]} -gt 0 ] || { echo "check: no kernels selected" >&2; exit 2; }
parallel=1 vm_timeout=1800 timeout_given=0

# --debug-tree [LANE=]TREE: a sanitizer kernel built by tests/debug-kernel.sh;
# the first one replaces the list's flavours.  KASAN's shadow memory needs a
# larger guest.
declare -A vm_timeouts=()
debug_trees=0
add_debug_flavour() {
    local f=debug tree=$1 scale vmt
    if [[ $tree == *=* ]]; then f=debug-${tree%%=*} tree=${tree#*=}; fi
    [ -f "$tree/.config" ] || { echo "check: $tree is not a built kernel tree" >&2; exit 2; }
    kver[$f]=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")
    [ -n "${kver[$f]}" ] || { echo "check: $tree is not a built kernel tree" >&2; exit 2; }
    module[$f]=$root/build/kmod/${kver[$f]}/kmod/rtshm.ko
    bindir[$f]=$root/build/tests/bin
    image[$f]=$tree/arch/x86/boot/bzImage
    mem[$f]=1024
    tests[$f]='test-*' exclude[$f]='test-large*'
    # Every time limit of the test programs (the harness's 240 s a case,
    # init's 300 s a program) times rtshm_time_scale, and the VM's own
    # limit.  Measured on 7.3+KASAN under TCG on 2 busy host cores: ~60
    # segments created and closed a second, so test-intime-ntx (one id
    # wrap-around, 65 534 of them) took 1221 s, test-intime-rt (two, in one
    # case) 2207 s and the whole VM 4490 s.  20, the harness's largest
    # scale, leaves 2x for two lanes' VMs sharing the cores.
    scale=20 vmt=14400
    append[$f]="rtshm_time_scale=$scale"
    vm_timeouts[$f]=$vmt
    [ "$debug_trees" -gt 0 ] || flavours=()
    debug_trees=$((debug_trees + 1))
    flavours+=("$f")
}

# KEY=VALUE -> flavour name; prints nothing if KEY is unknown.  A kernel
# release names its small flavour (the large one follows it).
flavour_of() {
    local f
    for f in "${!kver[@]}"; do
        if [ "$1" = "$f" ] || { [ -z "${base[$f]:-}" ] && [ "$1" = "${kver[$f]}" ]; }; then
            echo "$f"
        fi
    done
}
declare -A explicit=()

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
                explicit[$1:$f]=1
            done
            shift 2 ;;
        --only) flavours=("$(flavour_of "${2:-}")"); [ -n "${flavours[0]}" ] || usage; shift 2 ;;
        --debug-tree) add_debug_flavour "${2:?}"; shift 2 ;;
        --sequential) parallel=0; shift ;;
        --timeout) vm_timeout=${2:?} timeout_given=1; shift 2 ;;
        *) usage ;;
    esac
done

for f in "${!base[@]}"; do
    [ -n "${kver[${base[$f]}]:-}" ] || continue
    [ -n "${explicit[--module:$f]:-}" ] || module[$f]=${module[${base[$f]}]}
    [ -n "${explicit[--bindir:$f]:-}" ] || bindir[$f]=${bindir[${base[$f]}]}
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
        --bindir "$b" --mode check --modparams "${modparams[$f]:-}" \
        --tests "${tests[$f]:-test-*}" --exclude "${exclude[$f]:-}"
done

boot_once() {
    local f=$1 opt t=$vm_timeout
    local -a extra=()
    # word-split on purpose: options are plain words without spaces
    for opt in ${qemu_opts[$f]:-}; do extra+=(--qemu-opt "$opt"); done
    [ "$timeout_given" = 1 ] || t=${vm_timeouts[$f]:-$vm_timeout}
    "$here/run-vm.sh" --kver "${kver[$f]}" --kernel "${image[$f]}" --mem "${mem[$f]}" \
        --smp "${smp[$f]:-2}" \
        --initrd "$out/$f-check.cpio.gz" --log "$out/$f-check.log" \
        --append "${append[$f]:-}" ${extra[@]+"${extra[@]}"} \
        --timeout "$t" || true
}

# A kernel that dies before init has loaded rtshm failed on its own (seen
# once: Debian's 7.3 under QEMU TCG, an int3 Oops in kdamond 1.8 s into
# boot, from cross-CPU text patching); nothing of rtshm ran, so it boots
# once more.  The first log is kept and the line below says so; a second
# early death is judged like any other log.
boot() {
    local f=$1 t0=$SECONDS log=$out/$f-check.log
    rm -f "$out/$f-check.early-death.log"
    boot_once "$f"
    if ! grep -q -e RTSHM-MODULE-LOADED -e RTSHM-INSMOD-FAILED "$log"; then
        mv "$log" "$out/$f-check.early-death.log"
        echo "check: $f (${kver[$f]}) kernel died before rtshm was loaded" \
            "(log: $out/$f-check.early-death.log, last line: $(tail -n 1 "$out/$f-check.early-death.log" | tr -d '\r')); booting again"
        boot_once "$f"
    fi
    echo "check: $f (${kver[$f]}) VM finished in $((SECONDS - t0))s"
}

t0=$SECONDS
# Measured on 2 host cores: booting is mostly single-threaded and the tests
# mostly wait on each other, so two guests at a time share the cores well.
jobs_max=1
[ "$parallel" = 1 ] && jobs_max=2
for f in "${flavours[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
    boot "$f" &
done
wait
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

# A stack dump the kernel prints on purpose, not a fault: mm/gup.c's
# rate-limited notice (6.5 and later) that user space asked GUP for an
# address below a stack, which trinity's random syscalls do.  From the
# notice to the end of its dump, lines are not splats.
benign_dump='GUP no longer grows the stack'

# Print the splat lines of a log with a little context (at most ~60 lines);
# fails if there are any.
show_splats() {
    awk -v pat="$splats" -v ign="$benign" -v dump="$benign_dump" '
        { line[NR] = $0 }
        $0 ~ dump { indump = 1 }
        indump { if ($0 ~ /<\/TASK>/) indump = 0; next }
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
        # the failed check itself, so a CI log's tail says what went wrong
        if [ "$status" = FAIL ]; then
            grep -F -- "$name: " "$log" | head -n 5 | sed 's/^ */    /' || true
        fi
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
