#!/bin/sh
# bench/explore.sh - the full-size acceptance run of `dpamt sim --explore`
# (issue 9 section 3): on a small shared-ranges scenario, each broken
# strategy (and the linux-v3 reference) must be caught within NBROKEN
# seeds, each sound one (and linux-v6) must pass NPASS seeds, and a second
# run must give the same verdicts.  The test suite runs the small version
# (tests/sim/test_sim_explore.c).  A benchmark: it reports, never asserts
# a time; exit 1 if a verdict is not the expected one.
#
# usage: bench/explore.sh [BUILD_DIR]     (default build/plain)
# env:   NBROKEN (1000), NPASS (10000), REPEAT (1: run everything twice),
#        SIM_EXTRA (extra sim options, default "--sched pct"),
#        SCENARIO (default below), BROKEN, SOUND (strategy lists)
set -u
build=${1:-build/plain}
bin=$build/tests/dpamt-test          # broken-* live in the test CLI only
NBROKEN=${NBROKEN:-1000}
NPASS=${NPASS:-10000}
REPEAT=${REPEAT:-1}
SIM_EXTRA=${SIM_EXTRA:---sched pct}
SCENARIO=${SCENARIO:---td 4M,vcpus=4,churn=100 --td 4M,vcpus=4,churn=100 --shared-ranges on}
BROKEN=${BROKEN:-broken-v3-put broken-hint linux-v3}
SOUND=${SOUND:-global-lock hashed lockless linux-v6}

if [ ! -x "$bin" ]; then
	echo "explore.sh: $bin not found: build first (make or cmake --build)" >&2
	exit 2
fi

bad=0
# verdict STRATEGY N: prints "caught at seed K (K-th seed)" or "passed N"
verdict() {
	# shellcheck disable=SC2086 # word splitting of the option lists wanted
	err=$("$bin" sim $SCENARIO $SIM_EXTRA --strategy "$1" --seed 1 \
		--explore "$2" --quiet 2>&1 >/dev/null)
	rc=$?
	case $rc in
	0) echo "passed $2" ;;
	1) echo "caught at seed $(echo "$err" | sed -n 's/.*seed \([0-9]*\) failed.*/\1/p' | head -1)" ;;
	*) echo "error (exit $rc): $(echo "$err" | head -1)" ;;
	esac
}

echo "explore.sh: scenario: $SCENARIO $SIM_EXTRA"
echo "explore.sh: broken must be caught in <= $NBROKEN seeds, sound must pass $NPASS"
for run in $(seq 1 $((REPEAT + 1))); do
	echo "--- run $run"
	for s in $BROKEN; do
		t0=$(date +%s)
		v=$(verdict "$s" "$NBROKEN")
		echo "$s: $v ($(($(date +%s) - t0)) s)"
		case $v in caught*) ;; *) bad=1 ;; esac
		eval "v_${run}_$(echo "$s" | tr -c 'a-z0-9\n' _)=\"\$v\""
	done
	for s in $SOUND; do
		t0=$(date +%s)
		v=$(verdict "$s" "$NPASS")
		echo "$s: $v ($(($(date +%s) - t0)) s)"
		case $v in passed*) ;; *) bad=1 ;; esac
		eval "v_${run}_$(echo "$s" | tr -c 'a-z0-9\n' _)=\"\$v\""
	done
done
if [ "$REPEAT" -ge 1 ]; then
	for s in $BROKEN $SOUND; do
		k=$(echo "$s" | tr -c 'a-z0-9\n' _)
		eval "a=\$v_1_$k; b=\$v_2_$k"
		if [ "$a" != "$b" ]; then
			echo "explore.sh: $s: verdicts differ between runs: '$a' vs '$b'"
			bad=1
		fi
	done
	[ $bad = 0 ] && echo "explore.sh: same verdicts in both runs"
fi
exit $bad
