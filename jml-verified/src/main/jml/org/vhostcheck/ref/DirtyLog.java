package org.vhostcheck.ref;

/**
 * The vhost dirty-page log on x86-64, mirroring spec/DirtyLog.tla (operators AccessOk, VhostOverflow,
 * LogBytes, LogAccessOk, LogPages) and the loop of linux log_write. Every argument is a u64 bit
 * pattern held in a {@code long}; contracts speak about its unsigned value as a {@code \bigint},
 * {@code U(x) = x >= 0 ? x : x + 2^64}, written out in full as in {@link U64} (KeY's parser
 * rejects a literal 2^64). A u64 division by 4096 or 32768 (the kernel's {@code / VHOST_PAGE_SIZE}
 * and {@code / VHOST_PAGE_SIZE / 8}) is done on the sign split as {@link U64#pageOf} does: 2^63 is
 * a multiple of both. TASK_SIZE_MAX = 0x7ffffffff000 (4-level paging) is written as a literal:
 * KeY does not know the range of a field read from the heap.
 *
 * <p>Proven by KeY with intRules:javaSemantics; the broken twins {@link DirtyLogToday},
 * {@link DirtyLogNoWrapCheck} and {@link DirtyLogNoPageOffset} carry the same contracts and stay open.
 */
public final class DirtyLog {

    private DirtyLog() {
    }

    // linux 6.12 arch/x86/include/asm/uaccess_64.h __access_ok: sum = size + ptr; sum <= USER_PTR_MAX && sum >= ptr
    /*@ public normal_behavior
      @   ensures \result <==> (ptr >= 0 ? (\bigint)ptr : (\bigint)ptr + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) < 2*((\bigint)Long.MAX_VALUE + 1)
      @                     && (ptr >= 0 ? (\bigint)ptr : (\bigint)ptr + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= 0x7ffffffff000L;
      @*/
    public static /*@ pure @*/ boolean accessOk(long ptr, long size) {
        long sum = size + ptr;
        return sum + Long.MIN_VALUE <= 0x7ffffffff000L + Long.MIN_VALUE
            && sum + Long.MIN_VALUE >= ptr + Long.MIN_VALUE;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_overflow (64-bit: the ULONG_MAX tests are false): !size ? false : uaddr > ULONG_MAX - size + 1
    /*@ public normal_behavior
      @   requires size == 0;
      @   ensures !\result;
      @ also public normal_behavior
      @   requires size != 0;
      @   ensures \result <==> (uaddr >= 0 ? (\bigint)uaddr : (\bigint)uaddr + 2*((\bigint)Long.MAX_VALUE + 1)) > 2*((\bigint)Long.MAX_VALUE + 1) - (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    public static /*@ pure @*/ boolean vhostOverflow(long uaddr, long size) {
        if (size == 0) {
            return false;
        }
        return uaddr + Long.MIN_VALUE > (-1L - size + 1) + Long.MIN_VALUE;
    }

    // linux 6.12 drivers/vhost/vhost.c log_access_ok: (sz + VHOST_PAGE_SIZE * 8 - 1) / VHOST_PAGE_SIZE / 8 on u64 (the add wraps)
    /*@ public normal_behavior
      @   requires (sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) + 0x7fff < 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == ((sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) + 0x7fff) / 32768;
      @ also public normal_behavior
      @   requires (sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) + 0x7fff >= 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == ((sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) + 0x7fff - 2*((\bigint)Long.MAX_VALUE + 1)) / 32768;
      @*/
    public static /*@ pure @*/ long logBytes(long addr, long sz) {
        long t = sz + 0x7fff;
        return t >= 0 ? t / 32768 : (t + Long.MIN_VALUE) / 32768 + 281474976710656L;
    }

    // proposed fix of linux 6.12 drivers/vhost/vhost.c log_access_ok: the log bytes of the first through the last page of [addr, addr + sz)
    /*@ public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires sz == 0;
      @   ensures \result == 0;
      @ also public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires sz != 0;
      @   ensures \result == ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (sz >= 0 ? (\bigint)sz : (\bigint)sz + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096 / 8 - (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 / 8 + 1;
      @*/
    public static /*@ pure @*/ long logBytesExact(long addr, long sz) {
        if (sz == 0) {
            return 0;
        }
        long last = addr + (sz - 1);
        long lastByte = (last >= 0 ? last / 4096 : (last + Long.MIN_VALUE) / 4096 + 2251799813685248L) / 8;
        long firstByte = (addr >= 0 ? addr / 4096 : (addr + Long.MIN_VALUE) / 4096 + 2251799813685248L) / 8;
        return lastByte - firstByte + 1;
    }

    // linux 6.12 drivers/vhost/vhost.c log_access_ok: a = addr / VHOST_PAGE_SIZE / 8; a > ULONG_MAX - log_base fails; access_ok(log_base + a, n)
    /*@ public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 > 2*((\bigint)Long.MAX_VALUE + 1) - 1 - (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures !\result;
      @ also public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 <= 2*((\bigint)Long.MAX_VALUE + 1) - 1 - (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result <==> (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 + (n >= 0 ? (\bigint)n : (\bigint)n + 2*((\bigint)Long.MAX_VALUE + 1)) <= 0x7ffffffff000L;
      @*/
    public static /*@ pure @*/ boolean logAccessOk(long base, long addr, long n) {
        long a = addr >= 0 ? addr / 32768 : (addr + Long.MIN_VALUE) / 32768 + 281474976710656L;
        if (a + Long.MIN_VALUE > (-1L - base) + Long.MIN_VALUE) {
            return false;
        }
        return accessOk(base + a, n);
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: the last write_page of the loop, after write_length += write_address % VHOST_PAGE_SIZE
    /*@ public normal_behavior
      @   requires len == 0;
      @   ensures \result == (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096;
      @ also public normal_behavior
      @   requires len != 0 && (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 < 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 + ((len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 - 1) / 4096;
      @ also public normal_behavior
      @   requires (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 == 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096;
      @ also public normal_behavior
      @   requires (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 > 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 + ((len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 - 2*((\bigint)Long.MAX_VALUE + 1) - 1) / 4096;
      @ also public normal_behavior
      @   requires len != 0 && (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096 < 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result == ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096;
      @*/
    public static /*@ pure @*/ long logPagesLast(long addr, long len) {
        long p0 = addr >= 0 ? addr / 4096 : (addr + Long.MIN_VALUE) / 4096 + 2251799813685248L;
        long l = len + (addr >= 0 ? addr % 4096 : (addr + Long.MIN_VALUE) % 4096);
        if (l == 0) {
            return p0;
        }
        long m = l - 1;
        return p0 + (m >= 0 ? m / 4096 : (m + Long.MIN_VALUE) / 4096 + 2251799813685248L);
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: the page loop, marking page write_page in a bitmap of one boolean per page from firstPage on
    /*@ public normal_behavior
      @   requires marked != null;
      @   requires 0 < len && len <= Long.MAX_VALUE - 4095;
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires (\bigint)firstPage <= (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096;
      @   requires ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096 < (\bigint)firstPage + marked.length;
      @   ensures (\forall int j; 0 <= j && j < marked.length;
      @             marked[j] == (\old(marked[j])
      @                 || ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 <= (\bigint)firstPage + j
      @                     && (\bigint)firstPage + j <= ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096)));
      @   assignable marked[*];
      @*/
    public static void logWrite(boolean[] marked, long firstPage, long addr, long len) {
        long writePage = addr >= 0 ? addr / 4096 : (addr + Long.MIN_VALUE) / 4096 + 2251799813685248L;
        if (len == 0) {
            return;
        }
        long writeLength = len + (addr >= 0 ? addr % 4096 : (addr + Long.MIN_VALUE) % 4096);
        int i = (int) (writePage - firstPage);
        /*@ loop_invariant 0 < writeLength && writeLength <= len + 4095;
          @ loop_invariant 4096 * (\bigint)writePage + writeLength == (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) + len;
          @ loop_invariant (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 <= writePage;
          @ loop_invariant i == (\bigint)writePage - firstPage && 0 <= i && i < marked.length;
          @ loop_invariant (\forall int j; 0 <= j && j < marked.length;
          @                  marked[j] == (\old(marked[j])
          @                      || ((addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 <= (\bigint)firstPage + j
          @                          && (\bigint)firstPage + j < writePage)));
          @ assignable marked[*];
          @ decreases writeLength;
          @*/
        for (;;) {
            marked[i] = true;
            if (writeLength <= 4096) {
                break;
            }
            writeLength -= 4096;
            writePage += 1;
            i += 1;
        }
    }

    // linux 6.12 drivers/vhost/vhost.c log_write sets byte log_base + page / 8; with the proposed exact count it was validated
    // Proven for regions starting below 2^63 (x86-64 guest-physical addresses have at most 52 bits);
    // the start >= 2^63 case is checked by DirtyLogTest on boundary values, not by KeY.
    /*@ public normal_behavior
      @   requires start >= 0;
      @   requires size != 0;
      @   requires (start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires (start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 <= (page >= 0 ? (\bigint)page : (\bigint)page + 2*((\bigint)Long.MAX_VALUE + 1));
      @   requires (page >= 0 ? (\bigint)page : (\bigint)page + 2*((\bigint)Long.MAX_VALUE + 1)) <= ((start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096;
      @   ensures \result;
      @*/
    public static /*@ pure @*/ boolean pageInValidatedLog(long start, long size, long page) {
        long n = logBytesExact(start, size);
        long a = U64.pageOf(start) / 8;
        return page / 8 - a < n;
    }
}
