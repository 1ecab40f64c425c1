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
 * The kernel's own vringh_test, built from each target's tree with ASan + UBSan: every variant passes
 * its own checks; the variants where the test program itself leaks fail with exactly those leaks.
 */
class VringhTestTest {
    /** vringh_test.sh's default matrix: every feature combination serially, then slow-range and parallel runs. */
    private static final List<String> VARIANTS = List.of("plain", "indirect", "eventidx", "virtio-1",
            "indirect,eventidx", "indirect,virtio-1", "eventidx,virtio-1", "indirect,eventidx,virtio-1",
            "slow-range", "indirect,eventidx,virtio-1,slow-range",
            "parallel", "indirect,parallel", "eventidx,parallel", "virtio-1,parallel",
            "indirect,eventidx,virtio-1,parallel", "parallel,fast-vringh",
            "indirect,eventidx,virtio-1,parallel,fast-vringh", "indirect,eventidx,virtio-1,parallel,slow-range");

    /**
     * The leaks LeakSanitizer finds, both in tools/virtio/vringh_test.c itself (not in vringh.c or
     * virtio_ring.c), on 6.1 and 6.12 alike:
     * - serial with --indirect: the "weird (but legal!) indirect" block assigns vq = vring_new_virtqueue(...)
     *   again without vring_del_virtqueue() of the first queue (made at the top of main); only the second
     *   is deleted. The first queue's struct (direct) and its two state arrays (indirect) leak.
     * - --parallel without --fast-vringh: the host loop calls vringh_iov_init() on its two-entry stack
     *   iovecs before every vringh_getdesc_user() and never vringh_iov_cleanup(), so each time a chain
     *   needs more entries the iovec vringh allocates (resize_iovec, VRINGH_IOV_ALLOCATED) is dropped.
     *   --fast-vringh takes heads with vringh_get_head() and no iov, so nothing leaks.
     * The runs exit with the sanitizer's code instead of 0, after the test's own checks all passed: no
     * "vringh_test:" err/assert line (the parallel host also reports a failed guest child that way), and
     * the parallel guest printed its final line. (The host's final printf is lost in a leaking run: it is
     * buffered, and LeakSanitizer ends the process at exit before stdio is flushed.)
     */
    private static Set<String> expectedLeaks(VringhTest.Run run) {
        if (run.has("parallel")) {
            return run.has("fast-vringh") ? Set.of() : Set.of("Direct vringh_getdesc_user <- parallel_test");
        }
        return run.has("indirect")
                ? Set.of("Direct vring_new_virtqueue <- main", "Indirect vring_new_virtqueue <- main")
                : Set.of();
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux-6.1", "linux-6.12"})
    void everyVariantPassesItsChecks(String target) {
        VringhTest.Result r = VringhTest.run(Project.home(), target);
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
            Set<String> leaks = expectedLeaks(run);
            assertEquals(leaks, run.leakSites(), what);
            assertEquals(leaks.isEmpty() ? 0 : VringhTest.SANITIZER_EXIT, run.exitCode(), what);
            if (run.has("parallel")) {
                assertTrue(run.output().contains("\nGuest: notified "), what);
            }
        }
    }
}
