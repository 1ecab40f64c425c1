package org.vhostcheck.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.vhostcheck.conformance.kernel.KernelCrash;
import org.vhostcheck.conformance.kernel.KernelProcess;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.model.VhostcheckException;

/**
 * Replays an NDJSON trace (DESIGN.md "Traces") against the Java model of its spec, step by
 * step, comparing the full state after every step. Graph edges ({@code "from"} present) start
 * from their recorded state; simulation steps continue from the previous one. After a
 * divergence the model is put back in the spec's state so that later steps are still compared.
 */
public final class Replayer {
    /** How many divergences a result keeps (all are counted). */
    public static final int KEEP = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Replayer() {
    }

    /** The target that replays against the Java model; any other target is a kernel (Kernels.TARGETS). */
    public static final String JAVA = "java";

    /** Replays `file` against the Java model (target "java") or a kernel harness (target "linux-6.12", ...). */
    public static SuiteResult replay(Path file, String target) {
        return replay(file, target, null, false);
    }

    /**
     * Replays `file` against a kernel target through the given build (a kernel mutant or patch; null: the
     * target's pristine build). With {@code stopAtFirst} the replay ends at the first divergence (a mutant
     * is killed by one).
     */
    public static SuiteResult replay(Path file, String target, Kernels.Build build, boolean stopAtFirst) {
        long t0 = System.nanoTime();
        long transitions = 0;
        long traces = 0;
        long mismatches = 0;
        List<Divergence> divergences = new ArrayList<>();
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        Set<String> covered = new TreeSet<>();
        java.util.Map<String, Long> perAction = new java.util.HashMap<>();
        List<String> specActions = new ArrayList<>();
        String model;
        KernelProcess kernel = null;
        try (BufferedReader in = Files.newBufferedReader(file)) {
            JsonNode h = header(file, in.readLine());
            String spec = h.path("spec").asText();
            model = h.path("model").asText(spec);
            h.path("actions").forEach(a -> specActions.add(a.asText()));
            if (specActions.isEmpty()) {
                throw bad(file, 1, "header: no \"actions\" listed");
            }
            Machine m;
            try {
                if (JAVA.equals(target)) {
                    m = Machines.create(spec, h.path("constants"));
                } else {
                    KernelMachines.Part part = KernelMachines.part(spec);
                    Kernels.Build b = build != null ? build : Kernels.build(target);
                    if (!b.available()) {
                        throw new VhostcheckException(target + " is not available: " + b.unavailable());
                    }
                    kernel = KernelProcess.start(b.exe(part.name()));
                    m = part.machine().apply(h.path("constants"), kernel);
                }
            } catch (ReplayException e) {
                throw bad(file, 1, e.getMessage());
            }
            for (String a : specActions) {
                if (!m.actions().contains(a)) {
                    throw bad(file, 1, "the Java model of " + spec + " has no action '" + a + "'");
                }
            }
            String line;
            long n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode step = json(file, n, line);
                String action = step.path("action").asText(null);
                JsonNode params = step.get("params");
                JsonNode state = step.get("state");
                if (action == null || params == null || !params.isObject() || state == null || !state.isObject()) {
                    throw bad(file, n, "a step needs \"action\" (string), \"params\" (object) and \"state\" (object)");
                }
                if (!action.equals("Init") && !specActions.contains(action)) {
                    throw bad(file, n, "action '" + action + "' is not an action of " + spec);
                }
                Divergence d;
                try {
                    if (step.has("from")) {
                        m.restore(step.get("from"));
                    }
                    if (action.equals("Init")) {
                        m.init(params);
                        if (step.path("step").asInt(-1) == 0) {
                            traces++;
                        }
                    } else {
                        covered.add(action);
                        perAction.merge(action, 1L, Long::sum);
                        transitions++;
                    }
                    d = stepAndCompare(m, action, params, state, n);
                } catch (BadTraceException e) {
                    throw bad(file, n, e.getMessage());
                } catch (ReplayException e) {
                    d = new Divergence(n, action, "(enabled)", "true", e.getMessage());
                } catch (KernelCrash e) {
                    // the harness died (a sanitizer report, a walk that never returned): the rest is not replayed
                    mismatches++;
                    Divergence c = new Divergence(n, action, "(kernel crash)", "an answer", e.getMessage(), file);
                    counts.merge(c.key(), 1L, Long::sum);
                    divergences.add(c);
                    break;
                }
                if (d != null) {
                    mismatches++;
                    d = new Divergence(d.line(), d.action(), d.field(), d.expected(), d.actual(), file);
                    // the first KEEP, and the first of every kind (drift groups by kind)
                    if (counts.merge(d.key(), 1L, Long::sum) == 1 || divergences.size() < KEEP) {
                        divergences.add(d);
                    }
                    if (stopAtFirst) {
                        break;
                    }
                    try {
                        m.restore(state);
                    } catch (BadTraceException e) {
                        throw bad(file, n, e.getMessage());
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(file + ": no such trace file");
        } catch (IOException e) {
            throw new VhostcheckException(file + ": cannot read: " + e.getMessage());
        } finally {
            if (kernel != null) {
                kernel.close();
            }
        }
        // in the spec's order, with the actions never exercised as 0 (the report's coverage table shows them)
        java.util.Map<String, Long> actions = new java.util.LinkedHashMap<>();
        specActions.forEach(a -> actions.put(a, perAction.getOrDefault(a, 0L)));
        return new SuiteResult(model, target, transitions, traces, mismatches,
                (int) specActions.stream().filter(covered::contains).count(), specActions.size(),
                (System.nanoTime() - t0) / 1e9, divergences,
                specActions.stream().filter(a -> !covered.contains(a)).toList(), counts, null, actions);
    }

    /** The spec a trace file is of (its header line), checked as {@link #replay} checks it. */
    public static String specOf(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String spec = header(file, in.readLine()).path("spec").asText("");
            if (spec.isEmpty()) {
                throw bad(file, 1, "header: no \"spec\"");
            }
            return spec;
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(file + ": no such trace file");
        } catch (IOException e) {
            throw new VhostcheckException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** A trace's first line: its header, in this format. */
    private static JsonNode header(Path file, String first) {
        if (first == null) {
            throw bad(file, 1, "empty file, expected a header line");
        }
        JsonNode h = json(file, 1, first);
        if (!Exporter.FORMAT.equals(h.path("format").asText())) {
            throw bad(file, 1, "header: format must be \"" + Exporter.FORMAT + "\"");
        }
        return h;
    }

    private static Divergence stepAndCompare(Machine m, String action, JsonNode params, JsonNode expected, long line) {
        if (!action.equals("Init")) {
            m.apply(action, params);
        }
        return diff(canonical(expected, m.setFields()), canonical(m.state(), m.setFields()), "", line, action);
    }

    /** Sorts the arrays of set-valued fields, so sets compare as sets (TLC prints them in its own order). */
    static JsonNode canonical(JsonNode state, java.util.Set<String> setFields) {
        if (setFields.isEmpty() || !state.isObject()) {
            return state;
        }
        com.fasterxml.jackson.databind.node.ObjectNode o = state.deepCopy();
        for (String f : setFields) {
            JsonNode v = o.get(f);
            if (v != null && v.isArray()) {
                List<JsonNode> items = new ArrayList<>();
                v.forEach(items::add);
                items.sort(java.util.Comparator.comparing(JsonNode::toString));
                com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray(f);
                items.forEach(a::add);
            }
        }
        return o;
    }

    /** The first field (depth first, in the spec's field order) where the two states differ. */
    static Divergence diff(JsonNode expected, JsonNode actual, String path, long line, String action) {
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                String p = path.isEmpty() ? f : path + "." + f;
                JsonNode a = actual.get(f);
                if (a == null) {
                    return new Divergence(line, action, p, show(expected.get(f)), "(missing)");
                }
                Divergence d = diff(expected.get(f), a, p, line, action);
                if (d != null) {
                    return d;
                }
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!expected.has(f)) {
                    return new Divergence(line, action, path.isEmpty() ? f : path + "." + f, "(missing)", show(actual.get(f)));
                }
            }
            return null;
        }
        if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int k = 0; k < expected.size(); k++) {
                Divergence d = diff(expected.get(k), actual.get(k), path + "[" + k + "]", line, action);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return expected.equals(actual) ? null : new Divergence(line, action, path, show(expected), show(actual));
    }

    private static String show(JsonNode v) {
        return v.isTextual() ? v.textValue() : v.toString();
    }

    private static JsonNode json(Path file, long line, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw bad(file, line, "expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw bad(file, line, "not valid JSON: " + JsonProblem.of(e));
        }
    }

    private static VhostcheckException bad(Path file, long line, String what) {
        return new VhostcheckException(file + ":" + line + ": " + what);
    }
}
