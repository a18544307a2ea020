#!/bin/sh
# docs_options.sh - the docs keep up with the CLI: every command that
# `dpamt --help` lists is named in the man page, and every option a
# command's --help names appears in the man page and in docs/CMD.md; the
# bash completion offers exactly the commands.  An option added to a
# --help without a word in the docs fails here.
# Usage: docs_options.sh ROOT DPAMT_BIN
set -eu
root=$1
bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# the man page as plain text: \- is -, font escapes dropped
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$root/docs/dpamt.1" >"$tmp/man"
"$bin" --help | awk '/^commands:/ {on=1; next} on && !NF {exit}
	on {print $1}' >"$tmp/cmds"
[ -s "$tmp/cmds" ] || { echo "no commands in dpamt --help"; exit 1; }
bad=0
for c in $(cat "$tmp/cmds"); do
	if ! grep -q "dpamt $c" "$tmp/man"; then
		echo "docs/dpamt.1: no 'dpamt $c'"
		bad=$((bad + 1))
	fi
	[ "$c" = help ] && continue
	"$bin" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u |
		grep -vx -- '--help' >"$tmp/opts"
	for o in $(cat "$tmp/opts"); do
		for f in "$tmp/man" "$root/docs/$c.md"; do
			if ! grep -qE -- "$o([^a-z0-9-]|\$)" "$f"; then
				echo "$(basename "$f" | sed 's/^man$/docs\/dpamt.1/'):" \
				     "'dpamt $c $o' is not mentioned"
				bad=$((bad + 1))
			fi
		done
	done
done
# the completion's command words are the commands, nothing else, after
# "dpamt" and after "dpamt help"
for pre in "" help; do
	words=$(PATH=$(dirname "$bin"):$PATH bash -c '
		. "$1/completions/dpamt.bash"
		if [ -n "$3" ]; then COMP_WORDS=("$2" "$3" ""); COMP_CWORD=2
		else COMP_WORDS=("$2" ""); COMP_CWORD=1; fi
		_dpamt
		printf "%s\n" "${COMPREPLY[@]}"' sh "$root" "$bin" "$pre" |
		grep -v -- '^--' | sort)
	if [ "$words" != "$(sort "$tmp/cmds")" ]; then
		echo "completions/dpamt.bash: after 'dpamt $pre' commands" \
		     "'$(echo $words)' differ from dpamt --help's" \
		     "'$(echo $(cat "$tmp/cmds"))'"
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ] || { echo "$bad gap(s) between --help and the docs"; exit 1; }
echo "docs_options: $(wc -l <"$tmp/cmds") commands, every option documented"
