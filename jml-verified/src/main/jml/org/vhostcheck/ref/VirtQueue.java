package org.vhostcheck.ref;

/**
 * spec/VirtQueue.tla in Java: the device side of a split virtqueue as vhost runs it (linux 6.12
 * drivers/vhost/vhost.c vhost_get_vq_desc, get_indirect, translate_desc, vhost_add_used_n; identical in
 * 6.1) and vringh's IOTLB accessors (drivers/vhost/vringh.c), one method per spec action, the same state.
 * Descriptors translate through the proven {@link Iotlb#translate}. The class is today's kernel; the
 * vringh difference between 6.1 and 6.12 is {@link #putU16Access}.
 */
public final class VirtQueue {
    // include/uapi/linux/virtio_ring.h
    public static final int F_NEXT = 1;
    public static final int F_WRITE = 2;
    public static final int F_INDIRECT = 4;
    /** sizeof(struct vring_desc) */
    public static final int DESC_SIZE = 16;
    /** get_indirect translates its table into vq->indirect[UIO_MAXIOV] */
    public static final int UIO_MAXIOV = 1024;
    /** vringh.c: iov entries per iotlb_translate of a copy */
    public static final int IOTLB_IOV_STRIDE = 16;
    public static final int EINVAL = Iotlb.EINVAL;
    public static final int EFAULT = Iotlb.EFAULT;
    public static final int EAGAIN = Iotlb.EAGAIN;
    public static final int ENOBUFS = Iotlb.ENOBUFS;
    public static final int RO = Iotlb.ACCESS_RO;
    public static final int WO = Iotlb.ACCESS_WO;
    // walk phases
    public static final int IDLE = 0;
    public static final int DESC = 1;
    public static final int IND = 2;
    // vringh accesses (spec CopyKinds)
    public static final int GETU16 = 0;
    public static final int PUTU16 = 1;
    public static final int XFER_FROM = 2;
    public static final int XFER_TO = 3;
    public static final int COPYDESC = 4;

    // ---- constants ----
    /** vq->num, a power of 2 */
    public final int num;
    /** iov_size handed to vhost_get_vq_desc */
    public final int iovSize;
    /** the device IOTLB the walks translate through (IOVAs flipped, see {@link Iotlb#flip}) */
    public final Iotlb maps;
    /** log != NULL: dirty logging on */
    public final boolean logging;
    /** the guest's indirect table: its address and how many descriptors it holds */
    public final long indAt;
    public final int indCap;
    /** putu16_iotlb's iotlb_translate perm: VHOST_MAP_WO in 6.1, VHOST_MAP_RO in 6.12 */
    public final int putU16Access;

    // ---- guest memory ----
    public final long[] descAddr;
    public final long[] descLen;
    public final int[] descFlags;
    public final int[] descNext;
    public final long[] indAddr;
    public final long[] indLen;
    public final int[] indFlags;
    public final int[] indNext;
    /** avail->ring and avail->idx */
    public final int[] avail;
    public int availIdx;
    /** used->ring (the heads) and used->idx */
    public final int[] used;
    public int usedIdx;

    // ---- the vq ----
    public int lastAvail;
    public int cachedAvail;
    /** last_avail_idx when avail->idx was last read */
    public int fetchedAt;
    public int lastUsed;
    /** what the last device call returned */
    public int ret;

    // ---- the vhost_get_vq_desc call in progress ----
    public int phase;
    public int wi;
    public int found;
    public int ifound;
    public int count;
    public int pos;
    public long outerAddr;
    public long outerLen;
    public int outerFlags;
    public int outerNext;
    public Chain chain;

    // ---- buffers returned and not yet used, oldest first ----
    public Chain[] inflight;
    public int nInflight;

    // ---- what the last step did ----
    /** bit p set: guest memory was written through a map of perm p */
    public int wrotePerms;
    /** bytes the last vringh access moved */
    public long moved;

    public VirtQueue(int num, int iovSize, Iotlb maps, boolean logging, long indAt, int indCap, int putU16Access,
                     int initIdx) {
        this.num = num;
        this.iovSize = iovSize;
        this.maps = maps;
        this.logging = logging;
        this.indAt = indAt;
        this.indCap = indCap;
        this.putU16Access = putU16Access;
        descAddr = new long[num];
        descLen = new long[num];
        descFlags = new int[num];
        descNext = new int[num];
        indAddr = new long[indCap];
        indLen = new long[indCap];
        indFlags = new int[indCap];
        indNext = new int[indCap];
        avail = new int[num];
        used = new int[num];
        availIdx = initIdx;
        lastAvail = initIdx;
        cachedAvail = initIdx;
        fetchedAt = initIdx;
        lastUsed = initIdx;
        usedIdx = initIdx;
        inflight = new Chain[4];
        idle();
    }

    private void idle() {
        phase = IDLE;
        wi = 0;
        found = 0;
        ifound = 0;
        count = 0;
        pos = 0;
        outerAddr = 0;
        outerLen = 0;
        outerFlags = 0;
        outerNext = 0;
        chain = new Chain(0, iovSize);
    }

    // ---- the guest (VIRTIO 1.3 §2.7.13), any order ----

    public void writeDesc(int s, long a, long l, int flags, int next) {
        descAddr[s] = a;
        descLen[s] = l;
        descFlags[s] = flags;
        descNext[s] = next;
        wrotePerms = 0;
    }

    public void writeInd(int k, long a, long l, int flags, int next) {
        indAddr[k] = a;
        indLen[k] = l;
        indFlags[k] = flags;
        indNext[k] = next;
        wrotePerms = 0;
    }

    public void writeAvail(int s, int h) {
        avail[s] = h;
        wrotePerms = 0;
    }

    /** avail->idx = last_avail_idx + delta (u16) */
    public void publishAvail(int delta) {
        availIdx = U64.u16Add(lastAvail, delta);
        wrotePerms = 0;
    }

    // ---- the device: vhost_get_vq_desc, one loop iteration per call ----

    /** Any error: vhost_get_vq_desc returns it; last_avail_idx does not move. */
    private void fail(int e) {
        idle();
        ret = e;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc and vhost_get_avail_idx (6.1 identical): read avail->idx
    // when the cached one is used up, refuse a move by more than the ring holds (-EINVAL), report an empty ring
    // as vq->num; then the head at last_avail_idx % num, where the walk starts.
    public void getHead() {
        wrotePerms = 0;
        if (cachedAvail == lastAvail) {
            if (U64.u16Sub(availIdx, lastAvail) > num) {
                fail(EINVAL);
                return;
            }
            if (availIdx == cachedAvail) {
                ret = num;
                return;
            }
            cachedAvail = availIdx;
            fetchedAt = lastAvail;
        }
        int h = avail[lastAvail % num];
        idle();
        phase = DESC;
        wi = h;
        chain = new Chain(h, iovSize);
        ret = 0;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc: one iteration of the do-while over the descriptor
    // table (6.1 identical): i >= vq->num and ++found > vq->num are -EINVAL; an INDIRECT descriptor starts
    // get_indirect; any other goes through translate_desc; then next_desc. VIRTIO 1.3 §2.7.5.3.1.
    public void walkDesc() {
        wrotePerms = 0;
        int i = wi;
        int f = found + 1;
        if (i >= num) {
            fail(EINVAL);
            return;
        }
        if (f > num) {
            fail(EINVAL);
            return;
        }
        long a = descAddr[i];
        long l = descLen[i];
        int fl = descFlags[i];
        int nx = descNext[i];
        if ((fl & F_INDIRECT) != 0) {
            startIndirect(a, l, fl, nx, f);
            return;
        }
        int err = take(a, l, fl);
        if (err != 0) {
            fail(err);
            return;
        }
        nextOf(fl, nx, f);
    }

    // linux 6.12 drivers/vhost/vhost.c get_indirect up to its loop (6.1 identical): len % sizeof desc is -EINVAL;
    // the table is translated read-only into vq->indirect[UIO_MAXIOV]; count = len / 16.
    private void startIndirect(long a, long l, int fl, int nx, int f) {
        if (l % DESC_SIZE != 0) {
            fail(EINVAL);
            return;
        }
        int r = translate(EAGAIN, a, l, RO, UIO_MAXIOV, new long[UIO_MAXIOV], new long[UIO_MAXIOV],
                new long[UIO_MAXIOV], new int[UIO_MAXIOV]);
        if (r < 0) {
            fail(r);
            return;
        }
        phase = IND;
        found = f;
        ifound = 0;
        count = (int) (l / DESC_SIZE);
        pos = 0;
        outerAddr = a;
        outerLen = l;
        outerFlags = fl;
        outerNext = nx;
        ret = 0;
    }

    // linux 6.12 drivers/vhost/vhost.c get_indirect: one iteration of its do-while (6.1 identical). Entries are
    // read in order (copy_from_iter_full); next only ends the chain. ++found > count and a nested INDIRECT are
    // -EINVAL. When the table ends, vhost_get_vq_desc goes on with the INDIRECT descriptor's own next.
    public void walkIndirect() {
        wrotePerms = 0;
        if (ifound + 1 > count) {
            fail(EINVAL);
            return;
        }
        boolean mine = outerAddr == indAt && pos < indCap;
        long a = mine ? indAddr[pos] : 0;
        long l = mine ? indLen[pos] : 0;
        int fl = mine ? indFlags[pos] : 0;
        if ((fl & F_INDIRECT) != 0) {
            fail(EINVAL);
            return;
        }
        int err = take(a, l, fl);
        if (err != 0) {
            fail(err);
            return;
        }
        if ((fl & F_NEXT) != 0) {
            ifound++;
            pos++;
            ret = 0;
        } else {
            nextOf(outerFlags, outerNext, found);
        }
    }

    // while ((i = next_desc(vq, &desc)) != -1): -1 without VRING_DESC_F_NEXT, else desc->next; the chain ends
    // with last_avail_idx++ and the head returned.
    private void nextOf(int fl, int nx, int f) {
        if ((fl & F_NEXT) != 0) {
            phase = DESC;
            wi = nx;
            found = f;
            ret = 0;
            return;
        }
        if (nInflight == inflight.length) {
            Chain[] more = new Chain[2 * inflight.length];
            for (int k = 0; k < nInflight; k++) {
                more[k] = inflight[k];
            }
            inflight = more;
        }
        inflight[nInflight] = chain;
        nInflight++;
        ret = chain.head;
        lastAvail = U64.u16Add(lastAvail, 1);
        idle();
    }

    // linux 6.12 drivers/vhost/vhost.c translate_desc into iov + iov_count (room iov_size - iov_count), and what
    // vhost_get_vq_desc / get_indirect do with its result: in_num and, with a log, a log entry if (log && ret)
    // (the CVE-2019-14835 fix) for a device-writable descriptor; out_num for a device-readable one, -EINVAL
    // after an in. Returns 0 or the error.
    private int take(long a, long l, int fl) {
        Chain c = chain;
        int acc = (fl & F_WRITE) != 0 ? WO : RO;
        int room = iovSize - c.n;
        long[] sIova = new long[room];
        long[] sLen = new long[room];
        int[] sMap = new int[room];
        long[] sHva = new long[room];
        int r = translate(EAGAIN, a, l, acc, room, sIova, sHva, sLen, sMap);
        if (r < 0) {
            return r;
        }
        if (acc == RO && c.inNum > 0) {
            return EINVAL;
        }
        for (int k = 0; k < r; k++) {
            c.iova[c.n + k] = Iotlb.flip(sIova[k]);
            c.hva[c.n + k] = sHva[k];
            c.len[c.n + k] = sLen[k];
            c.access[c.n + k] = acc;
            c.map[c.n + k] = sMap[k];
        }
        record(logging, c, a, l, acc, r);
        return 0;
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc / get_indirect after translate_desc filled r entries:
    // in_num += ret and, with a log, a log entry if (unlikely(log && ret)) (the CVE-2019-14835 fix: before it,
    // if (log) gave a zero-length descriptor a log entry and no iov entry, so log_num passed in_num and the
    // log array, sized like the iov array, overflowed); out_num += ret. The out-after-in check comes before.
    /*@ public normal_behavior
      @   requires c != null && \invariant_for(c);
      @   requires acc == RO || acc == WO;
      @   requires 0 <= r && r <= c.iova.length - c.n;
      @   requires acc == RO ==> c.inNum == 0;
      @   ensures \invariant_for(c);
      @   ensures c.n == \old(c.n) + r;
      @   ensures acc == WO ==> c.inNum == \old(c.inNum) + r && c.outNum == \old(c.outNum)
      @                       && c.logNum == \old(c.logNum) + (logging && r > 0 ? 1 : 0);
      @   ensures acc == RO ==> c.outNum == \old(c.outNum) + r && c.inNum == \old(c.inNum) && c.logNum == \old(c.logNum);
      @   assignable c.n, c.inNum, c.outNum, c.logNum, c.logAddr[*], c.logLen[*];
      @*/
    public static void record(boolean logging, Chain c, long a, long l, int acc, int r) {
        c.n += r;
        if (acc == WO) {
            c.inNum += r;
            if (logging
                    //+ VirtQueueLogAlways.record[0]: if (log) instead of if (log && ret), before the CVE-2019-14835 fix
                    && r > 0
                    //- VirtQueueLogAlways
                    ) {
                c.logAddr[c.logNum] = a;
                c.logLen[c.logNum] = l;
                c.logNum++;
            }
        } else {
            c.outNum += r;
        }
    }

    // linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc (6.1 identical): the do-while's control over the
    // descriptor table, the part {@link #walkDesc} takes one iteration of: i >= vq->num and ++found > vq->num are
    // -EINVAL, next_desc follows VRING_DESC_F_NEXT. For any table the guest writes, the walk reads only
    // entries of the table and ends after at most num descriptors (INDIRECT tables and translation left out:
    // they add no step to this loop). vq->num is a power of 2 up to 32768 (vhost_vring_set_num).
    /*@ public normal_behavior
      @   requires flags != null && next != null && flags.length == num && next.length == num;
      @   requires 0 < num && num <= 32768;
      @   requires (\forall int k; 0 <= k && k < num; 0 <= next[k] && next[k] <= 65535);
      @   requires 0 <= head && head <= 65535;
      @   ensures \result == EINVAL || (1 <= \result && \result <= num);
      @*/
    public static /*@ pure @*/ int chainLength(int[] flags, int[] next, int num, int head) {
        int i = head;
        int found = 0;
        /*@ loop_invariant 0 <= found && found <= num && 0 <= i && i <= 65535;
          @ assignable \nothing;
          @ decreases num - found;
          @*/
        while (true) {
            //+ VirtQueueNoIndexCheck.chainLength[0]: without i >= vq->num
            if (i >= num) {
                return EINVAL;
            }
            //- VirtQueueNoIndexCheck
            //+ VirtQueueNoLoopBound.chainLength[0]: without ++found > vq->num ("Loop detected")
            if (found + 1 > num) {
                return EINVAL;
            }
            //- VirtQueueNoLoopBound
            found++;
            if ((flags[i] & F_NEXT) == 0) {
                return found;
            }
            i = next[i];
        }
    }

    // ---- the device uses buffers ----

    // linux 6.12 drivers/vhost/vhost.c vhost_add_used_n and __vhost_add_used_n (6.1 identical): the device has
    // written each buffer's device-writable part; start = last_used_idx & (num - 1); a batch that passes the
    // end of the ring is split in two; last_used_idx += count (u16); vhost_put_used_idx.
    public void addUsedN(int n) {
        wrotePerms = 0;
        int start = lastUsed & (num - 1);
        int room = num - start;
        int first = room < n ? room : n;
        for (int k = 0; k < first; k++) {
            used[start + k] = inflight[k].head;
        }
        for (int k = first; k < n; k++) {
            used[k - first] = inflight[k].head;
        }
        for (int k = 0; k < n; k++) {
            Chain c = inflight[k];
            for (int j = 0; j < c.n; j++) {
                if (c.access[j] == WO) {
                    wrotePerms |= 1 << maps.perm[c.map[j]];
                }
            }
        }
        for (int k = n; k < nInflight; k++) {
            inflight[k - n] = inflight[k];
        }
        for (int k = nInflight - n; k < nInflight; k++) {
            inflight[k] = null;
        }
        nInflight -= n;
        lastUsed = U64.u16Add(lastUsed, n);
        usedIdx = lastUsed;
        ret = 0;
    }

    // ---- vringh's IOTLB accessors (drivers/vhost/vringh.c) ----

    /**
     * The proven walk of [a, a + l) into cap entries: translate_desc (missErr -EAGAIN, a device IOTLB) or vringh's
     * iotlb_translate (-EINVAL); each filled entry's IOVA (flipped), host address, length and map.
     */
    private int translate(int missErr, long a, long l, int acc, int cap, long[] sIova, long[] sHva, long[] sLen,
                          int[] sMap) {
        return maps.translate(missErr, Iotlb.flip(a), Iotlb.flip(l), acc, cap, sIova, new long[cap], sHva, sLen, sMap);
    }

    // linux 6.12 drivers/vhost/vringh.c getu16_iotlb and putu16_iotlb: iotlb_translate of the 2 bytes into one
    // entry (perm VHOST_MAP_RO, and for putu16_iotlb putU16Access: VHOST_MAP_WO in 6.1, VHOST_MAP_RO in 6.12),
    // then the access. Returns 0 or the error.
    public int u16Access(boolean put, long a) {
        wrotePerms = 0;
        long[] sLen = new long[1];
        int[] sMap = new int[1];
        int r = translate(EINVAL, a, 2, put ? putU16Access : RO, 1, new long[1], new long[1], sLen, sMap);
        if (r < 0) {
            moved = 0;
            return r;
        }
        moved = 2;
        if (put) {
            wrotePerms = 1 << maps.perm[sMap[0]];
        }
        return 0;
    }

    // linux 6.12 drivers/vhost/vringh.c copy_from_iotlb / copy_to_iotlb (6.1: a bio_vec[16] instead of an
    // iotlb_vec, the same loop) as xfer_from_iotlb, xfer_to_iotlb and copydesc_iotlb call them: iotlb_translate of
    // the rest into IOTLB_IOV_STRIDE entries (-ENOBUFS: go on with those), copy_{from,to}_iter of translated
    // bytes, size != translated -> -EFAULT (the CVE-2025-40051/40056 fix); then ret != len -> -EFAULT.
    // shortBy: how many bytes the first copy_{from,to}_iter falls short (0: a full copy). Returns 0 or the error.
    public int copy(int kind, long a, long len, int shortBy) {
        wrotePerms = 0;
        int acc = kind == XFER_TO ? WO : RO;
        // the chunks the loop translates, in order: iotlb_translate's errno, or translated bytes and what
        // copy_{from,to}_iter moves of them (the kernel stops at the first failure; xfer decides where)
        long[] tr = new long[4];
        long[] got = new long[4];
        int n = 0;
        long total = 0;
        boolean full = true;
        while (U64.lt(total, len)) {
            long[] sLen = new long[IOTLB_IOV_STRIDE];
            int[] sMap = new int[IOTLB_IOV_STRIDE];
            int t = translate(EINVAL, a + total, len - total, acc, IOTLB_IOV_STRIDE, new long[IOTLB_IOV_STRIDE],
                    new long[IOTLB_IOV_STRIDE], sLen, sMap);
            if (n == tr.length) {
                tr = grow(tr);
                got = grow(got);
            }
            if (t < 0 && t != ENOBUFS) {
                tr[n] = t;
                n++;
                break;
            }
            int segs = t == ENOBUFS ? IOTLB_IOV_STRIDE : t;
            long translated = 0;
            for (int k = 0; k < segs; k++) {
                translated += sLen[k];
                if (kind == XFER_TO && full) {
                    wrotePerms |= 1 << maps.perm[sMap[k]];
                }
            }
            tr[n] = translated;
            got[n] = n == 0 && shortBy > 0 ? translated - shortBy : translated;
            // the kernel stops at a short chunk: later chunks write nothing
            full = full && got[n] == translated;
            n++;
            total += translated;
        }
        long[] out = new long[1];
        int r = xfer(len, tr, got, n, out);
        moved = out[0];
        return r;
    }

    private static long[] grow(long[] x) {
        long[] y = new long[2 * x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = x[k];
        }
        return y;
    }

    // linux 6.12 drivers/vhost/vringh.c copy_from_iotlb / copy_to_iotlb and their callers xfer_from_iotlb,
    // xfer_to_iotlb, copydesc_iotlb (6.1 identical in this): chunk k is iotlb_translate's errno (tr[k] < 0,
    // returned) or tr[k] translated bytes of which copy_{from,to}_iter moved got[k]; size != translated is
    // -EFAULT (the CVE-2025-40051/40056 fix; before it the test was ret < 0, which a byte count never is, so
    // a short copy went on as if whole); total_translated is returned, and the caller's ret != len is -EFAULT.
    // out[0]: the bytes moved. A success moved exactly len bytes.
    /*@ public normal_behavior
      @   requires tr != null && got != null && out != null && out.length == 1 && tr != got && out != tr && out != got;
      @   requires 0 <= n && n <= tr.length && n <= got.length;
      @   requires 0 <= len && len <= Integer.MAX_VALUE;
      @   requires (\forall int k; 0 <= k && k < n; tr[k] <= Integer.MAX_VALUE && 0 <= got[k] && got[k] <= Integer.MAX_VALUE);
      @   ensures \result == 0 || \result == EFAULT;
      @   ensures \result == 0 ==> out[0] == len;
      @   assignable out[0];
      @*/
    public static int xfer(long len, long[] tr, long[] got, int n, long[] out) {
        long total = 0;
        long m = 0;
        int k = 0;
        boolean stop = false;
        /*@ loop_invariant 0 <= k && k <= n;
          @ loop_invariant 0 <= total && total <= (\bigint)k * Integer.MAX_VALUE;
          @ loop_invariant 0 <= m && m <= (\bigint)k * Integer.MAX_VALUE;
          @ loop_invariant !stop ==> m == total;
          @ assignable \nothing;
          @ decreases stop ? 0 : n - k + 1;
          @*/
        while (!stop && total < len) {
            if (k >= n || tr[k] < 0) {
                // no chunk left, or iotlb_translate's errno: returned, and != len
                stop = true;
            } else {
                m += got[k];
                //+ VirtQueueRetLtZero.xfer[0]: ret < 0 instead of size != translated (never true: a short copy goes on)
                if (got[k] != tr[k]) {
                    stop = true;
                }
                //- VirtQueueRetLtZero
                if (!stop) {
                    total += tr[k];
                }
                k++;
            }
        }
        out[0] = m;
        // an error or a short copy: a negative ret; else total_translated, which the caller compares with len
        return stop || total != len ? EFAULT : 0;
    }
}
