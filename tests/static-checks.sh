#!/bin/bash
# Static checks of the kernel module, counted like tests:
#   module-builds-clean-W1:NAME  no compiler warnings at W=1, per kernel of
#                           tests/kernels.list (in its build root)
#   checkpatch-strict:SERIES  checkpatch.pl --strict of each kernel series of
#                           the list finds nothing
#   sparse:NAME             make C=2 with that kernel's headers checks every
#                           file and reports nothing; SKIP where the kernel
#                           needs a newer sparse than Debian has (7.3 wants
#                           __typeof_unqual__, which sparse 0.6.4 lacks)
# Prints "RTSHM-RESULT PASS|FAIL|SKIP static:<name>" lines; details of a
# failure go to build/static/<name>.log.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/static
mkdir -p "$out"
cd "$root" || exit 1

result() {	# name, status (0 = pass, 2 = skip)
	if [ "$2" -eq 2 ]; then
		echo "RTSHM-RESULT SKIP static:$1 (see build/static/$1.log)"
	elif [ "$2" -eq 0 ]; then
		echo "RTSHM-RESULT PASS static:$1"
	else
		echo "RTSHM-RESULT FAIL static:$1 (see build/static/$1.log)"
	fi
}

# A warning line from the compiler, or "Error", in a kbuild log.
has_warnings() {
	grep -Eq '(warning|error):|\*\*\* ' "$1"
}

for k in $(tests/kernels.sh names); do
	log=module-builds-clean-W1:$k
	rel=$(tests/kernels.sh release "$k")
	make --no-print-directory module-for KNAME="$k" KOUT="build/kmod/$rel" \
		> "$out/$log.log" 2>&1
	status=$?
	has_warnings "$out/$log.log" && status=1
	result "$log" $status
done

# checkpatch.pl of every kernel series in the list: newer ones know more rules
for series in $(for k in $(tests/kernels.sh names); do
		tests/kernels.sh checkpatch "$k" | sed 's|.*/checkpatch-\([^/]*\)/.*|\1|'
	done | sort -uV); do
	log=checkpatch-strict:$series
	make --no-print-directory checkpatch \
		CHECKPATCH="${RTSHM_CACHE:-/var/cache/rtshm}/checkpatch-$series/scripts/checkpatch.pl" \
		> "$out/$log.log" 2>&1
	status=$?
	grep -Eq '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out/$log.log" && status=1
	result "$log" $status
done

for k in $(tests/kernels.sh names); do
	log=$out/sparse:$k.log
	make --no-print-directory sparse KERNELS="$k" > "$log" 2>&1
	status=$?
	grep -Eq '(warning|error):' "$log" && status=1
	# kbuild turns C=2 off with only this warning when sparse is too old
	if grep -q 'is not available or not up to date' "$log"; then
		status=2
	elif ! grep -q ' CHECK .*kmod/main\.c' "$log"; then
		echo "sparse: no file was checked" >>"$log"
		status=1
	fi
	result "sparse:$k" $status
done
