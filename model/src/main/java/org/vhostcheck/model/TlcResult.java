package org.vhostcheck.model;

import java.util.List;

/**
 * What one TLC run says about a model: {@code holds}, {@code violates:<Invariant>} with the
 * trace that shows it, or {@code error} with TLC's message.
 */
public record TlcResult(String outcome, Long distinctStates, Long statesGenerated, double seconds,
                        int exitCode, String error, List<TraceState> trace) {
    public static final String HOLDS = "holds";
    public static final String ERROR = "error";

    public boolean violated() {
        return outcome.startsWith("violates:");
    }
}
