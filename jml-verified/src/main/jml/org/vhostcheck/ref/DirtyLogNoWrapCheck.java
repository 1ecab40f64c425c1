package org.vhostcheck.ref;

/**
 * Broken twin of {@link DirtyLog#logAccessOk}: the wrap check {@code a > ULONG_MAX - log_base} is
 * removed, so log_base + a can wrap past 2^64 to a small user address that access_ok accepts
 * (e.g. log_base 2^64 - 1, addr 0x10000: a = 2, log_base + a = 1). Same contract; KeY must NOT close it.
 */
public final class DirtyLogNoWrapCheck {

    private DirtyLogNoWrapCheck() {
    }

    // linux 6.12 drivers/vhost/vhost.c log_access_ok: a = addr / VHOST_PAGE_SIZE / 8; without the a > ULONG_MAX - log_base check: access_ok(log_base + a, n)
    /*@ public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 > 2*((\bigint)Long.MAX_VALUE + 1) - 1 - (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures !\result;
      @ also public normal_behavior
      @   requires (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 <= 2*((\bigint)Long.MAX_VALUE + 1) - 1 - (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result <==> (base >= 0 ? (\bigint)base : (\bigint)base + 2*((\bigint)Long.MAX_VALUE + 1)) + (addr >= 0 ? (\bigint)addr : (\bigint)addr + 2*((\bigint)Long.MAX_VALUE + 1)) / 32768 + (n >= 0 ? (\bigint)n : (\bigint)n + 2*((\bigint)Long.MAX_VALUE + 1)) <= 0x7ffffffff000L;
      @*/
    public static /*@ pure @*/ boolean logAccessOk(long base, long addr, long n) {
        long a = addr >= 0 ? addr / 32768 : (addr + Long.MIN_VALUE) / 32768 + 281474976710656L;
        return DirtyLog.accessOk(base + a, n);
    }
}
