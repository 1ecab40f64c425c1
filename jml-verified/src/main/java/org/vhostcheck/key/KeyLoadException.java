package org.vhostcheck.key;

/** A proof run could not start: bad sources, bad settings or expectations file. One line, names the file. */
public final class KeyLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    public KeyLoadException(String message) {
        super(message);
    }
}
