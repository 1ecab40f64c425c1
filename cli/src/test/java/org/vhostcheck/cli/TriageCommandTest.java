package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhostcheck triage}: verdicts are computed from fresh runs, one claim of each kind (a finding CONFIRMED
 * through the kernel harness, a CVE REFUTED with TLC, KeY, the broken model and both kernels, a CVE NOT MODELLED), and a
 * claim whose broken model does not show the bug is INCONCLUSIVE, not REFUTED, and fails its expectation (exit 1).
 */
class TriageCommandTest {

    @Test
    void verdictsOfEachKindAreComputed() {
        Cli r = Cli.run("triage", "--json", "F001", "CVE-2013-0311", "CVE-2018-16880");
        assertEquals(0, r.exit(), r.err() + r.out());
        Map<String, JsonNode> byId = new HashMap<>();
        r.json().get("claims").forEach(c -> byId.put(c.get("id").asText(), c));
        assertEquals(3, byId.size());
        for (JsonNode c : byId.values()) {
            for (String f : new String[] {"id", "verdict", "model", "invariant", "bounds", "evidence"}) {
                assertTrue(c.has(f), c.get("id") + " has " + f);
            }
            assertFalse(c.get("evidence").isEmpty(), c.toString());
        }

        JsonNode f001 = byId.get("F001");
        assertEquals("CONFIRMED", f001.get("verdict").asText());
        assertTrue(f001.get("bounds").asText().startsWith("MCDirtyLog.cfg ("), f001.get("bounds").asText());
        JsonNode steps = f001.get("counterexample").get("steps");
        JsonNode last = steps.get(steps.size() - 1).get("state");
        assertTrue(last.get("logWritten").size() > 0, "the counterexample ends with a log write: " + last);
        JsonNode kernel = f001.get("kernelReplay");
        assertEquals("linux-6.12", kernel.get("target").asText());
        assertTrue(kernel.get("reproduced").asBoolean(), kernel.toString());
        assertEquals(steps.size() - 1, kernel.get("transitions").asInt(), "every step of the counterexample replayed");

        JsonNode seed = byId.get("CVE-2013-0311");
        assertEquals("REFUTED", seed.get("verdict").asText(), seed.toString());
        assertTrue(seed.get("counterexample").isNull());
        Map<String, String> proofs = new HashMap<>();
        seed.get("proofs").forEach(p -> proofs.put(p.get("contract").asText(), p.get("result").asText()));
        assertEquals("closed", proofs.get("org.vhostcheck.ref.Iotlb.trMin"));
        assertEquals("open", proofs.get("org.vhostcheck.ref.IotlbNoLenClamp.trMin"));
        String ev = seed.get("evidence").toString();
        assertTrue(ev.contains("Iotlb_NoLenClamp (guard LenClamped removed) violates Inv_NoPartialSuccess"), ev);
        assertTrue(ev.contains("diverges"), "the real kernel refuses the broken model's step: " + ev);
        assertEquals(2, seed.get("kernelReplays").size(), "both kernels have the guard: " + seed);
        seed.get("kernelReplays").forEach(k -> assertFalse(k.get("reproduced").asBoolean(), k.toString()));

        JsonNode cve = byId.get("CVE-2018-16880");
        assertEquals("NOT MODELLED", cve.get("verdict").asText());
        assertTrue(cve.get("model").isNull());
        assertTrue(cve.get("evidence").get(0).asText().startsWith("No model expresses this claim: "), cve.toString());

        assertTrue(r.json().get("coverage").asText().contains("not a proof for larger sizes"));
    }

    @Test
    void aBrokenModelThatDoesNotShowTheBugIsInconclusive(@TempDir Path dir) throws IOException {
        Path home = Cli.copyHome(dir.resolve("home"));
        Path claims = Files.createDirectories(home.resolve("claims"));
        Files.writeString(claims.resolve("T1.json"), "{\"id\": \"T1\", \"kind\": \"cve\", \"title\": \"t\","
                + " \"claim\": \"an IOTLB map's size wraps\", \"model\": \"Iotlb\", \"invariant\": \"Inv_SizeNoWrap\","
                + " \"brokenModel\": \"Iotlb_NoRetire\", \"expectedVerdict\": \"REFUTED\"}");
        Cli.Both both = Cli.runBoth("triage", "--home", home.toString());
        Cli r = both.json();
        assertEquals(1, r.exit(), r.err() + r.out());
        JsonNode c = r.json().get("claims").get(0);
        assertEquals("INCONCLUSIVE", c.get("verdict").asText());
        String ev = c.get("evidence").toString();
        assertTrue(ev.contains("the broken model Iotlb_NoRetire does not violate Inv_SizeNoWrap (holds)"), ev);
        assertTrue(ev.contains("no KeY contract covers this claim"), ev);

        Cli text = both.text();
        assertEquals(1, text.exit());
        assertTrue(text.out().contains("T1     INCONCLUSIVE  REFUTED   Iotlb  Inv_SizeNoWrap  NO"), text.out());
        assertTrue(text.out().contains("What the verdicts cover: "), text.out());
    }

    @Test
    void unknownClaimIsBadInput() {
        String line = Cli.run("triage", "NO-SUCH-CLAIM").assertBadInput();
        assertTrue(line.startsWith("vhostcheck: no claim with id 'NO-SUCH-CLAIM' in "), line);
    }
}
