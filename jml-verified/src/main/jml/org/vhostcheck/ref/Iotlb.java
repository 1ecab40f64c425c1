package org.vhostcheck.ref;

/**
 * The vhost IOTLB, mirroring spec/Iotlb.tla (operators Insert, AddRange, Overlaps, DelRange,
 * First, Walk). The table is the spec's {@code maps} sequence: entry {@code i < n} is the map
 * [start[i], last[i]] -> addr[i] with permission perm[i], oldest first (index 0 is the map
 * VHOST_IOTLB_FLAG_RETIRE evicts). The map size last - start + 1 is not stored.
 *
 * <p>IOVAs are stored <em>flipped</em>: the u64 IOVA x is kept as the long {@code x + Long.MIN_VALUE}
 * (the top bit inverted), so that unsigned order on IOVAs is signed order on the stored longs and the
 * unsigned value is the linear {@code (\bigint)f + 2^63}. {@link #flip} converts both ways. Every IOVA
 * argument and result (start, last, the request address, segment IOVAs) is flipped; host addresses,
 * lengths and sizes are plain u64 bit patterns, whose unsigned value the contracts write as
 * {@code (x >= 0 ? (\bigint)x : (\bigint)x + 2*((\bigint)Long.MAX_VALUE + 1)) = x >= 0 ? (\bigint)x : (\bigint)x + 2^64}, spelled out in full as in {@link U64}
 * (KeY's parser rejects a literal 2^64). The kernel's u64 compares of IOVAs become signed compares of
 * flipped values; its u64 sums and differences of IOVAs are the same bit operations either way.
 * Error results are negative errnos.
 *
 * <p>Every method with a contract is proven by KeY (jml-verified/proofs.json lists each).
 */
public final class Iotlb {

    /** include/uapi/asm-generic/errno-base.h and errno.h, negated as the kernel returns them. */
    public static final int EPERM = -1;
    public static final int EAGAIN = -11;
    public static final int EFAULT = -14;
    public static final int EINVAL = -22;
    public static final int ENOSPC = -28;
    public static final int ENOBUFS = -105;

    /** include/uapi/linux/vhost_types.h VHOST_ACCESS_RO, VHOST_ACCESS_WO. */
    public static final int ACCESS_RO = 1;
    public static final int ACCESS_WO = 2;

    /** Map i (i < n): first and last IOVA (inclusive, flipped), host address of start, permission. */
    public final long[] start;
    public final long[] last;
    public final long[] addr;
    public final int[] perm;
    /** Number of maps stored. */
    public int n;
    /** max_iotlb_entries (0: every add fails with -EINVAL, as vhost_iotlb_add_range_ctx). */
    public final int limit;
    /** VHOST_IOTLB_FLAG_RETIRE: a full table evicts its oldest map. */
    public final boolean retire;

    //@ public invariant start != null && last != null && addr != null && perm != null;
    //@ public invariant start != last && start != addr && last != addr;
    //@ public invariant start.length == last.length && start.length == addr.length && start.length == perm.length;
    //@ public invariant 0 <= limit && limit <= start.length;
    //@ public invariant 0 <= n && n <= limit;
    // Java guarantees these ranges, but KeY's javaSemantics does not know them for values read
    // from the heap (KeY issue #1324).
    //@ public invariant n <= Integer.MAX_VALUE && limit <= Integer.MAX_VALUE;
    // Inv_NoInvertedRange: no stored map has last < start (on flipped values the u64 order is the signed one);
    // Inv_SizeNoWrap: none is the full range [0, 2^64 - 1] (flipped [MIN_VALUE, MAX_VALUE]), whose size wraps to 0.
    /*@ public invariant (\forall int i; 0 <= i && i < n;
      @     start[i] <= last[i] && !(start[i] == Long.MIN_VALUE && last[i] == Long.MAX_VALUE));
      @*/

    /** The flipped form of a u64 IOVA, and back (the same operation): the top bit inverted. */
    /*@ public normal_behavior
      @   ensures (\bigint)\result + (\bigint)Long.MAX_VALUE + 1 == (x >= 0 ? (\bigint)x : (\bigint)x + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    public static /*@ pure @*/ long flip(long x) {
        return x + Long.MIN_VALUE;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_alloc: an empty table of at most limit maps
    /*@ public normal_behavior
      @   requires limit >= 0;
      @   ensures n == 0 && this.limit == limit && this.retire == retire;
      @   ensures start.length == limit;
      @   assignable \nothing;
      @*/
    public Iotlb(int limit, boolean retire) {
        this.limit = limit;
        this.retire = retire;
        this.start = new long[limit];
        this.last = new long[limit];
        this.addr = new long[limit];
        this.perm = new int[limit];
        this.n = 0;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_map_free of the oldest map: the rest move down one place
    /*@ private normal_behavior
      @   requires a != null && 0 < cnt && cnt <= a.length;
      @   ensures (\forall int j; 0 <= j && j < cnt - 1; a[j] == \old(a[j + 1]));
      @   assignable a[*];
      @*/
    private static void shiftDown(long[] a, int cnt) {
        int i = 0;
        /*@ loop_invariant 0 <= i && i <= cnt - 1;
          @ loop_invariant (\forall int j; 0 <= j && j < i; a[j] == \old(a[j + 1]));
          @ loop_invariant (\forall int j; i <= j && j < a.length; a[j] == \old(a[j]));
          @ assignable a[*];
          @ decreases cnt - 1 - i;
          @*/
        while (i < cnt - 1) {
            a[i] = a[i + 1];
            i++;
        }
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_map_free of the oldest map: the rest move down one place
    /*@ private normal_behavior
      @   requires a != null && 0 < cnt && cnt <= a.length;
      @   ensures (\forall int j; 0 <= j && j < cnt - 1; a[j] == \old(a[j + 1]));
      @   assignable a[*];
      @*/
    private static void shiftDown(int[] a, int cnt) {
        int i = 0;
        /*@ loop_invariant 0 <= i && i <= cnt - 1;
          @ loop_invariant (\forall int j; 0 <= j && j < i; a[j] == \old(a[j + 1]));
          @ loop_invariant (\forall int j; i <= j && j < a.length; a[j] == \old(a[j]));
          @ assignable a[*];
          @ decreases cnt - 1 - i;
          @*/
        while (i < cnt - 1) {
            a[i] = a[i + 1];
            i++;
        }
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: if (iotlb->limit && iotlb->nmaps == iotlb->limit
    // && iotlb->flags & VHOST_IOTLB_FLAG_RETIRE) vhost_iotlb_map_free(iotlb, list_first_entry(...)) (spec Tail)
    /*@ private normal_behavior
      @   requires n >= 1;
      @   ensures n == \old(n) - 1;
      @   ensures (\forall int j; 0 <= j && j < n; start[j] == \old(start[j + 1]) && last[j] == \old(last[j + 1])
      @                                          && addr[j] == \old(addr[j + 1]) && perm[j] == \old(perm[j + 1]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void evictOldest() {
        shiftDown(start, n);
        shiftDown(last, n);
        shiftDown(addr, n);
        shiftDown(perm, n);
        n = n - 1;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: list_add_tail(&map->link, &iotlb->list) (spec Append)
    /*@ private normal_behavior
      @   requires s <= l && !(s == Long.MIN_VALUE && l == Long.MAX_VALUE);
      @   requires n < limit;
      @   ensures n == \old(n) + 1;
      @   ensures start[n - 1] == s && last[n - 1] == l && addr[n - 1] == a && perm[n - 1] == p;
      @   assignable start[n], last[n], addr[n], perm[n], n;
      @*/
    private void append(long s, long l, long a, int p) {
        start[n] = s;
        last[n] = l;
        addr[n] = a;
        perm[n] = p;
        n = n + 1;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx on a full RETIRE table: vhost_iotlb_map_free of the
    // oldest map, then list_add_tail of the new one (spec Insert, full-table RETIRE branch). One contract case on
    // purpose: KeY joins several cases into a frame conditional on their preconditions, which callers pay for.
    /*@ private normal_behavior
      @   requires s <= l && !(s == Long.MIN_VALUE && l == Long.MAX_VALUE);
      @   requires n >= 1 && n <= limit;
      @   ensures n == \old(n);
      @   ensures start[n - 1] == s && last[n - 1] == l && addr[n - 1] == a && perm[n - 1] == p;
      @   ensures (\forall int j; 0 <= j && j < n - 1; start[j] == \old(start[j + 1]) && last[j] == \old(last[j + 1])
      @                                             && addr[j] == \old(addr[j + 1]) && perm[j] == \old(perm[j + 1]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void evictAppend(long s, long l, long a, int p) {
        evictOldest();
        append(s, l, a, p);
    }

    // addFull's two insertions when both fit (spec Insert twice, Append branch both times); the halves
    // [0, 2^63 - 1] and [2^63, 2^64 - 1] are flipped [MIN_VALUE, -1] and [0, MAX_VALUE]
    /*@ private normal_behavior
      @   requires n + 2 <= limit;
      @   ensures n == \old(n) + 2;
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && addr[n - 1] == hi && perm[n - 1] == p;
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void halvesRoom(long lo, long hi, int p) {
        append(Long.MIN_VALUE, -1L, lo, p);
        append(0, Long.MAX_VALUE, hi, p);
    }

    // addFull's two insertions when only the first fits (RETIRE evicts the oldest map for the second)
    /*@ private normal_behavior
      @   requires n + 1 == limit && limit >= 2;
      @   ensures n == limit;
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && addr[n - 1] == hi && perm[n - 1] == p;
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void halvesOne(long lo, long hi, int p) {
        append(Long.MIN_VALUE, -1L, lo, p);
        evictAppend(0, Long.MAX_VALUE, hi, p);
    }

    // addFull's two insertions on a full table (RETIRE evicts the oldest map before each)
    /*@ private normal_behavior
      @   requires n == limit && limit >= 2;
      @   ensures n == limit;
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && addr[n - 1] == hi && perm[n - 1] == p;
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void halvesTwo(long lo, long hi, int p) {
        // evicting the oldest map leaves n + 1 == limit: halvesOne's case
        evictOldest();
        halvesOne(lo, hi, p);
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: if (start == 0 && last == ULONG_MAX) { u64 mid = last / 2;
    // add [0, mid] -> addr; addr += mid + 1; start = mid + 1 } then add [mid + 1, ULONG_MAX] (the CVE-2022-48862 fix)
    // (one contract case on purpose, see evictAppend)
    /*@ private normal_behavior
      @   requires limit >= 2 && n <= limit && (n + 2 <= limit || retire);
      @   ensures \result == 0 && n == (\old(n) + 2 <= limit ? \old(n) + 2 : limit);
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && perm[n - 1] == mperm;
      @   ensures (\bigint)addr[n - 1] == (uaddr >= 0 ? (\bigint)uaddr + Long.MIN_VALUE : (\bigint)uaddr - Long.MIN_VALUE);
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private int addFull(long uaddr, int mperm) {
        // addr += mid + 1 with mid + 1 == 2^63 on u64: the same bit pattern as uaddr + Long.MIN_VALUE,
        // written so that neither branch overflows a long
        long hi = uaddr >= 0 ? uaddr + Long.MIN_VALUE : uaddr - Long.MIN_VALUE;
        // the two halves go in as two insertions (vhost_iotlb_add_range_ctx calls itself for [0, mid]), each
        // appended, or appended after evicting the oldest map when the table is full (RETIRE)
        if (n <= limit - 2) {
            halvesRoom(uaddr, hi, mperm);
        } else if (n < limit) {
            halvesOne(uaddr, hi, mperm);
        } else {
            halvesTwo(uaddr, hi, mperm);
        }
        return 0;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx (iova and iovaLast flipped)
    /*@ public normal_behavior
      @   requires iovaLast < iova;
      @   ensures \result == EFAULT;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires iova <= iovaLast && limit == 0;
      @   ensures \result == EINVAL;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE && limit > 0;
      @   requires limit < 2 || (!retire && n > limit - 2);
      @   ensures \result == ENOSPC;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE && limit >= 2 && n + 2 <= limit;
      @   ensures \result == 0 && n == \old(n) + 2;
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && perm[n - 1] == mperm;
      @   ensures (\bigint)addr[n - 1] == (uaddr >= 0 ? (\bigint)uaddr + Long.MIN_VALUE : (\bigint)uaddr - Long.MIN_VALUE);
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE && limit >= 2 && n + 2 > limit && retire;
      @   ensures \result == 0 && n == limit;
      @   ensures start[n - 2] == Long.MIN_VALUE && last[n - 2] == -1L && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == 0 && last[n - 1] == Long.MAX_VALUE && perm[n - 1] == mperm;
      @   ensures (\bigint)addr[n - 1] == (uaddr >= 0 ? (\bigint)uaddr + Long.MIN_VALUE : (\bigint)uaddr - Long.MIN_VALUE);
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires iova <= iovaLast && !(iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE);
      @   requires limit > 0 && n < limit;
      @   ensures \result == 0 && n == \old(n) + 1;
      @   ensures start[n - 1] == iova && last[n - 1] == iovaLast && addr[n - 1] == uaddr && perm[n - 1] == mperm;
      @   ensures (\forall int j; 0 <= j && j < n - 1; start[j] == \old(start[j]) && last[j] == \old(last[j])
      @                                             && addr[j] == \old(addr[j]) && perm[j] == \old(perm[j]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires iova <= iovaLast && !(iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE);
      @   requires limit > 0 && n >= limit && retire;
      @   ensures \result == 0 && n == \old(n);
      @   ensures start[n - 1] == iova && last[n - 1] == iovaLast && addr[n - 1] == uaddr && perm[n - 1] == mperm;
      @   ensures (\forall int j; 0 <= j && j < n - 1; start[j] == \old(start[j + 1]) && last[j] == \old(last[j + 1])
      @                                             && addr[j] == \old(addr[j + 1]) && perm[j] == \old(perm[j + 1]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires iova <= iovaLast && !(iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE);
      @   requires limit > 0 && n >= limit && !retire;
      @   ensures \result == ENOSPC;
      @   assignable \nothing;
      @*/
    public int addRange(long iova, long iovaLast, long uaddr, int mperm) {
        //+ IotlbNoLastCheck.addRange[0]: vhost_iotlb_add_range_ctx without if (last < start) return -EFAULT (the seed's reading of claim 0004)
        if (iovaLast < iova) {
            return EFAULT;
        }
        //- IotlbNoLastCheck
        if (limit == 0) {
            return EINVAL;
        }
        //+ IotlbNoFullSplit.addRange[2]: vhost_iotlb_add_range_ctx without the split of [0, ULONG_MAX] into two halves (CVE-2022-48862)
        if (iova == Long.MIN_VALUE && iovaLast == Long.MAX_VALUE) {
            if (limit < 2 || (!retire && n > limit - 2)) {
                return ENOSPC;
            }
            return addFull(uaddr, mperm);
        }
        //- IotlbNoFullSplit
        // the tail of vhost_iotlb_add_range_ctx (spec Insert): a full table evicts its oldest map (RETIRE) or fails
        // with -ENOSPC; the map goes to the tail of the list (each call here has a single contract case)
        if (n < limit) {
            append(iova, iovaLast, uaddr, mperm);
            return 0;
        }
        if (!retire) {
            return ENOSPC;
        }
        evictAppend(iova, iovaLast, uaddr, mperm);
        return 0;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_del_range: free every map that overlaps [s, l] (flipped)
    // (include/linux/interval_tree_generic.h: [a0, a1] and [b0, b1] intersect iff a0 <= b1 && b0 <= a1)
    // (spec DelRange = SelectSeq(t, ~Overlaps): the maps that do not overlap stay, in order)
    /*@ public normal_behavior
      @   ensures n <= \old(n);
      @   ensures (\forall int j; 0 <= j && j < n; !(start[j] <= l && s <= last[j]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    public void delRange(long s, long l) {
        int k = 0;
        int i = 0;
        /*@ loop_invariant 0 <= k && k <= i && i <= n && n == \old(n);
          @ loop_invariant (\forall int j; 0 <= j && j < k; !(start[j] <= l && s <= last[j])
          @                                && start[j] <= last[j] && !(start[j] == Long.MIN_VALUE && last[j] == Long.MAX_VALUE));
          @ loop_invariant (\forall int j; i <= j && j < n; start[j] == \old(start[j]) && last[j] == \old(last[j])
          @                                && addr[j] == \old(addr[j]) && perm[j] == \old(perm[j]));
          @ assignable start[*], last[*], addr[*], perm[*];
          @ decreases n - i;
          @*/
        while (i < n) {
            if (!(start[i] <= l && s <= last[i])) {
                start[k] = start[i];
                last[k] = last[i];
                addr[k] = addr[i];
                perm[k] = perm[i];
                k++;
            }
            i++;
        }
        n = k;
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_itree_first: the map overlapping [s, l] (flipped) with the
    // smallest start, the oldest among equal starts (spec First); -1 for none
    // (include/linux/interval_tree_generic.h: [a0, a1] and [b0, b1] intersect iff a0 <= b1 && b0 <= a1)
    /*@ public normal_behavior
      @   ensures -1 <= \result && \result < n;
      @   ensures \result >= 0 ==> start[\result] <= l && s <= last[\result];
      @   ensures \result >= 0 ==> start[\result] <= last[\result]
      @                         && !(start[\result] == Long.MIN_VALUE && last[\result] == Long.MAX_VALUE);
      @   ensures \result >= 0 ==> (\forall int j; 0 <= j && j < n; start[j] <= l && s <= last[j] ==> start[\result] <= start[j]);
      @   ensures \result >= 0 ==> (\forall int j; 0 <= j && j < \result; start[j] <= l && s <= last[j] ==> start[\result] < start[j]);
      @   ensures \result < 0 ==> (\forall int j; 0 <= j && j < n; !(start[j] <= l && s <= last[j]));
      @*/
    public /*@ pure @*/ int first(long s, long l) {
        int best = -1;
        int i = 0;
        /*@ loop_invariant 0 <= i && i <= n && -1 <= best && best < i;
          @ loop_invariant best >= 0 ==> start[best] <= l && s <= last[best];
          @ loop_invariant best >= 0 ==> start[best] <= last[best]
          @                          && !(start[best] == Long.MIN_VALUE && last[best] == Long.MAX_VALUE);
          @ loop_invariant best >= 0 ==> (\forall int j; 0 <= j && j < i; start[j] <= l && s <= last[j] ==> start[best] <= start[j]);
          @ loop_invariant best >= 0 ==> (\forall int j; 0 <= j && j < best; start[j] <= l && s <= last[j] ==> start[best] < start[j]);
          @ loop_invariant best < 0 ==> (\forall int j; 0 <= j && j < i; !(start[j] <= l && s <= last[j]));
          @ assignable \nothing;
          @ decreases n - i;
          @*/
        while (i < n) {
            if (start[i] <= l && s <= last[i] && (best < 0 || start[i] < start[best])) {
                best = i;
            }
            i++;
        }
        return best;
    }

    // a[i] read through a method: KeY then knows the value is a long, which it does not for a value read
    // from the heap (KeY issue #1324)
    /*@ private normal_behavior
      @   requires a != null && 0 <= i && i < a.length;
      @   ensures \result == a[i];
      @*/
    private static /*@ pure @*/ long at(long[] a, int i) {
        return a[i];
    }

    // a[i] read through a method, as above
    /*@ private normal_behavior
      @   requires a != null && 0 <= i && i < a.length;
      @   ensures \result == a[i];
      @*/
    private static /*@ pure @*/ int at(int[] a, int i) {
        return a[i];
    }

    // translate_desc: size = map->size - addr + map->start with map->size = last - start + 1, i.e. last - addr + 1
    /*@ private normal_behavior
      @   requires a <= la && !(a == Long.MIN_VALUE && la == Long.MAX_VALUE);
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1)) == (\bigint)la - (\bigint)a + 1;
      @*/
    private static /*@ pure @*/ long trSize(long la, long a) {
        return la - a + 1;
    }

    // translate_desc: iov->iov_base = map->addr + addr - map->start (u64, wraps; flipped addr and start give the
    // same difference)
    /*@ private normal_behavior
      @   ensures \result == (long) (ad + (a - st));
      @*/
    private static /*@ pure @*/ long trHva(long ad, long a, long st) {
        return ad + (a - st);
    }

    // the last IOVA a + len - 1 of len bytes at the flipped a: the u64 sum, exact when it does not pass 2^64
    /*@ private normal_behavior
      @   ensures \result == (long) (a + len - 1);
      @   ensures len != 0 && (\bigint)a + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) - 1 <= Long.MAX_VALUE ==> (\bigint)\result == (\bigint)a + (len >= 0 ? (\bigint)len : (\bigint)len + 2*((\bigint)Long.MAX_VALUE + 1)) - 1;
      @*/
    private static /*@ pure @*/ long trLast(long a, long len) {
        return a + len - 1;
    }

    // translate_desc: last = addr + len - 1 for the flipped request addr and flipped len, exact when the
    // request does not pass 2^64
    /*@ private normal_behavior
      @   ensures lenF != Long.MIN_VALUE && (\bigint)a + ((\bigint)lenF - Long.MIN_VALUE) - 1 <= Long.MAX_VALUE
      @           ==> (\bigint)\result == (\bigint)a + ((\bigint)lenF - Long.MIN_VALUE) - 1;
      @*/
    private static /*@ pure @*/ long trLastF(long a, long lenF) {
        return a + flip(lenF) - 1;
    }

    // translate_desc: addr = qaddr + s for the flipped request address and the flipped position sF (s = sF + 2^63):
    // the u64 sum, exact when it stays below 2^64
    /*@ private normal_behavior
      @   requires (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE) <= Long.MAX_VALUE;
      @   ensures (\bigint)\result == (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE);
      @*/
    private static /*@ pure @*/ long trPos(long qaddr, long sF) {
        return qaddr + (sF - Long.MIN_VALUE);
    }

    // translate_desc: len - s from the flipped len and s (the same bits as the u64 difference)
    /*@ private normal_behavior
      @   requires sF < lenF;
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1)) == (\bigint)lenF - (\bigint)sF;
      @*/
    private static /*@ pure @*/ long trRest(long lenF, long sF) {
        return lenF - sF;
    }

    // translate_desc: s += size on the flipped s, exact when s stays below 2^64
    /*@ private normal_behavior
      @   requires (\bigint)sF + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= Long.MAX_VALUE;
      @   ensures (\bigint)\result == (\bigint)sF + (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1));
      @*/
    private static /*@ pure @*/ long trNext(long sF, long size) {
        return sF + size;
    }

    // translate_desc: map->perm & access, for access VHOST_ACCESS_RO or VHOST_ACCESS_WO (a single bit)
    /*@ public normal_behavior
      @   ensures \result <==> (int) (p & access) != 0;
      @*/
    public static /*@ pure @*/ boolean grants(int p, int access) {
        return (p & access) != 0;
    }

    // translate_desc: iov->iov_len = min(len - s, size)
    /*@ private normal_behavior
      @   ensures (\result == rem && (rem >= 0 ? (\bigint)rem : (\bigint)rem + 2*((\bigint)Long.MAX_VALUE + 1)) < (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1))) || (\result == size && (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= (rem >= 0 ? (\bigint)rem : (\bigint)rem + 2*((\bigint)Long.MAX_VALUE + 1)));
      @*/
    private static /*@ pure @*/ long trMin(long rem, long size) {
        //+ IotlbNoLenClamp.trMin[0]: translate_desc with iov_len = size instead of min((u64)len - s, size) (before the CVE-2013-0311 fix the clamp was to the whole length)
        if (U64.lt(rem, size)) {
            return rem;
        }
        //- IotlbNoLenClamp
        return size;
    }

    // translate_desc's loop body once the map is found: size = map->size - addr + map->start;
    // iov = {addr -> map->addr + addr - map->start, min(len - s, size)} as entry k, with its IOVA range
    // [segIova[k], segLast[k]] (flipped) and the map it came from; s += size. Returns the new s (flipped, as sF);
    // la is the map's last (last[i], read by the caller), ql the request's last IOVA (flipped, addr + len - s - 1):
    // the entry ends at the map's last or the request's, whichever comes first
    // (a helper: the class invariant is neither assumed nor re-proven here; translate keeps it)
    /*@ private normal_behavior
      @   requires start != null && last != null && addr != null && perm != null && 0 <= i && i < start.length
      @         && i < last.length && i < addr.length;
      @   requires la == last[i] && start[i] <= a && a <= la && (\bigint)sF + ((\bigint)la - (\bigint)a + 1) <= Long.MAX_VALUE;
      @   requires sF < lenF && (\bigint)ql == (\bigint)a + ((\bigint)lenF - (\bigint)sF) - 1;
      @   requires segIova != null && segLast != null && segHva != null && segLen != null && segMap != null;
      @   requires 0 <= k && k < segIova.length && k < segLast.length && k < segHva.length && k < segLen.length
      @         && k < segMap.length;
      @   requires segIova != segLast && segIova != segHva && segIova != segLen && segLast != segHva
      @         && segLast != segLen && segHva != segLen;
      @   requires segIova != start && segIova != last && segIova != addr && segLast != start && segLast != last
      @         && segLast != addr && segHva != start && segHva != last && segHva != addr && segLen != start
      @         && segLen != last && segLen != addr && segMap != perm;
      @   ensures (\bigint)\result == (\bigint)sF + ((\bigint)la - (\bigint)a + 1);
      @   ensures segIova[k] == a && segMap[k] == i;
      @   ensures segLast[k] == (long) (segIova[k] + segLen[k] - 1) && segHva[k] == (long) (addr[i] + (segIova[k] - start[i]));
      @   ensures segLast[k] == (la <= ql ? la : ql);
      @   assignable segIova[k], segLast[k], segHva[k], segLen[k], segMap[k];
      @*/
    private /*@ helper @*/ long segment(int i, long a, long la, long lenF, long sF, long ql, int k, long[] segIova, long[] segLast,
                                        long[] segHva, long[] segLen, int[] segMap) {
        long size = trSize(la, a);
        // len - s: the same bits from the flipped values
        long len = trMin(trRest(lenF, sF), size);
        long lst = trLast(a, len);
        long hva = trHva(at(addr, i), a, at(start, i));
        segIova[k] = a;
        segLen[k] = len;
        segLast[k] = lst;
        segHva[k] = hva;
        segMap[k] = i;
        // s += size
        return trNext(sF, size);
    }



    // vhost_iotlb_itree_first, then translate_desc's miss and permission checks (if (map == NULL || map->start > addr)
    // and if (!(map->perm & access))): the index of the map that translates addr, -1 for a miss, -2 for no permission
    /*@ private normal_behavior
      @   ensures -2 <= \result && \result < n;
      @   ensures \result >= 0 ==> start[\result] <= a && a <= last[\result]
      @                        && !(a == Long.MIN_VALUE && last[\result] == Long.MAX_VALUE) && (perm[\result] & access) != 0;
      @*/
    private /*@ pure @*/ int probe(long a, long l, int access) {
        int i = first(a, l);
        if (i < 0 || a < at(start, i)) {
            return -1;
        }
        //+ IotlbNoPermCheck.probe[0]: translate_desc without if (!(map->perm & access)) return -EPERM
        if (!grants(at(perm, i), access)) {
            return -2;
        }
        //- IotlbNoPermCheck
        return i;
    }

    // translate_desc's output so far: iov entries 0 .. k - 1, each inside a map that grants the access, with iov_len
    // and iov_base as translate_desc computes them (mod 2^64), each starting where the one before ended; segMap[k0]
    // is the map entry k0 came from
    /*@ public normal_behavior
      @   ensures \result <==> (\forall \bigint k0; 0 <= k0 && k0 < k;
      @        0 <= segMap[k0] && segMap[k0] < n && (perm[segMap[k0]] & access) != 0
      @     && start[segMap[k0]] <= segIova[k0] && segIova[k0] <= segLast[k0] && segLast[k0] <= last[segMap[k0]]
      @     && segLast[k0] == (long) (segIova[k0] + segLen[k0] - 1)
      @     && segHva[k0] == (long) (addr[segMap[k0]] + (segIova[k0] - start[segMap[k0]])))
      @     && (\forall \bigint k0; 0 <= k0 && k0 < k - 1; (\bigint)segLast[k0] + 1 == segIova[k0 + 1]);
      @ public model pure helper boolean walkOk(int k, int access, long[] segIova, long[] segLast, long[] segHva, long[] segLen, int[] segMap);
      @*/

    // translate_desc's loop body on the walk's position s (flipped sF, len flipped lenF): addr = qaddr + s;
    // vhost_iotlb_itree_first and the miss and permission checks (probe); the iov entry k and s += size (segment;
    // addr += size is addr = qaddr + s next time). Returns the new sF; segMap[k] is the map, or -1 (miss) / -2 (no
    // permission) with sF returned unchanged. The arithmetic half of the step: entries before k are not its concern
    // (extend carries them). Every u64 sum and difference is a helper (trPos, trRest, trNext, trSize, trLast) whose
    // contract states it exactly over \bigint, so that this proof and segment's never reason about wrap-around.
    /*@ private normal_behavior
      @   requires \invariant_for(this);
      @   requires segIova != null && segLast != null && segHva != null && segLen != null && segMap != null;
      @   requires segIova != segLast && segIova != segHva && segIova != segLen && segLast != segHva
      @         && segLast != segLen && segHva != segLen;
      @   requires segIova != start && segIova != last && segIova != addr && segLast != start && segLast != last
      @         && segLast != addr && segHva != start && segHva != last && segHva != addr && segLen != start
      @         && segLen != last && segLen != addr && segMap != perm;
      @   requires 0 <= k && k < segIova.length && k < segLast.length && k < segHva.length && k < segLen.length
      @         && k < segMap.length;
      @   requires sF < lenF && (\bigint)qaddr + ((\bigint)lenF - Long.MIN_VALUE) <= (\bigint)Long.MAX_VALUE + 1;
      @   requires (\bigint)ql == (\bigint)qaddr + ((\bigint)lenF - Long.MIN_VALUE) - 1;
      @   requires (\forall \bigint j; 0 <= j && j < n; qaddr != Long.MIN_VALUE || last[j] != Long.MAX_VALUE);
      @   requires start != null && last != null && addr != null && perm != null;
      @   ensures \invariant_for(this);
      @   ensures segMap[k] == -1 || segMap[k] == -2 || 0 <= segMap[k];
      @   ensures segMap[k] >= 0 ==> (\bigint)segIova[k] == (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE);
      @   ensures segMap[k] >= 0 ==> sF < \result && (\bigint)\result - Long.MIN_VALUE <= (\bigint)Long.MAX_VALUE - (\bigint)qaddr + 1;
      @   ensures segMap[k] >= 0 ==> (\result < lenF ? (\bigint)segLast[k] + 1 == (\bigint)qaddr + ((\bigint)\result - Long.MIN_VALUE)
      @                                             : segLast[k] == ql);
      @   ensures segMap[k] >= 0 ==> segMap[k] < n && (perm[segMap[k]] & access) != 0
      @     && start[segMap[k]] <= segIova[k] && segIova[k] <= segLast[k] && segLast[k] <= last[segMap[k]]
      @     && segLast[k] == (long) (segIova[k] + segLen[k] - 1)
      @     && segHva[k] == (long) (addr[segMap[k]] + (segIova[k] - start[segMap[k]]));
      @   assignable segIova[k], segLast[k], segHva[k], segLen[k], segMap[k];
      @*/
    private /*@ helper @*/ long step(long qaddr, long ql, int access, long lenF, long sF, int k, long[] segIova, long[] segLast,
                                     long[] segHva, long[] segLen, int[] segMap) {
        // addr and s advance together: addr == qaddr + s (the u64 sum; flipped sF minus MIN_VALUE is s)
        long a = trPos(qaddr, sF);
        int i = probe(a, ql, access);
        if (i < 0) {
            segMap[k] = i;
            return sF;
        }
        return segment(i, a, at(last, i), lenF, sF, ql, k, segIova, segLast, segHva, segLen, segMap);
    }

    // the walk half of translate_desc's loop body: step, and walkOk carried from entries 0 .. k - 1 to 0 .. k, so
    // that translate's loop takes the contract as it stands
    /*@ private normal_behavior
      @   requires \invariant_for(this);
      @   requires segIova != null && segLast != null && segHva != null && segLen != null && segMap != null;
      @   requires segIova != segLast && segIova != segHva && segIova != segLen && segLast != segHva
      @         && segLast != segLen && segHva != segLen;
      @   requires segIova != start && segIova != last && segIova != addr && segLast != start && segLast != last
      @         && segLast != addr && segHva != start && segHva != last && segHva != addr && segLen != start
      @         && segLen != last && segLen != addr && segMap != perm;
      @   requires 0 <= k && k < segIova.length && k < segLast.length && k < segHva.length && k < segLen.length
      @         && k < segMap.length;
      @   requires sF < lenF && (\bigint)qaddr + ((\bigint)lenF - Long.MIN_VALUE) <= (\bigint)Long.MAX_VALUE + 1;
      @   requires (\bigint)ql == (\bigint)qaddr + ((\bigint)lenF - Long.MIN_VALUE) - 1;
      @   requires (\forall \bigint j; 0 <= j && j < n; qaddr != Long.MIN_VALUE || last[j] != Long.MAX_VALUE);
      @   requires start != null && last != null && addr != null && perm != null;
      @   requires walkOk(k, access, segIova, segLast, segHva, segLen, segMap);
      @   requires k > 0 ==> (\bigint)segLast[k - 1] + 1 == (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE);
      @   ensures \invariant_for(this);
      @   ensures segMap[k] == -1 || segMap[k] == -2 || 0 <= segMap[k];
      @   ensures segMap[k] >= 0 ==> (\bigint)segIova[k] == (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE);
      @   ensures segMap[k] >= 0 ==> sF < \result && (\bigint)\result - Long.MIN_VALUE <= (\bigint)Long.MAX_VALUE - (\bigint)qaddr + 1;
      @   ensures segMap[k] >= 0 ==> (\result < lenF ? (\bigint)segLast[k] + 1 == (\bigint)qaddr + ((\bigint)\result - Long.MIN_VALUE)
      @                                             : segLast[k] == ql);
      @   ensures segMap[k] >= 0 ==> walkOk((int) (k + 1), access, segIova, segLast, segHva, segLen, segMap);
      @   assignable segIova[k], segLast[k], segHva[k], segLen[k], segMap[k];
      @*/
    private /*@ helper @*/ long extend(long qaddr, long ql, int access, long lenF, long sF, int k, long[] segIova, long[] segLast,
                                     long[] segHva, long[] segLen, int[] segMap) {
        return step(qaddr, ql, access, lenF, sF, k, segIova, segLast, segHva, segLen, segMap);
    }

    // linux 6.12 drivers/vhost/vhost.c translate_desc and drivers/vhost/vringh.c iotlb_translate (spec Walk):
    // while ((u64)len > s) { ret >= iov_size: -ENOBUFS; map = vhost_iotlb_itree_first(umem, addr, last);
    // miss: -EAGAIN (device IOTLB) / -EFAULT (memory table) / -EINVAL (vringh); !(map->perm & access): -EPERM;
    // size = map->size - addr + map->start; iov = {addr -> map->addr + addr - map->start, min(len - s, size)};
    // s += size; addr += size; ++ret }. qaddr and the segment IOVA ranges [segIova[k], segLast[k]] are flipped;
    // segMap[k] is the map segment k came from (the kernel's `map`): the witness the contract names instead of an
    // existential. The contract covers requests that do not pass 2^64 and that start above 0 or meet no map
    // ending at 2^64 - 1: otherwise s += size can wrap to 0 and the kernel walks again (the README, "The IOTLB
    // models").
    /*@ public normal_behavior
      @   requires missErr < 0 && ACCESS_RO <= access && access <= ACCESS_WO && iovSize >= 0;
      @   requires segIova != null && segLast != null && segHva != null && segLen != null && segMap != null;
      @   requires segIova.length >= iovSize && segLast.length >= iovSize && segHva.length >= iovSize
      @         && segLen.length >= iovSize && segMap.length >= iovSize;
      @   requires segIova != segLast && segIova != segHva && segIova != segLen && segLast != segHva
      @         && segLast != segLen && segHva != segLen;
      @   requires segIova != start && segIova != last && segIova != addr && segLast != start && segLast != last
      @         && segLast != addr && segHva != start && segHva != last && segHva != addr && segLen != start
      @         && segLen != last && segLen != addr && segMap != perm;
      @   requires (\bigint)qaddr + ((\bigint)qlenF - Long.MIN_VALUE) <= (\bigint)Long.MAX_VALUE + 1;
      @   requires (\forall \bigint j; 0 <= j && j < n; qaddr != Long.MIN_VALUE || last[j] != Long.MAX_VALUE);
      @   ensures \result == ENOBUFS || \result == EPERM || \result == missErr || (0 <= \result && \result <= iovSize);
      @   ensures \result >= 0 ==> (\result == 0 <==> qlenF == Long.MIN_VALUE);
      @   ensures \result > 0 ==> segIova[0] == qaddr
      @        && (\bigint)segLast[\result - 1] == (\bigint)qaddr + ((\bigint)qlenF - Long.MIN_VALUE) - 1;
      @   ensures \result >= 0 ==> walkOk(\result, access, segIova, segLast, segHva, segLen, segMap);
      @   assignable segIova[*], segLast[*], segHva[*], segLen[*], segMap[*];
      @*/
    public int translate(int missErr, long qaddr, long qlenF, int access, int iovSize,
                         long[] segIova, long[] segLast, long[] segHva, long[] segLen, int[] segMap) {
        long qlast = trLastF(qaddr, qlenF);
        // s flipped, as len: the kernel's u64 compare (u64)len > s is the signed compare of the flipped values
        long sF = Long.MIN_VALUE;
        int ret = 0;
        /*@ loop_invariant \invariant_for(this);
          @ loop_invariant start != null && last != null && addr != null && perm != null;
          @ loop_invariant Long.MIN_VALUE <= sF && sF <= Long.MAX_VALUE;
          @ loop_invariant 0 <= ret && ret <= iovSize;
          @ loop_invariant ret == 0 <==> sF == Long.MIN_VALUE;
          @ loop_invariant qlenF == Long.MIN_VALUE ==> ret == 0;
          @ loop_invariant (\bigint)sF - Long.MIN_VALUE <= (\bigint)Long.MAX_VALUE - (\bigint)qaddr + 1;
          @ loop_invariant ret > 0 ==> segIova[0] == qaddr;
          @ loop_invariant ret > 0 ==> (sF < qlenF ? (\bigint)segLast[ret - 1] + 1 == (\bigint)qaddr + ((\bigint)sF - Long.MIN_VALUE)
          @                                       : segLast[ret - 1] == qlast);
          @ loop_invariant walkOk(ret, access, segIova, segLast, segHva, segLen, segMap);
          @ assignable segIova[*], segLast[*], segHva[*], segLen[*], segMap[*];
          @ decreases (\bigint)Long.MAX_VALUE - (\bigint)sF;
          @*/
        while (sF < qlenF) {
            if (ret >= iovSize) {
                return ENOBUFS;
            }
            sF = extend(qaddr, qlast, access, qlenF, sF, ret, segIova, segLast, segHva, segLen, segMap);
            if (segMap[ret] == -1) {
                return missErr;
            }
            if (segMap[ret] == -2) {
                return EPERM;
            }
            ret++;
        }
        return ret;
    }
}
