#!/bin/bash
# The documentation's shell blocks, for the documentation tests.
#   doc-blocks.sh OUTDIR [DOC...]      (default: README.md docs/tool.md)
# Every ```sh block of the documents says in its fence how it is tested:
#   ```sh doctest          run as root in every VM of make check
#   ```sh doctest-user     run as an unprivileged user (nobody) there
#   ```sh not-run: WHY     not run; WHY says why (installs packages, ...)
# A ```sh block with none of these, or not-run without a reason, is an
# error: every command a reader may copy is either tested or says why not.
# Writes OUTDIR/NN-DOC-LLINE.root.sh or .user.sh, one per runnable block
# (tests/doc_test.c runs them in the guest), and prints what it found.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: doc-blocks.sh OUTDIR [DOC...]}
shift
[ $# -gt 0 ] || set -- README.md docs/tool.md
rm -rf "$out"
mkdir -p "$out"
n=0 bad=0 run=0 skipped=0
for doc in "$@"; do
	[ -f "$PTWALK_TOP/$doc" ] || die "no $doc"
	base=$(basename "$doc" .md)
	# One "LINE<TAB>INFO" per ```sh fence; the block's lines follow it.
	while IFS=$'\t' read -r line info; do
		n=$((n + 1))
		case $info in
		doctest) who=root ;;
		doctest-user) who=user ;;
		not-run:\ ?*)
			skipped=$((skipped + 1))
			continue ;;
		*)
			echo "$doc:$line: a \`\`\`sh block must say 'doctest', 'doctest-user' or 'not-run: WHY' (has '${info}')" >&2
			bad=$((bad + 1))
			continue ;;
		esac
		f=$(printf '%s/%02d-%s-L%d.%s.sh' "$out" "$n" "$base" "$line" "$who")
		awk -v from="$line" 'NR > from && /^```/ { exit } NR > from' \
			"$PTWALK_TOP/$doc" >"$f"
		run=$((run + 1))
	done < <(awk '/^```sh/ { info = $0; sub(/^```sh[ \t]*/, "", info); print NR "\t" info }' \
		"$PTWALK_TOP/$doc")
done
[ "$bad" -eq 0 ] || die "$bad unmarked shell block(s) in the documentation"
log "documentation: $run runnable shell blocks, $skipped marked not-run, in $*"
