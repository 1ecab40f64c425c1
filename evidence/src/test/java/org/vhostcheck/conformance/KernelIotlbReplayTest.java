package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhostcheck.conformance.kernel.Kernels;

/**
 * spec/Iotlb.tla's traces through the real kernel functions (harness part "iotlb": iotlb.c,
 * vhost_process_iotlb_msg, vhost_set_memory, translate_desc, iotlb_access_ok, vringh's
 * iotlb_translate) of linux 6.12 and 6.1: every model with traces, its whole state graph and its
 * simulation traces, exported fresh. No divergence is expected: the IOTLB code the models cover
 * behaves alike in both kernels (see the report of issue 6; the 6.1/6.12 differences -- vringh's
 * bio_vec-only iotlb_translate, the generic access_ok -- give the same values at these bounds).
 */
class KernelIotlbReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MODELS = List.of("Iotlb", "Iotlb_Umem", "Iotlb_NoRetire");
    private static final Map<String, Conformance.Traces> TRACES = new TreeMap<>();

    /** The models' traces, exported once per test JVM (shared with ReplayTest). */
    @BeforeAll
    static void export() {
        for (String name : MODELS) {
            TRACES.put(name, TraceFixture.traces(name));
        }
    }

    /** Builds the target's harness; unavailable fails the test unless -Dvhostcheck.kernel.skip=true. */
    private static void requireKernel(String target) {
        Kernels.Build b = Kernels.build(target);
        if (!b.available()) {
            Assumptions.assumeFalse(Boolean.getBoolean("vhostcheck.kernel.skip"),
                    target + " skipped (vhostcheck.kernel.skip): " + b.unavailable());
            fail(target + " is not available: " + b.unavailable() + " (-Dvhostcheck.kernel.skip=true skips)");
        }
    }

    // The whole graph and simulation traces of Iotlb, Iotlb_Umem and Iotlb_NoRetire through both kernels
    // (no divergence, every action) are ReplayTest.everyModelReplaysAgainstEveryTarget's: one replay per
    // model and target in the build. This class checks what that cannot: a forged value and a walk that never ends.

    /** An edge of the device-IOTLB graph: a translate_desc that filled two iov entries. */
    private static int twoSegmentWalk(TraceFixture g) throws IOException {
        return g.edge(e -> e.path("action").asText().equals("Translate")
                && e.path("params").path("kind").asText().equals("translate_desc")
                && e.path("state").path("segs").size() == 2 && e.path("state").path("ret").asInt() == 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux-6.12", "linux-6.1"})
    void theKernelCatchesAWrongExpectation(String target, @TempDir Path tmp) throws IOException {
        requireKernel(target);
        TraceFixture g = TraceFixture.of(TRACES.get("Iotlb").graph());
        int k = twoSegmentWalk(g);
        // unchanged, the edge replays cleanly through the kernel ...
        assertEquals(0, g.replayWith(tmp, g.lines.get(k), target).mismatches());
        // ... and a second segment one byte further into its map is the kernel's hva, not the spec's
        ObjectNode e = (ObjectNode) JSON.readTree(g.lines.get(k));
        ObjectNode seg = (ObjectNode) e.get("state").get("segs").get(1);
        String hva = seg.get("hva").asText();
        String forged = Hex.of(Hex.parse(seg.get("hva"), "hva") + 1);
        seg.put("hva", forged);
        SuiteResult r = g.replayWith(tmp, JSON.writeValueAsString(e), target);
        assertEquals(1, r.mismatches(), r.divergences().toString());
        Divergence d = r.divergences().get(0);
        assertEquals("segs[1].hva", d.field());
        assertEquals(forged, d.expected());
        assertEquals(hva, d.actual());
        assertEquals(3, d.line());
    }

    /**
     * The walk that never ends: a map from 0x1000 to 2^64 - 1 (what an update without umem_access_ok
     * would store, model Iotlb_NoUmemCheck) makes iotlb_access_ok's s wrap past 2^64 back to 0. The
     * harness stops the kernel's loop when it queries an address again and reports spun, with the
     * segments the spec records; the Java model gives the expected state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"linux-6.12", "linux-6.1"})
    void aWalkThatNeverEndsIsStoppedAndFlaggedSpun(String target, @TempDir Path tmp) throws IOException {
        requireKernel(target);
        TraceFixture g = TraceFixture.of(TRACES.get("Iotlb").graph());
        ObjectNode from = (ObjectNode) JSON.readTree(g.lines.get(1)).get("state").deepCopy();
        ArrayNode maps = from.putArray("maps");
        maps.add(map("0x0", "0xfff", "0x1000", "0x20000000", 1));
        maps.add(map("0x1000", "0xffffffffffffffff", "0xfffffffffffff000", "0x30000000", 3));
        ObjectNode params = JSON.createObjectNode();
        params.put("addr", "0x0");
        params.put("len", "0x3000");
        params.put("access", 1);
        params.put("kind", "iotlb_access_ok");
        IotlbMachine java = new IotlbMachine(JSON.readTree(g.lines.get(0)).get("constants"));
        java.restore(from);
        java.apply("Translate", params);
        JsonNode expected = java.state();
        assertTrue(expected.get("spun").asBoolean(), "the spec's walk spins: " + expected);
        ObjectNode edge = JSON.createObjectNode();
        edge.set("from", from);
        edge.put("action", "Translate");
        edge.set("params", params);
        edge.set("state", expected);
        SuiteResult r = g.replayWith(tmp, JSON.writeValueAsString(edge), target);
        assertEquals(0, r.mismatches(), r.divergences().toString());
        // and a spec that said the walk ended would be caught
        ((ObjectNode) edge.get("state")).put("spun", false);
        r = g.replayWith(tmp, JSON.writeValueAsString(edge), target);
        assertEquals(1, r.mismatches());
        assertEquals("spun", r.divergences().get(0).field());
    }

    private static ObjectNode map(String start, String last, String size, String addr, int perm) {
        ObjectNode m = JSON.createObjectNode();
        m.put("start", start);
        m.put("last", last);
        m.put("size", size);
        m.put("addr", addr);
        m.put("perm", perm);
        return m;
    }
}
