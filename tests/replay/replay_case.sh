#!/bin/sh
# replay_case.sh - run `dpamt replay` on one case file of tests/replay/cases
# and compare its exit status, stdout and stderr exactly with the
# directives the case carries in comments:
#   #=exit N        expected exit status (required)
#   #=args A...     arguments after `replay` (none given: the case file
#                   name; an empty #=args: no arguments)
#   #=stdin         feed the case file on stdin
#   #=stdout TEXT   one expected stdout line, in order (none: stdout empty;
#                   a bare #=stdout is an empty line)
#   #=stderr TEXT   one expected stderr line, in order (none: stderr empty)
# The case runs in its own directory, so messages name it without a path.
# usage: replay_case.sh DPAMT_BINARY CASE_FILE
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: we cd
dir=$(dirname "$2")
name=$(basename "$2")
cd "$dir" || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

want_rc=$(sed -n 's/^#=exit //p' "$name")
if grep -q '^#=args' "$name"; then
	args=$(sed -n 's/^#=args *//p' "$name")
else
	args=$name
fi
sed -n 's/^#=stdout \{0,1\}//p' "$name" >"$tmp/want_out"
sed -n 's/^#=stderr \{0,1\}//p' "$name" >"$tmp/want_err"
if [ -z "$want_rc" ]; then
	echo "$name: no #=exit directive" >&2
	exit 2
fi

if grep -q '^#=stdin' "$name"; then
	# shellcheck disable=SC2086
	"$bin" replay $args <"$name" >"$tmp/out" 2>"$tmp/err"
else
	# shellcheck disable=SC2086
	"$bin" replay $args </dev/null >"$tmp/out" 2>"$tmp/err"
fi
rc=$?

fail=0
if [ "$rc" != "$want_rc" ]; then
	echo "$name: exit status $rc, expected $want_rc" >&2
	fail=1
fi
if ! cmp -s "$tmp/want_out" "$tmp/out"; then
	echo "$name: stdout differs (- expected, + got):" >&2
	diff -u "$tmp/want_out" "$tmp/out" >&2
	fail=1
fi
if ! cmp -s "$tmp/want_err" "$tmp/err"; then
	echo "$name: stderr differs (- expected, + got):" >&2
	diff -u "$tmp/want_err" "$tmp/err" >&2
	fail=1
fi
[ $fail = 0 ] && echo "$name: ok (exit $rc)"
exit $fail
