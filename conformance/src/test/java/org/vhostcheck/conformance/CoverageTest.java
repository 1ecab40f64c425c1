package org.vhostcheck.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How gcov's file names become kernel-tree paths, and how the counts of two runs add up. */
class CoverageTest {
    @Test
    void kernelFilesAreNamedByTheirTreePathAndOursAreApart() {
        // an extracted function: its #line path
        assertEquals("drivers/vhost/vhost.c", Coverage.kernelPath("drivers/vhost/vhost.c"));
        // a whole file compiled from the unpacked tree
        assertEquals("drivers/vhost/iotlb.c", Coverage.kernelPath("/w/target/kernel-coverage/linux-6.12/src/drivers/vhost/iotlb.c"));
        // a kernel header copied into the build under its include name
        assertEquals("include/linux/vhost_iotlb.h",
                Coverage.kernelPath("/w/target/kernel-coverage/linux-6.12/gen/iotlb/include/linux/vhost_iotlb.h"));
        // ours: the line loop, a part's shims and prelude, the tools/ rbtree copy
        assertNull(Coverage.kernelPath("/w/conformance/kernel/common/harness.c"));
        assertNull(Coverage.kernelPath("/w/conformance/kernel/parts/dirtylog/shims.c"));
        assertNull(Coverage.kernelPath("/w/conformance/kernel/parts/ring/prelude.h"));
        assertNull(Coverage.kernelPath("/w/target/kernel-coverage/linux-6.12/src/tools/lib/rbtree.c"));
    }

    @Test
    void aLineRanHasCodeThatNeverRanOrHasNoCode() {
        Coverage.Reached a = reached(Map.of(10, line(3, 1L, 2L), 11, line(0)));
        assertEquals(Boolean.TRUE, a.ran("drivers/vhost/vhost.c", 10));
        assertEquals(Boolean.FALSE, a.ran("drivers/vhost/vhost.c", 11));
        assertNull(a.ran("drivers/vhost/vhost.c", 12), "no code on the line");
        assertNull(a.ran("drivers/vhost/iotlb.c", 10), "no code of that file");
        Coverage.Reached b = reached(Map.of(10, line(1, 0L, 1L), 11, line(2)));
        Coverage.Reached sum = a.plus(b);
        assertEquals(new Coverage.Line("f", 4, List.of(1L, 3L)), sum.kernel().get("drivers/vhost/vhost.c").get(10));
        assertEquals(Boolean.TRUE, sum.ran("drivers/vhost/vhost.c", 11));
        assertFalse(sum.kernel().isEmpty());
        assertTrue(Coverage.Reached.none().kernel().isEmpty());
    }

    static Coverage.Reached reached(Map<Integer, Coverage.Line> lines) {
        SortedMap<Integer, Coverage.Line> m = new TreeMap<>(lines);
        return new Coverage.Reached(Map.of("drivers/vhost/vhost.c", m), Map.of());
    }

    private static Coverage.Line line(long count, Long... branches) {
        return new Coverage.Line("f", count, List.of(branches));
    }
}
