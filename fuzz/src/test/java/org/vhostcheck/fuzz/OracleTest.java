package org.vhostcheck.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vhostcheck.ref.Iotlb.flip;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vhostcheck.model.VhostcheckException;
import org.vhostcheck.ref.Iotlb;
import org.vhostcheck.ref.VirtQueue;

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

    /** The ring target's device IOTLB: [0, 0xfff] read-write, [0x1000, 0x1fff] read-only, [0x2000, 0x2fff] write-only. */
    private static RingTarget.Run ring(int num, int putU16Access) {
        Iotlb t = new Iotlb(3, true);
        assertEquals(0, t.addRange(flip(0), flip(0xfff), 0x10000, 3));
        assertEquals(0, t.addRange(flip(0x1000), flip(0x1fff), 0x20000, 1));
        assertEquals(0, t.addRange(flip(0x2000), flip(0x2fff), 0x30000, 2));
        return new RingTarget.Run(new VirtQueue(num, 2, t, true, 0x800, 2, putU16Access, 0xffff), 0xffff);
    }

    /** Guest: one readable then one writable descriptor at head 0 (a ring of 1: the writable one), published;
     * device: the whole walk. */
    private static void acceptOne(RingTarget.Run r) {
        VirtQueue q = r.q;
        if (q.num == 1) {
            q.writeDesc(0, 0x2100, 0x10, VirtQueue.F_WRITE, 0);
        } else {
            q.writeDesc(0, 0x100, 0x10, VirtQueue.F_NEXT, 1);
            q.writeDesc(1, 0x2100, 0x10, VirtQueue.F_WRITE, 0);
        }
        q.writeAvail(q.lastAvail % q.num, 0);
        q.publishAvail(1);
        while (true) {
            RingTarget.device(r);
            RingTarget.invariants(r);
            if (q.phase == VirtQueue.IDLE) {
                break;
            }
        }
        assertEquals(0, q.ret);
    }

    @Test
    void ringOracleHoldsOnAWholeChainAndCatchesAnEntryOutsideItsMap() {
        RingTarget.Run r = ring(2, VirtQueue.WO);
        acceptOne(r);
        assertEquals(1, r.q.nInflight);
        assertEquals(1, r.q.inflight[0].outNum);
        assertEquals(1, r.q.inflight[0].inNum);
        assertEquals(1, r.q.inflight[0].logNum);
        r.q.inflight[0].len[1] = 0xf01; // [0x2100, 0x3000]: one byte past the write-only map
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r));
        r.q.inflight[0].len[1] = 0x10;
        r.q.inflight[0].map[1] = 1; // the read-only map
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r));
    }

    @Test
    void ringOracleCatchesAUsedRingThatIsNotTheCompletedHeads() {
        RingTarget.Run r = ring(2, VirtQueue.WO);
        acceptOne(r);
        RingTarget.addUsedN(r, 1);
        assertEquals(1 << 2, r.q.wrotePerms); // the writable entry's map is write-only
        assertDoesNotThrow(() -> RingTarget.invariants(r));
        r.q.used[(0xffff) % 2] = 7;
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r));
    }

    /** 6.12's putu16_iotlb writes through a read-only map: accepted for it, and for nothing else. */
    @Test
    void ringOracleAcceptsAWriteThroughAReadOnlyMapOnlyForPutu16Of612() {
        RingTarget.Run r612 = ring(2, VirtQueue.RO);
        RingTarget.expectU16(r612, true, 0x1010);
        assertEquals(0, r612.q.u16Access(true, 0x1010));
        r612.lastKind = VirtQueue.PUTU16;
        assertEquals(1 << 1, r612.q.wrotePerms);
        assertDoesNotThrow(() -> RingTarget.invariants(r612));
        r612.lastKind = VirtQueue.XFER_TO; // the same write said to come from another access
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r612));
        RingTarget.Run r61 = ring(2, VirtQueue.WO);
        RingTarget.expectU16(r61, true, 0x1010);
        r61.lastRet = r61.q.u16Access(true, 0x1010);
        r61.lastKind = VirtQueue.PUTU16;
        assertEquals(Iotlb.EPERM, r61.lastRet); // 6.1 asks VHOST_MAP_WO
        assertDoesNotThrow(() -> RingTarget.invariants(r61));
        r61.q.wrotePerms = 1 << 1; // what a write through the read-only map would record
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r61));
    }

    /**
     * Open (RingTarget#addUsedN): more heads in flight than the ring holds, and a batch of more than room + num
     * of them (room: the entries left before the ring's end). Spec AddUsedN sets usedLost; the Java model
     * throws. The fuzz target keeps batches to room + num; up to there the used ring is what the spec says.
     */
    @Test
    void addUsedNPastTheSecondWrapThrows() {
        RingTarget.Run r = ring(1, VirtQueue.WO);
        for (int k = 0; k < 3; k++) {
            acceptOne(r); // the guest publishes again after the device took the last: (u16)(idx - last) <= num
        }
        assertEquals(3, r.q.nInflight);
        RingTarget.Run two = ring(1, VirtQueue.WO);
        acceptOne(two);
        acceptOne(two);
        RingTarget.addUsedN(two, 2); // room 1 + num 1: the second entry overwrites the first
        assertDoesNotThrow(() -> RingTarget.invariants(two));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> r.q.addUsedN(3));
    }

    /**
     * The documented corner (RingTarget#copyRequest): with a map ending at 2^64 - 1, a copy from IOVA 0 walks
     * round; the kernel's copy loop never ends, the Java one returns -EFAULT having moved more than asked,
     * which the oracle catches.
     */
    @Test
    void copyWhoseWalkWrapsMovesMoreThanAsked() {
        Iotlb t = new Iotlb(2, true);
        assertEquals(0, t.addRange(flip(0), flip(0xfff), 0x10000, 3));
        assertEquals(0, t.addRange(flip(0x1000), flip(-1L), 0x20000, 3));
        RingTarget.Run r = new RingTarget.Run(new VirtQueue(2, 2, t, false, 0, 0, VirtQueue.WO, 0), 0);
        RingTarget.expectCopy(r, VirtQueue.XFER_FROM, 0, 0x2000, 0);
        r.lastRet = r.q.copy(VirtQueue.XFER_FROM, 0, 0x2000, 0);
        r.lastKind = VirtQueue.XFER_FROM;
        r.lastLen = 0x2000;
        assertEquals(0, r.expRet); // the oracle's own walk does not go round (copyRequest keeps the target off this)
        assertEquals(VirtQueue.EFAULT, r.lastRet);
        assertEquals(0x10000, r.q.moved);
        assertThrows(Oracle.Broken.class, () -> RingTarget.invariants(r));
        assertArrayEquals(new long[] {1, 0x2000}, RingTarget.copyRequest(t, 0, 0x2000));
        assertArrayEquals(new long[] {-0x10L, 0x10}, RingTarget.copyRequest(t, -0x10L, 0x2000));
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
