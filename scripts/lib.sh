# shellcheck shell=bash
# Shared settings for the rig scripts: where the cache lives and how a
# kernel flavour ("6.1", "6.12") resolves to the current Debian ABI.

PTWALK_CACHE=${PTWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptwalk}
PTWALK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PTWALK_OUT=${PTWALK_OUT:-$PTWALK_TOP/out}
KSELFTEST_DIR=$PTWALK_CACHE/linux-source-6.12/tools/testing/selftests
CHECKPATCH=$PTWALK_CACHE/linux-source-6.12/scripts/checkpatch.pl

log() { printf '[ptwalk] %s\n' "$*" >&2; }
die() { printf '[ptwalk] error: %s\n' "$*" >&2; exit 1; }

# The Debian meta package that tracks a flavour's current headers.
headers_meta() {
	case "$1" in
	6.1) echo linux-headers-amd64 ;;
	6.12) echo linux-headers-6.12-amd64 ;;
	*) die "unknown kernel flavour '$1' (known: 6.1 6.12)" ;;
	esac
}

# The kernel release (uname -r) a flavour resolves to right now, read from
# the installed meta package's dependency, so no ABI number is pinned.
kernel_release() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' "$(headers_meta "$1")" 2>/dev/null) ||
		die "$(headers_meta "$1") is not installed; run scripts/provision.sh"
	dep=${dep%% *}
	dep=${dep%%,*}
	echo "${dep#linux-headers-}"
}

kernel_kdir() { echo "/usr/src/linux-headers-$(kernel_release "$1")"; }
kernel_image() { echo "$PTWALK_CACHE/kernels/vmlinuz-$(kernel_release "$1")"; }

now() { date +%s; }
