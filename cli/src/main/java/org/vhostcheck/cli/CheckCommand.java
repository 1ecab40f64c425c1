package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.TlcResult;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.TraceState;
import org.vhostcheck.model.TraceTable;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vhostcheck check}: model-checks manifest models with TLC and compares with the manifest. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Model-check models of spec/manifest.json with TLC (default: every CI model).")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--deep", description = "Include the deep models (larger bounds).")
    private boolean deep;

    @Option(names = "--workers", paramLabel = "N", description = "TLC worker threads (default: one per core).")
    private int workers = Runtime.getRuntime().availableProcessors();

    @Parameters(paramLabel = "MODEL", arity = "0..*", description = "Models to check, by manifest name.")
    private List<String> models = new ArrayList<>();

    @Override
    public Integer call() {
        return Results.saved(main, run(main, models, deep, workers)).print(main, json);
    }

    static Report run(Main main, List<String> names, boolean deep, int workers) {
        if (workers < 1) {
            throw new VhostcheckException("--workers must be at least 1, not " + workers);
        }
        Path home = main.home();
        Manifest manifest = Manifest.load(home);
        List<Manifest.Entry> entries = manifest.select(names, deep);
        TlcRunner tlc = new TlcRunner(home, workers, main.progress());
        Table table = new Table("model", "expected", "outcome", "distinct states", "seconds", "verdict").right(3, 4);
        StringBuilder counterexamples = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("models");
        int unexpected = 0;
        for (Manifest.Entry e : entries) {
            TlcResult r = tlc.check(e, manifest.specDir());
            if (TlcResult.ERROR.equals(r.outcome())) {
                throw new VhostcheckException("check " + e.name() + ": " + r.error());
            }
            boolean countOk = e.distinctStates() == null || e.distinctStates().equals(r.distinctStates());
            boolean ok = e.expected().equals(r.outcome()) && countOk;
            unexpected += ok ? 0 : 1;
            main.progress().accept(String.format(Locale.ROOT, "check %s: %s, %s distinct states, %.1f s%s", e.name(),
                    r.outcome(), Objects.toString(r.distinctStates(), "-"), r.seconds(), ok ? "" : " (UNEXPECTED)"));
            String states = Objects.toString(r.distinctStates(), "-")
                    + (countOk ? "" : " (manifest: " + e.distinctStates() + ")");
            table.add(e.name(), e.expected(), r.outcome(), states,
                    String.format(Locale.ROOT, "%.1f", r.seconds()), ok ? "OK" : "UNEXPECTED");
            ObjectNode row = rows.addObject();
            row.put("name", e.name());
            row.put("spec", e.spec());
            row.put("config", e.config());
            row.put("expected", e.expected());
            row.put("outcome", r.outcome());
            row.put("distinctStates", r.distinctStates());
            row.put("seconds", Main.round(r.seconds()));
            row.put("verdict", ok ? "OK" : "UNEXPECTED");
            if (r.violated()) {
                row.set("counterexample", counterexample(r.trace()));
                counterexamples.append('\n').append("Counterexample: ").append(e.name()).append(" violates ")
                        .append(r.outcome().substring("violates:".length())).append(" (").append(e.config())
                        .append(")\n").append(TraceTable.render(r.trace()));
            }
        }
        return new Report("check", entries.size(), unexpected, doc, table.render() + counterexamples);
    }

    /** The trace as [{"step", "action", "state"}], the state as traces show it (the model's View). */
    static ArrayNode counterexample(List<TraceState> trace) {
        ArrayNode steps = Main.JSON.createArrayNode();
        for (TraceState s : trace) {
            ObjectNode o = steps.addObject();
            o.put("step", s.number());
            o.put("action", s.action());
            if (s.view() != null) {
                o.set("state", s.view());
            } else {
                // no View rendered: TLC's own text of each variable
                ObjectNode raw = o.putObject("state");
                s.raw().forEach(raw::put);
            }
        }
        return steps;
    }
}
