package org.vhostcheck.conformance;

/** The first field where the Java model's state differs from the spec's after one trace step. */
public record Divergence(long line, String action, String field, String expected, String actual) {
    @Override
    public String toString() {
        return "line " + line + " " + action + ": " + field + " expected " + expected + ", Java has " + actual;
    }
}
