#!/bin/sh
# uninstall.sh - remove what one `cmake --install` (or `make install`)
# put in place, from the manifest CMake wrote next to the build
# (BUILD/install_manifest.txt; `make install` uses build/install/), then
# the directories dpamt owns (include/dpamt, lib*/cmake/dpamt) if they
# are left empty.  Nothing else is touched; a file already gone is fine.
#   uninstall.sh MANIFEST       (`make uninstall` passes its own)
set -eu
manifest=${1:-}
if [ -z "$manifest" ] || [ ! -f "$manifest" ]; then
	echo "uninstall: no install manifest '${manifest}': run the install" \
	     "from this build first (make install, or cmake --install BUILD)" >&2
	exit 2
fi
n=0
while IFS= read -r f || [ -n "$f" ]; do
	[ -n "$f" ] || continue
	if [ -e "$f" ] || [ -L "$f" ]; then
		rm -f -- "$f"
		n=$((n + 1))
	fi
	case $f in
	*/include/dpamt/*|*/cmake/dpamt/*)
		rmdir -- "$(dirname -- "$f")" 2>/dev/null || true ;;
	esac
done <"$manifest"
echo "uninstall: removed $n file(s) listed in $manifest"
