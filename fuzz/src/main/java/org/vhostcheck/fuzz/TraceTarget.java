package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.file.Path;
import org.vhostcheck.conformance.Replayer;
import org.vhostcheck.conformance.SuiteResult;

/** NDJSON trace replay ({@link Replayer}: header, steps, the machines' field readers, Hex) on any bytes. */
public final class TraceTarget {
    private TraceTarget() {
    }

    /** Jazzer calls this once before fuzzing: loads (and instruments) the replay path outside the per-input timeout. */
    public static void fuzzerInitialize() {
        Oracle.parser(() -> Replayer.replay(Scratch.write("trace.ndjson", ("{\"format\":\"vhostcheck-trace/1\",\"spec\":\"U64Reg\","
                + "\"actions\":[\"Load\"],\"constants\":{\"MaxSteps\":1}}\n{\"action\":\"Init\",\"params\":{},"
                + "\"state\":{\"reg\":\"0x0\",\"carry\":false,\"steps\":0}}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "java"));
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        Path f = Scratch.write("trace.ndjson", d.consumeRemainingAsBytes());
        Oracle.parser(() -> {
            SuiteResult r = Replayer.replay(f, "java");
            check(r.mismatches() >= r.divergences().size()
                    && r.divergences().size() <= Replayer.KEEP + r.counts().size()
                    && r.counts().values().stream().mapToLong(Long::longValue).sum() == r.mismatches(),
                    "divergences kept are counted");
            check(0 <= r.actionsCovered() && r.actionsCovered() <= r.actionsTotal(), "actions covered <= actions");
        });
    }
}
