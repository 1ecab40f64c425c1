package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The claims catalogue the issue asks for: both claims of seed 000, the fix of seed 002, at least eight historic
 * vhost/vringh CVEs, and the findings; every claim a model decides names a broken model that is not today's.
 */
class ClaimsCatalogueTest {

    @Test
    void catalogueHoldsTheSeedsTheCvesAndTheFindings() {
        Cli r = Cli.run("claims", "--json");
        assertEquals(0, r.exit(), r.err());
        Map<String, JsonNode> byId = new HashMap<>();
        r.json().get("claims").forEach(c -> byId.put(c.get("id").asText(), c));
        for (String id : List.of("SEED000-0001", "SEED000-0004", "SEED002", "CVE-2019-14835", "CVE-2022-48862",
                "CVE-2025-40051", "CVE-2025-40056", "CVE-2018-16880", "CVE-2013-0311", "CVE-2014-0077", "CVE-2019-3900",
                "F001", "F002", "F004", "F005", "F006", "F007")) {
            assertTrue(byId.containsKey(id), "claims/ has " + id);
        }
        long cves = byId.values().stream().filter(c -> c.get("kind").asText().equals("cve")).count();
        assertTrue(cves >= 8, cves + " CVE claims");
        for (JsonNode c : byId.values()) {
            String expected = c.get("expectedVerdict").asText();
            if (expected.equals("REFUTED")) {
                assertTrue(c.hasNonNull("brokenModel"), c.get("id") + ": a refutation needs the broken model");
                assertNotEquals(c.get("model").asText(), c.get("brokenModel").asText(), c.get("id").asText());
            }
            if (expected.equals("NOT MODELLED")) {
                assertTrue(c.get("model").isNull() && c.get("notModelled").asText().length() > 20, c.toString());
            }
            if (c.get("kind").asText().equals("finding")) {
                assertEquals("CONFIRMED", expected, c.get("id").asText());
            }
        }
    }
}
