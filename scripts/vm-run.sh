#!/bin/bash
# Boot one VM configuration and run a job in it.
#   vm-run.sh FLAVOUR PAGING PTI MODE OUTDIR
# FLAVOUR 6.1|6.12|debug (scripts/debug-kernel.sh's 6.12), PAGING 4|5,
# PTI on|off, MODE test|demo|bench|script
# (script: runs $PTWALK_SCRIPT as root in the guest, for debugging; bench:
# runs bench/ptwalk_bench, with PTWALK_BENCH_QUICK=1 its small sizes).
# The module must already be built (scripts/build-module.sh), or be given
# as PTWALK_VM_KO=FILE (an uncompressed ptwalk.ko for FLAVOUR's kernel, e.g.
# the one DKMS built: tests/host/dkms-vm.sh), and the tool and tests built
# (make tool tests). Writes OUTDIR/console.log (kernel console),
# OUTDIR/results.log (job output) and OUTDIR/summary (pass/fail/skip counts).
# Exit 0 only if the guest reported success, every test passed or skipped,
# and the console shows no kernel splat. Fail-closed: no status line (panic,
# hang, timeout, crash) is a failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

flavour=$1 paging=$2 pti=$3 mode=$4 outdir=$5
rel=$(kernel_release "$flavour")
kernel=$(kernel_image "$flavour")
bdir=$PTWALK_OUT/build/$rel
ko=${PTWALK_VM_KO:-$bdir/module/ptwalk.ko}
[ -s "$kernel" ] || die "no kernel image $kernel; run scripts/provision.sh (debug: scripts/debug-kernel.sh)"
[ -f "$ko" ] || die "module for $rel not built ($ko)"

mkdir -p "$outdir"
rm -f "$outdir"/console-boot*.txt
rm -f "$outdir"/{console.log,results.log,summary,export.b64}
root=$(mktemp -d)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT

# The initramfs: busybox, the module(s), the tool, the tests, the runner.
mkdir -p "$root"/{bin,lib/modules,tests/vm,etc}
cp /bin/busybox "$root/bin/busybox"
cp "$PTWALK_TOP/tests/vm/init" "$root/init"
cp "$PTWALK_TOP"/tests/vm/guest-*.sh "$root/tests/vm/"
cp "$ko" "$root/lib/modules/ptwalk.ko"
[ -f "$bdir/tests/helper/ptwalk_oracle.ko" ] &&
	cp "$bdir/tests/helper/ptwalk_oracle.ko" "$root/lib/modules/"
[ -x "$PTWALK_TOP/user/ptwalk" ] && cp "$PTWALK_TOP/user/ptwalk" "$root/bin/"
if [ "$mode" = bench ]; then
	[ -x "$PTWALK_TOP/bench/ptwalk_bench" ] || die "bench/ptwalk_bench not built (make bench-bin)"
	cp "$PTWALK_TOP/bench/ptwalk_bench" "$root/bin/"
fi
# Debian's zram module and its dependencies (for swap tests), in load order;
# the debug kernel has zram built in and an empty load-order.
mods=$(kernel_extra_modules "$flavour")
if [ -f "$mods/load-order" ]; then
	mkdir -p "$root/lib/modules/extra"
	cp "$mods/load-order" "$root/lib/modules/extra/"
	[ -s "$mods/load-order" ] && cp "$mods"/*.ko "$root/lib/modules/extra/"
fi
# TESTS="walk_test maps_test" narrows the run (module_test always runs).
for t in "$PTWALK_TOP"/tests/*_test; do
	[ -x "$t" ] || continue
	[ "$mode" = bench ] && continue		# the bench VM runs no tests
	name=${t##*/}
	if [ -n "${TESTS:-}" ] && [ "$name" != module_test ] &&
		! [[ " $TESTS " == *" $name "* ]]; then
		continue
	fi
	cp "$t" "$root/tests/"
done
# The documentation's runnable blocks (scripts/doc-blocks.sh) for doc_test.
if [ "$mode" = test ] && [ -d "$PTWALK_OUT/doc" ]; then
	mkdir -p "$root/doc"
	cp "$PTWALK_OUT"/doc/*.sh "$root/doc/" 2>/dev/null
fi
if [ "$mode" = script ]; then
	cp "${PTWALK_SCRIPT:?set PTWALK_SCRIPT to a shell script}" "$root/script.sh"
fi
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$root/etc/passwd"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$outdir/initramfs.cpio" ||
	die "cpio failed"

cpu=qemu64
[ "$paging" = 5 ] && cpu=max
append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1"
append+=" pti=$pti"
# The bench measures a production-like kernel: no allocator debugging
# (it slows every fault and free), no reserved hugetlb page.
if [ "$mode" != bench ]; then
	append+=" slub_debug=FZPU init_on_free=1 page_poison=1"
	# -cpu max has pdpe1gb: reserve one 1G hugetlb page for PUD-leaf tests.
	[ "$cpu" = max ] && append+=" hugepagesz=1G hugepages=1"
	[ "$flavour" = 6.12 ] && append+=" kfence.sample_interval=100"
fi
# The debug kernel (KASAN, lockdep, kmemleak, DEBUG_PAGEALLOC) runs several
# times slower under TCG: more memory and time, for the VM and for each test
# binary in the guest (guest-run.sh reads PTWALK_TEST_TIMEOUT from init's
# environment, which the kernel fills from unknown name=value parameters).
vm_mem=4096 vm_timeout=900 test_timeout=${PTWALK_TEST_TIMEOUT:-}
if [ "$flavour" = debug ]; then
	vm_mem=6144 vm_timeout=5400
	test_timeout=${test_timeout:-1800}
fi
[ -n "$test_timeout" ] && append+=" PTWALK_TEST_TIMEOUT=$test_timeout"
# The fuzz and the soak (tests/fuzz_test.c, tests/soak_test.c) take their
# budgets from the environment, seconds per file and in all: 0, the
# default here, skips them (scripts/fuzz.sh and check.sh set them).
if [ "$mode" = test ]; then
	append+=" FUZZ_S=${FUZZ_S:-0} SOAK_S=${SOAK_S:-0}"
	[ -n "${FUZZ_SEED:-}" ] && append+=" FUZZ_SEED=$FUZZ_SEED"
	[ -n "${SOAK_KHUGEPAGED:-}" ] && append+=" SOAK_KHUGEPAGED=$SOAK_KHUGEPAGED"
fi
[ "${PTWALK_BENCH_QUICK:-0}" = 1 ] && append+=" ptwalk_bench_quick=1"
append+=" ptwalk_mode=$mode ptwalk_paging=$paging ptwalk_pti=$pti"

# Single-threaded TCG: with one host thread per vCPU (MTTCG) a guest's
# cross-modifying code (text_poke_bp() flipping a static key at boot or at
# insmod) can leave a stale int3 in another vCPU's translated code, seen
# here as "Oops: int3" in sched_clock_cpu() before any test ran. Two vCPUs
# on one thread keep SMP (preemption, IPIs, RCU) without that race.
accel=${PTWALK_ACCEL:-tcg,thread=single}
timeout_s=${PTWALK_VM_TIMEOUT:-$vm_timeout}
# A kernel that dies while booting, before our init runs, has loaded no
# ptwalk code. The debug kernel with 5-level paging does, in 2 of 16 boots
# measured: a timer interrupt that comes while identify_cpu() has cleared
# boot_cpu_data's feature bits makes pgtable_l5_enabled() false for a
# moment, KASAN then takes the 5-level direct map for a 4-level address
# outside its shadow, and reports a "wild-memory-access" at the interrupt
# descriptor's lock (a kernel bug of KASAN with LA57, not of ptwalk). Such
# a boot is tried again, up to PTWALK_BOOT_TRIES (3) boots in all, and the
# log says so; each dead boot's console is kept beside. A failure after
# init started, or a hang, is never retried.
tries=${PTWALK_BOOT_TRIES:-3}
for attempt in $(seq 1 "$tries"); do
	start=$(now)
	timeout -k 10 "$timeout_s" qemu-system-x86_64 \
		-machine q35 -accel "$accel" -cpu "$cpu" -smp 2 -m "${PTWALK_VM_MEM:-$vm_mem}" \
		-display none -monitor none -no-reboot \
		-kernel "$kernel" -initrd "$outdir/initramfs.cpio" -append "$append" \
		-serial "file:$outdir/console.log" -serial "file:$outdir/results.log" \
		-serial "file:$outdir/export.b64" </dev/null
	qrc=$?
	secs=$(($(now) - start))
	tr -d '\r' <"$outdir/results.log" >"$outdir/results.txt" 2>/dev/null
	tr -d '\r' <"$outdir/console.log" >"$outdir/console.txt" 2>/dev/null
	grep -aq '^# ptwalk-vm: booted' "$outdir/results.txt" && break
	# A panic, not a hang (timeout's 124, or 137 after -k), not twice.
	{ [ $qrc -eq 124 ] || [ $qrc -eq 137 ] || [ "$attempt" -ge "$tries" ] ||
	  ! grep -aq 'Kernel panic' "$outdir/console.txt"; } && break
	cp "$outdir/console.txt" "$outdir/console-boot$attempt.txt"
	log "$flavour/$paging-level/pti=$pti: the kernel died while booting," \
	    "before init ran (no ptwalk code loaded; $outdir/console-boot$attempt.txt):" \
	    "$(grep -aE -m1 'BUG:|Oops|Kernel panic' "$outdir/console.txt" | sed 's/^\[[^]]*\] //')." \
	    "Booting it once more."
done
rm -f "$outdir/initramfs.cpio"
booted_again=
[ "$attempt" -gt 1 ] && [ -f "$outdir/console-boot$((attempt - 1)).txt" ] &&
	booted_again="the kernel died while booting $((attempt - 1)) time(s), before init (console-boot*.txt); booted again"

fail_reasons=()
# timeout(1) says 124 (or 137 after -k) when it stopped a hung guest; a
# SIGKILL from elsewhere (the host's OOM killer) is 137 well before that.
if [ $qrc -eq 124 ] || { [ $qrc -eq 137 ] && [ $secs -ge "$timeout_s" ]; }; then
	fail_reasons+=("timeout after ${timeout_s}s (hung guest)")
elif [ $qrc -eq 137 ]; then
	fail_reasons+=("QEMU killed after ${secs}s (SIGKILL: the host's OOM killer? see dmesg)")
fi
status=$(grep -a '^PTWALK-DONE rc=' "$outdir/results.txt" | tail -n1)
if [ -z "$status" ]; then
	fail_reasons+=("guest reported no status (crash, panic or hang)")
elif [ "$status" != "PTWALK-DONE rc=0" ]; then
	fail_reasons+=("guest job failed: $status")
fi
splat='BUG:|WARNING:|Oops|Call Trace|KASAN|UBSAN|general protection fault|'
splat+='soft lockup|hard LOCKUP|rcu_sched self-detected|rcu_preempt self-detected|'
splat+='RCU stall|rcu: INFO|possible circular locking|possible recursive locking|'
splat+='inconsistent lock state|Kernel panic|BUG [^ ]+ \(|Poison overwritten|'
splat+='Object padding overwritten|Redzone overwritten|page dumped because|refcount_t:|'
# Lockdep's and RCU's report headers, not the bare word "lockdep": a debug
# kernel's boot banner says "RCU lockdep checking is enabled".
splat+='possible irq lock inversion|-safe -> [A-Z]+-unsafe lock order|'
splat+='suspicious RCU usage|sleeping function called from invalid context|'
splat+='lock held when returning to user space|still has locks held|'
splat+='held lock freed|bad unlock balance|Invalid wait context|'
splat+='lock held at task exit|Nested lock was not taken|lockdep is turned off|'
splat+='DEBUG_LOCKS_WARN_ON'
if grep -aEn "$splat" "$outdir/console.txt" >"$outdir/splats.txt"; then
	fail_reasons+=("kernel splat in console: $(head -n1 "$outdir/splats.txt")")
fi

# kmemleak (debug kernel, guest-run.sh): a suspected leak fails the run when
# its report names ptwalk, or has a raw address in its backtrace: every
# other module is built in or never loaded, so an unresolved address is
# code of a module since unloaded, or of its init code, freed once loaded
# (ptwalk or its test helper).
nleak=
if grep -aq '^# ptwalk-kmemleak: begin' "$outdir/results.txt"; then
	awk '/^# ptwalk-kmemleak: begin/ { on = 1 } on { print }
	     /^# ptwalk-kmemleak: end/ { on = 0 }' "$outdir/results.txt" >"$outdir/kmemleak.txt"
	awk '/^unreferenced object/ { if (r != "" && bad) print r; r = ""; bad = 0 }
	     /^# ptwalk-kmemleak/ { if (r != "" && bad) print r; r = ""; bad = 0; next }
	     { r = r $0 "\n" }
	     /ptwalk|^[ \t]*(\[<[0-9a-f]+>\] )?0xffffffff[0-9a-f]+$/ { bad = 1 }
	     END { if (r != "" && bad) print r }' "$outdir/kmemleak.txt" >"$outdir/leaks.txt"
	# The same object is listed by both scans: count addresses once.
	nleak=$(grep '^unreferenced object' "$outdir/leaks.txt" | sort -u | wc -l)
	[ "$nleak" -gt 0 ] &&
		fail_reasons+=("kmemleak: $nleak leaks from ptwalk (see $outdir/leaks.txt): $(grep -m1 -E 'ptwalk|^[[:space:]]*(\[<[0-9a-f]+>\] )?0xffffffff[0-9a-f]+$' "$outdir/leaks.txt" | sed 's/^ *//')")
elif [ "$flavour" = debug ] && [ "$mode" = test ]; then
	fail_reasons+=("no kmemleak scan in the guest output")
fi

# TAP: top-level "ok"/"not ok" lines of each kselftest binary.
pass=$(grep -acE '^ok [0-9]+ ' "$outdir/results.txt" | head -n1)
skips=$(grep -aE '^ok [0-9]+ .*# SKIP' "$outdir/results.txt")
nskip=$(printf '%s' "$skips" | grep -c . )
pass=$((pass - nskip))
fail=$(grep -acE '^not ok [0-9]+ ' "$outdir/results.txt")
badbin=$(grep -aE '^# ptwalk-run: end .* rc=' "$outdir/results.txt" |
	grep -avE 'rc=(0|4)$' | sed 's/^# ptwalk-run: end //')
[ -n "$badbin" ] && fail_reasons+=("test binaries failed: $(echo $badbin)")
# A failing configuration counts at least one failure even when it is not
# a test's (a splat or a hang after every test passed).
if [ ${#fail_reasons[@]} -gt 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
{
	echo "pass=$pass fail=$fail skip=$nskip secs=$secs"
	[ -n "$booted_again" ] && echo "boot: $booted_again"
	[ -n "$nleak" ] && echo "kmemleak: $nleak suspected leaks from ptwalk," \
		"$(grep '^unreferenced object' "$outdir/kmemleak.txt" | sort -u | wc -l) in all"
	printf '%s\n' "$skips" | sed -n 's/^ok [0-9]* \(.*\)# SKIP/skip: \1:/p'
	for r in "${fail_reasons[@]}"; do echo "reason: $r"; done
} >"$outdir/summary"

if [ ${#fail_reasons[@]} -gt 0 ] || [ "$fail" -gt 0 ]; then
	log "FAILED $flavour/$paging-level/pti=$pti (${secs}s):"
	for r in "${fail_reasons[@]}"; do log "  $r"; done
	grep -aE '^not ok' "$outdir/results.txt" | sed 's/^/    /' >&2
	log "--- tail of job output ($outdir/results.txt)"
	tail -n 40 "$outdir/results.txt" >&2
	log "--- tail of console ($outdir/console.txt)"
	tail -n 40 "$outdir/console.txt" >&2
	exit 1
fi
exit 0
