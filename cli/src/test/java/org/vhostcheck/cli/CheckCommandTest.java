package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
    @Test
    void jsonReportsBothModelsAsExpected() {
        Cli r = Cli.run("check", "--json", "U64Laws", "U64Laws_NoCarry");
        assertEquals(0, r.exit(), r.err());
        Map<String, JsonNode> byName = new HashMap<>();
        r.json().get("models").forEach(m -> byName.put(m.get("name").asText(), m));
        assertEquals(2, byName.size(), r.out());
        JsonNode laws = byName.get("U64Laws");
        assertEquals("holds", laws.get("outcome").asText());
        assertEquals(484, laws.get("distinctStates").asLong());
        assertEquals("U64", laws.get("spec").asText());
        assertEquals("MCU64Laws.cfg", laws.get("config").asText());
        JsonNode noCarry = byName.get("U64Laws_NoCarry");
        assertEquals("violates:Inv_OverflowIsWrap", noCarry.get("outcome").asText());
        assertEquals(noCarry.get("expected").asText(), noCarry.get("outcome").asText());
        assertTrue(noCarry.get("seconds").isNumber());
    }

    @Test
    void textShowsTheCounterexampleInHex() {
        Cli r = Cli.run("check", "U64Laws_NoCarry");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Counterexample: U64Laws_NoCarry violates Inv_OverflowIsWrap"), r.out());
        assertTrue(r.out().matches("(?s).*Init\\s+[xy] = 0x[0-9a-f]+.*"), r.out());
        assertTrue(r.out().contains(" OK"), r.out());
    }

    @Test
    void wrongExpectedOutcomeExits1(@TempDir Path dir) {
        Path home = Cli.copyHome(dir);
        Cli.replace(home.resolve("spec/manifest.json"), "\"expected\": \"violates:Inv_OverflowIsWrap\"", "\"expected\": \"holds\"");
        Cli r = Cli.run("check", "--home", home.toString(), "U64Laws_NoCarry");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("UNEXPECTED"), r.out());
    }

    @Test
    void wrongStateCountExits1(@TempDir Path dir) {
        Path home = Cli.copyHome(dir);
        Cli.replace(home.resolve("spec/manifest.json"), "\"distinctStates\": 484", "\"distinctStates\": 485");
        Cli r = Cli.run("check", "--json", "--home", home.toString(), "U64Laws");
        assertEquals(1, r.exit(), r.err());
        assertEquals(484, r.json().get("models").get(0).get("distinctStates").asLong());
    }

    @Test
    void unknownModelIsBadInput() {
        String line = Cli.run("check", "NoSuchModel").assertBadInput();
        assertTrue(line.contains("NoSuchModel"), line);
    }

    @Test
    void malformedManifestIsBadInput(@TempDir Path dir) {
        Path home = Cli.copyHome(dir);
        Cli.replace(home.resolve("spec/manifest.json"), "\"models\": [", "\"models\": [[");
        String line = Cli.run("check", "--home", home.toString()).assertBadInput();
        assertTrue(line.contains("manifest.json"), line);
    }

    @Test
    void badOptionIsBadInput() {
        Cli.run("check", "--workers", "0", "U64Laws").assertBadInput();
        Cli.run("check", "--no-such-option").assertBadInput();
    }
}
