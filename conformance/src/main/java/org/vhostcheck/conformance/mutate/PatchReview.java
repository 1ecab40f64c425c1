package org.vhostcheck.conformance.mutate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.KernelMachines;
import org.vhostcheck.conformance.Replayer;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.conformance.kernel.PatchFiles;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.TlcResult;
import org.vhostcheck.model.TlcRunner;
import org.vhostcheck.model.VhostcheckException;

/**
 * A reviewer's kernel patch in the loop: the pinned tree of a target with the patch applied is built
 * ({@link Kernels#buildPatched}) and every suite of the parts it changes is replayed through the base kernel and the
 * patched one. What the patch changes (per model: divergences before and after, the first differing step); which
 * model the patched kernel now equals where a guard covers the changed functions (today's model, or today's with the
 * guard's switch turned: the fix's or the broken one), with that model's invariants checked by TLC; one verdict.
 */
public final class PatchReview {
    /** A suite's divergences through the base and the patched kernel, and the first step where they differ. */
    public record ModelChange(String model, long divergencesBase, long divergencesPatched, Divergence firstChange,
                              String firstChangeSide) {
    }

    /** The patched kernel replays {@code model} (today's with {@code guard}'s switch {@code value}) with no divergence. */
    public record Conformance(String guard, String model, String value, String pairModel, String invariants) {
    }

    public record Result(List<Path> patches, String target, String version, List<String> files, List<String> functions,
                         List<String> parts, List<ModelChange> models, List<Conformance> conformsTo, String verdict,
                         double seconds, Kernels.Build build) {
    }

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+\\d+(?:,\\d+)? @@(.*)$");
    private static final Pattern DEFINES = Pattern.compile("^(?:[A-Za-z_][^;(]*[\\s*])?([A-Za-z_]\\w*)\\(");

    private final Path home;
    private final Consumer<String> progress;
    private final Mutation mutation;

    public PatchReview(Path home, Consumer<String> progress) {
        this(home, progress, null);
    }

    /** A review of the named exported models only (null: every model of the parts the patch changes). */
    public PatchReview(Path home, Consumer<String> progress, List<String> models) {
        this(home, progress, models, true);
    }

    /**
     * guardModels false: no search for the guard-switched model the patched kernel equals (conformsTo stays empty), for a
     * caller that names the model to compare with itself (PatchCatalogue).
     */
    public PatchReview(Path home, Consumer<String> progress, List<String> models, boolean guardModels) {
        this.guardModels = guardModels;
        this.home = home;
        this.progress = progress == null ? s -> { } : progress;
        this.mutation = new Mutation(home, this.progress, null);
        this.onlyModels = models == null || models.isEmpty() ? null : Set.copyOf(models);
        if (this.onlyModels != null) {
            mutation.manifest().select(models, false); // unknown names: bad input
        }
    }

    private final Set<String> onlyModels;
    private final boolean guardModels;

    public Result review(Path patch, String target) {
        return review(List.of(patch), target);
    }

    /** The review of several patches applied one after the other (e.g. two reverts that together undo one guard). */
    public Result review(List<Path> patches, String target) {
        Path patch = patches.get(patches.size() - 1);
        long t0 = System.nanoTime();
        if (!Kernels.TARGETS.contains(target)) {
            throw new VhostcheckException("unknown kernel target '" + target + "' (known: " + String.join(", ", Kernels.TARGETS) + ")");
        }
        String id = String.join("+", patches.stream().map(q -> q.getFileName().toString().replaceAll("\\.patch$|\\.diff$", "")).toList())
                + "." + target;
        progress.accept("review " + patch.getFileName() + ": applying to " + target + " and building ...");
        Kernels.Build base = Kernels.build(home, target);
        if (!base.available()) {
            throw new VhostcheckException(target + " is not available: " + base.unavailable());
        }
        Kernels.Build patched = Kernels.buildPatched(home, target, id, patches);
        Set<String> fileSet = new LinkedHashSet<>();
        Set<String> functionSet = new LinkedHashSet<>();
        for (Path q : patches) {
            fileSet.addAll(PatchFiles.of(q));
            functionSet.addAll(functions(q, base.bin().getParent().resolve("src")));
        }
        List<String> files = List.copyOf(fileSet);
        List<String> functions = List.copyOf(functionSet);
        List<String> parts = changedParts(base, patched);
        List<String> specs = new ArrayList<>();
        parts.forEach(p -> specs.addAll(KernelMachines.specsOf(p)));

        // what the patch changes: every exported model of the changed parts through both kernels
        List<ModelChange> models = new ArrayList<>();
        Manifest manifest = mutation.manifest();
        for (Manifest.Entry e : manifest.select(null, false)) {
            if (!e.exportable() || !specs.contains(e.spec()) || (onlyModels != null && !onlyModels.contains(e.name()))) {
                continue;
            }
            Mutation.Suite s = mutation.suiteOf(e);
            long nb = 0;
            long np = 0;
            Map<String, Divergence> fb = new LinkedHashMap<>();
            Map<String, Divergence> fp = new LinkedHashMap<>();
            for (Path t : s.traces()) {
                progress.accept("review " + patch.getFileName() + ": replaying " + t.getFileName() + " through base and patched " + target + " ...");
                java.util.concurrent.CompletableFuture<SuiteResult> fbase =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> baseReplay(t, target, base));
                SuiteResult rp = Replayer.replay(t, target, patched, false);
                SuiteResult rb = join(fbase);
                nb += rb.mismatches();
                np += rp.mismatches();
                rb.divergences().forEach(d -> fb.putIfAbsent(d.key(), d));
                rp.divergences().forEach(d -> fp.putIfAbsent(d.key(), d));
            }
            Divergence first = fp.entrySet().stream().filter(x -> !fb.containsKey(x.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
            String side = first != null ? "patched" : null;
            if (first == null) {
                first = fb.entrySet().stream().filter(x -> !fp.containsKey(x.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
                side = first != null ? "base" : null;
            }
            if (first == null && nb != np) {
                first = (np > nb ? fp : fb).values().stream().findFirst().orElse(null);
                side = np > nb ? "patched" : "base";
            }
            models.add(new ModelChange(e.name(), nb, np, first, side));
        }

        // which model the patched kernel equals, for the guards in the changed functions
        List<Conformance> conforms = new ArrayList<>();
        boolean anyChange = models.stream().anyMatch(m -> m.firstChange() != null);
        if (anyChange && guardModels) {
            conforms.addAll(conformance(target, patched, specs, functions));
        }
        String verdict = verdict(target, patched.version(), models, conforms);
        return new Result(patches, target, patched.version(), files, functions, parts, models, conforms, verdict,
                (System.nanoTime() - t0) / 1e9, patched);
    }

    /**
     * The pristine kernel's replay of a trace file, once per JVM (review --patches replays the same suites through
     * the same base for every entry of a target); keyed by the file's path, size and time, the target and the build.
     */
    private static final Map<String, SuiteResult> BASE_REPLAYS = new java.util.concurrent.ConcurrentHashMap<>();

    private static SuiteResult baseReplay(Path trace, String target, Kernels.Build base) {
        String key;
        try {
            key = trace.toAbsolutePath() + "|" + java.nio.file.Files.size(trace) + "|" + java.nio.file.Files.getLastModifiedTime(trace).toMillis()
                    + "|" + target + "|" + base.bin() + "|" + base.version();
        } catch (java.io.IOException e) {
            return Replayer.replay(trace, target, base, false);
        }
        return BASE_REPLAYS.computeIfAbsent(key, k -> Replayer.replay(trace, target, base, false));
    }

    private static SuiteResult join(java.util.concurrent.CompletableFuture<SuiteResult> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private List<Conformance> conformance(String target, Kernels.Build patched, List<String> specs, List<String> functions) {
        Guards guards = mutation.guards();
        GuardMutants catalogue = GuardMutants.load(GuardMutants.defaultFile(home), guards);
        Path specDir = mutation.manifest().specDir();
        List<Conformance> out = new ArrayList<>();
        for (Manifest.Entry today : mutation.todaysModels(target)) {
            if (!specs.contains(today.spec()) || (onlyModels != null && !onlyModels.contains(today.name()))) {
                continue;
            }
            Map<String, String> consts = Guards.constants(specDir.resolve(today.config()));
            if (replaysClean(mutation.suiteOf(today), target, patched)) {
                out.add(new Conformance(null, today.name(), null, today.name(), "as checked by vhostcheck check " + today.name()));
                continue;
            }
            for (Guards.Guard g : guards.all()) {
                String now = consts.get(g.name());
                if (now == null || g.pairs().isEmpty()) {
                    continue;
                }
                // a guard in the kernel counts where its mutants' functions are among the patched ones; a proposed fix always
                List<GuardMutants.Mutant> ms = g.inKernel().isEmpty() ? List.of() : catalogue.all().stream()
                        .filter(m -> m.guard().equals(g.name())).toList();
                boolean inChanged = ms.isEmpty() || ms.stream().flatMap(m -> m.edits().stream()).anyMatch(e -> functions.contains(e.function()));
                if (!inChanged) {
                    continue;
                }
                Guards.Pair pair = g.pairs().get(0);
                Map<String, String> withC = Guards.constants(specDir.resolve(mutation.manifest().select(List.of(pair.with()), true).get(0).config()));
                Map<String, String> withoutC = Guards.constants(specDir.resolve(mutation.manifest().select(List.of(pair.without()), true).get(0).config()));
                String other = now.equals(withC.get(g.name())) ? withoutC.get(g.name()) : withC.get(g.name());
                String pairModel = now.equals(withC.get(g.name())) ? pair.without() : pair.with();
                if (other == null || other.equals(now)) {
                    continue;
                }
                Mutation.Derived d;
                try {
                    d = mutation.derive(today, g.name(), other);
                } catch (Mutation.NotDerivable x) {
                    continue;
                }
                boolean clean;
                try {
                    clean = replaysClean(d.suite(), target, patched);
                } catch (VhostcheckException x) {
                    continue; // the derived model cannot be exported (its states are not the machines'): not this one
                }
                if (clean) {
                    progress.accept("review: checking the invariants of " + d.check().name() + " ...");
                    TlcResult r = new TlcRunner(home, Runtime.getRuntime().availableProcessors(), progress).check(d.check(), specDir);
                    out.add(new Conformance(g.name(), d.check().name(), other, pairModel,
                            r.outcome().equals(TlcResult.HOLDS) ? "holds every invariant of " + today.config() + " (" + r.distinctStates() + " states)"
                                    : r.outcome()));
                }
            }
        }
        return out;
    }

    private static boolean replaysClean(Mutation.Suite s, String target, Kernels.Build b) {
        for (Path t : s.traces()) {
            if (Replayer.replay(t, target, b, true).mismatches() > 0) {
                return false;
            }
        }
        return true;
    }

    private static String verdict(String target, String version, List<ModelChange> models, List<Conformance> conforms) {
        List<ModelChange> changed = models.stream().filter(m -> m.firstChange() != null).toList();
        if (changed.isEmpty()) {
            return "no replayed behaviour of " + target + " " + version + " changes: the suites see the patched kernel as the base one";
        }
        StringBuilder b = new StringBuilder("the patch changes " + String.join(", ", changed.stream().map(ModelChange::model).toList()));
        ModelChange c = changed.get(0);
        b.append(" (first: ").append(c.model()).append(" line ").append(c.firstChange().line()).append(' ')
                .append(c.firstChange().action()).append(' ').append(c.firstChange().field()).append(')');
        List<Conformance> fixes = conforms.stream().filter(x -> x.guard() != null).toList();
        if (fixes.isEmpty()) {
            b.append("; the patched kernel equals no model with one guard turned");
        } else {
            for (Conformance x : fixes) {
                b.append("; the patched kernel equals ").append(x.model()).append(" (guard ").append(x.guard()).append(' ')
                        .append(x.value()).append(", as ").append(x.pairModel()).append("), which ").append(x.invariants());
            }
        }
        return b.toString();
    }

    /** The parts whose compiled inputs differ between the base and the patched build. */
    private static List<String> changedParts(Kernels.Build base, Kernels.Build patched) {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(patched.bin())) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("vhc-") && n.endsWith(".inputs")) {
                    String a = Files.readString(p, StandardCharsets.UTF_8).strip();
                    Path q = base.bin().resolve(n);
                    String b = Files.exists(q) ? Files.readString(q, StandardCharsets.UTF_8).strip() : "";
                    if (!a.equals(b)) {
                        out.add(n.substring(4, n.length() - ".inputs".length()));
                    }
                }
            }
        } catch (IOException e) {
            throw new VhostcheckException(patched.bin() + ": cannot read the build: " + e.getMessage());
        }
        return out;
    }

    /** The kernel functions whose lines the patch changes (found in the unpatched files by their definitions). */
    static List<String> functions(Path patch, Path src) {
        Set<String> out = new LinkedHashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(patch, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VhostcheckException(patch + ": cannot read: " + e.getMessage());
        }
        String file = null;
        List<String> old = List.of();
        for (int k = 0; k < lines.size(); k++) {
            String l = lines.get(k);
            if (l.startsWith("+++ b/")) {
                file = l.substring(6).split("\t")[0].strip();
                try {
                    old = Files.readAllLines(src.resolve(file), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    old = List.of();
                }
                continue;
            }
            Matcher h = HUNK.matcher(l);
            if (h.matches() && file != null) {
                int at = Integer.parseInt(h.group(1));
                int n = h.group(2) == null ? 1 : Integer.parseInt(h.group(2));
                for (int line = at; line < at + Math.max(n, 1) && line <= old.size(); line++) {
                    String f = enclosing(old, line);
                    if (f != null) {
                        out.add(f);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The function whose definition encloses a 1-based line (a definition starts in column 0 and ends at "}" in column 0). */
    private static String enclosing(List<String> file, int line) {
        for (int k = line - 1; k >= 0; k--) {
            String l = file.get(k);
            if (l.startsWith("}") && k < line - 1) {
                return null;
            }
            Matcher m = DEFINES.matcher(l);
            if (m.find() && !l.strip().endsWith(";")) {
                return m.group(1);
            }
        }
        return null;
    }
}
