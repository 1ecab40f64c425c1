package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;
import static org.vhostcheck.fuzz.Values.TWO_64;
import static org.vhostcheck.fuzz.Values.PAGE;
import static org.vhostcheck.fuzz.Values.u;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.math.BigInteger;
import org.vhostcheck.ref.DirtyLog;

/**
 * The dirty-log arithmetic of {@link DirtyLog} on any u64 inputs, each function against its JML
 * contract evaluated exactly (BigInteger); the log writes: {@code logWrite} marks exactly the
 * pages of [addr, addr + len) and stops, and {@code pageInValidatedLog} (spec
 * Inv_LogWriteInValidated with the fix's exact count) holds for every page of a region,
 * including regions starting at or above 2^63, which KeY's proof leaves out.
 */
public final class DirtyLogTarget {
    static final BigInteger USER_PTR_MAX = BigInteger.valueOf(0x7ffffffff000L);
    /** Pages a fuzzed logWrite may touch: the loop's behaviour does not depend on the count. */
    static final int MAX_PAGES = 64;

    private DirtyLogTarget() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        long a = Values.u64(d);
        long b = Values.u64(d);
        long c = Values.u64(d);
        BigInteger ua = u(a);
        BigInteger ub = u(b);

        // __access_ok: sum = size + ptr; sum <= USER_PTR_MAX && sum >= ptr
        BigInteger sum = ua.add(ub);
        check(DirtyLog.accessOk(a, b) == (sum.compareTo(TWO_64) < 0 && sum.compareTo(USER_PTR_MAX) <= 0), "accessOk");
        // vhost_overflow: size != 0 && uaddr > 2^64 - size
        check(DirtyLog.vhostOverflow(a, b) == (b != 0 && ua.compareTo(TWO_64.subtract(ub)) > 0), "vhostOverflow");
        // today's count: (sz + 0x7fff) / 32K on u64 (the add wraps)
        check(u(DirtyLog.logBytes(a, b)).equals(ub.add(BigInteger.valueOf(0x7fff)).mod(TWO_64).divide(BigInteger.valueOf(32768))),
                "logBytes");
        if (sum.compareTo(TWO_64) <= 0) {
            BigInteger exact = b == 0 ? BigInteger.ZERO
                    : sum.subtract(BigInteger.ONE).divide(PAGE).shiftRight(3).subtract(ua.divide(PAGE).shiftRight(3)).add(BigInteger.ONE);
            check(u(DirtyLog.logBytesExact(a, b)).equals(exact), "logBytesExact");
        }
        // log_access_ok(base = a, addr = b, n = c): false when base + addr / 32K wraps, else access_ok
        BigInteger byteOff = ub.divide(BigInteger.valueOf(32768));
        boolean wraps = byteOff.compareTo(TWO_64.subtract(BigInteger.ONE).subtract(ua)) > 0;
        check(DirtyLog.logAccessOk(a, b, c) == (!wraps && ua.add(byteOff).add(u(c)).compareTo(USER_PTR_MAX) <= 0),
                "logAccessOk");
        // log_write's last page: len == 0 marks nothing past addr's page; otherwise (addr + len - 1) / 4K on u64
        BigInteger lastPage = b == 0 ? ua.divide(PAGE)
                : ua.add(ub).subtract(BigInteger.ONE).mod(TWO_64).divide(PAGE);
        if (b != 0 && ub.add(ua.mod(PAGE)).compareTo(TWO_64) >= 0) {
            // write_length += addr % 4K wraps: the loop ends at addr's page plus the wrapped length's pages
            BigInteger wl = ub.add(ua.mod(PAGE)).subtract(TWO_64);
            lastPage = wl.signum() == 0 ? ua.divide(PAGE) : ua.divide(PAGE).add(wl.subtract(BigInteger.ONE).divide(PAGE));
        } else if (b != 0) {
            lastPage = ua.divide(PAGE).add(ub.add(ua.mod(PAGE)).subtract(BigInteger.ONE).divide(PAGE));
        }
        check(u(DirtyLog.logPagesLast(a, b)).equals(lastPage), "logPagesLast");

        logWrite(a, d);
        pageInValidatedLog(a, b, d);
    }

    // logWrite's contract: every page of [addr, addr + len) marked, nothing else changed
    private static void logWrite(long addr, FuzzedDataProvider d) {
        long len = d.consumeLong(1, MAX_PAGES * 4096L);
        BigInteger ua = u(addr);
        if (ua.add(BigInteger.valueOf(len)).compareTo(TWO_64) > 0) {
            return; // outside the contract: the range passes 2^64
        }
        BigInteger first = ua.divide(PAGE);
        BigInteger last = ua.add(BigInteger.valueOf(len - 1)).divide(PAGE);
        long firstPage = first.subtract(BigInteger.valueOf(d.consumeInt(0, 2))).max(BigInteger.ZERO).longValueExact();
        int n = last.subtract(BigInteger.valueOf(firstPage)).intValueExact() + 1 + d.consumeInt(0, 2);
        boolean[] marked = new boolean[n];
        boolean[] before = new boolean[n];
        for (int j = 0; j < n; j++) {
            before[j] = marked[j] = d.consumeBoolean();
        }
        DirtyLog.logWrite(marked, firstPage, addr, len);
        for (int j = 0; j < n; j++) {
            BigInteger page = BigInteger.valueOf(firstPage + j);
            boolean inRange = first.compareTo(page) <= 0 && page.compareTo(last) <= 0;
            check(marked[j] == (before[j] || inRange), "logWrite marks exactly the pages of [addr, addr + len): page " + page);
        }
    }

    // Inv_LogWriteInValidated, the fix's count: every page of a region has its log byte among the validated ones
    private static void pageInValidatedLog(long start, long size, FuzzedDataProvider d) {
        BigInteger us = u(start);
        if (size == 0 || us.add(u(size)).compareTo(TWO_64) > 0) {
            return; // outside the contract
        }
        BigInteger first = us.divide(PAGE);
        BigInteger last = us.add(u(size)).subtract(BigInteger.ONE).divide(PAGE);
        BigInteger span = last.subtract(first);
        BigInteger page = switch (d.consumeInt(0, 2)) {
            case 0 -> first;
            case 1 -> last;
            default -> first.add(new BigInteger(span.bitLength() + 8, new java.util.Random(d.consumeLong())).mod(span.add(BigInteger.ONE)));
        };
        check(DirtyLog.pageInValidatedLog(start, size, Values.bits(page)),
                "Inv_LogWriteInValidated: page " + page + " of region [" + us + ", +" + u(size) + ") has a validated log byte");
    }
}
