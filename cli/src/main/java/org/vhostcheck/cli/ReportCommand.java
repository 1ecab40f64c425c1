package org.vhostcheck.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.model.AtomicFile;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck report}: writes DIR/index.html, a static page of the last saved result of
 * every section (target/results/, see {@link Results}); a section with none is run now, and
 * {@code --fresh} runs them all. Every saved result is read (a bad one is refused) before anything
 * slow runs, and the page replaces an earlier one only when it is complete.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a static HTML report (verdicts, counterexamples, proofs, conformance coverage, drift) from the saved results.")
final class ReportCommand implements Callable<Integer> {
    static final String OUT = "target/report";

    @ParentCommand
    private Main main;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where index.html goes (default: target/report).")
    private Path dir;

    @Option(names = "--fresh", description = "Run every section now instead of using its saved result.")
    private boolean fresh;

    /** One conform run gives both the conform and the drift section. */
    private List<Report> conformAndDrift;

    @Override
    public Integer call() {
        Path home = main.home();
        Path out = (dir != null ? dir : home.resolve(OUT)).toAbsolutePath().normalize();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new VhostcheckException(out + ": not a directory (-o names the directory that gets index.html)");
        }
        Map<String, Function<Main, Report>> runners = runners();
        Map<String, Results.Saved> saved = new LinkedHashMap<>();
        for (String s : Results.SECTIONS) {
            // a section nothing here can run (triage, until wired) always comes from its saved result
            if (!fresh || !runners.containsKey(s)) {
                Results.Saved r = Results.load(home, s);
                if (r != null) {
                    saved.put(s, r);
                }
            }
        }
        for (String s : Results.SECTIONS) {
            Function<Main, Report> run = runners.get(s);
            if (saved.containsKey(s) || run == null) {
                continue;
            }
            main.progress().accept("report: running " + s + (fresh ? "" : " (no saved result in " + Results.DIR + ")") + " ...");
            Report r = run.apply(main);
            if (conformAndDrift == null || !conformAndDrift.contains(r)) {
                saved.put(s, Results.save(home, r));
            }
        }
        if (conformAndDrift != null) {
            // the drift that ran now goes with the conform that ran now, and the other way round
            conformAndDrift.forEach(r -> saved.put(r.section(), Results.save(home, r)));
        }
        main.out.println(write(home, out, saved));
        main.out.flush();
        return Main.AS_EXPECTED;
    }

    /** Renders the saved results into out/index.html (temp file, then rename) and returns its path. */
    static Path write(Path home, Path out, Map<String, Results.Saved> saved) {
        String html = HtmlReport.render(saved, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                Results.commit(home), (target, file) -> org.vhostcheck.conformance.kernel.Kernels.sourceLines(home, target, file));
        Path index = out.resolve("index.html");
        AtomicFile.write(index, html);
        return index;
    }

    /** How each section is made when it has no saved result (or with --fresh). */
    Map<String, Function<Main, Report>> runners() {
        Map<String, Function<Main, Report>> m = new LinkedHashMap<>();
        m.put("triage", x -> {
            try {
                return TriageCommand.run(x, List.of());
            } catch (KeyLoadException e) {
                throw new VhostcheckException(e.getMessage(), e);
            }
        });
        m.put("check", x -> CheckCommand.run(x, List.of(), false, Runtime.getRuntime().availableProcessors()));
        m.put("prove", x -> {
            try {
                return ProveCommand.run(x);
            } catch (KeyLoadException e) {
                throw new VhostcheckException(e.getMessage(), e);
            }
        });
        m.put("conform", x -> conformAndDrift(x).get(0));
        m.put("drift", x -> conformAndDrift(x).get(1));
        m.put("mutate", MutateCommand::run);
        m.put("generated-mutants", MutateCommand::runGenerated);
        m.put("coverage", x -> CoverageCommand.run(x, null, null, null, false));
        return m;
    }

    private List<Report> conformAndDrift(Main m) {
        if (conformAndDrift == null) {
            conformAndDrift = ConformCommand.run(m);
        }
        return conformAndDrift;
    }
}
