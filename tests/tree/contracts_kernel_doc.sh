#!/bin/sh
# contracts_kernel_doc.sh - run the Linux kernel's own kernel-doc parser
# over include/dpamt/dpamt.h, tdxmod.h and
# linux_seamcall.h with -Werror -none: the comments must be valid
# kernel-doc (every parameter and ops member described, no malformed
# block).  Skips (exit 77) when no kernel-doc script is installed: it
# ships with the kernel headers (Debian: linux-headers-*-common).
# Usage: contracts_kernel_doc.sh ROOT   (KERNEL_DOC=path overrides)
set -eu

root=$1
kd=${KERNEL_DOC:-}
if [ -z "$kd" ]; then
	for f in /usr/src/linux-headers-*-common/scripts/kernel-doc \
		 /usr/src/linux-headers-*/scripts/kernel-doc; do
		[ -f "$f" ] && { kd=$f; break; }
	done
fi
if [ -z "$kd" ] || ! [ -f "$kd" ] || ! command -v perl >/dev/null; then
	echo "SKIP: no kernel-doc script (linux-headers-*-common) or no perl"
	exit 77
fi
out=$(perl "$kd" -Werror -none "$root/include/dpamt/dpamt.h" \
	"$root/include/dpamt/tdxmod.h" \
	"$root/include/dpamt/linux_seamcall.h" 2>&1) || {
	printf '%s\n' "$out" >&2
	echo "contracts_kernel_doc: $kd rejects the headers" >&2
	exit 1
}
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "contracts_kernel_doc: warnings from $kd" >&2
	exit 1
fi
echo "contracts_kernel_doc: $kd -Werror -none: dpamt.h, tdxmod.h, linux_seamcall.h clean"
