package org.vhostcheck.conformance.kernel;

/** A kernel harness process that died or stopped answering: its sanitizer report or stderr is the message. */
public class KernelCrash extends RuntimeException {
    public KernelCrash(String message) {
        super(message);
    }
}
