package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.vhostcheck.key.KeyLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vhostcheck all}: check, prove, conform (with drift), the kernel patches (review --patches), triage, the guard and the generated kernel mutants, the HTML report, then one summary. */
@Command(name = "all", mixinStandardHelpOptions = true, description = "Run check (CI models), prove, conform, drift, triage and the kernel mutants, write the HTML report, then summarise.")
final class AllCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print one JSON document {check, prove, conform, ok} on stdout.")
    private boolean json;

    @Override
    public Integer call() throws KeyLoadException {
        List<Report> reports = new java.util.ArrayList<>(List.of(
                CheckCommand.run(main, List.of(), false, Runtime.getRuntime().availableProcessors()),
                ProveCommand.run(main)));
        reports.addAll(ConformCommand.run(main));
        // before triage: its claims take the kernel patches' outcome as evidence (target/results/patches.json)
        Report patches = ReviewCommand.catalogue(main, null, null);
        Results.save(main.home(), patches);
        reports.add(patches);
        reports.add(TriageCommand.run(main, List.of()));
        reports.add(MutateCommand.run(main));
        // every operator mutant of every kernel function the parts build (hours on 2 cores: here and in bench only)
        reports.add(MutateCommand.runGenerated(main));
        // the kernel code the suites run (its counts are the ones the generated mutants were selected by)
        reports.add(CoverageCommand.run(main, null, null, null, false));
        java.util.Map<String, Results.Saved> saved = new java.util.LinkedHashMap<>();
        reports.forEach(r -> saved.put(r.section(), Results.save(main.home(), r)));
        java.nio.file.Path page = ReportCommand.write(main.home(), main.home().resolve(ReportCommand.OUT), saved);
        main.progress().accept("all: report written to " + page);
        boolean ok = reports.stream().allMatch(r -> r.unexpected() == 0 && r.missing() == 0);
        if (json) {
            ObjectNode doc = Main.JSON.createObjectNode();
            reports.forEach(r -> doc.set(r.section(), r.json()));
            doc.put("ok", ok);
            main.printJson(doc);
        } else {
            Table summary = new Table("section", "items", "as expected", "unexpected", "skipped").right(1, 2, 3, 4);
            for (Report r : reports) {
                main.out.println("== " + r.section() + " ==");
                main.out.println(r.text());
                summary.add(r.section(), r.items(), r.asExpected(), r.unexpected(), r.missing());
            }
            main.out.println("== summary ==");
            main.out.print(summary.render());
            main.out.println(ok ? "all as expected" : "UNEXPECTED results above");
            main.out.flush();
        }
        return reports.stream().anyMatch(r -> r.unexpected() > 0) ? Main.UNEXPECTED
                : ok ? Main.AS_EXPECTED : Main.BAD_INPUT;
    }
}
