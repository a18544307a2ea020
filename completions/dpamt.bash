# dpamt.bash - bash completion for the dpamt CLI.  Installed as
# share/bash-completion/completions/dpamt.  Subcommands come from
# `dpamt --help`, options from `dpamt CMD --help`, so the completion
# never goes stale when an option is added.
_dpamt()
{
	local cur prev cmd words
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ] ||
	   { [ "$COMP_CWORD" -eq 2 ] && [ "$cmd" = help ]; }; then
		words=$("${COMP_WORDS[0]}" --help 2>/dev/null |
			awk '/^commands:/ {on=1; next} on && !NF {exit}
			     on {print $1}')
		[ "$COMP_CWORD" -eq 1 ] && words="$words --help --version"
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	case $prev in
	--json|--timeline|--plot|--scenario|--iomem|--csv)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--memmap|--plot-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	esac
	if [ "$cmd" = replay ] && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	words=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _dpamt dpamt
