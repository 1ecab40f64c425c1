package org.vhostcheck.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.kernel.VringhTest;
import org.vhostcheck.model.VhostcheckException;
import java.util.function.Consumer;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Manifest;

/**
 * The replay suites: for every exportable manifest model with a Java twin, its whole CI state
 * graph (every edge once) and a batch of simulation traces replayed against the Java model;
 * and the U64 operator cross-check. Traces are kept under target/traces for inspection.
 */
public final class Conformance {
    public static final String JAVA = Replayer.JAVA;

    private final Path home;
    private final Consumer<String> progress;

    /** 0: none; else a fresh export of a graph of more distinct states is bad input (models derived on the fly). */
    private long maxExportStates;

    /** Caps fresh exports at {@code n} distinct states (see {@link Exporter#Exporter(Path, Consumer, long)}). */
    public Conformance capExports(long n) {
        this.maxExportStates = n;
        return this;
    }

    public Conformance(Path home, Consumer<String> progress) {
        this.home = home;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** Every target: the Java model and each kernel version. */
    public static final List<String> TARGETS = java.util.stream.Stream.concat(Stream.of(JAVA), Kernels.TARGETS.stream()).toList();

    public List<SuiteResult> runAll() {
        return runAll(TARGETS);
    }

    /**
     * The suites of the given targets. Each model's graph and simulation traces are exported once and
     * replayed against every target; a kernel target replays the specs that have a harness part
     * ({@link KernelMachines}); a kernel that cannot be built gives SKIPPED suites, never passed ones.
     */
    public List<SuiteResult> runAll(List<String> targets) {
        for (String t : targets) {
            if (!TARGETS.contains(t)) {
                throw new VhostcheckException("unknown target '" + t + "' (known: " + String.join(", ", TARGETS) + ")");
            }
        }
        List<SuiteResult> out = new ArrayList<>();
        if (targets.contains(JAVA)) {
            out.add(u64CrossCheck(JavaU64.PROVEN));
        }
        Manifest m = Manifest.load(home);
        for (Manifest.Entry e : m.select(null, false)) {
            if (!e.exportable() || !Machines.has(e.spec())) {
                continue;
            }
            List<String> ts = targets.stream().filter(t -> t.equals(JAVA) || KernelMachines.has(e.spec())).toList();
            if (ts.isEmpty()) {
                continue;
            }
            out.addAll(replay(e, export(m, e), ts));
        }
        for (String t : targets) {
            if (!t.equals(JAVA)) {
                out.add(vringhTest(t));
            }
        }
        return out;
    }

    /**
     * The kernel's own tools/virtio/vringh_test, built from the target's tree (conformance/kernel/vringh_test.sh),
     * as a suite: one row per variant run ("traces"), a run whose checks fail is a mismatch.
     */
    public SuiteResult vringhTest(String target) {
        progress.accept("conform vringh_test: building and running the kernel's own test on " + target + " ...");
        VringhTest.Result r = VringhTest.run(home, target);
        if (!r.available()) {
            progress.accept("SKIPPED: vringh_test on " + target + ": " + r.unavailable());
            return SuiteResult.skipped(VRINGH_TEST, target, r.unavailable());
        }
        List<Divergence> ds = new ArrayList<>();
        double secs = r.buildSeconds();
        for (VringhTest.Run run : r.runs()) {
            secs += run.seconds();
            if (!run.checksPassed()) {
                String why = "exit " + run.exitCode() + Stream.of(run.toolErrors(), run.sanitizerErrors()).flatMap(List::stream)
                        .findFirst().map(l -> ": " + l).orElse("");
                ds.add(new Divergence(0, run.variant(), "(vringh_test)", "its checks pass", why, run.log()));
            }
        }
        int n = r.runs().size();
        return new SuiteResult(VRINGH_TEST, target, 0, n, ds.size(), n, n, secs, ds, List.of());
    }

    /** The model name of the vringh_test suites. */
    public static final String VRINGH_TEST = "vringh_test";

    /** A model's exported traces: its whole CI state graph and a batch of simulation traces (null: not asked for). */
    public record Traces(Path graph, long graphTransitions, Path sim, long graphDistinctStates) {
    }

    /**
     * A model's graph and simulation traces, exported by TLC, or taken from target/traces/cache when an export of
     * exactly the same inputs is there: the key is the bytes of every spec module, of the trace and simulation
     * configs, the simulation's count, depth and seed, the trace format and the TLC jar's name (nothing stale is
     * reused: any edit of a spec or config gives a new key).
     */
    public Traces export(Manifest m, Manifest.Entry e) {
        return export(m, e, true);
    }

    /**
     * As {@link #export(Manifest, Manifest.Entry)}; without {@code withSim} only the graph is needed (a kernel replay of a
     * model whose simulation runs repeat graph edges, {@link #simsRepeatGraph}): no simulation is run for it, and
     * the result's {@code sim} is null unless an earlier export left one.
     */
    public Traces export(Manifest m, Manifest.Entry e, boolean withSim) {
        String key = cacheKey(m, e);
        Path cache = home.resolve("target/traces/cache");
        String stem = e.name() + "-" + key;
        Path g = cache.resolve(stem + ".graph.ndjson");
        Path sim = cache.resolve(stem + ".sim.ndjson");
        Path count = cache.resolve(stem + ".transitions");
        // one export per key at a time, in this JVM (threads) and across JVMs (the build's modules run side by side):
        // a second asker waits and then finds the first one's files
        synchronized (EXPORT_LOCKS.computeIfAbsent(stem, k -> new Object())) {
            try {
                Files.createDirectories(cache);
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(cache.resolve(stem + ".lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                     java.nio.channels.FileLock lock = ch.lock()) {
                    long[] n;
                    if (Files.exists(g) && Files.exists(count)) {
                        String[] w = Files.readString(count).strip().split(" ");
                        n = new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])};
                        progress.accept("conform " + e.name() + ": the state graph of these inputs is in " + cache);
                    } else {
                        Exporter.Summary t = graphFresh(m, e);
                        // the counts after the graph: the two files together mean a complete graph export
                        copyAtomically(t.file(), g);
                        n = new long[] {t.transitions(), t.distinctStates() == null ? -1 : t.distinctStates()};
                        Path tmp = count.resolveSibling(count.getFileName() + ".tmp");
                        Files.writeString(tmp, n[0] + " " + n[1]);
                        Files.move(tmp, count, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        evictOthers(cache, e.name(), stem);
                    }
                    if (withSim && !Files.exists(sim)) {
                        copyAtomically(simFresh(m, e).file(), sim);   // a whole file or none: copied, then renamed
                    }
                    return new Traces(g, n[0], Files.exists(sim) ? sim : null, n[1]);   // files no later export rewrites
                }
            } catch (java.io.IOException | NumberFormatException | ArrayIndexOutOfBoundsException x) {
                return exportFresh(m, e);
            }
        }
    }

    /**
     * Removes the model's exports of other inputs: a checkout has one version of the specs at a time, so an older key
     * is an edit ago (a deep model's graph is hundreds of megabytes; ten edits filled gigabytes).
     */
    private static void evictOthers(Path cache, String model, String stem) {
        java.util.regex.Pattern mine = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(model)
                + "-[0-9a-f]{16}\\.(graph\\.ndjson|sim\\.ndjson|transitions)");
        try (Stream<Path> files = Files.list(cache)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (mine.matcher(n).matches() && !n.startsWith(stem + ".")) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (java.io.IOException x) {
            // a cache that cannot be tidied is still correct: every key names its inputs
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Object> EXPORT_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static void copyAtomically(Path from, Path to) throws java.io.IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String cacheKey(Manifest m, Manifest.Entry e) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            List<Path> modules;
            try (Stream<Path> s = Files.list(m.specDir())) {
                modules = s.filter(p -> p.toString().endsWith(".tla")).sorted().toList();
            }
            for (Path p : modules) {
                md.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            }
            md.update(Files.readAllBytes(m.specDir().resolve(e.traceConfig())));
            if (e.simulateConfig() != null) {
                md.update(Files.readAllBytes(m.specDir().resolve(e.simulateConfig())));
            }
            md.update((e.simulateCount() + "/" + e.simulateDepth() + "/1/" + Exporter.FORMAT + "/counts3/"
                    + org.vhostcheck.model.TlcRunner.tlatoolsJar().getFileName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException x) {
            throw new VhostcheckException(m.specDir() + ": cannot read the spec to key the trace cache: " + x.getMessage());
        }
    }

    private Traces exportFresh(Manifest m, Manifest.Entry e) {
        Exporter.Summary g = graphFresh(m, e);
        Exporter.Summary s = simFresh(m, e);
        return new Traces(g.file(), g.transitions(), s.file(), g.distinctStates() == null ? -1 : g.distinctStates());
    }

    private Exporter.Summary graphFresh(Manifest m, Manifest.Entry e) {
        progress.accept("conform " + e.name() + ": exporting the state graph ...");
        return new Exporter(home, progress, maxExportStates).graph(e, m.specDir(),
                home.resolve("target/traces").resolve(e.name() + ".graph.ndjson"));
    }

    private Exporter.Summary simFresh(Manifest m, Manifest.Entry e) {
        progress.accept("conform " + e.name() + ": simulating " + e.simulateCount() + " traces of depth "
                + e.simulateDepth() + " ...");
        return new Exporter(home, progress, maxExportStates).simulate(e, m.specDir(), e.simulateCount(), e.simulateDepth(),
                1L, home.resolve("target/traces").resolve(e.name() + ".sim.ndjson"));
    }

    /** Graph and simulation traces of one model, exported fresh and replayed against the Java model. */
    public SuiteResult replayModel(Manifest m, Manifest.Entry e) {
        return replay(e, export(m, e), JAVA);
    }

    /**
     * One model's traces against several targets, side by side (one thread per target, up to the
     * number of cores: each kernel target is a harness process of its own); results in target order.
     */
    public List<SuiteResult> replay(Manifest.Entry e, Traces tr, List<String> targets) {
        return SideBySide.map(targets, Runtime.getRuntime().availableProcessors(), t -> replay(e, tr, t), "conform " + e.name());
    }

    /** One model's traces against one target; the two batches make one suite. */
    public SuiteResult replay(Manifest.Entry e, Traces tr, String target) {
        if (!target.equals(JAVA)) {
            progress.accept("conform " + e.name() + ": building the " + target + " harness ...");
            Kernels.Build b = Kernels.build(home, target);
            if (!b.available()) {
                progress.accept("SKIPPED: " + e.name() + " vs " + target + ": " + b.unavailable());
                return SuiteResult.skipped(e.name(), target, b.unavailable());
            }
        }
        progress.accept("conform " + e.name() + ": replaying " + tr.graphTransitions() + " transitions against " + target + " ...");
        SuiteResult rg = Replayer.replay(tr.graph(), target);
        if (!target.equals(JAVA) && simsRepeatGraph(e)) {
            progress.accept("conform " + e.name() + ": the simulation traces are not replayed against " + target
                    + ": every step of them is a graph edge just replayed (see simsRepeatGraph)");
            return new SuiteResult(e.name(), target, rg.transitions(), 0, rg.mismatches(), rg.actionsCovered(),
                    rg.actionsTotal(), rg.seconds(), rg.divergences(), rg.uncoveredActions(), rg.counts(), null, rg.actions());
        }
        progress.accept("conform " + e.name() + ": replaying the simulation traces against " + target + " ...");
        SuiteResult rs = Replayer.replay(tr.sim(), target);
        List<Divergence> ds = new ArrayList<>(rg.divergences());
        ds.addAll(rs.divergences());
        Map<String, Long> counts = new TreeMap<>(rg.counts());
        rs.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
        // an action counts as covered if either batch exercised it
        List<String> uncovered = rg.uncoveredActions().stream().filter(rs.uncoveredActions()::contains).toList();
        Map<String, Long> actions = new LinkedHashMap<>(rg.actions());
        rs.actions().forEach((k, v) -> actions.merge(k, v, Long::sum));
        return new SuiteResult(e.name(), target, rg.transitions() + rs.transitions(), rs.traces(),
                rg.mismatches() + rs.mismatches(), rg.actionsTotal() - uncovered.size(), rg.actionsTotal(),
                rg.seconds() + rs.seconds(), List.copyOf(ds), uncovered, counts, null, actions);
    }

    /**
     * Whether replaying {@code e}'s simulation traces through a kernel would only repeat its graph replay. The
     * simulation draws its runs from the graph's own config (it has none of its own), so every step of them is an
     * edge of the (complete) graph; and a kernel machine answers each request from the state the request carries (it keeps nothing
     * between calls that the compared state does not hold, and after a divergence it continues from the spec's
     * state), so each such step puts the same request to the same deterministic harness as the graph edge did.
     * The Java machine, which carries its own objects from step to step, still replays them. VirtQueue simulates
     * a larger ring than its graph: its runs are replayed everywhere.
     */
    public static boolean simsRepeatGraph(Manifest.Entry e) {
        return e.simulateConfig() == null || e.simulateConfig().equals(e.traceConfig());
    }

    /** The trace files a kernel replay of {@code e} needs: its graph, and its simulation traces unless they repeat it. */
    public static List<Path> kernelTraces(Manifest.Entry e, Traces t) {
        return simsRepeatGraph(e) ? List.of(t.graph()) : List.of(t.graph(), t.sim());
    }

    /** The U64 cross-check as a suite: rows are its transitions, mismatches its mismatches. */
    public SuiteResult u64CrossCheck(JavaU64 java) {
        U64CrossCheck.Result r = U64CrossCheck.run(home, home.resolve("spec"), java, progress);
        List<Divergence> ds = new ArrayList<>();
        for (String s : r.firstMismatches()) {
            ds.add(new Divergence(0, "U64Table", s, "", ""));
        }
        int ops = r.operators().size();
        return new SuiteResult("U64 operators (" + r.pairs() + " pairs)", JAVA, r.rows(), 0, r.mismatches(),
                ops, ops, r.seconds(), ds, List.of());
    }

    public SuiteResult replayFile(Path trace) {
        return Replayer.replay(trace, JAVA);
    }

    /** One trace file against one target (a kernel target is built first; unavailable is an error here). */
    public SuiteResult replayFile(Path trace, String target) {
        if (!target.equals(JAVA)) {
            Kernels.Build b = Kernels.build(home, target);
            if (!b.available()) {
                throw new VhostcheckException(target + " is not available: " + b.unavailable());
            }
        }
        return Replayer.replay(trace, target);
    }
}
