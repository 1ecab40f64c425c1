package org.vhostcheck.conformance.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vhostcheck.conformance.Coverage;

/** Which suites a generated mutant replays when the coverage build says which suites run its line. */
class MutationSelectTest {
    private static final String F = "drivers/vhost/vhost.c";

    @Test
    void aMutantReplaysOnlyTheSuitesThatRunItsLine() {
        List<Mutation.Suite> all = List.of(suite("A"), suite("B"), suite("C"), suite("D"));
        Map<String, Coverage.Reached> by = Map.of(
                "A", reached(Map.of(10, 5L, 11, 0L)),      // runs 10, not 11
                "B", reached(Map.of(10, 0L, 11, 0L)),      // runs neither
                "C", reached(Map.of(20, 1L)));             // its part has no code on 10 or 11 (another part)
        // D: no coverage measured for it: replayed
        assertEquals(List.of("A", "C", "D"), names(Mutation.select(all, by, F, 10)));
        // line 11: no suite runs it; those that cannot tell (no code there, no count) stay
        assertEquals(List.of("C", "D"), names(Mutation.select(all, by, F, 11)));
        // with every suite measured and none running it: nothing to replay
        assertEquals(List.of(), names(Mutation.select(all.subList(0, 2), by, F, 11)));
        // another file: no count anywhere, every suite
        assertEquals(List.of("A", "B", "C", "D"), names(Mutation.select(all, by, "drivers/vhost/iotlb.c", 10)));
    }

    private static Mutation.Suite suite(String model) {
        return Mutation.Suite.of(model, "VirtQueue", List.of());
    }

    private static List<String> names(List<Mutation.Suite> s) {
        return s.stream().map(Mutation.Suite::model).toList();
    }

    private static Coverage.Reached reached(Map<Integer, Long> counts) {
        TreeMap<Integer, Coverage.Line> m = new TreeMap<>();
        counts.forEach((l, c) -> m.put(l, new Coverage.Line("f", c, List.of())));
        return new Coverage.Reached(Map.of(F, m), Map.of());
    }
}
