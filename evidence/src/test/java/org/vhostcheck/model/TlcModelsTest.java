package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every CI model of spec/manifest.json gives exactly the outcome and state count it records. Here, in the leaf
 * module evidence/, and not in model/: nothing waits for it, so conformance, fuzz and cli build beside it.
 */
class TlcModelsTest {
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
}
