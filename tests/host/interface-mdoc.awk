# The same facts as interface-md.awk, from the mdoc source of ptwalk(4):
#   ".Ss /proc/ptwalk/NAME" (or ".Ss Common rules ...") starts a section,
#   ".Sh" ends it; "Mode 0NNN" opening a text line gives the file's mode;
#   the first line of a ".Bd -literal" example that reads "ptwalk-NAME N" is
#   its format; the top-level ".It" entries of the list after a text line
#   starting "Requests" are its requests; the first word of every other
#   ".It" is a line kind it describes (each of "A , B"); every "Er EXXX" is
#   an errno.
# ".It" heads are read as plain words: macro names dropped, "Op X" -> "[X]".
function plain(s,    n, w, i, out, opt) {
	gsub(/\\&/, "", s); gsub(/\\-/, "-", s)
	n = split(s, w, " ")
	out = ""; opt = 0
	for (i = 1; i <= n; i++) {
		if (w[i] ~ /^(Li|Cm|Ar|Ic|Pa|Sy|Em|No|Ql|Va|Fl|Xo|Xc|Bq|Dq|Sq|Pq)$/)
			continue
		if (w[i] == "Op") { out = out (out == "" ? "" : " ") "["; opt++; join = 1; continue }
		if (w[i] == "Ns") { join = 1; continue }
		out = out (out == "" || join ? "" : " ") w[i]
		join = 0
	}
	while (opt-- > 0)
		out = out "]"
	return out
}
/^\.Sh/ { sec = ""; next }
/^\.Ss/ {
	sec = ""; req = 0; depth = 0
	if (match($0, /^\.Ss \/proc\/ptwalk\/[a-z]+/))
		sec = substr($0, 18, RLENGTH - 17)
	else if ($0 ~ /^\.Ss Common rules/)
		sec = "common"
	next
}
sec == "" { next }
/^\.Bd -literal/ { block = 1; first = 1; next }
/^\.Ed/ { block = 0; next }
block {
	line = $0; gsub(/\\&/, "", line); gsub(/\\e/, "\\", line)
	if (first && line ~ /^ptwalk-[a-z]+ [0-9]+$/)
		print "format", sec, line
	first = 0
	next
}
/^Mode 0[0-7][0-7][0-7]/ { print "file", sec, substr($2, 1, 4) }
/^Requests/ { reqnext = 1 }
/^\.Bl/ { depth++; if (reqnext && depth == 1) req = 1; reqnext = 0 }
/^\.El/ { depth--; if (depth == 0) req = 0 }
/^\.It / {
	head = plain(substr($0, 5))
	if (req && depth == 1)
		print "request", sec, head
	else if (head != "") {
		# "A , B , C": each names a line ("helper_pa , agree").
		n = split(head, part, " , ")
		for (i = 1; i <= n; i++) {
			split(part[i], w, " "); print "line", sec, w[1]
		}
	}
}
{
	s = $0
	while (match(s, /Er E[A-Z][A-Z]+/)) {
		print "errno", sec, substr(s, RSTART + 3, RLENGTH - 3)
		s = substr(s, RSTART + RLENGTH)
	}
}
