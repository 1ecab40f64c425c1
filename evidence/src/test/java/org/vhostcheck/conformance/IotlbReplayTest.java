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

/** The Iotlb Java model against the memory-table state graph: maps are an ordered list, walks compare field by field. */
class IotlbReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TraceFixture graph;
    private static List<String> lines;

    @BeforeAll
    static void export() throws IOException {
        graph = TraceFixture.graph("Iotlb_Umem");
        lines = graph.lines;
    }

    private static int edge(Predicate<JsonNode> p) throws IOException {
        return graph.edge(p);
    }


    @Test
    void theGraphReplaysCleanly() throws IOException {
        SuiteResult r = Replayer.replay(graph.file, "java");
        assertEquals(0, r.mismatches(), r.divergences().toString());
        assertEquals(lines.size() - 2, r.transitions());
    }

    @Test
    void mapsAreAListSoTheirOrderMatters(@TempDir Path tmp) throws IOException {
        // RETIRE evicts the oldest map: a table in another order is another state
        int k = edge(e -> e.path("state").path("maps").size() >= 2);
        ObjectNode e = (ObjectNode) JSON.readTree(lines.get(k));
        ArrayNode maps = (ArrayNode) e.get("state").get("maps");
        JsonNode first = maps.remove(0);
        maps.add(first);
        SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(e));
        assertEquals(1, r.mismatches());
        assertTrue(r.divergences().get(0).field().startsWith("maps["), r.divergences().toString());
    }

    @Test
    void aSegmentOneByteLongerIsADivergence(@TempDir Path tmp) throws IOException {
        int k = edge(e -> e.path("state").path("segs").size() >= 1);
        ObjectNode e = (ObjectNode) JSON.readTree(lines.get(k));
        ObjectNode seg = (ObjectNode) e.get("state").get("segs").get(0);
        seg.put("len", Hex.of(Long.parseUnsignedLong(seg.get("len").asText().substring(2), 16) + 1));
        SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(e));
        assertEquals(1, r.mismatches());
        assertEquals("segs[0].len", r.divergences().get(0).field());
    }

    @Test
    void theSizeZeroRegionAtZeroIsTheFullRangeInTwoHalves() throws IOException {
        // today's kernel: gpa 0, size 0 -> last = 2^64 - 1 -> split at 2^63 (CVE-2022-48862 fix)
        int k = edge(e -> e.path("action").asText().equals("SetMemTable")
                && e.path("params").path("regions").size() == 1
                && e.path("params").path("regions").get(0).path("size").asText().equals("0x0")
                && e.path("params").path("regions").get(0).path("gpa").asText().equals("0x0"));
        JsonNode maps = JSON.readTree(lines.get(k)).get("state").get("maps");
        assertEquals(2, maps.size(), maps.toString());
        assertEquals("0x7fffffffffffffff", maps.get(0).get("last").asText());
        assertEquals("0x8000000000000000", maps.get(1).get("start").asText());
        assertEquals("0xffffffffffffffff", maps.get(1).get("last").asText());
        assertEquals("0x8000000000000000", maps.get(1).get("size").asText());
    }

    @Test
    void anUnknownWalkIsABadTraceLine(@TempDir Path tmp) throws IOException {
        int k = edge(e -> e.path("action").asText().equals("Translate"));
        String line = lines.get(k).replace("\"kind\":\"translate_desc\"", "\"kind\":\"bogus\"");
        Path f = tmp.resolve("bad.ndjson");
        Files.write(f, List.of(lines.get(0), lines.get(1), line));
        VhostcheckException x = assertThrows(VhostcheckException.class, () -> Replayer.replay(f, "java"));
        assertTrue(x.getMessage().startsWith(f + ":3: "), x.getMessage());
        assertTrue(x.getMessage().contains("params.kind"), x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
    }

    @Test
    void aModelWithAGuardRemovedIsNotReplayed(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("broken.ndjson");
        Files.write(f, List.of(lines.get(0).replace("\"PermChecked\":true", "\"PermChecked\":false"), lines.get(1)));
        VhostcheckException x = assertThrows(VhostcheckException.class, () -> Replayer.replay(f, "java"));
        assertTrue(x.getMessage().contains("constants.PermChecked is false"), x.getMessage());
        assertTrue(!x.getMessage().contains("\n"), x.getMessage());
    }
}
