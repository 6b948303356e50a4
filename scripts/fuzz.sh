#!/bin/bash
# make fuzz / make soak: one VM (6.12, 5-level, PTI on unless FUZZ_KERNEL,
# FUZZ_PAGING, FUZZ_PTI say otherwise; FUZZ_KERNEL=debug for the debug
# kernel) running one test binary:
#   fuzz.sh fuzz   tests/fuzz_test.c: FUZZ_S seconds per request file
#                  (default 60), seed FUZZ_SEED (default random, printed)
#   fuzz.sh soak   tests/soak_test.c: SOAK_S seconds (default 60; 600 is
#                  the full soak)
# Results in out/fuzz/ or out/soak/; exits non-zero on any failure, a
# kernel splat in the console or a hung guest (scripts/vm-run.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

what=${1:-fuzz}
k=${FUZZ_KERNEL:-6.12} p=${FUZZ_PAGING:-5} pti=${FUZZ_PTI:-on}
out=$PTWALK_OUT/$what
case $what in
fuzz)
	export FUZZ_S=${FUZZ_S:-60}
	export FUZZ_SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	unset SOAK_S
	budget=$((FUZZ_S * 4))
	log "fuzz: $k ${p}-level pti=$pti, FUZZ_S=$FUZZ_S per file, FUZZ_SEED=$FUZZ_SEED"
	;;
soak)
	export SOAK_S=${SOAK_S:-60}
	unset FUZZ_S
	budget=$SOAK_S
	log "soak: $k ${p}-level pti=$pti, SOAK_S=$SOAK_S"
	;;
*) die "usage: fuzz.sh fuzz|soak" ;;
esac

"$PTWALK_TOP/scripts/provision.sh" || die "provisioning failed"
[ "$k" = debug ] && { "$PTWALK_TOP/scripts/debug-kernel.sh" || die "no debug kernel"; }
make -C "$PTWALK_TOP" -j2 tool tests >&2 || die "building the tool and tests failed"
"$PTWALK_TOP/scripts/build-module.sh" "$k" >/dev/null || die "module build failed for $k"
# The budget plus setup and the leak checks' settling, and the boot; the
# debug kernel runs several times slower.
slow=1
[ "$k" = debug ] && slow=4
export PTWALK_TEST_TIMEOUT=${PTWALK_TEST_TIMEOUT:-$((budget * 2 + 300 * slow))}
export PTWALK_VM_TIMEOUT=${PTWALK_VM_TIMEOUT:-$((PTWALK_TEST_TIMEOUT + 300 * slow))}
TESTS=${what}_test "$PTWALK_TOP/scripts/vm-run.sh" "$k" "$p" "$pti" test "$out"
rc=$?
grep -a -E "^# (fuzz|soak) " "$out/results.txt"
cat "$out/summary"
exit $rc
