package org.vhostcheck.key;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A twin's search is made once per set of inputs: any changed source, budget or strategy property searches again. */
class TwinSearchesTest {
    @Test
    void aTwinIsSearchedOncePerInputs(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/org/x"));
        Files.writeString(src.resolve("A.java"), "class A { /*@ ensures true; @*/ int m() { return 1; } }");
        Path cache = tmp.resolve("cache");
        KeySettings s = KeySettings.load(KeySettings.defaultFile(TestHome.get()));
        List<String> searched = new ArrayList<>();
        TwinSearches.Search search = () -> {
            searched.add("x");
            return new ProofResult("org.x.A", "m", "org.x.A[m].JML normal_behavior operation contract.0", ProofResult.OPEN,
                    1234, 5.0, 2);
        };

        ProofResult first = new TwinSearches(cache, tmp.resolve("src")).get("c0", s, l -> { }, search);
        assertEquals(1, searched.size());
        // the same inputs, another JVM's view (a new instance over the same files): kept, not searched
        ProofResult again = new TwinSearches(cache, tmp.resolve("src")).get("c0", s, l -> { }, search);
        assertEquals(1, searched.size());
        assertEquals(first, again);
        assertEquals(ProofResult.OPEN, again.result());
        assertEquals(1234, again.nodes());

        // another contract case, another budget, another strategy property: each searched
        new TwinSearches(cache, tmp.resolve("src")).get("c1", s, l -> { }, search);
        assertEquals(2, searched.size());
        new TwinSearches(cache, tmp.resolve("src")).get("c0", s.withMaxSteps(s.maxSteps() + 1), l -> { }, search);
        assertEquals(3, searched.size());
        String prop = s.strategyProperties().stringPropertyNames().iterator().next();
        new TwinSearches(cache, tmp.resolve("src")).get("c0", s.withStrategy(java.util.Map.of(prop, "OTHER"), "t"), l -> { }, search);
        assertEquals(4, searched.size());
        // one changed source byte: every search again
        Files.writeString(src.resolve("A.java"), "class A { /*@ ensures true; @*/ int m() { return 2; } }");
        new TwinSearches(cache, tmp.resolve("src")).get("c0", s, l -> { }, search);
        assertEquals(5, searched.size());
    }
}
