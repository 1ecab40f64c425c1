package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.vhostcheck.model.Project;
import org.junit.jupiter.api.Test;

/** {@code vhostcheck fuzz}: a short real run, and bad options. {@code claims} on the project's own files. */
class FuzzCommandTest {
    @Test
    void shortRunReportsExecsCoverageAndNoCrash() {
        Cli r = Cli.run("fuzz", "--target", "u64", "--minutes", "0.15", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode s = r.json();
        assertEquals("u64", s.get("target").asText());
        assertTrue(s.get("execs").asLong() > 1000, r.out());
        assertTrue(s.get("coverage").asLong() > 0 && s.get("features").asLong() > 0, r.out());
        assertEquals(0, s.get("crashes").asInt(), r.out());
        assertTrue(r.err().contains("fuzz u64: "), "progress on stderr: " + r.err());
    }

    @Test
    void unknownTargetIsBadInput() {
        assertEquals("vhostcheck: --target: no fuzz target 'packed-ring' (known: iotlb, dirtylog, ring, u64, trace,"
                + " manifest, tlc-output, claim)", Cli.run("fuzz", "--target", "packed-ring", "--minutes", "1").assertBadInput());
    }

    @Test
    void nonPositiveMinutesIsBadInput() {
        assertEquals("vhostcheck: --minutes must be more than 0 and at most a week, not 0.0",
                Cli.run("fuzz", "--target", "u64", "--minutes", "0").assertBadInput());
    }

    @Test
    void claimsOfTheProjectAreValid() throws IOException {
        Cli r = Cli.run("claims", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode c = r.json().get("claims");
        long files;
        try (Stream<java.nio.file.Path> s = Files.list(Project.home().resolve("claims"))) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
        assertTrue(files >= 5, "claims/ holds " + files + " files");
        assertEquals(files, c.size(), r.out());
        JsonNode f001 = null;
        for (JsonNode claim : c) {
            f001 = claim.get("id").asText().equals("F001") ? claim : f001;
        }
        assertEquals("DirtyLog", f001 == null ? null : f001.get("model").asText(), r.out());
    }
}
