package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Conformance;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.SuiteResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vhostcheck conform}: replays TLC behaviours against the Java model. */
@Command(name = "conform", mixinStandardHelpOptions = true, description = "Replay TLC state graphs and simulation traces against the Java model.")
final class ConformCommand implements Callable<Integer> {
    /** Divergences shown per suite in the text output. */
    static final int SHOWN = 5;

    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--trace", paramLabel = "FILE", description = "Replay this NDJSON trace instead of the suites.")
    private Path trace;

    @Override
    public Integer call() {
        Conformance c = new Conformance(main.home(), main.progress());
        List<SuiteResult> suites = trace != null ? List.of(c.replayFile(trace)) : c.runAll();
        return report(suites).print(main, json);
    }

    static Report run(Main main) {
        return report(new Conformance(main.home(), main.progress()).runAll());
    }

    static Report report(List<SuiteResult> suites) {
        Table table = new Table("model", "target", "transitions", "traces", "mismatches", "actions covered", "seconds",
                "verdict").right(2, 3, 4, 5, 6);
        StringBuilder details = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("suites");
        int unexpected = 0;
        for (SuiteResult s : suites) {
            unexpected += s.ok() ? 0 : 1;
            table.add(s.model(), s.target(), s.transitions(), s.traces(), s.mismatches(),
                    s.actionsCovered() + "/" + s.actionsTotal(), String.format(Locale.ROOT, "%.1f", s.seconds()),
                    s.ok() ? "OK" : "UNEXPECTED");
            ObjectNode row = rows.addObject();
            row.put("model", s.model());
            row.put("target", s.target());
            row.put("transitions", s.transitions());
            row.put("traces", s.traces());
            row.put("mismatches", s.mismatches());
            row.put("actionsCovered", s.actionsCovered());
            row.put("actionsTotal", s.actionsTotal());
            row.put("seconds", Main.round(s.seconds()));
            if (s.mismatches() > 0) {
                List<Divergence> ds = s.divergences();
                details.append('\n').append("Divergences: ").append(s.model()).append(" vs ").append(s.target())
                        .append(" (first ").append(Math.min(SHOWN, ds.size())).append(" of ").append(s.mismatches())
                        .append(")\n");
                Table diff = new Table("line", "action", "field", "spec", s.target()).right(0);
                ds.stream().limit(SHOWN).forEach(d -> diff.add(d.line(), d.action(), d.field(), d.expected(), d.actual()));
                details.append(diff.render());
            }
            if (s.actionsCovered() < s.actionsTotal()) {
                details.append('\n').append("Never exercised in ").append(s.model()).append(": ")
                        .append(String.join(", ", s.uncoveredActions())).append('\n');
            }
        }
        return new Report("conform", suites.size(), unexpected, doc, table.render() + details);
    }
}
