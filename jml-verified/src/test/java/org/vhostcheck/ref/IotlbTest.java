package org.vhostcheck.ref;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhostcheck.key.KeyProver;
import org.vhostcheck.key.Twins;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.math.BigInteger;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link Iotlb} (the Java KeY proves) on u64 boundary values, checks the proven postconditions
 * with BigInteger arithmetic, and shows each broken twin's bug on a concrete input: the twins are
 * generated from Iotlb's guard markers exactly as KeY gets them, then compiled here.
 */
class IotlbTest {

    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);
    private static final long MAX = -1L;                      // 2^64 - 1
    private static final long TOP_PAGE = -0x1000L;            // 2^64 - 0x1000
    private static final long[] B = {0L, 1L, 0xfffL, 0x1000L, Long.MAX_VALUE, Long.MIN_VALUE, TOP_PAGE, MAX};

    @TempDir
    static Path tmp;
    private static ClassLoader twins;

    @BeforeAll
    static void compileTwins() throws Exception {
        String prop = System.getProperty("vhostcheck.home");
        Path home = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        Map<String, Twins.Twin> made = Twins.generate(KeyProver.sourceDir(home), tmp.resolve("src"));
        List<String> args = new ArrayList<>(List.of("-d", tmp.resolve("classes").toString(), "-nowarn"));
        for (Twins.Twin t : made.values()) {
            args.add(t.file().toString());
        }
        try (Stream<Path> s = Files.walk(tmp.resolve("src"))) {
            s.filter(p -> p.getFileName().toString().equals("U64.java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "the generated twins compile");
        twins = new URLClassLoader(new URL[] {tmp.resolve("classes").toUri().toURL()}, null);
    }

    /** A fresh twin table, and calls into it by reflection. */
    private record Twin(Object t) {
        static Twin of(String name, int limit, boolean retire) throws Exception {
            return new Twin(twins.loadClass("org.vhostcheck.ref." + name).getConstructor(int.class, boolean.class)
                    .newInstance(limit, retire));
        }

        Object call(String method, Object... a) throws Exception {
            for (var m : t.getClass().getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == a.length) {
                    return m.invoke(t, a);
                }
            }
            throw new NoSuchMethodException(method);
        }

        Object get(String field) throws Exception {
            return t.getClass().getField(field).get(t);
        }
    }

    private static BigInteger u(long x) {
        BigInteger b = BigInteger.valueOf(x);
        return x >= 0 ? b : b.add(TWO64);
    }

    private static int add(Iotlb t, long start, long size, long uaddr, int perm) {
        return t.addRange(start, start + size - 1, uaddr, perm);
    }

    @Test
    void addRangeRejectsInvertedRangesAndChangesNothing() {
        for (long s : B) {
            for (long l : B) {
                Iotlb t = new Iotlb(4, true);
                int r = t.addRange(s, l, 0x5000L, 3);
                if (u(l).compareTo(u(s)) < 0) {
                    assertEquals(Iotlb.EFAULT, r);
                    assertEquals(0, t.n);
                } else {
                    assertEquals(0, r);
                    assertTrue(t.n >= 1);
                    for (int i = 0; i < t.n; i++) {
                        assertTrue(u(t.start[i]).compareTo(u(t.last[i])) <= 0);
                        assertTrue(!(t.start[i] == 0 && t.last[i] == MAX));
                    }
                }
            }
        }
    }

    @Test
    void fullRangeIsSplitAtTheMiddle() {
        Iotlb t = new Iotlb(4, false);
        assertEquals(0, t.addRange(0, MAX, 0x1000L, 3));
        assertEquals(2, t.n);
        assertEquals(0L, t.start[0]);
        assertEquals(Long.MAX_VALUE, t.last[0]);
        assertEquals(0x1000L, t.addr[0]);
        assertEquals(Long.MIN_VALUE, t.start[1]);
        assertEquals(MAX, t.last[1]);
        assertEquals(0x1000L + Long.MIN_VALUE, t.addr[1]);
        // no room for two: -ENOSPC without RETIRE, and with limit 1 always
        Iotlb small = new Iotlb(3, false);
        assertEquals(0, small.addRange(0x1000, 0x1fff, 0, 1));
        assertEquals(0, small.addRange(0x2000, 0x2fff, 0, 1));
        assertEquals(Iotlb.ENOSPC, small.addRange(0, MAX, 0, 1));
        assertEquals(2, small.n);
        assertEquals(Iotlb.ENOSPC, new Iotlb(1, true).addRange(0, MAX, 0, 1));
        assertEquals(Iotlb.EINVAL, new Iotlb(0, true).addRange(0, 0xfff, 0, 1));
    }

    @Test
    void retireEvictsTheOldest() {
        Iotlb t = new Iotlb(2, true);
        assertEquals(0, t.addRange(0x1000, 0x1fff, 0xa000, 1));
        assertEquals(0, t.addRange(0x2000, 0x2fff, 0xb000, 2));
        assertEquals(0, t.addRange(TOP_PAGE, MAX, 0xc000, 3));
        assertEquals(2, t.n);
        assertEquals(0x2000L, t.start[0]);
        assertEquals(TOP_PAGE, t.start[1]);
        assertEquals(0, t.addRange(0, MAX, 0, 3));      // full range with RETIRE: both halves, both old maps gone
        assertEquals(0L, t.start[0]);
        assertEquals(Long.MIN_VALUE, t.start[1]);
        Iotlb nr = new Iotlb(1, false);
        assertEquals(0, nr.addRange(1, 1, 0, 1));
        assertEquals(Iotlb.ENOSPC, nr.addRange(2, 2, 0, 1));
    }

    @Test
    void delRangeRemovesExactlyTheOverlappingMapsInOrder() {
        for (long s : B) {
            for (long l : B) {
                Iotlb t = new Iotlb(8, true);
                add(t, 0, 0x1000, 0, 3);
                add(t, 0x1000, 0x1000, 0, 3);
                t.addRange(0x2000, Long.MAX_VALUE, 0, 3);
                t.addRange(Long.MIN_VALUE, TOP_PAGE - 1, 0, 3);
                t.addRange(TOP_PAGE, MAX, 0, 3);
                long[] st = t.start.clone();
                long[] la = t.last.clone();
                int n0 = t.n;
                t.delRange(s, l);
                int j = 0;
                for (int i = 0; i < n0; i++) {
                    boolean ov = u(st[i]).compareTo(u(l)) <= 0 && u(s).compareTo(u(la[i])) <= 0;
                    if (!ov) {
                        assertEquals(st[i], t.start[j]);
                        assertEquals(la[i], t.last[j]);
                        j++;
                    }
                }
                assertEquals(j, t.n);
            }
        }
    }

    @Test
    void firstIsTheSmallestStartThenTheOldest() {
        Iotlb t = new Iotlb(8, true);
        t.addRange(0x2000, 0x2fff, 0, 3);
        t.addRange(0x1000, 0x3fff, 0, 3);
        t.addRange(0x1000, 0x1fff, 0, 3);
        t.addRange(Long.MIN_VALUE, MAX, 0, 3);
        assertEquals(1, t.first(0x2000, 0x2000));             // starts 0x2000 and 0x1000 (twice): the older 0x1000
        assertEquals(1, t.first(0x2800, 0x2800));             // [0x1000, 0x3fff] again, not [0x2000, 0x2fff]
        assertEquals(3, t.first(MAX, MAX));                   // unsigned: 2^63 and above is the top half
        assertEquals(-1, t.first(0x4000, 0x7fff));
        assertEquals(1, t.first(0, 0x1000));                  // [0, 0x1000] meets both maps at 0x1000
    }

    /** Checks the proven postcondition of translate with BigInteger arithmetic. */
    private static void checkWalk(Iotlb t, long qaddr, long qlen, int access, int r, long[] iova, long[] hva,
                                  long[] len, int[] map) {
        if (r < 0) {
            return;
        }
        assertEquals(r == 0, qlen == 0);
        BigInteger end = u(qaddr);
        for (int k = 0; k < r; k++) {
            int m = map[k];
            assertEquals(end, u(iova[k]));
            assertTrue(len[k] != 0 && 0 <= m && m < t.n);
            BigInteger lastByte = u(iova[k]).add(u(len[k])).subtract(BigInteger.ONE);
            assertTrue(u(t.start[m]).compareTo(u(iova[k])) <= 0 && lastByte.compareTo(u(t.last[m])) <= 0);
            assertTrue((t.perm[m] / access) % 2 == 1);
            assertEquals(u(t.addr[m]).add(u(iova[k])).subtract(u(t.start[m])).mod(TWO64), u(hva[k]));
            end = end.add(u(len[k]));
        }
        assertEquals(u(qaddr).add(u(qlen)), end);
    }

    @Test
    void translateCoversExactlyOrFails() {
        Iotlb t = new Iotlb(8, true);
        t.addRange(1, 0xfff, 0x10000, 3);
        t.addRange(0x1000, 0x1fff, 0x20000, 1);               // read-only
        t.addRange(0x2000, Long.MAX_VALUE, 0x30000, 3);
        t.addRange(Long.MIN_VALUE, TOP_PAGE - 1, 0x40000, 2);  // write-only
        t.addRange(TOP_PAGE, MAX, 0x50000, 3);
        long[] iova = new long[4];
        long[] hva = new long[4];
        long[] sl = new long[4];
        int[] map = new int[4];
        for (long a : B) {
            for (long len : B) {
                if (u(a).add(u(len)).compareTo(TWO64) > 0) {
                    continue;
                }
                for (int access = 1; access <= 2; access++) {
                    for (int miss : new int[] {Iotlb.EAGAIN, Iotlb.EFAULT, Iotlb.EINVAL}) {
                        int r = t.translate(miss, a, len, access, 4, iova, hva, sl, map);
                        assertTrue(r >= 0 || r == Iotlb.ENOBUFS || r == Iotlb.EPERM || r == miss);
                        checkWalk(t, a, len, access, r, iova, hva, sl, map);
                    }
                }
            }
        }
        assertEquals(2, t.translate(Iotlb.EAGAIN, 0xfff, 2, Iotlb.ACCESS_RO, 4, iova, hva, sl, map));
        assertEquals(0x10ffeL, hva[0]);
        assertEquals(0x20000L, hva[1]);
        assertEquals(Iotlb.EPERM, t.translate(Iotlb.EAGAIN, 0xfff, 2, Iotlb.ACCESS_WO, 4, iova, hva, sl, map));
        assertEquals(Iotlb.EAGAIN, t.translate(Iotlb.EAGAIN, 0, 1, Iotlb.ACCESS_RO, 4, iova, hva, sl, map));
        assertEquals(Iotlb.EINVAL, t.translate(Iotlb.EINVAL, 0, 1, Iotlb.ACCESS_RO, 4, iova, hva, sl, map));
        assertEquals(Iotlb.ENOBUFS, t.translate(Iotlb.EAGAIN, 0x1, 0x3000, Iotlb.ACCESS_RO, 2, iova, hva, sl, map));
        assertEquals(2, t.translate(Iotlb.EAGAIN, TOP_PAGE - 1, 0x1001, Iotlb.ACCESS_WO, 4, iova, hva, sl, map));
        assertEquals(0x50000L, hva[1]);
        assertEquals(0x1000L, sl[1]);
        assertEquals(4, map[1]);
    }

    @Test
    void walkFromZeroOverAMapEndingAtTheTopWrapsAndRestarts() {
        // outside the proven precondition: s += size reaches 2^64 = 0, the walk starts over and
        // fills the iov until -ENOBUFS although [0, 0x2000) is mapped (spec Walk behaves the same)
        Iotlb t = new Iotlb(4, true);
        t.addRange(0, 0xfff, 0x10000, 3);
        t.addRange(0x1000, MAX, 0x20000, 3);
        long[] iova = new long[8];
        assertEquals(Iotlb.ENOBUFS, t.translate(Iotlb.EFAULT, 0, 0x2000, Iotlb.ACCESS_RO, 8, iova, new long[8],
                new long[8], new int[8]));
        assertEquals(0L, iova[2]);
    }

    @Test
    void twinNoLastCheckStoresAnInvertedRange() throws Exception {
        Twin t = Twin.of("IotlbNoLastCheck", 4, true);
        assertEquals(0, t.call("addRange", 0x1000L, 0xfffL, 0L, 3));   // Iotlb: -EFAULT
        assertEquals(1, t.get("n"));
        assertTrue(u(((long[]) t.get("last"))[0]).compareTo(u(((long[]) t.get("start"))[0])) < 0);
        assertEquals(Iotlb.EFAULT, new Iotlb(4, true).addRange(0x1000, 0xfff, 0, 3));
    }

    @Test
    void twinNoFullSplitStoresTheFullRangeWhole() throws Exception {
        Twin t = Twin.of("IotlbNoFullSplit", 4, true);
        assertEquals(0, t.call("addRange", 0L, MAX, 0L, 3));
        assertEquals(1, t.get("n"));                                   // Iotlb: two halves
        long[] start = (long[]) t.get("start");
        long[] last = (long[]) t.get("last");
        assertEquals(0L, last[0] - start[0] + 1);                      // size wraps to 0 (CVE-2022-48862)
    }
}
