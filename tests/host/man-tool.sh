#!/bin/bash
# ptwalk(1) covers the tool: every command of user/main.c's command table
# has an ".It Cm NAME" entry under COMMANDS, every long option of its
# getopt table appears as ".Fl \-NAME", every exit status of user/ptwalk.h
# has an ".It N" entry under EXIT STATUS, and NO_COLOR is under ENVIRONMENT.
set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

page=$PTWALK_TOP/man/ptwalk.1
rc=0
miss() { echo "man-tool: ptwalk(1) lacks $*" >&2; rc=1; }
# The .It heads of one .Sh section, first word after the macro.
section_items() {
	awk -v sec="$1" '/^\.Sh / { on = ($0 == ".Sh " sec) ; next }
		on && /^\.It / { print }' "$page"
}
cmds=$(sed -n 's/^\t{ \.name = "\([a-z]*\)",.*/\1/p' "$PTWALK_TOP/user/main.c")
[ -n "$cmds" ] || miss "nothing: no commands read from user/main.c"
for c in $cmds; do
	section_items COMMANDS | grep -q "^\.It Cm $c\( \|$\)" || miss "command $c under COMMANDS"
done
opts=$(sed -n 's/^\t\t{ "\([a-z]*\)", [a-z_]*_argument,.*/\1/p' "$PTWALK_TOP/user/main.c")
[ -n "$opts" ] || miss "nothing: no options read from user/main.c"
for o in $opts; do
	section_items OPTIONS | grep -q "^\.It Fl \\\\-$o\( \|$\)" || miss "option --$o under OPTIONS"
done
codes=$(sed -n 's/^\tEXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$PTWALK_TOP/user/ptwalk.h")
[ -n "$codes" ] || miss "nothing: no exit statuses read from user/ptwalk.h"
for n in $codes; do
	section_items "EXIT STATUS" | grep -qx "\.It $n" || miss "exit status $n under EXIT STATUS"
done
section_items ENVIRONMENT | grep -q '^\.It Ev NO_COLOR$' || miss "NO_COLOR under ENVIRONMENT"
[ $rc = 0 ] && echo "man-tool: ptwalk(1) has the $(echo $cmds | wc -w) commands," \
	"$(echo $opts | wc -w) options and $(echo $codes | wc -w) exit statuses of the tool"
exit $rc
