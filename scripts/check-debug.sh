#!/bin/bash
# make check-debug: the whole suite on the debug 6.12 kernel (KASAN, lockdep,
# DEBUG_VM, kmemleak; scripts/debug-kernel.sh builds it once, about an hour
# on 2 cores, and caches it), in two configurations: 5-level with PTI on and
# 4-level with PTI off (CONFIGS overrides them). Each VM ends with kmemleak
# scans; a leak naming ptwalk or any kernel splat fails its configuration.
# The suite includes the fuzz (in the 4-level VM) and the soak (in the
# 5-level one) (FUZZ_S, SOAK_S: 60 s each).
# Results in out/check-debug/<config>/; ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(now)
"$PTWALK_TOP/scripts/provision.sh" || die "provisioning failed"
"$PTWALK_TOP/scripts/debug-kernel.sh" || die "the debug kernel could not be built"
log "phase debug kernel: $(($(now) - t0))s"
# The two VMs run side by side (check.sh's JOBS). The fuzz (60 s per
# request file, six files) runs in the 4-level one and the soak (60 s) in
# the 5-level one, which is the slower VM (-cpu max): so both end at about
# the same time. With CONFIGS given, both run in every configuration.
if [ -z "${CONFIGS:-}" ]; then
	CONFIGS="debug:5:on debug:4:off"
	export FUZZ_CONFIGS=${FUZZ_CONFIGS-debug:4:off}
	export SOAK_CONFIGS=${SOAK_CONFIGS-debug:5:on}
fi
CONFIGS=$CONFIGS LINT=0 SVG=0 HOST=0 \
	FUZZ_S=${FUZZ_S:-60} SOAK_S=${SOAK_S:-60} \
	PTWALK_RESULTS=$PTWALK_OUT/check-debug exec "$PTWALK_TOP/scripts/check.sh"
