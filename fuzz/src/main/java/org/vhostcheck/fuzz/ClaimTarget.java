package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.file.Path;
import org.vhostcheck.model.Claims;

/** claims/*.json ({@link Claims#parse}) on any bytes: a claim with every required field, or one line. */
public final class ClaimTarget {
    private ClaimTarget() {
    }

    /** Jazzer calls this once before fuzzing: loads (and instruments) the parser outside the per-input timeout. */
    public static void fuzzerInitialize() {
        Oracle.parser(() -> Claims.parse(Path.of("claims", "fuzz.json"),
                "{\"id\":\"F0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        byte[] bytes = d.consumeRemainingAsBytes();
        Oracle.parser(() -> {
            Claims.Claim c = Claims.parse(Path.of("claims", "fuzz.json"), bytes);
            check(c.id() != null && c.model() != null && c.invariant() != null
                    && Claims.VERDICTS.contains(c.expectedVerdict()), "a parsed claim has its required fields");
        });
    }
}
