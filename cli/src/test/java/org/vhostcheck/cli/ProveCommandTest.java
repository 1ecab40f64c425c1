package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The expectations file is read before KeY starts: a bad one is one line and exit 2, at once. */
class ProveCommandTest {
    @Test
    void malformedExpectationsAreBadInput(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir);
        Path proofs = Files.createDirectories(home.resolve("jml-verified")).resolve("proofs.json");
        Files.writeString(proofs, "{\"contracts\": [ {\"class\": \"org.vhostcheck.ref.U64\", \"method\": \"add\",\n");
        String line = Cli.run("prove", "--home", home.toString()).assertBadInput();
        assertTrue(line.contains("proofs.json"), line);
    }

    @Test
    void missingExpectationsAreBadInput(@TempDir Path dir) {
        Path home = Cli.copyHome(dir);
        String line = Cli.run("prove", "--json", "--home", home.toString()).assertBadInput();
        assertTrue(line.contains("proofs.json"), line);
    }

    @Test
    void onlyWithABadRegexIsBadInput() {
        String line = Cli.run("prove", "--only", "U64(").assertBadInput();
        assertTrue(line.contains("--only") && line.contains("regular expression"), line);
    }

    /**
     * Only the matching methods, searched afresh ({@code --fresh}: neither replayed nor saved; the default replay of
     * the saved proofs is what the evidence module's KeY shards and SavedProofsTest run).
     */
    @Test
    void onlyProvesJustTheMatchingMethods() {
        Cli r = Cli.run("prove", "--json", "--fresh", "--only", "ref\\.U64\\.(add|lt)$");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"method\" : \"add\"") && r.out().contains("\"method\" : \"lt\""), r.out());
        assertFalse(r.out().contains("\"method\" : \"sub\"") || r.out().contains("U64NoCarry"), r.out());
        for (com.fasterxml.jackson.databind.JsonNode c : r.json().get("contracts")) {
            assertEquals("searched", c.get("how").asText(), c.toString());
            assertEquals("closed", c.get("result").asText(), c.toString());
        }
    }

    @Test
    void saveAndFreshTogetherAreBadInput() {
        String line = Cli.run("prove", "--save", "--fresh").assertBadInput();
        assertTrue(line.contains("--save") && line.contains("--fresh"), line);
    }
}
