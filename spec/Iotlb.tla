------------------------------- MODULE Iotlb -------------------------------
(***************************************************************************)
(* The vhost IOTLB (drivers/vhost/iotlb.c, identical in linux 6.1 and      *)
(* 6.12) and the walks that translate through it: translate_desc and       *)
(* iotlb_access_ok in drivers/vhost/vhost.c, iotlb_translate in            *)
(* drivers/vhost/vringh.c (all three identical in 6.1 and 6.12).           *)
(*                                                                         *)
(* A map is [start, last, size, addr, perm], kept in list order (oldest    *)
(* first: the order RETIRE evicts in). Two tables feed the walks, one per  *)
(* Mode: a device IOTLB filled by VHOST_IOTLB_UPDATE / INVALIDATE messages *)
(* ("iotlb"), or the memory table VHOST_SET_MEM_TABLE builds ("umem").     *)
(*                                                                         *)
(* A walk is computed in one step, iteration by iteration as the kernel's  *)
(* loop runs. A walk that comes back to an (addr, s) it has been in would  *)
(* run forever (the loop is deterministic in them); it is stopped and      *)
(* flagged `spun` (CVE-2022-48862: iotlb_access_ok spinning on a map whose *)
(* size wrapped to 0).                                                     *)
(*                                                                         *)
(* Each kernel check a claim or CVE is about is a switch (CONSTANT): TRUE  *)
(* is the kernel's code, FALSE the check removed.                          *)
(* The table operators and the walks live in IotlbOps.tla (the virtqueue   *)
(* spec translates through them too); this module adds the messages, the   *)
(* state and the invariants.                                               *)
(***************************************************************************)
EXTENDS IotlbOps

CONSTANTS
    IovSize,      \* iov entries translate_desc / iotlb_translate may fill
    Updates,      \* VHOST_IOTLB_UPDATE messages [iova, size, uaddr, perm]
    Invalidates,  \* VHOST_IOTLB_INVALIDATE messages [iova, size]
    Tables,       \* VHOST_SET_MEM_TABLE tables: sequences of [gpa, size, uaddr]
    Requests,     \* what the device translates: [addr, len, access]
    UmemChecked,       \* vhost_process_iotlb_msg: umem_access_ok before the add
    TranslatedClamped  \* iotlb_translate: *translated = min(len, s), not s

ASSUME /\ IovSize \in Nat \ {0}
       /\ \A u \in Updates : u.iova \in U64 /\ u.size \in U64 /\ u.uaddr \in U64 /\ u.perm \in Perms
       /\ \A v \in Invalidates : v.iova \in U64 /\ v.size \in U64
       /\ \A t \in Tables : \A k \in DOMAIN t :
             t[k].gpa \in U64 /\ t[k].size \in U64 /\ t[k].uaddr \in U64
       /\ \A q \in Requests : q.addr \in U64 /\ q.len \in U64
                              /\ q.access \in {VHOST_ACCESS_RO, VHOST_ACCESS_WO}
       /\ {UmemChecked, TranslatedClamped} \subseteq BOOLEAN

VARIABLES
    maps,        \* the table, oldest first
    ret,         \* what the last operation returned (iotlb_access_ok: 1 true, 0 false)
    req,         \* the last walk: [kind, addr, len, access]; kind "none" after an update
    segs,        \* the walk's iterations: [iova, hva, len] (len = min(len - s, size))
    translated,  \* iotlb_translate's *translated = min(len, s)
    spun         \* the walk came back to a state it had been in: it never ends

vars == <<maps, ret, req, segs, translated, spun>>

NoReq == [kind |-> "none", addr |-> Zero, len |-> Zero, access |-> 0]

TypeOK_maps == maps \in Seq(MapRec)
TypeOK_ret == ret \in Errnos \cup 0..IovSize
TypeOK_req == req \in [kind : Kinds \cup {"none"}, addr : U64, len : U64, access : 0..2]
TypeOK_segs == segs \in Seq(SegRec)
TypeOK_translated == translated \in U64
TypeOK_spun == spun \in BOOLEAN
TypeOK == TypeOK_maps /\ TypeOK_ret /\ TypeOK_req /\ TypeOK_segs /\ TypeOK_translated /\ TypeOK_spun

Init == /\ maps = <<>>
        /\ ret = 0
        /\ req = NoReq
        /\ segs = <<>>
        /\ translated = Zero
        /\ spun = FALSE

SetTable(t, r) == /\ maps' = t /\ ret' = r
                  /\ req' = NoReq /\ segs' = <<>> /\ translated' = Zero /\ spun' = FALSE

\* linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_UPDATE:
\* umem_access_ok or -EFAULT; any add_range error is returned as -ENOMEM.
Update(u) ==
    /\ Mode = "iotlb"
    /\ IF UmemChecked /\ ~UmemAccessOk(u.uaddr, u.size, u.perm)
       THEN SetTable(maps, EFAULT)
       ELSE LET r == AddRange(maps, u.iova, Sub(Add(u.iova, u.size), One), u.uaddr, u.perm)
            IN  SetTable(r.maps, IF r.ret = 0 THEN 0 ELSE ENOMEM)

\* linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_INVALIDATE
Invalidate(v) ==
    /\ Mode = "iotlb"
    /\ SetTable(DelRange(maps, v.iova, Sub(Add(v.iova, v.size), One)), 0)

\* linux 6.12 drivers/vhost/vhost.c vhost_set_memory: a fresh table
\* (iotlb_alloc: max_iotlb_entries, RETIRE), one add_range(gpa, gpa + size - 1,
\* uaddr, VHOST_MAP_RW) per region; any failure: -EFAULT, the old table stays.
\* memory_access_ok only checks vqs with a backend; there is none here.
RECURSIVE Build(_, _, _)
Build(t, regions, k) ==
    IF k > Len(regions) THEN [ret |-> 0, maps |-> t]
    ELSE LET g == regions[k]
             r == AddRange(t, g.gpa, Sub(Add(g.gpa, g.size), One), g.uaddr, VHOST_ACCESS_RW)
         IN  IF r.ret # 0 THEN r ELSE Build(r.maps, regions, k + 1)
SetMemTable(regions) ==
    /\ Mode = "umem"
    /\ LET r == Build(<<>>, regions, 1)
       IN  IF r.ret = 0 THEN SetTable(r.maps, 0) ELSE SetTable(maps, EFAULT)

\* One walk over the current table. iotlb_access_ok and vringh run only over
\* a device IOTLB (vq->iotlb is NULL without one).
Translate(kind, q) ==
    /\ Mode = "umem" => kind = "translate_desc"
    /\ LET w == Walk(maps, kind, q, IovSize, q.addr, Zero, <<>>, {})
       IN  /\ ret' = w.ret
           /\ req' = [kind |-> kind, addr |-> q.addr, len |-> q.len, access |-> q.access]
           /\ segs' = w.segs
           /\ translated' = IF kind # "iotlb_translate" THEN Zero
                            ELSE IF TranslatedClamped THEN MinU(q.len, w.s) ELSE w.s
           /\ spun' = w.spun
    /\ UNCHANGED maps

Next ==
    \/ \E u \in Updates : Update(u)
    \/ \E v \in Invalidates : Invalidate(v)
    \/ \E t \in Tables : SetMemTable(t)
    \/ \E kind \in Kinds, q \in Requests : Translate(kind, q)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Invariants.                                                             *)
(***************************************************************************)
\* No stored range with last < start.
Inv_NoInvertedRange == \A i \in 1..Len(maps) : Le(maps[i].start, maps[i].last)

\* A stored size is last - start + 1 and is not 0: the range did not wrap
\* (the full range stored whole has size 2^64 = 0, the root of CVE-2022-48862).
Inv_SizeNoWrap == \A i \in 1..Len(maps) : maps[i].size # Zero

\* The number of entries stays within the limit.
Inv_WithinLimit == Len(maps) <= Limit

\* Every walk over the table ends.
Inv_WalkTerminates == ~spun

Succeeded ==
    /\ req.kind # "none" /\ ~spun
    /\ IF req.kind = "iotlb_access_ok" THEN ret = 1 ELSE ret >= 0

\* sum of the segment lengths, and whether it passed 2^64
RECURSIVE SumLen(_, _)
SumLen(sg, k) ==
    IF k > Len(sg) THEN [sum |-> Zero, wrapped |-> FALSE]
    ELSE LET r == SumLen(sg, k + 1)
         IN  [sum |-> Add(sg[k].len, r.sum), wrapped |-> r.wrapped \/ AddOverflows(sg[k].len, r.sum)]

\* No partial success: a walk that reports success translated every byte, and
\* translate_desc / iotlb_translate return the number of iov entries filled.
Inv_NoPartialSuccess ==
    Succeeded =>
        /\ SumLen(segs, 1) = [sum |-> req.len, wrapped |-> FALSE]
        /\ req.kind # "iotlb_access_ok" => ret = Len(segs)

\* A successful walk covers exactly [addr, addr + len - 1]: its segments are
\* contiguous from addr, and the range does not pass 2^64.
Inv_ExactCoverage ==
    Succeeded =>
        /\ req.len # Zero => ~AddOverflows(req.addr, Sub(req.len, One))
        /\ Len(segs) > 0 => segs[1].iova = req.addr
        /\ \A k \in 1..(Len(segs) - 1) : segs[k + 1].iova = Add(segs[k].iova, segs[k].len)

\* The maps a segment lies in, at the right host address.
InMap(g, m) ==
    /\ g.len # Zero
    /\ Le(m.start, g.iova)
    /\ ~AddOverflows(g.iova, Sub(g.len, One))
    /\ Le(Add(g.iova, Sub(g.len, One)), m.last)
    /\ g.hva = Add(m.addr, Sub(g.iova, m.start))

\* Each segment of a successful walk lies inside one map ...
Inv_SegInMap ==
    Succeeded => \A k \in 1..Len(segs) : \E i \in 1..Len(maps) : InMap(segs[k], maps[i])

\* ... that grants the requested access.
Inv_SegPermitted ==
    Succeeded => \A k \in 1..Len(segs) :
        \E i \in 1..Len(maps) : InMap(segs[k], maps[i]) /\ Grants(maps[i].perm, req.access)

\* iotlb_translate's *translated is the number of bytes its segments cover,
\* success or not (copy_from_iotlb / copy_to_iotlb advance by it).
Inv_TranslatedCount ==
    (req.kind = "iotlb_translate" /\ ~spun) =>
        SumLen(segs, 1) = [sum |-> translated, wrapped |-> FALSE]
=============================================================================
