package org.vhostcheck.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison with proofs.json catches each way a proof run can go wrong. */
class ExpectationsTest {

    private static final Expectation ADD = new Expectation("a.U", "add", 2, "closed", null, "w");
    private static final Expectation TWIN = new Expectation("a.Twin", "add", 1, "open", "a.U.add", "w");

    private static ProofResult r(String cls, String m, int i, boolean closed) {
        return new ProofResult(cls, m, cls + "[" + cls + "::" + m + "()].JML normal_behavior operation contract." + i,
                closed ? "closed" : "open", 10, 0.1, closed ? 0 : 1);
    }

    @Test
    void allAsExpected() {
        assertEquals(List.of(), Expectations.check(List.of(ADD, TWIN),
                List.of(r("a.U", "add", 0, true), r("a.U", "add", 1, true), r("a.Twin", "add", 0, false))));
    }

    @Test
    void oneOpenCaseFailsAnExpectedClosedMethod() {
        List<String> p = Expectations.check(List.of(ADD, TWIN),
                List.of(r("a.U", "add", 0, true), r("a.U", "add", 1, false), r("a.Twin", "add", 0, false)));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("expected closed") && p.get(0).contains("contract.1"), p.get(0));
    }

    @Test
    void closingTwinFails() {
        List<String> p = Expectations.check(List.of(ADD, TWIN),
                List.of(r("a.U", "add", 0, true), r("a.U", "add", 1, true), r("a.Twin", "add", 0, true)));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("broken twin of a.U.add closed"), p.get(0));
    }

    @Test
    void unlistedMissingAndMiscountedContractsFail() {
        List<String> p = Expectations.check(List.of(ADD, TWIN),
                List.of(r("a.U", "add", 0, true), r("a.U", "sub", 0, true)));
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).contains("a.U.add: KeY found 1 contracts, proofs.json expects 2"), p.get(0));
        assertTrue(p.get(1).contains("a.Twin.add: listed in proofs.json but KeY found no contract"), p.get(1));
        assertTrue(p.get(2).contains("a.U.sub: 1 contract(s) not listed"), p.get(2));
    }

    @Test
    void aTwinBudgetBelowWhatTheOriginalNeededFails() {
        // r(...) proofs have 10 nodes: a twin with 9 steps had less than the original needed
        Expectation cheap = new Expectation("a.Twin", "add", 1, "open", "a.U.add", "w", 9);
        List<String> p = Expectations.check(List.of(ADD, cheap),
                List.of(r("a.U", "add", 0, true), r("a.U", "add", 1, true), r("a.Twin", "add", 0, false)));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("maxSteps 9 is below the 10 nodes"), p.get(0));
        Expectation fair = new Expectation("a.Twin", "add", 1, "open", "a.U.add", "w", 10);
        assertEquals(List.of(), Expectations.check(List.of(ADD, fair),
                List.of(r("a.U", "add", 0, true), r("a.U", "add", 1, true), r("a.Twin", "add", 0, false))));
        assertEquals(java.util.Map.of("a.Twin.add", 10), Expectations.stepBudgets(List.of(ADD, fair)));
    }

    @Test
    void aTwinRunsUnderItsOriginalsStrategy() {
        Expectation add = new Expectation("a.U", "add", 2, "closed", null, "w", 100,
                java.util.Map.of("QUERY_NEW_OPTIONS_KEY", "QUERY_OFF"));
        Expectation twin = new Expectation("a.Twin", "add", 1, "open", "a.U.add", "w", 100);
        assertEquals(java.util.Map.of("a.U.add", java.util.Map.of("QUERY_NEW_OPTIONS_KEY", "QUERY_OFF"),
                        "a.Twin.add", java.util.Map.of("QUERY_NEW_OPTIONS_KEY", "QUERY_OFF")),
                Expectations.strategyOverrides(List.of(add, twin)));
        assertEquals(java.util.Map.of("a.U.add", 100, "a.Twin.add", 100), Expectations.stepBudgets(List.of(add, twin)));
    }

    @Test
    void malformedFilesAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("proofs.json");
        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"method\": \"m\", \"cases\": 1,"
                + " \"expected\": \"open\", \"why\": \"w\"}]}");
        KeyLoadException e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertEquals(f + ": a.T.m: twinOf is required for expected open and only there", e.getMessage());

        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"method\": \"m\", \"cases\": 1,"
                + " \"expected\": \"closed\", \"why\": \"w\", \"maxSteps\": 0}]}");
        e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertEquals(f + ": a.T.m: maxSteps must be at least 1", e.getMessage());

        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"method\": \"m\", \"cases\": 1,"
                + " \"expected\": \"closed\", \"why\": \"w\", \"maxSteps\": 100},"
                + " {\"class\": \"a.W\", \"method\": \"m\", \"cases\": 1, \"expected\": \"open\","
                + " \"twinOf\": \"a.T.m\", \"why\": \"w\"}]}");
        e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertEquals(f + ": a.W.m: maxSteps must be at least the 100 of a.T.m: a twin gets its original's budget",
                e.getMessage());

        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"method\": \"m\", \"cases\": 1,"
                + " \"expected\": \"closed\", \"why\": \"w\", \"strategy\": {}}]}");
        e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertTrue(e.getMessage().startsWith(f + ": a.T.m: strategy is a non-empty map"), e.getMessage());

        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"methd\": \"m\"}]}");
        e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertTrue(e.getMessage().startsWith(f + ":1: Unrecognized field \"methd\""), e.getMessage());
    }

    @Test
    void shardsSplitTheMethodsTwinsFollowTheirOriginalAndShard0TakesTheUnlisted() throws Exception {
        Expectation heavy = new Expectation("a.U", "walk", 1, "closed", null, "w", null, null, 1);
        Expectation heavyTwin = new Expectation("a.Twin", "walk", 1, "open", "a.U.walk", "w");
        List<Expectation> all = List.of(ADD, TWIN, heavy, heavyTwin);
        assertEquals(List.of(ADD, TWIN), Expectations.inShard(all, 0));
        assertEquals(List.of(heavy, heavyTwin), Expectations.inShard(all, 1));
        for (String key : List.of("a.U.add", "a.Twin.add", "a.New.m", "a.U.walker")) {
            assertTrue(Expectations.shardPattern(all, 0).matcher(key).find(), key);
            assertTrue(!Expectations.shardPattern(all, 1).matcher(key).find(), key);
        }
        for (String key : List.of("a.U.walk", "a.Twin.walk")) {
            assertTrue(!Expectations.shardPattern(all, 0).matcher(key).find(), key);
            assertTrue(Expectations.shardPattern(all, 1).matcher(key).find(), key);
        }

        Path f = Files.createTempFile("proofs", ".json");
        Files.writeString(f, "{\"contracts\": [{\"class\": \"a.T\", \"method\": \"m\", \"cases\": 1,"
                + " \"expected\": \"closed\", \"why\": \"w\", \"shard\": 2}]}");
        KeyLoadException e = assertThrows(KeyLoadException.class, () -> Expectations.load(f));
        assertEquals(f + ": a.T.m: shard is 0 or 1, for expected-closed methods only (their twins go with them)",
                e.getMessage());
        Files.delete(f);
    }

    @Test
    void projectExpectationsLoad() throws Exception {
        List<Expectation> all = Expectations.load(Expectations.defaultFile(TestHome.get()));
        assertTrue(all.stream().anyMatch(e -> "open".equals(e.expected())));
    }
}
