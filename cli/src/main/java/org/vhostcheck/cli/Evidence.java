package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.KernelMachines;
import org.vhostcheck.conformance.Replayer;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.key.Expectation;
import org.vhostcheck.key.Expectations;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.key.KeyProver;
import org.vhostcheck.key.ProofResult;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.TlcResult;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.VhostcheckException;

/**
 * The three kinds of evidence triage and review weigh, each run once per process and cached: TLC on one invariant of
 * a model (exhaustive at the model's bounds), KeY on named contracts (all inputs of the Java guard), and the replay of
 * a counterexample through the real kernel functions (those inputs only).
 */
final class Evidence {
    /** One model checked for one invariant. */
    record Check(Manifest.Entry model, String invariant, TlcResult result) {
        boolean violated() {
            return result.outcome().equals("violates:" + invariant);
        }

        boolean holds() {
            return TlcResult.HOLDS.equals(result.outcome());
        }

        int steps() {
            return Math.max(0, result.trace().size() - 1);
        }
    }

    /** A counterexample replayed through one kernel: null {@code skipped} and no divergence means it reproduced. */
    record KernelReplay(String target, long transitions, long mismatches, List<Divergence> divergences, String skipped) {
        boolean reproduced() {
            return skipped == null && mismatches == 0;
        }

        /**
         * When the only divergence is the harness dying under AddressSanitizer at the counterexample's last step (the
         * one that reaches the violating state), in a stack through drivers/vhost: the report's gist (what and where),
         * else null. That is the kernel doing what the model says, e.g. writing past a ring: the sanitizer stops it.
         */
        String sanitizerAtLastStep(int steps) {
            if (skipped != null || mismatches != 1 || divergences.size() != 1) {
                return null;
            }
            Divergence d = divergences.get(0);
            String report = d.actual();
            // trace lines: 1 header, 2 Init, then one per step: the last step is line steps + 2
            if (!d.field().equals("(kernel crash)") || d.line() != steps + 2 || !report.contains("ERROR: AddressSanitizer: ")) {
                return null;
            }
            List<String> gist = new ArrayList<>();
            List<String> frames = new ArrayList<>();
            for (String line : report.split("\n")) {
                String t = line.strip();
                if (t.startsWith("SUMMARY: AddressSanitizer: ")) {
                    gist.add(0, t.substring("SUMMARY: AddressSanitizer: ".length()).split(" ")[0]);
                } else if (t.matches("(READ|WRITE) of size \\d+ .*")) {
                    gist.add(t.replaceFirst(" at 0x[0-9a-f]+ thread.*", ""));
                } else if (t.matches("#\\d+ 0x[0-9a-f]+ in \\S+ drivers/vhost/.*") && frames.size() < 4) {
                    String[] w = t.split(" ");
                    frames.add(w[3] + " (" + w[4] + ")");
                }
                if (t.startsWith("allocated by") || t.startsWith("freed by")) {
                    break; // the stacks after this are the allocation's, not the faulting access's
                }
            }
            return frames.isEmpty() || gist.isEmpty() ? null : String.join(", ", gist) + " in " + String.join(" <- ", frames);
        }
    }

    final Main main;
    final Path home;
    final Manifest manifest;
    final Guards guards;
    private final TlcRunner tlc;
    private final Exporter exporter;
    private final Map<String, Check> checks = new HashMap<>();
    private final Map<String, KernelReplay> replays = new HashMap<>();
    private final Map<String, ProofResult> proofs = new LinkedHashMap<>();
    private List<Expectation> expectations;

    Evidence(Main main) {
        this.main = main;
        this.home = main.home();
        this.manifest = Manifest.load(home);
        this.guards = Guards.load(manifest);
        this.tlc = new TlcRunner(home, Runtime.getRuntime().availableProcessors(), main.progress());
        this.exporter = new Exporter(home, main.progress());
    }

    Manifest.Entry model(String name) {
        return manifest.select(List.of(name), true).get(0);
    }

    /** TLC on {@code model} with TypeOK and {@code invariant} only; an error of TLC is bad input (exit 2). */
    Check check(String model, String invariant) {
        return checks.computeIfAbsent(model + "|" + invariant, k -> {
            Manifest.Entry e = model(model);
            TlcResult r = tlc.checkInvariant(e, manifest.specDir(), invariant);
            if (TlcResult.ERROR.equals(r.outcome())) {
                throw new VhostcheckException("check " + model + " for " + invariant + ": " + r.error());
            }
            main.progress().accept(String.format(Locale.ROOT, "check %s for %s: %s, %s distinct states, %.1f s", model,
                    invariant, r.outcome(), r.distinctStates(), r.seconds()));
            return new Check(e, invariant, r);
        });
    }

    /** Every invariant a model violates somewhere in its state space (TLC -continue). */
    java.util.SortedSet<String> violatedInvariants(Manifest.Entry e) {
        java.util.SortedSet<String> v = tlc.violatedInvariants(e, manifest.specDir());
        main.progress().accept("check " + e.name() + ": violates " + (v.isEmpty() ? "nothing" : String.join(", ", v)));
        return v;
    }

    /** The contracts proofs.json lists, read once. */
    List<Expectation> expectations() throws KeyLoadException {
        if (expectations == null) {
            expectations = Expectations.load(Expectations.defaultFile(home));
        }
        return expectations;
    }

    /** The twins proofs.json lists for a proven contract ("class.method"). */
    List<String> twinsOf(String contract) throws KeyLoadException {
        return expectations().stream().filter(e -> contract.equals(e.twinOf())).map(Expectation::key).toList();
    }

    /** Proves every named contract not proven yet in this process, in one KeY run; unknown names are bad input. */
    void prove(Set<String> contracts) throws KeyLoadException {
        if (contracts.isEmpty()) {
            return;
        }
        Set<String> known = expectations().stream().map(Expectation::key).collect(Collectors.toSet());
        Set<String> todo = new TreeSet<>();
        for (String c : contracts) {
            if (!known.contains(c)) {
                throw new VhostcheckException(Expectations.defaultFile(home) + ": no contract " + c
                        + " (named by " + guards.file().getFileName() + " or a claim)");
            }
            if (!proofs.containsKey(c)) {
                todo.add(c);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        Pattern only = Pattern.compile("^(?:" + todo.stream().map(Pattern::quote).collect(Collectors.joining("|")) + ")$");
        main.progress().accept("prove: " + String.join(", ", todo) + " ...");
        Map<String, List<ProofResult>> byKey = new LinkedHashMap<>();
        for (ProofResult r : KeyProver.proveAll(home, only, main.progress())) {
            byKey.computeIfAbsent(r.className() + "." + r.method(), k -> new ArrayList<>()).add(r);
        }
        for (String c : todo) {
            List<ProofResult> rs = byKey.getOrDefault(c, List.of());
            if (rs.isEmpty()) {
                throw new VhostcheckException("KeY found no contract for " + c + " in " + KeyProver.sourceDir(home));
            }
            boolean closed = rs.stream().allMatch(ProofResult::closed);
            proofs.put(c, new ProofResult(rs.get(0).className(), rs.get(0).method(), rs.size() + " case(s)",
                    closed ? ProofResult.CLOSED : ProofResult.OPEN, rs.stream().mapToInt(ProofResult::nodes).sum(),
                    rs.stream().mapToDouble(ProofResult::seconds).sum(), rs.stream().mapToInt(ProofResult::openGoals).sum()));
        }
    }

    ProofResult proof(String contract) {
        return proofs.get(contract);
    }

    /**
     * Replays a model's counterexample through a kernel harness (null when the spec has no harness part or the
     * model no trace actions: nothing to replay). The counterexample is rebuilt with its action parameters first.
     */
    KernelReplay replay(Check c, String target) {
        return replay(c, target, null);
    }

    /**
     * As above for a broken model's counterexample: its trace header gets {@code guard}'s value of the guard's
     * with-model, since the kernel machines model today's kernel (they refuse a header with a guard removed) and the
     * question is whether today's kernel takes the broken model's steps.
     */
    KernelReplay replay(Check c, String target, Guards.Guard guard) {
        if (!c.violated() || !KernelMachines.has(c.model().spec())) {
            return null;
        }
        return replays.computeIfAbsent(c.model().name() + "|" + c.invariant() + "|" + target, k -> {
            Path out = home.resolve("target/triage/" + c.model().name() + "." + c.invariant() + ".cex.ndjson");
            try {
                java.nio.file.Files.createDirectories(out.getParent());
            } catch (java.io.IOException e) {
                throw new VhostcheckException(out.getParent() + ": cannot create: " + e.getMessage());
            }
            exporter.counterexample(c.model(), manifest.specDir(), c.result().trace(), out);
            if (guard != null) {
                withGuard(out, guard);
            }
            main.progress().accept("replay the counterexample of " + c.model().name() + " through " + target + " ...");
            SuiteResult s;
            try {
                s = Replayer.replay(out, target);
            } catch (VhostcheckException e) {
                return new KernelReplay(target, 0, 0, List.of(), e.getMessage());
            }
            return new KernelReplay(target, s.transitions(), s.mismatches(), s.divergences(), s.skipped());
        });
    }

    /** Sets the guard's constant in a trace header to its with-model's value (a TLA+ boolean or number). */
    private void withGuard(Path trace, Guards.Guard guard) {
        try {
            List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(trace));
            ObjectNode header = (ObjectNode) Main.JSON.readTree(lines.get(0));
            JsonNode constants = header.get("constants");
            if (constants instanceof ObjectNode o && o.has(guard.name())) {
                String v = Guards.constants(manifest.specDir().resolve(model(guard.pairs().get(0).with()).config()))
                        .get(guard.name()).substring(2);
                o.set(guard.name(), v.equals("TRUE") || v.equals("FALSE") ? BooleanNode.valueOf(v.equals("TRUE"))
                        : LongNode.valueOf(Long.parseLong(v)));
                lines.set(0, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(header));
                org.vhostcheck.model.AtomicFile.writeLines(trace, lines);
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new VhostcheckException(trace + ": cannot set guard " + guard.name() + " in the header: " + e.getMessage());
        }
    }

    /**
     * The model's bounds in one line: the config's value constants (not the guard switches; the sets it takes from its
     * MC module are named by the module) and the number of states TLC saw.
     */
    String bounds(Check c) {
        Map<String, String> consts = Guards.constants(manifest.specDir().resolve(c.model().config()));
        List<String> parts = new ArrayList<>();
        consts.forEach((k, v) -> {
            String val = v.substring(v.indexOf(' ') + 1);
            if (v.startsWith("= ") && !val.equals("TRUE") && !val.equals("FALSE")) {
                parts.add(k + " = " + val);
            }
        });
        parts.add("sets from " + c.model().module() + ".tla");
        return String.format(Locale.ROOT, "%s (%s): %,d distinct states, all explored", c.model().config(),
                String.join(", ", parts), c.result().distinctStates());
    }

    /** "1 step", "5 steps". */
    static String steps(int n) {
        return n + (n == 1 ? " step" : " steps");
    }
}
