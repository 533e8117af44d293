#!/bin/bash
# The whole test suite (`make check`): static checks of the module, host-side
# checks (tests/host-checks.sh), then every test program in QEMU on each
# kernel of tests/kernels.list ($KERNELS selects some).  The last
# line is the summary "N passed, N failed"; exit 0 only if nothing failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
mkdir -p build

static_log=build/static-results.txt
tests/static-checks.sh | tee "$static_log"

# Install, pkg-config, DKMS and man page checks on the host; they also build
# build/tests/bin/test-pkgconfig for the VMs, so they run first.
host_log=build/host-results.txt
tests/host-checks.sh | tee "$host_log"

vm_log=build/vm-results.txt
tests/vm/check.sh --bindir build/tests/bin 2>&1 | tee "$vm_log"

s_pass=$(cat "$static_log" "$host_log" | grep -c '^RTSHM-RESULT PASS')
s_fail=$(cat "$static_log" "$host_log" | grep -c '^RTSHM-RESULT FAIL')
s_skip=$(cat "$static_log" "$host_log" | grep -c '^RTSHM-RESULT SKIP')
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$vm_log" | tail -n 1)
if [ -z "$summary" ]; then
	echo "check: the VM run printed no summary" >&2
	v_pass=0 v_fail=1 v_skip=0
else
	v_pass=$(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')
	v_fail=$(echo "$summary" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	v_skip=$(echo "$summary" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
fi
passed=$((s_pass + v_pass))
failed=$((s_fail + v_fail))
skipped=$((s_skip + ${v_skip:-0}))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
