# shellcheck shell=bash
# Shared settings for the rig scripts: where the cache lives and how a
# kernel flavour ("6.1", "6.12") resolves to the current Debian ABI; flavour
# "debug" is the debug 6.12 kernel built by scripts/debug-kernel.sh.

PTWALK_CACHE=${PTWALK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptwalk}
PTWALK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PTWALK_OUT=${PTWALK_OUT:-$PTWALK_TOP/out}
KSELFTEST_DIR=$PTWALK_CACHE/linux-source-6.12/tools/testing/selftests
CHECKPATCH=$PTWALK_CACHE/linux-source-6.12/scripts/checkpatch.pl

log() { printf '[ptwalk] %s\n' "$*" >&2; }
die() { printf '[ptwalk] error: %s\n' "$*" >&2; exit 1; }

# A phase's noisy command (apt, make): its output goes to a log file whose
# path is printed, and only the log's last lines when it fails. V=1 shows
# the output instead.
# Install Debian package @2 (logged as @1) when root; the caller checks
# whether it is there afterwards and says so.
apt_install() {
	local name=$1 pkg=$2
	if [ "$(id -u)" != 0 ]; then
		log "$name: need root to install $pkg"
		return 1
	fi
	log "$name: installing $pkg"
	quietly "apt-install-$pkg" bash -c "apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $pkg" ||
		{ log "$name: apt-get install $pkg failed"; return 1; }
}

quietly() {
	local name=$1 logf rc
	shift
	[ "${V:-0}" = 1 ] && { "$@"; return; }
	logf=$PTWALK_OUT/logs/$name.log
	mkdir -p "${logf%/*}"
	log "$name: output in $logf"
	"$@" >"$logf" 2>&1 && return 0
	rc=$?
	tail -n 20 "$logf" >&2
	return $rc
}

# The Debian meta package that tracks a flavour's current headers.
headers_meta() {
	case "$1" in
	6.1) echo linux-headers-amd64 ;;
	6.12) echo linux-headers-6.12-amd64 ;;
	*) die "unknown kernel flavour '$1' (known: 6.1 6.12 debug)" ;;
	esac
}

# The kernel release (uname -r) a flavour resolves to right now, read from
# the installed meta package's dependency, so no ABI number is pinned.
kernel_release() {
	local dep
	if [ "$1" = debug ]; then
		dep=$(debug_kernel_dir)/linux-source-6.12/include/config/kernel.release
		[ -s "$dep" ] || die "no debug kernel; run scripts/debug-kernel.sh"
		cat "$dep"
		return
	fi
	dep=$(dpkg-query -W -f='${Depends}' "$(headers_meta "$1")" 2>/dev/null) ||
		die "$(headers_meta "$1") is not installed; run scripts/provision.sh"
	dep=${dep%% *}
	dep=${dep%%,*}
	echo "${dep#linux-headers-}"
}

# The debug kernel's cache directory, keyed by the linux-source-6.12 version.
debug_kernel_dir() {
	echo "$PTWALK_CACHE/debug-kernel/$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)"
}

kernel_kdir() {
	if [ "$1" = debug ]; then
		echo "$(debug_kernel_dir)/linux-source-6.12"
	else
		echo "/usr/src/linux-headers-$(kernel_release "$1")"
	fi
}
kernel_image() {
	if [ "$1" = debug ]; then
		echo "$(debug_kernel_dir)/bzImage"
	else
		echo "$PTWALK_CACHE/kernels/vmlinuz-$(kernel_release "$1")"
	fi
}
# Extra modules for the VM (zram and its dependencies, in load-order); the
# debug kernel has zram built in, so its directory holds an empty load-order.
kernel_extra_modules() {
	if [ "$1" = debug ]; then
		echo "$(debug_kernel_dir)/modules"
	else
		echo "$PTWALK_CACHE/kernels/modules-$(kernel_release "$1")"
	fi
}

now() { date +%s; }
