package org.vhostcheck.ref;

/**
 * Broken twin of {@link U64#addOverflows}: the carry out of the low 63 bits is ignored, so a
 * mixed-sign sum that wraps (e.g. 2^63 + 2^63-1 + 1) is missed. Same contract; KeY must NOT close it.
 */
public final class U64NoCarry {

    private U64NoCarry() {
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_overflow, with the wrap test reduced to "both top bits set"
    /*@ public normal_behavior
      @   ensures \result <==>
      @           (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @        >= 2*((\bigint)Long.MAX_VALUE + 1);
      @*/
    public static /*@ pure @*/ boolean addOverflows(long a, long b) {
        return a < 0 && b < 0;
    }
}
