package org.vhostcheck.fuzz;

import org.vhostcheck.conformance.ReplayException;
import org.vhostcheck.key.KeyLoadException;
import org.vhostcheck.model.VhostcheckException;

/**
 * What a fuzz target may end with. A model operation: normally, with every invariant kept. A
 * parser: a result or the project's own bad-input exception carrying a short, non-empty message
 * (the command line prints it as its one line). Anything else (NullPointerException,
 * NumberFormatException, StackOverflowError, a Jackson exception leaking, ...) is a bug and
 * propagates, so Jazzer reports it with the input.
 */
public final class Oracle {
    /** Longest message accepted: a message must not echo unbounded input back at the user. */
    public static final int MAX_MESSAGE = 2000;

    private Oracle() {
    }

    /** A broken invariant or contract: the input that reached it is a finding. */
    public static final class Broken extends AssertionError {
        private static final long serialVersionUID = 1L;

        Broken(String what) {
            super(what);
        }
    }

    /** Fails the run when {@code ok} is false; {@code what} names the invariant (the spec's name where there is one). */
    public static void check(boolean ok, String what) {
        if (!ok) {
            throw new Broken(what);
        }
    }

    /** A parser run: returns normally, or throws one of the project's bad-input exceptions with a usable message. */
    public static void parser(ThrowingRunnable run) {
        try {
            run.run();
        } catch (VhostcheckException | ReplayException | KeyLoadException e) {
            oneLine(e);
        }
    }

    /** The message a bad-input exception carries: present, not blank, bounded. */
    public static void oneLine(Exception e) {
        String m = e.getMessage();
        check(m != null && !m.isBlank(), e.getClass().getSimpleName() + " without a message");
        if (m.length() > MAX_MESSAGE) {
            throw new Broken(e.getClass().getSimpleName() + " message of " + m.length() + " characters (at most "
                    + MAX_MESSAGE + "): " + m.substring(0, 200) + " ...");
        }
    }

    /** A parser call that may throw the project's checked exception. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws KeyLoadException;
    }
}
