#!/bin/bash
# Build, once, a debug 6.12 kernel (KASAN, lockdep, DEBUG_VM, kmemleak, ...)
# from Debian's linux-source-6.12, for `make check-debug`. Config:
# x86_64_defconfig + kvm_guest.config + scripts/debug-kernel.config, merged
# with merge_config.sh and checked line by line after `make olddefconfig`.
# Cached outside the repository, keyed by the linux-source-6.12 version:
#   $PTWALK_CACHE/debug-kernel/VERSION/linux-source-6.12   the built tree
#                                                          (M= builds use it)
#   $PTWALK_CACHE/debug-kernel/VERSION/bzImage             the kernel
# Idempotent: with the tree and bzImage built from this config it returns in
# seconds. Prints the wall time of each phase (extract, config, build).
# PTWALK_JOBS (2) sets make -j; the build runs under nice -n 19.
#   debug-kernel.sh --cached   exit 0 if the kernel is built and current,
#                              1 if not, and build nothing (for CI).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

frag=$PTWALK_TOP/scripts/debug-kernel.config
dir=$(debug_kernel_dir)
tree=$dir/linux-source-6.12
jobs=${PTWALK_JOBS:-2}
cached_only=0
[ "${1:-}" = --cached ] && cached_only=1
tar=/usr/src/linux-source-6.12.tar.xz
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed; run scripts/provision.sh"
# The build stamp names the fragment it was built from: a changed fragment
# reconfigures and rebuilds (incrementally).
want="$srcver $(sha256sum "$frag" | cut -d' ' -f1)"
if [ -s "$dir/bzImage" ] && [ "$(cat "$dir/built" 2>/dev/null)" = "$want" ] &&
	[ -s "$tree/Module.symvers" ]; then
	log "debug kernel $(cat "$tree/include/config/kernel.release") cached in $dir"
	exit 0
fi
[ $cached_only = 1 ] && { log "no current debug kernel in $dir"; exit 1; }

need=()
for tool in flex bison bc; do
	command -v $tool >/dev/null || need+=("$tool")
done
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${need[*]}"
	log "installing kernel build dependencies: ${need[*]}"
	quietly apt-install-kernel-build env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${need[@]}" ||
		die "apt-get install failed"
fi

mkdir -p "$dir"

t0=$(now)
if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$srcver" ]; then
	log "extracting $tar to $dir"
	rm -rf "$tree" "$dir/.extracted"
	nice -n 19 tar -xJf "$tar" -C "$dir"
	echo "$srcver" >"$dir/.extracted"
fi
t1=$(now)
log "phase extract: $((t1 - t0))s"

# Configure: defconfig, then the two fragments merged (-m: no make run),
# then olddefconfig resolves dependencies. Any requested line that did not
# survive is an error naming the option.
kmake() { nice -n 19 make -C "$tree" -j"$jobs" "$@"; }
kvmcfg=$tree/kernel/configs/kvm_guest.config
[ -f "$kvmcfg" ] || kvmcfg=$tree/arch/x86/configs/kvm_guest.config
[ -f "$kvmcfg" ] || die "no kvm_guest.config in $tree"
kmake x86_64_defconfig >/dev/null
(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$kvmcfg" "$frag") >"$dir/config.log" 2>&1 ||
	{ cat "$dir/config.log" >&2; die "merge_config.sh failed"; }
kmake olddefconfig >>"$dir/config.log" 2>&1 || { cat "$dir/config.log" >&2; die "olddefconfig failed"; }
dropped=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$tree/.config" || dropped+=("$line (have: $(grep -E "^(# )?${line%%=*}[= ]" "$tree/.config" || echo absent))")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		grep -q "^$opt=" "$tree/.config" && dropped+=("$line (have: $(grep "^$opt=" "$tree/.config"))")
		;;
	esac
done <"$frag"
if [ ${#dropped[@]} -gt 0 ]; then
	log "the debug kernel config lost requested options:"
	printf '[ptwalk]   %s\n' "${dropped[@]}" >&2
	die "debug kernel config incomplete (see $frag)"
fi
t2=$(now)
log "phase config: $((t2 - t1))s"

# vmlinux, bzImage and the in-tree modules: Module.symvers for M= builds.
log "building the debug kernel in $tree (-j$jobs, log $dir/build.log)"
if ! kmake all >"$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	die "debug kernel build failed (log $dir/build.log)"
fi
cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
# zram is built in: the VM's extra modules are none (an empty load-order).
mkdir -p "$dir/modules"
: >"$dir/modules/load-order"
echo "$want" >"$dir/built"
t3=$(now)
log "phase build: $((t3 - t2))s"
log "debug kernel $(cat "$tree/include/config/kernel.release") in $dir (total $((t3 - t0))s)"
