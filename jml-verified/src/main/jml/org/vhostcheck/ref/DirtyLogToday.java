package org.vhostcheck.ref;

/**
 * Broken twin of {@link DirtyLog#pageInValidatedLog}, and a FINDING about linux 6.1 and 6.12: today's
 * log_access_ok validates ceil(size / 32 KiB) log bytes from the byte of the region's start, not the
 * bytes of its first through its last page. A region that is not aligned to 32 KiB can need one more:
 * start 0x7000, size 0x2000 has pages 7 and 8, in log bytes 0 and 1, but only 1 byte is validated.
 * Same contract as the original; KeY must NOT close it.
 */
public final class DirtyLogToday {

    private DirtyLogToday() {
    }

    // linux 6.12 (and 6.1) drivers/vhost/vhost.c log_access_ok validates (sz + 0x7fff) / 0x8000 log bytes from log_base + addr / 0x8000
    /*@ public normal_behavior
      @   requires start >= 0;
      @   requires size != 0;
      @   requires (start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= 2*((\bigint)Long.MAX_VALUE + 1);
      @   requires (start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096 <= (page >= 0 ? (\bigint)page : (\bigint)page + 2*((\bigint)Long.MAX_VALUE + 1));
      @   requires (page >= 0 ? (\bigint)page : (\bigint)page + 2*((\bigint)Long.MAX_VALUE + 1)) <= ((start >= 0 ? (\bigint)start : (\bigint)start + 2*((\bigint)Long.MAX_VALUE + 1)) + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) - 1) / 4096;
      @   ensures \result;
      @*/
    public static /*@ pure @*/ boolean pageInValidatedLog(long start, long size, long page) {
        long n = DirtyLog.logBytes(start, size);
        long a = U64.pageOf(start) / 8;
        return page / 8 - a < n;
    }
}
