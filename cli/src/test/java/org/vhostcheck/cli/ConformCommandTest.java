package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conform --trace} on an exported graph, on a tampered copy, and on bad files. */
class ConformCommandTest {
    @TempDir
    static Path dir;
    private static List<String> graph;

    @BeforeAll
    static void exportGraph() throws IOException {
        Path f = dir.resolve("graph.ndjson");
        Cli r = Cli.run("export", "U64Reg", "--graph", "-o", f.toString());
        assertEquals(0, r.exit(), r.err());
        graph = Files.readAllLines(f);
    }

    private static Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    @Test
    void exportedGraphReplaysWithoutMismatch() throws IOException {
        Cli r = Cli.run("conform", "--json", "--trace", write("ok.ndjson", graph).toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode s = r.json().get("suites").get(0);
        assertEquals(graph.stream().filter(l -> l.startsWith("{\"from\"")).count(), s.get("transitions").asLong());
        assertEquals(0, s.get("mismatches").asLong());
        assertEquals(s.get("actionsTotal").asInt(), s.get("actionsCovered").asInt());
    }

    @Test
    void tamperedStateIsShownAsFieldDiffAndExits1() throws IOException {
        List<String> lines = new ArrayList<>(graph);
        String load = "\"action\":\"Load\",\"params\":{\"v\":\"0x0\"},\"state\":{\"reg\":\"0x0\"";
        int k = 1;
        while (!lines.get(k).contains(load)) {
            k++;
        }
        lines.set(k, lines.get(k).replace(load, load.replace("\"reg\":\"0x0\"", "\"reg\":\"0x5\"")));
        Cli r = Cli.run("conform", "--trace", write("tampered.ndjson", lines).toString());
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("Divergences"), r.out());
        assertTrue(r.out().matches("(?s).*\\b" + (k + 1) + "\\s+Load\\s+reg\\s+0x5\\s+0x0.*"), r.out());
    }

    @Test
    void missingTraceIsBadInput() {
        String line = Cli.run("conform", "--trace", dir.resolve("absent.ndjson").toString()).assertBadInput();
        assertTrue(line.contains("absent.ndjson"), line);
    }

    @Test
    void truncatedLineIsBadInput() throws IOException {
        List<String> lines = new ArrayList<>(graph.subList(0, 10));
        lines.set(9, lines.get(9).substring(0, lines.get(9).length() / 2));
        String line = Cli.run("conform", "--trace", write("truncated.ndjson", lines).toString()).assertBadInput();
        assertTrue(line.contains("truncated.ndjson:10"), line);
    }
}
