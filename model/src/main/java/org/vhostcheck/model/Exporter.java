package org.vhostcheck.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Exports behaviours of a model as NDJSON traces (DESIGN.md "Traces"), from the transitions its
 * trace wrapper prints ({@code <<"I", view, actions, constants>>} per initial state and
 * {@code <<"T", level, view, action, params, view'>>} per transition).
 * <ul>
 * <li>graph: TLC model checking with one worker prints every edge of the reachable graph once;
 * each becomes {@code {"from", "action", "params", "state"}}, initial states
 * {@code {"action":"Init", ...}}.</li>
 * <li>simulation: TLC {@code -simulate} prints every candidate successor of each state it
 * visits; a behaviour is rebuilt by chaining the candidate whose successor is the next visited
 * state (the last step of a behaviour: one candidate, chosen by the seed). Lines are
 * {@code {"trace", "step", "action", "params", "state"}}.</li>
 * </ul>
 * Output is streamed (the state graph is never held whole) into a temporary file that is renamed
 * over the target only when complete.
 */
public final class Exporter {
    public static final String FORMAT = "vhostcheck-trace/1";

    /** What an export produced. */
    public record Summary(Path file, String kind, long initStates, long transitions, long traces,
                          Long distinctStates, double seconds, List<String> actions) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path home;
    private final TlcRunner tlc;

    /** As {@link #Exporter(Path, java.util.function.Consumer)}; a graph of more than maxDistinct states is bad input (0: no cap). */
    public Exporter(Path home, java.util.function.Consumer<String> progress, long maxDistinct) {
        this(home, progress);
        tlc.capDistinctStates(maxDistinct);
    }

    public Exporter(Path home, java.util.function.Consumer<String> progress) {
        this.home = home;
        this.tlc = new TlcRunner(home, 1, progress); // one worker keeps a state's transitions together
    }

    public Summary graph(Manifest.Entry e, Path specDir, Path out) {
        requireExportable(e);
        Path user = userFile(out);
        // the finally covers TLC's run too: a run stopped at the state cap leaves gigabytes of transitions behind
        try {
            TlcRunner.Run r = tlc.run(e.modulePath(specDir), specDir.resolve(e.traceConfig()), List.of(), user, e.name());
            TlcResult res = tlc.interpret(r, e.modulePath(specDir), specDir.resolve(e.traceConfig()));
            requireHolds(e, res, user);
            return convert(e, res, user, out, null, 0, 0);
        } finally {
            deleteQuietly(user);
        }
    }

    public Summary simulate(Manifest.Entry e, Path specDir, int count, int depth, long seed, Path out) {
        requireExportable(e);
        if (count < 1 || depth < 1) {
            throw new VhostcheckException("simulate: count and depth must be at least 1");
        }
        String cfg = e.simulateConfig() != null ? e.simulateConfig() : e.traceConfig();
        Path user = userFile(out);
        List<String> args = List.of("-simulate", "num=" + count, "-depth", Integer.toString(depth),
                "-seed", Long.toString(seed));
        try {
            TlcRunner.Run r = tlc.run(e.modulePath(specDir), specDir.resolve(cfg), args, user, e.name());
            TlcResult res = tlc.interpret(r, e.modulePath(specDir), specDir.resolve(cfg));
            requireHolds(e, res, user);
            return convert(e, res, user, out, seed, count, depth);
        } finally {
            deleteQuietly(user);
        }
    }

    /**
     * Writes a counterexample (TLC's trace of a model) as a replayable graph trace: the model's TraceInit and
     * TraceNext run from the counterexample's first state along its steps only, so every step carries the action
     * parameters TLC's plain trace lacks and the trace can be replayed against Java or a kernel harness. No invariant
     * is checked; a step no TraceNext disjunct reproduces is an error.
     */
    public Summary counterexample(Manifest.Entry e, Path specDir, List<TraceState> trace, Path out) {
        Path module = e.modulePath(specDir);
        String src;
        try {
            src = Files.readString(module);
        } catch (IOException ex) {
            throw new VhostcheckException(module + ": not readable: " + ex.getMessage());
        }
        if (!src.contains("TraceNext ==") || trace.isEmpty()) {
            throw new VhostcheckException("model " + e.name() + ": " + (trace.isEmpty() ? "an empty counterexample"
                    : module.getFileName() + " has no TraceInit/TraceNext") + ": nothing to replay");
        }
        StringBuilder tla = new StringBuilder("---- MODULE VCCex ----\nEXTENDS " + e.module() + ", TLC\n");
        for (TraceState s : trace) {
            List<String> conj = new ArrayList<>();
            s.raw().forEach((k, v) -> conj.add(k + " = " + v));
            tla.append("VCCexS").append(s.number()).append(" == ").append(String.join(" /\\ ", conj)).append('\n');
            List<String> primed = new ArrayList<>();
            s.raw().forEach((k, v) -> primed.add(k + "' = " + v));
            tla.append("VCCexP").append(s.number()).append(" == ").append(String.join(" /\\ ", primed)).append('\n');
        }
        tla.append("VCCexInit == VCCexS").append(trace.get(0).number()).append(" /\\ TraceInit\n");
        tla.append("VCCexNext == (FALSE");
        for (int k = 0; k + 1 < trace.size(); k++) {
            tla.append(" \\/ (VCCexS").append(trace.get(k).number()).append(" /\\ VCCexP").append(trace.get(k + 1).number()).append(')');
        }
        tla.append(") /\\ TraceNext\n====\n");
        Path dir;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(home.resolve("target/tlc")), "cex-");
        } catch (IOException ex) {
            throw new VhostcheckException(home.resolve("target/tlc") + ": cannot create a work folder: " + ex.getMessage());
        }
        try {
            Path mod = dir.resolve("VCCex.tla");
            Files.writeString(mod, tla);
            Path cfg = dir.resolve("VCCex.cfg");
            Files.writeString(cfg, TlcRunner.constantsOnly(Files.readString(e.configPath(specDir)))
                    + "\nINIT VCCexInit\nNEXT VCCexNext\n");
            Path user = userFile(out);
            try {
                TlcRunner.Run r = tlc.run(mod, cfg, List.of("-deadlock"), user, e.name(), specDir);
                TlcResult res = tlc.interpret(r, mod, cfg);
                requireHolds(e, res, user);
                Summary sum = convert(e, res, user, out, null, 0, 0);
                if (sum.initStates() != 1 || sum.transitions() < trace.size() - 1) {
                    deleteQuietly(out);
                    throw new VhostcheckException("model " + e.name() + ": the counterexample's " + (trace.size() - 1)
                            + " steps gave " + sum.initStates() + " initial states and " + sum.transitions()
                            + " transitions through TraceInit/TraceNext: the trace actions do not reproduce it");
                }
                return sum;
            } finally {
                deleteQuietly(user);
            }
        } catch (IOException ex) {
            throw new VhostcheckException(dir + ": cannot write the counterexample module: " + ex.getMessage());
        } finally {
            TlcRunner.deleteTree(dir);
        }
    }

    private Summary convert(Manifest.Entry e, TlcResult res, Path user, Path out, Long seed, int count, int depth) {
        boolean sim = seed != null;
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        long inits = 0;
        long transitions = 0;
        long traces = 0;
        List<String> actions = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(user); BufferedWriter w = Files.newBufferedWriter(tmp)) {
            String line;
            boolean headerDone = false;
            Simulation simState = sim ? new Simulation(w, new Random(seed)) : null;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                JsonNode row;
                try {
                    row = TlaValues.decodeU64(TlaValues.parse(line));
                } catch (IllegalArgumentException ex) {
                    throw new VhostcheckException(e.module() + " trace output line " + lineNo + ": " + ex.getMessage());
                }
                String tag = row.path(0).asText();
                if (tag.equals("I")) {
                    if (!headerDone) {
                        row.get(2).forEach(a -> actions.add(a.asText()));
                        actions.sort(null);
                        ObjectNode h = header(e, sim, seed, count, depth, actions);
                        h.set("constants", row.size() > 3 ? row.get(3) : JSON.createObjectNode());
                        w.write(JSON.writeValueAsString(h));
                        w.newLine();
                        headerDone = true;
                    }
                    inits++;
                    if (!sim) {
                        w.write(JSON.writeValueAsString(step(null, "Init", JSON.createObjectNode(), row.get(1))));
                        w.newLine();
                    }
                } else if (tag.equals("T")) {
                    if (!headerDone) {
                        throw new VhostcheckException(e.module() + ": transition printed before any initial state");
                    }
                    if (sim) {
                        simState.add(row);
                    } else {
                        transitions++;
                        w.write(JSON.writeValueAsString(step(row.get(2), row.get(3).asText(), row.get(4), row.get(5))));
                        w.newLine();
                    }
                }
            }
            if (sim) {
                simState.finish();
                transitions = simState.steps;
                traces = simState.traces;
            }
            if (!headerDone) {
                throw new VhostcheckException(e.module() + ": the trace config printed no initial state (TraceInit missing?)");
            }
        } catch (IOException ex) {
            deleteQuietly(tmp);
            throw new VhostcheckException(out + ": cannot write trace: " + ex.getMessage());
        } catch (RuntimeException ex) {
            deleteQuietly(tmp);
            throw ex;
        }
        try {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new VhostcheckException(out + ": cannot rename the finished trace into place: " + ex.getMessage());
        }
        return new Summary(out, sim ? "simulation" : "graph", inits, transitions, traces,
                res.distinctStates(), res.seconds(), actions);
    }

    /** Rebuilds behaviours from TLC's simulation output (see class comment). */
    private static final class Simulation {
        private final BufferedWriter w;
        private final Random random;
        private final List<JsonNode> group = new ArrayList<>();
        private final List<List<JsonNode>> behaviour = new ArrayList<>();
        long traces;
        long steps;

        Simulation(BufferedWriter w, Random random) {
            this.w = w;
            this.random = random;
        }

        void add(JsonNode row) throws IOException {
            if (!group.isEmpty()) {
                JsonNode g = group.get(0);
                boolean same = g.get(1).asInt() == row.get(1).asInt() && g.get(2).equals(row.get(2));
                if (!same) {
                    closeGroup();
                    if (row.get(1).asInt() <= behaviour.size()) {
                        flush(); // the level went back: a new behaviour starts
                    }
                }
            }
            group.add(row);
        }

        private void closeGroup() {
            behaviour.add(new ArrayList<>(group));
            group.clear();
        }

        void finish() throws IOException {
            if (!group.isEmpty()) {
                closeGroup();
            }
            flush();
        }

        private void flush() throws IOException {
            if (behaviour.isEmpty()) {
                return;
            }
            long t = traces++;
            w.write(JSON.writeValueAsString(simStep(t, 0, "Init", JSON.createObjectNode(), behaviour.get(0).get(0).get(2))));
            w.newLine();
            for (int k = 0; k < behaviour.size(); k++) {
                List<JsonNode> cands = behaviour.get(k);
                JsonNode chosen = null;
                if (k + 1 < behaviour.size()) {
                    JsonNode next = behaviour.get(k + 1).get(0).get(2);
                    for (JsonNode c : cands) {
                        if (c.get(5).equals(next)) {
                            chosen = c;
                            break;
                        }
                    }
                    if (chosen == null) {
                        throw new VhostcheckException("simulation output: no transition leads to the state visited at level "
                                + (k + 2) + " of behaviour " + t);
                    }
                } else {
                    chosen = cands.get(random.nextInt(cands.size()));
                }
                steps++;
                w.write(JSON.writeValueAsString(simStep(t, k + 1, chosen.get(3).asText(), chosen.get(4), chosen.get(5))));
                w.newLine();
            }
            behaviour.clear();
        }
    }

    private static ObjectNode header(Manifest.Entry e, boolean sim, Long seed, int count, int depth, List<String> actions) {
        ObjectNode h = JSON.createObjectNode();
        h.put("format", FORMAT);
        h.put("kind", sim ? "simulation" : "graph");
        h.put("spec", e.spec());
        h.put("model", e.name());
        h.put("config", sim && e.simulateConfig() != null ? e.simulateConfig() : e.traceConfig());
        h.put("kernel", e.kernel());
        h.put("generator", sim ? "TLC 2.18 -simulate" : "TLC 2.18 breadth-first, every edge once");
        if (sim) {
            h.put("seed", seed);
            h.put("count", count);
            h.put("depth", depth);
        }
        ArrayNode a = h.putArray("actions");
        actions.forEach(a::add);
        return h;
    }

    private static ObjectNode step(JsonNode from, String action, JsonNode params, JsonNode state) {
        ObjectNode o = JSON.createObjectNode();
        if (from != null) {
            o.set("from", from);
        }
        o.put("action", action);
        o.set("params", params.isArray() && params.isEmpty() ? JSON.createObjectNode() : params);
        o.set("state", state);
        return o;
    }

    private static ObjectNode simStep(long trace, int stepNo, String action, JsonNode params, JsonNode state) {
        ObjectNode o = JSON.createObjectNode();
        o.put("trace", trace);
        o.put("step", stepNo);
        o.put("action", action);
        o.set("params", params.isArray() && params.isEmpty() ? JSON.createObjectNode() : params);
        o.set("state", state);
        return o;
    }

    private static void requireExportable(Manifest.Entry e) {
        if (!e.exportable()) {
            throw new VhostcheckException("model " + e.name() + " has no traceConfig in spec/manifest.json: nothing to export");
        }
    }

    private static void requireHolds(Manifest.Entry e, TlcResult res, Path user) {
        if (!TlcResult.HOLDS.equals(res.outcome())) {
            deleteQuietly(user);
            throw new VhostcheckException("export of " + e.name() + ": TLC says " + res.outcome()
                    + (res.error() != null ? " (" + res.error() + ")" : "") + "; only a model that holds is exported");
        }
    }

    private Path userFile(Path out) {
        try {
            Path abs = out.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            return Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tlc-out");
        } catch (IOException ex) {
            throw new VhostcheckException(out + ": cannot create output folder: " + ex.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // temp file in the output folder; nothing depends on it
        }
    }
}
