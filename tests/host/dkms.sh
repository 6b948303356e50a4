#!/bin/bash
# What `dpkg -i ptwalk-dkms_*.deb` does on a Debian machine with headers,
# in a throwaway DKMS tree so the host's /var/lib/dkms stays untouched and
# nothing is installed or loaded: the package's files unpacked, then
# `dkms add` and `dkms build` for both kernel flavours of the matrix
# (releases resolved now, scripts/lib.sh). Signing as on Debian, with a
# throwaway key in place of /var/lib/dkms/mok.key. Each module must carry
# the right vermagic, the module's version and the key's signature. The
# 6.12 module is left, uncompressed, for tests/host/dkms-vm.sh.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

fail() { echo "dkms: $*" >&2; exit 1; }
command -v dkms >/dev/null || fail "dkms missing (scripts/provision.sh)"
ver=$(bash -c '. "$1" && echo "$PACKAGE_VERSION"' _ "$PTWALK_TOP/dkms.conf")
deb=$PTWALK_OUT/deb/ptwalk-dkms_${ver}_all.deb
[ -f "$deb" ] || fail "no $deb (tests/host/deb.sh, or make deb, makes it)"
out=$PTWALK_OUT/dkms
rm -rf "$out"
mkdir -p "$out"/{root,dkms,install,key}
dpkg-deb -x "$deb" "$out/root" || fail "cannot unpack $deb"
# dkms reads its signing key's location from the environment when
# /etc/dkms/framework.conf does not set it, and creates the key if missing.
export mok_signing_key=$out/key/mok.key mok_certificate=$out/key/mok.pub
trees=(--dkmstree "$out/dkms" --sourcetree "$out/root/usr/src" --installtree "$out/install")
dkms add "${trees[@]}" -m ptwalk -v "$ver" >"$out/add.log" 2>&1 ||
	{ cat "$out/add.log" >&2; fail "dkms add failed"; }
for flavour in 6.1 6.12; do
	rel=$(kernel_release "$flavour")
	t0=$(now)
	dkms build "${trees[@]}" -m ptwalk -v "$ver" -k "$rel" >"$out/build-$rel.log" 2>&1 ||
		{ cat "$out/build-$rel.log" "$out/dkms/ptwalk/$ver/build/make.log" >&2 2>/dev/null
		  fail "dkms build for $rel failed"; }
	ko=$(ls "$out/dkms/ptwalk/$ver/$rel"/*/module/ptwalk.ko* 2>/dev/null | head -n1)
	[ -n "$ko" ] || fail "dkms built no ptwalk.ko for $rel"
	case $ko in
	*.xz) xz -dc "$ko" >"$out/ptwalk-$rel.ko" ;;
	*) cp "$ko" "$out/ptwalk-$rel.ko" ;;
	esac
	ko=$out/ptwalk-$rel.ko
	magic=$(modinfo -F vermagic "$ko") && [ "${magic%% *}" = "$rel" ] ||
		fail "$rel: vermagic '$magic'"
	[ "$(modinfo -F version "$ko")" = "$ver" ] || fail "$rel: version $(modinfo -F version "$ko")"
	signer=$(modinfo -F signer "$ko")
	[ "$signer" = "DKMS module signing key" ] || fail "$rel: signer '$signer'"
	echo "dkms: built for $rel in $(($(now) - t0))s, signed by '$signer'"
done
[ -z "$(ls -A "$out/install")" ] || fail "dkms build installed something"
status=$(dkms status "${trees[@]}" -m ptwalk 2>/dev/null)
echo "$status" | sed 's/^/dkms: status: /'
[ "$(echo "$status" | grep -c ': built$')" = 2 ] || fail "dkms status is not 'built' for both"
echo "dkms: ptwalk-dkms added and built for $(kernel_release 6.1) and" \
	"$(kernel_release 6.12) in a throwaway tree, modules signed"
