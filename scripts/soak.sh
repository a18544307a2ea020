#!/bin/sh
# soak.sh - create/destroy soak: N cycles (default 100) of a mixed set --
# a TD with huge pages and conversion, a 4K TD, a legacy VM -- for every
# production strategy, pair pool off and on, BUSY injection 0 and 0.3.
# Each run must exit 0 (the sim checks invariants, leaks and residue after
# every cycle); every cycle_end row of its timeline must show 0 pairs
# installed (the pair balance per cycle); and its peak RSS must not grow
# with the cycle count (N cycles vs N/10, at most +20% + 4 MiB).
#   scripts/soak.sh [-n CYCLES] [-b DPAMT_BINARY]
# Prints one line of figures per run; exit 1 on any failure.
set -eu
N=100
BIN=build/plain/dpamt
while getopts n:b: o; do
	case $o in
	n) N=$OPTARG ;;
	b) BIN=$OPTARG ;;
	*) echo "usage: soak.sh [-n CYCLES] [-b DPAMT_BINARY]" >&2; exit 2 ;;
	esac
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dpamt-soak-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
SET="--td 64M,vcpus=2,huge=50,convert=30 --td 32M,vcpus=1 --vm 32M,vcpus=1"
SHORT=$((N / 10 > 0 ? N / 10 : 1))
fail=0

# peak RSS in KiB of one run (its exit status in $tmp/rc)
rss_of() {
	/usr/bin/time -f "%M" -o "$tmp/rss" "$BIN" sim $SET --threads 2 \
		--seamcall-ns all=0 --quiet "$@" >/dev/null 2>"$tmp/err" &&
		echo 0 >"$tmp/rc" || echo $? >"$tmp/rc"
	tail -1 "$tmp/rss"
}

for st in global-lock hashed lockless; do
	for pool in off on; do
		for busy in 0 0.3; do
			args="--strategy $st --pair-pool $pool --busy-inject $busy"
			# shellcheck disable=SC2086
			rss_short=$(rss_of $args --cycles "$SHORT")
			# shellcheck disable=SC2086
			rss_long=$(rss_of $args --cycles "$N" \
				--timeline "$tmp/t.csv")
			rc=$(cat "$tmp/rc")
			ends=$(grep -c ',cycle_end,' "$tmp/t.csv" || true)
			bad=$(awk -F, '$2 == "cycle_end" && $4 != 0' "$tmp/t.csv" |
				wc -l)
			grow_ok=$((rss_long <= rss_short * 12 / 10 + 4096))
			echo "soak $st pool=$pool busy=$busy cycles=$N: exit $rc," \
			     "cycle_ends $ends, cycles with pairs left $bad," \
			     "peak RSS ${rss_short} KiB ($SHORT cycles) ->" \
			     "${rss_long} KiB ($N cycles)"
			if [ "$rc" != 0 ] || [ "$ends" != "$N" ] ||
			   [ "$bad" != 0 ] || [ "$grow_ok" != 1 ]; then
				echo "soak: FAILED ($st pool=$pool busy=$busy)" >&2
				head -5 "$tmp/err" >&2
				fail=1
			fi
		done
	done
done
[ $fail = 0 ] && echo "soak: all runs clean"
exit $fail
