----------------------------- MODULE MCVirtQueue -----------------------------
(***************************************************************************)
(* VirtQueue at CI bounds: a ring of QueueSize descriptors behind a device *)
(* IOTLB of three pages (read-write, read-only, write-only), descriptors   *)
(* drawn from what the ring checks are about, the vringh accessors on the  *)
(* same maps, and the trace wrapper (see MCU64Reg) for export and replay.  *)
(***************************************************************************)
EXTENDS VirtQueue, TLC

U(h3, h2, h1, h0) == Mk(h3, h2, h1, h0)
P(n) == U(0, 0, 0, n)                       \* a small u64
UA == U(0, 0, \h2000, 0)                    \* user addresses behind the maps
UB == U(0, 0, \h3000, 0)
UC == U(0, 0, \h4000, 0)

\* The device IOTLB: [0, 0xfff] read-write, [0x1000, 0x1fff] read-only,
\* [0x2000, 0x2fff] write-only; 0x3000 and up is not mapped (a miss).
MCMaps == << Map(Zero, P(\h0fff), UA, VHOST_ACCESS_RW),
             Map(P(\h1000), P(\h1fff), UB, VHOST_ACCESS_RO),
             Map(P(\h2000), P(\h2fff), UC, VHOST_ACCESS_WO) >>

MCIndAddr == P(\h0800)                       \* the guest's indirect table, in the RW page

D(a, l, f, n) == [addr |-> a, len |-> P(l), flags |-> f, next |-> n]
FN == VRING_DESC_F_NEXT
FW == VRING_DESC_F_WRITE
FI == VRING_DESC_F_INDIRECT

\* Table descriptors: readable; readable chained to 1; writable; a
\* zero-length writable chained to 0 (a loop that fills no iov entry, and
\* CVE-2019-14835's log entry without an iov entry); writable into the
\* read-only page; readable across the RW/RO boundary (two iov entries);
\* chained past the table; an indirect table of two; one of 24 bytes; an
\* indirect descriptor with NEXT; writable chained to 1; unmapped.
MCDescs ==
    { D(P(\h0100), \h10, 0, 0), D(P(\h0100), \h10, FN, 1), D(P(\h0200), \h10, FW, 0),
      D(P(\h0200), 0, FW + FN, 0), D(P(\h1100), \h10, FW, 0), D(P(\h0ff8), \h10, 0, 0),
      D(P(\h0100), \h10, FN, 2), D(MCIndAddr, \h20, FI, 0), D(MCIndAddr, \h18, FI, 0),
      D(MCIndAddr, \h10, FI + FN, 1), D(P(\h2100), \h10, FW + FN, 1), D(P(\h3000), \h10, 0, 0) }

\* Indirect table entries: writable; readable with NEXT; a nested INDIRECT.
MCIndDescs == { D(P(\h0300), \h10, FW, 0), D(P(\h0300), \h10, FN, 0), D(MCIndAddr, \h10, FI, 0) }

MCHeads == {0, 1, 2}                         \* 2 is past a ring of 2
MCDeltas == {0, 1, 2, 3, \hffff}             \* 3 and 0xffff: more than the ring holds

\* vringh: the 16-bit fields in each page, and copies into, across and out
\* of the pages.
MCU16Addrs == { P(\h0010), P(\h1010), P(\h2010), P(\h0fff) }
C(k, a, l) == [kind |-> k, addr |-> a, len |-> l]
MCCopyReqs ==
    { C("xfer_to_iotlb", P(\h2000), \h20), C("xfer_to_iotlb", P(\h1000), \h20),
      C("xfer_from_iotlb", P(\h0ff0), \h20), C("xfer_from_iotlb", P(\h2f00), \h200),
      C("copydesc_iotlb", P(\h0800), \h10) }

\* How far a behaviour may go: guest writes, and pops from InitIdx on.
MaxGuestWrites == 3
MaxPops == 3
Bound == guestWrites <= MaxGuestWrites /\ U16Sub(lastAvail, InitIdx) <= MaxPops
\* The exported graph (every edge replayed): two guest writes, two pops.
TraceBound == guestWrites <= 2 /\ U16Sub(lastAvail, InitIdx) <= 2

\* The state as traces and counterexamples show it (tables as 1-based tuples).
EncDesc(d) == [addr |-> Enc(d.addr), len |-> Enc(d.len), flags |-> d.flags, next |-> d.next]
EncBuf(b) == [head |-> b.head,
              iov |-> [k \in DOMAIN b.iov |-> [iova |-> Enc(b.iov[k].iova), hva |-> Enc(b.iov[k].hva),
                                               len |-> Enc(b.iov[k].len), access |-> b.iov[k].access]],
              outNum |-> b.outNum, inNum |-> b.inNum,
              log |-> [k \in DOMAIN b.log |-> [addr |-> Enc(b.log[k].addr), len |-> Enc(b.log[k].len)]],
              oob |-> b.oob, nested |-> b.nested, oddInd |-> b.oddInd]
View == [desc |-> [k \in 1..QueueSize |-> EncDesc(desc[k - 1])],
         ind |-> [k \in 1..IndCap |-> EncDesc(ind[k - 1])],
         avail |-> [k \in 1..QueueSize |-> avail[k - 1]],
         availIdx |-> availIdx, lastAvail |-> lastAvail, cachedAvail |-> cachedAvail,
         fetchedAt |-> fetchedAt,
         walk |-> [phase |-> walk.phase, i |-> walk.i, found |-> walk.found, ifound |-> walk.ifound,
                   count |-> walk.count, pos |-> walk.pos, outer |-> EncDesc(walk.outer),
                   buf |-> EncBuf(walk.buf)],
         ret |-> ret,
         inflight |-> [k \in DOMAIN inflight |-> EncBuf(inflight[k])],
         lastUsed |-> lastUsed, usedIdx |-> usedIdx,
         used |-> [k \in 1..QueueSize |-> used[k - 1]],
         usedLost |-> usedLost, done |-> done, wrote |-> wrote, guestWrites |-> guestWrites,
         copy |-> [kind |-> copy.kind, addr |-> Enc(copy.addr), len |-> Enc(copy.len),
                   moved |-> Enc(copy.moved), ret |-> copy.ret]]

\* The actions a config can take at all (the replayer fails on any never exercised).
TraceActions ==
    {"GetHead"}
    \cup (IF GuestDescs = {} THEN {} ELSE {"WriteDesc"})
    \cup (IF GuestIndDescs = {} THEN {} ELSE {"WriteInd"})
    \cup (IF GuestHeads = {} THEN {} ELSE {"WriteAvail"})
    \cup (IF AvailDeltas \ {0} = {} THEN {} ELSE {"PublishAvail", "WalkDesc", "AddUsedN"})
    \cup (IF \E d \in GuestDescs : HasFlag(d.flags, VRING_DESC_F_INDIRECT) THEN {"WalkIndirect"} ELSE {})
    \cup (IF U16Addrs = {} THEN {} ELSE {"U16Access"})
    \cup (IF CopyReqs = {} THEN {} ELSE {"Copy"})

TraceConstants ==
    [QueueSize |-> QueueSize, IovSize |-> IovSize, InitIdx |-> InitIdx, Logging |-> Logging,
     IndAddr |-> Enc(IndAddr), IndCap |-> IndCap, MaxBatch |-> MaxBatch,
     Maps |-> [k \in DOMAIN Maps |-> [start |-> Enc(Maps[k].start), last |-> Enc(Maps[k].last),
                                       size |-> Enc(Maps[k].size), addr |-> Enc(Maps[k].addr),
                                       perm |-> Maps[k].perm]],
     PutU16Access |-> PutU16Access, AvailChecked |-> AvailChecked, IndexChecked |-> IndexChecked,
     LoopBounded |-> LoopBounded, OutAfterInChecked |-> OutAfterInChecked,
     LogOnlyIfIov |-> LogOnlyIfIov, IovBounded |-> IovBounded, IndLenChecked |-> IndLenChecked,
     NestedIndChecked |-> NestedIndChecked, UsedWrapSplit |-> UsedWrapSplit, UsedSplitAll |-> UsedSplitAll,
     CopyExact |-> CopyExact, PermChecked |-> PermChecked]

Emit(action, params) ==
    PrintT(<<"T", TLCGet("level"), View, action, params, View'>>)

TraceInit == Init /\ PrintT(<<"I", View, TraceActions, TraceConstants>>)

TraceNext ==
    \/ \E s \in Slots, d \in GuestDescs : WriteDesc(s, d) /\ Emit("WriteDesc", [slot |-> s, desc |-> EncDesc(d)])
    \/ \E k \in 0..(IndCap - 1), d \in GuestIndDescs :
          WriteInd(k, d) /\ Emit("WriteInd", [slot |-> k, desc |-> EncDesc(d)])
    \/ \E s \in Slots, h \in GuestHeads : WriteAvail(s, h) /\ Emit("WriteAvail", [slot |-> s, head |-> h])
    \/ \E delta \in AvailDeltas : PublishAvail(delta) /\ Emit("PublishAvail", [delta |-> delta])
    \/ GetHead /\ Emit("GetHead", [none |-> 0])
    \/ WalkDesc /\ Emit("WalkDesc", [none |-> 0])
    \/ WalkIndirect /\ Emit("WalkIndirect", [none |-> 0])
    \/ \E n \in 1..MaxBatch : AddUsedN(n) /\ Emit("AddUsedN", [n |-> n])
    \/ \E kind \in {"getu16_iotlb", "putu16_iotlb"}, a \in U16Addrs :
          U16Access(kind, a) /\ Emit("U16Access", [kind |-> kind, addr |-> Enc(a)])
    \/ \E c \in CopyReqs, short \in Shorts :
          Copy(c, short) /\ Emit("Copy", [kind |-> c.kind, addr |-> Enc(c.addr), len |-> Enc(FromNat(c.len)),
                                          short |-> short])

\* Simulation. TLC -simulate takes one of Next's actions at random (it splits
\* disjunctions and \E over constant sets into separate actions), so the
\* 41 guest actions of MCVirtQueue.cfg against 5 device actions starve the
\* device: 200 behaviours of 100 TraceNext steps (seed 1) popped 16 buffers,
\* never two in one behaviour. SimNext is TraceNext with each device action
\* offered SimWeight more times, the same steps drawn more often: 293 pops,
\* up to 9 in a behaviour, 42 behaviours complete 3 or more heads (the used
\* ring of 2 wraps).
SimWeight == 32
SimNext ==
    \/ TraceNext
    \/ \E w \in 1..SimWeight :
          \/ GetHead /\ Emit("GetHead", [none |-> 0])
          \/ WalkDesc /\ Emit("WalkDesc", [none |-> 0])
          \/ WalkIndirect /\ Emit("WalkIndirect", [none |-> 0])
          \/ \E n \in 1..MaxBatch : AddUsedN(n) /\ Emit("AddUsedN", [n |-> n])


\* Deeper bounds (vhostcheck check --deep): a ring of QueueSize 4 or more.
\* The choice sets follow QueueSize: chains to the next slot, to the last
\* one and to QueueSize (just past the table); heads up to QueueSize;
\* deltas up to QueueSize + 1 and 0xffff.
Last == QueueSize - 1
MCDescsDeep ==
    { D(P(\h0100), \h10, 0, 0), D(P(\h0100), \h10, FN, 1), D(P(\h0100), \h10, FN, Last),
      D(P(\h0100), \h10, FN, QueueSize), D(P(\h0200), \h10, FW, 0), D(P(\h0200), 0, FW + FN, 0),
      D(P(\h0200), \h10, FW + FN, Last), D(P(\h1100), \h10, FW, 0), D(P(\h0ff8), \h10, 0, 0),
      D(MCIndAddr, \h20, FI, 0), D(MCIndAddr, \h18, FI, 0), D(MCIndAddr, \h10, FI + FN, 1),
      D(P(\h2100), \h10, FW + FN, 1), D(P(\h3000), \h10, 0, 0) }
MCHeadsDeep == {0, 1, Last, QueueSize}
MCDeltasDeep == {0, 1, 2, QueueSize, QueueSize + 1, \hffff}
MaxGuestWritesDeep == 3
MaxPopsDeep == 3
DeepBound == guestWrites <= MaxGuestWritesDeep /\ U16Sub(lastAvail, InitIdx) <= MaxPopsDeep
=============================================================================
