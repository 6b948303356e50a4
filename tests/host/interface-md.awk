# Facts about the /proc/ptwalk interface from docs/interface.md, one a line:
#   file NAME MODE | format NAME ptwalk-NAME N | request NAME WORDS...
#   errno NAME EXXX | line NAME KIND
# NAME is the file ("common" for the common rules of request files). From
# "## /proc/ptwalk/NAME (MODE, ...)" headings; format and line kinds from
# the fenced examples (a line's first word, a trailing ':' dropped); the
# backticked words of the first column of "| request |" tables (requests)
# and "| key |" or "| line |" tables (line kinds); every backticked errno in the section.
function ticked(s, kind,    w) {
	while (match(s, /`[^`]+`/)) {
		w = substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
		print kind, sec, w
	}
}
/^## / {
	sec = ""; table = ""
	if (match($0, /\/proc\/ptwalk\/[a-z]+/)) {
		sec = substr($0, RSTART + 13, RLENGTH - 13)
		if (match($0, /\(0[0-7][0-7][0-7]/))
			print "file", sec, substr($0, RSTART + 1, 4)
	} else if ($0 ~ /^## Common rules/) {
		sec = "common"
	}
	next
}
sec == "" { next }
/^```/ { block = !block; first = 1; next }
block {
	if (first && $0 ~ /^ptwalk-[a-z]+ [0-9]+$/)
		print "format", sec, $0
	else if ($1 != "..." && $1 != "")
		{ k = $1; sub(/:$/, "", k); print "line", sec, k }
	first = 0
	next
}
/^\| *request *\|/ { table = "request"; next }
/^\| *(key|line) *\|/ { table = "line"; next }
/^\|---/ { next }
/^\|/ && table != "" { split($0, cell, "|"); ticked(cell[2], table) }
!/^\|/ { table = "" }
{
	s = $0
	while (match(s, /`E[A-Z][A-Z]+`/)) {
		print "errno", sec, substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
	}
}
