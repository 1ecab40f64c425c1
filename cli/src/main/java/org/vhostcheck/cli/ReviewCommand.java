package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.key.ProofResult;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.TraceTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck review --guard NAME}: does this check close the hole? For each model pair of the guard
 * (spec/guards.json: the same config with the guard's switch on and off) TLC checks the guard's invariant on both;
 * KeY proves the guarded Java and its broken twin; the broken model's counterexample is replayed through the kernels
 * that have the guard. Prints: without the guard, the counterexample; with it, holds at the bounds and the proof.
 * Exit 0 when the broken model violates, the guarded one holds and every proof is as expected; 1 otherwise.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Fix review: the models with and without one guard and the KeY proofs of the guarded and broken Java (--guard), or a kernel patch replayed through the real functions (--patch).")
final class ReviewCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--guard", paramLabel = "NAME", description = "A guard of spec/guards.json (e.g. LastChecked).")
    private String guard;

    @Option(names = "--patch", paramLabel = "FILE",
            description = "A kernel patch (unified diff as git format-patch writes it, paths a/drivers/vhost/...) to apply to the pinned tree of --target and replay; repeatable: applied in order.")
    private List<java.nio.file.Path> patch;

    @Option(names = "--patches", description = "Every entry of claims/patches/patches.json (with --target: that target's): the project's fixes and reverts, each checked against what it must do.")
    private boolean patches;

    @Option(names = "--entry", paramLabel = "ID", description = "With --patches: only these entries (repeatable).")
    private List<String> entries;

    @Option(names = "--target", paramLabel = "TARGET", description = "With --patch: linux-6.1 or linux-6.12.")
    private String target;

    @Option(names = "--model", paramLabel = "MODEL", description = "With --patch: only these exported models (repeatable; default: every model of the parts the patch changes).")
    private List<String> models;

    @Option(names = "--json", description = "Print the review as JSON on stdout.")
    private boolean json;

    @Override
    public Integer call() throws KeyLoadException {
        if ((guard != null ? 1 : 0) + (patch != null ? 1 : 0) + (patches ? 1 : 0) != 1) {
            throw new org.vhostcheck.model.VhostcheckException("review takes --guard NAME, --patch FILE --target TARGET or --patches (one of them)");
        }
        if (entries != null && !patches) {
            throw new org.vhostcheck.model.VhostcheckException("--entry goes with --patches");
        }
        if (patches && models != null) {
            throw new org.vhostcheck.model.VhostcheckException("--model goes with --patch (each --patches entry names its models)");
        }
        if (patches) {
            Report r = catalogue(main, target, entries);
            return (entries == null && target == null ? Results.saved(main, r) : r).print(main, json);
        }
        if (patch != null) {
            if (target == null) {
                throw new org.vhostcheck.model.VhostcheckException("review --patch needs --target (linux-6.1 or linux-6.12): the tree the patch is against");
            }
            return patch(main, patch, target, models).print(main, json);
        }
        if (target != null) {
            throw new org.vhostcheck.model.VhostcheckException("--target goes with --patch or --patches");
        }
        return run(main, guard).print(main, json);
    }

    /** {@code review --patch}: the patched kernel's suites against the base kernel's, and the model it now equals. */
    static Report patch(Main main, List<java.nio.file.Path> files, String target, List<String> models) {
        org.vhostcheck.conformance.mutate.PatchReview.Result r =
                new org.vhostcheck.conformance.mutate.PatchReview(main.home(), main.progress(), models).review(files, target);
        ObjectNode doc = patchJson(r);
        String text = "Patch " + String.join(" + ", files.stream().map(java.nio.file.Path::toString).toList()) + " on " + r.target()
                + " " + r.version() + ": changes " + String.join(", ", r.functions())
                + " (" + String.join(", ", r.files()) + "); rebuilt parts: " + String.join(", ", r.parts()) + "\n\n"
                + modelTable(r).render() + "\nVerdict: " + r.verdict() + "\n";
        return new Report("review", r.models().size(), 0, doc, text);
    }

    /**
     * {@code review --patches}: every entry of claims/patches/patches.json; an entry is as expected when today's model
     * it names changes on the patched kernel first at its action and the model it names replays there with no divergence
     * (or, for an entry with a recorded limit, when the limit still holds).
     */
    static Report catalogue(Main main, String target, List<String> only) {
        org.vhostcheck.model.Manifest manifest = org.vhostcheck.model.Manifest.load(main.home());
        var cat = org.vhostcheck.conformance.mutate.PatchCatalogue.load(main.home(),
                org.vhostcheck.conformance.mutate.PatchCatalogue.defaultFile(main.home()), manifest);
        if (target != null && !org.vhostcheck.conformance.kernel.Kernels.TARGETS.contains(target)) {
            throw new org.vhostcheck.model.VhostcheckException("unknown kernel target '" + target + "' (known: "
                    + String.join(", ", org.vhostcheck.conformance.kernel.Kernels.TARGETS) + ")");
        }
        List<org.vhostcheck.conformance.mutate.PatchCatalogue.Entry> list = cat.of(target);
        if (only != null) {
            for (String id : only) {
                if (list.stream().noneMatch(e -> e.id().equals(id))) {
                    throw new org.vhostcheck.model.VhostcheckException(cat.file() + ": no entry '" + id + "'"
                            + (target == null ? "" : " for " + target));
                }
            }
            list = list.stream().filter(e -> only.contains(e.id())).toList();
        }
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("entries");
        Table table = new Table("entry", "target", "claims", "changes", "first change", "equals", "transitions", "as expected", "seconds")
                .right(6, 8);
        int unexpected = 0;
        for (var e : list) {
            var o = org.vhostcheck.conformance.mutate.PatchCatalogue.run(main.home(), e, main.progress());
            unexpected += o.asExpected() ? 0 : 1;
            ObjectNode row = rows.addObject();
            row.put("id", e.id());
            row.put("target", e.target());
            row.set("claims", Main.JSON.valueToTree(e.claims()));
            row.set("patches", Main.JSON.valueToTree(e.patches()));
            row.put("changes", e.changes());
            row.put("firstAction", e.firstAction());
            row.set("alsoChanges", Main.JSON.valueToTree(e.alsoChanges()));
            row.put("equals", e.equals());
            row.put("limit", e.limit());
            row.put("equalsTransitions", o.equalsTransitions());
            row.put("asExpected", o.asExpected());
            row.put("why", o.why());
            row.set("review", patchJson(o.review()));
            var c = o.review().models().stream().filter(m -> m.model().equals(e.changes())).findFirst().orElse(null);
            String first = c == null || c.firstChange() == null ? "" : c.firstChange().action() + " " + c.firstChange().field();
            table.add(e.id(), e.target(), String.join(", ", e.claims()), e.changes() == null ? "-" : e.changes(), first, e.equals() + (o.equalsFirst() == null ? ": 0 divergences" : ": diverges"),
                    o.equalsTransitions(), o.asExpected() ? (e.limit() == null ? "yes" : "yes (known limit)") : "NO",
                    String.format(Locale.ROOT, "%.0f", o.review().seconds()));
        }
        doc.put("asExpected", unexpected == 0);
        StringBuilder text = new StringBuilder(table.render());
        for (var n : rows) {
            if (!n.path("why").isNull()) {
                text.append(n.path("id").asText()).append(": ").append(n.path("why").asText()).append('\n');
            }
        }
        text.append(unexpected == 0 ? "Every patch does to the kernel what " + cat.file().getFileName() + " says.\n"
                : unexpected + " patch(es) NOT as " + cat.file().getFileName() + " says (see NO above).\n");
        return new Report("patches", list.size(), unexpected, doc, text.toString());
    }

    private static Table modelTable(org.vhostcheck.conformance.mutate.PatchReview.Result r) {
        Table table = new Table("model", "divergences base", "divergences patched", "first change").right(1, 2);
        for (var m : r.models()) {
            table.add(m.model(), m.divergencesBase(), m.divergencesPatched(), m.firstChange() == null ? ""
                    : m.firstChangeSide() + ": line " + m.firstChange().line() + " " + m.firstChange().action() + " "
                      + m.firstChange().field() + " spec " + m.firstChange().expected() + ", kernel " + m.firstChange().actual());
        }
        return table;
    }

    private static ObjectNode patchJson(org.vhostcheck.conformance.mutate.PatchReview.Result r) {
        ObjectNode doc = Main.JSON.createObjectNode();
        doc.put("patch", String.join(" ", r.patches().stream().map(java.nio.file.Path::toString).toList()));
        doc.set("patches", Main.JSON.valueToTree(r.patches().stream().map(java.nio.file.Path::toString).toList()));
        doc.put("target", r.target());
        doc.put("version", r.version());
        doc.put("applied", true);
        doc.set("files", Main.JSON.valueToTree(r.files()));
        doc.set("functions", Main.JSON.valueToTree(r.functions()));
        doc.set("parts", Main.JSON.valueToTree(r.parts()));
        ArrayNode rows = doc.putArray("models");
        for (var m : r.models()) {
            ObjectNode row = rows.addObject();
            row.put("model", m.model());
            row.put("divergencesBase", m.divergencesBase());
            row.put("divergencesPatched", m.divergencesPatched());
            if (m.firstChange() == null) {
                row.putNull("firstChange");
            } else {
                ObjectNode f = row.putObject("firstChange");
                f.put("in", m.firstChangeSide());
                f.put("trace", m.firstChange().trace() == null ? null : m.firstChange().trace().getFileName().toString());
                f.put("line", m.firstChange().line());
                f.put("action", m.firstChange().action());
                f.put("field", m.firstChange().field());
                f.put("spec", m.firstChange().expected());
                f.put("kernel", m.firstChange().actual());
            }
        }
        ArrayNode conforms = doc.putArray("conformsTo");
        for (var c : r.conformsTo()) {
            ObjectNode row = conforms.addObject();
            row.put("guard", c.guard());
            row.put("model", c.model());
            row.put("value", c.value());
            row.put("pairModel", c.pairModel());
            row.put("invariants", c.invariants());
        }
        doc.put("verdict", r.verdict());
        doc.put("seconds", Main.round(r.seconds()));
        return doc;
    }

    static Report run(Main main, String name) throws KeyLoadException {
        Evidence ev = new Evidence(main);
        Guards.Guard g = ev.guards.get(name);
        Set<String> contracts = new LinkedHashSet<>();
        g.proofs().forEach(p -> {
            contracts.add(p.with());
            contracts.add(p.without());
        });
        ev.prove(contracts);

        ObjectNode doc = Main.JSON.createObjectNode();
        doc.put("guard", g.name());
        doc.put("check", g.check());
        doc.set("inKernel", Main.JSON.valueToTree(g.inKernel()));
        StringBuilder text = new StringBuilder();
        text.append("Guard ").append(g.name()).append(": ").append(g.check()).append('\n');
        text.append(g.inKernel().isEmpty() ? "In no kernel modelled: a proposed fix.\n"
                : "In today's code of: " + String.join(", ", g.inKernel()) + ".\n");
        Table table = new Table("without the guard", "outcome", "with the guard", "outcome", "invariant", "as expected");
        ArrayNode pairs = doc.putArray("pairs");
        StringBuilder cex = new StringBuilder();
        int unexpected = 0;
        for (Guards.Pair p : g.pairs()) {
            Evidence.Check without = ev.check(p.without(), p.invariant());
            Evidence.Check with = ev.check(p.with(), p.invariant());
            boolean ok = without.violated() && with.holds();
            unexpected += ok ? 0 : 1;
            table.add(p.without(), without.result().outcome(), p.with(), with.result().outcome(), p.invariant(), ok ? "yes" : "NO");
            ObjectNode row = pairs.addObject();
            row.put("without", p.without());
            row.put("withoutOutcome", without.result().outcome());
            row.put("with", p.with());
            row.put("withOutcome", with.result().outcome());
            row.put("invariant", p.invariant());
            row.put("withBounds", ev.bounds(with));
            row.put("withDistinctStates", with.result().distinctStates());
            row.set("counterexample", without.violated() ? TriageCommand.counterexample(without) : null);
            if (without.violated()) {
                cex.append("\nBroken: ").append(p.without()).append(" violates ").append(p.invariant()).append(" after ")
                        .append(Evidence.steps(without.steps())).append(":\n").append(TraceTable.render(without.result().trace()));
                ArrayNode replays = row.putArray("kernelReplays");
                for (String target : g.inKernel()) {
                    Evidence.KernelReplay r = ev.replay(without, target, g);
                    if (r == null) {
                        continue;
                    }
                    replays.add(TriageCommand.replayJson(r));
                    if (r.skipped() != null) {
                        cex.append("  ").append(target).append(": not replayed (").append(r.skipped()).append(")\n");
                    } else if (r.reproduced()) {
                        unexpected++;
                        cex.append("  ").append(target).append(": the real functions REPRODUCE this counterexample, "
                                + "though the guard is said to be in its code (UNEXPECTED)\n");
                    } else {
                        cex.append("  ").append(target).append(": the real functions refuse it: ")
                                .append(TriageCommand.first(r)).append('\n');
                    }
                }
            }
            if (with.holds()) {
                cex.append(String.format(Locale.ROOT, "Fixed: %s holds %s at %s (bounded, not a proof for larger "
                        + "sizes).%n", p.with(), p.invariant(), ev.bounds(with)));
            }
        }
        text.append('\n').append(table.render()).append(cex);
        ArrayNode proofs = doc.putArray("proofs");
        Table pt = new Table("contract", "role", "expected", "result", "seconds", "as expected").right(4);
        for (Guards.Proof p : g.proofs()) {
            for (String[] c : new String[][] {{p.with(), "guarded", ProofResult.CLOSED}, {p.without(), "broken twin", ProofResult.OPEN}}) {
                ProofResult r = ev.proof(c[0]);
                boolean ok = r.result().equals(c[2]);
                unexpected += ok ? 0 : 1;
                pt.add(c[0], c[1], c[2], r.result(), String.format(Locale.ROOT, "%.1f", r.seconds()), ok ? "yes" : "NO");
                proofs.addObject().put("contract", c[0]).put("role", c[1]).put("expected", c[2]).put("result", r.result())
                        .put("seconds", Main.round(r.seconds()));
            }
        }
        text.append('\n');
        if (g.proofs().isEmpty()) {
            text.append("KeY: no JML contract covers guard ").append(g.name())
                    .append(": the evidence above is bounded (TLC) only; nothing is proven for all inputs.\n");
            doc.put("keyCoverage", "none");
        } else {
            text.append("KeY (all inputs of the Java guard; the twin is the same class with the guard's lines deleted):\n")
                    .append(pt.render());
            doc.put("keyCoverage", "proven");
        }
        text.append(unexpected == 0 ? "Review: without " + g.name() + " the invariant fails, with it it holds"
                + (g.proofs().isEmpty() ? "" : " and the proof closes") + ".\n" : "Review: NOT as expected (see NO above).\n");
        doc.put("asExpected", unexpected == 0);
        return new Report("review", g.pairs().size() + 2 * g.proofs().size(), unexpected, doc, text.toString());
    }
}
