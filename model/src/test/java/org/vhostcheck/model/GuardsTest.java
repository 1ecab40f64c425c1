package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * spec/guards.json against the manifest: it loads (every pair differs in its guard alone, the with-model holds, the
 * without-model violates the pair's invariant, every broken model has a pair), and every switch whose value differs
 * between two models of one module is a guard, except the two that select a configuration rather than a check.
 */
class GuardsTest {
    /** CONSTANTs that vary between models but are no check: vdpa's IOTLB without RETIRE, the kernel version. */
    private static final Set<String> CONFIGURATION = Set.of("Retire", "Kernel", "Mode");

    @Test
    void everySwitchThatVariesIsAGuardWithAReviewablePair() {
        Manifest manifest = Manifest.load(Project.home());
        Guards guards = Guards.load(manifest);
        Map<String, Map<String, String>> firstValue = new HashMap<>();
        Set<String> varying = new TreeSet<>();
        for (Manifest.Entry e : manifest.entries()) {
            if (e.deep()) {
                continue;
            }
            Map<String, String> seen = firstValue.computeIfAbsent(e.module(), k -> new HashMap<>());
            Guards.constants(manifest.specDir().resolve(e.config())).forEach((k, v) -> {
                boolean isSwitch = v.equals("= TRUE") || v.equals("= FALSE") || k.equals("PutU16Access");
                if (isSwitch && seen.putIfAbsent(k, v) != null && !seen.get(k).equals(v)) {
                    varying.add(k);
                }
            });
        }
        varying.removeAll(CONFIGURATION);
        assertFalse(varying.isEmpty());
        for (String k : varying) {
            assertTrue(guards.find(k).isPresent(), "switch " + k + " varies between models but is no guard in guards.json");
        }
        for (Guards.Guard g : guards.all()) {
            assertFalse(g.pairs().isEmpty(), g.name());
            assertTrue(varying.contains(g.name()), g.name() + " is a guard no model switches");
        }
        assertEquals(guards.all().size(), varying.size(), "guards " + guards.all().stream().map(Guards.Guard::name).toList()
                + " vs switches " + varying);
    }
}
