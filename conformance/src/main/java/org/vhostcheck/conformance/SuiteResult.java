package org.vhostcheck.conformance;

import java.util.List;
import java.util.Map;

/**
 * One replay suite: a model's traces against one target (the Java model, or a kernel version).
 * {@code divergences} keeps the first {@link Replayer#KEEP} and the first of every distinct
 * {@link Divergence#key()}; {@code counts} counts every divergence by key. A suite whose target
 * could not be built has {@code skipped} set to why (never reported as passed). {@code actions}
 * counts the transitions replayed per spec action, in the spec's order, 0 for one never exercised
 * (empty for suites that are not trace replays: vringh_test, the U64 operator cross-check).
 */
public record SuiteResult(String model, String target, long transitions, long traces, long mismatches,
                          int actionsCovered, int actionsTotal, double seconds, List<Divergence> divergences,
                          List<String> uncoveredActions, Map<String, Long> counts, String skipped,
                          Map<String, Long> actions) {
    public SuiteResult(String model, String target, long transitions, long traces, long mismatches,
                       int actionsCovered, int actionsTotal, double seconds, List<Divergence> divergences,
                       List<String> uncoveredActions) {
        this(model, target, transitions, traces, mismatches, actionsCovered, actionsTotal, seconds, divergences,
                uncoveredActions, counts(divergences), null, Map.of());
    }

    /** A suite that did not run: its target is unavailable. */
    public static SuiteResult skipped(String model, String target, String why) {
        return new SuiteResult(model, target, 0, 0, 0, 0, 0, 0, List.of(), List.of(), Map.of(), why, Map.of());
    }

    public boolean ok() {
        return skipped == null && mismatches == 0 && actionsCovered == actionsTotal;
    }

    private static Map<String, Long> counts(List<Divergence> ds) {
        Map<String, Long> m = new java.util.TreeMap<>();
        ds.forEach(d -> m.merge(d.key(), 1L, Long::sum));
        return m;
    }
}
