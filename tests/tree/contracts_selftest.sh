#!/bin/sh
# contracts_selftest.sh - prove scripts/check-contracts.sh can fail: on a
# temporary copy of dpamt.h and docs/host.md it must pass unchanged and
# fail, naming the culprit, after each of these edits: a function's
# Context: line removed (dpamt.h, tdxmod.h), a callback's kernel-doc block removed, a table
# row removed, a row for a function that does not exist added.
# Usage: contracts_selftest.sh ROOT
set -eu

root=$1
check=$root/scripts/check-contracts.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

fresh() {
	rm -rf "$tmp/r"
	mkdir -p "$tmp/r/include/dpamt" "$tmp/r/docs"
	cp "$root/include/dpamt/dpamt.h" "$root/include/dpamt/tdxmod.h" \
		"$root/include/dpamt/linux_seamcall.h" \
		"$tmp/r/include/dpamt/"
	cp "$root/docs/host.md" "$tmp/r/docs/"
}

# expect_fail LABEL NEEDLE: the check must fail and mention NEEDLE.
expect_fail() {
	if sh "$check" "$tmp/r" >"$tmp/out" 2>&1; then
		echo "FAIL: $1: check passed" >&2
		fails=$((fails + 1))
	elif ! grep -qF -- "$2" "$tmp/out"; then
		echo "FAIL: $1: output does not name $2:" >&2
		cat "$tmp/out" >&2
		fails=$((fails + 1))
	else
		echo "ok: $1: $(grep -F -- "$2" "$tmp/out" | head -1)"
	fi
}

fresh
if ! sh "$check" "$tmp/r"; then
	echo "FAIL: unmodified copy does not pass" >&2
	exit 1
fi

# 1. dpamt_put's Context: line (and its continuation) removed.
fresh
awk '/dpamt_put\(\) -/ { inb = 1 }
     inb && /Context:/ { skip = 1 }
     skip && /Return:/ { skip = 0; inb = 0 }
     !skip { print }' "$root/include/dpamt/dpamt.h" \
	>"$tmp/r/include/dpamt/dpamt.h"
expect_fail "Context: removed" "dpamt_put() kernel-doc block has no Context"

# 2. ops->relax's whole kernel-doc block removed.
fresh
awk '/^[ \t]*\/\*\*$/ { buf = $0; held = 1; next }
     held { buf = buf "\n" $0; if ($0 ~ /\*\//) { held = 0
            if (buf !~ /@relax:/) print buf } ; next }
     { print }' "$root/include/dpamt/dpamt.h" >"$tmp/r/include/dpamt/dpamt.h"
expect_fail "callback block removed" "ops->relax has no kernel-doc block"

# 2b. tdxmod_check()'s Context: line removed.
fresh
awk '/tdxmod_check\(\) -/ { inb = 1 }
     inb && /Context:/ { skip = 1 }
     skip && /Return:/ { skip = 0; inb = 0 }
     !skip { print }' "$root/include/dpamt/tdxmod.h" \
		"$root/include/dpamt/linux_seamcall.h" \
	>"$tmp/r/include/dpamt/tdxmod.h"
expect_fail "tdxmod Context: removed" "tdxmod_check() kernel-doc block has no Context"

# 3. the table row of dpamt_shrink() removed.
fresh
grep -v '^| `dpamt_shrink()`' "$root/docs/host.md" >"$tmp/r/docs/host.md"
expect_fail "table row removed" "table misses: dpamt_shrink()"

# 4. a row for a function that does not exist.
fresh
sed 's/^| `dpamt_stats()` |/| `dpamt_no_such()` | made up |\n&/' \
	"$root/docs/host.md" >"$tmp/r/docs/host.md"
expect_fail "unknown row added" "lists unknown: dpamt_no_such()"

# 5. with the kernel's parser present: an undescribed parameter fails it.
fresh
grep -v '^ \* @cache: the caller.s cache, or NULL\.$' \
	"$root/include/dpamt/dpamt.h" >"$tmp/r/include/dpamt/dpamt.h"
set +e
sh "$root/tests/tree/contracts_kernel_doc.sh" "$tmp/r" >"$tmp/out" 2>&1
rc=$?
set -e
case $rc in
77) echo "skip: kernel-doc case: $(cat "$tmp/out")" ;;
0) echo "FAIL: kernel-doc case: passed with @cache removed" >&2
   fails=$((fails + 1)) ;;
*) echo "ok: kernel-doc case: $(grep -F "not described" "$tmp/out" | head -1)" ;;
esac

[ "$fails" -eq 0 ] || { echo "contracts_selftest: $fails case(s) failed" >&2; exit 1; }
echo "contracts_selftest: every mutation caught"
