package org.vhostcheck.conformance;

/** A trace step the Java model cannot take as written (bad parameter, action not enabled). */
public class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplayException(String message) {
        super(message);
    }
}
