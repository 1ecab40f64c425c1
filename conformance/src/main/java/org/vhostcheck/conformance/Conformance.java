package org.vhostcheck.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Manifest;

/**
 * The replay suites: for every exportable manifest model with a Java twin, its whole CI state
 * graph (every edge once) and a batch of simulation traces replayed against the Java model;
 * and the U64 operator cross-check. Traces are kept under target/traces for inspection.
 */
public final class Conformance {
    public static final String JAVA = "java";

    private final Path home;
    private final Consumer<String> progress;

    public Conformance(Path home, Consumer<String> progress) {
        this.home = home;
        this.progress = progress == null ? s -> { } : progress;
    }

    public List<SuiteResult> runAll() {
        List<SuiteResult> out = new ArrayList<>();
        out.add(u64CrossCheck(JavaU64.PROVEN));
        Manifest m = Manifest.load(home);
        for (Manifest.Entry e : m.select(null, false)) {
            if (e.exportable() && Machines.has(e.spec())) {
                out.add(replayModel(m, e));
            }
        }
        return out;
    }

    /** Graph and simulation traces of one model, exported fresh and replayed. */
    public SuiteResult replayModel(Manifest m, Manifest.Entry e) {
        Exporter ex = new Exporter(home, progress);
        Path dir = home.resolve("target/traces");
        progress.accept("conform " + e.name() + ": exporting the state graph ...");
        Exporter.Summary g = ex.graph(e, m.specDir(), dir.resolve(e.name() + ".graph.ndjson"));
        progress.accept("conform " + e.name() + ": replaying " + g.transitions() + " transitions against Java ...");
        SuiteResult rg = Replayer.replay(g.file(), JAVA);
        progress.accept("conform " + e.name() + ": simulating " + e.simulateCount() + " traces of depth "
                + e.simulateDepth() + " ...");
        Exporter.Summary s = ex.simulate(e, m.specDir(), e.simulateCount(), e.simulateDepth(), 1L,
                dir.resolve(e.name() + ".sim.ndjson"));
        SuiteResult rs = Replayer.replay(s.file(), JAVA);
        List<Divergence> ds = new ArrayList<>(rg.divergences());
        ds.addAll(rs.divergences());
        // an action counts as covered if either batch exercised it
        List<String> uncovered = rg.uncoveredActions().stream().filter(rs.uncoveredActions()::contains).toList();
        return new SuiteResult(e.name(), JAVA, rg.transitions() + rs.transitions(), rs.traces(),
                rg.mismatches() + rs.mismatches(), rg.actionsTotal() - uncovered.size(), rg.actionsTotal(),
                rg.seconds() + rs.seconds(), List.copyOf(ds.subList(0, Math.min(ds.size(), Replayer.KEEP))), uncovered);
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
}
