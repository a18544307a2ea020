#!/bin/sh
# run_short.sh - one short libFuzzer run of a harness on its committed
# seeds, for the test suite: every seed is executed, then new inputs are
# explored for SECONDS.  New inputs go to a scratch directory (removed),
# never into the committed corpus.  A crash, leak, timeout or sanitizer
# report fails the test; the reproducer is left in $TMPDIR.
# usage: run_short.sh HARNESS FUZZ_DIR NAME SECONDS
set -eu
bin=$1 dir=$2 name=$3 secs=$4
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dpamt-fuzz-$name-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
dict=""
[ -f "$dir/dict/$name.dict" ] && dict="-dict=$dir/dict/$name.dict"
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -close_fd_mask=3 -print_final_stats=1 \
	-artifact_prefix="${TMPDIR:-/tmp}/dpamt-fuzz-$name-" $dict \
	"$scratch" "$dir/corpus/$name"
