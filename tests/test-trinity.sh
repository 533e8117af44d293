#!/bin/sh
# trinity, the kernel's own syscall fuzzer (Debian's package, copied into the
# bindir by make tests), as rtuser1 against /dev/rtshm and its mappings.
# rtshm-trinity.so (tests/trinity-preload.c) binds the files trinity opens
# and gives its ioctls rtshm's commands, which trinity 1.9 cannot know.
#
# Syscalls: rtshm_trinity_ops=N on the kernel command line; else 1000000
# when rtshm_time_scale>1 (the sanitizer lane), else a short run for make
# check.  Passes if trinity ran them all, reached rtshm's commands and
# mappings, left no segment behind, the module unloads and loads again, and
# no splat appeared in the kernel log (the host checks the whole log too).
set -u
prog=test-trinity
bin=$(dirname "$0")
scale=${rtshm_time_scale:-1}
# 20000: 25 s on 6.12 and 50 s on 7.3-rt at the rates measured under TCG
# (800/s and 400/s, half that with the build machine busy)
short_ops=20000

result() { echo "RTSHM-RESULT $1 $prog/$2"; }
fail() { echo "  $prog/$1: $2"; result FAIL "$1"; failed=1; }

if [ ! -x "$bin/trinity" ] || [ ! -f "$bin/rtshm-trinity.so" ]; then
    echo "  $prog: no trinity in $bin (tests/deps.sh installs Debian's trinity;" \
         "make tests copies /usr/bin/trinity)"
    result SKIP trinity
    exit 0
fi
ops=${rtshm_trinity_ops:-}
case $ops in
    '' | *[!0-9]*)
        ops=$short_ops
        [ "$scale" -gt 1 ] && ops=1000000 ;;
esac

failed=0
dir=$(mktemp -d /tmp/trinity.XXXXXX)
# A tmpfs of its own: trinity's writes to its test files filled /tmp with
# 340 MiB of shmem and woke the OOM killer (7.3-rt, 512 MiB guest).
mount -t tmpfs -o size=32m,mode=0755 tmpfs "$dir"
# trinity's output and the preload's counters outside it: a full tmpfs
# would swallow them
out=$(mktemp /tmp/trinity-out.XXXXXX) stats=$(mktemp /tmp/trinity-stats.XXXXXX)
chown 1001:1001 "$stats"
# Trinity opens only one file of a one-file victim path; a directory of
# device nodes for the same minor gives it a file list of rtshm handles.
mkdir "$dir/victims"
maj=$(stat -c %t /dev/rtshm) min=$(stat -c %T /dev/rtshm)
for i in $(seq 1 32); do
    mknod -m 0666 "$dir/victims/rtshm$i" c $((0x$maj)) $((0x$min))
done
# Sockets only from a prepared cache (family, type, protocol as native
# ints; AF_INET datagram and stream): trinity 1.9's socket generation, and
# its socket options for families without a table of their own, pick
# random entries of its protocol table, some of them bad pointers.
printf '\002\000\000\000\002\000\000\000\000\000\000\000\002\000\000\000\001\000\000\000\000\000\000\000' \
    >"$dir/trinity.socketcache"
chown -R 1001:1001 "$dir"
splats='BUG:|WARNING:|Oops|general protection fault|Call Trace:|KASAN|UBSAN|refcount_t:|list_(add|del) corruption|invalid context|lockdep|circular locking|Kernel panic'
log_before=$(dmesg | wc -l)

# ioctl and the memory syscalls on trinity's fds: the rtshm files, pipes for
# splice/vmsplice/tee, its test files, and two sockets, because trinity
# 1.9's ioctl fd tests walk the socket, pipe and test-file lists without
# checking that their providers ran: disabled, every ioctl segfaults the
# child.  close and fork are calls trinity never makes.  16 children: much
# of trinity's time is calls that block until its 1 s alarm, so more
# children run more calls (4: 400/s, 16: 800/s, 32: no more, under TCG).
# Logging off (the console is enough).
calls="ioctl mmap munmap mremap madvise mprotect msync mlock mlock2 munlock mincore
 remap_file_pages read write pread64 pwrite64 readv writev open openat dup dup2
 dup3 fcntl lseek poll fsync splice vmsplice tee sendfile mbind move_pages
 migrate_pages process_vm_readv process_vm_writev"
args="-q -l off -C 16 -N $ops -V $dir/victims --enable-fds=pseudo,pipes,testfile,sockets"
for c in $calls; do args="$args -c $c"; done

# within init's limit of 300 s (times the scale) for a test program
limit=$((300 * scale - 45))
echo "  $prog: trinity, $ops syscalls (at most ${limit} s), as rtuser1, victims $dir/victims"
t0=$(date +%s)
su -s /bin/sh -c "cd $dir && RTSHM_TRINITY_STATS=$stats LD_PRELOAD=$bin/rtshm-trinity.so \
    exec timeout -k 5 $limit $bin/trinity $args" rtuser1 >"$out" 2>&1
rc=$?
t1=$(date +%s)
# trinity's last lines and the preload's counters
grep -E 'Ran [0-9]+ syscalls|Reached limit|tainted|rtshm-trinity:' "$out" | sed 's/^/  /'

ran=$(sed -n 's/.*Ran \([0-9]*\) syscalls.*/\1/p' "$out" | tail -n 1)
# a run cut short by timeout prints no total: its last progress line says how far it got
seen=${ran:-$(sed -n 's/.* \([0-9][0-9]*\) iterations\. \[F:.*/\1/p' "$out" | tail -n 1)}
secs=$((t1 - t0))
echo "  $prog: $(df -k "$dir" | awk 'NR == 2 { print $3 }') KiB in trinity's tmpfs," \
     "$(awk '/^(MemFree|Shmem):/ { printf "%s %s KiB ", $1, $2 }' /proc/meminfo)"
note=
[ -n "$ran" ] || note=" (by the last progress line)"
echo "  $prog: exit status $rc, ${seen:-no} syscalls$note in $secs s ($(( ${seen:-0} / (secs + 1) ))/s)"
if [ "$rc" -ne 0 ] || [ -z "$ran" ] || [ "$ran" -lt "$ops" ]; then
    tail -n 20 "$out" | sed 's/^/  | /'
    fail ran "trinity ran ${ran:-at least ${seen:-0}} of $ops syscalls (exit status $rc)"
else
    result PASS ran
fi

# The commands and the mappings were reached, not only trinity's noise.
if [ -s "$stats" ]; then
    # "rtshm-trinity: ioctl tried/ok: get_info 12/10 create 18/0 ..."
    tried=$(awk '/tried\/ok/ { for (i = 5; i <= NF; i += 2) { split($i, v, "/"); t += v[1]; o += v[2] } }
                 END { print t + 0, o + 0 }' "$stats")
    bound=$(awk '/ bound / { for (i = 1; i < NF; i++) if ($i == "bound") print $(i + 1) }' "$stats")
    # shellcheck disable=SC2086 # two numbers
    set -- $tried
    if [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "${bound:-0}" -gt 0 ]; then
        result PASS reached-rtshm
    else
        fail reached-rtshm "bound $bound files, $1 rtshm ioctls, $2 succeeded"
    fi
else
    fail reached-rtshm "the preload library wrote no counters (was it loaded?)"
fi

# Every trinity process gone (they are rtuser1's only), then no segment left.
i=0
while :; do
    # /proc/PID belongs to the process's effective uid
    pids=$(stat -c '%u %n' /proc/[0-9]* 2>/dev/null |
        awk '$1 == 1001 { sub("/proc/", "", $2); print $2 }')
    [ -z "$pids" ] && break
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        fail killed "rtuser1 processes left: $pids"
        break
    fi
    # shellcheck disable=SC2086 # one word per pid
    kill -9 $pids 2>/dev/null
    sleep 0.1
done
left=$(grep -vE '^(id name |total segments |pool bytes )' /proc/rtshm)
if [ -n "$left" ]; then
    echo "$left" | head -n 20 | sed 's/^/  | /'
    fail no-leak "$(echo "$left" | wc -l) segments left in /proc/rtshm"
else
    result PASS no-leak
fi

# shellcheck disable=SC2046 # one word per module parameter
if rmmod rtshm && insmod /lib/modules/rtshm.ko $(cat /etc/rtshm-modparams); then
    chmod 0666 /dev/rtshm
    result PASS reload
else
    lsmod | sed 's/^/  | /'
    fail reload "rmmod or insmod of rtshm failed"
fi

# mm/gup.c's notice that GUP was asked for an address below a stack comes
# with a stack dump on purpose (6.5 and later; trinity triggers it): not a
# splat, up to the end of that dump.
new=$(dmesg | tail -n +$((log_before + 1)) |
      awk '/GUP no longer grows the stack/ { d = 1 } d { if ($0 ~ /<\/TASK>/) d = 0; next } { print }' |
      grep -E "$splats")
if [ -n "$new" ]; then
    dmesg | tail -n +$((log_before + 1)) | head -n 60 | sed 's/^/  | /'
    fail log-clean "the kernel log has splats since trinity started"
else
    result PASS log-clean
fi
umount "$dir" && rmdir "$dir"
rm -f "$out" "$stats"
exit "$failed"
