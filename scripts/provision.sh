#!/bin/bash
# Install everything the rig needs from Debian's mirror (chromium,
# chromium-driver and python3-selenium: tests/host/explorer.sh) and cache the kernel
# images and the kselftest/checkpatch files outside the repository.
# Idempotent: a second run only checks and returns in seconds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(qemu-system-x86 busybox-static cpio gcc make libc6-dev perl xz-utils kmod
      sparse linux-headers-amd64 linux-headers-6.12-amd64 linux-source-6.12
      git dpkg-dev debhelper dh-dkms dkms lintian mandoc man-db openssl
      chromium chromium-driver python3-selenium)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	log "installing: ${missing[*]}"
	quietly apt-update apt-get update -q || die "apt-get update failed"
	quietly apt-install env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" || die "apt-get install failed"
fi

mkdir -p "$PTWALK_CACHE/kernels" "$PTWALK_CACHE/debs"

# Extract module NAME and, first, its dependencies (modinfo's "depends")
# from the image package into DIR, uncompressed; append to DIR/load-order.
extract_module() {
	local deb=$1 list=$2 dir=$3 name=$4 path dep tmp ko
	grep -qx "$name" "$dir/load-order" 2>/dev/null && return 0
	path=$(grep -E "/${name//_/[-_]}\.ko(\.xz)?$" "$list" | head -n1)
	[ -n "$path" ] || die "module $name not in $deb"
	tmp=$(mktemp -d)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$path"
	ko=$tmp/$path
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		extract_module "$deb" "$list" "$dir" "$dep"
	done
	case "$ko" in
	*.xz) xz -dc "$ko" >"$dir/$name.ko" ;;
	*) cp "$ko" "$dir/$name.ko" ;;
	esac
	rm -rf "$tmp"
	echo "$name" >>"$dir/load-order"
}

# Kernel images: only ./boot/vmlinuz-* of the image matching the headers,
# plus the zram module (and its dependencies) for the swap tests.
for flavour in 6.1 6.12; do
	rel=$(kernel_release "$flavour")
	img=$PTWALK_CACHE/kernels/vmlinuz-$rel
	mods=$PTWALK_CACHE/kernels/modules-$rel
	[ -s "$img" ] && [ -s "$mods/load-order" ] && continue
	log "fetching linux-image-$rel"
	(cd "$PTWALK_CACHE/debs" &&
		quietly "download-linux-image-$rel" apt-get download -q "linux-image-$rel") || true
	deb=$(ls -t "$PTWALK_CACHE"/debs/linux-image-"$rel"_*.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] || die "could not download linux-image-$rel"
	tmp=$(mktemp -d)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./boot/vmlinuz-$rel"
	mv "$tmp/boot/vmlinuz-$rel" "$img"
	dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/list"
	rm -rf "$mods"
	mkdir -p "$mods"
	extract_module "$deb" "$tmp/list" "$mods" zram
	rm -rf "$tmp" "$deb"
done

# kselftest headers and checkpatch from linux-source-6.12, re-extracted when
# the package version changes.
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
stamp=$PTWALK_CACHE/linux-source-6.12/.version
if [ "$(cat "$stamp" 2>/dev/null)" != "$srcver" ]; then
	log "extracting kselftest headers and checkpatch from linux-source-6.12"
	rm -rf "$PTWALK_CACHE/linux-source-6.12"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$PTWALK_CACHE" \
		linux-source-6.12/tools/testing/selftests/kselftest.h \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	echo "$srcver" >"$stamp"
fi
log "provisioned: 6.1=$(kernel_release 6.1) 6.12=$(kernel_release 6.12), cache $PTWALK_CACHE"
