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

/**
 * {@code drift --trace}: a divergence no cause explains is UNEXPLAINED (exit 1), one a cause
 * explains is not (exit 0); {@code drift --show} writes the trace that reproduces it, and
 * {@code conform} on that trace shows the same divergence. Runs in a copy of the project root.
 */
class DriftCommandTest {
    @TempDir
    static Path dir;
    private static Path home;
    private static Path tampered;

    @BeforeAll
    static void tamperedGraph() throws IOException {
        home = Cli.copyHome(dir.resolve("home"));
        Files.createDirectories(home.resolve("conformance"));
        Files.writeString(home.resolve("conformance/drift.json"), "{\"causes\":[]}");
        Path f = dir.resolve("graph.ndjson");
        Cli r = Cli.run("export", "--home", home.toString(), "U64Reg", "--graph", "-o", f.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        String load = "\"action\":\"Load\",\"params\":{\"v\":\"0x0\"},\"state\":{\"reg\":\"0x0\"";
        int k = 1;
        while (!lines.get(k).contains(load)) {
            k++;
        }
        lines.set(k, lines.get(k).replace(load, load.replace("\"reg\":\"0x0\"", "\"reg\":\"0x5\"")));
        tampered = Files.write(dir.resolve("tampered.ndjson"), lines);
    }

    @Test
    void unexplainedDivergenceIsListedShownAndReproduced() throws IOException {
        Cli r = Cli.run("drift", "--home", home.toString(), "--json", "--trace", tampered.toString());
        assertEquals(1, r.exit(), r.err() + r.out());
        JsonNode d = r.json().get("divergences");
        assertEquals(1, d.size(), r.out());
        JsonNode item = d.get(0);
        assertEquals("U64Reg", item.get("model").asText());
        assertEquals("java", item.get("target").asText());
        assertEquals("Load", item.get("action").asText());
        assertEquals("reg", item.get("field").asText());
        assertEquals("0x5", item.get("expected").asText());
        assertEquals("0x0", item.get("actual").asText());
        assertTrue(item.get("explanation").asText().startsWith("UNEXPLAINED"), item.toString());
        assertTrue(Files.exists(home.resolve(DriftCommand.OUT)), "the results are kept for --show");

        String id = item.get("id").asText();
        Cli show = Cli.run("drift", "--home", home.toString(), "--show", id);
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().contains("reg") && show.out().contains("reg = 0x0"), show.out());
        Path repro = home.resolve("target/drift/" + id + ".ndjson");
        assertEquals(2, Files.readAllLines(repro).size(), "the header and the one edge");
        Cli again = Cli.run("conform", "--home", home.toString(), "--json", "--trace", repro.toString());
        assertEquals(1, again.exit(), again.err());
        assertEquals(1, again.json().get("suites").get(0).get("mismatches").asLong());
    }

    @Test
    void explainedDivergenceIsExpected() throws IOException {
        Path h = Cli.copyHome(dir.resolve("explained"));
        Files.createDirectories(h.resolve("conformance"));
        Files.writeString(h.resolve("conformance/drift.json"), "{\"causes\":[{\"id\":\"T1\",\"model\":\"U64Reg\","
                + "\"target\":\"java\",\"key\":\"Load reg\",\"explanation\":\"the test tampered with it\",\"verdict\":\"model gap\"}]}");
        Cli r = Cli.run("drift", "--home", h.toString(), "--json", "--trace", tampered.toString());
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals("T1", r.json().get("causes").get(0).get("cause").asText());
        Cli c = Cli.run("conform", "--home", h.toString(), "--trace", tampered.toString());
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(c.out().contains("EXPLAINED"), c.out());
    }

    @Test
    void unknownIdIsBadInput() {
        Cli.run("drift", "--home", home.toString(), "--trace", tampered.toString());
        String line = Cli.run("drift", "--home", home.toString(), "--show", "Dnope").assertBadInput();
        assertTrue(line.contains("no divergence with id 'Dnope'"), line);
    }

    @Test
    void unknownTargetIsBadInput() {
        String line = Cli.run("conform", "--home", home.toString(), "--target", "linux-2.6").assertBadInput();
        assertTrue(line.contains("unknown target 'linux-2.6'"), line);
    }
}
