# Prints the definitions of the functions named in `want` (space separated) from one kernel C
# file, each preceded by a #line directive so that compiler and sanitizer reports point at the
# kernel file. Kernel style: a definition starts at column 0 with the name followed by "(", its
# signature may span lines and is followed by "{"; it ends at the first "}" in column 0. A
# prototype (the signature ends in ";" before any "{") is skipped. Exits 1 naming every function
# not found (a renamed or removed function is drift, never silently skipped).
BEGIN {
	n = split(want, names, " ")
	for (k = 1; k <= n; k++) wanted[names[k]] = 1
	state = 0   # 0 looking, 1 reading a signature, 2 inside a body
}
state == 1 {
	buf = buf "\n" $0
	if ($0 ~ /\{/) { state = 2; found[cur] = 1; print buf; if ($0 ~ /^}/) { state = 0; print "" }; next }
	if ($0 ~ /;[ \t]*$/) { state = 0; next }
	next
}
state == 2 {
	print
	if ($0 ~ /^}/) { state = 0; print "" }
	next
}
/^[A-Za-z_]/ {
	for (f in wanted) {
		if (!(f in found) && match($0, "(^|[^A-Za-z0-9_])" f "\\(")) {
			cur = f
			# a return type on the line above ("static inline int\nname(") belongs to the definition
			if (prev ~ /^[A-Za-z_][A-Za-z0-9_ \t\*]*$/ && $0 ~ "^" f "\\(")
				buf = sprintf("#line %d \"%s\"\n%s\n%s", NR - 1, file, prev, $0)
			else
				buf = sprintf("#line %d \"%s\"\n%s", NR, file, $0)
			if ($0 ~ /\{/) { state = 2; found[f] = 1; print buf }
			else if ($0 ~ /;[ \t]*$/) state = 0
			else state = 1
			break
		}
	}
}
{ prev = $0 }
END {
	missing = ""
	for (f in wanted) if (!(f in found)) missing = missing " " f
	if (missing != "") {
		print file ": function(s) not found:" missing > "/dev/stderr"
		exit 1
	}
}
