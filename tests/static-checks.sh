#!/bin/bash
# Static checks of the kernel module, counted like tests:
#   module-builds-clean-W1  no compiler warnings at W=1, for every VM kernel
#   checkpatch-strict       checkpatch.pl --strict finds nothing
#   sparse                  make C=2 reports nothing
# Prints "RTSHM-RESULT PASS|FAIL static:<name>" lines; details of a failure
# go to build/static/<name>.log.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/static
mkdir -p "$out"
cd "$root" || exit 1

result() {	# name, status (0 = pass)
	if [ "$2" -eq 0 ]; then
		echo "RTSHM-RESULT PASS static:$1"
	else
		echo "RTSHM-RESULT FAIL static:$1 (see build/static/$1.log)"
	fi
}

# A warning line from the compiler, or "Error", in a kbuild log.
has_warnings() {
	grep -Eq '(warning|error):|\*\*\* ' "$1"
}

status=0
: > "$out/module-builds-clean-W1.log"
for kver in $(tests/deps.sh --print-kvers); do
	make --no-print-directory module KDIR="/usr/src/linux-headers-$kver" \
		>> "$out/module-builds-clean-W1.log" 2>&1 || status=1
done
has_warnings "$out/module-builds-clean-W1.log" && status=1
result module-builds-clean-W1 $status

make --no-print-directory checkpatch > "$out/checkpatch-strict.log" 2>&1
status=$?
grep -Eq '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out/checkpatch-strict.log" && status=1
result checkpatch-strict $status

make --no-print-directory sparse > "$out/sparse.log" 2>&1
status=$?
grep -Eq '(warning|error):' "$out/sparse.log" && status=1
result sparse $status
