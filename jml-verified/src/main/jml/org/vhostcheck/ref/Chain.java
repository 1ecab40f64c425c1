package org.vhostcheck.ref;

/**
 * What vhost_get_vq_desc collects for one head (spec/VirtQueue.tla BufRec): the iov entries
 * translate_desc filled, out_num and in_num, and the dirty log entries (log_num of them).
 * Arrays of the caller's iov_size, as the kernel's iov[] and vq->log[].
 */
public final class Chain {
    public final int head;
    // iov[k]: IOVA, host address, length, the access it was translated for, the map it lies in
    public final long[] iova;
    public final long[] hva;
    public final long[] len;
    public final int[] access;
    public final int[] map;
    /** iov entries filled: out_num + in_num */
    public int n;
    public int outNum;
    public int inNum;
    // vq->log[k]: desc.addr, desc.len of a device-writable descriptor
    public final long[] logAddr;
    public final long[] logLen;
    public int logNum;

    /*@ public invariant iova != null && hva != null && len != null && access != null && map != null
      @                  && logAddr != null && logLen != null;
      @ public invariant iova.length == hva.length && iova.length == len.length && iova.length == access.length
      @                  && iova.length == map.length && iova.length == logAddr.length && iova.length == logLen.length;
      @ public invariant 0 <= n && n <= iova.length && 0 <= outNum && 0 <= inNum && outNum + inNum == n;
      @ public invariant 0 <= logNum && logNum <= inNum;
      @*/

    /*@ public normal_behavior
      @   requires iovSize >= 0;
      @   ensures this.head == head && iova.length == iovSize && n == 0 && logNum == 0;
      @*/
    public Chain(int head, int iovSize) {
        this.head = head;
        iova = new long[iovSize];
        hva = new long[iovSize];
        len = new long[iovSize];
        access = new int[iovSize];
        map = new int[iovSize];
        logAddr = new long[iovSize];
        logLen = new long[iovSize];
    }
}
