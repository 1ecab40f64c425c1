package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostcheck review --guard}: a kernel guard with a KeY proof (broken: counterexample, refused by both real
 * kernels; fixed: holds, proof closed, twin open), a proposed fix without one (said plainly), and a review whose
 * broken model does not break the invariant (exit 1).
 */
class ReviewCommandTest {

    @Test
    void kernelGuardWithItsProof() {
        Cli.Both both = Cli.runBoth("review", "--guard", "LenClamped");
        Cli r = both.json();
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode doc = r.json();
        assertTrue(doc.get("asExpected").asBoolean());
        assertEquals(1, doc.get("pairs").size());
        for (JsonNode p : doc.get("pairs")) {
            assertEquals("violates:Inv_NoPartialSuccess", p.get("withoutOutcome").asText());
            assertEquals("holds", p.get("withOutcome").asText());
            assertTrue(p.get("counterexample").get("steps").size() >= 2, p.toString());
            assertEquals(2, p.get("kernelReplays").size(), "replayed through 6.1 and 6.12");
            for (JsonNode k : p.get("kernelReplays")) {
                assertEquals(false, k.get("reproduced").asBoolean(), "the kernel has the guard: " + k);
                assertTrue(k.get("first").get("field").asText().length() > 0, k.toString());
            }
        }
        assertEquals("proven", doc.get("keyCoverage").asText());
        assertEquals("closed", doc.get("proofs").get(0).get("result").asText());
        assertEquals("open", doc.get("proofs").get(1).get("result").asText());

        Cli text = both.text();
        assertEquals(0, text.exit());
        assertTrue(text.out().contains("Broken: Iotlb_NoLenClamp violates Inv_NoPartialSuccess"), text.out());
        assertTrue(text.out().contains("Fixed: Iotlb holds Inv_NoPartialSuccess"), text.out());
        assertTrue(text.out().contains("the real functions refuse it"), text.out());
        assertTrue(text.out().contains("and the proof closes."), text.out());
    }

    @Test
    void proposedFixWithoutProof() {
        Cli r = Cli.run("review", "--guard", "UsedSplitAll");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("In no kernel modelled: a proposed fix."), r.out());
        assertTrue(r.out().contains("Broken: VirtQueue_NetBatch violates Inv_UsedExact"), r.out());
        assertTrue(r.out().contains("KeY: no JML contract covers guard UsedSplitAll"), r.out());
    }

    @Test
    void aGuardWhoseRemovalBreaksNothingIsUnexpected(@TempDir Path dir) {
        Path home = Cli.copyHome(dir.resolve("home"));
        Cli.replace(home.resolve("spec/guards.json"), "\"without\": \"VirtQueue_NetBatch\", \"invariant\": \"Inv_UsedExact\"",
                "\"without\": \"VirtQueue_NetBatch\", \"invariant\": \"Inv_DescInTable\"");
        Cli.replace(home.resolve("spec/manifest.json"), "writes past used->ring.\",\n      \"expected\": \"violates:Inv_UsedExact\"",
                "writes past used->ring.\",\n      \"expected\": \"violates:Inv_DescInTable\"");
        Cli r = Cli.run("review", "--home", home.toString(), "--guard", "UsedSplitAll", "--json");
        assertEquals(1, r.exit(), r.err() + r.out());
        assertEquals("holds", r.json().get("pairs").get(0).get("withoutOutcome").asText());
    }
}
