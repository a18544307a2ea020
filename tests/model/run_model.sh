#!/bin/sh
# run_model.sh - check one Promela model with spin, for ctest.
#
#   run_model.sh MODEL.pml pass [-DNAME=VALUE...]
#   run_model.sh MODEL.pml fail PROPERTY [-DNAME=VALUE...]
#
# Generates the verifier (spin -a), compiles pan.c with $CC (default cc) in
# safety mode, runs an exhaustive search (./pan -m DEPTH) and judges it:
#   pass      the search completed with no error (no assertion violated,
#             no invalid end state, search depth never truncated);
#   fail P    spin found an error, the first one is the violation of the
#             ghost property P (assertion "!(P)"), and replaying its trail
#             (spin -t) reaches that same assertion.
# Prints the model, its parameters, states stored and the verdict.  A
# missing spin is a loud failure: scripts/install-deps.sh installs it.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 MODEL.pml pass|fail [PROPERTY] [-DNAME=VALUE...]" >&2
	exit 2
fi
model=$1
expect=$2
shift 2
prop=""
if [ "$expect" = fail ]; then
	prop=$1
	shift
fi
defs="$*"
CC=${CC:-cc}
DEPTH=${SPIN_DEPTH:-100000}

if ! command -v spin >/dev/null 2>&1; then
	echo "FAIL: spin is not installed (run scripts/install-deps.sh)" >&2
	exit 1
fi

name=$(basename "$model")
work=$(mktemp -d "${TMPDIR:-/tmp}/dpamt-model.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cp "$(dirname "$model")"/*.pml "$work"/
cd "$work"

# Correct models run without the trail printfs (fewer states); a broken
# one keeps them so its trail tells the story.
if [ "$expect" = pass ]; then
	defs="-DNO_MSC${defs:+ $defs}"
fi
# shellcheck disable=SC2086
if ! spin -a $defs "$name" >spin.log 2>&1; then
	cat spin.log
	echo "FAIL: spin -a $name did not generate a verifier" >&2
	exit 1
fi
if ! "$CC" -O2 -DSAFETY -DCOLLAPSE -w -o pan pan.c >cc.log 2>&1; then
	cat cc.log
	echo "FAIL: pan.c did not compile" >&2
	exit 1
fi
./pan -m"$DEPTH" >pan.log 2>&1 || true

errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' pan.log | head -n 1)
states=$(awk '/states, stored/ { print $1; exit }' pan.log)
depth=$(sed -n 's/.*depth reached \([0-9][0-9]*\).*/\1/p' pan.log | head -n 1)
echo "model=$name params=[${defs}] states=${states:-?} depth=${depth:-?}" \
	"errors=${errors:-?}"

if [ -z "$errors" ]; then
	cat pan.log
	echo "FAIL: could not read the verifier's result" >&2
	exit 1
fi
if grep -q "max search depth too small" pan.log; then
	cat pan.log
	echo "FAIL: search truncated at depth $DEPTH" >&2
	exit 1
fi

if [ "$expect" = pass ]; then
	if [ "$errors" -ne 0 ]; then
		cat pan.log
		# shellcheck disable=SC2086
		spin -t -p -g $defs "$name" 2>&1 | tail -n 80
		echo "FAIL: $name should verify, spin found an error" >&2
		exit 1
	fi
	echo "PASS: $name verified, every property holds"
	exit 0
fi

# expect = fail: the bug must be found and must be the expected one.
if [ "$errors" -eq 0 ]; then
	cat pan.log
	echo "FAIL: $name is broken on purpose but spin found no error" >&2
	exit 1
fi
first=$(grep -m 1 "assertion violated" pan.log || true)
case $first in
*"!($prop)"*) ;;
*)
	cat pan.log
	echo "FAIL: expected a violation of $prop, got: ${first:-none}" >&2
	exit 1
	;;
esac
# shellcheck disable=SC2086
spin -t -p -g $defs "$name" >trail.log 2>&1 || true
if ! grep -q "text of failed assertion: assert(!($prop))" trail.log; then
	tail -n 40 trail.log
	echo "FAIL: the trail does not replay to the violation of $prop" >&2
	exit 1
fi
steps=$(grep -c '^ *[0-9][0-9]*:.*proc' trail.log || true)
echo "trail ($steps steps), the SEAMCALLs and host events along it:"
grep '^[[:space:]]*MSC:' trail.log | sed 's/^[[:space:]]*MSC:/ /' | head -n 60
echo "PASS: $name: spin found the expected violation of $prop" \
	"after $states states"
