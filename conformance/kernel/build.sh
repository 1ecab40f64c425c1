#!/usr/bin/env bash
# Builds the kernel harness of one kernel version in userspace (DESIGN.md "The kernel harness").
#   build.sh <target> <workdir> [part]   e.g. build.sh linux-6.12 target/kernel (all parts, or just one)
# 1. fetches Debian's linux-source package at the version pinned in kernels.conf (apt-get download +
#    dpkg -x: nothing is installed on the system) and cJSON the same way;
# 2. unpacks only the files the parts need into <workdir>/<target>/src;
# 3. for each part (parts/<name>/part.conf) extracts the kernel functions it names (extract.awk) and
#    compiles them with our shims (the part's own, then common/) and the line loop, with ASan and UBSan, into <workdir>/<target>/bin/vhc-<name>.
#    part.conf verbs: extract FILE FN..., compile FILE, header FILE NAME (a kernel header copied into the
#    build under its include name), include DIR, unpack PATH..., cflags FLAGS.
#    A part.conf line that starts with a target name ("linux-6.12: extract ...") is read for that target only.
# Environment:
#    VHC_EDITS=<dir>  a kernel mutant or patch (edit.pl's edits): each edit is applied to the build copy of its
#                     function; only the parts an edit touches are built (listed in <workdir>/<target>/edited-parts);
#                     an edit that does not apply, or whose function no part builds, is one line and exit 4.
#    VHC_OBJCACHE=<dir> where compiled objects are kept by the hash of their inputs (default <workdir>/objcache):
#                     a mutant's build points it at the pristine build's so that unchanged units are not compiled again.
#    VHC_COVERAGE=1   a coverage build (gcc --coverage -O0, beside ASan and UBSan): each object is compiled under its
#                     final name, so that its .gcno and the .gcda a run writes sit beside it (Kernels.buildCoverage);
#                     the object folder is among its inputs, since a run writes its counts to the path compiled in.
# Kernel code goes only under <workdir> (the build directory), never into the repository.
# Exit codes: 0 built; 3 the Debian packages could not be fetched (the caller reports the kernel
# suites as SKIPPED); 4 an edit (VHC_EDITS) does not apply; 1 anything else (a function that moved, a compile error).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: build.sh <target> <workdir>}
work=$(mkdir -p "${2:?usage: build.sh <target> <workdir> [part]}" && cd "$2" && pwd)
only=${3:-}

# one build at a time in a work directory (test JVMs and the command line may start one each)
exec 9>"$work/.build.lock"
flock 9

line=$(awk -v t="$target" '$1 == t { print; found = 1 } END { exit !found }' "$here/kernels.conf") \
	|| { echo "build.sh: kernels.conf has no target '$target'" >&2; exit 1; }
read -r _ package version tarball <<<"$line"
override="VHC_VERSION_$(echo "$target" | tr -- '-.' '__')"
version=${!override:-$version}

fetch() { # fetch <dir> <package=version>...: download the .debs into <dir>, once; exit 3 if apt cannot
	local dir=$1; shift
	mkdir -p "$dir"
	( cd "$dir" && apt-get download "$@" >/dev/null 2>apt.err ) && return 0
	# a fresh machine has no package lists yet
	if [ "$(id -u)" = 0 ]; then apt-get update >/dev/null 2>&1 || true; fi
	( cd "$dir" && apt-get download "$@" >/dev/null 2>apt.err ) && return 0
	echo "build.sh: cannot fetch $* from Debian: $(grep -v '^W:' "$dir/apt.err" | head -1)" >&2
	exit 3
}

# ---- 1 + 2: sources ----
src="$work/$target/src"
top=$(basename "$tarball" .tar.xz)
paths=$(awk '$1 == "unpack" { for (i = 2; i <= NF; i++) print "'"$top"'/" $i }' $(ls "$here"/parts/*/part.conf 2>/dev/null) "$here/unpack.conf" | sort -u)
# the stamp names the unpacked paths too: a part that unpacks more gets a fresh tree
stamp="$src/.vhostcheck-$package-$version-$(echo "$paths" | md5sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
	debs="$work/debs"
	if ! ls "$debs/${package}_${version//:/%3a}_"*.deb >/dev/null 2>&1; then
		echo "build.sh: fetching $package=$version from Debian ..." >&2
		fetch "$debs" "$package=$version"
	fi
	rm -rf "$work/$target/pkg" "$src"
	mkdir -p "$work/$target/pkg"
	dpkg -x "$debs/${package}_${version//:/%3a}_"*.deb "$work/$target/pkg"
	mkdir -p "$src"
	# shellcheck disable=SC2086
	tar -xJf "$work/$target/pkg/$tarball" -C "$src" --strip-components=1 $paths
	rm -rf "$work/$target/pkg"
	touch "$stamp"
fi

deps="$work/deps"
if [ ! -f "$deps/.done" ]; then
	dspec=$(awk '$1 == "deps" { printf "%s=%s ", $2, $3 }' "$here/kernels.conf")
	# shellcheck disable=SC2086
	fetch "$work/debs" $dspec
	for d in $(awk '$1 == "deps" { print $2 "_" $3 }' "$here/kernels.conf"); do
		mkdir -p "$deps"
		dpkg -x "$work/debs/${d//:/%3a}_"*.deb "$deps"
	done
	touch "$deps/.done"
fi
libdir=$(dirname "$(find "$deps/" -name 'libcjson.so*' | head -1)")

# ---- 3: parts ----
case "$target" in
linux-*) kv=$(echo "${target#linux-}" | awk -F. '{ printf "%d%02d", $1, $2 }') ;;
*) echo "build.sh: target '$target' is not linux-X.Y" >&2; exit 1 ;;
esac
bin="$work/$target/bin"
mkdir -p "$bin"
edits=${VHC_EDITS:-}
objs=${VHC_OBJCACHE:-$work/objcache}
mkdir -p "$objs"
if [ -n "$edits" ]; then
	rm -f "$edits/applied"
	touch "$edits/applied"
	: >"$work/$target/edited-parts"
fi
# edit <kernel file> <unit>: apply the edits of that file to the unit (exit 4 when one does not apply)
edit() {
	[ -n "$edits" ] || return 0
	perl "$here/edit.pl" "$edits" "$target" "$1" "$2" || exit $?
}
# does an edit name this kernel file?
edits_file() {
	[ -n "$edits" ] && cut -f2 "$edits"/*.meta 2>/dev/null | grep -qxF "$1"
}
CFLAGS=(-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
	-fno-strict-aliasing -fwrapv-pointer -std=gnu11 -Wall -Wno-unused-function -Wno-unused-variable
	-Wno-unused-but-set-variable -Wno-pointer-sign -Wno-address-of-packed-member -DVHC_LINUX="$kv")
coverage=${VHC_COVERAGE:-}
[ -z "$coverage" ] || CFLAGS=("${CFLAGS[@]/#-O1/-O0}" --coverage)
for conf in $(ls "$here"/parts/*/part.conf 2>/dev/null); do
	pdir=$(dirname "$conf")
	part=$(basename "$pdir")
	if [ -n "$only" ] && [ "$part" != "$only" ]; then continue; fi
	gen="$work/$target/gen/$part"
	rm -rf "$gen"
	mkdir -p "$gen"
	units=()
	units_h=()
	incs_edited=()
	k=0
	applied0=$( [ -n "$edits" ] && wc -l <"$edits/applied" || echo 0)
	while read -r verb file rest; do
		# "linux-X.Y: <line>": a line for one target only (a function that exists in one version)
		case "$verb" in
		linux-*:)
			[ "$verb" = "$target:" ] || continue
			read -r verb file rest <<<"$file $rest" ;;
		esac
		case "$verb" in
		extract)
			k=$((k + 1))
			out="$gen/kernel_$k.c"
			{
				echo "/* generated by build.sh from $target $file (kernel code, GPL; build output only) */"
				echo "#include \"prelude.h\""
				awk -v want="$rest" -v file="$file" -f "$here/extract.awk" "$src/$file"
			} >"$out.tmp"
			mv "$out.tmp" "$out"
			edit "$file" "$out"
			units+=("$out") ;;
		compile)
			if edits_file "$file"; then
				# an edited whole file is compiled from a copy (its own directory searched for its includes)
				mkdir -p "$gen/edited/$(dirname "$file")"
				cp "$src/$file" "$gen/edited/$file"
				edit "$file" "$gen/edited/$file"
				incs_edited+=(-iquote "$src/$(dirname "$file")")
				units+=("$gen/edited/$file")
			else
				units+=("$src/$file")
			fi ;;
		header)
			# a kernel header used as it is: copied under the include name given ("header
			# include/linux/vhost_iotlb.h linux/vhost_iotlb.h"), searched after our shims
			mkdir -p "$(dirname "$gen/include/$rest")"
			cp "$src/$file" "$gen/include/$rest"
			units_h+=("$gen/include/$rest") ;;
		esac
	done < <(grep -v '^[[:space:]]*#' "$conf" | grep -v '^[[:space:]]*$')
	if [ -n "$edits" ] && [ "$(wc -l <"$edits/applied")" = "$applied0" ]; then
		# a mutant or patch builds only the parts it touches
		rm -f "$bin/vhc-$part" "$bin/vhc-$part.inputs"
		continue
	fi
	[ -n "$edits" ] && echo "$part" >>"$work/$target/edited-parts"
	incs=("${incs_edited[@]}")
	while read -r _ dir; do incs+=(-I "$src/$dir"); done < <(awk '$1 == "include"' "$conf")
	extra=$(awk '$1 == "cflags" { $1 = ""; print }' "$conf")
	# compile only when an input changed: the units, our part and line loop, this script, the flags, the version
	sum=$( { cat "${units[@]}" "${units_h[@]}" "$0"; find "$pdir" "$here/common" -type f | sort | xargs cat;
		echo "${CFLAGS[*]} $extra ${incs[*]} $version ${coverage:+$objs}"; } | md5sum | cut -c1-32)
	if [ -x "$bin/vhc-$part" ] && [ "$(cat "$bin/vhc-$part.inputs" 2>/dev/null)" = "$sum" ]; then
		echo "build.sh: $target $part is up to date" >&2
		continue
	fi
	# each unit on its own, its object kept by the hash of what it is compiled from (the unit, every header of
	# ours and of the part's include copies, the flags, the kernel version): a mutant recompiles only what it edits
	hsum=$( { find "$pdir" "$here/common" "$gen/include" -name '*.h' -type f | sort | xargs -r cat;
		echo "${CFLAGS[*]} $extra ${incs[*]} $version $target ${coverage:+$objs}"; } | md5sum | cut -c1-32)
	ofiles=()
	pids=()
	for u in "$here/common/harness.c" "$pdir"/*.c "${units[@]}"; do
		o="$objs/$(basename "$u" .c)-$( { cat "$u"; echo "$hsum"; } | md5sum | cut -c1-32).o"
		ofiles+=("$o")
		[ -f "$o" ] && continue
		# a coverage object keeps its final name (gcov finds its notes and counts by it); the lock makes it the only writer
		tmp="$o.$$.tmp"
		[ -z "$coverage" ] || tmp="$o"
		# shellcheck disable=SC2086
		( gcc "${CFLAGS[@]}" $extra -I "$pdir" -I "$here/common" -I "$gen/include" "${incs[@]}" -I "$deps/usr/include" \
			-c -o "$tmp" "$u" && { [ "$tmp" = "$o" ] || mv "$tmp" "$o"; } || { rm -f "$tmp"; exit 1; } ) &
		pids+=($!)
		# at most as many compilers as cores
		if [ "${#pids[@]}" -ge "$(nproc)" ]; then wait "${pids[0]}" || exit 1; pids=("${pids[@]:1}"); fi
	done
	for p in "${pids[@]}"; do wait "$p" || exit 1; done
	# shellcheck disable=SC2086
	gcc "${CFLAGS[@]}" $extra -o "$bin/vhc-$part.tmp" "${ofiles[@]}" -L "$libdir" -Wl,-rpath,"$libdir" -lcjson
	mv "$bin/vhc-$part.tmp" "$bin/vhc-$part"
	echo "$sum" >"$bin/vhc-$part.inputs.tmp" && mv "$bin/vhc-$part.inputs.tmp" "$bin/vhc-$part.inputs"
	echo "build.sh: $target $part -> $bin/vhc-$part" >&2
done
if [ -n "$edits" ]; then
	# every edit must have applied somewhere: one whose function no part builds changes nothing
	for m in "$edits"/*.meta; do
		[ -e "$m" ] || continue
		n=$(basename "$m" .meta)
		if ! grep -q "^$n " "$edits/applied"; then
			IFS=$'\t' read -r label efile fn <"$m"
			echo "mutant $label: $target $efile $fn: no harness part builds this function (conformance/kernel/parts/*/part.conf)" >&2
			exit 4
		fi
	done
fi
echo "$version"
