package org.vhostcheck.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vhostcheck.ref.Iotlb.flip;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vhostcheck.model.VhostcheckException;
import org.vhostcheck.ref.Iotlb;

/** The oracles reject what they must (so a fuzz run that passes means something), and the finding they left open. */
class OracleTest {
    @Test
    void invertedRangeIsCaught() {
        Iotlb t = new Iotlb(2, false);
        List<IotlbTarget.M> spec = new ArrayList<>();
        assertEquals(0, t.addRange(flip(0x1000), flip(0x1fff), 0, 3));
        spec.add(new IotlbTarget.M(0x1000, 0x1fff, 0, 3));
        assertDoesNotThrow(() -> IotlbTarget.invariants(t, spec, 2));
        t.last[0] = flip(0xfff); // what IotlbNoLastCheck would store
        assertThrows(Oracle.Broken.class, () -> IotlbTarget.invariants(t, spec, 2));
    }

    @Test
    void tableDifferentFromTheSpecsIsCaught() {
        Iotlb t = new Iotlb(1, true);
        List<IotlbTarget.M> spec = new ArrayList<>();
        assertEquals(0, t.addRange(flip(0), flip(0xfff), 0x5000, 1));
        assertEquals(0, IotlbTarget.addRange(spec, 1, true, 0, 0xfff, 0x5000, 1));
        assertEquals(0, IotlbTarget.addRange(spec, 1, true, 0x1000, 0x1fff, 0x5000, 1)); // RETIRE evicts in the spec only
        assertThrows(Oracle.Broken.class, () -> IotlbTarget.invariants(t, spec, 1));
    }

    @Test
    void fullRangeIsSplitInTheSpecModelToo() {
        List<IotlbTarget.M> spec = new ArrayList<>();
        assertEquals(Iotlb.ENOSPC, IotlbTarget.addRange(spec, 1, true, 0, -1L, 0, 3));
        assertEquals(0, IotlbTarget.addRange(spec, 2, false, 0, -1L, 0x10, 3));
        assertEquals(List.of(new IotlbTarget.M(0, Long.MAX_VALUE, 0x10, 3),
                new IotlbTarget.M(Long.MIN_VALUE, -1L, 0x10 + Long.MIN_VALUE, 3)), spec);
    }

    /** The fuzzer's finding (IotlbTarget's comment): a walk whose range passes 2^64 succeeds, its second segment at 0. */
    @Test
    void translateOfARangeWrappingPast2To64Succeeds() {
        Iotlb t = new Iotlb(3, false);
        assertEquals(0, t.addRange(flip(2), flip(-1L), 0x2ff8, 3));
        assertEquals(0, t.addRange(flip(0), flip(0xffff), 0x10000, 3));
        long[] iova = new long[3];
        long[] il = new long[3];
        long[] hva = new long[3];
        long[] len = new long[3];
        int[] map = new int[3];
        assertEquals(2, t.translate(Iotlb.EAGAIN, flip(-1L), flip(0xff00), Iotlb.ACCESS_RO, 3, iova, il, hva, len, map));
        assertEquals(-1L, flip(iova[0]));
        assertEquals(1, len[0]);
        assertEquals(0, flip(iova[1]));
        assertEquals(0xfeff, len[1]);
    }

    @Test
    void parserOracleAcceptsOnlyShortProjectMessages() {
        assertDoesNotThrow(() -> Oracle.parser(() -> {
            throw new VhostcheckException("f.json: unknown field 'x'");
        }));
        assertThrows(Oracle.Broken.class, () -> Oracle.parser(() -> {
            throw new VhostcheckException("x".repeat(Oracle.MAX_MESSAGE + 1));
        }));
        assertThrows(NullPointerException.class, () -> Oracle.parser(() -> {
            throw new NullPointerException();
        }));
    }
}
