package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vhostcheck coverage on one small suite (the IOTLB edge model through linux-6.12's coverage build): per function the
 * lines run and branches taken, every untaken branch listed, and the run fails until each has a reason.
 */
class CoverageCommandTest {
    @Test
    void untakenBranchesFailUntilEachHasAReason(@TempDir Path dir) throws IOException {
        Cli r = Cli.run("coverage", "--target", "linux-6.12", "--model", "Iotlb_Edges", "--reasons", empty(dir).toString(), "--json");
        assertEquals(Main.UNEXPECTED, r.exit(), r.err());
        JsonNode t = r.json().get("targets").get(0);
        assertEquals("linux-6.12", t.get("target").asText());
        assertEquals(List.of("Iotlb_Edges"), List.of(t.get("models").get(0).asText()));
        JsonNode add = null;
        List<String> reasons = new ArrayList<>();
        for (JsonNode f : t.get("functions")) {
            if (f.get("function").asText().equals("vhost_iotlb_add_range_ctx")) {
                add = f;
            }
            if (f.get("untaken").size() > 0) {
                reasons.add("{\"target\": \"linux-6.12\", \"file\": \"" + f.get("file").asText() + "\", \"function\": \""
                        + f.get("function").asText() + "\", \"reason\": \"the edge model's scope\"}");
            }
        }
        assertTrue(add != null && add.get("entered").asBoolean(), t.toString());
        assertEquals("drivers/vhost/iotlb.c", add.get("file").asText());
        assertTrue(add.get("linesRun").asInt() > 0 && add.get("linesRun").asInt() < add.get("lines").asInt(), add.toString());
        // kmalloc never fails in the harness: its branch is among the untaken, with the source line
        boolean nomem = false;
        for (JsonNode u : add.get("untaken")) {
            nomem |= u.get("source").asText().equals("if (!map)") && u.get("reason").isNull();
        }
        assertTrue(nomem, add.get("untaken").toString());
        JsonNode k = t.get("kernel");
        assertTrue(k.get("linesRun").asInt() > 0 && k.get("branchesTaken").asInt() < k.get("branches").asInt(), k.toString());
        assertTrue(t.get("harness").get("lines").asInt() > 0, "our harness code counted apart");
        assertEquals(r.json().get("unexplained").asInt(), t.get("functions").findValues("untaken").stream()
                .mapToInt(JsonNode::size).sum());

        // a reason for every function with untaken branches, and one for a function never entered (no branches: its
        // lines): as expected; one more that explains nothing: stale
        reasons.add("{\"target\": \"both\", \"file\": \"drivers/vhost/iotlb.c\", \"function\": \"vhost_iotlb_itree_next\", "
                + "\"reason\": \"no caller in vhost\"}");
        Path f = dir.resolve("coverage.json");
        Files.writeString(f, "{\"unreached\": [" + String.join(",\n", reasons) + "]}");
        Cli ok = Cli.run("coverage", "--target", "linux-6.12", "--model", "Iotlb_Edges", "--reasons", f.toString());
        assertEquals(Main.AS_EXPECTED, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("0 untaken branches without a reason"), ok.out());
        assertTrue(ok.out().contains("0 (never entered: a reason)"), ok.out());
        reasons.add("{\"target\": \"both\", \"file\": \"drivers/vhost/iotlb.c\", \"function\": \"vhost_iotlb_add_range\", "
                + "\"line\": 1, \"reason\": \"nothing there\"}");
        Files.writeString(f, "{\"unreached\": [" + String.join(",\n", reasons) + "]}");
        Cli stale = Cli.run("coverage", "--target", "linux-6.12", "--model", "Iotlb_Edges", "--reasons", f.toString());
        assertEquals(Main.UNEXPECTED, stale.exit(), stale.out());
        assertTrue(stale.out().contains("stale reason in coverage.json: drivers/vhost/iotlb.c vhost_iotlb_add_range:1"), stale.out());
    }

    @Test
    void badReasonsAreOneLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("coverage.json");
        Files.writeString(f, "{\"unreached\": [{\"target\": \"linux-9\", \"file\": \"a.c\", \"function\": \"f\", \"reason\": \"r\"}]}");
        String line = Cli.run("coverage", "--reasons", f.toString()).assertBadInput();
        assertTrue(line.contains("unreached[0]: target must be one of linux-6.1, linux-6.12 or both"), line);
        Files.writeString(f, "{\"unreached\": [{\"target\": \"both\", \"file\": \"a.c\", \"function\": \"f\"}]}");
        line = Cli.run("coverage", "--reasons", f.toString()).assertBadInput();
        assertTrue(line.contains("missing field 'reason'"), line);
        line = Cli.run("coverage", "--reasons", dir.resolve("none.json").toString()).assertBadInput();
        assertTrue(line.contains("no such coverage reasons file"), line);
        line = Cli.run("coverage", "--target", "linux-9.9").assertBadInput();
        assertFalse(line.isBlank());
    }

    private static Path empty(Path dir) throws IOException {
        Path f = dir.resolve("empty.json");
        Files.writeString(f, "{\"unreached\": []}");
        return f;
    }
}
