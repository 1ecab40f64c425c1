package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/**
 * A counterexample as the user sees it. Every CI model's outcome and state count is checked by TlcModelsTest in
 * evidence/ (a leaf module, so the long TLC runs do not hold up the modules that depend on this one).
 */
class CounterexampleTableTest {
    private static final Path HOME = Project.home();

    @org.junit.jupiter.api.Test
    void counterexampleShowsU64AsHexAndOnlyChangedFields() {
        Manifest m = Manifest.load(HOME);
        Manifest.Entry e = m.select(java.util.List.of("U64Laws_NoCarry"), false).get(0);
        TlcResult r = new TlcRunner(HOME, 1, null).check(e, m.specDir());
        String table = TraceTable.render(r.trace());
        // the carry-less test misses the wrap of 1 + U64_MAX (or a pair like it)
        assertTrue(table.contains("0xffffffffffffffff") || table.contains("0x8000000000000000"), table);
        assertTrue(table.contains("Init"), table);
    }
}
