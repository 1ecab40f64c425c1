package org.vhostcheck.conformance.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.vhostcheck.model.Project;
import org.vhostcheck.model.VhostcheckException;

/**
 * The kernel targets (conformance/kernel/kernels.conf) and their harness builds. A target is built
 * once per JVM by conformance/kernel/build.sh into {@code <home>/target/kernel/<target>} (or the
 * directory named by the system property {@code vhostcheck.kernel.dir}); kernel code lives only there.
 */
public final class Kernels {
    public static final List<String> TARGETS = List.of("linux-6.1", "linux-6.12");

    /**
     * What building a target gave: the Debian version it was built from, or why it is unavailable; for an edited
     * build (a kernel mutant or patch) the harness parts it rebuilt (the others are the pristine build's), else null.
     */
    public record Build(String target, String version, Path bin, String unavailable, double seconds, List<String> parts) {
        public boolean available() {
            return unavailable == null;
        }

        /** Whether this build has the named harness part (an edited build has only the parts its edits touch). */
        public boolean has(String part) {
            return parts == null || parts.contains(part);
        }

        public Path exe(String part) {
            return bin.resolve("vhc-" + part);
        }
    }

    private static final Map<String, Build> BUILT = new ConcurrentHashMap<>();

    private Kernels() {
    }

    public static Path workDir(Path home) {
        String d = System.getProperty("vhostcheck.kernel.dir");
        return d != null ? Path.of(d).toAbsolutePath() : home.resolve("target/kernel");
    }

    public static Build build(String target) {
        return build(Project.home(), target);
    }

    /**
     * Builds (once per JVM) the harness parts of one target. Packages that cannot be fetched give an
     * unavailable build (the suites say SKIPPED and why); any other failure is an error with build.sh's output.
     */
    public static synchronized Build build(Path home, String target) {
        Build b = BUILT.get(target);
        if (b == null) {
            b = build(home, workDir(home), target, System.getProperty("vhostcheck.kernel.version." + target));
            BUILT.put(target, b);
        }
        return b;
    }

    /**
     * Builds one target into {@code work}, from the Debian version pinned in kernels.conf or from
     * {@code version} when not null (a maintainer checking a newer release; the system property
     * vhostcheck.kernel.version.TARGET sets it for {@link #build(Path, String)}). Not cached.
     */
    public static Build build(Path home, Path work, String target, String version) {
        return build(home, work, target, version, null, null, false);
    }

    private static final Map<String, Build> COVERAGE = new ConcurrentHashMap<>();

    /**
     * The coverage build of a target (once per JVM): the pristine build's tree and packages compiled again with gcc
     * --coverage beside the sanitizers, into {@code <kernel work dir>-coverage/<target>}, its objects in a folder of
     * that target's own, where a run's counts (.gcda) land beside them ({@link Coverage}).
     */
    public static synchronized Build buildCoverage(Path home, String target) {
        Build b = COVERAGE.get(target);
        if (b != null) {
            return b;
        }
        Build pristine = build(home, target);
        if (!pristine.available()) {
            return pristine;
        }
        Path pw = workDir(home);
        Path work = pw.resolveSibling(pw.getFileName() + "-coverage");
        linkPristine(pw, work, target);
        b = build(home, work, target, pristine.version(), null, coverageObjects(home, target), true);
        COVERAGE.put(target, b);
        return b;
    }

    /** Where the objects of a target's coverage build are, with their notes (.gcno) and a run's counts (.gcda). */
    public static Path coverageObjects(Path home, String target) {
        Path pw = workDir(home);
        return pw.resolveSibling(pw.getFileName() + "-coverage").resolve("objcache-" + target);
    }

    /**
     * A kernel changed by {@code edits} (a mutant, a patch), built into {@code <home>/target/mutants/<id>}: the
     * pristine build of the target comes first (never touched), the edited build takes its unpacked tree, its
     * packages and its compiled objects, and rebuilds only the parts the edits touch ({@link Build#parts()}).
     * An edit that does not apply is one line naming the mutant, the target, the file and the function.
     */
    public static Build buildEdited(Path home, String target, String id, List<KernelEdit> edits) {
        Build pristine = build(home, target);
        if (!pristine.available()) {
            return pristine;
        }
        Path pw = workDir(home);
        Path work = home.resolve("target/mutants").resolve(id.replaceAll("[^A-Za-z0-9_.@-]", "_"));
        linkPristine(pw, work, target);
        Path dir = work.resolve(target).resolve("edits");
        KernelEdit.write(dir, edits);
        return build(home, work, target, pristine.version(), dir, pw.resolve("objcache"), false);
    }

    /**
     * The pinned tree of {@code target} with a reviewer's unified diff applied ({@code patch -p1}, paths
     * a/drivers/vhost/...), built into {@code <home>/target/patches/<id>} from a hard-linked copy of the pristine
     * tree (patch writes new files: the pristine tree is never touched), reusing the pristine build's objects.
     * Bad input, one line each: not a unified diff, a file no harness part builds, a hunk that does not apply
     * (patch's own words), a patched file that does not compile (gcc's first error).
     */
    public static Build buildPatched(Path home, String target, String id, Path patch) {
        return buildPatched(home, target, id, List.of(patch));
    }

    /** As {@link #buildPatched(Path, String, String, Path)} with several patches applied one after the other. */
    public static Build buildPatched(Path home, String target, String id, List<Path> patches) {
        Build pristine = build(home, target);
        if (!pristine.available()) {
            return pristine;
        }
        List<String> built = PatchFiles.builtFiles(home.resolve("conformance/kernel"), target);
        for (Path patch : patches) {
            for (String f : PatchFiles.of(patch)) {
                if (!built.contains(f)) {
                    throw new VhostcheckException(patch + ": " + f + " is not a file any harness part builds on " + target
                            + " (conformance/kernel/parts/*/part.conf)");
                }
            }
        }
        Path pw = workDir(home);
        Path work = home.resolve("target/patches").resolve(id.replaceAll("[^A-Za-z0-9_.@+-]", "_"));
        Path src = work.resolve(target).resolve("src");
        try {
            Files.createDirectories(work.resolve(target));
            link(work.resolve("debs"), pw.resolve("debs"));
            link(work.resolve("deps"), pw.resolve("deps"));
            deleteTree(src);
            run(List.of("cp", "-al", pw.resolve(target).resolve("src").toString(), src.toString()), null);
            for (Path patch : patches) {
                String what = patch + ": does not apply to " + target + " " + pristine.version()
                        + (patches.indexOf(patch) > 0 ? " after " + patches.subList(0, patches.indexOf(patch)).stream()
                                .map(q -> q.getFileName().toString()).collect(java.util.stream.Collectors.joining(", ")) : "");
                run(List.of("patch", "-p1", "--dry-run", "--batch", "--forward", "-d", src.toString(), "-i",
                        patch.toAbsolutePath().toString()), what);
                // patch writes a new file for each file it changes: the hard links of cp -al stay the pristine tree's
                run(List.of("patch", "-p1", "--batch", "--forward", "-d", src.toString(), "-i", patch.toAbsolutePath().toString()), what);
            }
        } catch (IOException x) {
            throw new KernelCrash("preparing " + work + ": " + x.getMessage());
        }
        try {
            return build(home, work, target, pristine.version(), null, pw.resolve("objcache"), false);
        } catch (KernelCrash x) {
            String err = x.getMessage().lines().filter(l -> l.contains("error:")).findFirst().orElse(null);
            if (err != null) {
                throw new VhostcheckException(patches.get(patches.size() - 1) + ": does not compile on " + target + ": "
                        + err.replace(src.toString() + "/", "").strip());
            }
            throw x;
        }
    }

    /** A command's standard output (its standard error discarded, or merged into it) and exit code. */
    public record Output(String out, int exitCode) {
    }

    /** Runs a command in {@code dir} (null: here) to its end. */
    public static Output exec(List<String> cmd, Path dir, boolean mergeErrors) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (mergeErrors) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return new Output(out, p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    /** Runs a command; a non-zero exit is bad input with {@code what} and the command's first telling line. */
    private static String run(List<String> cmd, String what) throws IOException {
        Output o = exec(cmd, null, true);
        String out = o.out();
        int rc = o.exitCode();
        if (rc != 0) {
            if (what == null) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
            }
            // patch says which file it was on and which hunk failed; garbage input says so too
            String file = out.lines().filter(l -> l.startsWith("checking file ") || l.startsWith("patching file "))
                    .reduce((a, b) -> b).map(l -> l.replaceFirst("^(checking|patching) file ", "")).orElse(null);
            String why = out.lines().filter(l -> l.contains("FAILED") || l.contains("garbage") || l.contains("can't find file")
                            || l.contains("malformed") || l.contains("Reversed") || l.contains("No such file"))
                    .findFirst().orElse(out.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + rc)).strip();
            throw new VhostcheckException(what + ": " + why.replaceFirst("^patch: \\*\\*\\*\\* ", "")
                    + (file != null && !why.contains(file) ? " (" + file + ")" : ""));
        }
        return out;
    }

    /** Removes the work directory of an edited build ({@link #buildEdited} with that id): its units and binaries. */
    public static void discardEdited(Path home, String id) {
        Path work = home.resolve("target/mutants").resolve(id.replaceAll("[^A-Za-z0-9_.@-]", "_"));
        try {
            deleteTree(work);
        } catch (IOException x) {
            // a leftover directory is rebuilt over next time
        }
    }

    /**
     * The lines of a kernel file in the unpacked Debian tree of {@code target} (target/kernel/TARGET/src: build output,
     * never committed), or null when it is not unpacked there.
     */
    public static List<String> sourceLines(Path home, String target, String file) {
        try {
            return Files.readAllLines(workDir(home).resolve(target).resolve("src").resolve(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The kernel-file line of each edit of an edited build (in the order given to {@link #buildEdited}), null if not applied. */
    public static List<Integer> editLines(Build b) {
        Path applied = b.bin().getParent().resolve("edits").resolve("applied");
        java.util.TreeMap<Integer, Integer> byEdit = new java.util.TreeMap<>();
        try {
            for (String l : Files.readAllLines(applied, StandardCharsets.UTF_8)) {
                String[] f = l.trim().split(" ");
                if (f.length == 2) {
                    byEdit.putIfAbsent(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
                }
            }
        } catch (IOException | NumberFormatException x) {
            return List.of();
        }
        List<Integer> out = new java.util.ArrayList<>();
        int n = byEdit.isEmpty() ? 0 : byEdit.lastKey();
        for (int k = 1; k <= n; k++) {
            out.add(byEdit.get(k));
        }
        return out;
    }

    /** A work directory that takes the pristine build's packages and unpacked tree (work/debs, deps, TARGET/src) by links. */
    private static void linkPristine(Path pristine, Path work, String target) {
        try {
            Files.createDirectories(work.resolve(target));
            link(work.resolve("debs"), pristine.resolve("debs"));
            link(work.resolve("deps"), pristine.resolve("deps"));
            link(work.resolve(target).resolve("src"), pristine.resolve(target).resolve("src"));
        } catch (IOException x) {
            throw new KernelCrash("preparing " + work + ": " + x.getMessage());
        }
    }

    private static void link(Path link, Path to) throws IOException {
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(to)) {
            return;
        }
        deleteTree(link);
        Files.createSymbolicLink(link, to);
    }

    /** Deletes a file, a symbolic link (not what it points to) or a folder with everything in it. */
    static void deleteTree(Path p) throws IOException {
        if (Files.isSymbolicLink(p) || Files.isRegularFile(p)) {
            Files.delete(p);
        } else if (Files.isDirectory(p)) {
            try (var s = Files.walk(p)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    private static Build build(Path home, Path work, String target, String version, Path edits, Path objcache,
                               boolean coverage) {
        if (!TARGETS.contains(target)) {
            throw new KernelCrash("unknown kernel target '" + target + "' (known: " + String.join(", ", TARGETS) + ")");
        }
        Path script = home.resolve("conformance/kernel/build.sh");
        long t0 = System.nanoTime();
        Build b;
        try {
            Files.createDirectories(work);
            Path log = work.resolve(target + ".build.log");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), target, work.toString())
                    .redirectErrorStream(false).redirectError(log.toFile());
            if (version != null) {
                pb.environment().put("VHC_VERSION_" + target.replace('-', '_').replace('.', '_'), version);
            }
            if (edits != null) {
                pb.environment().put("VHC_EDITS", edits.toString());
            }
            if (objcache != null) {
                pb.environment().put("VHC_OBJCACHE", objcache.toString());
            }
            if (coverage) {
                pb.environment().put("VHC_COVERAGE", "1");
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            String err = Files.readString(log, StandardCharsets.UTF_8).strip();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (rc == 3) {
                b = new Build(target, null, null, lastLine(err), secs, null);
            } else if (rc == 4) {
                // a kernel edit that does not apply: build.sh's one line names the mutant, target, file and function
                throw new VhostcheckException(lastLine(err));
            } else if (rc == 1 && edits != null) {
                // an edit that applied but does not compile (a generated mutant's 0 - 1 in a case label, ...)
                String first = err.lines().filter(l -> l.contains("error:")).findFirst().orElse(lastLine(err));
                throw new KernelBuildError("building the edited " + target + " harness failed (exit 1; log " + log + "):\n"
                        + tail(err), first.replace(work.toString() + "/", ""));
            } else if (rc != 0) {
                throw new KernelCrash("building the " + target + " harness failed (exit " + rc + "; log " + log + "):\n"
                        + tail(err));
            } else {
                List<String> parts = null;
                if (edits != null) {
                    parts = Files.readAllLines(work.resolve(target).resolve("edited-parts"), StandardCharsets.UTF_8).stream()
                            .filter(l -> !l.isBlank()).toList();
                }
                b = new Build(target, out, work.resolve(target).resolve("bin"), null, secs, parts);
            }
        } catch (IOException e) {
            throw new KernelCrash("building the " + target + " harness: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelCrash("building the " + target + " harness: interrupted");
        }
        return b;
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines.length == 0 ? "unknown reason" : lines[lines.length - 1];
    }

    private static String tail(String s) {
        return s.length() > 3000 ? "...\n" + s.substring(s.length() - 3000) : s;
    }
}
