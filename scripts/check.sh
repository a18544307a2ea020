#!/bin/sh
# check.sh - build the configurations and run every test in each.
#   plain: -Werror, optimised;  asan: ASan+UBSan;  tsan: ThreadSanitizer;
#   fuzz: clang libFuzzer harnesses (fuzz/), each run ~10 s on its seeds.
# CHECK_CONFIGS="plain asan" limits the set (default: all four).
set -eu

JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
BUILD=${BUILD:-build}
CONFIGS=${CHECK_CONFIGS:-"plain asan tsan fuzz"}

for cfg in $CONFIGS; do
	if [ "$cfg" = fuzz ]; then
		echo "=== fuzz: configure and build (clang) ==="
		CC=clang cmake -S . -B "$BUILD/fuzz" -DDPAMT_FUZZ=ON \
			-DDPAMT_TESTS=OFF >/dev/null
		cmake --build "$BUILD/fuzz" -j "$JOBS"
		echo "=== fuzz: short runs on the committed seeds ==="
		ctest --test-dir "$BUILD/fuzz" -L fuzz --output-on-failure
		continue
	fi
	case $cfg in
	plain) san=none ;;
	asan) san=asan ;;
	tsan) san=tsan ;;
	*) echo "check: unknown configuration $cfg" >&2; exit 2 ;;
	esac
	echo "=== $cfg: configure and build ==="
	cmake -S . -B "$BUILD/$cfg" -DDPAMT_SANITIZE=$san -DDPAMT_BUILD_TESTS=ON \
		>/dev/null
	cmake --build "$BUILD/$cfg" -j "$JOBS"
	echo "=== $cfg: test ==="
	# TSan: fail on the first report; second_deadlock_stack for lock bugs.
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		ctest --test-dir "$BUILD/$cfg" --output-on-failure -j "$JOBS"
done
echo "check: all configurations passed ($CONFIGS)"
