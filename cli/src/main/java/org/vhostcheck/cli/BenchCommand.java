package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Conformance;
import org.vhostcheck.conformance.KernelMachines;
import org.vhostcheck.conformance.Machines;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.key.KeyProver;
import org.vhostcheck.key.ProofResult;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.TlcResult;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck bench}: throughput of each stage on the exportable CI models, and KeY time per
 * contract. A measurement: no thresholds, exit 0 unless something fails to run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {
    "Measure throughput: TLC, trace export, Java and kernel replay, KeY.",
    "Per exportable CI model: TLC checking (distinct states/s), TLC edge export (transitions/s), Java replay",
    "(transitions/s) and replay/TLC (replay over export transitions/s), replay through each kernel harness",
    "(transitions/s); the harness build time per kernel; KeY seconds per contract; every guard mutant of both",
    "kernels (vhostcheck mutate): the mutation score and the seconds per mutant; every generated operator mutant",
    "(vhostcheck mutate --generated): its score, survivors and seconds per mutant."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the measurements as JSON on stdout.")
    private boolean json;

    @Option(names = "--workers", paramLabel = "N", description = "TLC worker threads for checking (default: one per core).")
    private int workers = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws KeyLoadException {
        if (workers < 1) {
            throw new VhostcheckException("--workers must be at least 1, not " + workers);
        }
        Path home = main.home();
        Manifest manifest = Manifest.load(home);
        Path dir = home.resolve("target/bench");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new VhostcheckException(dir + ": cannot create: " + e.getMessage());
        }
        TlcRunner tlc = new TlcRunner(home, workers, main.progress());
        Exporter exporter = new Exporter(home, main.progress());
        Conformance conformance = new Conformance(home, main.progress());
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode models = doc.putArray("models");
        Table table = new Table("model", "distinct states", "TLC states/s", "transitions", "export trans/s",
                "replay trans/s", "replay/TLC", "linux-6.1 trans/s", "linux-6.12 trans/s").right(1, 2, 3, 4, 5, 6, 7, 8);
        Table builds = new Table("kernel", "Debian version", "harness build s").right(2);
        ArrayNode kernels = doc.putArray("kernels");
        for (String t : Kernels.TARGETS) {
            main.progress().accept("bench: building the " + t + " harness ...");
            Kernels.Build b = Kernels.build(home, t);
            builds.add(t, b.available() ? b.version() : "SKIPPED: " + b.unavailable(), String.format(Locale.ROOT, "%.1f", b.seconds()));
            ObjectNode k = kernels.addObject();
            k.put("target", t);
            k.put("version", b.version());
            k.put("buildSeconds", Main.round(b.seconds()));
            k.put("unavailable", b.unavailable());
        }
        for (Manifest.Entry e : manifest.select(null, false)) {
            if (!e.exportable()) {
                continue;
            }
            TlcResult r = tlc.check(e, manifest.specDir());
            if (TlcResult.ERROR.equals(r.outcome())) {
                throw new VhostcheckException("bench " + e.name() + ": " + r.error());
            }
            Path graph = dir.resolve(e.name() + ".graph.ndjson");
            long t0 = System.nanoTime();
            Exporter.Summary g = exporter.graph(e, manifest.specDir(), graph);
            double exportSeconds = (System.nanoTime() - t0) / 1e9;
            Double replayRate = null;
            if (Machines.has(e.spec())) {
                main.progress().accept("bench " + e.name() + ": replaying " + g.transitions() + " transitions ...");
                SuiteResult s = conformance.replayFile(graph);
                replayRate = rate(s.transitions(), s.seconds());
            }
            java.util.Map<String, Double> kernelRates = new java.util.HashMap<>();
            for (String t : Kernels.TARGETS) {
                if (KernelMachines.has(e.spec()) && Kernels.build(home, t).available()) {
                    main.progress().accept("bench " + e.name() + ": replaying " + g.transitions() + " transitions against " + t + " ...");
                    SuiteResult s = conformance.replayFile(graph, t);
                    kernelRates.put(t, rate(s.transitions(), s.seconds()));
                }
            }
            Double tlcRate = r.distinctStates() == null ? null : rate(r.distinctStates(), r.seconds());
            double exportRate = rate(g.transitions(), exportSeconds);
            Double ratio = replayRate == null ? null : replayRate / exportRate;
            table.add(e.name(), r.distinctStates(), whole(tlcRate), g.transitions(), whole(exportRate),
                    whole(replayRate), ratio == null ? null : String.format(Locale.ROOT, "%.1fx", ratio),
                    whole(kernelRates.get("linux-6.1")), whole(kernelRates.get("linux-6.12")));
            ObjectNode m = models.addObject();
            m.put("name", e.name());
            m.put("distinctStates", r.distinctStates());
            m.put("tlcSeconds", Main.round(r.seconds()));
            m.put("tlcStatesPerSecond", tlcRate);
            m.put("transitions", g.transitions());
            m.put("exportSeconds", Main.round(exportSeconds));
            m.put("exportTransitionsPerSecond", exportRate);
            m.put("replayTransitionsPerSecond", replayRate);
            m.put("replayToTlc", ratio);
            ObjectNode kr = m.putObject("kernelReplayTransitionsPerSecond");
            kernelRates.forEach(kr::put);
        }
        main.progress().accept("bench: loading " + KeyProver.sourceDir(home) + " into KeY ...");
        // the search, not a replay of the saved proofs: bench measures what KeY needs to find each proof
        List<ProofResult> proofs = KeyProver.proveAll(home, null, org.vhostcheck.key.SavedProofs.Mode.FRESH, main.progress());
        Table key = new Table("contract", "result", "nodes", "seconds").right(2, 3);
        ArrayNode contracts = doc.putArray("contracts");
        double total = 0;
        for (ProofResult p : proofs) {
            total += p.seconds();
            key.add(p.shortName() + " [" + p.caseName() + "]", p.result(), p.nodes(),
                    String.format(Locale.ROOT, "%.1f", p.seconds()));
            ObjectNode c = contracts.addObject();
            c.put("class", p.className());
            c.put("method", p.method());
            c.put("case", p.caseName());
            c.put("nodes", p.nodes());
            c.put("seconds", p.seconds());
        }
        doc.put("keySeconds", Main.round(total));
        // every guard mutant of both kernels: the mutation score and the time per mutant (build, replays)
        main.progress().accept("bench: building and replaying every guard mutant ...");
        long m0 = System.nanoTime();
        Report mutants = MutateCommand.run(main);
        double mutateSeconds = (System.nanoTime() - m0) / 1e9;
        JsonNode rows = mutants.json().get("mutants");
        double build = 0;
        double most = 0;
        for (JsonNode r : rows) {
            build += r.get("buildSeconds").asDouble();
            most = Math.max(most, r.get("seconds").asDouble());
        }
        int n = Math.max(1, rows.size());
        ObjectNode mut = doc.putObject("mutants");
        mut.set("score", mutants.json().get("score"));
        mut.put("seconds", Main.round(mutateSeconds));
        mut.put("secondsPerMutant", Main.round(mutateSeconds / n));
        mut.put("buildSecondsPerMutant", Main.round(build / n));
        mut.put("mostSeconds", Main.round(most));
        String mutLine = String.format(Locale.ROOT, "guard mutants: %d of %d killed, %d of %d match their broken model; "
                        + "%.0f s in all, %.1f s a mutant (build %.1f s), at most %.1f s%n",
                mutants.json().get("score").get("guard").get("killed").asInt(), rows.size(),
                mutants.json().get("score").get("matchesBrokenModel").get("matched").asInt(),
                mutants.json().get("score").get("matchesBrokenModel").get("total").asInt(),
                mutateSeconds, mutateSeconds / n, build / n, most);
        // every generated operator mutant of both kernels: its score, its survivors and the time per mutant
        main.progress().accept("bench: building and replaying every generated mutant ...");
        long g0 = System.nanoTime();
        Report generated = Results.saved(main, MutateCommand.runGeneratedFresh(main));
        double genSeconds = (System.nanoTime() - g0) / 1e9;
        JsonNode gs = generated.json().get("score").get("generated");
        ObjectNode gen = doc.putObject("generatedMutants");
        gen.set("score", generated.json().get("score"));
        gen.put("seconds", Main.round(genSeconds));
        gen.put("jobs", Runtime.getRuntime().availableProcessors());
        gen.put("secondsPerMutant", Main.round(gs.get("secondsPerMutant").asDouble()));
        mutLine += String.format(Locale.ROOT, "generated mutants: %d of %d killed (%d stillborn, %d equivalent, %d survived); "
                        + "%.0f s in all on %d jobs, %.1f s a mutant%n", gs.get("killed").asInt(), gs.get("total").asInt(),
                gs.get("stillborn").asInt(), gs.get("equivalent").asInt(), gs.get("survived").asInt(), genSeconds,
                Runtime.getRuntime().availableProcessors(), gs.get("secondsPerMutant").asDouble());
        // the coverage run: every suite of both kernels through the coverage build (what mutate --generated measures first)
        main.progress().accept("bench: replaying every suite through the coverage builds ...");
        long c0 = System.nanoTime();
        Report cov = CoverageCommand.run(main, null, null, null, true);
        double covSeconds = (System.nanoTime() - c0) / 1e9;
        ObjectNode covDoc = doc.putObject("coverage");
        covDoc.put("seconds", Main.round(covSeconds));
        StringBuilder covLine = new StringBuilder(String.format(Locale.ROOT, "coverage: %.0f s for both kernels", covSeconds));
        for (JsonNode t : cov.json().path("targets")) {
            JsonNode k = t.path("kernel");
            covDoc.set(t.path("target").asText(), k);
            covLine.append(String.format(Locale.ROOT, "; %s %d/%d lines, %d/%d branches", t.path("target").asText(),
                    k.path("linesRun").asInt(), k.path("lines").asInt(), k.path("branchesTaken").asInt(), k.path("branches").asInt()));
        }
        covLine.append(String.format(Locale.ROOT, " (%d untaken branches without a reason)%n", cov.json().path("unexplained").asInt()));
        if (json) {
            main.printJson(doc);
        } else {
            main.out.print(table.render() + "\n" + builds.render() + "\n" + key.render()
                    + String.format(Locale.ROOT, "KeY: %d contracts, %.1f s in all%n", proofs.size(), total) + mutLine + covLine);
        }
        return Main.AS_EXPECTED;
    }

    private static double rate(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }

    private static String whole(Double rate) {
        return rate == null ? null : String.format(Locale.ROOT, "%,.0f", rate);
    }
}
