package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Coverage;
import org.vhostcheck.conformance.CoverageReasons;
import org.vhostcheck.conformance.KernelMachines;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.mutate.Mutation;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck coverage}: how much of the kernel code the harness builds the suites of today's models run. Every
 * suite is replayed through the target's coverage build (gcc --coverage, Coverage), the counts summed, and each
 * kernel function shown with its lines run and branches taken; every branch never taken is listed with its source
 * line, and fails the run unless conformance/coverage.json says why no model of this scope reaches it.
 */
@Command(name = "coverage", mixinStandardHelpOptions = true,
        description = "Replay every suite through a coverage build of the kernel harness and show, per kernel function, the lines run and "
                + "the branches taken; untaken branches need a reason in conformance/coverage.json.")
final class CoverageCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    private boolean json;

    @Option(names = "--target", paramLabel = "TARGET", description = "linux-6.1 or linux-6.12; repeatable (default: both).")
    private List<String> targets;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Only the suites of this model of today's kernel (repeatable; the coverage of part of the suites).")
    private List<String> models;

    @Option(names = "--reasons", paramLabel = "FILE",
            description = "Why untaken branches cannot be reached, in the format of conformance/coverage.json (default: that file).")
    private Path reasonsFile;

    @Option(names = "--fresh", description = "Replay every suite through the coverage build now (default: reuse the counts kept in "
            + "target/coverage/ for the same traces and build).")
    private boolean fresh;

    @Override
    public Integer call() {
        Report r = run(main, targets, models, reasonsFile, fresh);
        // both kernels, every suite, the project's reasons: the report's section
        boolean whole = targets == null && models == null && reasonsFile == null;
        return (whole ? Results.saved(main, r) : r).print(main, json);
    }

    static Report run(Main main, List<String> targets, List<String> models, Path reasonsFile, boolean fresh) {
        if (reasonsFile != null && !Files.isRegularFile(reasonsFile)) {
            throw new VhostcheckException(reasonsFile + ": no such coverage reasons file");
        }
        CoverageReasons reasons = CoverageReasons.load(reasonsFile != null ? reasonsFile : CoverageReasons.defaultFile(main.home()));
        List<String> ts = targets == null || targets.isEmpty() ? Kernels.TARGETS : targets;
        for (String t : ts) {
            if (!Kernels.TARGETS.contains(t)) {
                throw new VhostcheckException("unknown target '" + t + "' (known: " + String.join(", ", Kernels.TARGETS) + ")");
            }
        }
        Mutation suites = new Mutation(main.home(), main.progress(), models);
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode tdocs = doc.putArray("targets");
        StringBuilder text = new StringBuilder();
        int unexplained = 0;
        int missing = 0;
        java.util.Set<CoverageReasons.Entry> used = new java.util.HashSet<>();
        for (String t : ts) {
            Kernels.Build b = Kernels.build(main.home(), t);
            if (!b.available()) {
                text.append(t).append(": SKIPPED: ").append(b.unavailable()).append('\n');
                missing++;
                continue;
            }
            Coverage.Reached all = Coverage.Reached.none();
            ObjectNode td = tdocs.addObject();
            td.put("target", t);
            td.put("version", b.version());
            ArrayNode ms = td.putArray("models");
            for (Mutation.Suite s : suites.todaysSuites(t, List.copyOf(KernelMachines.specs()))) {
                all = all.plus(fresh ? Coverage.replay(main.home(), t, s.traces(), main.progress())
                        : Coverage.cached(main.home(), t, s.model(), s.traces(), main.progress()));
                ms.add(s.model());
            }
            List<String> src = null;
            Table table = new Table("function", "file", "lines run", "branches taken", "untaken (no reason)");
            ArrayNode fns = td.putArray("functions");
            int lines = 0;
            int run = 0;
            int branches = 0;
            int taken = 0;
            StringBuilder untakenText = new StringBuilder();
            for (Coverage.Function f : Coverage.byFunction(all)) {
                lines += f.lines();
                run += f.linesRun();
                branches += f.branches();
                taken += f.branchesTaken();
                ObjectNode fd = fns.addObject();
                fd.put("file", f.file());
                fd.put("function", f.function());
                fd.put("entered", f.entered());
                fd.put("lines", f.lines());
                fd.put("linesRun", f.linesRun());
                fd.put("branches", f.branches());
                fd.put("branchesTaken", f.branchesTaken());
                fd.put("firstLine", f.firstLine());
                fd.put("lastLine", f.lastLine());
                ArrayNode unrun = fd.putArray("unrun");
                f.unrun().forEach(unrun::add);
                ArrayNode un = fd.putArray("untaken");
                int open = 0;
                for (Coverage.Branch br : f.untaken()) {
                    CoverageReasons.Entry why = reasons.find(t, f.file(), f.function(), br.line());
                    ObjectNode u = un.addObject();
                    u.put("line", br.line());
                    u.put("branch", br.index());
                    u.put("of", br.of());
                    String line = sourceLine(main.home(), t, f.file(), br.line());
                    u.put("source", line);
                    u.put("reason", why == null ? null : why.reason());
                    if (why == null) {
                        open++;
                        if (f.entered()) {
                            untakenText.append(String.format(Locale.ROOT, "  %s:%d branch %d of %d never taken (%s): %s%n", f.file(),
                                    br.line(), br.index() + 1, br.of(), f.function(), line));
                        }
                    } else {
                        used.add(why);
                    }
                }
                unexplained += open;
                // a function never entered: a reason for the whole function explains its lines too
                CoverageReasons.Entry whole = f.entered() ? null : reasons.entries().stream().filter(e -> e.line() == null
                        && e.covers(t, f.file(), f.function(), f.firstLine())).findFirst().orElse(null);
                if (whole != null) {
                    used.add(whole);
                    fd.put("reason", whole.reason());
                }
                table.add(f.function(), f.file(), f.lines() == 0 ? "-" : f.linesRun() + "/" + f.lines() + pct(f.linesRun(), f.lines()),
                        f.branches() == 0 ? "-" : f.branchesTaken() + "/" + f.branches() + pct(f.branchesTaken(), f.branches()),
                        f.entered() ? Integer.toString(open) : open + (whole != null ? " (never entered: a reason)" : " (never entered)"));
            }
            ObjectNode k = td.putObject("kernel");
            k.put("lines", lines);
            k.put("linesRun", run);
            k.put("branches", branches);
            k.put("branchesTaken", taken);
            int hl = 0;
            int hr = 0;
            for (Map<Integer, Coverage.Line> ls : all.harness().values()) {
                hl += ls.size();
                hr += (int) ls.values().stream().filter(l -> l.count() > 0).count();
            }
            ObjectNode h = td.putObject("harness");
            h.put("lines", hl);
            h.put("linesRun", hr);
            text.append(String.format(Locale.ROOT, "%s (%s), %d suites:%n", t, b.version(), ms.size())).append(table.render())
                    .append(String.format(Locale.ROOT, "kernel code: %d/%d lines run%s, %d/%d branches taken%s; our harness code "
                            + "(not counted): %d/%d lines%n", run, lines, pct(run, lines), taken, branches, pct(taken, branches), hr, hl));
            if (untakenText.length() > 0) {
                text.append("branches never taken, no reason in ").append(reasons.file().getFileName()).append(" (functions never "
                        + "entered: see the table):\n").append(untakenText);
            }
            text.append('\n');
        }
        // a reason for a target that ran must explain something
        ArrayNode stale = doc.putArray("staleReasons");
        for (CoverageReasons.Entry e : reasons.entries()) {
            boolean ran = ts.stream().anyMatch(t -> "both".equals(e.target()) || e.target().equals(t));
            if (ran && missing == 0 && !used.contains(e)) {
                stale.add(e.file() + " " + e.function() + (e.line() == null ? "" : ":" + e.line()) + " (" + e.target() + ")");
                text.append("stale reason in ").append(reasons.file().getFileName()).append(": ").append(e.file()).append(' ')
                        .append(e.function()).append(e.line() == null ? "" : ":" + e.line())
                        .append(": no untaken branch there any more\n");
            }
        }
        doc.put("unexplained", unexplained);
        text.append(String.format(Locale.ROOT, "%d untaken branches without a reason%n", unexplained));
        return new Report("coverage", ts.size(), unexplained + stale.size() > 0 ? 1 : 0, doc, text.toString(), missing);
    }

    private static String pct(int a, int b) {
        return b == 0 ? "" : String.format(Locale.ROOT, " (%.0f %%)", 100.0 * a / b);
    }

    private static final Map<String, List<String>> SOURCES = new java.util.HashMap<>();

    /** The line of the unpacked Debian tree (target/kernel/TARGET/src), stripped; "" when it cannot be read. */
    private static synchronized String sourceLine(Path home, String target, String file, int line) {
        List<String> ls = SOURCES.computeIfAbsent(target + ":" + file, k -> {
            List<String> read = Kernels.sourceLines(home, target, file);
            return read == null ? List.of() : read;
        });
        return line >= 1 && line <= ls.size() ? ls.get(line - 1).strip() : "";
    }
}
