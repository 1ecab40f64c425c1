package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;
import static org.vhostcheck.fuzz.Values.u;
import static org.vhostcheck.ref.Iotlb.flip;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.vhostcheck.ref.Iotlb;

/**
 * Operation sequences on the Java IOTLB {@link Iotlb} (addRange, delRange, first, translate),
 * any u64 arguments. Oracle, after every operation: the class invariants and spec/Iotlb.tla's
 * Inv_NoInvertedRange, Inv_SizeNoWrap, Inv_WithinLimit; addRange and delRange give the table
 * the spec's AddRange / DelRange give (the spec's operators on a plain list); first is the
 * spec's First; a translate that succeeds satisfies Inv_NoPartialSuccess, Inv_ExactCoverage,
 * Inv_SegInMap and Inv_SegPermitted. IOVAs are flipped in {@link Iotlb}; the oracle works on
 * unsigned values.
 *
 * <p>Not checked: Inv_ExactCoverage's clause that a successful walk's range does not pass 2^64.
 * The class alone lets a walk wrap: with a map [2, 2^64 - 1] and one at [0, 0xffff], translate_desc of
 * [2^64 - 1, +0xff00) succeeds with two segments, the second at IOVA 0 (both mapped and permitted,
 * still checked below; OracleTest pins the wrap). Today's kernel refuses a map that large at the ioctl
 * (umem_access_ok, vq_memory_access_ok), which the spec models and this target does not (README,
 * "Robustness").
 */
public final class IotlbTarget {
    /** Operations per input: enough to fill, evict and split a small table many times. */
    static final int MAX_OPS = 64;
    static final int MAX_LIMIT = 8;
    static final int MAX_IOV = 8;
    /** -Dvhostcheck.fuzz.trace=true prints each operation: for reading a crash input. */
    static final boolean TRACE = Boolean.getBoolean("vhostcheck.fuzz.trace");

    /** One map as the spec holds it, IOVAs unflipped. */
    record M(long start, long last, long addr, int perm) {
    }

    private IotlbTarget() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        int limit = d.consumeInt(0, MAX_LIMIT);
        boolean retire = d.consumeBoolean();
        Iotlb t = new Iotlb(limit, retire);
        List<M> spec = new ArrayList<>();
        for (int op = 0; op < MAX_OPS && d.remainingBytes() > 0; op++) {
            switch (d.consumeInt(0, 3)) {
                case 0 -> {
                    long start = Values.u64(d);
                    long last = d.consumeBoolean() ? start + d.consumeLong(0, 0x3fff) : Values.u64(d);
                    long uaddr = Values.u64(d);
                    int perm = d.consumeInt(0, 3);
                    int r = t.addRange(flip(start), flip(last), uaddr, perm);
                    trace("addRange(%x, %x, %x, %d) = %d", start, last, uaddr, perm, r);
                    check(r == addRange(spec, limit, retire, start, last, uaddr, perm),
                            "addRange returns what the spec's AddRange returns");
                }
                case 1 -> {
                    long s = Values.u64(d);
                    long l = d.consumeBoolean() ? s + d.consumeLong(0, 0x3fff) : Values.u64(d);
                    t.delRange(flip(s), flip(l));
                    trace("delRange(%x, %x)", s, l);
                    spec.removeIf(m -> overlaps(m, s, l));
                }
                case 2 -> {
                    long s = Values.u64(d);
                    long l = d.consumeBoolean() ? s + d.consumeLong(0, 0x3fff) : Values.u64(d);
                    check(t.first(flip(s), flip(l)) == first(spec, s, l), "first is the spec's First");
                }
                default -> translate(t, d);
            }
            invariants(t, spec, limit);
        }
    }

    /** The class invariants, the spec's table invariants, and the table equal to the spec's. */
    static void invariants(Iotlb t, List<M> spec, int limit) {
        check(0 <= t.n && t.n <= t.limit && t.limit == limit, "Inv_WithinLimit: 0 <= n <= limit");
        check(t.start.length == limit && t.last.length == limit && t.addr.length == limit && t.perm.length == limit,
                "arrays of length limit");
        for (int i = 0; i < t.n; i++) {
            check(t.start[i] <= t.last[i], "Inv_NoInvertedRange: map " + i);
            check(!(t.start[i] == Long.MIN_VALUE && t.last[i] == Long.MAX_VALUE), "Inv_SizeNoWrap: map " + i);
        }
        check(t.n == spec.size(), "the table has the spec's number of maps");
        for (int i = 0; i < t.n; i++) {
            M m = spec.get(i);
            check(flip(t.start[i]) == m.start() && flip(t.last[i]) == m.last() && t.addr[i] == m.addr()
                    && t.perm[i] == m.perm(), "map " + i + " is the spec's");
        }
    }

    // spec/Iotlb.tla AddRange with Insert: the last check, the limit, the full-range split, RETIRE
    static int addRange(List<M> t, int limit, boolean retire, long start, long last, long addr, int perm) {
        if (Long.compareUnsigned(last, start) < 0) {
            return Iotlb.EFAULT;
        }
        if (limit == 0) {
            return Iotlb.EINVAL;
        }
        if (start == 0 && last == -1L) {
            if (limit < 2 || (!retire && t.size() > limit - 2)) {
                return Iotlb.ENOSPC;
            }
            insert(t, limit, new M(0, Long.MAX_VALUE, addr, perm));
            insert(t, limit, new M(Long.MIN_VALUE, -1L, addr + Long.MIN_VALUE, perm));
            return 0;
        }
        if (t.size() >= limit && !retire) {
            return Iotlb.ENOSPC;
        }
        insert(t, limit, new M(start, last, addr, perm));
        return 0;
    }

    private static void insert(List<M> t, int limit, M m) {
        if (t.size() >= limit) {
            t.remove(0); // RETIRE: the oldest map goes
        }
        t.add(m);
    }

    static boolean overlaps(M m, long s, long l) {
        return Long.compareUnsigned(m.start(), l) <= 0 && Long.compareUnsigned(s, m.last()) <= 0;
    }

    // spec First: the overlapping map with the smallest start, the oldest among equal starts
    static int first(List<M> t, long s, long l) {
        int best = -1;
        for (int i = 0; i < t.size(); i++) {
            if (overlaps(t.get(i), s, l) && (best < 0 || Long.compareUnsigned(t.get(i).start(), t.get(best).start()) < 0)) {
                best = i;
            }
        }
        return best;
    }

    private static void trace(String format, Object... args) {
        if (TRACE) {
            System.err.println(String.format(format, args));
        }
    }

    private static void translate(Iotlb t, FuzzedDataProvider d) {
        long addr = Values.u64(d);
        long len = d.consumeBoolean() ? d.consumeLong(0, 0x10000) : Values.u64(d);
        int access = d.consumeBoolean() ? Iotlb.ACCESS_RO : Iotlb.ACCESS_WO;
        int iovSize = d.consumeInt(0, MAX_IOV);
        int missErr = d.consumeBoolean() ? Iotlb.EAGAIN : Iotlb.EFAULT;
        long[] iova = new long[iovSize];
        long[] il = new long[iovSize];
        long[] hva = new long[iovSize];
        long[] sl = new long[iovSize];
        int[] mi = new int[iovSize];
        int r = t.translate(missErr, flip(addr), flip(len), access, iovSize, iova, il, hva, sl, mi);
        trace("translate(%x, %x, access %d, iovSize %d) = %d", addr, len, access, iovSize, r);
        for (int k = 0; TRACE && k < Math.max(r, 0); k++) {
            trace("  segment %d: iova %x hva %x len %x (map %d)", k, flip(iova[k]), hva[k], sl[k], mi[k]);
        }
        check(r == Iotlb.ENOBUFS || r == missErr || r == Iotlb.EPERM || (0 <= r && r <= iovSize),
                "translate returns -ENOBUFS, the miss errno, -EPERM or a segment count, not " + r);
        if (r < 0) {
            return;
        }
        BigInteger sum = BigInteger.ZERO;
        BigInteger next = u(addr);
        for (int k = 0; k < r; k++) {
            check(u(flip(iova[k])).equals(next), "Inv_ExactCoverage: segment " + k + " starts where the last ended");
            check(sl[k] != 0, "Inv_SegInMap: segment " + k + " is not empty");
            int i = mi[k];
            check(0 <= i && i < t.n, "segment " + k + " names a map");
            BigInteger lo = u(flip(t.start[i]));
            BigInteger hi = u(flip(t.last[i]));
            BigInteger segLast = next.add(u(sl[k])).subtract(BigInteger.ONE);
            check(lo.compareTo(next) <= 0 && segLast.compareTo(hi) <= 0, "Inv_SegInMap: segment " + k + " inside map " + i);
            check(u(flip(il[k])).equals(segLast), "segment " + k + ": its last IOVA is iova + len - 1");
            check(hva[k] == t.addr[i] + (flip(iova[k]) - flip(t.start[i])), "Inv_SegInMap: segment " + k + " host address");
            check(Iotlb.grants(t.perm[i], access), "Inv_SegPermitted: segment " + k);
            sum = sum.add(u(sl[k]));
            // the walk advances addr by a u64 add (spec Walk: Add(addr, size)), so the next segment may start at 0
            next = segLast.add(BigInteger.ONE).mod(Values.TWO_64);
        }
        check(sum.equals(u(len)), "Inv_NoPartialSuccess: the segments cover len bytes");
    }
}
