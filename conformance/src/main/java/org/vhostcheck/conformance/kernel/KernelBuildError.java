package org.vhostcheck.conformance.kernel;

/**
 * An edited kernel (a mutant, a patch) that build.sh could not compile (exit 1): the compiler's output is the
 * message, its first error line {@link #firstError()}. A generated mutant that does not compile is stillborn.
 */
public final class KernelBuildError extends KernelCrash {
    private final String firstError;

    public KernelBuildError(String message, String firstError) {
        super(message);
        this.firstError = firstError;
    }

    /** The compiler's first "error:" line (file:line:col: error: ...), or the log's last line. */
    public String firstError() {
        return firstError;
    }
}
