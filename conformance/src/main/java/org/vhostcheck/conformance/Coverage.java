package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.vhostcheck.conformance.kernel.KernelCrash;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.VhostcheckException;

/**
 * Which lines and branches of the kernel code a replay runs: the traces replayed through a target's coverage build
 * ({@link Kernels#buildCoverage}), the counts its processes leave (.gcda beside each object) read with gcc's own gcov
 * ({@code gcov --json-format --stdout}; nothing parses gcov's text). Kernel code is what the build took from the
 * Debian tree (extracted functions keep their file and line through {@code #line}); our shims, preludes and line loop
 * are kept apart.
 */
public final class Coverage {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line with code: the function it is in, the times it ran, and per branch out of it the times it was taken. */
    public record Line(String function, long count, List<Long> branches) {
        Line plus(Line o) {
            List<Long> b = new ArrayList<>(branches);
            for (int i = 0; i < o.branches.size(); i++) {
                if (i < b.size()) {
                    b.set(i, b.get(i) + o.branches.get(i));
                } else {
                    b.add(o.branches.get(i));
                }
            }
            return new Line(function, count + o.count, List.copyOf(b));
        }
    }

    /**
     * What a run reached: per file (a kernel file by its path in the kernel tree, e.g. drivers/vhost/vhost.c), per
     * line with code. {@code harness} holds our own files (shims, preludes, the line loop), not counted as kernel code.
     */
    public record Reached(Map<String, SortedMap<Integer, Line>> kernel, Map<String, SortedMap<Integer, Line>> harness) {
        public static Reached none() {
            return new Reached(Map.of(), Map.of());
        }

        /** Whether the line ran (true), has code that never ran (false), or has no code in this build (null). */
        public Boolean ran(String file, int line) {
            SortedMap<Integer, Line> f = kernel.get(file);
            Line l = f == null ? null : f.get(line);
            return l == null ? null : l.count() > 0;
        }

        /** The counts of both runs added. */
        public Reached plus(Reached o) {
            return new Reached(merge(kernel, o.kernel), merge(harness, o.harness));
        }

        private static Map<String, SortedMap<Integer, Line>> merge(Map<String, SortedMap<Integer, Line>> a,
                                                                   Map<String, SortedMap<Integer, Line>> b) {
            Map<String, SortedMap<Integer, Line>> out = new TreeMap<>();
            a.forEach((f, ls) -> out.put(f, new TreeMap<>(ls)));
            b.forEach((f, ls) -> {
                SortedMap<Integer, Line> m = out.computeIfAbsent(f, x -> new TreeMap<>());
                ls.forEach((n, l) -> m.merge(n, l, Line::plus));
            });
            return out;
        }
    }

    private Coverage() {
    }

    /** A branch out of a line that no run took: its line, its place among the line's branches (0-based) and their number. */
    public record Branch(int line, int index, int of) {
    }

    /** One kernel function's coverage: lines with code and those run, branches and those taken, and the untaken ones. */
    public record Function(String file, String function, int lines, int linesRun, int branches, int branchesTaken,
                           List<Branch> untaken, int firstLine, int lastLine, List<Integer> unrun) {
        public boolean entered() {
            return linesRun > 0;
        }
    }

    /** Per kernel function (by file, then first line), what {@code r} ran of it. */
    public static List<Function> byFunction(Reached r) {
        List<Function> out = new ArrayList<>();
        r.kernel().forEach((file, lines) -> {
            Map<String, List<Map.Entry<Integer, Line>>> byFn = new java.util.LinkedHashMap<>();
            lines.entrySet().forEach(e -> byFn.computeIfAbsent(e.getValue().function() == null ? "(file scope)"
                    : e.getValue().function(), f -> new ArrayList<>()).add(e));
            byFn.forEach((fn, ls) -> {
                int run = 0;
                int br = 0;
                int taken = 0;
                List<Branch> untaken = new ArrayList<>();
                List<Integer> unrun = new ArrayList<>();
                for (Map.Entry<Integer, Line> e : ls) {
                    Line l = e.getValue();
                    run += l.count() > 0 ? 1 : 0;
                    if (l.count() == 0) {
                        unrun.add(e.getKey());
                    }
                    for (int k = 0; k < l.branches().size(); k++) {
                        br++;
                        if (l.branches().get(k) > 0) {
                            taken++;
                        } else {
                            untaken.add(new Branch(e.getKey(), k, l.branches().size()));
                        }
                    }
                }
                out.add(new Function(file, fn, ls.size(), run, br, taken, List.copyOf(untaken), ls.get(0).getKey(),
                        ls.get(ls.size() - 1).getKey(), List.copyOf(unrun)));
            });
        });
        return out;
    }

    /**
     * Replays the traces through the coverage build of {@code target} and returns what they reached; one run at a
     * time per target (its counts are the objects' own files: other JVMs wait on a lock).
     */
    public static Reached replay(Path home, String target, List<Path> traces, Consumer<String> progress) {
        Kernels.Build b = Kernels.buildCoverage(home, target);
        if (!b.available()) {
            throw new VhostcheckException(target + " is not available: " + b.unavailable());
        }
        Path objs = Kernels.coverageObjects(home, target);
        synchronized (lockOf(target)) {
            try (RandomAccessFile f = new RandomAccessFile(objs.resolve(".coverage.lock").toFile(), "rw");
                 FileLock ignored = f.getChannel().lock()) {
                deleteCounts(objs);
                for (Path t : traces) {
                    if (progress != null) {
                        progress.accept("coverage " + target + ": replaying " + t.getFileName() + " ...");
                    }
                    Replayer.replay(t, target, b, false);
                }
                Reached r = read(objs);
                deleteCounts(objs);
                if (!traces.isEmpty() && r.kernel().isEmpty() && r.harness().isEmpty()) {
                    // the harness ran but left no counts here (a build whose objects were compiled for another folder)
                    throw new KernelCrash("coverage of " + target + ": the replays left no counts in " + objs
                            + " (rebuild the coverage build: rm -r " + objs.getParent() + ")");
                }
                return r;
            } catch (IOException e) {
                throw new KernelCrash("coverage of " + target + ": " + e.getMessage());
            }
        }
    }

    /**
     * {@link #replay} of one model's traces, kept in {@code target/coverage/TARGET/MODEL.json} under a key of the
     * traces' bytes and the coverage build's inputs: a second run with the same traces and build reads it back.
     */
    public static Reached cached(Path home, String target, String model, List<Path> traces, Consumer<String> progress) {
        Kernels.Build b = Kernels.buildCoverage(home, target);
        if (!b.available()) {
            throw new VhostcheckException(target + " is not available: " + b.unavailable());
        }
        Path file = home.resolve("target/coverage").resolve(target).resolve(model + ".json");
        String key;
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (Path t : traces) {
                md.update(t.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                try (var in = Files.newInputStream(t)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
            }
            try (Stream<Path> s = Files.list(b.bin())) {
                for (Path in : s.filter(p -> p.getFileName().toString().endsWith(".inputs")).sorted().toList()) {
                    md.update(Files.readAllBytes(in));
                }
            }
            key = java.util.HexFormat.of().formatHex(md.digest());
            if (Files.isRegularFile(file)) {
                JsonNode saved = JSON.readTree(file.toFile());
                if (key.equals(saved.path("key").asText())) {
                    return JSON.treeToValue(saved.get("reached"), Reached.class);
                }
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new KernelCrash("coverage of " + model + " on " + target + ": " + e.getMessage());
        }
        Reached r = replay(home, target, traces, progress);
        com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
        out.put("key", key);
        out.set("reached", JSON.valueToTree(r));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), model, ".tmp");
            JSON.writeValue(tmp.toFile(), out);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // not kept: the next run measures it again
        }
        return r;
    }

    private static final Map<String, Object> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Object lockOf(String target) {
        return LOCKS.computeIfAbsent(target, t -> new Object());
    }

    private static void deleteCounts(Path objs) throws IOException {
        try (Stream<Path> s = Files.list(objs)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".gcda")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The counts the runs left beside the objects of {@code objs}, through gcov's JSON. */
    static Reached read(Path objs) throws IOException {
        List<Path> counts;
        try (Stream<Path> s = Files.list(objs)) {
            counts = s.filter(p -> p.getFileName().toString().endsWith(".gcda")).sorted().toList();
        }
        Map<String, SortedMap<Integer, Line>> kernel = new TreeMap<>();
        Map<String, SortedMap<Integer, Line>> harness = new TreeMap<>();
        for (Path gcda : counts) {
            List<String> cmd = List.of("gcov", "--json-format", "--stdout", "--branch-probabilities", "--branch-counts", "--object-directory",
                    objs.toString(), gcda.toString());
            Kernels.Output o = Kernels.exec(cmd, objs, false);
            if (o.exitCode() != 0) {
                throw new IOException(String.join(" ", cmd) + ": exit " + o.exitCode());
            }
            // one JSON document per object (gcov writes one line per input file)
            for (String doc : o.out().split("\n")) {
                if (!doc.isBlank()) {
                    add(JSON.readTree(doc), kernel, harness);
                }
            }
        }
        return new Reached(kernel, harness);
    }

    private static void add(JsonNode doc, Map<String, SortedMap<Integer, Line>> kernel, Map<String, SortedMap<Integer, Line>> harness) {
        for (JsonNode f : doc.path("files")) {
            String file = kernelPath(f.path("file").asText());
            Map<String, SortedMap<Integer, Line>> into = file != null ? kernel : harness;
            String name = file != null ? file : f.path("file").asText();
            SortedMap<Integer, Line> lines = into.computeIfAbsent(name, x -> new TreeMap<>());
            for (JsonNode l : f.path("lines")) {
                List<Long> br = new ArrayList<>();
                l.path("branches").forEach(b -> br.add(b.path("count").asLong()));
                Line line = new Line(l.path("function_name").asText(null), l.path("count").asLong(), List.copyOf(br));
                // a header's inline function is in several objects: its counts add up
                lines.merge(l.path("line_number").asInt(), line, Line::plus);
            }
        }
    }

    private static final List<String> KERNEL_DIRS = List.of("drivers/", "include/", "arch/", "lib/", "mm/", "kernel/");

    /**
     * The kernel-tree path of a file gcov names, or null for ours: an extracted function's {@code #line} path is the
     * tree's already; a whole file compiled from the unpacked tree is named under {@code .../src/}; a kernel header
     * copied into the build under its include name sits under {@code .../gen/PART/include/}. The tools/ copies
     * (rbtree) are not vhost kernel code and count as ours.
     */
    static String kernelPath(String gcovFile) {
        String p = gcovFile;
        int src = p.lastIndexOf("/src/");
        int inc = p.indexOf("/include/", Math.max(0, p.lastIndexOf("/gen/")));
        if (p.startsWith("/") && src >= 0 && !p.contains("/conformance/kernel/")) {
            p = p.substring(src + "/src/".length());
        } else if (p.startsWith("/") && p.contains("/gen/") && inc >= 0) {
            p = "include/" + p.substring(inc + "/include/".length());
        }
        for (String d : KERNEL_DIRS) {
            if (p.startsWith(d)) {
                return p;
            }
        }
        return null;
    }
}
