package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.conformance.kernel.Kernels;

/**
 * {@code vhostcheck review --patch}: the F004 fix applied to the real 6.12 vringh.c changes exactly the vringh
 * model's putu16 steps and makes the kernel equal the fixed model (which holds every invariant); bad patches are one
 * line each (garbled, wrong tree, not compiling, a file no part builds).
 */
class ReviewPatchTest {

    @Test
    void theF004FixMakesTheKernelTheFixedModel() {
        Path patch = Cli.HOME.resolve("claims/patches/F004-putu16-map-wo.linux-6.12.patch");
        Cli r = Cli.run("review", "--patch", patch.toString(), "--target", "linux-6.12", "--model", "VirtQueue_Vringh", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode doc = r.json();
        assertTrue(doc.get("applied").asBoolean());
        assertEquals("putu16_iotlb", doc.get("functions").get(0).asText(), doc.toString());
        JsonNode m = doc.get("models").get(0);
        assertEquals("VirtQueue_Vringh", m.get("model").asText());
        assertEquals(0, m.get("divergencesBase").asLong(), "today's model is the base kernel");
        assertTrue(m.get("divergencesPatched").asLong() > 0, m.toString());
        assertEquals("U16Access", m.get("firstChange").get("action").asText(), m.toString());
        assertEquals("patched", m.get("firstChange").get("in").asText(), m.toString());
        List<String> guards = new ArrayList<>();
        for (JsonNode c : doc.get("conformsTo")) {
            guards.add(c.get("guard").asText());
            if (c.get("guard").asText().equals("PutU16Access")) {
                assertEquals("VirtQueue_Vringh_Fix", c.get("pairModel").asText(), c.toString());
                assertTrue(c.get("invariants").asText().startsWith("holds every invariant"), c.toString());
            }
        }
        assertEquals(List.of("PutU16Access"), guards, doc.toString());
        assertTrue(doc.get("verdict").asText().contains("equals VirtQueue_Vringh-PutU16Access2"), doc.get("verdict").asText());
    }

    /**
     * The same fix as an entry of claims/patches/patches.json: today's VirtQueue_Vringh changes first at U16Access, no
     * other model of today's 6.12 changes, and the patched kernel replays VirtQueue_Vringh_Fix with no divergence (the sample of {@code review --patches}; all entries
     * run in {@code vhostcheck all}). A broken entry expectation is reported, not passed.
     */
    @Test
    void theF004EntryOfThePatchCatalogueIsAsItSays() {
        Cli r = Cli.run("review", "--patches", "--entry", "F004@linux-6.12", "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode e = r.json().get("entries").get(0);
        assertEquals("F004@linux-6.12", e.get("id").asText());
        assertTrue(e.get("asExpected").asBoolean(), e.toString());
        assertTrue(e.get("equalsTransitions").asLong() > 0, e.toString());
        JsonNode vringh = null;
        for (JsonNode m : e.get("review").get("models")) {
            if (m.get("model").asText().equals("VirtQueue_Vringh")) {
                vringh = m;
            } else {
                // every other model of today's 6.12 the ring part replays: the fix changes nothing there
                assertTrue(m.get("firstChange").isNull(), m.toString());
            }
        }
        assertEquals("U16Access", vringh.get("firstChange").get("action").asText(), e.toString());
        assertTrue(e.get("review").get("models").size() >= 2, "VirtQueue_Vringh and the other ring models: " + e);
        assertTrue(r.json().get("asExpected").asBoolean());

        Cli bad = Cli.run("review", "--patches", "--entry", "F004@linux-6.1");
        assertTrue(bad.assertBadInput().contains("no entry 'F004@linux-6.1'"), bad.err());
        assertTrue(Cli.run("review", "--patches", "--model", "VirtQueue").assertBadInput().contains("--model goes with --patch"));
    }

    @Test
    void badPatchesAreOneLine(@TempDir Path dir) throws IOException {
        Path src = Kernels.workDir(Cli.HOME).resolve("linux-6.12/src");
        if (!Files.isDirectory(src)) {
            assertTrue(Kernels.build(Cli.HOME, "linux-6.12").available());
        }
        Path p = dir.resolve("x.patch");
        Files.writeString(p, "this is no patch\n");
        String line = Cli.run("review", "--patch", p.toString(), "--target", "linux-6.12").assertBadInput();
        assertTrue(line.endsWith("x.patch: not a unified diff (no '+++ b/...' line)"), line);

        Files.writeString(p, diff("drivers/vhost/scsi.c", 10, "\tfoo();\n", "\tbar();\n"));
        line = Cli.run("review", "--patch", p.toString(), "--target", "linux-6.12").assertBadInput();
        assertTrue(line.contains("drivers/vhost/scsi.c is not a file any harness part builds on linux-6.12"), line);

        // a hunk against another tree: its context is not there
        Files.writeString(p, diff("drivers/vhost/iotlb.c", 63, "\tif (last < start + 7)\n", "\tif (last <= start + 7)\n"));
        line = Cli.run("review", "--patch", p.toString(), "--target", "linux-6.12").assertBadInput();
        assertTrue(line.contains("does not apply to linux-6.12") && line.contains("FAILED"), line);

        // applies, does not compile: gcc's first error
        Files.writeString(p, diff("drivers/vhost/iotlb.c", 63, "\tif (last < start)\n", "\tif (last < no_such_variable)\n"));
        line = Cli.run("review", "--patch", p.toString(), "--target", "linux-6.12").assertBadInput();
        assertTrue(line.contains("does not compile on linux-6.12") && line.contains("no_such_variable"), line);

        line = Cli.run("review", "--patch", p.toString()).assertBadInput();
        assertTrue(line.contains("needs --target"), line);
        line = Cli.run("review", "--guard", "LastChecked", "--patch", p.toString()).assertBadInput();
        assertTrue(line.contains("one of them"), line);
    }

    /** A one-line change of line {@code at} as git writes it (no context: patch needs none for a single line). */
    private static String diff(String file, int at, String from, String to) {
        return "--- a/" + file + "\n+++ b/" + file + "\n@@ -" + at + ",1 +" + at + ",1 @@\n-" + from + "+" + to;
    }
}
