#!/bin/bash
# The VM test matrix: provision, build the tool and tests once, the module
# once per kernel flavour, run the host-side tests (scripts/host-check.sh),
# then boot every configuration and run the tests.
#   KERNELS="6.1 6.12" PAGING="4 5" PTI="off on" scripts/check.sh
# CONFIGS="kernel:paging:pti ..." lists configurations instead of the product
# (scripts/check-debug.sh: CONFIGS="debug:5:on debug:4:off").
# JOBS=N boots N configurations at a time (default: the host's cores).
# Ends with "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-6.1 6.12}
PAGING=${PAGING:-4 5}
PTI=${PTI:-off on}
if [ -z "${CONFIGS:-}" ]; then
	CONFIGS=
	for k in $KERNELS; do
		for p in $PAGING; do
			for pti in $PTI; do
				CONFIGS+=" $k:$p:$pti"
			done
		done
	done
fi

jobs=${JOBS:-$(nproc)}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive number, not '$jobs'"

t0=$(now)
"$PTWALK_TOP/scripts/provision.sh" || die "provisioning failed"
t1=$(now)
log "phase provision: $((t1 - t0))s"

lint_failed=0
if [ "${LINT:-1}" = 1 ]; then
	"$PTWALK_TOP/scripts/lint.sh" || lint_failed=1
fi
quietly build-user make -C "$PTWALK_TOP" -j2 tool tests ||
	die "building the tool and tests failed"
for k in $(for c in $CONFIGS; do echo "${c%%:*}"; done | sort -u); do
	quietly "build-module-$k" "$PTWALK_TOP/scripts/build-module.sh" "$k" ||
		die "module build failed for $k"
done
# The documentation's shell blocks, which tests/doc_test.c runs in each VM.
doc_failed=0
"$PTWALK_TOP/scripts/doc-blocks.sh" "$PTWALK_OUT/doc" || doc_failed=1
t2=$(now)
log "phase build: $((t2 - t1))s"

# The fuzz and the soak (tests/fuzz_test.c, soak_test.c): FUZZ_S and
# SOAK_S, when set, apply to the configurations FUZZ_CONFIGS and
# SOAK_CONFIGS list (default: every one; check-debug sets all four);
# otherwise a short fuzz, CHECK_FUZZ_S (5) seconds per file, runs in one
# configuration, the first 6.12 5-level PTI-on one (else the first), and
# no soak: `make fuzz` and `make soak` are the long runs.
fuzz_cfg=
for c in $CONFIGS; do
	[ -z "$fuzz_cfg" ] || [ "$c" = 6.12:5:on ] && fuzz_cfg=$c
done
listed() { [ -z "${2:-}" ] || [[ " $2 " == *" $1 "* ]]; }

total_pass=0 total_fail=0 total_skip=0 failed_cfgs=()
# Add a "pass=N fail=N skip=N secs=S" summary file to the totals; print it.
tally() {
	local line
	read -r line <"$1" || line="pass=0 fail=1 skip=0 secs=?"
	eval "$line"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	printf '%-28s %s\n' "$2" "$line"
}
# Host-side tests (HOST=0 skips them): packages, DKMS in a throwaway tree,
# man pages, make install; nothing is loaded on the host.
if [ "${HOST:-1}" = 1 ]; then
	"$PTWALK_TOP/scripts/host-check.sh"
	tally "$PTWALK_OUT/host/summary" "host (tests/host)"
	log "phase host: $(($(now) - t2))s"
	t2=$(now)
fi
results=${PTWALK_RESULTS:-$PTWALK_OUT/check}
rm -rf "$results"
# The configurations run JOBS at a time (default: one per host core). Each
# VM is single-threaded TCG (vm-run.sh), so one VM keeps one core busy and
# a second core would idle. Each writes its own directory; its log
# (vm-run.log) and its line are printed in CONFIGS order once all are done.
# The 5-level ones start first: they take longest (-cpu max, the 1G page
# tests), and the short ones then fill the lanes at the end.
for c in $(printf '%s\n' $CONFIGS | grep ':5:') $(printf '%s\n' $CONFIGS | grep -v ':5:'); do
	IFS=: read -r k p pti <<<"$c"
	cfg="$k-${p}level-pti_$pti"
	fz=0 sk=0
	listed "$c" "${FUZZ_CONFIGS:-}" && fz=${FUZZ_S:-0}
	listed "$c" "${SOAK_CONFIGS:-}" && sk=${SOAK_S:-0}
	[ -z "${FUZZ_S:-}" ] && [ "$c" = "$fuzz_cfg" ] && fz=${CHECK_FUZZ_S:-5}
	# Counted afresh: a VM that ended while this shell waited for another
	# is not reported by a later `wait -n`.
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	log "running $cfg"
	mkdir -p "$results/$cfg"
	(
		FUZZ_S=$fz SOAK_S=$sk \
			"$PTWALK_TOP/scripts/vm-run.sh" "$k" "$p" "$pti" test "$results/$cfg" \
			>"$results/$cfg/vm-run.log" 2>&1
		echo $? >"$results/$cfg/vm-run.rc"
	) &
done
wait
for c in $CONFIGS; do
	IFS=: read -r k p pti <<<"$c"
	cfg="$k-${p}level-pti_$pti"
	cat "$results/$cfg/vm-run.log" >&2
	[ "$(cat "$results/$cfg/vm-run.rc" 2>/dev/null)" = 0 ] || failed_cfgs+=("$cfg")
	tally "$results/$cfg/summary" "$cfg"
	grep -sE '^(skip|reason|kmemleak|boot):' "$results/$cfg/summary" | sed 's/^/    /'
done
t3=$(now)
log "phase vm matrix: $((t3 - t2))s (total $((t3 - t0))s)"

# The demo's pictures rendered in a real browser (SVG=0 skips the phase).
if [ "${SVG:-1}" = 1 ]; then
	"$PTWALK_TOP/scripts/svg-check.sh" --install --demo
	case $? in
	0) echo "svg render (headless chromium): passed"
	   total_pass=$((total_pass + 1)) ;;
	4) echo "svg render (headless chromium): skipped: chromium could not be installed"
	   total_skip=$((total_skip + 1)) ;;
	*) echo "svg render (headless chromium): failed"
	   total_fail=$((total_fail + 1)) ;;
	esac
	log "phase svg: $(($(now) - t3))s"
fi
# The JSON of every command against docs/schema/ (JSON=0 skips the phase):
# the documents the demo VM wrote, run here unless the svg phase just did.
if [ "${JSON:-1}" = 1 ]; then
	t4=$(now)
	[ "${SVG:-1}" = 1 ] || "$PTWALK_TOP/scripts/demo.sh" >"$PTWALK_OUT/json-check-demo.log" 2>&1 ||
		log "json-check: the demo VM failed (see $PTWALK_OUT/json-check-demo.log)"
	"$PTWALK_TOP/scripts/json-check.sh" --install "$PTWALK_OUT/demo"
	case $? in
	0) echo "json schema (python3-jsonschema): passed"
	   total_pass=$((total_pass + 1)) ;;
	4) echo "json schema (python3-jsonschema): skipped: python3-jsonschema could not be installed"
	   total_skip=$((total_skip + 1)) ;;
	*) echo "json schema (python3-jsonschema): failed"
	   total_fail=$((total_fail + 1)) ;;
	esac
	log "phase json: $(($(now) - t4))s"
fi

# The explorer page this run's demo VM wrote, in Chromium: the host phase
# ran before the demo, on the saved fixture only (SVG=0 leaves it out).
if [ "${SVG:-1}" = 1 ] && [ -f "$PTWALK_OUT/demo/explorer.html" ]; then
	t5=$(now)
	bash "$PTWALK_TOP/tests/host/explorer.sh" >"$PTWALK_OUT/explorer-demo.log" 2>&1
	case $? in
	0) echo "explorer (make demo's page, chromium-driver): passed"
	   total_pass=$((total_pass + 1)) ;;
	4) echo "explorer (make demo's page): skipped: $(tail -n1 "$PTWALK_OUT/explorer-demo.log")"
	   total_skip=$((total_skip + 1)) ;;
	*) echo "explorer (make demo's page, chromium-driver): failed (see $PTWALK_OUT/explorer-demo.log)"
	   total_fail=$((total_fail + 1)) ;;
	esac
	log "phase explorer: $(($(now) - t5))s"
fi
# The same for the trace page (ptwalk trace --html) the demo VM wrote.
if [ "${SVG:-1}" = 1 ] && [ -f "$PTWALK_OUT/demo/trace.html" ]; then
	t6=$(now)
	bash "$PTWALK_TOP/tests/host/trace_page.sh" >"$PTWALK_OUT/trace-page-demo.log" 2>&1
	case $? in
	0) echo "trace page (make demo's page, chromium-driver): passed"
	   total_pass=$((total_pass + 1)) ;;
	4) echo "trace page (make demo's page): skipped: $(tail -n1 "$PTWALK_OUT/trace-page-demo.log")"
	   total_skip=$((total_skip + 1)) ;;
	*) echo "trace page (make demo's page, chromium-driver): failed (see $PTWALK_OUT/trace-page-demo.log)"
	   total_fail=$((total_fail + 1)) ;;
	esac
	log "phase trace page: $(($(now) - t6))s"
fi
[ ${#failed_cfgs[@]} -gt 0 ] && echo "failed configurations: ${failed_cfgs[*]}"
if [ $doc_failed = 1 ]; then
	echo "documentation: unmarked shell blocks (scripts/doc-blocks.sh): counted as one failure"
	total_fail=$((total_fail + 1))
fi
if [ $lint_failed = 1 ]; then
	echo "lint (checkpatch/sparse) failed: counted as one failure"
	total_fail=$((total_fail + 1))
fi
echo "skipped: $total_skip"
echo "$total_pass passed, $total_fail failed"
[ ${#failed_cfgs[@]} -eq 0 ] && [ "$total_fail" -eq 0 ]
