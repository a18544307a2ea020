#!/bin/sh
# bench/curves.sh - the sweeps behind docs/global-lock.md: CSV, JSON and
# one SVG per metric under OUT (default docs/curves/), on the virtual
# clock.  Sized for a small shared machine (2 cores): small TDs, so each
# point takes seconds; the scenario of each sweep is printed and stored
# next to its curves (OUT/NAME/command.txt).
#
# usage: bench/curves.sh [DPAMT_BINARY] [OUT]
#   (default build/plain/dpamt, docs/curves; env JOBS: parallel points,
#   JSON_DIR: where the sweeps' JSON go)
set -eu
dpamt=${1:-build/plain/dpamt}
out=${2:-docs/curves}
jobs=${JOBS:-2}
# The JSON (every point's whole report, ~1 MB a sweep) stays out of docs.
json_dir=${JSON_DIR:-${TMPDIR:-/tmp}/dpamt-curves-json}
mkdir -p "$json_dir"
STRATS=global-lock,hashed,lockless,linux-v6,linux-v3

# The boot workload: 16 TDs x 256 MiB, 32 vCPUs each (512 vCPUs), every
# page accepted at 4K, all booting at once, then torn down.
tds=""
for i in $(seq 1 16); do tds="$tds --td 256M,vcpus=32"; done

sweep() { # NAME ARGS...: one sweep into OUT/NAME
	name=$1
	shift
	mkdir -p "$out/$name"
	echo "dpamt sweep $*" >"$out/$name/command.txt"
	echo "== $name: dpamt sweep $*" >&2
	t0=$(date +%s)
	# A point that fails its checks (linux-v3's races, linux-v6 failing
	# gets under BUSY) is data here, not an error of the script.
	"$dpamt" sweep "$@" --jobs "$jobs" --quiet \
		--csv "$out/$name/$name.csv" --json "$json_dir/$name.json" \
		--plot-dir "$out/$name" || true
	echo "== $name: $(($(date +%s) - t0)) s" >&2
}

# 1. CPU count: the same boot on hosts of 4 ... 448 CPUs.
# shellcheck disable=SC2086 # the TD list is meant to split
sweep cpus $tds pcpus=4,8,16,32,64,128,256,448 strategy=$STRATS

# 2. Huge-page mix at 256 CPUs, with and without the pair-page pool.
# shellcheck disable=SC2086
sweep huge $tds --pcpus 256 huge=0,25,50,75,90 \
	strategy=global-lock,lockless,linux-v6 pair_pool=off,on

# 2b. The same mix at 448 CPUs, where all-4K is above 1%.
# shellcheck disable=SC2086
sweep huge448 $tds --pcpus 448 huge=0,25,50,75,90 \
	strategy=global-lock,linux-v6

# 3. Churn at 256 CPUs: of memory inside running TDs (churn=PCT: 8 rounds
# unmapping and refaulting that share of each TD's chunks), and of TDs
# (cycles=N: the whole set created and destroyed N times).
# shellcheck disable=SC2086
sweep churn $tds --pcpus 256 churn=0,25,50 \
	strategy=global-lock,hashed,lockless,linux-v6
# shellcheck disable=SC2086
sweep cycles $tds --pcpus 256 cycles=1,2,4 \
	strategy=global-lock,lockless,linux-v6

# 3b. Where linux-v6 meets BUSY: half the memory at 2M with a share
# converted (DEMOTE/PROMOTE next to installs), pool off/on; and BUSY
# injected into every SEAMCALL.
hugetds=""
for i in $(seq 1 16); do hugetds="$hugetds --td 256M,vcpus=32,huge=50"; done
# shellcheck disable=SC2086
sweep v6busy $hugetds --pcpus 256 convert=0,10,20,40 \
	strategy=global-lock,linux-v6 pair_pool=off,on
# shellcheck disable=SC2086
sweep inject $tds --pcpus 64 busy_inject=0,0.00001,0.0001,0.001 \
	strategy=global-lock,lockless,linux-v6

# 4. Sensitivity of global-lock to the main cost assumptions.
for add in 1500 3000 6000; do
	# shellcheck disable=SC2086
	sweep "sens_add$add" $tds --strategy global-lock \
		--seamcall-ns PHYMEM.PAMT.ADD=$add \
		--seamcall-ns PHYMEM.PAMT.REMOVE=$add \
		pcpus=16,32,64,128,256,448
done
# The cache-line transfer cost (70 ns measured here) prices the lock's
# hand-off and every host-core atomic on a word another CPU wrote last.
for transfer in 0 140; do
	# shellcheck disable=SC2086
	sweep "sens_transfer$transfer" $tds --strategy global-lock \
		--cost transfer_ns=$transfer pcpus=16,32,64,128,256,448
done
for fault in 750 3000; do
	# shellcheck disable=SC2086
	sweep "sens_fault$fault" $tds --strategy global-lock \
		--cost fault_ns=$fault pcpus=16,32,64,128,256,448
done

# 5. Calibration against the seed: its experiment (the default scenario:
# 10 x 16 GiB, 4 vCPUs, all 4K, booting at once) with linux-v3 on a host
# of 112 CPUs (docs/global-lock.md says why); the timeline gives the
# figures at the end of the boot.
mkdir -p "$out/calibration"
echo "dpamt sim --strategy linux-v3 --pcpus 112" >"$out/calibration/command.txt"
echo "== calibration" >&2
t0=$(date +%s)
"$dpamt" sim --strategy linux-v3 --pcpus 112 --quiet \
	--json "$out/calibration/report.json" \
	--timeline "$out/calibration/timeline.csv" || true
echo "== calibration: $(($(date +%s) - t0)) s" >&2
