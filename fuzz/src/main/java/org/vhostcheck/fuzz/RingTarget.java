package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;
import static org.vhostcheck.fuzz.Values.u;
import static org.vhostcheck.ref.Iotlb.flip;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.vhostcheck.ref.Chain;
import org.vhostcheck.ref.Iotlb;
import org.vhostcheck.ref.U64;
import org.vhostcheck.ref.VirtQueue;

/**
 * Operation sequences on the Java ring model {@link VirtQueue} (today's kernel, spec/VirtQueue.tla).
 * The input chooses a device IOTLB of 1..4 non-overlapping maps (any perm, addresses anywhere up to
 * 2^64 - 1, never the full range), QueueSize 1, 2, 4 or 8, IovSize 1..8, InitIdx, logging, an
 * indirect table (IndCap 0..4 at IndAt) and putu16_iotlb's perm (RO as 6.12, WO as 6.1); then up to
 * {@link #MAX_OPS} operations: the adversarial guest's writeDesc / writeInd (any addr, u32 len, u16
 * flags and next), writeAvail (any u16 head), publishAvail (any u16 delta), and runs of them that write
 * a chain or an indirect table inside the maps ({@link #chain}, {@link #indirectTable}); the device's
 * getHead, walkDesc, walkIndirect when the walk's phase allows them (as spec/VirtQueue.tla and
 * VirtQueueMachine enable them), one step or until the call ends; addUsedN(n) when idle; vringh's
 * u16Access and copy (any addr, len 0..2^16, the first chunk falling 0 or 1 byte short).
 *
 * <p>Oracle, after every operation ({@link #invariants}): the model throws nothing (an exception is a
 * finding), and on the Java state
 * <ul>
 *   <li>Inv_WalkBounded: walk.found &lt;= num;</li>
 *   <li>for the walk's chain and every in-flight one, Inv_IovWithinCapacity (n &lt;= iovSize,
 *       inNum + outNum == n, outNum counts the readable entries), Inv_LogWithinIn (logNum &lt;= inNum),
 *       Inv_ReadableFirst (no readable entry after a writable one), and every iov entry non-empty and
 *       inside one map that grants the entry's access, at hva = map.addr + iova - map.start (u64):
 *       spec Take's segments, Inv_SegInMap and Inv_SegPermitted of spec/Iotlb.tla;</li>
 *   <li>Inv_NoStaleAvail: (u16)(lastAvail - fetchedAt) &lt;= num; the chains in flight are exactly
 *       (u16)(lastAvail - lastUsed); a chain starts at the head getHead read from avail; getHead without
 *       a chain returns num or -EINVAL; a walk step returns 0 and goes on, returns the head it accepted,
 *       or an errno;</li>
 *   <li>Inv_UsedExact: used-&gt;idx == last_used_idx == InitIdx + completed heads (u16), and the last
 *       min(completed, num) used entries hold the completed heads in order (the oracle keeps its own
 *       list, taken from the in-flight chains before each addUsedN);</li>
 *   <li>Inv_CopyExact: a copy that returns 0 moved exactly len bytes, and none moves more than len;
 *       beyond it, each u16Access and copy returns and moves what spec U16Access / Copy give on these
 *       tables, computed by the oracle on its own ({@link #expectU16}, {@link #expectCopy});</li>
 *   <li>Inv_WritesPermitted: the last step wrote guest memory only through maps whose perm grants
 *       write, except the putu16_iotlb of 6.12 (see {@link #writesPermitted}); and the perms it wrote
 *       through are the spec's wrote (AddUsedN: the maps of the completed chains' writable entries;
 *       putu16 and xfer_to_iotlb: the maps their walk crossed; anything else: none).</li>
 * </ul>
 *
 * <p>Constrained, each an open case OracleTest pins: {@link #copyRequest}, copies whose walk would go
 * round 2^64 when a map ends at 2^64 - 1, and {@link #addUsedN}, batches of more than room + num heads.
 */
public final class RingTarget {
    static final int MAX_OPS = 64;
    static final int MAX_MAPS = 4;
    static final int MAX_IOV = 8;
    static final int MAX_IND = 4;
    /** The longest vringh copy: more than one page, up to the chunking over 16 iov entries. */
    static final long MAX_COPY = 1 << 16;
    /** Device steps one "run" operation takes at most (a walk ends within num + IndCap + 1 steps here). */
    static final int MAX_RUN = 64;
    /** -Dvhostcheck.fuzz.trace=true prints each operation: for reading a crash input. */
    static final boolean TRACE = Boolean.getBoolean("vhostcheck.fuzz.trace");
    private static final String[] KINDS = {"getu16_iotlb", "putu16_iotlb", "xfer_from_iotlb", "xfer_to_iotlb",
        "copydesc_iotlb"};
    private static final String[] PHASES = {"idle", "desc", "ind"};

    private RingTarget() {
    }

    /** What the oracle keeps beside the model: the heads completed, and what the last operation was. */
    static final class Run {
        final VirtQueue q;
        final int initIdx;
        final List<Integer> done = new ArrayList<>();
        /** the last operation was a vringh access of this kind (VirtQueue.GETU16 ..), or -1 */
        int lastKind = -1;
        long lastLen;
        int lastRet;
        /** what the spec's action gives, computed by the oracle on its own ({@link #expectU16}, {@link #expectCopy},
         * {@link #addUsedN}): the perms of the maps the last step wrote through, and for a vringh access its
         * result and the bytes moved */
        int expWrote;
        int expRet;
        long expMoved;

        Run(VirtQueue q, int initIdx) {
            this.q = q;
            this.initIdx = initIdx;
        }
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        Iotlb maps = maps(d);
        int num = 1 << d.consumeInt(0, 3);
        int iovSize = d.consumeInt(1, MAX_IOV);
        int initIdx = d.consumeInt(0, 0xffff);
        boolean logging = d.consumeBoolean();
        int indCap = d.consumeInt(0, MAX_IND);
        long indAt = addr(d, maps, 0);
        int putU16Access = d.consumeBoolean() ? VirtQueue.RO : VirtQueue.WO;
        trace("maps %s; num %d, iovSize %d, initIdx %d, logging %b, ind %d at %x, putu16 %s", show(maps), num, iovSize,
                initIdx, logging, indCap, indAt, putU16Access == VirtQueue.RO ? "RO" : "WO");
        Run r = new Run(new VirtQueue(num, iovSize, maps, logging, indAt, indCap, putU16Access, initIdx), initIdx);
        invariants(r);
        for (int op = 0; op < MAX_OPS && d.remainingBytes() > 0; op++) {
            step(r, d);
            invariants(r);
        }
    }

    // ---- the input ----

    /** 1..4 maps, non-overlapping, each last >= start and not [0, 2^64 - 1]; a map that would overlap is left out. */
    static Iotlb maps(FuzzedDataProvider d) {
        int want = d.consumeInt(1, MAX_MAPS);
        long[][] rows = new long[want][];
        int n = 0;
        for (int k = 0; k < want; k++) {
            long s = Values.u64(d);
            long l = d.consumeBoolean() ? s + d.consumeLong(0, 0x3fff) : Values.u64(d);
            if (Long.compareUnsigned(l, s) < 0) {
                if (d.consumeBoolean()) {
                    long t = s;
                    s = l;
                    l = t;
                } else {
                    l = -1L; // the map reaches 2^64 - 1
                }
            }
            if (s == 0 && l == -1L) {
                l = -2L; // not the full range (the class invariant: addRange would split it)
            }
            boolean free = true;
            for (int j = 0; j < n; j++) {
                free &= Long.compareUnsigned(l, rows[j][0]) < 0 || Long.compareUnsigned(rows[j][1], s) < 0;
            }
            long a = Values.u64(d);
            int perm = d.consumeInt(0, 3);
            if (free) {
                rows[n++] = new long[] {s, l, a, perm};
            }
        }
        Iotlb t = new Iotlb(n, true);
        for (int j = 0; j < n; j++) {
            check(t.addRange(flip(rows[j][0]), flip(rows[j][1]), rows[j][2], (int) rows[j][3]) == 0, "addRange of map " + j);
        }
        return t;
    }

    /** An address: any u64, or near a map's first or last byte, or (for descriptors) the indirect table's. */
    static long addr(FuzzedDataProvider d, Iotlb maps, long indAt) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> Values.u64(d);
            case 1 -> flip(maps.start[d.consumeInt(0, maps.n - 1)]) + d.consumeLong(-0x10, 0x100);
            case 2 -> flip(maps.last[d.consumeInt(0, maps.n - 1)]) + d.consumeLong(-0x100, 0x10);
            default -> indAt;
        };
    }

    /** A descriptor's len (a u32): small, a whole number of descriptors, or any. */
    static long len(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 2)) {
            case 0 -> d.consumeLong(0, 0x40);
            case 1 -> VirtQueue.DESC_SIZE * (long) d.consumeInt(0, MAX_IND + 1);
            default -> d.consumeLong(0, 0xffffffffL);
        };
    }

    /** A u16 that is mostly small (flags, next, heads, deltas), sometimes any. */
    static int u16(FuzzedDataProvider d, int small) {
        return d.consumeBoolean() ? d.consumeInt(0, small) : d.consumeInt(0, 0xffff);
    }

    /** An address inside a map (its first 256 bytes), where a small descriptor translates. */
    static long inMap(FuzzedDataProvider d, Iotlb maps) {
        int i = d.consumeInt(0, maps.n - 1);
        long size = flip(maps.last[i]) - flip(maps.start[i]); // size - 1, u64
        return flip(maps.start[i]) + (Long.compareUnsigned(size, 0xff) < 0 ? d.consumeLong(0, size) : d.consumeLong(0, 0xff));
    }

    // ---- the operations ----

    /**
     * The guest writes a chain the device can take (several writeDesc and a writeAvail, each an operation of
     * the spec's guest): k descriptors from slot s on, each inside a map, readable ones then writable ones,
     * linked by NEXT, sometimes one of them INDIRECT to the guest's table; then avail[lastAvail % num] = s.
     * Without it the fuzzer seldom builds a chain of more than one translated descriptor.
     */
    static void chain(Run r, FuzzedDataProvider d) {
        VirtQueue q = r.q;
        int s = d.consumeInt(0, q.num - 1);
        int k = d.consumeInt(1, q.num);
        int firstWritable = d.consumeInt(0, k);
        for (int j = 0; j < k; j++) {
            int slot = (s + j) % q.num;
            int next = (slot + 1) % q.num;
            int fl = (j + 1 < k ? VirtQueue.F_NEXT : 0) | (j >= firstWritable ? VirtQueue.F_WRITE : 0);
            long a = inMap(d, q.maps);
            long l = d.consumeLong(0, 0x40);
            if (q.indCap > 0 && d.consumeInt(0, 3) == 0) {
                a = q.indAt;
                l = VirtQueue.DESC_SIZE * (long) d.consumeInt(1, q.indCap);
                fl |= VirtQueue.F_INDIRECT;
            }
            trace("writeDesc(%d, %x, %x, flags %x, next %d) (chain)", slot, a, l, fl, next);
            q.writeDesc(slot, a, l, fl, next);
        }
        trace("writeAvail(%d, %d) (chain)", q.lastAvail % q.num, s);
        q.writeAvail(q.lastAvail % q.num, s);
    }

    /** The guest fills its indirect table the same way: entries inside maps, readable then writable, linked by NEXT. */
    static void indirectTable(Run r, FuzzedDataProvider d) {
        VirtQueue q = r.q;
        int k = d.consumeInt(1, q.indCap);
        int firstWritable = d.consumeInt(0, k);
        for (int j = 0; j < k; j++) {
            int fl = (j + 1 < k ? VirtQueue.F_NEXT : 0) | (j >= firstWritable ? VirtQueue.F_WRITE : 0);
            long a = inMap(d, q.maps);
            long l = d.consumeLong(0, 0x40);
            trace("writeInd(%d, %x, %x, flags %x, next %d) (table)", j, a, l, fl, j + 1);
            q.writeInd(j, a, l, fl, j + 1);
        }
    }

    /** One operation, and the oracle's record of what it did. */
    static void step(Run r, FuzzedDataProvider d) {
        int lastKind = r.lastKind;
        int expWrote = r.expWrote;
        r.lastKind = -1;
        r.expWrote = 0; // guest writes and walk steps write no guest memory (spec: wrote' = {})
        if (!operation(r, d)) {
            // an operation that is not enabled is no step: what the last step did stays (wrotePerms too)
            r.lastKind = lastKind;
            r.expWrote = expWrote;
        }
    }

    /** The operation the input chooses; false if it is not enabled. */
    private static boolean operation(Run r, FuzzedDataProvider d) {
        VirtQueue q = r.q;
        Iotlb maps = q.maps;
        switch (d.consumeInt(0, 11)) {
            case 0, 1 -> {
                int s = d.consumeInt(0, q.num - 1);
                long a = addr(d, maps, q.indAt);
                long l = len(d);
                int fl = u16(d, 7);
                int nx = u16(d, q.num);
                trace("writeDesc(%d, %x, %x, flags %x, next %d)", s, a, l, fl, nx);
                q.writeDesc(s, a, l, fl, nx);
            }
            case 2 -> {
                if (q.indCap == 0) {
                    return false;
                }
                int k = d.consumeInt(0, q.indCap - 1);
                long a = addr(d, maps, q.indAt);
                long l = len(d);
                int fl = u16(d, 7);
                int nx = u16(d, q.indCap);
                trace("writeInd(%d, %x, %x, flags %x, next %d)", k, a, l, fl, nx);
                q.writeInd(k, a, l, fl, nx);
            }
            case 3 -> {
                int s = d.consumeInt(0, q.num - 1);
                int h = u16(d, q.num);
                trace("writeAvail(%d, %d)", s, h);
                q.writeAvail(s, h);
            }
            case 4 -> {
                int delta = u16(d, q.num + 1);
                trace("publishAvail(%d)", delta);
                q.publishAvail(delta);
            }
            case 5 -> device(r);
            case 6 -> {
                // the device runs until the call ends (a head, an error, or an empty ring)
                for (int k = 0; k < MAX_RUN; k++) {
                    device(r);
                    if (q.phase == VirtQueue.IDLE) {
                        break;
                    }
                    invariants(r);
                }
            }
            case 7 -> {
                return addUsedN(r, d);
            }
            case 8 -> {
                boolean put = d.consumeBoolean();
                long a = addr(d, maps, q.indAt);
                r.lastKind = put ? VirtQueue.PUTU16 : VirtQueue.GETU16;
                r.lastLen = 2;
                expectU16(r, put, a);
                r.lastRet = q.u16Access(put, a);
                trace("u16Access(%s, %x) = %d, moved %d, wrote perms %x", KINDS[r.lastKind], a, r.lastRet, q.moved,
                        q.wrotePerms);
            }
            case 9 -> {
                int kind = d.consumeInt(VirtQueue.XFER_FROM, VirtQueue.COPYDESC);
                long a = addr(d, maps, q.indAt);
                long l = d.consumeBoolean() ? d.consumeLong(0, 0x40) : d.consumeLong(0, MAX_COPY);
                int shortBy = d.consumeInt(0, 1);
                long[] req = copyRequest(maps, a, l);
                r.lastKind = kind;
                r.lastLen = req[1];
                expectCopy(r, kind, req[0], req[1], shortBy);
                r.lastRet = q.copy(kind, req[0], req[1], shortBy);
                trace("copy(%s, %x, %x, short %d) = %d, moved %x, wrote perms %x", KINDS[kind], req[0], req[1], shortBy,
                        r.lastRet, q.moved, q.wrotePerms);
            }
            case 10 -> chain(r, d);
            default -> {
                if (q.indCap == 0) {
                    return false;
                }
                indirectTable(r, d);
            }
        }
        return true;
    }

    /** One device step as the walk's phase allows it: getHead when idle, walkDesc in the table, walkIndirect in an indirect table. */
    static void device(Run r) {
        VirtQueue q = r.q;
        switch (q.phase) {
            case VirtQueue.IDLE -> {
                // the head getHead starts a chain at, if it does: avail[last_avail_idx % num]
                int head = q.avail[q.lastAvail % q.num];
                q.getHead();
                trace("getHead = %d (%s, lastAvail %d, availIdx %d)", q.ret, PHASES[q.phase], q.lastAvail, q.availIdx);
                if (q.phase == VirtQueue.DESC) {
                    check(q.wi == head && q.chain.head == head && q.ret == 0, "getHead starts the chain at avail[lastAvail % num]");
                } else {
                    check(q.ret == q.num || q.ret == VirtQueue.EINVAL, "getHead without a chain returns num or -EINVAL, not " + q.ret);
                }
            }
            case VirtQueue.DESC -> {
                int before = q.nInflight;
                q.walkDesc();
                trace("walkDesc = %d (%s, found %d)", q.ret, PHASES[q.phase], q.found);
                accepted(q, before);
            }
            default -> {
                int before = q.nInflight;
                q.walkIndirect();
                trace("walkIndirect = %d (%s, pos %d of %d)", q.ret, PHASES[q.phase], q.pos, q.count);
                accepted(q, before);
            }
        }
    }

    // a walk step that ends the call returns the head it accepted (last_avail_idx moved) or an error
    private static void accepted(VirtQueue q, int before) {
        if (q.nInflight == before + 1) {
            Chain c = q.inflight[before];
            trace("  accepted head %d: %d iov entries (out %d, in %d), %d log entries", c.head, c.n, c.outNum, c.inNum,
                    c.logNum);
            check(q.phase == VirtQueue.IDLE && q.ret == q.inflight[before].head, "an accepted chain returns its head");
        } else {
            check(q.nInflight == before, "a walk step accepts at most one chain");
            check(q.phase != VirtQueue.IDLE ? q.ret == 0
                    : q.ret == VirtQueue.EINVAL || q.ret == VirtQueue.EAGAIN || q.ret == Iotlb.EPERM
                            || q.ret == VirtQueue.ENOBUFS, "a walk step returns 0 going on, or an errno, not " + q.ret);
        }
    }

    /**
     * addUsedN(n) when the walk is idle (spec AddUsedN), 1 &lt;= n &lt;= the chains in flight and n &lt;= room + num,
     * room = num - last_used_idx % num; false when not enabled. The oracle takes the heads it completes from
     * the in-flight chains first.
     *
     * <p>Constrained: n &lt;= room + num. More heads can be in flight than the ring holds (the device takes up to
     * num per read of avail-&gt;idx, and an adversarial guest publishes again before any is used). A batch of
     * more than room + num is an open finding of this target: linux 6.12 vhost_add_used_n splits a batch once,
     * at the end of the ring, so its second part, count - room entries from used-&gt;ring[0] on, runs past the
     * ring; spec AddUsedN sets usedLost there (Inv_UsedExact breaks; MCVirtQueue.cfg keeps MaxBatch =
     * QueueSize, which never reaches it), and {@link VirtQueue#addUsedN}, whose used[] has num entries, throws
     * ArrayIndexOutOfBoundsException (OracleTest pins it). A batch of num &lt; n &lt;= room + num overwrites
     * its own first entries, in the kernel, the spec and the model alike, and keeps Inv_UsedExact.
     */
    static boolean addUsedN(Run r, FuzzedDataProvider d) {
        VirtQueue q = r.q;
        if (q.phase != VirtQueue.IDLE || q.nInflight == 0) {
            return false;
        }
        int room = q.num - (q.lastUsed & (q.num - 1));
        addUsedN(r, d.consumeInt(1, Math.min(q.nInflight, room + q.num)));
        return true;
    }

    /** addUsedN(n) with the oracle's bookkeeping: the heads completed, and the perms spec AddUsedN says it writes through. */
    static void addUsedN(Run r, int n) {
        VirtQueue q = r.q;
        r.expWrote = 0;
        for (int k = 0; k < n; k++) {
            Chain c = q.inflight[k];
            r.done.add(c.head);
            // spec AddUsedN: wrote' = the perms of the maps the completed chains' writable entries lie in (MapOf)
            for (int j = 0; j < c.n; j++) {
                if (c.access[j] == VirtQueue.WO) {
                    int i = mapOf(q.maps, c.iova[j]);
                    check(i >= 0, "in-flight chain " + k + " entry " + j + " lies in a map");
                    r.expWrote |= 1 << q.maps.perm[i];
                }
            }
        }
        trace("addUsedN(%d)", n);
        q.addUsedN(n);
    }

    /**
     * The copy request {addr, len} as generated, except when a map ends at 2^64 - 1: then it is kept off IOVA 0
     * (addr 0 becomes 1) and short of 2^64 (len clipped to 2^64 - addr).
     *
     * <p>Why: that is the corner {@link Iotlb#translate}'s KeY contract leaves out (a request that passes 2^64,
     * or starts at 0 while a map ends at 2^64 - 1), where the walk's u64 {@code s += size} can wrap to 0 and
     * the walk goes round again until the iov array is full (README, "The IOTLB models", third edge case).
     * There the Java copy and the spec part: linux 6.12 vringh.c iotlb_translate returns -ENOBUFS with
     * *translated = min(len, s), which is 0 after the wrap, so copy_from_iotlb / copy_to_iotlb add 0 and go
     * round for ever (spec CopyLoop, translated = MinU(rest, w.s), recurses for ever too); {@link VirtQueue#copy}
     * sums the 16 segments' lengths instead, so it ends, with -EFAULT and moved &gt; len: with maps
     * [0, 0xfff] and [0x1000, 2^64 - 1], xfer_from_iotlb(0, 0x2000) moves 0x10000 (OracleTest pins it).
     * vhost's device IOTLB never holds such a map (umem_access_ok keeps a readable or writable map below
     * TASK_SIZE_MAX); what a vDPA parent gives vringh is not modelled. The descriptor walks and the u16
     * accesses are not constrained: outside the contract the Java walk is still the kernel's loop, and the
     * oracle checks its result on its own.
     */
    static long[] copyRequest(Iotlb maps, long a, long l) {
        boolean top = false;
        for (int i = 0; i < maps.n; i++) {
            top |= maps.last[i] == Long.MAX_VALUE; // flipped 2^64 - 1
        }
        if (top && l != 0) {
            if (a == 0) {
                a = 1;
            }
            if (Long.compareUnsigned(a, -l) > 0) {
                l = -a; // a + l > 2^64: l = 2^64 - a
            }
        }
        return new long[] {a, l};
    }

    // ---- what the spec's vringh actions give, on this target's tables ----

    /**
     * The map holding IOVA x, or -1. With non-overlapping maps it is what vhost_iotlb_itree_first(addr, last)
     * and the start check find for a request [addr, last] that does not pass 2^64 (spec First, MapOf).
     */
    static int mapOf(Iotlb t, long x) {
        for (int i = 0; i < t.n; i++) {
            if (Long.compareUnsigned(flip(t.start[i]), x) <= 0 && Long.compareUnsigned(x, flip(t.last[i])) <= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * spec Walk of [a, a + len), len &gt; 0, for access acc: the perms of the maps it crosses, or -1 when it fails
     * (a byte in no map, a map that does not grant acc, or the range passing 2^64, which crosses only
     * through a map ending at 2^64 - 1 and then is not generated: {@link #copyRequest}). One segment per map:
     * at most 4 here, so never -ENOBUFS under vringh's 16.
     */
    static int cover(Iotlb t, long a, long len, int acc) {
        BigInteger at = u(a);
        BigInteger end = at.add(u(len));
        int perms = 0;
        while (at.compareTo(end) < 0) {
            if (at.compareTo(Values.TWO_64) >= 0) {
                return -1;
            }
            int i = mapOf(t, at.longValue());
            if (i < 0 || !Iotlb.grants(t.perm[i], acc)) {
                return -1;
            }
            perms |= 1 << t.perm[i];
            at = u(flip(t.last[i])).add(BigInteger.ONE);
        }
        return perms;
    }

    /**
     * spec U16Access: iotlb_translate of 2 bytes into one iov entry. A 2-byte request at 2^64 - 1 misses (its
     * query [2^64 - 1, 0] wraps and no map holds both ends); one at a map's last byte needs a second entry
     * (-ENOBUFS); otherwise a miss is -EINVAL, a map without the access -EPERM.
     */
    static void expectU16(Run r, boolean put, long a) {
        Iotlb t = r.q.maps;
        int acc = put ? r.q.putU16Access : VirtQueue.RO;
        int i = a == -1L ? -1 : mapOf(t, a);
        r.expRet = i < 0 ? VirtQueue.EINVAL
                : !Iotlb.grants(t.perm[i], acc) ? Iotlb.EPERM
                : a == flip(t.last[i]) ? VirtQueue.ENOBUFS : 0;
        r.expMoved = r.expRet == 0 ? 2 : 0;
        r.expWrote = r.expRet == 0 && put ? 1 << t.perm[i] : 0;
    }

    /**
     * spec Copy with CopyLoop, on this target's tables (one chunk: at most 4 segments): a failed walk moves
     * nothing; a short copy_{from,to}_iter moves len - 1 and is -EFAULT; else 0 and len bytes. Only
     * xfer_to_iotlb writes guest memory, through the maps its walk crossed.
     */
    static void expectCopy(Run r, int kind, long a, long len, int shortBy) {
        int acc = kind == VirtQueue.XFER_TO ? VirtQueue.WO : VirtQueue.RO;
        int perms = len == 0 ? 0 : cover(r.q.maps, a, len, acc);
        if (len == 0) {
            r.expRet = 0;
            r.expMoved = 0;
        } else if (perms < 0) {
            r.expRet = VirtQueue.EFAULT;
            r.expMoved = 0;
        } else {
            r.expRet = shortBy > 0 ? VirtQueue.EFAULT : 0;
            r.expMoved = len - shortBy;
        }
        r.expWrote = kind == VirtQueue.XFER_TO && perms > 0 ? perms : 0;
    }

    // ---- the oracle ----

    /** The spec's invariants on the Java state, and the checks on the last operation's results. */
    static void invariants(Run r) {
        VirtQueue q = r.q;
        int num = q.num;
        check(0 <= q.phase && q.phase <= 2, "phase is idle, desc or ind");
        check(0 <= q.found && q.found <= num, "Inv_WalkBounded: found " + q.found + " <= num " + num);
        check(q.chain != null, "the walk has a chain");
        chain(q, q.chain, "the walk's chain");
        check(0 <= q.nInflight && q.nInflight <= q.inflight.length, "nInflight within the array");
        for (int k = 0; k < q.nInflight; k++) {
            chain(q, q.inflight[k], "in-flight chain " + k);
        }
        for (int v : new int[] {q.lastAvail, q.cachedAvail, q.fetchedAt, q.availIdx, q.lastUsed, q.usedIdx}) {
            check(0 <= v && v <= 0xffff, "ring indices are u16");
        }
        check(U64.u16Sub(q.lastAvail, q.fetchedAt) <= num, "Inv_NoStaleAvail: (u16)(lastAvail - fetchedAt) = "
                + U64.u16Sub(q.lastAvail, q.fetchedAt) + " <= num " + num);
        check(q.nInflight == U64.u16Sub(q.lastAvail, q.lastUsed), "the chains in flight are lastAvail - lastUsed");
        usedExact(r);
        copyExact(r);
        writesPermitted(r);
    }

    // Inv_IovWithinCapacity, Inv_LogWithinIn, Inv_ReadableFirst, and each iov entry inside a map that grants its access
    private static void chain(VirtQueue q, Chain c, String what) {
        check(c.iova.length == q.iovSize && c.logAddr.length == q.iovSize, what + ": arrays of iovSize");
        check(0 <= c.n && c.n <= q.iovSize, "Inv_IovWithinCapacity: " + what + " has " + c.n + " entries, iovSize " + q.iovSize);
        check(c.outNum >= 0 && c.inNum >= 0 && c.inNum + c.outNum == c.n, "Inv_IovWithinCapacity: " + what + " inNum + outNum == n");
        check(0 <= c.logNum && c.logNum <= c.inNum, "Inv_LogWithinIn: " + what + " logNum " + c.logNum + " <= inNum " + c.inNum);
        check(0 <= c.head && c.head <= 0xffff, what + ": head is a u16");
        int readable = 0;
        boolean writable = false;
        for (int k = 0; k < c.n; k++) {
            int acc = c.access[k];
            check(acc == VirtQueue.RO || acc == VirtQueue.WO, what + " entry " + k + ": access RO or WO");
            if (acc == VirtQueue.WO) {
                writable = true;
            } else {
                check(!writable, "Inv_ReadableFirst: " + what + " entry " + k + " is readable after a writable one");
                readable++;
            }
            check(c.len[k] != 0, what + " entry " + k + " is not empty");
            int i = c.map[k];
            check(0 <= i && i < q.maps.n, what + " entry " + k + " names a map");
            BigInteger lo = u(flip(q.maps.start[i]));
            BigInteger hi = u(flip(q.maps.last[i]));
            BigInteger first = u(c.iova[k]);
            BigInteger last = first.add(u(c.len[k])).subtract(BigInteger.ONE);
            check(lo.compareTo(first) <= 0 && last.compareTo(hi) <= 0,
                    "Inv_SegInMap: " + what + " entry " + k + " [" + first.toString(16) + ", " + last.toString(16)
                            + "] inside map " + i + " [" + lo.toString(16) + ", " + hi.toString(16) + "]");
            check(c.hva[k] == q.maps.addr[i] + (c.iova[k] - flip(q.maps.start[i])),
                    "Inv_SegInMap: " + what + " entry " + k + " at map.addr + iova - map.start");
            check(Iotlb.grants(q.maps.perm[i], acc), "Inv_SegPermitted: " + what + " entry " + k + " (access " + acc
                    + ") in map " + i + " of perm " + q.maps.perm[i]);
        }
        check(c.outNum == readable, what + ": outNum counts the readable entries");
    }

    // Inv_UsedExact: used->idx advanced by one per completed head; the last min(completed, num) entries hold them in order
    private static void usedExact(Run r) {
        VirtQueue q = r.q;
        int completed = r.done.size();
        check(q.usedIdx == ((r.initIdx + completed) & 0xffff), "Inv_UsedExact: used->idx " + q.usedIdx + " == InitIdx "
                + r.initIdx + " + " + completed + " completed (u16)");
        check(q.lastUsed == q.usedIdx, "last_used_idx == used->idx");
        for (int k = Math.max(0, completed - q.num); k < completed; k++) {
            int slot = ((r.initIdx + k) & 0xffff) % q.num;
            check(q.used[slot] == r.done.get(k), "Inv_UsedExact: used->ring[" + slot + "] = " + q.used[slot]
                    + " holds completed head " + k + " = " + r.done.get(k));
        }
    }

    // Inv_CopyExact, and a copy never moves more than it was asked to
    private static void copyExact(Run r) {
        VirtQueue q = r.q;
        if (r.lastKind < 0) {
            return;
        }
        String kind = KINDS[r.lastKind];
        check(r.lastRet == r.expRet && q.moved == r.expMoved, kind + " returned " + r.lastRet + " having moved "
                + Long.toUnsignedString(q.moved) + " bytes; the spec's " + r.expRet + " and " + r.expMoved);
        if (r.lastKind == VirtQueue.GETU16 || r.lastKind == VirtQueue.PUTU16) {
            check(r.lastRet == 0 ? q.moved == 2 : q.moved == 0 && r.lastRet < 0, kind + ": 0 and 2 bytes, or an errno and none");
            return;
        }
        check(r.lastRet == 0 || r.lastRet == VirtQueue.EFAULT, kind + " returns 0 or -EFAULT, not " + r.lastRet);
        check(r.lastRet != 0 || q.moved == r.lastLen, "Inv_CopyExact: " + kind + " returned 0 and moved "
                + Long.toUnsignedString(q.moved) + " of " + r.lastLen + " bytes");
        check(Long.compareUnsigned(q.moved, r.lastLen) <= 0, kind + " moved " + Long.toUnsignedString(q.moved)
                + " bytes, more than the " + r.lastLen + " asked");
    }

    /**
     * Inv_WritesPermitted: the last step wrote guest memory only through maps whose perm grants write
     * (VHOST_ACCESS_WO, perm &amp; 2). One exception, and only it: putu16_iotlb in 6.12 (putU16Access RO)
     * translates its 2 bytes with VHOST_MAP_RO and then writes them, so it writes through a read-only map.
     * That is a known finding of linux 6.12 drivers/vhost/vringh.c putu16_iotlb (6.1 asks VHOST_MAP_WO);
     * the oracle accepts exactly that case: the last operation was putu16_iotlb, the model's putU16Access is
     * RO, and the map it wrote through grants read.
     */
    static void writesPermitted(Run r) {
        VirtQueue q = r.q;
        check((q.wrotePerms & ~0xf) == 0, "wrote perms are 0..3");
        check(q.wrotePerms == r.expWrote, "wrote: the last step wrote through maps of perms " + Integer.toBinaryString(q.wrotePerms)
                + " (bit p: perm p), the spec's " + Integer.toBinaryString(r.expWrote));
        boolean put612 = r.lastKind == VirtQueue.PUTU16 && q.putU16Access == VirtQueue.RO;
        for (int p = 0; p < 4; p++) {
            if ((q.wrotePerms & (1 << p)) == 0 || Iotlb.grants(p, VirtQueue.WO)) {
                continue;
            }
            check(put612 && Iotlb.grants(p, VirtQueue.RO), "Inv_WritesPermitted: "
                    + (r.lastKind >= 0 ? KINDS[r.lastKind] : "the last step") + " wrote through a map of perm " + p);
        }
    }

    // ---- tracing ----

    private static String show(Iotlb t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.n; i++) {
            b.append(String.format("[%x, %x] -> %x perm %d ", flip(t.start[i]), flip(t.last[i]), t.addr[i], t.perm[i]));
        }
        return b.toString().strip();
    }

    private static void trace(String format, Object... args) {
        if (TRACE) {
            System.err.println(String.format(format, args));
        }
    }
}
