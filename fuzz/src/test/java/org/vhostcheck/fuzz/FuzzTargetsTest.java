package org.vhostcheck.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The fuzz targets as JUnit tests. In a plain run (surefire's default-test) each replays its
 * committed corpus, FuzzTargetsTestInputs/&lt;method&gt;; with JAZZER_FUZZ set (the module's
 * fuzz-* executions, one target per JVM) each fuzzes for maxDuration. Long runs:
 * {@code vhostcheck fuzz --target T --minutes M}.
 */
class FuzzTargetsTest {
    @FuzzTest(maxDuration = "5s")
    void iotlb(FuzzedDataProvider d) {
        IotlbTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void dirtyLog(FuzzedDataProvider d) {
        DirtyLogTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void ring(FuzzedDataProvider d) {
        RingTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void u64(FuzzedDataProvider d) {
        U64Target.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void trace(FuzzedDataProvider d) {
        TraceTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void manifest(FuzzedDataProvider d) {
        ManifestTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void tlcOutput(FuzzedDataProvider d) {
        TlcOutputTarget.fuzzerTestOneInput(d);
    }

    @FuzzTest(maxDuration = "5s")
    void claim(FuzzedDataProvider d) {
        ClaimTarget.fuzzerTestOneInput(d);
    }
}
