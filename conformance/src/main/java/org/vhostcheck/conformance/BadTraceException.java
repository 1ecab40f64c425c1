package org.vhostcheck.conformance;

/** A trace value that is malformed (bad input, exit 2), as opposed to a step the model refuses. */
public class BadTraceException extends ReplayException {
    private static final long serialVersionUID = 1L;

    public BadTraceException(String message) {
        super(message);
    }
}
