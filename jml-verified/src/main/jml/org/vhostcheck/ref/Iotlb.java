package org.vhostcheck.ref;

/**
 * The vhost IOTLB, mirroring spec/Iotlb.tla (operators Insert, AddRange, Overlaps, DelRange,
 * First, Walk). The table is the spec's {@code maps} sequence: entry {@code i < n} is the map
 * [start[i], last[i]] -> addr[i] with permission perm[i], oldest first (index 0 is the map
 * VHOST_IOTLB_FLAG_RETIRE evicts). The map size last - start + 1 is not stored.
 *
 * <p>Every address is a u64 bit pattern in a {@code long}; contracts speak about its unsigned
 * value as a {@code \bigint}, {@code U(x) = x >= 0 ? x : x + 2^64}, written out in full as in
 * {@link U64} (KeY's parser rejects a literal 2^64). Error results are negative errnos.
 *
 * <p>Proven by KeY: the constructor, addRange and its helpers, and the walk step's arithmetic
 * (trSize, trHva, trMin). Not yet proven (no contract until KeY closes them; README, "The IOTLB
 * models"): delRange, first, translate.
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

    /** Map i (i < n): first and last IOVA (inclusive), host address of start, permission. */
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
    // Inv_NoInvertedRange and Inv_SizeNoWrap: no stored map has last < start (unsigned, written on the
    // sign split: (s >= 0 ? (\bigint)s : (\bigint)s + 2*((\bigint)Long.MAX_VALUE + 1)) <= (l >= 0 ? (\bigint)l : (\bigint)l + 2*((\bigint)Long.MAX_VALUE + 1))), and none is the full range [0, 2^64 - 1], whose size last - start + 1 is 0.
    /*@ public invariant (\forall int i; 0 <= i && i < n;
      @     (start[i] >= 0 ? (last[i] < 0 || start[i] <= last[i]) : (last[i] < 0 && start[i] <= last[i]))
      @  && !(start[i] == 0 && last[i] == -1L));
      @*/

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
      @   requires (s >= 0 ? (l < 0 || s <= l) : (l < 0 && s <= l)) && !(s == 0 && l == -1L);
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
      @   requires (s >= 0 ? (l < 0 || s <= l) : (l < 0 && s <= l)) && !(s == 0 && l == -1L);
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

    // addFull's two insertions when both fit (spec Insert twice, Append branch both times)
    /*@ private normal_behavior
      @   requires n + 2 <= limit;
      @   ensures n == \old(n) + 2;
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && addr[n - 1] == hi && perm[n - 1] == p;
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void halvesRoom(long lo, long hi, int p) {
        append(0, Long.MAX_VALUE, lo, p);
        append(Long.MIN_VALUE, -1L, hi, p);
    }

    // addFull's two insertions when only the first fits (RETIRE evicts the oldest map for the second)
    /*@ private normal_behavior
      @   requires n + 1 == limit && limit >= 2;
      @   ensures n == limit;
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && addr[n - 1] == hi && perm[n - 1] == p;
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @*/
    private void halvesOne(long lo, long hi, int p) {
        append(0, Long.MAX_VALUE, lo, p);
        evictAppend(Long.MIN_VALUE, -1L, hi, p);
    }

    // addFull's two insertions on a full table (RETIRE evicts the oldest map before each)
    /*@ private normal_behavior
      @   requires n == limit && limit >= 2;
      @   ensures n == limit;
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == lo && perm[n - 2] == p;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && addr[n - 1] == hi && perm[n - 1] == p;
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
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && perm[n - 1] == mperm;
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

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: if (last < start) return -EFAULT (u64 compare),
    // with the answer stated both on unsigned values and on the sign split used by the class invariant
    /*@ private normal_behavior
      @   ensures \result <==> (l >= 0 ? (\bigint)l : (\bigint)l + 2*((\bigint)Long.MAX_VALUE + 1)) < (s >= 0 ? (\bigint)s : (\bigint)s + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result <==> !(s >= 0 ? (l < 0 || s <= l) : (l < 0 && s <= l));
      @   assignable \nothing;
      @*/
    private static boolean inverted(long s, long l) {
        return U64.lt(l, s);
    }

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx
    /*@ public normal_behavior
      @   requires (iovaLast >= 0 ? (\bigint)iovaLast : (\bigint)iovaLast + 2*((\bigint)Long.MAX_VALUE + 1)) < (iova >= 0 ? (\bigint)iova : (\bigint)iova + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result == EFAULT;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires (iova >= 0 ? (\bigint)iova : (\bigint)iova + 2*((\bigint)Long.MAX_VALUE + 1)) <= (iovaLast >= 0 ? (\bigint)iovaLast : (\bigint)iovaLast + 2*((\bigint)Long.MAX_VALUE + 1)) && limit == 0;
      @   ensures \result == EINVAL;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires iova == 0 && iovaLast == -1L && limit > 0;
      @   requires limit < 2 || (!retire && n > limit - 2);
      @   ensures \result == ENOSPC;
      @   assignable \nothing;
      @ also public normal_behavior
      @   requires iova == 0 && iovaLast == -1L && limit >= 2 && n + 2 <= limit;
      @   ensures \result == 0 && n == \old(n) + 2;
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && perm[n - 1] == mperm;
      @   ensures (\bigint)addr[n - 1] == (uaddr >= 0 ? (\bigint)uaddr + Long.MIN_VALUE : (\bigint)uaddr - Long.MIN_VALUE);
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires iova == 0 && iovaLast == -1L && limit >= 2 && n + 2 > limit && retire;
      @   ensures \result == 0 && n == limit;
      @   ensures start[n - 2] == 0 && last[n - 2] == Long.MAX_VALUE && addr[n - 2] == uaddr && perm[n - 2] == mperm;
      @   ensures start[n - 1] == Long.MIN_VALUE && last[n - 1] == -1L && perm[n - 1] == mperm;
      @   ensures (\bigint)addr[n - 1] == (uaddr >= 0 ? (\bigint)uaddr + Long.MIN_VALUE : (\bigint)uaddr - Long.MIN_VALUE);
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires (iova >= 0 ? (iovaLast < 0 || iova <= iovaLast) : (iovaLast < 0 && iova <= iovaLast)) && !(iova == 0 && iovaLast == -1L);
      @   requires limit > 0 && n < limit;
      @   ensures \result == 0 && n == \old(n) + 1;
      @   ensures start[n - 1] == iova && last[n - 1] == iovaLast && addr[n - 1] == uaddr && perm[n - 1] == mperm;
      @   ensures (\forall int j; 0 <= j && j < n - 1; start[j] == \old(start[j]) && last[j] == \old(last[j])
      @                                             && addr[j] == \old(addr[j]) && perm[j] == \old(perm[j]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires (iova >= 0 ? (iovaLast < 0 || iova <= iovaLast) : (iovaLast < 0 && iova <= iovaLast)) && !(iova == 0 && iovaLast == -1L);
      @   requires limit > 0 && n >= limit && retire;
      @   ensures \result == 0 && n == \old(n);
      @   ensures start[n - 1] == iova && last[n - 1] == iovaLast && addr[n - 1] == uaddr && perm[n - 1] == mperm;
      @   ensures (\forall int j; 0 <= j && j < n - 1; start[j] == \old(start[j + 1]) && last[j] == \old(last[j + 1])
      @                                             && addr[j] == \old(addr[j + 1]) && perm[j] == \old(perm[j + 1]));
      @   assignable start[*], last[*], addr[*], perm[*], n;
      @ also public normal_behavior
      @   requires (iova >= 0 ? (iovaLast < 0 || iova <= iovaLast) : (iovaLast < 0 && iova <= iovaLast)) && !(iova == 0 && iovaLast == -1L);
      @   requires limit > 0 && n >= limit && !retire;
      @   ensures \result == ENOSPC;
      @   assignable \nothing;
      @*/
    public int addRange(long iova, long iovaLast, long uaddr, int mperm) {
        //+ IotlbNoLastCheck.addRange[0]: vhost_iotlb_add_range_ctx without if (last < start) return -EFAULT (the seed's reading of claim 0004)
        if (inverted(iova, iovaLast)) {
            return EFAULT;
        }
        //- IotlbNoLastCheck
        if (limit == 0) {
            return EINVAL;
        }
        //+ IotlbNoFullSplit.addRange[2]: vhost_iotlb_add_range_ctx without the split of [0, ULONG_MAX] into two halves (CVE-2022-48862)
        if (iova == 0 && iovaLast == -1L) {
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

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_del_range: free every map that overlaps [s, l]
    // (include/linux/interval_tree_generic.h: [a0, a1] and [b0, b1] intersect iff a0 <= b1 && b0 <= a1)
    // (spec DelRange = SelectSeq(t, ~Overlaps): the maps that do not overlap stay, in order). Not yet proven.
    public void delRange(long s, long l) {
        int k = 0;
        int i = 0;
        while (i < n) {
            if (!(U64.le(start[i], l) && U64.le(s, last[i]))) {
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

    // linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_itree_first: the map overlapping [s, l] with the smallest
    // start, the oldest among equal starts (spec First); -1 for none
    // (include/linux/interval_tree_generic.h: [a0, a1] and [b0, b1] intersect iff a0 <= b1 && b0 <= a1).
    // Not yet proven.
    public int first(long s, long l) {
        int best = -1;
        int i = 0;
        while (i < n) {
            if (U64.le(start[i], l) && U64.le(s, last[i]) && (best < 0 || U64.lt(start[i], start[best]))) {
                best = i;
            }
            i++;
        }
        return best;
    }

    // translate_desc: size = map->size - addr + map->start with map->size = last - start + 1, i.e. last - addr + 1
    /*@ private normal_behavior
      @   requires (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) <= (la >= 0 ? (\bigint)la : (\bigint)la + 2*((\bigint)Long.MAX_VALUE + 1)) && (a != 0 || la != -1L);
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1)) == (la >= 0 ? (\bigint)la : (\bigint)la + 2*((\bigint)Long.MAX_VALUE + 1)) - (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) + 1;
      @*/
    private static /*@ pure @*/ long trSize(long la, long a) {
        return U64.add(U64.sub(la, a), 1);
    }

    // translate_desc: iov->iov_base = map->addr + addr - map->start (u64, wraps)
    /*@ private normal_behavior
      @   requires (st >= 0 ? (\bigint)st : (\bigint)st + 2*((\bigint)Long.MAX_VALUE + 1)) <= (a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1)) == (ad >= 0 ? (\bigint)ad : (\bigint)ad + 2*((\bigint)Long.MAX_VALUE + 1)) + ((a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) - (st >= 0 ? (\bigint)st : (\bigint)st + 2*((\bigint)Long.MAX_VALUE + 1))) || (\result >= 0 ? (\bigint)\result : (\bigint)\result + 2*((\bigint)Long.MAX_VALUE + 1)) == (ad >= 0 ? (\bigint)ad : (\bigint)ad + 2*((\bigint)Long.MAX_VALUE + 1)) + ((a >= 0 ? (\bigint)a : (\bigint)a + 2*((\bigint)Long.MAX_VALUE + 1)) - (st >= 0 ? (\bigint)st : (\bigint)st + 2*((\bigint)Long.MAX_VALUE + 1))) - 2*((\bigint)Long.MAX_VALUE + 1);
      @*/
    private static /*@ pure @*/ long trHva(long ad, long a, long st) {
        return U64.add(ad, U64.sub(a, st));
    }

    // translate_desc: iov->iov_len = min(len - s, size)
    /*@ private normal_behavior
      @   ensures (\result == rem && (rem >= 0 ? (\bigint)rem : (\bigint)rem + 2*((\bigint)Long.MAX_VALUE + 1)) < (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1))) || (\result == size && (size >= 0 ? (\bigint)size : (\bigint)size + 2*((\bigint)Long.MAX_VALUE + 1)) <= (rem >= 0 ? (\bigint)rem : (\bigint)rem + 2*((\bigint)Long.MAX_VALUE + 1)));
      @*/
    private static /*@ pure @*/ long trMin(long rem, long size) {
        return U64.lt(rem, size) ? rem : size;
    }

    // linux 6.12 drivers/vhost/vhost.c translate_desc and drivers/vhost/vringh.c iotlb_translate (spec Walk):
    // while ((u64)len > s) { ret >= iov_size: -ENOBUFS; map = vhost_iotlb_itree_first(umem, addr, last);
    // miss: -EAGAIN (device IOTLB) / -EFAULT (memory table) / -EINVAL (vringh); !(map->perm & access): -EPERM;
    // size = map->size - addr + map->start; iov = {addr -> map->addr + addr - map->start, min(len - s, size)};
    // s += size; addr += size; ++ret }. segMap[k] is the map segment k came from (the kernel's `map`): the
    // witness the contract will name instead of an existential. Not yet proven; the intended contract covers
    // requests that do not pass 2^64 and that start above 0 or meet no map ending at 2^64 - 1 (otherwise
    // s += size wraps to 0 and the walk restarts: see the README). IotlbTest checks it on boundary tables.
    public int translate(int missErr, long qaddr, long qlen, int access, int iovSize,
                         long[] segIova, long[] segHva, long[] segLen, int[] segMap) {
        long qlast = qaddr + qlen - 1;
        long a = qaddr;
        long s = 0;
        int ret = 0;
        while (U64.lt(s, qlen)) {
            if (ret >= iovSize) {
                return ENOBUFS;
            }
            int i = first(a, qlast);
            if (i < 0 || U64.lt(a, start[i])) {
                return missErr;
            }
            if ((perm[i] / access) % 2 != 1) {
                return EPERM;
            }
            long size = trSize(last[i], a);
            segIova[ret] = a;
            segHva[ret] = trHva(addr[i], a, start[i]);
            segLen[ret] = trMin(U64.sub(qlen, s), size);
            segMap[ret] = i;
            s = U64.add(s, size);
            a = U64.add(a, size);
            ret++;
        }
        return ret;
    }
}
