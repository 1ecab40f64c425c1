package org.vhostcheck.conformance;

import java.util.List;

/** One replay suite: a model's traces against one target (the Java model for now). */
public record SuiteResult(String model, String target, long transitions, long traces, long mismatches,
                          int actionsCovered, int actionsTotal, double seconds, List<Divergence> divergences,
                          List<String> uncoveredActions) {
    public boolean ok() {
        return mismatches == 0 && actionsCovered == actionsTotal;
    }
}
