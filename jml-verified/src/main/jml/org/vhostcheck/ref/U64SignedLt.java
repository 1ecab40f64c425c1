package org.vhostcheck.ref;

/**
 * Broken twin of {@link U64#lt}: a signed compare, so every address >= 2^63 sorts below 0.
 * Same contract; KeY must NOT close it.
 */
public final class U64SignedLt {

    private U64SignedLt() {
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: last < start, done on signed values
    /*@ public normal_behavior
      @   ensures \result <==>
      @           (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         < (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    public static /*@ pure @*/ boolean lt(long a, long b) {
        return a < b;
    }
}
