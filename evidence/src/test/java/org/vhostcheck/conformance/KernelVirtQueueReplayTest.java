package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhostcheck.conformance.kernel.KernelCrash;
import org.vhostcheck.conformance.kernel.KernelProcess;
import org.vhostcheck.conformance.kernel.Kernels;
import org.vhostcheck.model.Manifest;

/**
 * spec/VirtQueue.tla's traces through the real kernel (harness part "ring", KernelVirtQueueMachine):
 * the ring model VirtQueue (the chain walk, indirect tables, the used ring) and the vringh model
 * VirtQueue_Vringh_61, each as its whole state graph and a batch of simulation traces, against
 * linux 6.1 and 6.12. One kernel-vs-model difference is expected and asserted exactly: finding F004
 * (6.12's putu16_iotlb translates with VHOST_MAP_RO, 6.1's with VHOST_MAP_WO), which the 6.1 vringh
 * model shows when replayed on 6.12.
 */
class KernelVirtQueueReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RING = "VirtQueue";
    private static final String VRINGH_61 = "VirtQueue_Vringh_61";
    private static final Map<String, Path> GRAPH = new java.util.HashMap<>();
    private static final Map<String, Path> SIM = new java.util.HashMap<>();
    private static final Map<String, Integer> SIM_COUNT = new java.util.HashMap<>();

    /** The conform suites' traces (TraceFixture.traces): exported once per test JVM, shared with ReplayTest. */
    @BeforeAll
    static void export() {
        Manifest m = Manifest.load(TraceFixture.HOME);
        for (String model : List.of(RING, VRINGH_61)) {
            Conformance.Traces t = TraceFixture.traces(model);
            GRAPH.put(model, t.graph());
            SIM.put(model, t.sim());
            SIM_COUNT.put(model, m.select(List.of(model), false).get(0).simulateCount());
        }
    }

    /** The target's harness, or the test fails (skipped only with -Dvhostcheck.kernel.skip=true). */
    private static Kernels.Build build(String target) {
        Kernels.Build b = Kernels.build(target);
        if (!b.available()) {
            String why = target + " is not available: " + b.unavailable();
            if (Boolean.getBoolean("vhostcheck.kernel.skip")) {
                Assumptions.abort(why);
            }
            fail(why);
        }
        return b;
    }

    private static SuiteResult replay(Path trace, String target) {
        build(target);
        SuiteResult r = Replayer.replay(trace, target);
        System.out.printf("%s %s on %s: %d transitions, %d traces, %d mismatches, %d/%d actions, %.1f s (%.0f/s)%n",
                r.model(), trace.getFileName(), target, r.transitions(), r.traces(), r.mismatches(), r.actionsCovered(),
                r.actionsTotal(), r.seconds(), r.transitions() / Math.max(r.seconds(), 1e-9));
        return r;
    }

    // VirtQueue through both kernels and VirtQueue_Vringh_61 through 6.1 (no divergence, every action) are
    // ReplayTest.everyModelReplaysAgainstEveryTarget's (vhost_get_vq_desc, get_indirect, next_desc, translate_desc
    // and vhost_add_used_n are identical in 6.1 and 6.12). This class checks F004's divergences exactly, F005 by
    // a direct call, and forged edges.

    /** The trace lines (1-based) of putu16_iotlb on a map that grants only reading or only writing. */
    private static List<Long> putU16OnOneWayMap(Path trace) throws IOException {
        List<String> lines = Files.readAllLines(trace);
        JsonNode maps = JSON.readTree(lines.get(0)).path("constants").path("Maps");
        List<Long> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            JsonNode e = JSON.readTree(lines.get(i));
            if (!e.path("action").asText().equals("U16Access") || !e.path("params").path("kind").asText().equals("putu16_iotlb")) {
                continue;
            }
            long a = Hex.parse(e.path("params").path("addr"), "addr");
            for (JsonNode m : maps) {
                long start = Hex.parse(m.get("start"), "start");
                long last = Hex.parse(m.get("last"), "last");
                if (Long.compareUnsigned(start, a) <= 0 && Long.compareUnsigned(a + 1, last) <= 0 && m.get("perm").asInt() != 3) {
                    out.add((long) i + 1);
                }
            }
        }
        return out;
    }

    /**
     * Finding F004, a real kernel difference: the 6.1 vringh model (putu16_iotlb translates with
     * VHOST_MAP_WO, as linux 6.1 does) against linux 6.12, whose putu16_iotlb translates with
     * VHOST_MAP_RO. Every putu16_iotlb on the read-only map (0x1010) writes on 6.12 where the
     * model refuses with -EPERM, and every one on the write-only map (0x2010) is refused on 6.12
     * where the model writes; nothing else differs. The first field the replay reports is wrote
     * (TLC's field order); copy.moved and copy.ret differ too (pinned by the direct calls below).
     */
    @Test
    void theVringh61ModelOnLinux612DivergesExactlyAtF004() throws IOException {
        for (Path trace : List.of(GRAPH.get(VRINGH_61), SIM.get(VRINGH_61))) {
            List<Long> expected = putU16OnOneWayMap(trace);
            assertTrue(expected.size() > 0, "the trace has putu16_iotlb steps on the one-way maps");
            SuiteResult r = replay(trace, "linux-6.12");
            assertEquals(expected.size(), r.mismatches(), r.divergences().toString());
            List<String> lines = Files.readAllLines(trace);
            for (Divergence d : r.divergences()) {
                assertTrue(expected.contains(d.line()), d.toString());
                assertEquals("U16Access", d.action(), d.toString());
                assertEquals("wrote", d.field(), d.toString());
                String addr = JSON.readTree(lines.get((int) d.line() - 1)).path("params").path("addr").asText();
                if (addr.equals("0x1010")) {
                    assertEquals("[]", d.expected(), d.toString());
                    assertEquals("[1]", d.actual(), d.toString());   // written through the read-only map
                } else {
                    assertEquals("0x2010", addr, d.toString());
                    assertEquals("[2]", d.expected(), d.toString());
                    assertEquals("[]", d.actual(), d.toString());     // refused on the write-only map
                }
            }
        }
    }

    private static ArrayNode mcMaps() {
        ArrayNode ms = JsonNodeFactory.instance.arrayNode();
        String[][] rows = {{"0x0", "0xfff", "0x20000000", "3"}, {"0x1000", "0x1fff", "0x30000000", "1"},
            {"0x2000", "0x2fff", "0x40000000", "2"}};
        for (String[] r : rows) {
            ObjectNode m = ms.addObject();
            m.put("start", r[0]);
            m.put("last", r[1]);
            m.put("addr", r[2]);
            m.put("perm", Integer.parseInt(r[3]));
        }
        return ms;
    }

    private static ObjectNode putU16(KernelProcess k, String addr) {
        return putU16(k, addr, false);
    }

    private static ObjectNode putU16(KernelProcess k, String addr, boolean useVa) {
        ObjectNode q = JSON.createObjectNode();
        q.put("op", "u16");
        if (useVa) {
            q.put("use_va", true);
        }
        q.put("kind", "putu16_iotlb");
        q.put("addr", addr);
        q.set("maps", mcMaps());
        return k.call(q);
    }

    /**
     * F004 itself, call by call: ret, bytes written, perms of the maps written through. On 6.12 in
     * both of vringh's modes: physical (kmap_local_page + WRITE_ONCE, what the replay uses) and
     * use_va (__put_user to the user address).
     */
    @Test
    void putU16PermissionsPerVersion() {
        for (boolean useVa : new boolean[] {false, true}) {
            try (KernelProcess k = KernelProcess.start(build("linux-6.12").exe("ring"))) {
                ObjectNode ro = putU16(k, "0x1010", useVa);
                assertEquals(0, ro.get("ret").asInt(), ro.toString());
                assertEquals("0x2", ro.get("moved").asText(), ro.toString());
                assertEquals("[1]", ro.get("wrote").toString(), ro.toString());
                ObjectNode wo = putU16(k, "0x2010", useVa);
                assertEquals(-1, wo.get("ret").asInt(), wo.toString());   // -EPERM
                assertEquals("0x0", wo.get("moved").asText(), wo.toString());
                assertEquals("[]", wo.get("wrote").toString(), wo.toString());
            }
        }
        try (KernelProcess k = KernelProcess.start(build("linux-6.1").exe("ring"))) {
            ObjectNode ro = putU16(k, "0x1010");
            assertEquals(-1, ro.get("ret").asInt(), ro.toString());
            assertEquals("0x0", ro.get("moved").asText(), ro.toString());
            ObjectNode wo = putU16(k, "0x2010");
            assertEquals(0, wo.get("ret").asInt(), wo.toString());
            assertEquals("[2]", wo.get("wrote").toString(), wo.toString());
        }
    }

    private static ObjectNode addUsed(int lastUsed, int... heads) {
        ObjectNode q = JSON.createObjectNode();
        q.put("op", "add_used");
        q.put("num", 2);
        q.set("maps", mcMaps());
        q.putArray("used").add(0).add(0);
        q.put("last_used", lastUsed);
        ArrayNode hs = q.putArray("heads");
        for (int h : heads) {
            hs.add(h);
        }
        return q;
    }

    /**
     * Finding F005 (vhost_add_used_n splits a batch once): no trace reaches it (MaxBatch 2 with a
     * ring of 2: a batch never exceeds room + num >= 3), so it is shown by direct calls. A batch of
     * room + num heads wraps once and is fine; one more is written past used->ring, which ASan
     * reports in the used ring block (its exact size) from vhost_put_used under __vhost_add_used_n.
     */
    @ParameterizedTest
    @ValueSource(strings = {"linux-6.1", "linux-6.12"})
    void aBatchPastRoomPlusNumOverrunsTheUsedRing(String target) {
        Path exe = build(target).exe("ring");
        try (KernelProcess k = KernelProcess.start(exe)) {
            ObjectNode a = k.call(addUsed(1, 1, 0, 1));   // room 1 at slot 1, then 0 and 1 from slot 0
            assertEquals(0, a.get("ret").asInt(), a.toString());
            assertEquals("[0,1]", a.get("used").toString(), a.toString());
            assertEquals(4, a.get("last_used").asInt(), a.toString());
            assertEquals(4, a.get("used_idx").asInt(), a.toString());
        }
        try (KernelProcess k = KernelProcess.start(exe)) {
            KernelCrash c = assertThrows(KernelCrash.class, () -> k.call(addUsed(1, 1, 0, 1, 0)));
            String msg = c.getMessage();
            assertTrue(msg.contains("AddressSanitizer: heap-buffer-overflow"), msg);
            assertTrue(msg.contains("WRITE of size 24"), msg);   // the second chunk: 3 entries of 8 bytes from slot 0
            assertTrue(msg.contains("in vhost_put_used"), msg);
            assertTrue(msg.contains("in __vhost_add_used_n"), msg);
        }
    }

    private static int edge(List<String> lines, Predicate<JsonNode> p) throws IOException {
        for (int i = 2; i < lines.size(); i++) {
            if (p.test(JSON.readTree(lines.get(i)))) {
                return i;
            }
        }
        throw new AssertionError("no such edge");
    }

    private static SuiteResult replayEdge(Path tmp, List<String> lines, String edge, String target) throws IOException {
        Path f = tmp.resolve("edge-" + target + ".ndjson");
        Files.write(f, List.of(lines.get(0), lines.get(1), edge));
        return Replayer.replay(f, target);
    }

    /** The kernel machine catches a wrong expectation: a forged log entry length, a forged next index. */
    @ParameterizedTest
    @ValueSource(strings = {"linux-6.1", "linux-6.12"})
    void aForgedEdgeIsADivergenceAtTheField(String target, @TempDir Path tmp) throws IOException {
        build(target);
        List<String> lines = Files.readAllLines(GRAPH.get(RING));
        // a WalkDesc that logs a writable descriptor and goes on along the chain
        int k = edge(lines, e -> e.path("action").asText().equals("WalkDesc")
                && e.path("state").path("walk").path("phase").asText().equals("desc")
                && e.path("state").path("walk").path("buf").path("log").size() == 1);
        assertEquals(0, replayEdge(tmp, lines, lines.get(k), target).mismatches(), lines.get(k));
        ObjectNode e = (ObjectNode) JSON.readTree(lines.get(k));
        ObjectNode log0 = (ObjectNode) e.get("state").get("walk").get("buf").get("log").get(0);
        long len = Hex.parse(log0.get("len"), "len");
        log0.put("len", Hex.of(len + 1));
        SuiteResult r = replayEdge(tmp, lines, JSON.writeValueAsString(e), target);
        assertEquals(1, r.mismatches());
        assertEquals("walk.buf.log[0].len", r.divergences().get(0).field());
        assertEquals(Hex.of(len + 1), r.divergences().get(0).expected());
        assertEquals(Hex.of(len), r.divergences().get(0).actual());

        e = (ObjectNode) JSON.readTree(lines.get(k));
        ObjectNode w = (ObjectNode) e.get("state").get("walk");
        int i = w.get("i").asInt();
        w.put("i", i ^ 1);
        r = replayEdge(tmp, lines, JSON.writeValueAsString(e), target);
        assertEquals(1, r.mismatches());
        assertEquals("walk.i", r.divergences().get(0).field());
        assertEquals(String.valueOf(i), r.divergences().get(0).actual());
    }
}
