package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostcheck mutate}, a sample of the catalogue (the whole run belongs to {@code all} and {@code bench}): a
 * guard removed from the real 6.1 source is killed by today's suites and equals its broken model; the same mutant
 * survives a deliberately weakened suite (exit 1: the check can fail); an edit that does not apply is one line.
 */
class MutateCommandTest {

    @Test
    void putu16ReadOnlyOnLinux61IsKilledAndIsItsBrokenModel() {
        // linux 6.1's putu16_iotlb with VHOST_MAP_RO (what 6.12 has: finding F004), through the small vringh suites
        Cli r = Cli.run("mutate", "--guard", "PutU16Access", "--target", "linux-6.1", "--model", "VirtQueue_Vringh_61", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals(1, r.json().get("mutants").size());
        JsonNode m = r.json().get("mutants").get(0);
        assertEquals("PutU16Access", m.get("guard").asText());
        assertEquals("drivers/vhost/vringh.c", m.get("file").asText());
        assertEquals("putu16_iotlb", m.get("function").asText());
        assertTrue(m.get("line").asInt() > 0, m.toString());
        assertEquals(List.of("ring"), List.of(m.get("parts").get(0).asText()), "only the part that builds vringh.c is rebuilt");
        assertTrue(m.get("killed").asBoolean(), m.toString());
        JsonNode f = m.get("firstDivergence");
        assertEquals("VirtQueue_Vringh_61", f.get("model").asText(), f.toString());
        assertEquals("U16Access", f.get("action").asText(), f.toString());
        // the kernel minus the guard is the model minus the guard (its switch as in VirtQueue_Vringh): no divergence
        assertTrue(m.get("matchesBrokenModel").asBoolean(), m.toString());
        assertEquals("VirtQueue_Vringh_61-PutU16Access1", m.get("brokenModels").get(0).asText());
        assertEquals(1, r.json().get("score").get("guard").get("killed").asInt());
        assertEquals(1, r.json().get("score").get("matchesBrokenModel").get("matched").asInt());
    }

    @Test
    void aWeakenedSuiteLetsTheMutantSurvive(@TempDir Path dir) throws IOException {
        // today's 6.1 vringh graph without a single putu16_iotlb step: nothing shows the wrong access
        Path graph = dir.resolve("vringh61.graph.ndjson");
        Cli e = Cli.run("export", "VirtQueue_Vringh_61", "--graph", "-o", graph.toString());
        assertEquals(0, e.exit(), e.err());
        Path weak = dir.resolve("weak.ndjson");
        Files.write(weak, Files.readAllLines(graph).stream().filter(l -> !l.contains("\"kind\":\"putu16_iotlb\"")).toList());
        Cli r = Cli.run("mutate", "--guard", "PutU16Access", "--target", "linux-6.1", "--suite", weak.toString(), "--json");
        assertEquals(Main.UNEXPECTED, r.exit(), r.err() + r.out());
        JsonNode m = r.json().get("mutants").get(0);
        assertFalse(m.get("killed").asBoolean(), m.toString());
        assertTrue(m.get("firstDivergence").isNull());
        assertTrue(m.get("reason").asText().startsWith("survived: "), m.toString());
        assertTrue(m.get("reason").asText().contains("putu16_iotlb"), m.toString());
        assertEquals(0, r.json().get("score").get("guard").get("killed").asInt());
        // the whole graph kills it
        Cli k = Cli.run("mutate", "--guard", "PutU16Access", "--target", "linux-6.1", "--suite", graph.toString(), "--json");
        assertEquals(0, k.exit(), k.err() + k.out());
        assertTrue(k.json().get("mutants").get(0).get("killed").asBoolean());
    }

    @Test
    void anEditThatDoesNotApplyIsOneLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mutants.json");
        Files.writeString(f, """
                {"mutants": [{"id": "LastChecked", "guard": "LastChecked", "what": "a guard text that is not in the function",
                  "edits": [{"kernels": ["linux-6.12"], "file": "drivers/vhost/iotlb.c", "function": "vhost_iotlb_add_range_ctx",
                             "find": "if (last <= start)", "replace": ""}]}]}
                """);
        String line = Cli.run("mutate", "--mutants", f.toString(), "--target", "linux-6.12").assertBadInput();
        assertEquals("vhostcheck: mutant LastChecked: linux-6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: "
                + "the text to replace is not in the function (did it change?)", line);

        Cli.replace(f, "\"function\": \"vhost_iotlb_add_range_ctx\"", "\"function\": \"vhost_poll_start\"");
        Cli.replace(f, "drivers/vhost/iotlb.c", "drivers/vhost/vhost.c");
        line = Cli.run("mutate", "--mutants", f.toString(), "--target", "linux-6.12").assertBadInput();
        assertTrue(line.contains("mutant LastChecked: linux-6.12 drivers/vhost/vhost.c vhost_poll_start: no harness part builds"), line);

        Cli.replace(f, "\"guard\": \"LastChecked\"", "\"guard\": \"NoSuchGuard\"");
        line = Cli.run("mutate", "--mutants", f.toString()).assertBadInput();
        assertTrue(line.contains("mutants.json: mutant LastChecked: no guard named 'NoSuchGuard'"), line);

        line = Cli.run("mutate", "--target", "linux-9.9").assertBadInput();
        assertTrue(line.contains("unknown kernel target 'linux-9.9' (known: linux-6.1, linux-6.12)"), line);
    }
}
