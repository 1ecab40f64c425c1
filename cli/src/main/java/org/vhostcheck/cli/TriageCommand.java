package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.key.ProofResult;
import org.vhostcheck.model.Claims;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.TraceTable;
import org.vhostcheck.model.VhostcheckException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck triage}: a verdict per claim, computed from fresh runs (never read from the claim file, whose
 * expectedVerdict is for regression only):
 * <ul>
 * <li>CONFIRMED: today's-kernel model violates the invariant (TLC's counterexample); the claim's fixed model, if it
 * names one, holds it; the counterexample replayed through the real kernel functions reaches the same states.</li>
 * <li>REFUTED: today's model holds the invariant at its bounds, the broken model (the guard removed) violates it,
 * and KeY proves the Java guard for all inputs while its broken twin stays open.</li>
 * <li>NOT MODELLED: the claim says why no model expresses it.</li>
 * <li>INCONCLUSIVE: the evidence reaches neither (each missing piece is named).</li>
 * </ul>
 * Exit 0 when every verdict equals the claim file's expectedVerdict, 1 otherwise, 2 on bad input.
 */
@Command(name = "triage", mixinStandardHelpOptions = true,
        description = "Compute a verdict for each claim in claims/ from fresh TLC, KeY and kernel-harness runs.")
final class TriageCommand implements Callable<Integer> {
    static final String BOUNDED = "TLC checks every state of a model at the bounds shown, which is not a proof for larger "
            + "sizes; KeY proves the named Java methods for all u64/u32/u16 inputs; a kernel replay runs the real functions "
            + "on the counterexample's inputs only.";

    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print {\"claims\":[{id, verdict, model, invariant, bounds, evidence, ...}]} on stdout.")
    private boolean json;

    @Parameters(paramLabel = "CLAIM", arity = "0..*", description = "Claim ids (default: every claim).")
    private List<String> ids = new ArrayList<>();

    @Override
    public Integer call() throws KeyLoadException {
        return Results.saved(main, run(main, ids)).print(main, json);
    }

    static Report run(Main main, List<String> ids) throws KeyLoadException {
        Evidence ev = new Evidence(main);
        List<Claims.Claim> all = Claims.loadAll(Claims.defaultDir(ev.home), ev.manifest, ev.guards);
        List<Claims.Claim> claims = new ArrayList<>();
        for (String id : ids) {
            claims.add(all.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() ->
                    new VhostcheckException("no claim with id '" + id + "' in " + Claims.defaultDir(ev.home) + " (known: "
                            + String.join(", ", all.stream().map(Claims.Claim::id).toList()) + ")")));
        }
        if (claims.isEmpty()) {
            claims = all;
        }
        // TLC first: which claims need KeY (those whose invariant holds today) is known only then; KeY runs once.
        Set<String> contracts = new LinkedHashSet<>();
        for (Claims.Claim c : claims) {
            if (c.notModelled() == null && ev.check(c.model(), c.invariant()).holds()) {
                contracts.addAll(contractsOf(ev, c));
                for (String w : List.copyOf(contractsOf(ev, c))) {
                    contracts.addAll(twinsOf(ev, c, w));
                }
            }
        }
        ev.prove(contracts);

        Table table = new Table("claim", "verdict", "expected", "model", "invariant", "as expected");
        StringBuilder details = new StringBuilder();
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("claims");
        int unexpected = 0;
        Results.Saved patches = Results.load(ev.home, "patches");
        for (Claims.Claim c : claims) {
            ObjectNode row = verdict(ev, c);
            List<String> kernelPatches = patchEvidence(patches, c.id());
            if (!kernelPatches.isEmpty()) {
                ArrayNode e = (ArrayNode) row.get("evidence");
                kernelPatches.forEach(e::add);
                row.set("kernelPatches", Main.JSON.valueToTree(kernelPatches));
            }
            rows.add(row);
            boolean ok = row.get("verdict").asText().equals(c.expectedVerdict());
            unexpected += ok ? 0 : 1;
            table.add(c.id(), row.get("verdict").asText(), c.expectedVerdict(), c.model() == null ? "-" : c.model(),
                    c.invariant() == null ? "-" : c.invariant(), ok ? "yes" : "NO");
            details.append('\n').append(c.id()).append(": ").append(row.get("verdict").asText()).append(" — ")
                    .append(c.title()).append('\n');
            if (row.hasNonNull("bounds")) {
                details.append("  bounds: ").append(row.get("bounds").asText()).append('\n');
            }
            row.get("evidence").forEach(e -> details.append("  - ").append(e.asText()).append('\n'));
            if (row.hasNonNull("counterexample")) {
                details.append(row.get("counterexampleText").asText());
            }
            row.remove("counterexampleText");
        }
        if (ids.isEmpty()) {
            // every finding about today's kernel is a claim: each invariant a today's-kernel model violates is claimed
            ArrayNode unclaimed = doc.putArray("unclaimed");
            for (Manifest.Entry e : ev.manifest.entries()) {
                if (!e.today() || e.deep() || e.expected().equals("holds")) {
                    continue;
                }
                for (String inv : ev.violatedInvariants(e)) {
                    boolean claimed = all.stream().anyMatch(c -> c.notModelled() == null && inv.equals(c.invariant())
                            && ev.model(c.model()).spec().equals(e.spec()) && c.versions() != null
                            && c.versions().contains(e.kernel()));
                    if (!claimed) {
                        unclaimed.addObject().put("model", e.name()).put("kernel", e.kernel()).put("invariant", inv);
                        details.append("\nUNCLAIMED: today's model ").append(e.name()).append(" (").append(e.kernel())
                                .append(") violates ").append(inv).append(", and no claim in claims/ records it.\n");
                        unexpected++;
                    }
                }
            }
        }
        doc.put("coverage", BOUNDED);
        String text = table.render() + details + "\nWhat the verdicts cover: " + BOUNDED + "\n";
        return new Report("triage", claims.size(), unexpected, doc, text);
    }

    /** The contracts that must close: the claim's own and those of its guard. */
    static Set<String> contractsOf(Evidence ev, Claims.Claim c) {
        Set<String> out = new LinkedHashSet<>();
        if (c.proofs() != null) {
            out.addAll(c.proofs());
        }
        if (c.guard() != null) {
            ev.guards.get(c.guard()).proofs().forEach(p -> out.add(p.with()));
        }
        return out;
    }

    /**
     * The broken twins of a contract that must stay open: for a contract of the claim's guard, the guard's own twins
     * (the Java with that guard's lines deleted); for a contract the claim names, every twin proofs.json lists for it.
     */
    static Set<String> twinsOf(Evidence ev, Claims.Claim c, String contract) throws KeyLoadException {
        Set<String> out = new LinkedHashSet<>();
        if (c.guard() != null) {
            ev.guards.get(c.guard()).proofs().stream().filter(p -> p.with().equals(contract)).forEach(p -> out.add(p.without()));
        }
        if (out.isEmpty()) {
            out.addAll(ev.twinsOf(contract));
        }
        return out;
    }

    /**
     * Kernel-level evidence from the last {@code vhostcheck review --patches} (target/results/patches.json, run by
     * {@code vhostcheck all} before triage): what the project's patch for this claim (a fix, or the revert of a historic
     * fix) does to the real kernel. It adds to the evidence and does not decide the verdict; when there is no such
     * result, nothing is said (the claim's own replay rows stand).
     */
    static List<String> patchEvidence(Results.Saved patches, String claim) {
        List<String> out = new ArrayList<>();
        if (patches == null) {
            return out;
        }
        for (var e : patches.data().path("entries")) {
            boolean ours = false;
            for (var id : e.path("claims")) {
                ours |= id.asText().equals(claim);
            }
            if (!ours) {
                continue;
            }
            List<String> files = new ArrayList<>();
            e.path("patches").forEach(p -> files.add(p.asText()));
            String head = "Kernel patch (" + String.join(" + ", files) + ", " + e.path("target").asText() + "; vhostcheck review --patches, "
                    + patches.generated() + "): ";
            String what;
            if (!e.path("asExpected").asBoolean()) {
                what = "NOT as claims/patches/patches.json says: " + e.path("why").asText();
            } else if (!e.path("limit").isNull()) {
                what = "as recorded, the patched kernel does not equal " + e.path("equals").asText() + ": " + e.path("limit").asText();
            } else {
                what = (e.path("changes").isNull() ? "" : "today's " + e.path("changes").asText() + " changes on the patched kernel, first at "
                        + e.path("firstAction").asText() + "; ") + "the patched kernel replays " + e.path("equals").asText()
                        + " with no divergence (" + e.path("equalsTransitions").asLong() + " transitions).";
            }
            out.add(head + what);
        }
        return out;
    }

    /** Weighs the evidence of one claim; the row is the claim's JSON (plus the counterexample as text, removed later). */
    static ObjectNode verdict(Evidence ev, Claims.Claim c) throws KeyLoadException {
        ObjectNode row = Main.JSON.createObjectNode();
        row.put("id", c.id());
        row.put("title", c.title());
        row.put("kind", c.kind());
        row.put("expectedVerdict", c.expectedVerdict());
        List<String> evidence = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String verdict;
        if (c.notModelled() != null) {
            row.putNull("model");
            row.putNull("invariant");
            row.putNull("bounds");
            row.putNull("counterexample");
            evidence.add("No model expresses this claim: " + c.notModelled());
            row.put("verdict", "NOT MODELLED");
            row.set("evidence", Main.JSON.valueToTree(evidence));
            return row;
        }
        row.put("model", c.model());
        row.put("invariant", c.invariant());
        Evidence.Check today = ev.check(c.model(), c.invariant());
        row.put("bounds", ev.bounds(today));
        String kernel = today.model().kernel();
        if (c.assumesFixed() != null && !c.assumesFixed().isEmpty()) {
            evidence.add("Model " + c.model() + " is today's kernel with the fixes of " + String.join(", ", c.assumesFixed())
                    + " applied: those findings violate the same invariant and are claims of their own, so they would "
                    + "mask this claim's mechanism.");
        }
        if (today.violated()) {
            evidence.add(String.format(Locale.ROOT, "TLC: %s (%s) violates %s after %s (%d distinct states, %.1f s); "
                            + "the counterexample is below.", c.model(), kernel, c.invariant(), Evidence.steps(today.steps()),
                    today.result().distinctStates(), today.result().seconds()));
            row.set("counterexample", counterexample(today));
            row.put("counterexampleText", "  counterexample (" + c.model() + ", " + c.invariant() + "):\n"
                    + TraceTable.render(today.result().trace()).replaceAll("(?m)^", "  "));
            if (c.fixedModel() != null) {
                Evidence.Check fixed = ev.check(c.fixedModel(), c.invariant());
                if (fixed.holds()) {
                    evidence.add(String.format(Locale.ROOT, "TLC: the fixed model %s holds %s (%d distinct states): the "
                            + "violation is the one the claim's fix removes.", c.fixedModel(), c.invariant(),
                            fixed.result().distinctStates()));
                } else {
                    missing.add("the fixed model " + c.fixedModel() + " does not hold " + c.invariant() + " ("
                            + fixed.result().outcome() + "): the counterexample may not be this claim's");
                }
            }
            Evidence.KernelReplay r = kernel.equals("none") ? null : ev.replay(today, kernel);
            if (r == null) {
                evidence.add("Kernel: no harness replays " + today.model().spec() + " models; the evidence is the model's.");
            } else if (r.skipped() != null) {
                evidence.add("Kernel: not replayed (" + r.skipped() + ").");
            } else if (r.reproduced()) {
                evidence.add("Kernel: the counterexample replayed through the real " + kernel + " functions "
                        + "(conformance/kernel): " + r.transitions() + " steps, every state equal to the model's, the "
                        + "violating one included.");
            } else if (r.sanitizerAtLastStep(today.steps()) != null) {
                evidence.add("Kernel: the counterexample replayed through the real " + kernel + " functions "
                        + "(conformance/kernel): the first " + (today.steps() - 1) + " steps equal the model's, and at the "
                        + "violating step AddressSanitizer stops the kernel code: " + r.sanitizerAtLastStep(today.steps())
                        + ".");
            } else {
                missing.add("the real " + kernel + " functions do not reproduce the counterexample: " + first(r));
            }
            row.set("kernelReplay", replayJson(r));
            verdict = missing.isEmpty() ? "CONFIRMED" : "INCONCLUSIVE";
        } else {
            row.putNull("counterexample");
            evidence.add(String.format(Locale.ROOT, "TLC: %s (%s) holds %s in all %d distinct states at the bounds (%.1f s); "
                    + "a bounded check, not a proof for larger sizes.", c.model(), kernel, c.invariant(),
                    today.result().distinctStates(), today.result().seconds()));
            String broken = c.reproducingModel();
            if (broken.equals(c.model())) {
                missing.add("no broken model: nothing shows that " + c.invariant() + " would catch the claimed bug");
            } else {
                Evidence.Check b = ev.check(broken, c.invariant());
                if (b.violated()) {
                    evidence.add(String.format(Locale.ROOT, "TLC: the broken model %s%s violates %s after %s: the "
                            + "invariant catches the claimed bug.", broken, c.guard() == null ? ""
                            : " (guard " + c.guard() + " removed)", c.invariant(), Evidence.steps(b.steps())));
                    // the kernels whose code has the guard must refuse the broken model's counterexample
                    List<String> targets = c.guard() == null || c.versions() == null ? List.of()
                            : c.versions().stream().filter(ev.guards.get(c.guard()).inKernel()::contains).toList();
                    ArrayNode replays = row.putArray("kernelReplays");
                    for (String target : targets) {
                        Evidence.KernelReplay r = ev.replay(b, target, ev.guards.get(c.guard()));
                        if (r == null) {
                            continue;
                        }
                        replays.add(replayJson(r));
                        if (r.skipped() != null) {
                            evidence.add("Kernel: the broken model's counterexample was not replayed through " + target
                                    + " (" + r.skipped() + ").");
                        } else if (r.reproduced()) {
                            missing.add("the real " + target + " functions reproduce the broken model's counterexample, "
                                    + "though guards.json says " + target + " has guard " + c.guard());
                        } else {
                            evidence.add("Kernel: the broken model's counterexample through the real " + target
                                    + " functions diverges " + first(r) + ": today's kernel does not take that step.");
                        }
                    }
                } else {
                    missing.add("the broken model " + broken + " does not violate " + c.invariant() + " ("
                            + b.result().outcome() + "): the invariant does not show the claimed bug at these bounds");
                }
            }
            Set<String> contracts = contractsOf(ev, c);
            ArrayNode proofs = row.putArray("proofs");
            if (contracts.isEmpty()) {
                missing.add("no KeY contract covers " + (c.guard() != null ? "guard " + c.guard() : "this claim")
                        + ": nothing is proven beyond the bounds");
            }
            for (String w : contracts) {
                ProofResult p = ev.proof(w);
                proofs.addObject().put("contract", w).put("expected", ProofResult.CLOSED).put("result", p.result())
                        .put("seconds", Main.round(p.seconds()));
                if (!p.closed()) {
                    missing.add("KeY did not close " + w);
                }
                Set<String> twins = twinsOf(ev, c, w);
                List<String> twinText = new ArrayList<>();
                for (String t : twins) {
                    ProofResult q = ev.proof(t);
                    proofs.addObject().put("contract", t).put("expected", ProofResult.OPEN).put("result", q.result())
                            .put("seconds", Main.round(q.seconds()));
                    if (q.closed()) {
                        missing.add("KeY closed the broken twin " + t + ": the proof of " + w + " does not depend on the guard");
                    } else {
                        twinText.add(t);
                    }
                }
                if (p.closed()) {
                    evidence.add(String.format(Locale.ROOT, "KeY: %s closed (%.1f s): proven for all inputs%s.", w, p.seconds(),
                            twinText.isEmpty() ? " (no broken twin)" : "; its broken twin" + (twinText.size() > 1 ? "s " : " ")
                                    + String.join(", ", twinText) + (twinText.size() > 1 ? " stay" : " stays") + " open"));
                }
            }
            verdict = missing.isEmpty() ? "REFUTED" : "INCONCLUSIVE";
        }
        missing.forEach(m -> evidence.add("Missing for a verdict: " + m + "."));
        if (c.withdrawn() != null) {
            evidence.add("Withdrawn claim: " + c.withdrawn());
        }
        row.put("verdict", verdict);
        row.set("evidence", Main.JSON.valueToTree(evidence));
        return row;
    }

    static ObjectNode counterexample(Evidence.Check c) {
        ObjectNode o = Main.JSON.createObjectNode();
        o.put("model", c.model().name());
        o.put("invariant", c.invariant());
        o.set("steps", CheckCommand.counterexample(c.result().trace()));
        return o;
    }

    static ObjectNode replayJson(Evidence.KernelReplay r) {
        if (r == null) {
            return null;
        }
        ObjectNode o = Main.JSON.createObjectNode();
        o.put("target", r.target());
        o.put("transitions", r.transitions());
        o.put("mismatches", r.mismatches());
        o.put("reproduced", r.reproduced());
        if (r.skipped() != null) {
            o.put("skipped", r.skipped());
        }
        if (!r.divergences().isEmpty()) {
            Divergence d = r.divergences().get(0);
            o.putObject("first").put("line", d.line()).put("action", d.action()).put("field", d.field())
                    .put("spec", d.expected()).put("kernel", d.actual());
        }
        return o;
    }

    static String first(Evidence.KernelReplay r) {
        if (r.divergences().isEmpty()) {
            return r.mismatches() + " mismatching steps";
        }
        Divergence d = r.divergences().get(0);
        String actual = d.actual().split("\n")[0];
        return "at " + d.action() + " (trace line " + d.line() + ") " + d.field() + ": model " + d.expected()
                + ", kernel " + actual;
    }
}
