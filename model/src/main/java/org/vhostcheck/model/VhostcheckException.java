package org.vhostcheck.model;

/**
 * Bad input or a missing tool: carries the one line shown to the user (file, place, what is
 * wrong). The command line maps it to exit code 2.
 */
public class VhostcheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VhostcheckException(String oneLine) {
        super(oneLine);
    }

    public VhostcheckException(String oneLine, Throwable cause) {
        super(oneLine, cause);
    }
}
