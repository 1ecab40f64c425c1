package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.SideBySide;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.mutate.EquivalentMutants;
import org.vhostcheck.conformance.mutate.GeneratedMutants;
import org.vhostcheck.conformance.mutate.MutantJournal;
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

    @Option(names = "--generated",
            description = "Run the generated operator mutants of every kernel function the harness builds (relational swaps, && <-> ||, "
                    + "a constant +-1, a removed early return -E..., a removed loop bookkeeping statement) instead of the guard mutants; "
                    + "survivors must be killed or recorded equivalent in conformance/mutants.json.")
    private boolean generated;

    @Option(names = "--sample", paramLabel = "N",
            description = "With --generated: a deterministic sample of N mutants per target, spread over the functions (every k-th).")
    private Integer sample;

    @Option(names = "--function", paramLabel = "FUNCTION",
            description = "With --generated: only the mutants of this kernel function (repeatable).")
    private List<String> functions;

    @Option(names = "--equivalent", paramLabel = "FILE",
            description = "With --generated: the equivalent mutants recorded, in the format of conformance/mutants.json (default: that file).")
    private java.nio.file.Path equivalentFile;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Mutants built and replayed side by side (default: the number of cores); each has its own build directory and harness.")
    private Integer jobs;

    @Option(names = "--coverage", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --generated: replay a mutant only through the suites that run its line on the target's coverage build "
                    + "(measured once, kept in target/coverage/); a line no suite runs is built but not replayed (default: on; "
                    + "--no-coverage replays every suite of the parts the mutant touches).")
    private boolean coverage = true;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Only the suites of this model of today's kernel, and the broken models derived from it (repeatable; a quick check).")
    private List<String> models;

    @Override
    public Integer call() {
        if (generated) {
            if (guardNames != null || mutants != null) {
                throw new VhostcheckException("--generated runs the generated mutants: --guard and --mutants are for the guard mutants");
            }
            Report r = runGenerated(main, sample, functions, targets, suiteFiles, models, equivalentFile, jobs(jobs), coverage, true);
            // the whole set on both kernels with today's suites is the project's generated-mutant score
            boolean whole = sample == null && functions == null && targets == null && suiteFiles == null && models == null
                    && equivalentFile == null;
            return (whole ? Results.saved(main, r) : r).print(main, json);
        }
        if (sample != null || functions != null || equivalentFile != null || !coverage) {
            throw new VhostcheckException("--sample, --function, --equivalent and --no-coverage are for the generated mutants: use them with --generated");
        }
        Report r = run(main, mutants, guardNames, targets, suiteFiles, models, jobs(jobs));
        // a run of part of the catalogue, or with other suites, is not the project's mutation score
        boolean whole = mutants == null && guardNames == null && targets == null && suiteFiles == null && models == null;
        return (whole ? Results.saved(main, r) : r).print(main, json);
    }

    /** Every guard mutant of both kernels, as many side by side as there are cores. */
    static Report run(Main main) {
        return run(main, null, null, null, null, null, jobs(null));
    }

    /** Every generated mutant of both kernels (the section generated-mutants), as many side by side as there are cores. */
    static Report runGenerated(Main main) {
        return runGenerated(main, null, null, null, null, null, null, jobs(null), true, true);
    }

    /** The same, every mutant built and replayed now (bench measures the run: nothing is read from the journal). */
    static Report runGeneratedFresh(Main main) {
        return runGenerated(main, null, null, null, null, null, null, jobs(null), true, false);
    }

    private static int jobs(Integer jobs) {
        if (jobs != null && jobs < 1) {
            throw new VhostcheckException("--jobs must be at least 1");
        }
        return jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    }

    private static List<String> targets(List<String> targets) {
        List<String> ts = targets == null || targets.isEmpty() ? Kernels.TARGETS : targets;
        for (String t : ts) {
            if (!Kernels.TARGETS.contains(t)) {
                throw new VhostcheckException("unknown kernel target '" + t + "' (known: " + String.join(", ", Kernels.TARGETS) + ")");
            }
        }
        return ts;
    }

    private static List<Mutation.Suite> suites(List<java.nio.file.Path> suiteFiles) {
        if (suiteFiles == null) {
            return null;
        }
        List<Mutation.Suite> suites = new ArrayList<>();
        for (java.nio.file.Path f : suiteFiles) {
            suites.add(Mutation.Suite.of(f.toString(), org.vhostcheck.conformance.Replayer.specOf(f), List.of(f)));
        }
        return suites;
    }

    /**
     * The generated mutants of each target (all, those of the named functions, a sample of them), each built and
     * replayed; conformance/mutants.json's equivalent entries checked against what the generator gives (a stale
     * one is bad input) before anything runs.
     */
    static Report runGenerated(Main main, Integer sample, List<String> functions, List<String> targets,
                               List<java.nio.file.Path> suiteFiles, List<String> models, java.nio.file.Path equivalentFile,
                               int jobs, boolean byCoverage, boolean fromJournal) {
        List<String> ts = targets(targets);
        if (sample != null && sample < 1) {
            throw new VhostcheckException("--sample must be at least 1");
        }
        if (equivalentFile != null && !java.nio.file.Files.isRegularFile(equivalentFile)) {
            throw new VhostcheckException(equivalentFile + ": no such equivalent mutants file");
        }
        EquivalentMutants eq = EquivalentMutants.load(equivalentFile != null ? equivalentFile
                : EquivalentMutants.defaultFile(main.home()));
        Mutation mutation = new Mutation(main.home(), main.progress(), models).byCoverage(byCoverage);
        List<Mutation.Suite> suites = suites(suiteFiles);
        Map<String, List<GeneratedMutants.Mutant>> chosen = new LinkedHashMap<>();
        for (String t : ts) {
            List<GeneratedMutants.Mutant> all = GeneratedMutants.generate(main.home(), t);
            eq.requireExisting(t, all.stream().map(GeneratedMutants.Mutant::id).toList());
            List<GeneratedMutants.Mutant> of = all;
            if (functions != null && !functions.isEmpty()) {
                for (String f : functions) {
                    if (all.stream().noneMatch(m -> m.function().equals(f))) {
                        throw new VhostcheckException("no generated mutant of function '" + f + "' on " + t + " (functions: "
                                + String.join(", ", all.stream().map(GeneratedMutants.Mutant::function).distinct().sorted().toList()) + ")");
                    }
                }
                of = all.stream().filter(m -> functions.contains(m.function())).toList();
            }
            chosen.put(t, sample == null ? of : GeneratedMutants.sample(of, sample));
        }
        List<GeneratedMutants.Mutant> all = chosen.values().stream().flatMap(List::stream).toList();
        if (suites != null) {
            return report("generated-mutants", SideBySide.map(all, jobs, m -> mutation.run(m, suites), "mutate"), eq);
        }
        // today's suites: each outcome goes to the journal as it ends, and a run that stopped goes on from there
        MutantJournal journal = MutantJournal.open(main.home(), models, fromJournal);
        long kept = all.stream().filter(journal::has).count();
        if (kept > 0) {
            main.progress().accept("mutate: " + kept + " of " + all.size() + " mutants from the journal of an earlier run with the same "
                    + "code, specs and kernels (" + main.home().relativize(journal.file()) + ")");
        }
        return report("generated-mutants", SideBySide.map(all, jobs, m -> journal.get(m, () -> mutation.run(m, null)), "mutate"), eq);
    }

    static Report run(Main main, java.nio.file.Path file, List<String> guardNames, List<String> targets,
                      List<java.nio.file.Path> suiteFiles, List<String> models, int jobs) {
        List<String> ts = targets(targets);
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
        List<Mutation.Suite> suites = suites(suiteFiles);
        record Job(GuardMutants.Mutant mutant, String target) {
        }
        List<Job> all = new ArrayList<>();
        for (GuardMutants.Mutant m : chosen) {
            for (String t : ts) {
                if (m.targets().contains(t)) {
                    all.add(new Job(m, t));
                }
            }
        }
        return report("mutate", SideBySide.map(all, jobs, j -> mutation.run(j.mutant(), j.target(), suites), "mutate"), null);
    }

    /** The verdict of one mutant: killed, SURVIVED, equivalent (a generated survivor recorded so), stillborn, SKIPPED. */
    private static String status(Mutation.Result r, EquivalentMutants eq) {
        if (r.reason() != null && r.reason().startsWith("SKIPPED")) {
            return "SKIPPED";
        }
        if (r.stillborn()) {
            return "stillborn";
        }
        EquivalentMutants.Entry e = eq == null || !"generated".equals(r.kind()) ? null : eq.find(r.id(), r.target());
        if (r.killed()) {
            return e == null ? "killed" : "KILLED-BUT-EQUIVALENT";
        }
        return e == null ? "SURVIVED" : "equivalent";
    }

    /** A kernel crash's first line (its sanitizer report is in the JSON). */
    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    static Report report(String section, List<Mutation.Result> results, EquivalentMutants eq) {
        Table table = new Table("mutant", "target", "killed", "first divergence", "matches broken model", "build s", "seconds")
                .right(5, 6);
        StringBuilder survivors = new StringBuilder();
        int gKilled = 0;
        int gTotal = 0;
        int gStillborn = 0;
        int gEquivalent = 0;
        int gSurvived = 0;
        int gSkipped = 0;
        int gWrong = 0;
        double gSeconds = 0;
        StringBuilder details = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("mutants");
        int killed = 0;
        int matched = 0;
        int matchTotal = 0;
        int skipped = 0;
        for (Mutation.Result r : results) {
            boolean skip = r.reason() != null && r.reason().startsWith("SKIPPED");
            String status = status(r, eq);
            EquivalentMutants.Entry equivalent = eq == null || !"generated".equals(r.kind()) ? null : eq.find(r.id(), r.target());
            if ("generated".equals(r.kind())) {
                gTotal++;
                gSeconds += r.seconds();
                switch (status) {
                    case "killed" -> gKilled++;
                    case "stillborn" -> gStillborn++;
                    case "equivalent" -> gEquivalent++;
                    case "SKIPPED" -> gSkipped++;
                    case "KILLED-BUT-EQUIVALENT" -> {
                        gKilled++;
                        gWrong++;
                    }
                    default -> gSurvived++;
                }
                if (status.equals("SURVIVED")) {
                    survivors.append("  ").append(r.id()).append(" on ").append(r.target()).append(": ")
                            .append(r.edits().isEmpty() ? "" : r.edits().get(0).file() + ":" + r.edits().get(0).line() + ": ")
                            .append(r.source()).append('\n');
                } else if (status.equals("KILLED-BUT-EQUIVALENT")) {
                    survivors.append("  ").append(r.id()).append(" on ").append(r.target())
                            .append(": killed, yet ").append(eq.file().getFileName()).append(" records it equivalent (")
                            .append(equivalent.reason()).append("): the reason is wrong\n");
                }
                skipped += skip ? 1 : 0;
            } else {
                skipped += skip ? 1 : 0;
                killed += r.killed() ? 1 : 0;
            }
            if (r.matchesBrokenModel() != null) {
                matchTotal++;
                matched += r.matchesBrokenModel() ? 1 : 0;
            }
            Mutation.FirstDivergence f = r.firstDivergence();
            table.add(r.id(), r.target(), status,
                    f == null ? "" : f.model() + " " + f.action() + " " + f.field(),
                    r.matchesBrokenModel() == null ? "n/a" : r.matchesBrokenModel() ? "yes" : "NO",
                    String.format(Locale.ROOT, "%.1f", r.buildSeconds()), String.format(Locale.ROOT, "%.1f", r.seconds()));
            ObjectNode row = rows.addObject();
            row.put("id", r.id());
            row.put("kind", r.kind());
            row.put("guard", r.guard());
            row.put("target", r.target());
            row.put("what", r.what());
            if ("generated".equals(r.kind())) {
                row.put("source", r.source());
                row.put("status", status);
                row.put("stillborn", r.stillborn());
                if (equivalent == null) {
                    row.putNull("equivalent");
                } else {
                    row.put("equivalent", equivalent.reason());
                }
            }
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
                        .append(f.field()).append(" spec ").append(f.expected()).append(", mutant ")
                        .append("generated".equals(r.kind()) ? firstLine(f.actual()) : f.actual()).append('\n');
            }
            if (r.reason() != null) {
                details.append('\n').append(r.id()).append(" on ").append(r.target()).append(": ").append(r.reason()).append('\n');
            }
        }
        int guards = results.size() - gTotal;
        ObjectNode score = doc.putObject("score");
        ObjectNode g = score.putObject("guard");
        g.put("killed", killed);
        g.put("total", guards);
        ObjectNode gen = score.putObject("generated");
        gen.put("killed", gKilled);
        gen.put("total", gTotal);
        gen.put("stillborn", gStillborn);
        gen.put("equivalent", gEquivalent);
        gen.put("survived", gSurvived);
        // of the survivors, those on a line no suite runs (the rest ran the line and saw no difference)
        gen.put("notReached", results.stream().filter(r -> "generated".equals(r.kind()) && status(r, eq).equals("SURVIVED")
                && Mutation.notReached(r)).count());
        gen.put("skipped", gSkipped);
        gen.put("secondsPerMutant", gTotal == 0 ? 0 : Main.round(gSeconds / gTotal));
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
            k.put("stillborn", of.stream().filter(Mutation.Result::stillborn).count());
            k.put("equivalent", of.stream().filter(r -> status(r, eq).equals("equivalent")).count());
            k.put("survived", of.stream().filter(r -> "generated".equals(r.kind()) && status(r, eq).equals("SURVIVED")).count());
            k.put("notReached", of.stream().filter(r -> "generated".equals(r.kind()) && status(r, eq).equals("SURVIVED")
                    && Mutation.notReached(r)).count());
            k.put("matched", of.stream().filter(r -> Boolean.TRUE.equals(r.matchesBrokenModel())).count());
            k.put("matchTotal", of.stream().filter(r -> r.matchesBrokenModel() != null).count());
        }
        String summary = "";
        if (guards > 0) {
            summary += String.format(Locale.ROOT, "%nmutation score: %d/%d guard mutants killed; %d/%d match their broken model%n",
                    killed, guards, matched, matchTotal);
        }
        if (gTotal > 0) {
            if (survivors.length() > 0) {
                summary += String.format(Locale.ROOT, "%nsurvivors (neither killed nor recorded equivalent in conformance/mutants.json):%n")
                        + survivors;
            }
            long notReached = gen.get("notReached").asLong();
            summary += String.format(Locale.ROOT, "%nmutation score: %d/%d generated mutants killed (%d stillborn, %d equivalent, "
                    + "%d survived%s%s); %.1f s a mutant%n", gKilled, gTotal, gStillborn, gEquivalent, gSurvived,
                    notReached > 0 ? ", " + notReached + " of them on lines no suite runs" : "",
                    gSkipped > 0 ? ", " + gSkipped + " skipped" : "", gTotal == 0 ? 0 : gSeconds / gTotal);
        }
        int survived = guards - killed - (skipped - gSkipped) + gSurvived + gWrong;
        return new Report(section, results.size(), survived, doc, table.render() + details + summary, skipped);
    }
}
