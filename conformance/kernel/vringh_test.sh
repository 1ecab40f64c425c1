#!/usr/bin/env bash
# Builds and runs the kernel's own vringh test (tools/virtio/vringh_test: drivers/vhost/vringh.c as the host
# side against drivers/virtio/virtio_ring.c as the guest side, in userspace) as an extra check of the trees
# the harness is built from.
#   vringh_test.sh <target> <workdir> [full|sample]   e.g. vringh_test.sh linux-6.12 target/kernel
# (default: vringh_test.sh's own matrix; full: every option combination; sample: two serial variants for mvn verify)
# Needs <workdir>/<target>/src unpacked by build.sh (unpack.conf names tools/virtio and drivers/virtio).
# Builds with the tree's own tools/virtio/Makefile, in a symlink copy of the tree under
# <workdir>/<target>/vringh_test/tree (so the unpacked tree gets no objects and no flags go stale), with
# ASan + UBSan, into <workdir>/<target>/vringh_test/vringh_test; then runs the variants below, each with a
# timeout (VRINGH_TEST_TIMEOUT seconds, default 120), its whole output in vringh_test/logs/<variant>.log.
# Prints `version <Debian version>`, `build <target> <seconds>`, then one line per run:
# `<variant> <rc> <seconds>` (variant = the options without '--' joined by ',', or 'plain').
# rc: the tool's exit status; 124 timeout; 66 a sanitizer report (ASan/LSan), 67 an UBSan report.
# Exit: 0 it ran (whatever the results); 3 the Debian packages are unavailable; 1 the build failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: vringh_test.sh <target> <workdir> [full]}
work=$(mkdir -p "${2:?usage: vringh_test.sh <target> <workdir> [full]}" && cd "$2" && pwd)
matrix=${3:-default}
timeout_s=${VRINGH_TEST_TIMEOUT:-120}

# build.sh unpacks the tree (and has no parts to compile when none is named that exists); 3 = unavailable.
rc=0
version=$(bash "$here/build.sh" "$target" "$work" vringh-test-no-part) || rc=$?
if [ "$rc" = 3 ]; then exit 3; fi
if [ "$rc" != 0 ]; then echo "vringh_test.sh: build.sh $target failed ($rc)" >&2; exit 1; fi
src="$work/$target/src"
for f in tools/virtio/Makefile tools/virtio/vringh_test.c drivers/vhost/vringh.c drivers/virtio/virtio_ring.c; do
	[ -f "$src/$f" ] || { echo "vringh_test.sh: $src/$f missing (unpack.conf?)" >&2; exit 1; }
done

# build.sh's lock, held while the tree is read: a concurrent build.sh may re-unpack it
exec 9>"$work/.build.lock"
flock 9
out="$work/$target/vringh_test"
rm -rf "$out"
mkdir -p "$out/logs" "$out/shim/linux"
# A symlink farm of the unpacked tree: the Makefile's relative paths (-I ../include, -include
# ../../include/linux/kconfig.h, vpath ../../drivers/...) resolve inside it, objects land in it.
cp -as "$src" "$out/tree"
vdir="$out/tree/tools/virtio"
rm -f "$vdir"/*.o "$vdir"/*.d "$vdir"/vringh_test # never a stale object (make does not track CFLAGS)

# ---- the smallest workarounds, each only when the tree needs it ----
# -Werror stays on (the Makefile's); -I ../../usr/include (make headers_install output) does not exist in
# an unpacked source package, so the uapi headers not in the tree (asm/types, errno, swab...) come from the
# system's /usr/include (linux-libc-dev), as they would for any userspace build.
extra=()
# Debian's 6.12.y has compiler_types.h include <linux/compiler-context-analysis.h> (a stable backport),
# which tools/virtio/linux/compiler.h pulls in via ../../../include/linux/compiler_types.h, but neither
# tools/virtio/linux nor tools/include/linux has it: let exactly that one header (self-contained, just
# the sparse lock annotations) be found in the tree's include/linux, after every other include dir.
if grep -q '<linux/compiler-context-analysis.h>' "$src/include/linux/compiler_types.h" \
	&& [ ! -e "$src/tools/virtio/linux/compiler-context-analysis.h" ] \
	&& [ ! -e "$src/tools/include/linux/compiler-context-analysis.h" ]; then
	ln -s "$src/include/linux/compiler-context-analysis.h" "$out/shim/linux/"
	extra+=(-idirafter "$out/shim")
fi
# vringh.c (6.12) ends with MODULE_DESCRIPTION(...), which tools/virtio/linux/module.h does not define
# (it has MODULE_LICENSE only): module metadata, nothing to do in userspace.
if grep -q '^MODULE_DESCRIPTION' "$src/drivers/vhost/vringh.c" \
	&& ! grep -q 'MODULE_DESCRIPTION' "$src/tools/virtio/linux/module.h"; then
	extra+=("-DMODULE_DESCRIPTION(d)=")
fi
# virtio_ring.c (6.1.y and 6.12.y) marks a racy store with data_race() (KCSAN), which no tools/ header
# defines: without KCSAN the kernel's data_race(expr) is just expr evaluated once.
if grep -q 'data_race(' "$src/drivers/virtio/virtio_ring.c" \
	&& ! grep -rqs 'define data_race' "$src/tools/virtio/linux" "$src/tools/include/linux"; then
	extra+=("-Ddata_race(e)=({ e; })")
fi
# Sanitizers. -fno-sanitize=alignment: the tool itself places data at guest_map/__user_addr_min +
# vring_size(256, 4096) = +0x2806 (6 mod 8): the parallel test's int buffers and indirect tables, and the
# serial test's indirect table handed out by its fake kmalloc (__kmalloc_fake) -- a layout of the test,
# harmless on x86, never produced by the kernel's allocators; every other UBSan check aborts the run.
san=(-fsanitize=address,undefined -fno-sanitize=alignment -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

q() { printf '%q ' "$@"; } # the recipes run through sh: quote the -D macros' parentheses and spaces
start=$(date +%s.%N)
if ! (cd "$vdir" && CFLAGS="$(q "${extra[@]}" "${san[@]}")" LDFLAGS="$(q "${san[@]}")" \
	make vringh_test) >"$out/build.log" 2>&1; then
	echo "vringh_test.sh: $target: make vringh_test failed:" >&2
	tail -20 "$out/build.log" >&2
	exit 1
fi
mv "$vdir/vringh_test" "$out/vringh_test"
exec 9>&-
echo "version $version"
printf 'build %s %.1f\n' "$target" "$(echo "$(date +%s.%N) - $start" | bc)"

# ---- variants (vringh_test.c main: --indirect, --eventidx, --virtio-1 set features; --slow-range uses
# a getrange that returns 1-byte ranges; --parallel runs guest and host in two processes; --fast-vringh
# only matters with --parallel) ----
flags=("" "--indirect" "--eventidx" "--virtio-1" "--indirect --eventidx" "--indirect --virtio-1"
	"--eventidx --virtio-1" "--indirect --eventidx --virtio-1")
all="--indirect --eventidx --virtio-1"
variants=()
if [ "$matrix" = full ]; then
	for mode in "" "--slow-range" "--parallel" "--parallel --fast-vringh" "--parallel --slow-range" \
		"--parallel --slow-range --fast-vringh"; do
		for f in "${flags[@]}"; do variants+=("$(echo "$f $mode" | xargs)"); done
	done
elif [ "$matrix" = sample ]; then
	# one serial run without and one with every feature. The two-process runs spin on both cores (77 s for
	# one under a loaded build, and without --fast-vringh whether the test program's own leak is reported
	# depends on scheduling) and 1-byte ranges take 35 s: those are in the default matrix only
	variants=("" "$all")
else
	for f in "${flags[@]}"; do variants+=("$f"); done
	variants+=("--slow-range" "$all --slow-range")
	for f in "" "--indirect" "--eventidx" "--virtio-1" "$all"; do variants+=("$(echo "$f --parallel" | xargs)"); done
	variants+=("--parallel --fast-vringh" "$all --parallel --fast-vringh" "$all --parallel --slow-range")
fi

# A sanitizer report gets its own exit code; leaks are reported (the tool's own leaks are asserted by
# the Java test, which reads the log).
export ASAN_OPTIONS=exitcode=66:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=exitcode=67:halt_on_error=1:print_stacktrace=1
for v in "${variants[@]}"; do
	name=$(echo "${v:-plain}" | sed 's/^--//; s/ --/,/g')
	log="$out/logs/$name.log"
	s=$(date +%s.%N)
	rc=0
	# shellcheck disable=SC2086
	(cd "$out" && timeout "$timeout_s" ./vringh_test $v) >"$log" 2>&1 </dev/null || rc=$?
	printf '%s %d %.2f\n' "$name" "$rc" "$(echo "$(date +%s.%N) - $s" | bc)"
done
