package org.vhostcheck.conformance.mutate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.vhostcheck.conformance.Conformance;
import org.vhostcheck.conformance.Coverage;
import org.vhostcheck.conformance.Divergence;
import org.vhostcheck.conformance.KernelMachines;
import org.vhostcheck.conformance.Replayer;
import org.vhostcheck.conformance.SuiteResult;
import org.vhostcheck.conformance.kernel.KernelBuildError;
import org.vhostcheck.conformance.kernel.KernelEdit;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.VhostcheckException;

/**
 * Runs kernel mutants against the replay suites. A mutant is built (only the harness parts its edits touch,
 * in its own work directory: {@link Kernels#buildEdited}) and
 * <ul>
 * <li><b>killed</b> when a suite of today's models of that kernel (graph and simulation traces; these replay
 *     through the pristine kernel with no divergence: manifest "kernels") diverges on the mutant; the first
 *     divergence is kept;</li>
 * <li><b>matches its broken model</b> when the traces of today's model of that kernel with the guard's switch set
 *     as in the guard pair's without-model (a config derived here: nothing else changed, TypeOK only) replay
 *     through the mutant with no divergence: the broken model is the kernel minus that guard.</li>
 * </ul>
 */
public final class Mutation {
    /** Where a mutant was first seen: the suite, the trace line, the step's action and the field that differs. */
    public record FirstDivergence(String model, String trace, long line, String action, String field, String expected,
                                  String actual) {
    }

    /** One edit's place in the kernel: file, function and the line in the file the edit starts at. */
    public record Place(String file, String function, Integer line) {
    }

    /**
     * The outcome of one mutant on one kernel: a guard mutant ({@code kind} "guard", its guard named) or a generated
     * one ("generated": no guard, no broken model, its {@code source} the kernel line it changes as it was;
     * {@code stillborn} when it does not compile).
     */
    public record Result(String id, String kind, String guard, String target, String what, List<Place> edits,
                         List<String> parts, boolean killed, FirstDivergence firstDivergence, Boolean matchesBrokenModel,
                         List<String> brokenModels, String reason, double buildSeconds, double seconds, String source,
                         boolean stillborn) {
    }

    /**
     * A replay suite: a model's trace files (its state graph, and its simulation traces where they are not all graph
     * edges: {@link Conformance#simsRepeatGraph}), exported when first asked for.
     */
    public record Suite(String model, String spec, java.util.function.Supplier<List<Path>> files) {
        public static Suite of(String model, String spec, List<Path> traces) {
            return new Suite(model, spec, () -> traces);
        }

        public List<Path> traces() {
            return files.get();
        }
    }

    private static final Pattern INVARIANT = Pattern.compile("^\\s*INVARIANTS?\\b.*");

    private final Path home;
    private final Manifest manifest;
    private final Guards guards;
    private final Consumer<String> progress;
    /** Today's exported graphs have at most a few thousand states; a derived one past this is not a replay suite. */
    static final long MAX_DERIVED_STATES = 200_000;
    private final Conformance conformance;
    private final Map<String, Suite> suites = new LinkedHashMap<>();

    /** Only these models of today's kernel (their suites, and the broken models derived from them); null: all. */
    private final java.util.Set<String> only;

    public Mutation(Path home, Consumer<String> progress) {
        this(home, progress, null);
    }

    /** A mutation run restricted to the named models of today's kernel (unknown or not today's: bad input). */
    public Mutation(Path home, Consumer<String> progress, List<String> models) {
        this.home = home;
        this.manifest = Manifest.load(home);
        this.guards = Guards.load(manifest);
        this.progress = progress == null ? s -> { } : progress;
        // models derived here (a guard switched in today's config) may lose the bound that kept them small (e.g. the
        // IOTLB without its map limit): such an export stops at this many distinct states and the model is left out
        this.conformance = new Conformance(home, this.progress).capExports(MAX_DERIVED_STATES);
        if (models != null && !models.isEmpty()) {
            for (Manifest.Entry e : manifest.select(models, false)) {
                if (!e.today() || !e.exportable() || !KernelMachines.has(e.spec())) {
                    throw new VhostcheckException("model " + e.name() + " is not an exported model of today's kernel with a kernel "
                            + "harness part: its suites cannot kill a mutant");
                }
            }
            this.only = java.util.Set.copyOf(models);
        } else {
            this.only = null;
        }
    }

    public Guards guards() {
        return guards;
    }

    /** The suites of today's models of a kernel target (those of the given specs): every exported model of today's kernel that equals it. */
    public List<Suite> todaysSuites(String target, List<String> specs) {
        List<Suite> out = new ArrayList<>();
        // the smallest models first: a mutant is killed by the first divergence, and small suites are quick to replay
        List<Manifest.Entry> bySize = manifest.select(null, false).stream()
                .sorted(Comparator.comparingLong(e -> e.distinctStates() == null ? Long.MAX_VALUE : e.distinctStates())).toList();
        for (Manifest.Entry e : bySize) {
            if (e.today() && e.exportable() && e.kernels().contains(target) && specs.contains(e.spec())
                    && (only == null || only.contains(e.name()))) {
                out.add(suite(e));
            }
        }
        return out;
    }

    /** A model's suite (its graph and simulation traces), exported when first replayed, once per run. */
    public Suite suiteOf(Manifest.Entry e) {
        return suite(e);
    }

    // synchronized here and below: mutants run side by side (vhostcheck mutate --jobs) share one run's suites
    private synchronized Suite suite(Manifest.Entry e) {
        return suites.computeIfAbsent(e.name(), n -> {
            return new Suite(e.name(), e.spec(), exportOnce(e));
        });
    }

    /** One guard mutant on one kernel, killed by today's suites of that kernel. */
    public Result run(GuardMutants.Mutant m, String target) {
        return run(m, target, null);
    }

    /** One guard mutant on one kernel; {@code killSuites} null: today's suites of that kernel (only those of touched parts run). */
    public Result run(GuardMutants.Mutant m, String target, List<Suite> killSuites) {
        Guards.Guard g = guards.get(m.guard());
        Killing k = kill(m.id(), m.id() + "." + target, target, m.editsFor(target), killSuites, false);
        if (k.result() != null) {
            Result r = k.result();
            return new Result(r.id(), "guard", g.name(), target, m.what(), r.edits(), r.parts(), false, null, null, List.of(),
                    r.reason(), r.buildSeconds(), r.seconds(), null, false);
        }
        return matchBroken(m, g, target, killSuites, k);
    }

    /**
     * One generated mutant (no guard, no broken model: killed or not), on its own target; {@code killSuites} null:
     * today's suites of that target (only those of the parts it touches). A mutant that does not compile is
     * stillborn: neither killed nor survived. The mutant's build directory is removed afterwards.
     */
    public Result run(GeneratedMutants.Mutant m, List<Suite> killSuites) {
        String dir = "gen-" + m.id().replaceAll("[^A-Za-z0-9_]", "_") + "-"
                + Integer.toHexString(m.id().hashCode()) + "." + m.target();
        try {
            List<Suite> reach = killSuites == null && byCoverage ? reach(m.target(), m.file(), m.line()) : null;
            Killing k = kill(m.id(), dir, m.target(), m.edits(), reach == null ? killSuites : reach, true);
            Result r = k.result();
            if (r == null) {
                // a line the coverage build counted and no suite ran: the mutant is built (stillborn or not), never replayed
                String reason = reach != null && k.first() == null && reach.stream().noneMatch(s -> k.specs().contains(s.spec()))
                        ? NOT_REACHED + m.target() + " models reaches " + m.file() + ":" + m.line()
                          + " (on the coverage build it ran 0 times in every suite of the parts the mutant touches, "
                          + String.join(", ", k.build().parts()) + ")"
                        : k.reason();
                r = new Result(m.id(), "generated", null, m.target(), m.source(), k.places(), k.build().parts(), k.first() != null,
                        k.first(), null, List.of(), reason, k.build().seconds(), secs(k.t0()), m.source(), false);
            }
            Result res = new Result(r.id(), "generated", null, r.target(), m.operator() + " in " + m.function() + ": " + m.source(),
                    r.edits(), r.parts(), r.killed(), r.firstDivergence(), null, List.of(), r.reason(), r.buildSeconds(),
                    r.seconds(), m.source(), r.stillborn());
            progress.accept(String.format(java.util.Locale.ROOT, "mutate %s on %s: %s (%.0f s)", m.id(), m.target(),
                    res.killed() ? "killed by " + res.firstDivergence().model() + " " + res.firstDivergence().action() + " "
                            + res.firstDivergence().field()
                            : res.stillborn() ? "stillborn" : notReached(res) ? "SURVIVED (not reached)" : "SURVIVED", res.seconds()));
            return res;
        } finally {
            Kernels.discardEdited(home, dir);
        }
    }

    private static final String NOT_REACHED = "survived: no suite of today's ";

    /** A survivor whose changed line no suite runs on the coverage build: a gap in what the suites reach, not in what they see. */
    public static boolean notReached(Result r) {
        return !r.killed() && !r.stillborn() && r.reason() != null && r.reason().startsWith(NOT_REACHED);
    }

    private boolean byCoverage;
    /** Per target, per suite of today's models: the kernel lines its replay runs on the coverage build. */
    private final Map<String, Map<String, Coverage.Reached>> reached = new LinkedHashMap<>();

    /**
     * With coverage on, a generated mutant replays only the suites whose replay runs its line on the target's coverage
     * build ({@link Coverage}), measured once per run for every suite of today's models: a suite that never runs the
     * line cannot tell the mutant from the kernel. A line the build has code on and no suite runs is not replayed at all.
     */
    public Mutation byCoverage(boolean on) {
        this.byCoverage = on;
        return this;
    }

    /** The suites of today's models of {@code target} that may see a mutant of {@code file:line}. */
    List<Suite> reach(String target, String file, int line) {
        return select(todaysSuites(target, List.copyOf(KernelMachines.specs())), reached(target), file, line);
    }

    /** The suites whose run does not leave the line at a count of 0 (those that ran it, and those with no count there). */
    static List<Suite> select(List<Suite> all, Map<String, Coverage.Reached> byModel, String file, int line) {
        return all.stream().filter(s -> {
            Coverage.Reached r = byModel.get(s.model());
            return r == null || !Boolean.FALSE.equals(r.ran(file, line));
        }).toList();
    }

    private synchronized Map<String, Coverage.Reached> reached(String target) {
        Map<String, Coverage.Reached> m = reached.get(target);
        if (m == null) {
            m = new LinkedHashMap<>();
            for (Suite s : todaysSuites(target, List.copyOf(KernelMachines.specs()))) {
                m.put(s.model(), Coverage.cached(home, target, s.model(), s.traces(), progress));
            }
            reached.put(target, m);
        }
        return m;
    }

    /** What building a mutant and replaying the killing suites gave (result set: it ended there, skipped or stillborn). */
    private record Killing(Result result, Kernels.Build build, List<Place> places, List<String> specs, FirstDivergence first,
                           String reason, long t0) {
    }

    private Killing kill(String id, String dirId, String target, List<KernelEdit> edits, List<Suite> killSuites,
                         boolean stillbornIfNoCompile) {
        long t0 = System.nanoTime();
        progress.accept("mutate " + id + " on " + target + ": building the mutant kernel ...");
        Kernels.Build b;
        try {
            b = Kernels.buildEdited(home, target, dirId, edits);
        } catch (KernelBuildError x) {
            if (!stillbornIfNoCompile) {
                throw x;
            }
            List<Place> ps = edits.stream().map(e -> new Place(e.file(), e.function(), null)).toList();
            return new Killing(new Result(id, null, null, target, null, ps, List.of(), false, null, null, List.of(),
                    "STILLBORN: the mutant does not compile: " + x.firstError(), secs(t0), secs(t0), null, true),
                    null, ps, List.of(), null, null, t0);
        }
        List<Place> places = places(edits, b);
        if (!b.available()) {
            return new Killing(new Result(id, null, null, target, null, places, List.of(), false, null, null, List.of(),
                    "SKIPPED: " + target + " is not available: " + b.unavailable(), b.seconds(), secs(t0), null, false),
                    b, places, List.of(), null, null, t0);
        }
        List<String> specs = new ArrayList<>();
        for (String part : b.parts()) {
            specs.addAll(KernelMachines.specsOf(part));
        }
        // killed?
        List<Suite> kill = killSuites != null ? killSuites.stream().filter(s -> specs.contains(s.spec())).toList()
                : todaysSuites(target, specs);
        FirstDivergence first = null;
        long replayed = 0;
        for (Suite s : kill) {
            for (Path t : s.traces()) {
                progress.accept("mutate " + id + " on " + target + ": replaying " + t.getFileName() + " ...");
                SuiteResult r = Replayer.replay(t, target, b, true);
                replayed += r.transitions();
                if (r.mismatches() > 0) {
                    Divergence d = r.divergences().get(0);
                    first = new FirstDivergence(s.model(), home.relativize(t.toAbsolutePath()).toString(), d.line(), d.action(),
                            d.field(), d.expected(), d.actual());
                    break;
                }
            }
            if (first != null) {
                break;
            }
        }
        String reason = null;
        if (first == null) {
            reason = kill.isEmpty()
                    ? "no suite of today's " + target + " models replays through the parts the mutant touches (" + String.join(", ", b.parts()) + ")"
                    : "survived: " + replayed + " transitions of " + String.join(", ", kill.stream().map(Suite::model).toList())
                      + " replay through the mutant as through " + target + ": the suites never make the changed code ("
                      + String.join(", ", places.stream().map(p -> p.function() + (p.line() == null ? "" : ":" + p.line())).toList())
                      + ") behave differently";
        }
        return new Killing(null, b, places, specs, first, reason, t0);
    }

    private Result matchBroken(GuardMutants.Mutant m, Guards.Guard g, String target, List<Suite> killSuites, Killing k) {
        Kernels.Build b = k.build();
        List<String> specs = k.specs();
        List<Place> places = k.places();
        FirstDivergence first = k.first();
        String reason = k.reason();
        long t0 = k.t0();
        // matches its broken model?
        Boolean matches = null;
        List<String> brokenModels = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (Guards.Pair p : killSuites != null ? List.<Guards.Pair>of() : g.pairs()) {
            Suite s;
            List<Path> traces;
            try {
                s = derived(g, p, target);
                traces = s.traces();
            } catch (NotDerivable x) {
                why.add(p.without() + ": " + x.getMessage());
                continue;
            } catch (VhostcheckException x) {
                why.add(p.without() + ": its traces cannot be exported: " + x.getMessage());
                continue;
            }
            brokenModels.add(s.model());
            Kernels.Build through = specs.contains(s.spec()) ? b : Kernels.build(home, target);
            Divergence firstD = null;
            Path in = null;
            for (Path t : traces) {
                progress.accept("mutate " + m.id() + " on " + target + ": replaying " + t.getFileName() + " (the broken model) ...");
                // one divergence decides: the mutant is not the kernel minus the guard
                SuiteResult r = Replayer.replay(t, target, through, true);
                if (!r.divergences().isEmpty()) {
                    firstD = r.divergences().get(0);
                    in = t;
                    break;
                }
            }
            boolean ok = firstD == null;
            matches = matches == null ? ok : matches && ok;
            if (!ok) {
                why.add(s.model() + " diverges: " + in.getFileName() + ":" + firstD.line() + " " + firstD.action() + " "
                        + firstD.field() + ": model " + firstD.expected() + ", mutant " + firstD.actual());
            }
        }
        if (killSuites != null) {
            String w = "the broken model is not checked with suites of your own";
            reason = reason == null ? w : reason + "; " + w;
        } else if (!why.isEmpty()) {
            String w = (matches == null ? "not matched: " : "") + String.join("; ", why);
            reason = reason == null ? w : reason + "; " + w;
        }
        Result res = new Result(m.id(), "guard", g.name(), target, m.what(), places, b.parts(), first != null, first, matches,
                brokenModels, reason, b.seconds(), secs(t0), null, false);
        // one line a mutant as it ends, so that a long run shows its score as it goes
        progress.accept(String.format(java.util.Locale.ROOT, "mutate %s on %s: %s%s (%.0f s)", m.id(), target,
                first != null ? "killed by " + first.model() + " " + first.action() + " " + first.field() : "SURVIVED",
                matches == null ? "" : matches ? "; matches its broken model" : "; does NOT match its broken model", res.seconds()));
        return res;
    }

    /** A broken model that cannot be derived or replayed: why. */
    public static final class NotDerivable extends Exception {
        NotDerivable(String why) {
            super(why);
        }
    }

    /**
     * Today's model of {@code target} (the exported one of the pair's module whose constants are closest to the
     * pair's with-model) with the guard's switch as in the pair's without-model: its trace config derived here
     * (TypeOK its only invariant), its graph and simulation traces exported.
     */
    Suite derived(Guards.Guard g, Guards.Pair p, String target) throws NotDerivable {
        Manifest.Entry with = manifest.select(List.of(p.with()), true).get(0);
        Manifest.Entry without = manifest.select(List.of(p.without()), true).get(0);
        if (!KernelMachines.has(with.spec())) {
            throw new NotDerivable("spec " + with.spec() + " has no kernel harness part: its traces do not replay through a kernel");
        }
        Path specDir = manifest.specDir();
        Map<String, String> wc = Guards.constants(specDir.resolve(with.config()));
        Manifest.Entry today = manifest.entries().stream()
                .filter(e -> e.today() && e.exportable() && e.kernels().contains(target) && e.module().equals(with.module())
                        && (only == null || only.contains(e.name())))
                .min(Comparator.comparingLong(e -> distance(wc, Guards.constants(specDir.resolve(e.config())))))
                .orElseThrow(() -> new NotDerivable("no exported model of today's " + target + " in " + with.module()));
        String value = Guards.constants(specDir.resolve(without.config())).get(g.name());
        if (value == null) {
            throw new NotDerivable(without.config() + " does not set " + g.name());
        }
        return derive(today, g.name(), value).suite();
    }

    /**
     * Any model of the manifest as a suite: its own export when it has a trace config; otherwise a trace config derived
     * here from its check config (target/mutants/models/MODEL.trace.cfg: TraceInit / TraceNext, TypeOK its only
     * invariant, everything else as the model has it), exported when first asked for.
     */
    public synchronized Suite exportOf(Manifest.Entry e) {
        if (e.exportable()) {
            return suiteOf(e);
        }
        return derivedModels.computeIfAbsent(e.name() + "#trace", n -> {
            Path specDir = manifest.specDir();
            Path to = home.resolve("target/mutants/models").resolve(e.name() + ".trace.cfg");
            List<String> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(specDir.resolve(e.config()), StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (t.equals("INIT Init")) {
                        out.add("INIT TraceInit");
                    } else if (t.equals("NEXT Next")) {
                        out.add("NEXT TraceNext");
                    } else if (!(INVARIANT.matcher(line).matches() && !t.equals("INVARIANT TypeOK")) && !t.startsWith("PROPERTY")) {
                        out.add(line);
                    }
                }
                Files.createDirectories(to.getParent());
                Files.write(to, out, StandardCharsets.UTF_8);
            } catch (IOException x) {
                throw new VhostcheckException(to + ": cannot derive the trace config of " + e.name() + ": " + x.getMessage());
            }
            String rel = specDir.relativize(to).toString();
            Manifest.Entry t = new Manifest.Entry(e.name(), e.spec(), e.module(), e.config(), e.purpose(), e.expected(), null,
                    e.kernel(), false, rel, rel, e.simulateCount(), e.simulateDepth(), false, List.of());
            return new Derived(new Suite(e.name(), e.spec(), exportOnce(t)), t);
        }).suite();
    }

    /**
     * A model's graph and simulation traces, exported when first asked for; a failed export (e.g. a derived model past
     * {@link #MAX_DERIVED_STATES}) is remembered, so that the next kernel does not export it again.
     */
    private java.util.function.Supplier<List<Path>> exportOnce(Manifest.Entry e) {
        List<List<Path>> once = new ArrayList<>();
        VhostcheckException[] failed = new VhostcheckException[1];
        return () -> {
            synchronized (once) {   // mutants side by side: one export, the others wait for it
                if (failed[0] != null) {
                    throw failed[0];
                }
                if (once.isEmpty()) {
                    try {
                        // a kernel replays the graph only where the simulation runs repeat its edges: then none is run
                        once.add(Conformance.kernelTraces(e, conformance.export(manifest, e, !Conformance.simsRepeatGraph(e))));
                    } catch (VhostcheckException x) {
                        failed[0] = x;
                        throw x;
                    }
                }
                return once.get(0);
            }
        };
    }

    /** A model derived from one of today's: its suite (exported when first asked for) and its check entry. */
    public record Derived(Suite suite, Manifest.Entry check) {
    }

    private final Map<String, Derived> derivedModels = new LinkedHashMap<>();

    /**
     * {@code today} with one CONSTANT set to {@code value} ("= FALSE", "= 2"; as {@link Guards#constants} writes it) and
     * nothing else changed: configs derived under target/mutants/models (the trace config with TypeOK its only
     * invariant, the check config with every invariant), its graph and simulation traces exported when first replayed.
     */
    public synchronized Derived derive(Manifest.Entry today, String constant, String value) throws NotDerivable {
        String name = today.name() + "-" + (value.matches("=\\s*FALSE") ? "no" + constant
                : value.matches("=\\s*TRUE") ? "with" + constant : constant + value.replaceAll("[^A-Za-z0-9_]", ""));
        Derived cached = derivedModels.get(name);
        if (cached != null) {
            return cached;
        }
        Path specDir = manifest.specDir();
        Path dir = home.resolve("target/mutants/models");
        Path trace = deriveConfig(specDir.resolve(today.traceConfig()), dir.resolve(name + ".trace.cfg"), constant, value, true);
        Path sim = today.simulateConfig() == null || today.simulateConfig().equals(today.traceConfig()) ? null
                : deriveConfig(specDir.resolve(today.simulateConfig()), dir.resolve(name + ".sim.cfg"), constant, value, true);
        Path check = deriveConfig(specDir.resolve(today.config()), dir.resolve(name + ".cfg"), constant, value, false);
        String purpose = today.name() + " with " + constant + " " + value;
        // relative to the spec folder: TLC 2.18 finds a config outside the module's folder only by such a path
        Manifest.Entry e = new Manifest.Entry(name, today.spec(), today.module(), specDir.relativize(check).toString(),
                purpose, "holds", null, today.kernel(), false, specDir.relativize(trace).toString(),
                sim == null ? null : specDir.relativize(sim).toString(), today.simulateCount(), today.simulateDepth(),
                false, List.of());
        Suite s = new Suite(name, e.spec(), exportOnce(e));
        Derived d = new Derived(s, e);
        derivedModels.put(name, d);
        return d;
    }

    /** The exported models of today's kernel of a target (in manifest order). */
    public List<Manifest.Entry> todaysModels(String target) {
        return manifest.select(null, false).stream()
                .filter(e -> e.today() && e.exportable() && e.kernels().contains(target) && KernelMachines.has(e.spec())
                        && (only == null || only.contains(e.name())))
                .toList();
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Whether a model is in this run (all are unless the run names some). */
    public boolean includes(String model) {
        return only == null || only.contains(model);
    }

    private static long distance(Map<String, String> a, Map<String, String> b) {
        return a.keySet().stream().filter(k -> !a.get(k).equals(b.get(k))).count()
                + b.keySet().stream().filter(k -> !a.containsKey(k)).count();
    }

    private static Path deriveConfig(Path from, Path to, String constant, String value, boolean typesOnly) throws NotDerivable {
        List<String> out = new ArrayList<>();
        boolean set = false;
        Pattern assign = Pattern.compile("^(\\s*)" + Pattern.quote(constant) + "\\s*(=|<-).*$");
        try {
            for (String line : Files.readAllLines(from, StandardCharsets.UTF_8)) {
                var am = assign.matcher(line);
                if (am.matches()) {
                    out.add(am.group(1) + constant + " " + value);
                    set = true;
                } else if (typesOnly && INVARIANT.matcher(line).matches() && !line.strip().equals("INVARIANT TypeOK")) {
                    continue; // a broken model violates its invariants: the export checks the types only
                } else {
                    out.add(line);
                }
            }
            if (!set) {
                throw new NotDerivable(from.getFileName() + " does not set " + constant);
            }
            Files.createDirectories(to.getParent());
            Files.write(to, out, StandardCharsets.UTF_8);
        } catch (IOException x) {
            throw new VhostcheckException(to + ": cannot derive the broken model's config: " + x.getMessage());
        }
        return to;
    }

    private static List<Place> places(List<KernelEdit> edits, Kernels.Build b) {
        List<Integer> lines = b.available() ? Kernels.editLines(b) : List.of();
        List<Place> out = new ArrayList<>();
        int k = 0;
        for (var e : edits) {
            out.add(new Place(e.file(), e.function(), k < lines.size() ? lines.get(k) : null));
            k++;
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
