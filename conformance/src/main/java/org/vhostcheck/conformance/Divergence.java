package org.vhostcheck.conformance;

import java.nio.file.Path;

/**
 * The first field where a target's state differs from the spec's after one trace step: line
 * {@code line} of {@code trace} (null when the divergence does not come from a trace file).
 */
public record Divergence(long line, String action, String field, String expected, String actual, Path trace) {
    public Divergence(long line, String action, String field, String expected, String actual) {
        this(line, action, field, expected, actual, null);
    }

    /** What groups divergences of one cause: the action and the field with its indices dropped ("maps[].size"). */
    public String key() {
        return action + " " + field.replaceAll("\\[\\d+]", "[]");
    }

    @Override
    public String toString() {
        return "line " + line + " " + action + ": " + field + " expected " + expected + ", target has " + actual;
    }
}
