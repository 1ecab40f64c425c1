package org.vhostcheck.ref;

/**
 * Exact unsigned 64-bit arithmetic on {@code long} bit patterns, mirroring spec/U64.tla.
 *
 * <p>Contracts speak about the unsigned value of a bit pattern as a {@code \bigint}:
 * {@code U(x) = x >= 0 ? x : x + 2^64}. KeY's parser rejects a literal 2^64, so it is
 * written {@code 2*((\bigint)Long.MAX_VALUE + 1)}. Proven by KeY with intRules:javaSemantics.
 */
public final class U64 {

    private U64() {
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg: msg->iova + msg->size - 1 on u64 (wraps)
    /*@ public normal_behavior
      @   requires (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @          + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @          < 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1))
      @        == (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @ also public normal_behavior
      @   requires (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @          + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @          >= 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1))
      @        == (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @         - 2*((\bigint)Long.MAX_VALUE + 1);
      @*/
    public static /*@ pure @*/ long add(long a, long b) {
        return a + b;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_overflow: does uaddr + size wrap? (the idiom a + b < a)
    /*@ public normal_behavior
      @   ensures \result <==>
      @           (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         + (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @        >= 2*((\bigint)Long.MAX_VALUE + 1);
      @*/
    public static /*@ pure @*/ boolean addOverflows(long a, long b) {
        return lt(a + b, a);
    }

    // linux 6.12 drivers/vhost/vhost.c translate_desc: map->size - addr + map->start on u64 (wraps)
    /*@ public normal_behavior
      @   requires (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         >= (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1))
      @        == (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         - (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @ also public normal_behavior
      @   requires (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @          < (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1))
      @        == (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         - (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1))
      @         + 2*((\bigint)Long.MAX_VALUE + 1);
      @*/
    public static /*@ pure @*/ long sub(long a, long b) {
        return a - b;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: last < start on u64
    /*@ public normal_behavior
      @   ensures \result <==>
      @           (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @         < (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    public static /*@ pure @*/ boolean lt(long a, long b) {
        return a + Long.MIN_VALUE < b + Long.MIN_VALUE;
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: write_length <= VHOST_PAGE_SIZE on u64
    /*@ public normal_behavior
      @   ensures \result <==>
      @           (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1))
      @        <= (b >= 0 ? (\bigint)b : (\bigint)b + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    public static /*@ pure @*/ boolean le(long a, long b) {
        return a + Long.MIN_VALUE <= b + Long.MIN_VALUE;
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: write_address / VHOST_PAGE_SIZE (0x1000)
    /*@ public normal_behavior
      @   requires a >= 0;
      @   ensures \result == a / 4096;
      @ also public normal_behavior
      @   requires a < 0;
      @   ensures \result == ((\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) / 4096;
      @*/
    public static /*@ pure @*/ long pageOf(long a) {
        // 2^63 is a multiple of 4096: shift a negative pattern down by 2^63, add back 2^63 / 4096
        return a >= 0 ? a / 4096 : (a + Long.MIN_VALUE) / 4096 + 2251799813685248L;
    }

    // linux 6.12 drivers/vhost/vhost.c log_write: write_address % VHOST_PAGE_SIZE
    /*@ public normal_behavior
      @   requires a >= 0;
      @   ensures \result == a % 4096;
      @ also public normal_behavior
      @   requires a < 0;
      @   ensures \result == ((\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) % 4096;
      @*/
    public static /*@ pure @*/ long pageOffset(long a) {
        return a >= 0 ? a % 4096 : (a + Long.MIN_VALUE) % 4096;
    }

    // C11 6.3.1.3p2: u64 -> u32 keeps the value mod 2^32 (a descriptor len is a le32)
    /*@ public normal_behavior
      @   requires a >= 0;
      @   ensures \result == a % 4294967296L;
      @ also public normal_behavior
      @   requires a < 0;
      @   ensures \result == ((\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) % 4294967296L;
      @*/
    public static /*@ pure @*/ long truncU32(long a) {
        return a >= 0 ? a % 4294967296L : (a + Long.MIN_VALUE) % 4294967296L;
    }

    // linux 6.12 drivers/vhost/vhost.c __vhost_add_used_n: vq->last_used_idx += count, a u16 (wraps)
    /*@ public normal_behavior
      @   requires 0 <= a && a <= 0xffff && 0 <= b && b <= 0xffff && a + b <= 0xffff;
      @   ensures \result == a + b;
      @ also public normal_behavior
      @   requires 0 <= a && a <= 0xffff && 0 <= b && b <= 0xffff && a + b > 0xffff;
      @   ensures \result == a + b - 0x10000;
      @*/
    public static /*@ pure @*/ int u16Add(int a, int b) {
        return (a + b) % 0x10000;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_get_avail_idx (6.1 too): (u16)(avail_idx - vq->last_avail_idx) > vq->num
    /*@ public normal_behavior
      @   requires 0 <= a && a <= 0xffff && 0 <= b && b <= 0xffff && a >= b;
      @   ensures \result == a - b;
      @ also public normal_behavior
      @   requires 0 <= a && a <= 0xffff && 0 <= b && b <= 0xffff && a < b;
      @   ensures \result == a - b + 0x10000;
      @*/
    public static /*@ pure @*/ int u16Sub(int a, int b) {
        return (a - b + 0x10000) % 0x10000;
    }
}
