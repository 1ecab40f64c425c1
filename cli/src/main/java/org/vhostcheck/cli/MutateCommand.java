package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.mutate.GuardMutants;
import org.vhostcheck.conformance.mutate.Mutation;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck mutate}: every guard removed from the real kernel source (conformance/kernel/guard-mutants.json),
 * each mutant built and replayed: killed when today's suites of that kernel diverge on it, and matching its broken
 * model when the kernel-minus-guard model's traces replay through it with no divergence. Exit 1 when a guard
 * mutant survives (a hole in the suites).
 */
@Command(name = "mutate", mixinStandardHelpOptions = true,
        description = "Remove each guard from the real kernel functions, rebuild, and show that the replay suites notice (killed) and that the mutant equals the guard's broken model.")
final class MutateCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--guard", paramLabel = "NAME", description = "Only the mutants of this guard (repeatable; default: every guard in a kernel).")
    private List<String> guardNames;

    @Option(names = "--target", paramLabel = "TARGET", description = "linux-6.1 or linux-6.12; repeatable (default: both).")
    private List<String> targets;

    @Option(names = "--mutants", paramLabel = "FILE",
            description = "Kernel mutants of your own, in the format of conformance/kernel/guard-mutants.json (default: that file).")
    private java.nio.file.Path mutants;

    @Option(names = "--suite", paramLabel = "TRACE",
            description = "Kill with these NDJSON traces instead of today's suites (repeatable): does a trace set of yours notice the mutants?")
    private List<java.nio.file.Path> suiteFiles;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Only the suites of this model of today's kernel, and the broken models derived from it (repeatable; a quick check).")
    private List<String> models;

    @Override
    public Integer call() {
        Report r = run(main, mutants, guardNames, targets, suiteFiles, models);
        // a run of part of the catalogue, or with other suites, is not the project's mutation score
        boolean whole = mutants == null && guardNames == null && targets == null && suiteFiles == null && models == null;
        return (whole ? Results.saved(main, r) : r).print(main, json);
    }

    static Report run(Main main) {
        return run(main, null, null, null, null, null);
    }

    static Report run(Main main, java.nio.file.Path file, List<String> guardNames, List<String> targets,
                      List<java.nio.file.Path> suiteFiles, List<String> models) {
        List<String> ts = targets == null || targets.isEmpty() ? Kernels.TARGETS : targets;
        for (String t : ts) {
            if (!Kernels.TARGETS.contains(t)) {
                throw new VhostcheckException("unknown kernel target '" + t + "' (known: " + String.join(", ", Kernels.TARGETS) + ")");
            }
        }
        Mutation mutation = new Mutation(main.home(), main.progress(), models);
        GuardMutants catalogue = file != null ? GuardMutants.load(file, mutation.guards())
                : GuardMutants.load(GuardMutants.defaultFile(main.home()), mutation.guards()).requireEveryGuard(mutation.guards());
        List<GuardMutants.Mutant> chosen = new ArrayList<>();
        if (guardNames == null || guardNames.isEmpty()) {
            chosen.addAll(catalogue.all());
        } else {
            for (String g : guardNames) {
                mutation.guards().get(g);
                chosen.addAll(catalogue.ofGuard(g));
            }
        }
        List<Mutation.Suite> suites = null;
        if (suiteFiles != null) {
            suites = new ArrayList<>();
            for (java.nio.file.Path f : suiteFiles) {
                suites.add(Mutation.Suite.of(f.toString(), org.vhostcheck.conformance.Replayer.specOf(f), List.of(f)));
            }
        }
        List<Mutation.Result> results = new ArrayList<>();
        for (GuardMutants.Mutant m : chosen) {
            for (String t : ts) {
                if (m.targets().contains(t)) {
                    results.add(mutation.run(m, t, suites));
                }
            }
        }
        return report(results);
    }

    static Report report(List<Mutation.Result> results) {
        Table table = new Table("mutant", "target", "killed", "first divergence", "matches broken model", "build s", "seconds")
                .right(5, 6);
        StringBuilder details = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("mutants");
        int killed = 0;
        int matched = 0;
        int matchTotal = 0;
        int skipped = 0;
        for (Mutation.Result r : results) {
            boolean skip = r.reason() != null && r.reason().startsWith("SKIPPED");
            skipped += skip ? 1 : 0;
            killed += r.killed() ? 1 : 0;
            if (r.matchesBrokenModel() != null) {
                matchTotal++;
                matched += r.matchesBrokenModel() ? 1 : 0;
            }
            Mutation.FirstDivergence f = r.firstDivergence();
            table.add(r.id(), r.target(), skip ? "SKIPPED" : r.killed() ? "killed" : "SURVIVED",
                    f == null ? "" : f.model() + " " + f.action() + " " + f.field(),
                    r.matchesBrokenModel() == null ? "n/a" : r.matchesBrokenModel() ? "yes" : "NO",
                    String.format(Locale.ROOT, "%.1f", r.buildSeconds()), String.format(Locale.ROOT, "%.1f", r.seconds()));
            ObjectNode row = rows.addObject();
            row.put("id", r.id());
            row.put("kind", r.kind());
            row.put("guard", r.guard());
            row.put("target", r.target());
            row.put("what", r.what());
            Mutation.Place p0 = r.edits().isEmpty() ? null : r.edits().get(0);
            row.put("file", p0 == null ? null : p0.file());
            row.put("function", p0 == null ? null : p0.function());
            if (p0 == null || p0.line() == null) {
                row.putNull("line");
            } else {
                row.put("line", p0.line());
            }
            ArrayNode edits = row.putArray("edits");
            for (Mutation.Place p : r.edits()) {
                ObjectNode e = edits.addObject();
                e.put("file", p.file());
                e.put("function", p.function());
                if (p.line() == null) {
                    e.putNull("line");
                } else {
                    e.put("line", p.line());
                }
            }
            ArrayNode parts = row.putArray("parts");
            r.parts().forEach(parts::add);
            row.put("killed", r.killed());
            if (f == null) {
                row.putNull("firstDivergence");
            } else {
                ObjectNode fd = row.putObject("firstDivergence");
                fd.put("model", f.model());
                fd.put("trace", f.trace());
                fd.put("line", f.line());
                fd.put("action", f.action());
                fd.put("field", f.field());
                fd.put("spec", f.expected());
                fd.put("kernel", f.actual());
            }
            if (r.matchesBrokenModel() == null) {
                row.putNull("matchesBrokenModel");
            } else {
                row.put("matchesBrokenModel", r.matchesBrokenModel());
            }
            ArrayNode bm = row.putArray("brokenModels");
            r.brokenModels().forEach(bm::add);
            if (r.reason() == null) {
                row.putNull("reason");
            } else {
                row.put("reason", r.reason());
            }
            row.put("buildSeconds", Main.round(r.buildSeconds()));
            row.put("seconds", Main.round(r.seconds()));
            if (f != null) {
                details.append('\n').append(r.id()).append(" on ").append(r.target()).append(": killed by ").append(f.model())
                        .append(", ").append(f.trace()).append(':').append(f.line()).append(' ').append(f.action()).append(": ")
                        .append(f.field()).append(" spec ").append(f.expected()).append(", mutant ").append(f.actual()).append('\n');
            }
            if (r.reason() != null) {
                details.append('\n').append(r.id()).append(" on ").append(r.target()).append(": ").append(r.reason()).append('\n');
            }
        }
        ObjectNode score = doc.putObject("score");
        ObjectNode g = score.putObject("guard");
        g.put("killed", killed);
        g.put("total", results.size());
        ObjectNode gen = score.putObject("generated");
        gen.put("killed", 0);
        gen.put("total", 0);
        ObjectNode mb = score.putObject("matchesBrokenModel");
        mb.put("matched", matched);
        mb.put("total", matchTotal);
        for (String t : Kernels.TARGETS) {
            List<Mutation.Result> of = results.stream().filter(r -> r.target().equals(t)).toList();
            if (of.isEmpty()) {
                continue;
            }
            ObjectNode k = score.putObject(t);
            k.put("killed", of.stream().filter(Mutation.Result::killed).count());
            k.put("total", of.size());
            k.put("matched", of.stream().filter(r -> Boolean.TRUE.equals(r.matchesBrokenModel())).count());
            k.put("matchTotal", of.stream().filter(r -> r.matchesBrokenModel() != null).count());
        }
        String summary = String.format(Locale.ROOT, "%nmutation score: %d/%d guard mutants killed; %d/%d match their broken model%n",
                killed, results.size(), matched, matchTotal);
        int survived = results.size() - killed - skipped;
        return new Report("mutate", results.size(), survived, doc, table.render() + details + summary, skipped);
    }
}
