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
import org.vhostcheck.conformance.mutate.EquivalentMutants;
import org.vhostcheck.conformance.mutate.Mutation;

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
        line = Cli.run("mutate", "--generated", "--jobs", "0", "--target", "linux-6.1").assertBadInput();
        assertTrue(line.contains("--jobs must be at least 1"), line);
        line = Cli.run("mutate", "--jobs", "-2").assertBadInput();
        assertTrue(line.contains("--jobs must be at least 1"), line);
    }

    @Test
    void generatedMutantsOfPutu16OnLinux61AreKilledOrRecordedEquivalent() {
        // two of 6.1 putu16_iotlb's generated mutants (the 1st and the 4th of 7), through the small vringh suites
        Cli r = Cli.run("mutate", "--generated", "--target", "linux-6.1", "--model", "VirtQueue_Vringh_61", "--function", "putu16_iotlb",
                "--sample", "2", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode rows = r.json().get("mutants");
        assertEquals(2, rows.size(), rows.toString());
        JsonNode k = rows.get(0);
        assertEquals("putu16_iotlb:1253:1to2", k.get("id").asText());
        assertEquals("generated", k.get("kind").asText());
        assertTrue(k.get("guard").isNull());
        assertEquals("&iov, 1, VHOST_MAP_WO);", k.get("source").asText());
        assertEquals("drivers/vhost/vringh.c", k.get("file").asText());
        assertEquals(1253, k.get("line").asInt());
        assertEquals(List.of("ring"), List.of(k.get("parts").get(0).asText()));
        assertTrue(k.get("killed").asBoolean(), k.toString());
        assertEquals("killed", k.get("status").asText());
        assertEquals("VirtQueue_Vringh_61", k.get("firstDivergence").get("model").asText());
        assertTrue(k.get("matchesBrokenModel").isNull(), "a generated mutant has no broken model");
        // ret < 1 for ret < 0: iotlb_translate never returns 0 there (conformance/mutants.json says why)
        JsonNode e = rows.get(1);
        assertEquals("putu16_iotlb:1254:0to1", e.get("id").asText());
        assertEquals("if (ret < 0)", e.get("source").asText());
        assertFalse(e.get("killed").asBoolean());
        assertEquals("equivalent", e.get("status").asText());
        assertTrue(e.get("equivalent").asText().contains("never 0"), e.toString());
        JsonNode g = r.json().get("score").get("generated");
        assertEquals(1, g.get("killed").asInt());
        assertEquals(2, g.get("total").asInt());
        assertEquals(0, g.get("stillborn").asInt());
        assertEquals(1, g.get("equivalent").asInt());
        assertEquals(0, g.get("survived").asInt());
        assertEquals(0, g.get("notReached").asInt());
        assertEquals(0, r.json().get("score").get("guard").get("total").asInt());
    }

    private static Mutation.Result generated(String id, boolean killed, boolean stillborn, String source) {
        return new Mutation.Result(id, "generated", null, "linux-6.1", source, List.of(new Mutation.Place("drivers/vhost/vringh.c",
                id.substring(0, id.indexOf(':')), Integer.parseInt(id.split(":")[1]))), List.of("ring"), killed,
                killed ? new Mutation.FirstDivergence("VirtQueue_Vringh_61", "t.ndjson", 5, "U16Access", "copy.ret", "0", "1\nASan ...")
                        : null, null, List.of(), killed ? null : stillborn ? "STILLBORN: error: ..." : "survived: ...", 1.0, 2.0,
                source, stillborn);
    }

    @Test
    void anUnrecordedSurvivorIsListedWithItsSourceLineAndFails(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mutants.json");
        Files.writeString(f, """
                {"equivalent": [
                  {"id": "putu16_iotlb:1254:0to1", "target": "linux-6.1", "reason": "ret is never 0"},
                  {"id": "putu16_iotlb:1262:0to1", "target": "both", "reason": "a wrong reason"}]}
                """);
        EquivalentMutants eq = EquivalentMutants.load(f);
        List<Mutation.Result> rs = List.of(
                generated("putu16_iotlb:1253:1to2", true, false, "&iov, 1, VHOST_MAP_WO);"),
                generated("putu16_iotlb:1254:0to1", false, false, "if (ret < 0)"),
                generated("putu16_iotlb:1254:<to<=", false, false, "if (ret < 0)"),
                generated("copy_from_iotlb:1170:16to17", false, true, "struct bio_vec iov[16];"));
        Report r = MutateCommand.report("generated-mutants", rs, eq);
        assertEquals(Main.UNEXPECTED, r.exitCode(), r.text());
        assertEquals(1, r.unexpected(), "one survivor neither killed nor recorded");
        assertTrue(r.text().contains("survivors (neither killed nor recorded equivalent in conformance/mutants.json):\n"
                + "  putu16_iotlb:1254:<to<= on linux-6.1: drivers/vhost/vringh.c:1254: if (ret < 0)\n"), r.text());
        assertTrue(r.text().contains("mutation score: 1/4 generated mutants killed (1 stillborn, 1 equivalent, 1 survived)"), r.text());
        assertFalse(r.text().contains("ASan"), "a kernel crash's first line only in the text: " + r.text());
        JsonNode g = r.json().get("score").get("generated");
        assertEquals(List.of(1, 4, 1, 1, 1), List.of(g.get("killed").asInt(), g.get("total").asInt(), g.get("stillborn").asInt(),
                g.get("equivalent").asInt(), g.get("survived").asInt()));
        assertEquals(0, g.get("notReached").asInt(), "the survivor ran its line");
        // a survivor on a line no suite runs is counted apart
        Mutation.Result x = rs.get(2);
        Mutation.Result unreached = new Mutation.Result(x.id(), x.kind(), null, x.target(), x.what(), x.edits(), x.parts(), false, null,
                null, List.of(), "survived: no suite of today's linux-6.1 models reaches drivers/vhost/vringh.c:1254 (...)",
                1.0, 1.0, x.source(), false);
        Report u = MutateCommand.report("generated-mutants", List.of(rs.get(0), unreached), eq);
        assertEquals(1, u.json().get("score").get("generated").get("notReached").asInt());
        assertEquals(1, u.json().get("score").get("linux-6.1").get("notReached").asInt());
        assertTrue(u.text().contains("1 survived, 1 of them on lines no suite runs"), u.text());
        assertEquals(List.of("killed", "equivalent", "SURVIVED", "stillborn"),
                List.of(r.json().get("mutants").get(0).get("status").asText(), r.json().get("mutants").get(1).get("status").asText(),
                        r.json().get("mutants").get(2).get("status").asText(), r.json().get("mutants").get(3).get("status").asText()));
        // recorded as equivalent and killed anyway: the record is wrong, and that fails too
        Report w = MutateCommand.report("generated-mutants", List.of(generated("putu16_iotlb:1262:0to1", true, false, "return 0;")), eq);
        assertEquals(Main.UNEXPECTED, w.exitCode(), w.text());
        assertTrue(w.text().contains("killed, yet mutants.json records it equivalent (a wrong reason): the reason is wrong"), w.text());
        // all killed or recorded: as expected
        assertEquals(Main.AS_EXPECTED, MutateCommand.report("generated-mutants", rs.subList(0, 2), eq).exitCode());
    }

    @Test
    void aStaleEquivalentEntryIsOneLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mutants.json");
        Files.writeString(f, """
                {"equivalent": [{"id": "putu16_iotlb:9999:<to<=", "target": "linux-6.1", "reason": "the line moved"}]}
                """);
        String line = Cli.run("mutate", "--generated", "--target", "linux-6.1", "--function", "putu16_iotlb", "--equivalent", f.toString())
                .assertBadInput();
        assertEquals("vhostcheck: " + f + ": equivalent mutant putu16_iotlb:9999:<to<= on linux-6.1 is stale: no generated mutant "
                + "has that id (did the kernel line change?)", line);
        line = Cli.run("mutate", "--generated", "--target", "linux-6.1", "--function", "no_such_function").assertBadInput();
        assertTrue(line.startsWith("vhostcheck: no generated mutant of function 'no_such_function' on linux-6.1 (functions: "), line);
        line = Cli.run("mutate", "--sample", "3").assertBadInput();
        assertTrue(line.contains("use them with --generated"), line);
    }
}
