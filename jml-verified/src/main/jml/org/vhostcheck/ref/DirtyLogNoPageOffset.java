package org.vhostcheck.ref;

/**
 * Broken twin of {@link DirtyLog#logPagesLast}: log_write without
 * {@code write_length += write_address % VHOST_PAGE_SIZE}. An unaligned write then ends one page early
 * (addr 0xfff, len 2 touches pages 0 and 1, only page 0 is marked), so a dirty page is not logged.
 * Same contract; KeY must NOT close it.
 */
public final class DirtyLogNoPageOffset {

    private DirtyLogNoPageOffset() {
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: the last write_page of the loop, without write_length += write_address % VHOST_PAGE_SIZE
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
        long l = len;
        if (l == 0) {
            return p0;
        }
        long m = l - 1;
        return p0 + (m >= 0 ? m / 4096 : (m + Long.MIN_VALUE) / 4096 + 2251799813685248L);
    }
}
