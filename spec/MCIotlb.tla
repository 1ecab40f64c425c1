------------------------------ MODULE MCIotlb ------------------------------
(***************************************************************************)
(* Iotlb at CI bounds: IOTLB messages, memory tables and device requests   *)
(* drawn from the values the IOTLB checks are about, and the trace wrapper *)
(* (see MCU64Reg) for export and replay.                                   *)
(***************************************************************************)
EXTENDS Iotlb, TLC

U(h3, h2, h1, h0) == Mk(h3, h2, h1, h0)
P(n) == U(0, 0, 0, n)                       \* a small u64
UA == U(0, 0, \h2000, 0)                    \* user addresses of guest RAM
UB == U(0, 0, \h3000, 0)
Top == U(\hffff, \hffff, \hffff, \hf000)    \* the last page of the u64 range
Huge == U(\hffff, \hffff, \hffff, \hf000)   \* 2^64 - 4096 as a size
KAddr == U(\hffff, \h8000, 0, 0)            \* a kernel address

Upd(i, s, a, p) == [iova |-> i, size |-> s, uaddr |-> a, perm |-> p]
\* IOTLB updates: a read-only and a read-write page side by side, a third
\* page after them, iova = size = 0 (the full range, CVE-2022-48862's
\* trigger), size 0 elsewhere (last < start), the top page (last = 2^64 - 1),
\* a map from 0x1000 to 2^64 - 1 (umem_access_ok refuses its size) and a
\* kernel address (refused).
MCUpdates ==
    { Upd(Zero, P(\h1000), UA, VHOST_ACCESS_RO), Upd(P(\h1000), P(\h1000), UB, VHOST_ACCESS_RW),
      Upd(P(\h2000), P(\h1000), UA, VHOST_ACCESS_RW), Upd(Zero, Zero, Zero, VHOST_ACCESS_RW),
      Upd(P(\h2000), Zero, UA, VHOST_ACCESS_RW), Upd(Top, P(\h1000), UA, VHOST_ACCESS_WO),
      Upd(P(\h1000), Huge, UA, VHOST_ACCESS_RW), Upd(Zero, P(\h1000), KAddr, VHOST_ACCESS_RW) }

Inv(i, s) == [iova |-> i, size |-> s]
\* Invalidations: the second page; iova = size = 0 (last = 2^64 - 1: all);
\* size 0 at 0x2000 (an inverted range).
MCInvalidates == { Inv(P(\h1000), P(\h1000)), Inv(Zero, Zero), Inv(P(\h2000), Zero) }

R(g, s, a) == [gpa |-> g, size |-> s, uaddr |-> a]
\* Memory tables: one region; two adjacent; size 0 at gpa 0 (the full
\* range); size 0 elsewhere; the top page (ending at 2^64 - 1); a region
\* whose end passes 2^64; a region from 0x1000 up to 2^64 - 1.
MCTables ==
    { <<R(Zero, P(\h2000), UA)>>, <<R(Zero, P(\h1000), UA), R(P(\h1000), P(\h1000), UB)>>,
      <<R(Zero, Zero, UA)>>, <<R(P(\h1000), Zero, UA)>>, <<R(Top, P(\h1000), UA)>>,
      <<R(Top, P(\h2000), UA)>>, <<R(Zero, P(\h1000), UA), R(P(\h1000), Huge, UB)>> }

Q(a, l, x) == [addr |-> a, len |-> l, access |-> x]
\* Requests: across the first two pages (read, write); three pages (more
\* than two iov entries); empty; the top page; one passing 2^64.
MCRequests ==
    { Q(Zero, P(\h2000), VHOST_ACCESS_RO), Q(P(\h0800), P(\h1000), VHOST_ACCESS_WO),
      Q(Zero, P(\h3000), VHOST_ACCESS_RO), Q(P(\h1000), Zero, VHOST_ACCESS_RO),
      Q(Top, P(\h1000), VHOST_ACCESS_WO), Q(U(\hffff, \hffff, \hffff, \hf800), P(\h1000), VHOST_ACCESS_WO) }

\* Deeper bounds (vhostcheck check --deep): more messages and requests.
MCUpdatesDeep == MCUpdates \cup
    { Upd(P(\h0800), P(\h1000), UB, VHOST_ACCESS_WO), Upd(U(\h8000, 0, 0, 0), P(\h1000), UA, VHOST_ACCESS_RW),
      Upd(P(\h1000), P(\h1000), Zero, 0) }
MCRequestsDeep == MCRequests \cup
    { Q(U(\h7fff, \hffff, \hffff, \hf800), P(\h1000), VHOST_ACCESS_RO), Q(P(\h1800), P(\h1000), VHOST_ACCESS_RO) }

\* The edges the guard mutants need (conformance/kernel/guard-mutants.json): a
\* perm-0 update whose user range wraps past 2^64 (vhost_overflow alone refuses
\* it: no access_ok for perm 0), an update whose user range ends exactly at
\* 2^64 (access_ok's own wrap test), a map at 2^63 and a request crossing 2^63
\* from below (the walks' hole test compares across the sign bit), a plain page
\* for the request to start in, and a size of 2^63 (6.1's generic access_ok
\* tests size <= limit first: as a signed compare that size passes).
MCUpdatesEdges ==
    { Upd(P(\h1000), P(\h2000), Top, 0), Upd(P(\h4000), P(\h1000), Top, VHOST_ACCESS_RW),
      Upd(U(\h8000, 0, 0, 0), P(\h1000), UA, VHOST_ACCESS_RW),
      Upd(U(\h7fff, \hffff, \hffff, \hf000), P(\h1000), UB, VHOST_ACCESS_RW),
      Upd(P(\h5000), U(\h8000, 0, 0, 0), UA, VHOST_ACCESS_RW),
      Upd(P(\h6000), P(1), UB, VHOST_ACCESS_RW) }   \* one byte: last = start (the generated mutant last <= start)
MCRequestsEdges ==
    { Q(U(\h7fff, \hffff, \hffff, \hf800), P(\h1000), VHOST_ACCESS_RO), Q(U(\h8000, 0, 0, 0), P(\h0800), VHOST_ACCESS_RO) }

\* The end of user memory (Iotlb_UserEnd): an update ending exactly at
\* TASK_SIZE_MAX (access_ok takes it), one ending a byte past it and one half
\* a page past it (access_ok refuses both: 6.12's sum <= USER_PTR_MAX, 6.1's
\* addr <= limit - size), a request over the first two pages, invalidating all.
MCUpdatesUserEnd ==
    { Upd(Zero, P(\h1000), U(0, \h7fff, \hffff, \he000), VHOST_ACCESS_RW),
      Upd(P(\h1000), P(\h1001), U(0, \h7fff, \hffff, \he000), VHOST_ACCESS_RO),
      Upd(P(\h1000), P(\h1000), U(0, \h7fff, \hffff, \he800), VHOST_ACCESS_RW) }
MCInvalidatesUserEnd == { Inv(Zero, Zero) }
MCRequestsUserEnd == { Q(Zero, P(\h2000), VHOST_ACCESS_RO) }

\* The state as traces and counterexamples show it.
EncMap(m) == [start |-> Enc(m.start), last |-> Enc(m.last), size |-> Enc(m.size),
              addr |-> Enc(m.addr), perm |-> m.perm]
View == [maps |-> [k \in DOMAIN maps |-> EncMap(maps[k])],
         ret |-> ret,
         req |-> [kind |-> req.kind, addr |-> Enc(req.addr), len |-> Enc(req.len), access |-> req.access],
         segs |-> [k \in DOMAIN segs |-> [iova |-> Enc(segs[k].iova), hva |-> Enc(segs[k].hva),
                                           len |-> Enc(segs[k].len)]],
         translated |-> Enc(translated), spun |-> spun]

TraceActions == IF Mode = "iotlb" THEN {"Update", "Invalidate", "Translate"}
                ELSE {"SetMemTable", "Translate"}

TraceConstants ==
    [Mode |-> Mode, Limit |-> Limit, Retire |-> Retire, IovSize |-> IovSize,
     LastChecked |-> LastChecked, FullRangeSplit |-> FullRangeSplit,
     PermChecked |-> PermChecked, UmemChecked |-> UmemChecked, LimitChecked |-> LimitChecked,
     LenClamped |-> LenClamped, HvaOffsetAdded |-> HvaOffsetAdded, QueryToLast |-> QueryToLast,
     TranslatedClamped |-> TranslatedClamped]

Emit(action, params) ==
    PrintT(<<"T", TLCGet("level"), View, action, params, View'>>)

TraceInit == Init /\ PrintT(<<"I", View, TraceActions, TraceConstants>>)

HexTable(t) == [k \in DOMAIN t |-> [gpa |-> Enc(t[k].gpa), size |-> Enc(t[k].size), uaddr |-> Enc(t[k].uaddr)]]

TraceNext ==
    \/ \E u \in Updates :
          Update(u) /\ Emit("Update", [iova |-> Enc(u.iova), size |-> Enc(u.size),
                                       uaddr |-> Enc(u.uaddr), perm |-> u.perm])
    \/ \E v \in Invalidates :
          Invalidate(v) /\ Emit("Invalidate", [iova |-> Enc(v.iova), size |-> Enc(v.size)])
    \/ \E t \in Tables : SetMemTable(t) /\ Emit("SetMemTable", [regions |-> HexTable(t)])
    \/ \E kind \in Kinds, q \in Requests :
          Translate(kind, q) /\ Emit("Translate", [kind |-> kind, addr |-> Enc(q.addr),
                                                  len |-> Enc(q.len), access |-> q.access])
=============================================================================
