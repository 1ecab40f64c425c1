package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Conformance;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.Drift;
import org.vhostcheck.conformance.SuiteResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck conform}: replays TLC behaviours against the Java model and the kernel harness
 * of each kernel version. A suite whose divergences are all investigated causes
 * (conformance/drift.json) is EXPLAINED; one with any other divergence UNEXPECTED; a kernel that
 * could not be fetched SKIPPED (exit 2, never passed).
 */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = "Replay TLC state graphs and simulation traces against the Java model and the kernels (linux-6.1, linux-6.12).")
final class ConformCommand implements Callable<Integer> {
    /** Divergences shown per suite in the text output. */
    static final int SHOWN = 5;

    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Replay this NDJSON trace instead of the suites.")
    private Path trace;

    @Option(names = "--target", paramLabel = "TARGET",
            description = "java, linux-6.1 or linux-6.12; repeatable (default: all; with --trace: java).")
    private List<String> targets;

    @Override
    public Integer call() {
        List<SuiteResult> suites = suites(main, trace, targets);
        return Results.saved(main, report(suites, Drift.load(main.home()).analyze(suites))).print(main, json);
    }

    static List<SuiteResult> suites(Main main, Path trace, List<String> targets) {
        Conformance c = new Conformance(main.home(), main.progress());
        if (trace != null) {
            return (targets == null ? List.of(Conformance.JAVA) : targets).stream().map(t -> c.replayFile(trace, t)).toList();
        }
        return c.runAll(targets == null ? Conformance.TARGETS : targets);
    }

    /** The suites of every target and their drift, computed once (for {@code all}). */
    static List<Report> run(Main main) {
        List<SuiteResult> suites = suites(main, null, null);
        Drift.Result d = Drift.load(main.home()).analyze(suites);
        return List.of(report(suites, d), DriftCommand.report(main, d));
    }

    static String verdict(SuiteResult s, Drift.Result d) {
        if (s.skipped() != null) {
            return "SKIPPED";
        }
        if (s.actionsCovered() < s.actionsTotal()) {
            return "UNEXPECTED";
        }
        if (s.mismatches() == 0) {
            return "OK";
        }
        boolean explained = d.items().stream().filter(i -> i.model().equals(s.model()) && i.target().equals(s.target()))
                .allMatch(Drift.Item::explained);
        return explained ? "EXPLAINED" : "UNEXPECTED";
    }

    static Report report(List<SuiteResult> suites, Drift.Result d) {
        Table table = new Table("model", "target", "transitions", "traces", "mismatches", "actions covered", "seconds",
                "transitions/s", "verdict").right(2, 3, 4, 5, 6, 7);
        StringBuilder details = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("suites");
        int unexpected = 0;
        int skipped = 0;
        for (SuiteResult s : suites) {
            String verdict = verdict(s, d);
            unexpected += verdict.equals("UNEXPECTED") ? 1 : 0;
            skipped += verdict.equals("SKIPPED") ? 1 : 0;
            long rate = s.seconds() > 0 ? Math.round(s.transitions() / s.seconds()) : 0;
            table.add(s.model(), s.target(), s.transitions(), s.traces(), s.mismatches(),
                    s.actionsCovered() + "/" + s.actionsTotal(), String.format(Locale.ROOT, "%.1f", s.seconds()),
                    rate, verdict);
            ObjectNode row = rows.addObject();
            row.put("model", s.model());
            row.put("target", s.target());
            row.put("transitions", s.transitions());
            row.put("traces", s.traces());
            row.put("mismatches", s.mismatches());
            row.put("actionsCovered", s.actionsCovered());
            row.put("actionsTotal", s.actionsTotal());
            row.put("seconds", Main.round(s.seconds()));
            row.put("transitionsPerSecond", rate);
            row.put("verdict", verdict);
            ObjectNode actions = row.putObject("actions"); // transitions replayed per action: the report's coverage
            s.actions().forEach(actions::put);
            if (s.skipped() != null) {
                row.put("skipped", s.skipped());
                details.append('\n').append("SKIPPED: ").append(s.model()).append(" vs ").append(s.target())
                        .append(" was NOT replayed: ").append(s.skipped()).append('\n');
            }
            if (s.mismatches() > 0) {
                List<Divergence> ds = s.divergences();
                details.append('\n').append("Divergences: ").append(s.model()).append(" vs ").append(s.target())
                        .append(" (first ").append(Math.min(SHOWN, ds.size())).append(" of ").append(s.mismatches())
                        .append("; vhostcheck drift explains them)\n");
                Table diff = new Table("line", "action", "field", "spec", s.target()).right(0);
                ds.stream().limit(SHOWN).forEach(x -> diff.add(x.line(), x.action(), x.field(), x.expected(), x.actual()));
                details.append(diff.render());
            }
            if (s.actionsCovered() < s.actionsTotal()) {
                details.append('\n').append("Never exercised in ").append(s.model()).append(": ")
                        .append(String.join(", ", s.uncoveredActions())).append('\n');
            }
        }
        return new Report("conform", suites.size(), unexpected, doc, table.render() + details, skipped);
    }
}
