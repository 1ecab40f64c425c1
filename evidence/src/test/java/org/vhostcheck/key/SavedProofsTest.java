package org.vhostcheck.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A saved proof is re-checked, not trusted: it closes today's contract only while the code and contract it was
 * found for are unchanged; otherwise the contract is searched as if nothing were saved, and a file that is not a
 * proof is named. Two KeY loads of a two-class folder: a second run on the same bytes proves in the loaded one.
 */
class SavedProofsTest {

    private static final String CLAMP = """
            package p;
            public class Clamp {
                /*@ public normal_behavior
                  @   requires 0 <= n;
                  @   ensures 0 <= \\result && \\result <= 10;
                  @*/
                public static int clamp(int n) {
                    if (n > LIMIT) {
                        return 10;
                    }
                    return n;
                }
            }
            """;

    private static final String HALF = """
            package p;
            public class Half {
                /*@ public normal_behavior
                  @   requires 0 <= n;
                  @   ensures 0 <= \\result && \\result <= n;
                  @*/
                public static int half(int n) {
                    return n / 2;
                }
            }
            """;

    private static List<ProofResult> prove(Path src, Path saved, SavedProofs.Mode mode) throws Exception {
        Path home = TestHome.get();
        return KeyProver.prove(src, KeyProver.keyHome(home), KeySettings.load(KeySettings.defaultFile(home)), Map.of(),
                Map.of(), null, saved, mode, line -> { });
    }

    private static ProofResult of(List<ProofResult> rs, String method) {
        return rs.stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
    }

    @Test
    void aSavedProofClosesOnlyTheCodeItWasFoundFor(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/p")).getParent();
        Files.writeString(src.resolve("p/Clamp.java"), CLAMP.replace("LIMIT", "10"));
        Files.writeString(src.resolve("p/Half.java"), HALF);
        Path saved = dir.resolve("saved");

        int loads = KeyProver.loads();
        List<ProofResult> first = prove(src, saved, SavedProofs.Mode.SAVE);
        assertEquals(loads + 1, KeyProver.loads());
        assertEquals(List.of(ProofResult.SEARCHED, ProofResult.SEARCHED), first.stream().map(ProofResult::how).toList());
        assertTrue(first.stream().allMatch(ProofResult::closed), first.toString());
        try (var files = Files.list(saved)) {
            assertEquals(2, files.count());
        }
        assertEquals(2, SavedProofs.notReplayed(first).size(), "searched, not replayed: both named");

        List<ProofResult> again = prove(src, saved, SavedProofs.Mode.REPLAY);
        assertEquals(loads + 1, KeyProver.loads(), "the same sources: proved in the environment loaded for the first run");
        assertEquals(List.of(ProofResult.REPLAYED, ProofResult.REPLAYED), again.stream().map(ProofResult::how).toList());
        assertTrue(again.stream().allMatch(ProofResult::closed), again.toString());
        assertEquals(List.of(), SavedProofs.notReplayed(again));
        assertEquals(first.stream().map(ProofResult::nodes).toList(), again.stream().map(ProofResult::nodes).toList(),
                "the replay rebuilds the same proof tree");

        // the guard weakened (n > 11 lets 11 through): the saved proof must not close it, and the search finds it open
        Files.writeString(src.resolve("p/Clamp.java"), CLAMP.replace("LIMIT", "11"));
        // a saved file that is not a proof
        Path halfFile = SavedProofs.file(saved, "p.Half", "half", of(first, "half").contract());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(halfFile))) {
            out.write("\\proof {\n(branch \"dummy ID\"\n(rule \"noSuchRule\" (formula \"1\"))\n)\n}\n".getBytes());
        }
        List<ProofResult> changed = prove(src, saved, SavedProofs.Mode.REPLAY);
        assertEquals(loads + 2, KeyProver.loads(), "a changed source: loaded again");
        ProofResult clamp = of(changed, "clamp");
        assertEquals(ProofResult.OPEN, clamp.result(), clamp.toString());
        assertTrue(clamp.how().startsWith("searched (saved proof Clamp.clamp."), clamp.how());
        assertTrue(clamp.how().contains(" did not close: "), clamp.how());
        ProofResult half = of(changed, "half");
        assertTrue(half.closed(), "the search still proves the unchanged method: " + half);
        assertTrue(half.how().startsWith("searched (saved proof Half.half."), half.how());
        assertEquals(1, SavedProofs.notReplayed(changed).size(), SavedProofs.notReplayed(changed).toString());
    }
}
