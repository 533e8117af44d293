#!/bin/sh
# Guest side of `make demo`: the vendor's RtCreateSharedMemory example,
# compiled unchanged: the RTX creator (a UNICODE build) creates and holds
# "Storage.Name"; the WIN32 opener (an ANSI build) reads it through a
# read-only view and answers through a writable one.
set -e
log=/tmp/rtx-creator.log
echo "== RTX shared-memory example on $(uname -r)"
rtx-seed-creator >"$log" 2>&1 &
creator=$!
# the creator is ready once it says so (it has then written its value)
until grep -q "waiting for the opener" "$log"; do
    kill -0 "$creator" 2>/dev/null || { cat "$log"; echo "creator failed"; exit 1; }
    sleep 0.1
done
cat "$log"
rtx-seed-opener
echo "== /proc/rtshm while the creator holds it (the opener has closed its handles)"
cat /proc/rtshm
kill -TERM "$creator"
status=0
wait "$creator" || status=$?
tail -n 1 "$log"
echo "== creator exited with $status; /proc/rtshm after it closed its handle"
cat /proc/rtshm
exit "$status"
