package org.vhostcheck.conformance.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhostcheck.model.Project;

/**
 * The kernel's own vringh_test, built from each target's tree with ASan + UBSan: every variant of the sample passes
 * its own checks; the variants where the test program itself leaks fail with exactly those leaks.
 */
class VringhTestTest {
    /**
     * vringh_test.sh's sample matrix (mvn verify): serial without and with every feature. `vhostcheck conform` runs its
     * default matrix of 18 variants per kernel (VringhTest.run), the two-process ones among them.
     */
    private static final List<String> VARIANTS = List.of("plain", "indirect,eventidx,virtio-1");

    @ParameterizedTest
    @ValueSource(strings = {"linux-6.1", "linux-6.12"})
    void everyVariantPassesItsChecks(String target) {
        VringhTest.Result r = VringhTest.run(Project.home(), target, "sample");
        if (!r.available()) {
            String why = target + " unavailable: " + r.unavailable();
            if (Boolean.getBoolean("vhostcheck.kernel.skip")) {
                Assumptions.abort(why);
            }
            fail(why + " (set -Dvhostcheck.kernel.skip=true to skip)");
        }
        assertNotNull(r.version());
        assertEquals(VARIANTS, r.runs().stream().map(VringhTest.Run::variant).toList());
        for (VringhTest.Run run : r.runs()) {
            String what = target + " " + run.variant() + " (log " + run.log() + "):\n" + run.outputTail();
            assertEquals(List.of(), run.toolErrors(), what);
            assertEquals(List.of(), run.sanitizerErrors(), what);
            Set<String> leaks = VringhTest.expectedLeaks(run);
            assertEquals(leaks, run.leakSites(), what);
            assertEquals(leaks.isEmpty() ? 0 : VringhTest.SANITIZER_EXIT, run.exitCode(), what);
            assertTrue(run.checksPassed(), what);
        }
    }
}
