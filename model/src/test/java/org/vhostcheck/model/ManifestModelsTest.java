package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every CI model of spec/manifest.json gives exactly the outcome and state count it records. */
class ManifestModelsTest {
    private static final Path HOME = Project.home();

    @TestFactory
    Stream<DynamicTest> everyManifestModelAsExpected() {
        Manifest m = Manifest.load(HOME);
        TlcRunner tlc = new TlcRunner(HOME, 1, null);
        return m.select(null, false).stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            TlcResult r = tlc.check(e, m.specDir());
            assertEquals(e.expected(), r.outcome(), e.name() + ": " + r.error());
            if (e.distinctStates() != null) {
                assertEquals(e.distinctStates(), r.distinctStates(), e.name() + " distinct states");
            }
            if (r.violated()) {
                assertFalse(r.trace().isEmpty(), "a violation comes with its trace");
                r.trace().forEach(s -> assertNotNull(s.view(), "trace state rendered through View"));
            }
        }));
    }

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
