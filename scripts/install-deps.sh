#!/bin/sh
# install-deps.sh - install the Debian packages the build and tests need,
# only those missing.  Runs `apt-get update` once, and only if something
# must be installed.
#   install-deps.sh          everything `make check` needs
#   install-deps.sh --run    only what building and running `dpamt sim`
#                            needs (gnuplot for --plot included)
set -eu

RUN_PKGS="cmake make gcc pkg-config libjson-c-dev gnuplot-nox"
# linux-headers-amd64: the kernel-module build of the core (tests/kmod);
# g++: the public headers compiled as C++17 (headers_alone).
TEST_PKGS="libcmocka-dev spin clang libclang-rt-14-dev linux-headers-amd64 g++"
case "${1:-}" in
--run) PKGS="$RUN_PKGS" ;;
"") PKGS="$RUN_PKGS $TEST_PKGS" ;;
*) echo "usage: install-deps.sh [--run]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all present ($PKGS)"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: missing:$missing; not root and no sudo:" \
		     "as root, run apt-get update && apt-get install$missing" >&2
		exit 1
	fi
	SUDO="sudo"
fi
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
