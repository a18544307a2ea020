#!/bin/sh
# fuzz.sh - long libFuzzer campaigns over the harnesses of fuzz/.
#   scripts/fuzz.sh [-r RUNS | -t SECONDS] [-j JOBS] [HARNESS...]
# Builds build/fuzz (CC=clang, -DDPAMT_FUZZ=ON) if needed, then runs each
# harness (default: all four) in turn on a work corpus in
# ${FUZZ_WORK:-/tmp/dpamt-fuzz-work}/NAME seeded from fuzz/corpus/NAME
# (the committed seeds are never written), with its dictionary, -jobs JOBS
# (default 1).  Crashes land in the work directory as crash-*; make each
# one a regression seed (fuzz/corpus/NAME/) and a test.  To minimise the
# committed corpus after a campaign:
#   build/fuzz/fuzz/NAME -merge=1 fuzz/corpus/NAME.new fuzz/corpus/NAME WORK
# Prints the executions and the outcome per harness; exit 1 on a finding.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS="" SECS="" JOBS=1
while getopts r:t:j: o; do
	case $o in
	r) RUNS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	j) JOBS=$OPTARG ;;
	*) echo "usage: fuzz.sh [-r RUNS | -t SECONDS] [-j JOBS] [HARNESS...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$RUNS$SECS" ] || SECS=600
HARNESSES=${*:-"fuzz_trace fuzz_units fuzz_flags fuzz_scenario"}
WORK=${FUZZ_WORK:-/tmp/dpamt-fuzz-work}

if [ ! -x build/fuzz/fuzz/fuzz_trace ]; then
	CC=clang cmake -S . -B build/fuzz -DDPAMT_FUZZ=ON -DDPAMT_TESTS=OFF \
		>/dev/null
fi
cmake --build build/fuzz -j 2 >/dev/null

found=0
for h in $HARNESSES; do
	mkdir -p "$WORK/$h"
	limit="-max_total_time=$SECS"
	[ -n "$RUNS" ] && limit="-runs=$RUNS"
	echo "=== $h ($limit, $JOBS job(s)) ==="
	par=""
	[ "$JOBS" -gt 1 ] && par="-jobs=$JOBS -workers=$JOBS"
	# shellcheck disable=SC2086
	if (cd "$WORK" && "$ROOT/build/fuzz/fuzz/$h" $limit $par \
		-timeout=10 -rss_limit_mb=2048 -max_len=4096 -close_fd_mask=3 \
		-print_final_stats=1 -dict="$ROOT/fuzz/dict/$h.dict" \
		-artifact_prefix="$WORK/$h/" "$WORK/$h" "$ROOT/fuzz/corpus/$h" \
		>"$WORK/$h.log" 2>&1); then
		echo "$h: no finding"
	else
		echo "$h: FINDING (see $WORK/$h.log and $WORK/$h/crash-*)"
		found=1
	fi
	grep -hE "stat::number_of_executed_units|Done [0-9]+ runs" \
		"$WORK/$h.log" "$WORK"/fuzz-*.log 2>/dev/null | tail -2 || true
done
exit $found
