------------------------------ MODULE IotlbOps ------------------------------
(***************************************************************************)
(* The vhost IOTLB's functions as operators on a table (a sequence of maps *)
(* [start, last, size, addr, perm], oldest first), shared by the IOTLB     *)
(* spec (Iotlb.tla) and the virtqueue spec, which translates descriptors   *)
(* through them. linux 6.12 drivers/vhost/iotlb.c, translate_desc and      *)
(* iotlb_access_ok in drivers/vhost/vhost.c, iotlb_translate in            *)
(* drivers/vhost/vringh.c; all identical in linux 6.1.                     *)
(***************************************************************************)
EXTENDS Uaccess, Integers, Sequences, FiniteSets

CONSTANTS
    Mode,            \* "iotlb" (device IOTLB) or "umem" (memory table)
    Limit,           \* max_iotlb_entries (2048 in vhost; small at model bounds)
    Retire,          \* VHOST_IOTLB_FLAG_RETIRE: vhost's iotlb_alloc sets it, vdpa does not
    LastChecked,     \* vhost_iotlb_add_range_ctx: if (last < start) return -EFAULT
    FullRangeSplit,  \* vhost_iotlb_add_range_ctx: [0, ULONG_MAX] split in two
                     \* halves (the CVE-2022-48862 fix)
    PermChecked,     \* the walks: else if (!(map->perm & access)) fail
    LimitChecked,    \* vhost_iotlb_add_range_ctx: if (iotlb->nmaps >= iotlb->limit) evict or fail
    LenClamped,      \* translate_desc: iov_len = min((u64)len - s, size)
    HvaOffsetAdded,  \* translate_desc: iov_base = map->addr + addr - map->start
    QueryToLast      \* the walks: vhost_iotlb_itree_first(umem, addr, last), not (addr, addr)

\* include/uapi/linux/vhost_types.h
VHOST_ACCESS_RO == 1
VHOST_ACCESS_WO == 2
VHOST_ACCESS_RW == 3
Perms == 0..3
\* map->perm & access for access RO or WO: the access bit is set in perm
Grants(perm, access) == (perm \div access) % 2 = 1

Kinds == {"translate_desc", "iotlb_access_ok", "iotlb_translate"}

ASSUME /\ Mode \in {"iotlb", "umem"}
       /\ Limit \in Nat /\ Retire \in BOOLEAN
       /\ {LastChecked, FullRangeSplit, PermChecked, LimitChecked, LenClamped, HvaOffsetAdded,
           QueryToLast} \subseteq BOOLEAN

Map(start, last, addr, perm) ==
    [start |-> start, last |-> last, size |-> Add(Sub(last, start), One), addr |-> addr, perm |-> perm]
MapRec == [start : U64, last : U64, size : U64, addr : U64, perm : Perms]
SegRec == [iova : U64, hva : U64, len : U64]
Errnos == {EPERM, ENOMEM, EFAULT, EINVAL, ENOSPC, EAGAIN, ENOBUFS}

(***************************************************************************)
(* linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx, after the   *)
(* full-range split: a full table evicts its oldest map (RETIRE) or fails  *)
(* with -ENOSPC; the map goes to the tail of the list.                     *)
(***************************************************************************)
Insert(t, m) ==
    IF LimitChecked /\ Len(t) >= Limit
    THEN IF Retire THEN [ret |-> 0, maps |-> Append(Tail(t), m)]
         ELSE [ret |-> ENOSPC, maps |-> t]
    ELSE [ret |-> 0, maps |-> Append(t, m)]

\* linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx
AddRange(t, start, last, addr, perm) ==
    IF LastChecked /\ Lt(last, start) THEN [ret |-> EFAULT, maps |-> t]
    ELSE IF Limit = 0 THEN [ret |-> EINVAL, maps |-> t]
    ELSE IF FullRangeSplit /\ start = Zero /\ last = Max
    THEN LET mid == Shr(Max, 1)          \* u64 mid = last / 2
             hi  == Add(mid, One)
         IN IF Limit < 2 THEN [ret |-> ENOSPC, maps |-> t]
            ELSE IF ~Retire /\ Len(t) > Limit - 2 THEN [ret |-> ENOSPC, maps |-> t]
            ELSE LET lo == Insert(t, Map(Zero, mid, addr, perm))   \* the recursive call
                 IN IF lo.ret # 0 THEN lo
                    ELSE Insert(lo.maps, Map(hi, last, Add(addr, hi), perm))
    ELSE Insert(t, Map(start, last, addr, perm))

\* include/linux/interval_tree_generic.h: [a0, a1] and [b0, b1] intersect iff
\* a0 <= b1 && b0 <= a1 (as _subtree_search tests it, also for last < start).
Overlaps(m, start, last) == Le(m.start, last) /\ Le(start, m.last)

\* linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_del_range: free every map
\* vhost_iotlb_itree_iter_first(start, last) finds, until none is left.
DelRange(t, start, last) == SelectSeq(t, LAMBDA m : ~Overlaps(m, start, last))

\* vhost_iotlb_itree_first: the leftmost overlapping node in the tree's
\* in-order, i.e. the smallest start; equal starts are inserted to the right,
\* so among them the oldest (interval_tree_generic.h _insert, _subtree_search).
First(t, start, last) ==
    LET C == {i \in 1..Len(t) : Overlaps(t[i], start, last)}
    IN  IF C = {} THEN 0
        ELSE CHOOSE i \in C : \A j \in C : Lt(t[i].start, t[j].start)
                                            \/ (t[i].start = t[j].start /\ i <= j)

(***************************************************************************)
(* linux 6.12 drivers/vhost/vhost.c umem_access_ok: vhost_overflow, and    *)
(* access_ok for a readable or a writable map (none for perm 0).           *)
(***************************************************************************)
UmemAccessOk(uaddr, size, perm) ==
    /\ ~VhostOverflow(uaddr, size)
    /\ Grants(perm, VHOST_ACCESS_RO) => AccessOk(uaddr, size)
    /\ Grants(perm, VHOST_ACCESS_WO) => AccessOk(uaddr, size)

(***************************************************************************)
(* The three walks share one loop (s, addr advance by size = map->size -   *)
(* addr + map->start, u64); they differ in their bound and their errors.   *)
(*  translate_desc (vhost.c): ret >= iov_size -> -ENOBUFS; miss -> -EAGAIN *)
(*    with a device IOTLB, -EFAULT on the memory table; perm -> -EPERM.    *)
(*  iotlb_access_ok (vhost.c): no bound; miss or perm -> false.            *)
(*  iotlb_translate (vringh.c): ret >= ivec->count -> -ENOBUFS; miss ->    *)
(*    -EINVAL; perm -> -EPERM; *translated = min(len, s).                  *)
(***************************************************************************)
MissErr(kind) ==
    CASE kind = "translate_desc" -> IF Mode = "iotlb" THEN EAGAIN ELSE EFAULT
      [] kind = "iotlb_access_ok" -> 0
      [] kind = "iotlb_translate" -> EINVAL
PermErr(kind) == IF kind = "iotlb_access_ok" THEN 0 ELSE EPERM
Done(kind, segs0) == IF kind = "iotlb_access_ok" THEN 1 ELSE Len(segs0)
MinU(a, b) == IF Lt(a, b) THEN a ELSE b

Res(r, sg, s, sp) == [ret |-> r, segs |-> sg, s |-> s, spun |-> sp]

RECURSIVE Walk(_, _, _, _, _, _, _, _)
Walk(t, kind, q, cap, addr, s, sg, seen) ==
    LET last == Sub(Add(q.addr, q.len), One)
    IN  IF ~Lt(s, q.len) THEN Res(Done(kind, sg), sg, s, FALSE)
        ELSE IF kind = "iotlb_access_ok" /\ <<addr, s>> \in seen THEN Res(0, sg, s, TRUE)
        ELSE IF kind # "iotlb_access_ok" /\ Len(sg) >= cap THEN Res(ENOBUFS, sg, s, FALSE)
        ELSE LET i == First(t, addr, IF QueryToLast THEN last ELSE addr)
             IN  IF i = 0 THEN Res(MissErr(kind), sg, s, FALSE)
                 ELSE IF Gt(t[i].start, addr) THEN Res(MissErr(kind), sg, s, FALSE)
                 ELSE IF PermChecked /\ ~Grants(t[i].perm, q.access)
                      THEN Res(PermErr(kind), sg, s, FALSE)
                 ELSE LET size == Add(Sub(t[i].size, addr), t[i].start)
                          seg  == [iova |-> addr,
                                   hva |-> IF HvaOffsetAdded THEN Add(t[i].addr, Sub(addr, t[i].start))
                                           ELSE Add(t[i].addr, addr),
                                   len |-> IF LenClamped THEN MinU(Sub(q.len, s), size) ELSE size]
                      IN  Walk(t, kind, q, cap, Add(addr, size), Add(s, size), Append(sg, seg),
                               seen \cup {<<addr, s>>})
=============================================================================
