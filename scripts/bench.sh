#!/bin/bash
# `make bench`: boot one VM per configuration (default: Debian 6.12 with
# 5-level paging and Debian 6.1 with 4-level paging, both pti=off), run
# bench/ptwalk_bench in it and bring its JSON back. Prints each guest's
# table and the time of every phase; writes out/bench/<config>.json and
# out/bench/bench.json (all configurations). The tool, the bench binary and
# the modules must be built (the Makefile's bench target does that).
#   BENCH_CONFIGS="6.12:5:off 6.1:4:off"  configurations (flavour:paging:pti)
#   PTWALK_BENCH_QUICK=1                  small sizes, for a quick look
# Exit status: 0 when every configuration ran and the two readers agreed
# on the present pages; missed performance goals are reported, not fatal.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

configs=${BENCH_CONFIGS:-"6.12:5:off 6.1:4:off"}
export PTWALK_VM_MEM=${PTWALK_VM_MEM:-6144}
export PTWALK_VM_TIMEOUT=${PTWALK_VM_TIMEOUT:-1500}
outdir=$PTWALK_OUT/bench
mkdir -p "$outdir"
rm -f "$outdir"/*.json
[ -x "$PTWALK_TOP/bench/ptwalk_bench" ] || die "bench/ptwalk_bench not built (make bench-bin)"

rc=0
start=$(now)
jsons=()
for c in $configs; do
	IFS=: read -r flavour paging pti <<<"$c"
	name=$flavour-${paging}level-pti$pti
	vmdir=$outdir/vm-$name
	log "phase $name: booting $(kernel_release "$flavour") (paging $paging, pti $pti, ${PTWALK_VM_MEM} MiB)"
	t0=$(now)
	"$PTWALK_TOP/scripts/vm-run.sh" "$flavour" "$paging" "$pti" bench "$vmdir"
	vrc=$?
	log "phase $name: VM done in $(($(now) - t0)) s (rc=$vrc)"
	echo "=== $name"
	grep -av -E '^(PTWALK-DONE|# ptwalk-vm:)' "$vmdir/results.txt"
	if grep -aq '^==== end of export' "$vmdir/export.b64" 2>/dev/null &&
		sed '/^==== end of export/,$d' "$vmdir/export.b64" | tr -d '\r' |
		base64 -d | tar -x -O ./bench.json >"$outdir/$name.json" &&
		[ -s "$outdir/$name.json" ]; then
		jsons+=("$outdir/$name.json")
	else
		rm -f "$outdir/$name.json"
		log "phase $name: no JSON came back"
		rc=1
	fi
	[ $vrc -eq 0 ] || rc=1
done

# All configurations in one file: {"configs": [ ...one object each... ]}.
{
	echo '{"format": "ptwalk-bench-all 1", "configs": ['
	for i in "${!jsons[@]}"; do
		[ "$i" -gt 0 ] && echo ','
		cat "${jsons[$i]}"
	done
	echo ']}'
} >"$outdir/bench.json"

echo "=== summary (goals; details above and in $outdir/*.json)"
for c in $configs; do
	IFS=: read -r flavour paging pti <<<"$c"
	name=$flavour-${paging}level-pti$pti
	grep -aE '^(PASS|FAIL|ERROR) ' "$outdir/vm-$name/results.txt" 2>/dev/null |
		sed "s/^/$name  /"
done
log "total $(($(now) - start)) s; JSON in $outdir/ (bench.json and one per configuration)"
exit $rc
