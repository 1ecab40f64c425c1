----------------------------- MODULE VirtQueue -----------------------------
(***************************************************************************)
(* The device side of a split virtqueue as vhost runs it, and vringh's     *)
(* IOTLB accessors.                                                        *)
(*                                                                         *)
(*  - vhost_get_vq_desc (drivers/vhost/vhost.c): vhost_get_avail_idx and   *)
(*    its "moved too far" check, the head, the chain walk with its loop    *)
(*    bound, INDIRECT tables (get_indirect), translate_desc into a bounded *)
(*    iov array, the dirty log entries (log_num);                          *)
(*  - vhost_add_used_n / __vhost_add_used_n: used ring entries, the wrap   *)
(*    split, used->idx;                                                    *)
(*  - vringh.c: getu16_iotlb, putu16_iotlb, copy_from_iotlb /              *)
(*    copy_to_iotlb as xfer_from_iotlb / xfer_to_iotlb / copydesc_iotlb    *)
(*    call them, where a copy may move fewer bytes than asked.             *)
(*                                                                         *)
(* Sources: Debian linux-source-6.1 (6.1.192-3) and linux-source-6.12      *)
(* (6.12.117-1~deb12u1). The vhost.c functions above are identical in the  *)
(* two; vringh's putu16_iotlb differs (PutU16Access).                      *)
(*                                                                         *)
(* The guest is adversarial: at any time it writes any descriptor of its   *)
(* choice sets into the table or its indirect table, any head into the     *)
(* avail ring, and moves avail->idx. It moves avail->idx relative to the   *)
(* device's last_avail_idx: the kernel only ever looks at                  *)
(* (u16)(avail_idx - last_avail_idx), so the deltas stand for every value. *)
(* The device follows the kernel, one loop iteration per step, so guest    *)
(* writes interleave with the walk (the kernel copies each descriptor once *)
(* and decides on its copy).                                               *)
(*                                                                         *)
(* Not modelled: the ring addresses themselves (vq_access_ok checks them   *)
(* at VHOST_SET_VRING_ADDR, see DirtyLog.tla) and a failing read of the    *)
(* descriptor table or the avail ring (-EFAULT); event index suppression;  *)
(* the packed ring. Guest memory other than the indirect table at IndAddr  *)
(* reads as zero descriptors.                                              *)
(*                                                                         *)
(* Each kernel check a CVE or a claim is about is a switch (CONSTANT):     *)
(* TRUE is the kernel's code, FALSE the check removed.                     *)
(***************************************************************************)
EXTENDS IotlbOps

CONSTANTS
    QueueSize,       \* vq->num, a power of 2
    IovSize,         \* iov_size handed to vhost_get_vq_desc
    Maps,            \* the device IOTLB the walks translate through (IotlbOps maps)
    InitIdx,         \* VHOST_SET_VRING_BASE: where last_avail_idx and the used index start
    Logging,         \* log != NULL: dirty page logging (live migration) is on
    GuestDescs,      \* descriptors the guest may write into the table
    GuestIndDescs,   \* descriptors the guest may write into its indirect table
    IndAddr,         \* the guest address of its indirect table ...
    IndCap,          \* ... and how many descriptors it holds
    GuestHeads,      \* heads the guest may write into the avail ring
    AvailDeltas,     \* (u16)(avail->idx - last_avail_idx) the guest may publish
    MaxBatch,        \* the most heads one vhost_add_used_n completes
    U16Addrs,        \* addresses vringh's getu16_iotlb / putu16_iotlb access
    CopyReqs,        \* vringh copies: [kind, addr, len]
    Shorts,          \* bytes a copy_{to,from}_iter may fall short by (0: a full copy)
    PutU16Access,    \* putu16_iotlb's iotlb_translate perm: VHOST_MAP_WO in 6.1, VHOST_MAP_RO in 6.12
    AvailChecked,    \* vhost_get_avail_idx: (u16)(avail_idx - last_avail_idx) > vq->num -> -EINVAL
    IndexChecked,    \* vhost_get_vq_desc: i >= vq->num -> -EINVAL
    LoopBounded,     \* vhost_get_vq_desc: ++found > vq->num -> -EINVAL ("Loop detected")
    OutAfterInChecked, \* vhost_get_vq_desc, get_indirect: out after in -> -EINVAL
    LogOnlyIfIov,    \* if (unlikely(log && ret)): the CVE-2019-14835 fix (before it: if (log))
    IovBounded,      \* translate_desc: ret >= iov_size -> -ENOBUFS
    IndLenChecked,   \* get_indirect: len % sizeof desc -> -EINVAL
    NestedIndChecked,  \* get_indirect: INDIRECT inside an indirect table -> -EINVAL
    UsedWrapSplit,   \* vhost_add_used_n: split a batch at the end of the used ring
    UsedSplitAll,    \* FALSE in 6.1 and 6.12, which split once; TRUE: the proposed fix of
                     \* finding F005, every entry at (last_used_idx + k) & (num - 1)
    CopyExact        \* copy_{from,to}_iotlb: size != translated -> -EFAULT
                     \* (CVE-2025-40051/40056; before: ret < 0, never true)

\* include/uapi/linux/virtio_ring.h
VRING_DESC_F_NEXT == 1
VRING_DESC_F_WRITE == 2
VRING_DESC_F_INDIRECT == 4
HasFlag(flags, f) == (flags \div f) % 2 = 1
DescSize == 16           \* sizeof(struct vring_desc)
UIO_MAXIOV == 1024       \* get_indirect translates its table into vq->indirect[UIO_MAXIOV]
IOTLB_IOV_STRIDE == 16   \* vringh.c: iov entries per iotlb_translate of a copy
Unbounded == 65536       \* iov room when a bound is removed: more than any walk here fills

Desc == [addr : U64, len : U64, flags : 0..7, next : U16]   \* len is a u32
ZeroDesc == [addr |-> Zero, len |-> Zero, flags |-> 0, next |-> 0]
Slots == 0..(QueueSize - 1)
IovRec == [iova : U64, hva : U64, len : U64, access : {VHOST_ACCESS_RO, VHOST_ACCESS_WO}]
LogRec == [addr : U64, len : U64]
CopyKinds == {"getu16_iotlb", "putu16_iotlb", "xfer_from_iotlb", "xfer_to_iotlb", "copydesc_iotlb"}

ASSUME /\ QueueSize \in {1, 2, 4, 8, 16} /\ IovSize \in Nat \ {0}
       /\ Mode = "iotlb" /\ \A i \in 1..Len(Maps) : Maps[i] \in MapRec /\ Maps[i].size # Zero
       /\ InitIdx \in U16 /\ Logging \in BOOLEAN
       /\ GuestDescs \subseteq Desc /\ GuestIndDescs \subseteq Desc
       /\ \A d \in GuestDescs \cup GuestIndDescs : IsU32(d.len) /\ IsNat(d.len)
       /\ IndAddr \in U64 /\ IndCap \in Nat
       /\ GuestHeads \subseteq U16 /\ AvailDeltas \subseteq U16 /\ MaxBatch \in Nat \ {0}
       /\ U16Addrs \subseteq U64 /\ Shorts \subseteq 0..1
       /\ \A c \in CopyReqs : c.kind \in {"xfer_from_iotlb", "xfer_to_iotlb", "copydesc_iotlb"}
                              /\ c.addr \in U64 /\ c.len \in Nat
       /\ PutU16Access \in {VHOST_ACCESS_RO, VHOST_ACCESS_WO}
       /\ {AvailChecked, IndexChecked, LoopBounded, OutAfterInChecked, LogOnlyIfIov, IovBounded,
           IndLenChecked, NestedIndChecked, UsedWrapSplit, UsedSplitAll, CopyExact} \subseteq BOOLEAN

VARIABLES
    desc,        \* the descriptor table in guest memory
    ind,         \* the guest's indirect table at IndAddr
    avail,       \* avail->ring
    availIdx,    \* avail->idx
    lastAvail,   \* vq->last_avail_idx
    cachedAvail, \* vq->avail_idx: avail->idx as the device last read it
    fetchedAt,   \* vq->last_avail_idx when the device last read avail->idx
    walk,        \* the vhost_get_vq_desc call in progress
    ret,         \* what the last device call returned
    inflight,    \* buffers vhost_get_vq_desc returned, not yet used, oldest first
    lastUsed,    \* vq->last_used_idx
    usedIdx,     \* used->idx in guest memory
    used,        \* used->ring: the head each entry holds
    usedLost,    \* a used entry was written past the end of used->ring
    done,        \* the heads the device completed, in order
    wrote,       \* perms of the maps the last step wrote guest memory through
    copy,        \* the last vringh access
    guestWrites  \* how many writes the guest has made (MC wrappers bound it)

vars == <<desc, ind, avail, availIdx, lastAvail, cachedAvail, fetchedAt, walk, ret, inflight,
          lastUsed, usedIdx, used, usedLost, done, wrote, copy, guestWrites>>

\* What a chain collects; the walk carries it, an accepted buffer keeps it.
\* oob: a descriptor read outside the table; nested: an INDIRECT descriptor
\* taken as a buffer inside an indirect table; oddInd: an indirect table whose
\* length is not a multiple of 16.
BufRec == [head : U16, iov : Seq(IovRec), outNum : Nat, inNum : Nat, log : Seq(LogRec),
           oob : BOOLEAN, nested : BOOLEAN, oddInd : BOOLEAN]
\* The walk: phase "idle", "desc" (the main table, at index i) or "ind" (an
\* indirect table: count entries, read sequentially from pos; outer is the
\* INDIRECT descriptor whose next the chain continues with).
WalkRec == [phase : {"idle", "desc", "ind"}, i : U16, found : Nat, ifound : Nat,
            count : Nat, pos : Nat, outer : Desc, buf : BufRec]
NoBuf == [head |-> 0, iov |-> <<>>, outNum |-> 0, inNum |-> 0, log |-> <<>>,
          oob |-> FALSE, nested |-> FALSE, oddInd |-> FALSE]
Idle == [phase |-> "idle", i |-> 0, found |-> 0, ifound |-> 0, count |-> 0, pos |-> 0,
         outer |-> ZeroDesc, buf |-> NoBuf]
CopyRec == [kind : CopyKinds \cup {"none"}, addr : U64, len : U64, moved : U64, ret : Int]
NoCopy == [kind |-> "none", addr |-> Zero, len |-> Zero, moved |-> Zero, ret |-> 0]

TypeOK_desc == desc \in [Slots -> Desc]
TypeOK_ind == ind \in [0..(IndCap - 1) -> Desc]
TypeOK_avail == avail \in [Slots -> U16]
TypeOK_availIdx == availIdx \in U16
TypeOK_lastAvail == lastAvail \in U16
TypeOK_cachedAvail == cachedAvail \in U16
TypeOK_fetchedAt == fetchedAt \in U16
TypeOK_walk == walk \in WalkRec
TypeOK_ret == ret \in Int
TypeOK_inflight == inflight \in Seq(BufRec)
TypeOK_lastUsed == lastUsed \in U16
TypeOK_usedIdx == usedIdx \in U16
TypeOK_used == used \in [Slots -> U16]
TypeOK_usedLost == usedLost \in BOOLEAN
TypeOK_done == done \in Seq(U16)
TypeOK_wrote == wrote \subseteq Perms
TypeOK_copy == copy \in CopyRec
TypeOK_guestWrites == guestWrites \in Nat
TypeOK == /\ TypeOK_desc /\ TypeOK_ind /\ TypeOK_avail /\ TypeOK_availIdx /\ TypeOK_lastAvail
          /\ TypeOK_cachedAvail /\ TypeOK_fetchedAt /\ TypeOK_walk /\ TypeOK_ret
          /\ TypeOK_inflight /\ TypeOK_lastUsed /\ TypeOK_usedIdx /\ TypeOK_used
          /\ TypeOK_usedLost /\ TypeOK_done /\ TypeOK_wrote /\ TypeOK_copy /\ TypeOK_guestWrites

\* VHOST_SET_VRING_BASE: last_avail_idx = avail_idx = InitIdx; the used
\* index starts there too (vhost_vq_init_access: last_used_idx = used->idx).
Init == /\ desc = [s \in Slots |-> ZeroDesc]
        /\ ind = [k \in 0..(IndCap - 1) |-> ZeroDesc]
        /\ avail = [s \in Slots |-> 0]
        /\ availIdx = InitIdx
        /\ lastAvail = InitIdx
        /\ cachedAvail = InitIdx
        /\ fetchedAt = InitIdx
        /\ walk = Idle
        /\ ret = 0
        /\ inflight = <<>>
        /\ lastUsed = InitIdx
        /\ usedIdx = InitIdx
        /\ used = [s \in Slots |-> 0]
        /\ usedLost = FALSE
        /\ done = <<>>
        /\ wrote = {}
        /\ copy = NoCopy
        /\ guestWrites = 0

RingVars == <<lastAvail, cachedAvail, fetchedAt, walk, ret, inflight, lastUsed, usedIdx, used,
              usedLost, done>>

(***************************************************************************)
(* The guest. VIRTIO 1.3 §2.7.13: it writes descriptors, then avail ring   *)
(* entries, then avail->idx; an adversarial guest does so in any order.    *)
(***************************************************************************)
GuestStep == wrote' = {} /\ copy' = NoCopy /\ guestWrites' = guestWrites + 1
WriteDesc(s, d) == /\ desc' = [desc EXCEPT ![s] = d]
                   /\ GuestStep
                   /\ UNCHANGED <<ind, avail, availIdx, RingVars>>
WriteInd(k, d) == /\ ind' = [ind EXCEPT ![k] = d]
                  /\ GuestStep
                  /\ UNCHANGED <<desc, avail, availIdx, RingVars>>
WriteAvail(s, h) == /\ avail' = [avail EXCEPT ![s] = h]
                    /\ GuestStep
                    /\ UNCHANGED <<desc, ind, availIdx, RingVars>>
PublishAvail(delta) == /\ availIdx' = U16Add(lastAvail, delta)
                       /\ GuestStep
                       /\ UNCHANGED <<desc, ind, avail, RingVars>>

(***************************************************************************)
(* The device: vhost_get_vq_desc, one step per loop iteration.             *)
(***************************************************************************)
DevUnchanged == UNCHANGED <<desc, ind, avail, availIdx, guestWrites>>

\* Any error: vhost_get_vq_desc returns it; last_avail_idx does not move.
Fail(e) == /\ walk' = Idle /\ ret' = e
           /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, inflight, lastUsed, usedIdx, used,
                          usedLost, done>>

\* linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc: the head read at
\* last_avail_idx % num, and the walk starts at it (i = head; the head's
\* own bound check is the loop's first i >= vq->num check again).
StartChain(h) ==
    /\ walk' = [Idle EXCEPT !.phase = "desc", !.i = h, !.buf = [NoBuf EXCEPT !.head = h]]
    /\ ret' = 0

\* linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc and
\* vhost_get_avail_idx (6.1 identical): read avail->idx when the cached one
\* is used up, refuse a move by more than the ring holds, report an empty
\* ring as vq->num; then the head.
GetHead ==
    /\ walk.phase = "idle"
    /\ IF cachedAvail = lastAvail
       THEN IF AvailChecked /\ U16Sub(availIdx, lastAvail) > QueueSize
            THEN Fail(EINVAL)
            ELSE IF availIdx = cachedAvail
                 THEN /\ ret' = QueueSize
                      /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, walk, inflight, lastUsed,
                                     usedIdx, used, usedLost, done>>
                 ELSE /\ cachedAvail' = availIdx /\ fetchedAt' = lastAvail
                      /\ StartChain(avail[lastAvail % QueueSize])
                      /\ UNCHANGED <<lastAvail, inflight, lastUsed, usedIdx, used, usedLost, done>>
       ELSE /\ StartChain(avail[lastAvail % QueueSize])
            /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, inflight, lastUsed, usedIdx, used,
                           usedLost, done>>
    /\ wrote' = {} /\ copy' = NoCopy /\ DevUnchanged

\* The iov room translate_desc gets: iov_size - iov_count.
Room(b) == IF IovBounded THEN IovSize - Len(b.iov) ELSE Unbounded

\* linux 6.12 drivers/vhost/vhost.c translate_desc into iov + iov_count, and
\* what vhost_get_vq_desc / get_indirect do with its result: in_num and a
\* log entry for a device-writable descriptor, out_num (none after an in)
\* for a device-readable one.
Take(b, d) ==
    LET acc == IF HasFlag(d.flags, VRING_DESC_F_WRITE) THEN VHOST_ACCESS_WO ELSE VHOST_ACCESS_RO
        w == Walk(Maps, "translate_desc", [addr |-> d.addr, len |-> d.len, access |-> acc],
                  Room(b), d.addr, Zero, <<>>, {})
        segs == [k \in DOMAIN w.segs |-> [iova |-> w.segs[k].iova, hva |-> w.segs[k].hva,
                                          len |-> w.segs[k].len, access |-> acc]]
        b1 == [b EXCEPT !.iov = @ \o segs]
    IN  IF w.ret < 0 THEN [err |-> w.ret, buf |-> b]
        ELSE IF acc = VHOST_ACCESS_WO
        THEN [err |-> 0,
              buf |-> [b1 EXCEPT !.inNum = @ + w.ret,
                                 !.log = IF Logging /\ (w.ret > 0 \/ ~LogOnlyIfIov)
                                         THEN Append(@, [addr |-> d.addr, len |-> d.len]) ELSE @]]
        ELSE IF OutAfterInChecked /\ b.inNum > 0 THEN [err |-> EINVAL, buf |-> b]
        ELSE [err |-> 0, buf |-> [b1 EXCEPT !.outNum = @ + w.ret]]

\* The chain ends: last_avail_idx++, the head is returned.
Accept(b) ==
    /\ walk' = Idle /\ ret' = b.head
    /\ lastAvail' = U16Add(lastAvail, 1)
    /\ inflight' = Append(inflight, b)
    /\ UNCHANGED <<cachedAvail, fetchedAt, lastUsed, usedIdx, used, usedLost, done>>

\* while ((i = next_desc(vq, &desc)) != -1): next_desc returns -1 without
\* VRING_DESC_F_NEXT, else desc->next.
NextOf(d, b, found) ==
    IF HasFlag(d.flags, VRING_DESC_F_NEXT)
    THEN /\ walk' = [walk EXCEPT !.phase = "desc", !.i = d.next, !.found = found, !.buf = b]
         /\ ret' = 0
         /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, inflight, lastUsed, usedIdx, used,
                        usedLost, done>>
    ELSE Accept(b)

\* linux 6.12 drivers/vhost/vhost.c get_indirect, up to its loop (6.1
\* identical): the length check, the table translated read-only into
\* vq->indirect, count = len / 16 (count > USHRT_MAX + 1 needs a table over
\* 1 MiB: not reached at model bounds).
StartIndirect(d, b, found) ==
    LET w == Walk(Maps, "translate_desc", [addr |-> d.addr, len |-> d.len, access |-> VHOST_ACCESS_RO],
                  UIO_MAXIOV, d.addr, Zero, <<>>, {})
    IN  IF IndLenChecked /\ d.len[4] % DescSize # 0 THEN Fail(EINVAL)
        ELSE IF w.ret < 0 THEN Fail(w.ret)
        ELSE /\ walk' = [walk EXCEPT !.phase = "ind", !.found = found, !.ifound = 0,
                                     !.count = ToNat(d.len) \div DescSize, !.pos = 0, !.outer = d,
                                     !.buf = [b EXCEPT !.oddInd = @ \/ d.len[4] % DescSize # 0]]
             /\ ret' = 0
             /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, inflight, lastUsed, usedIdx, used,
                            usedLost, done>>

\* linux 6.12 drivers/vhost/vhost.c vhost_get_vq_desc, one iteration of the
\* do-while over the descriptor table (6.1 identical). VIRTIO 1.3 §2.7.5.3.1.
WalkDesc ==
    /\ walk.phase = "desc"
    /\ LET i == walk.i
           found == walk.found + 1
           d == IF i < QueueSize THEN desc[i] ELSE ZeroDesc     \* past the table
           b == [walk.buf EXCEPT !.oob = @ \/ i >= QueueSize]
       IN  IF IndexChecked /\ i >= QueueSize THEN Fail(EINVAL)
           ELSE IF LoopBounded /\ found > QueueSize THEN Fail(EINVAL)
           ELSE IF HasFlag(d.flags, VRING_DESC_F_INDIRECT) THEN StartIndirect(d, b, found)
           ELSE LET t == Take(b, d)
                IN  IF t.err # 0 THEN Fail(t.err) ELSE NextOf(d, t.buf, found)
    /\ wrote' = {} /\ copy' = NoCopy /\ DevUnchanged

\* Guest memory as the device reads it through an indirect descriptor.
IndEntry(d, k) == IF d.addr = IndAddr /\ k < IndCap THEN ind[k] ELSE ZeroDesc

\* linux 6.12 drivers/vhost/vhost.c get_indirect, one iteration of its
\* do-while (6.1 identical). Entries are read in order (copy_from_iter_full
\* from the table); next only ends the chain, its value is not used. When
\* the table ends, vhost_get_vq_desc continues with the INDIRECT
\* descriptor's own next (VIRTIO 1.3 §2.7.5.3.1 forbids INDIRECT with NEXT
\* to the driver; the device follows it).
WalkIndirect ==
    /\ walk.phase = "ind"
    /\ LET e == IndEntry(walk.outer, walk.pos)
           b == [walk.buf EXCEPT !.nested = @ \/ HasFlag(e.flags, VRING_DESC_F_INDIRECT)]
       IN  IF walk.ifound + 1 > walk.count THEN Fail(EINVAL)    \* also copy_from_iter_full
           ELSE IF NestedIndChecked /\ HasFlag(e.flags, VRING_DESC_F_INDIRECT) THEN Fail(EINVAL)
           ELSE LET t == Take(b, e)
                IN  IF t.err # 0 THEN Fail(t.err)
                    ELSE IF HasFlag(e.flags, VRING_DESC_F_NEXT)
                    THEN /\ walk' = [walk EXCEPT !.ifound = @ + 1, !.pos = @ + 1, !.buf = t.buf]
                         /\ ret' = 0
                         /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, inflight, lastUsed,
                                        usedIdx, used, usedLost, done>>
                    ELSE NextOf(walk.outer, t.buf, walk.found)
    /\ wrote' = {} /\ copy' = NoCopy /\ DevUnchanged

(***************************************************************************)
(* The device uses buffers: it writes each buffer's device-writable part,  *)
(* then vhost_add_used_n puts the heads into the used ring.                *)
(***************************************************************************)
\* The map an iov entry lies in (translate_desc found it there).
MapOf(g) == First(Maps, g.iova, g.iova)
PermsOf(segs) == {Maps[MapOf(segs[k])].perm : k \in {k \in DOMAIN segs : MapOf(segs[k]) # 0}}
WritablePart(b) == SelectSeq(b.iov, LAMBDA g : g.access = VHOST_ACCESS_WO)

RECURSIVE PutUsed(_, _, _, _)
\* __vhost_add_used_n's vhost_put_used: count entries from start on; an
\* entry at start + k >= num lands past used->ring.
PutUsed(u, start, hs, k) ==
    IF k > Len(hs) THEN [ring |-> u, lost |-> FALSE]
    ELSE LET r == PutUsed(u, start, hs, k + 1)
             at == start + k - 1
         IN  IF at < QueueSize THEN [r EXCEPT !.ring = [@ EXCEPT ![at] = hs[k]]]
             ELSE [r EXCEPT !.lost = TRUE]

\* linux 6.12 drivers/vhost/vhost.c vhost_add_used_n and __vhost_add_used_n
\* (6.1 identical): start = last_used_idx & (num - 1); a batch that passes
\* the end of the ring is split in two; last_used_idx += count (u16);
\* vhost_put_used_idx. The split happens once: a batch of more than
\* room + num heads writes its tail past used->ring (finding F005; vhost-net
\* completes up to VHOST_NET_BATCH = 64 TX heads at once, whatever num is).
AddUsedN(n) ==
    /\ walk.phase = "idle"
    /\ n <= Len(inflight)
    /\ LET bs == SubSeq(inflight, 1, n)
           hs == [k \in 1..n |-> bs[k].head]
           start == lastUsed % QueueSize
           room == QueueSize - start
           r == IF UsedSplitAll
                THEN [ring |-> [s \in Slots |->
                                  IF \E k \in 1..n : (start + k - 1) % QueueSize = s
                                  THEN hs[CHOOSE k \in 1..n : (start + k - 1) % QueueSize = s
                                                         /\ \A j \in 1..n : (start + j - 1) % QueueSize = s => j <= k]
                                  ELSE used[s]],
                      lost |-> FALSE]
                ELSE IF UsedWrapSplit /\ room < n
                THEN LET r1 == PutUsed(used, start, SubSeq(hs, 1, room), 1)
                         r2 == PutUsed(r1.ring, 0, SubSeq(hs, room + 1, n), 1)
                     IN  [ring |-> r2.ring, lost |-> r1.lost \/ r2.lost]
                ELSE PutUsed(used, start, hs, 1)
       IN  /\ used' = r.ring
           /\ usedLost' = (usedLost \/ r.lost)
           /\ lastUsed' = U16Add(lastUsed, n)
           /\ usedIdx' = U16Add(lastUsed, n)
           /\ inflight' = SubSeq(inflight, n + 1, Len(inflight))
           /\ done' = done \o hs
           /\ wrote' = UNION {PermsOf(WritablePart(bs[k])) : k \in 1..n}
           /\ ret' = 0
    /\ copy' = NoCopy
    /\ UNCHANGED <<lastAvail, cachedAvail, fetchedAt, walk>> /\ DevUnchanged

(***************************************************************************)
(* vringh's IOTLB accessors (drivers/vhost/vringh.c).                      *)
(***************************************************************************)
VringhUnchanged == UNCHANGED <<desc, ind, avail, availIdx, RingVars, guestWrites>>

\* linux 6.12 drivers/vhost/vringh.c getu16_iotlb and putu16_iotlb:
\* iotlb_translate of the 2 bytes into one iov entry, then the access.
\* putu16_iotlb translates with VHOST_MAP_WO in 6.1 and VHOST_MAP_RO in
\* 6.12 (PutU16Access), and then writes.
U16Access(kind, a) ==
    LET acc == IF kind = "putu16_iotlb" THEN PutU16Access ELSE VHOST_ACCESS_RO
        two == Mk(0, 0, 0, 2)
        w == Walk(Maps, "iotlb_translate", [addr |-> a, len |-> two, access |-> acc], 1, a, Zero, <<>>, {})
        ok == w.ret >= 0
    IN  /\ copy' = [kind |-> kind, addr |-> a, len |-> two,
                    moved |-> IF ok THEN two ELSE Zero, ret |-> IF ok THEN 0 ELSE w.ret]
        /\ wrote' = IF ok /\ kind = "putu16_iotlb" THEN PermsOf(w.segs) ELSE {}
        /\ VringhUnchanged

RECURSIVE CopyLoop(_, _, _, _, _, _, _)
\* linux 6.12 drivers/vhost/vringh.c copy_from_iotlb / copy_to_iotlb (6.1:
\* a bio_vec[16] array instead of iotlb_vec, same loop): iotlb_translate
\* of the rest into IOTLB_IOV_STRIDE entries (-ENOBUFS: go on with the 16
\* filled), copy_{from,to}_iter of translated bytes, which returns how many
\* it moved: short falls short on the first chunk.
CopyLoop(acc, a, len, total, moved, short, perms) ==
    IF ~Lt(total, len) THEN [ret |-> ToNat(total), moved |-> moved, perms |-> perms]
    ELSE LET at == Add(a, total)
             rest == Sub(len, total)
             w == Walk(Maps, "iotlb_translate", [addr |-> at, len |-> rest, access |-> acc],
                       IOTLB_IOV_STRIDE, at, Zero, <<>>, {})
             translated == MinU(rest, w.s)
             m == IF short > 0 /\ Lt(Zero, translated) THEN Sub(translated, FromNat(short)) ELSE translated
         IN  IF w.ret < 0 /\ w.ret # ENOBUFS THEN [ret |-> w.ret, moved |-> moved, perms |-> perms]
             ELSE IF CopyExact /\ m # translated
                  THEN [ret |-> EFAULT, moved |-> Add(moved, m), perms |-> perms \cup PermsOf(w.segs)]
             ELSE CopyLoop(acc, a, len, Add(total, translated), Add(moved, m), 0,
                           perms \cup PermsOf(w.segs))

\* linux 6.12 drivers/vhost/vringh.c xfer_from_iotlb, xfer_to_iotlb,
\* copydesc_iotlb (6.1 identical): the copy, then ret != len -> -EFAULT.
Copy(c, short) ==
    LET acc == IF c.kind = "xfer_to_iotlb" THEN VHOST_ACCESS_WO ELSE VHOST_ACCESS_RO
        r == CopyLoop(acc, c.addr, FromNat(c.len), Zero, Zero, short, {})
        x == IF r.ret # c.len THEN EFAULT ELSE 0
    IN  /\ copy' = [kind |-> c.kind, addr |-> c.addr, len |-> FromNat(c.len), moved |-> r.moved, ret |-> x]
        /\ wrote' = IF c.kind = "xfer_to_iotlb" THEN r.perms ELSE {}
        /\ VringhUnchanged

Next ==
    \/ \E s \in Slots, d \in GuestDescs : WriteDesc(s, d)
    \/ \E k \in 0..(IndCap - 1), d \in GuestIndDescs : WriteInd(k, d)
    \/ \E s \in Slots, h \in GuestHeads : WriteAvail(s, h)
    \/ \E delta \in AvailDeltas : PublishAvail(delta)
    \/ GetHead
    \/ WalkDesc
    \/ WalkIndirect
    \/ \E n \in 1..MaxBatch : AddUsedN(n)
    \/ \E kind \in {"getu16_iotlb", "putu16_iotlb"}, a \in U16Addrs : U16Access(kind, a)
    \/ \E c \in CopyReqs, short \in Shorts : Copy(c, short)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Invariants.                                                             *)
(***************************************************************************)
Bufs == {walk.buf} \cup {inflight[k] : k \in DOMAIN inflight}

\* Never a descriptor read outside the descriptor table.
Inv_DescInTable == \A b \in Bufs : ~b.oob

\* Every chain walk ends within its bound: at most vq->num descriptors of
\* the table per call (a loop of zero-length descriptors fills no iov
\* entry, so only this bound stops it).
Inv_WalkBounded == walk.found <= QueueSize

\* Device-readable never after device-writable in an accepted chain
\* (VIRTIO 1.3 §2.7.4.2: the driver puts readable descriptors first).
Inv_ReadableFirst ==
    \A k \in DOMAIN inflight : \A x, y \in DOMAIN inflight[k].iov :
        (x < y /\ inflight[k].iov[x].access = VHOST_ACCESS_WO) => inflight[k].iov[y].access = VHOST_ACCESS_WO

\* The iov entries stay within the array the caller passed, and in_num and
\* out_num count them.
Inv_IovWithinCapacity ==
    \A b \in Bufs : Len(b.iov) <= IovSize /\ b.inNum + b.outNum = Len(b.iov)

\* log_num <= in_num: the log array (sized like the iov array) never gets
\* more entries than there are writable iov entries (CVE-2019-14835).
Inv_LogWithinIn == \A b \in Bufs : Len(b.log) <= b.inNum

\* The device consumes at most a ring's worth of entries per read of
\* avail->idx: it never takes an avail entry the driver could not have
\* written since the device last took it.
Inv_NoStaleAvail == U16Sub(lastAvail, fetchedAt) <= QueueSize

\* The used ring says exactly what the device completed: used->idx advanced
\* by one per completed head, and the last min(completed, num) entries hold
\* those heads, in order.
Inv_UsedExact ==
    /\ usedIdx = U16Add(InitIdx, Len(done) % 65536)
    /\ ~usedLost
    /\ \A k \in 1..Len(done) :
         Len(done) - k < QueueSize => used[U16Add(InitIdx, k - 1) % QueueSize] = done[k]

\* No INDIRECT descriptor inside an indirect table is taken as a buffer, and
\* every indirect table taken is a whole number of descriptors
\* (VIRTIO 1.3 §2.7.5.3.1).
Inv_IndirectWellFormed == \A b \in Bufs : ~b.nested /\ ~b.oddInd

\* A vringh copy reports success only if every byte moved (seed 002,
\* CVE-2025-40051, CVE-2025-40056).
Inv_CopyExact == (copy.kind # "none" /\ copy.ret = 0) => copy.moved = copy.len

\* The device writes guest memory only through maps that permit writing.
Inv_WritesPermitted == \A p \in wrote : Grants(p, VHOST_ACCESS_WO)
=============================================================================
