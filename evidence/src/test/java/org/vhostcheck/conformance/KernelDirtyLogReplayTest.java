package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vhostcheck.conformance.kernel.KernelProcess;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.Project;

/**
 * The DirtyLog traces through the real kernel functions (conformance/kernel/parts/dirtylog), built
 * from Debian's linux-source-6.12 and -6.1.
 * <ul>
 * <li>Today's models (DirtyLog: 6.12, DirtyLog_61: 6.1; exported without the invariants today's
 * kernel violates) replay through the kernel of their version with no divergence at all: the model
 * of today's kernel is the kernel. Three kernel behaviours the spec once missed were found this
 * way and are in spec/DirtyLog.tla now: K1, linux drivers/vhost/net.c vhost_net_set_backend calls
 * vhost_vq_access_ok before it looks at the fd, so disabling the backend runs (and can fail) the
 * checks enabling runs; K2 (6.12), vhost_init_device_iotlb (a first device IOTLB) and
 * vhost_clear_device_iotlb call vhost_vq_invalidate_access (log_used = false, log_addr = -1), which
 * withdrew finding F003; K3, log_write stops at the first log byte set_bit_to_user cannot pin
 * (outside user memory), so such a byte is never set and the page not marked.</li>
 * <li>The FIXED models (DirtyLog_Fix: 6.12 with the F001 and F002 fixes; DirtyLog_Fix_61: 6.1) are
 * what today's kernels are not: every transition of the kernel equals today's model (the same spec
 * with LogRangeExact and UsedLogChecked FALSE), and where it differs from the fixed trace, the step
 * is attributed to the finding(s) whose switch changes it; the counts per attribution are asserted
 * exactly.</li>
 * </ul>
 */
class KernelDirtyLogReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Project.home();

    /** Graph or simulation traces of a model: the conform suites' traces, exported once per test JVM (TraceFixture). */
    private static Path trace(String model, String kind) {
        Conformance.Traces t = TraceFixture.traces(model);
        return kind.equals("graph") ? t.graph() : t.sim();
    }

    /** The target's harness, or the reason it is missing: a failure, or a skip when asked for. */
    private static Kernels.Build built(String target) {
        Kernels.Build b = Kernels.build(target);
        if (!b.available()) {
            String why = target + " kernel harness unavailable: " + b.unavailable();
            if (Boolean.getBoolean("vhostcheck.kernel.skip")) {
                Assumptions.abort(why + " (vhostcheck.kernel.skip=true)");
            }
            fail(why + " (set -Dvhostcheck.kernel.skip=true to skip the kernel suites)");
        }
        return b;
    }

    /**
     * Today's model of each kernel exercises the three behaviours the spec once missed (K1-K3), on the graph that
     * ReplayTest replays through that kernel with no divergence (manifest: a model of today's kernel equals the kernel
     * it names); its simulation runs only repeat graph edges (Conformance.simsRepeatGraph).
     */
    @ParameterizedTest(name = "{0} {1} on {2}")
    @CsvSource({"DirtyLog_61, graph, linux-6.1", "DirtyLog, graph, linux-6.12"})
    void todaysGraphHasTheBehavioursTheSpecOnceMissed(String model, String kind, String target) throws IOException {
        Manifest.Entry e = Manifest.load(HOME).select(List.of(model), false).get(0);
        assertTrue(e.today() && e.kernels().contains(target), "ReplayTest holds " + model + " to " + target + ": " + e.kernels());
        Path file = trace(model, kind);

        // the three behaviours the spec once missed are exercised (and the kernel agrees on each: ReplayTest)
        Map<String, Long> seen = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            in.readLine();
            JsonNode prev = null;
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode step = JSON.readTree(line);
                JsonNode st = step.get("state");
                JsonNode from = step.has("from") ? step.get("from") : prev;
                prev = st;
                String action = step.get("action").asText();
                int ret = st.get("ret").intValue();
                if (action.equals("SetBackend") && !step.get("params").get("on").booleanValue()) {
                    seen.merge(ret == 0 ? "K1 disable ok" : "K1 disable EFAULT", 1L, Long::sum);
                } else if (action.equals("SetFeatures") && ret == 0 && from.get("iotlb").booleanValue() != st.get("iotlb").booleanValue()
                        && st.get("logAddr").asText().equals("0xffffffffffffffff")) {
                    seen.merge("K2 invalidate", 1L, Long::sum);
                } else if (action.contains("Write") && ret == -14 && st.get("dirty").size() > 0) {
                    seen.merge(st.get("marked").size() > 0 ? "K3 stopped" : "K3 nothing set", 1L, Long::sum);
                }
            }
        }
        System.out.printf("  K1/K2/K3 steps: %s%n", seen);
        assertTrue(seen.containsKey("K1 disable EFAULT") && seen.containsKey("K1 disable ok"), seen.toString());
        assertEquals(target.equals("linux-6.12"), seen.containsKey("K2 invalidate"), seen.toString());
        assertTrue(seen.containsKey("K3 nothing set"), seen.toString());
    }

    /*
     * The divergences of the kernel from the FIXED traces, per attribution: which switches, flipped
     * back to today's kernel one at a time, change the step (F001 LogRangeExact, F002
     * UsedLogChecked). Exact counts on the CI bounds of spec/MCDirtyLog.tla; a change in the spec,
     * the bounds or the kernel shows up here.
     */
    private static final Map<String, Map<String, Long>> EXPECTED = Map.of(
            "DirtyLog_Fix_61.graph", Map.of("F001", 2544L, "F001+F002", 330L, "F002", 1300L),
            "DirtyLog_Fix.graph", Map.of("F001", 3119L, "F001+F002", 354L, "F002", 1384L));

    /** Every edge of the fixed models' graphs (their simulation runs only repeat graph edges, as above). */
    @ParameterizedTest(name = "{0} {1} on {2}")
    @CsvSource({"DirtyLog_Fix_61, graph, linux-6.1", "DirtyLog_Fix, graph, linux-6.12"})
    void fixedTracesDivergeExactlyAtTheFindings(String model, String kind, String target) throws IOException {
        Kernels.Build b = built(target);
        Path file = trace(model, kind);
        // the Replayer's pass over these traces is ReplayTest's (every edge, each divergence explained by a drift cause,
        // every action covered); here the kernel is walked against today's model, step by step, and each difference
        // from the fixed trace attributed to the switch that makes it
        Walk w = walk(file, b.exe("dirtylog"));
        System.out.printf("%s %s vs %s (%s): by attribution: %s; device steps with log bits: %d, the kernel set the same: %d%n",
                model, kind, target, b.version(), w.causes, w.logSteps, w.logStepsEqual);
        w.examples.forEach((k, v) -> System.out.println("    e.g. " + k + ": " + v));
        // the kernel is today's model on every transition
        assertEquals(List.of(), w.notOracle, "kernel differs from today's model");
        assertFalse(w.causes.containsKey(""), "divergences no switch explains: " + w.examples.get(""));
        assertEquals(EXPECTED.get(model + "." + kind), w.causes);
        // the log bits themselves: log_write/set_bit_to_user set exactly the model's bits on every
        // device step of the fixed models (the findings are about what was validated, not what is set)
        assertTrue(w.logSteps > 500, "device steps with log bits: " + w.logSteps);
        assertEquals(w.logSteps, w.logStepsEqual);
    }

    // ---- the findings' examples (claims/F001..F003), run step by step on the real kernels ----

    private static final String UA = "0x20000000";
    private static final String BASE = "0x10000000";

    /** Runs `steps` ({"action", "params"} JSON) from Init through the kernel harness; the state after each. */
    private static List<JsonNode> run(String target, String... steps) throws IOException {
        Kernels.Build b = built(target);
        ObjectNode c = JSON.createObjectNode().put("UsedSize", 22).put("Kernel", target.equals("linux-6.1") ? "6.1" : "6.12");
        List<JsonNode> out = new ArrayList<>();
        try (KernelProcess kp = KernelProcess.start(b.exe("dirtylog"))) {
            KernelDirtyLogMachine m = new KernelDirtyLogMachine(c, kp);
            for (String st : steps) {
                JsonNode step = JSON.readTree(st);
                m.apply(step.get("action").asText(), step.get("params"));
                out.add(m.state());
            }
        }
        return out;
    }

    private static final String TABLE = "{\"action\":\"SetMemTable\",\"params\":{\"regions\":[{\"gpa\":\"0x0\",\"size\":\"0x8000\",\"uaddr\":\"" + UA + "\"}]}}";
    private static final String LOG_BASE = "{\"action\":\"SetLogBase\",\"params\":{\"base\":\"" + BASE + "\"}}";
    private static final String BACKEND_ON = "{\"action\":\"SetBackend\",\"params\":{\"on\":true}}";

    private static String features(boolean logAll, boolean platform) {
        return "{\"action\":\"SetFeatures\",\"params\":{\"logAll\":" + logAll + ",\"platform\":" + platform + "}}";
    }

    private static String vringAddr(String logAddr) {
        return "{\"action\":\"SetVringAddr\",\"params\":{\"logUsed\":true,\"logAddr\":\"" + logAddr + "\"}}";
    }

    private static String ivs(JsonNode s, String f) {
        return norm(JSON.createObjectNode().set(f, s.get(f)));
    }

    /**
     * F001 (claims/F001-log-access-ok-one-byte-short.json), both kernels: a used ring at log_guest_addr
     * 0x7ffc (22 bytes, pages 7 and 8) is validated as ONE log byte by the real log_access_ok, and the
     * real log_used -> log_write -> set_bit_to_user of an update at offset 12 (GPA 0x8008, page 8) sets
     * bit 0 of the NEXT log byte, which access_ok never checked. Confirmed on real kernel code.
     */
    @ParameterizedTest
    @CsvSource({"linux-6.1", "linux-6.12"})
    void f001UsedRingAcross32KiBSetsAnUnvalidatedLogByte(String target) throws IOException {
        List<JsonNode> s = run(target, TABLE, LOG_BASE, vringAddr("0x7ffc"), BACKEND_ON,
                "{\"action\":\"UsedWrite\",\"params\":{\"off\":12,\"len\":8}}");
        JsonNode enabled = s.get(3);
        assertEquals(0, enabled.get("ret").intValue());
        assertEquals(ivs(JSON.readTree("{\"validated\":[{\"lo\":\"0x10000000\",\"hi\":\"0x10000000\"}]}"), "validated"),
                ivs(enabled, "validated"), "log_access_ok(base, 0x7ffc, 22) checks one byte");
        JsonNode used = s.get(4);
        assertEquals(ivs(JSON.readTree("{\"logWritten\":[{\"lo\":\"0x10000001\",\"hi\":\"0x10000001\",\"wrapped\":false}]}"), "logWritten"),
                ivs(used, "logWritten"), "the bit of page 8 is in log byte base + 1");
        assertEquals(ivs(JSON.readTree("{\"marked\":[{\"lo\":\"0x8\",\"hi\":\"0x8\"}]}"), "marked"), ivs(used, "marked"));
        assertFalse(DirtyLogMachine.covered(0x10000001L, 0x10000001L, java.util.Set.of(new DirtyLogMachine.Iv(0x10000000L, 0x10000000L))));
    }

    /**
     * F002 (claims/F002-log-used-under-iotlb-unvalidated.json), both kernels: with a device IOTLB and
     * log_used but no LOG_ALL, SET_BACKEND validates no log byte at all (vq_memory_access_ok with
     * log_all 0; vq_log_used_access_ok returns true under the IOTLB), yet the real log_used logs the
     * used ring through log_write_hva into the memory table's log byte 0. Confirmed on real kernel code
     * (on 6.12 too: K2 clears log_used when the IOTLB is installed, but SET_VRING_ADDR after it sets it
     * again unchecked).
     */
    @ParameterizedTest
    @CsvSource({"linux-6.1", "linux-6.12"})
    void f002UsedRingUnderIotlbLogsAnUnvalidatedByte(String target) throws IOException {
        List<JsonNode> s = run(target, TABLE, LOG_BASE, features(false, true), vringAddr("0x0"), BACKEND_ON,
                "{\"action\":\"UsedWriteHva\",\"params\":{\"hva\":\"" + UA + "\",\"len\":\"0x1000\"}}");
        JsonNode enabled = s.get(4);
        assertEquals(0, enabled.get("ret").intValue());
        assertTrue(enabled.get("logUsed").booleanValue() && enabled.get("iotlb").booleanValue());
        assertEquals(0, enabled.get("validated").size(), "nothing validated: " + enabled);
        JsonNode used = s.get(5);
        assertEquals(0, used.get("ret").intValue());
        assertEquals(ivs(JSON.readTree("{\"logWritten\":[{\"lo\":\"0x10000000\",\"hi\":\"0x10000000\",\"wrapped\":false}]}"), "logWritten"),
                ivs(used, "logWritten"));
    }

    /**
     * F003 (claims/F003-clear-iotlb-unvalidated-log-addr.json), WITHDRAWN: on Debian's 6.12.117
     * vhost_clear_device_iotlb calls vhost_vq_invalidate_access (K2), so dropping
     * VIRTIO_F_ACCESS_PLATFORM leaves log_used off and log_addr -1: the claim's last step (a used-ring
     * update logged at the never-validated log_addr) cannot happen until SET_VRING_ADDR sets log_used
     * again, which validates log_addr. On 6.1 the IOTLB is kept (the claim said 6.1 is not affected).
     * The spec says the same now: today's model gives the kernel's state after every step.
     */
    @ParameterizedTest
    @CsvSource({"linux-6.1", "linux-6.12"})
    void f003ClearingTheIotlbClearsLogUsedOn612(String target) throws IOException {
        List<JsonNode> s = run(target, TABLE, LOG_BASE, features(false, true), vringAddr("0x7ffc"), BACKEND_ON,
                features(false, false));
        JsonNode before = s.get(4);
        assertTrue(before.get("logUsed").booleanValue() && before.get("iotlb").booleanValue() && before.get("active").booleanValue());
        JsonNode cleared = s.get(5);
        assertEquals(0, cleared.get("ret").intValue());
        ObjectNode c = JSON.createObjectNode().put("UsedSize", 22).put("Kernel", target.equals("linux-6.1") ? "6.1" : "6.12")
                .put("LogBoundChecked", true).put("LogWrapChecked", true).put("FeatureChecked", true)
                .put("TranslateChecked", true).put("PageOffsetAdded", true).put("LogRangeExact", false)
                .put("UsedLogChecked", false);
        DirtyLogMachine spec = new DirtyLogMachine(c);
        for (int i = 0; i < s.size(); i++) {
            JsonNode step = JSON.readTree(new String[] {TABLE, LOG_BASE, features(false, true), vringAddr("0x7ffc"), BACKEND_ON,
                    features(false, false)}[i]);
            spec.apply(step.get("action").asText(), step.get("params"));
            assertEquals(norm(s.get(i)), norm(spec.state()), "step " + (i + 1));
        }
        if (target.equals("linux-6.12")) {
            assertFalse(cleared.get("iotlb").booleanValue());
            assertFalse(cleared.get("logUsed").booleanValue(), "vhost_vq_invalidate_access clears log_used");
            assertEquals("0xffffffffffffffff", cleared.get("logAddr").asText());
        } else {
            assertTrue(cleared.get("iotlb").booleanValue(), "6.1 keeps the device IOTLB");
            assertTrue(cleared.get("logUsed").booleanValue());
        }
    }

    /** The kernel machine sees a wrong expectation: one log bit more in an edge's marked pages. */
    @Test
    void aForgedEdgeIsADivergenceAtTheField(@TempDir Path tmp) throws IOException {
        String target = "linux-6.1";
        built(target);
        List<String> lines = Files.readAllLines(trace("DirtyLog_Fix_61", "graph"));
        int k = -1;
        for (int i = 2; i < lines.size() && k < 0; i++) {
            JsonNode e = JSON.readTree(lines.get(i));
            if (e.get("action").asText().equals("UsedWrite") && e.get("state").get("marked").size() == 1) {
                k = i;
            }
        }
        assertTrue(k > 0, "no UsedWrite edge that marks pages");
        Path honest = tmp.resolve("honest.ndjson");
        Files.write(honest, List.of(lines.get(0), lines.get(1), lines.get(k)));
        assertEquals(0, Replayer.replay(honest, target).mismatches());

        ObjectNode edge = (ObjectNode) JSON.readTree(lines.get(k));
        ObjectNode m = (ObjectNode) edge.get("state").get("marked").get(0);
        m.put("hi", Hex.of(Hex.parse(m.get("hi"), "hi") + 1));
        Path forged = tmp.resolve("forged.ndjson");
        Files.write(forged, List.of(lines.get(0), lines.get(1), JSON.writeValueAsString(edge)));
        SuiteResult r = Replayer.replay(forged, target);
        assertEquals(1, r.mismatches());
        assertEquals("marked[0].hi", r.divergences().get(0).field(), r.divergences().toString());
        assertEquals(3, r.divergences().get(0).line());
    }

    /** Each step's kernel state against the trace and against today's model. */
    private static final class Walk {
        final Map<String, Long> causes = new TreeMap<>();
        final Map<String, String> examples = new TreeMap<>();
        final List<String> notOracle = new ArrayList<>();
        long logSteps; // transitions whose trace state has log bits set
        long logStepsEqual; // ... and where the kernel set exactly those
    }

    private static Walk walk(Path file, Path exe) throws IOException {
        Walk w = new Walk();
        try (BufferedReader in = Files.newBufferedReader(file); KernelProcess kp = KernelProcess.start(exe)) {
            JsonNode h = JSON.readTree(in.readLine());
            JsonNode c = h.get("constants");
            KernelDirtyLogMachine km = new KernelDirtyLogMachine(c, kp);
            JsonNode prev = null;
            String line;
            long n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                JsonNode step = JSON.readTree(line);
                String action = step.get("action").asText();
                JsonNode state = step.get("state");
                if (action.equals("Init")) {
                    prev = state;
                    continue;
                }
                JsonNode from = step.has("from") ? step.get("from") : prev;
                JsonNode params = step.get("params");
                prev = state;
                km.restore(from);
                km.apply(action, params);
                String kernel = norm(km.state());
                JsonNode oracle = java(c, from, action, params, Map.of("LogRangeExact", false, "UsedLogChecked", false));
                if (!kernel.equals(norm(oracle)) && w.notOracle.size() < 10) {
                    w.notOracle.add("line " + n + " " + action + " " + params + ": kernel " + kernel + " oracle " + norm(oracle));
                }
                String fixed = norm(state);
                if (state.get("logWritten").size() > 0) {
                    w.logSteps++;
                    w.logStepsEqual += kernel.equals(fixed) ? 1 : 0;
                }
                if (kernel.equals(fixed)) {
                    continue;
                }
                TreeSet<String> why = new TreeSet<>();
                if (!norm(java(c, from, action, params, Map.of("LogRangeExact", false))).equals(fixed)) {
                    why.add("F001");
                }
                if (!norm(java(c, from, action, params, Map.of("UsedLogChecked", false))).equals(fixed)) {
                    why.add("F002");
                }
                String key = String.join("+", why);
                w.causes.merge(key, 1L, Long::sum);
                w.examples.putIfAbsent(key, "line " + n + " " + action + " " + params + " from " + norm(from)
                        + "\n      trace  " + fixed + "\n      kernel " + kernel);
            }
        }
        return w;
    }

    /** The Java model with some guard switches changed, one step from `from`. */
    private static JsonNode java(JsonNode constants, JsonNode from, String action, JsonNode params, Map<String, Boolean> sw) {
        ObjectNode c = constants.deepCopy();
        sw.forEach(c::put);
        DirtyLogMachine m = new DirtyLogMachine(c);
        m.restore(from);
        m.apply(action, params);
        return m.state();
    }

    /** A state as a string with object keys sorted and set-valued fields sorted (sets compare as sets). */
    static String norm(JsonNode s) {
        ObjectNode o = JSON.createObjectNode();
        TreeMap<String, JsonNode> fields = new TreeMap<>();
        s.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        fields.forEach((k, v) -> {
            if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(x -> items.add(sortedKeys(x)));
                items.sort(null);
                ArrayNode a = o.putArray(k);
                items.forEach(a::add);
            } else {
                o.set(k, v);
            }
        });
        return o.toString();
    }

    private static String sortedKeys(JsonNode x) {
        if (!x.isObject()) {
            return x.toString();
        }
        TreeMap<String, String> m = new TreeMap<>();
        x.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().toString()));
        return m.toString();
    }
}
