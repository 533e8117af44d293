#!/bin/sh
# Guest side of `make demo`: a writer process and a reader process share a segment.
set -e
name=demo.segment
echo "== rtshm demo on $(uname -r)"
rtshm-demo write "$name" "hello from the writer process" &
writer=$!
# the writer is ready once its segment is listed
until grep -q " $name " /proc/rtshm; do sleep 0.1; done
rtshm-demo read "$name"
echo "== /proc/rtshm while both hold it"
cat /proc/rtshm
kill -TERM "$writer"
wait "$writer"
echo "== /proc/rtshm after the writer closed it"
cat /proc/rtshm
