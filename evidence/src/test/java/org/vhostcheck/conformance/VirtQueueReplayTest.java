package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.model.VhostcheckException;

/** The VirtQueue Java model against the ring's state graph: what each kernel rule shows in a replayed state. */
class VirtQueueReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TraceFixture graph;
    private static List<String> lines;

    @BeforeAll
    static void export() throws IOException {
        graph = TraceFixture.graph("VirtQueue");
        lines = graph.lines;
    }

    private static int edge(Predicate<JsonNode> p) throws IOException {
        return graph.edge(p);
    }


    private static String action(JsonNode e) {
        return e.path("action").asText();
    }

    @Test
    void theGraphReplaysCleanly() throws IOException {
        SuiteResult r = Replayer.replay(graph.file, "java");
        assertEquals(0, r.mismatches(), r.divergences().toString());
        assertEquals(lines.size() - 2, r.transitions());
        assertEquals(r.actionsTotal(), r.actionsCovered());
    }

    @Test
    void aZeroLengthWritableDescriptorGetsNoLogEntry(@TempDir Path tmp) throws IOException {
        // CVE-2019-14835: if (log && ret); a log entry without an iov entry is a divergence
        int k = edge(e -> action(e).equals("WalkDesc") && e.path("state").path("walk").path("phase").asText().equals("desc")
                && e.path("from").path("desc").get(e.path("from").path("walk").path("i").asInt() % 2).path("len").asText().equals("0x0")
                && e.path("from").path("desc").get(e.path("from").path("walk").path("i").asInt() % 2).path("flags").asInt() == 3);
        ObjectNode e = (ObjectNode) JSON.readTree(lines.get(k));
        ObjectNode buf = (ObjectNode) e.get("state").get("walk").get("buf");
        assertEquals(0, buf.get("log").size(), buf.toString());
        ObjectNode entry = ((ArrayNode) buf.get("log")).addObject();
        entry.put("addr", "0x200");
        entry.put("len", "0x0");
        SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(e));
        assertEquals(1, r.mismatches());
        assertEquals("walk.buf.log", r.divergences().get(0).field());
    }

    @Test
    void aMoveByMoreThanTheRingIsRefused() throws IOException {
        // vhost_get_avail_idx: (u16)(avail_idx - last_avail_idx) > num -> -EINVAL, nothing taken
        int k = edge(e -> action(e).equals("GetHead") && e.path("state").path("ret").asInt() == -22);
        JsonNode e = JSON.readTree(lines.get(k));
        int moved = (e.path("from").path("availIdx").asInt() - e.path("from").path("lastAvail").asInt() + 65536) % 65536;
        assertTrue(moved > 2, e.toString());
        assertEquals(e.path("from").path("lastAvail"), e.path("state").path("lastAvail"));
    }

    @Test
    void aBatchPastTheEndOfTheUsedRingIsSplit() throws IOException {
        // InitIdx 0xffff: the first two heads land in slot 1 and then slot 0
        int k = edge(e -> action(e).equals("AddUsedN") && e.path("params").path("n").asInt() == 2
                && e.path("from").path("lastUsed").asInt() % 2 == 1);
        JsonNode e = JSON.readTree(lines.get(k));
        JsonNode done = e.path("state").path("done");
        JsonNode used = e.path("state").path("used");
        int n = done.size();
        assertEquals(done.get(n - 2), used.get(1), e.toString());
        assertEquals(done.get(n - 1), used.get(0), e.toString());
    }

    @Test
    void aStateOnlyABrokenModelReachesIsABadTraceLine(@TempDir Path tmp) throws IOException {
        int k = edge(e -> action(e).equals("WalkDesc"));
        String line = lines.get(k).replaceFirst("\"oob\":false", "\"oob\":true");
        Path f = tmp.resolve("bad.ndjson");
        Files.write(f, List.of(lines.get(0), lines.get(1), line));
        VhostcheckException x = assertThrows(VhostcheckException.class, () -> Replayer.replay(f, "java"));
        assertTrue(x.getMessage().startsWith(f + ":3: "), x.getMessage());
        assertTrue(x.getMessage().contains("oob is true"), x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
    }

    @Test
    void aModelWithAGuardRemovedIsNotReplayed(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("broken.ndjson");
        Files.write(f, List.of(lines.get(0).replace("\"LogOnlyIfIov\":true", "\"LogOnlyIfIov\":false"), lines.get(1)));
        VhostcheckException x = assertThrows(VhostcheckException.class, () -> Replayer.replay(f, "java"));
        assertTrue(x.getMessage().contains("constants.LogOnlyIfIov is false"), x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
    }
}
