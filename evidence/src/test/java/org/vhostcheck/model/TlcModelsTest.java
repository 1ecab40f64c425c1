package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vhostcheck.conformance.Conformance;

/**
 * Every CI model of spec/manifest.json gives exactly the outcome and state count it records. Here, in the leaf
 * module evidence/, and not in model/: nothing waits for it, so conformance, fuzz and cli build beside it.
 * <p>
 * A model whose trace config is its check config with TraceInit/TraceNext for Init/Next (same constants, same
 * invariants) is checked by its graph export: that TLC run checks every invariant of the model on the same state
 * graph, and the replay tests need the export anyway (the conform cache shares it), so TLC runs once, not twice.
 */
class TlcModelsTest {
    private static final Path HOME = Project.home();

    @TestFactory
    Stream<DynamicTest> everyManifestModelAsExpected() {
        Manifest m = Manifest.load(HOME);
        TlcRunner tlc = new TlcRunner(HOME, 1, null);
        return m.select(null, false).stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            if (checkedByItsExport(m, e)) {
                Conformance.Traces t = new Conformance(HOME, null).export(m, e, false);   // holds, or the export fails naming TLC's outcome
                assertEquals(TlcResult.HOLDS, e.expected(), e.name() + ": exported, so it holds");
                if (e.distinctStates() != null) {
                    assertEquals(e.distinctStates(), t.graphDistinctStates(), e.name() + " distinct states (its graph export)");
                }
                return;
            }
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

    /** The check config and the trace config say the same but for Init/Next, the trace's printing TraceInit/TraceNext. */
    static boolean checkedByItsExport(Manifest m, Manifest.Entry e) throws IOException {
        if (e.traceConfig() == null || !TlcResult.HOLDS.equals(e.expected())) {
            return false;
        }
        return body(m.specDir().resolve(e.config()), false).equals(body(m.specDir().resolve(e.traceConfig()), true));
    }

    private static List<String> body(Path cfg, boolean trace) throws IOException {
        return Files.readAllLines(cfg).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("\\*"))
                .map(l -> trace ? l.replace("INIT TraceInit", "INIT Init").replace("NEXT TraceNext", "NEXT Next") : l)
                .toList();
    }

    @Test
    void theTodaysModelsThatAreExportedAreCheckedByTheirExport() throws IOException {
        Manifest m = Manifest.load(HOME);
        // the comparison is not vacuous: the exported models of today's kernel qualify, a config that differs does not
        assertTrue(checkedByItsExport(m, m.select(List.of("Iotlb"), false).get(0)));
        assertTrue(checkedByItsExport(m, m.select(List.of("DirtyLog_Fix"), false).get(0)));
        // VirtQueue exports under TraceBound, not its check's Bound: checked by TLC on its own
        assertFalse(checkedByItsExport(m, m.select(List.of("VirtQueue"), false).get(0)));
        assertFalse(checkedByItsExport(m, m.select(List.of("Iotlb_NoLastCheck"), false).get(0)));
    }
}
