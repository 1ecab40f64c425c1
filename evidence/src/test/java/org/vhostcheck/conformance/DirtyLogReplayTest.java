package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DirtyLog Java model against its TLC state graph: sets compare as sets, and tampering is seen. */
class DirtyLogReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TraceFixture graph;
    private static List<String> lines;

    @BeforeAll
    static void export() throws IOException {
        graph = TraceFixture.graph("DirtyLog_Fix");
        lines = graph.lines;
    }

    /** The first edge after which `field` holds at least two elements. */
    private static int edgeWithSet(String field) throws IOException {
        for (int i = 2; i < lines.size(); i++) {
            if (JSON.readTree(lines.get(i)).path("state").path(field).size() >= 2) {
                return i;
            }
        }
        throw new AssertionError("no edge with two elements in " + field);
    }

    @Test
    void setsCompareWithoutRegardToOrder(@TempDir Path tmp) throws IOException {
        int k = edgeWithSet("validated");
        ObjectNode edge = (ObjectNode) JSON.readTree(lines.get(k));
        ArrayNode v = (ArrayNode) edge.get("state").get("validated");
        List<JsonNode> items = new ArrayList<>();
        v.forEach(items::add);
        v.removeAll();
        for (int i = items.size() - 1; i >= 0; i--) {
            v.add(items.get(i));
        }
        SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(edge));
        assertEquals(0, r.mismatches(), r.divergences().toString());
    }

    @Test
    void aWrongValidatedRangeIsADivergence(@TempDir Path tmp) throws IOException {
        int k = edgeWithSet("validated");
        ObjectNode edge = (ObjectNode) JSON.readTree(lines.get(k));
        ((ObjectNode) edge.get("state").get("validated").get(0)).put("hi", "0xdead");
        SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(edge));
        assertEquals(1, r.mismatches());
        assertTrue(r.divergences().get(0).field().startsWith("validated["), r.divergences().toString());
    }

    @Test
    void aWrongErrorCodeIsADivergence(@TempDir Path tmp) throws IOException {
        for (int i = 2; i < lines.size(); i++) {
            JsonNode edge = JSON.readTree(lines.get(i));
            if (edge.path("state").path("ret").asInt() == -14) {
                ((ObjectNode) edge.get("state")).put("ret", 0);
                SuiteResult r = graph.replayWith(tmp, JSON.writeValueAsString(edge));
                assertEquals(1, r.mismatches());
                assertEquals("ret", r.divergences().get(0).field());
                return;
            }
        }
        throw new AssertionError("no failing ioctl in the graph");
    }
}
