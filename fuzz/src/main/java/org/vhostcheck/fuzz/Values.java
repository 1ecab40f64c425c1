package org.vhostcheck.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.math.BigInteger;

/** u64 inputs for the model targets: boundary values (where vhost's guards act) or any bit pattern. */
final class Values {
    static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    /** The 4 KiB page of the u64 PageOf / PageOffset operators and of the dirty log. */
    static final BigInteger PAGE = BigInteger.valueOf(4096);

    /** The boundary set of spec/U64.tla's spirit: 0, 1, page edges, 2^32, 2^63 and 2^64 neighbourhoods, user-space top. */
    private static final long[] BOUNDARY = {
        0, 1, 2, 0xfff, 0x1000, 0x1001, 0x7fff, 0x8000, 0xffffffffL, 0x100000000L,
        0x7ffffffff000L, 0x7fffffffefffL, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -0x1000L, -2, -1,
    };

    private Values() {
    }

    static long u64(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> BOUNDARY[d.consumeInt(0, BOUNDARY.length - 1)];
            case 1 -> BOUNDARY[d.consumeInt(0, BOUNDARY.length - 1)] + d.consumeLong(-0x2000, 0x2000);
            case 2 -> d.consumeLong(0, 0x40000);
            default -> d.consumeLong();
        };
    }

    /** The unsigned value of a u64 bit pattern. */
    static BigInteger u(long x) {
        return new BigInteger(Long.toUnsignedString(x));
    }

    /** The u64 bit pattern of an unsigned value below 2^64. */
    static long bits(BigInteger v) {
        return v.longValue();
    }
}
