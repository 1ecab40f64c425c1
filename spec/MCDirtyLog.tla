----------------------------- MODULE MCDirtyLog -----------------------------
(***************************************************************************)
(* DirtyLog at CI bounds: the inputs userspace and the guest may supply,   *)
(* drawn from the boundary values that matter to the log checks, and the   *)
(* trace wrapper (see MCU64Reg) for export and replay.                     *)
(***************************************************************************)
EXTENDS DirtyLog, TLC

U(h3, h2, h1, h0) == Mk(h3, h2, h1, h0)
UA == U(0, 0, \h2000, 0)                       \* a user address for guest RAM
R(g, s, a) == [gpa |-> g, size |-> s, uaddr |-> a]

\* Memory tables: aligned; one not aligned to the 32 KiB a log byte covers
\* (pages 7 and 8); two adjacent regions; the top page of the address
\* space; one whose RAM is not user memory; one whose end wraps (rejected).
MCTables ==
    { <<R(Zero, U(0, 0, 0, \h8000), UA)>>,
      <<R(U(0, 0, 0, \h7000), U(0, 0, 0, \h2000), UA)>>,
      <<R(Zero, U(0, 0, 0, \h4000), UA), R(U(0, 0, 0, \h4000), U(0, 0, 0, \h4000), U(0, 0, \h3000, 0))>>,
      <<R(U(\hffff, \hffff, \hffff, \hf000), U(0, 0, 0, \h1000), UA)>>,
      <<R(Zero, U(0, 0, 0, \h1000), U(\hffff, \h8000, 0, 0))>>,
      <<R(U(\hffff, \hffff, \hffff, \hf000), U(0, 0, 0, \h2000), UA)>> }

\* Log bases: user memory; the last user page; one for which base + a wraps
\* to the user address 0x1000 when a = 0x1ffffffffffff, the log byte of
\* the top guest page (log_access_ok's wrap check is what rejects it).
MCBases == { U(0, 0, \h1000, 0), U(0, \h7fff, \hffff, \hefff), U(\hfffe, 0, 0, \h1001) }

\* Used-ring log addresses: aligned at 0; the end of page 7 (the ring
\* crosses into page 8); misaligned (rejected).
MCLogAddrs == { Zero, U(0, 0, 0, \h7ffc), U(0, 0, 0, 3) }

W(a, l) == [addr |-> a, len |-> l]
\* Guest buffers: page 0; page 8; across a page boundary; the top page;
\* outside every table; a u32-sized length.
MCWrites == { W(Zero, U(0, 0, 0, \h1000)), W(U(0, 0, 0, \h8000), U(0, 0, 0, \h1000)),
              W(U(0, 0, 0, \h0fff), U(0, 0, 0, 2)),
              W(U(\hffff, \hffff, \hffff, \hf000), U(0, 0, 0, \h1000)),
              W(U(0, \h0010, 0, 0), U(0, 0, 0, \h1000)),
              W(Zero, U(0, 0, \hffff, \hffff)) }

\* Host ranges a device IOTLB may translate to: the first page of guest RAM;
\* a page across two pages; the page after it (guest page 8 of the table
\* at 0x7000); the second region of the two-region table; none.
H(a, l) == [hva |-> a, len |-> l]
MCHvaWrites == { H(UA, U(0, 0, 0, \h1000)), H(Add(UA, U(0, 0, 0, \h0800)), U(0, 0, 0, \h1000)),
                 H(Add(UA, U(0, 0, 0, \h1000)), U(0, 0, 0, \h1000)),
                 H(U(0, 0, \h3000, 0), U(0, 0, 0, \h1000)), H(U(0, 0, 0, \h10), U(0, 0, 0, \h1000)) }

\* Host-adjacent regions (DirtyLog_HvaEdge): guest pages 0 and 8 side by side in
\* host memory (at UA and UA + 0x1000), so that host ranges meet both: one
\* across the two, one whose last byte is the second region's first, two bytes
\* across the seam, one ending right before the second region, and one in
\* neither; one log base, the used ring logged from 0, page 0 written without an
\* IOTLB.
MCTablesHvaEdge ==
    { <<R(Zero, U(0, 0, 0, \h1000), UA), R(U(0, 0, 0, \h8000), U(0, 0, 0, \h1000), Add(UA, U(0, 0, 0, \h1000)))>> }
MCBasesHvaEdge == { U(0, 0, \h1000, 0) }
MCLogAddrsHvaEdge == { Zero }
MCWritesHvaEdge == { W(Zero, U(0, 0, 0, \h1000)) }
MCHvaWritesEdge == { H(Add(UA, U(0, 0, 0, \h0800)), U(0, 0, 0, \h1000)),
                     H(Add(UA, U(0, 0, 0, \h0801)), U(0, 0, 0, \h0800)),
                     H(Add(UA, U(0, 0, 0, \h0fff)), U(0, 0, 0, 2)),
                     H(Add(UA, U(0, 0, 0, \h0800)), U(0, 0, 0, \h0800)),
                     H(U(0, 0, 0, \h10), U(0, 0, 0, \h1000)) }

\* Used ring with 2 entries and VIRTIO_RING_F_EVENT_IDX: 4 + 8 * 2 + 2 bytes;
\* writes of flags, of idx, and of the last ring entry.
MCUsedSize == 22
MCUsedWrites == { [off |-> 0, len |-> 2], [off |-> 2, len |-> 2], [off |-> 12, len |-> 8] }

\* Deeper bounds (vhostcheck check --deep): three regions at once, a region
\* reaching the end of user memory, a log base whose validated bytes end at
\* the last user byte, longer and page-straddling writes.
MCTablesDeep == MCTables \cup
    { <<R(Zero, U(0, 0, 0, \h4000), UA), R(U(0, 0, 0, \h4000), U(0, 0, 0, \h4000), U(0, 0, \h3000, 0)),
        R(U(0, 0, 1, 0), U(0, 0, 0, \h9000), U(0, 0, \h4000, 0))>>,
      <<R(U(0, 0, 0, \h7000), U(0, 0, 0, \h1000), U(0, \h7fff, \hffff, \he000))>> }
MCBasesDeep == MCBases \cup { U(0, \h7fff, \hffff, \hf000) }
MCWritesDeep == MCWrites \cup
    { W(U(0, 0, 0, \h7800), U(0, 0, 0, \h1000)), W(U(0, 0, 1, \h8fff), U(0, 0, 0, 2)),
      W(U(0, 0, 0, \h4000), U(0, 0, 0, \h8000)) }
MCHvaWritesDeep == MCHvaWrites \cup
    { H(U(0, 0, \h2fff, \hf800), U(0, 0, 0, \h1000)), H(U(0, 0, \h4000, \h8000), U(0, 0, 0, \h1000)) }

\* The state as traces and counterexamples show it.
HexIv(S) == {[lo |-> Enc(v.lo), hi |-> Enc(v.hi)] : v \in S}
View == [umem |-> {[start |-> Enc(m.start), size |-> Enc(m.size), addr |-> Enc(m.addr)] : m \in umem},
         logBase |-> Enc(logBase), logAll |-> logAll, active |-> active,
         logUsed |-> logUsed, logAddr |-> Enc(logAddr), iotlb |-> iotlb,
         validated |-> HexIv(validated),
         logWritten |-> {[lo |-> Enc(w.lo), hi |-> Enc(w.hi), wrapped |-> w.wrapped] : w \in logWritten},
         marked |-> HexIv(marked), dirty |-> HexIv(dirty), ret |-> ret]

TraceActions == {"SetMemTable", "SetLogBase", "SetFeatures", "SetVringAddr",
                 "SetBackend", "DeviceWrite", "UsedWrite", "DeviceWriteHva", "UsedWriteHva"}

TraceConstants ==
    [UsedSize |-> UsedSize, Kernel |-> Kernel, UsedLogChecked |-> UsedLogChecked, LogBoundChecked |-> LogBoundChecked, LogWrapChecked |-> LogWrapChecked,
     FeatureChecked |-> FeatureChecked, TranslateChecked |-> TranslateChecked,
     PageOffsetAdded |-> PageOffsetAdded, LogRangeExact |-> LogRangeExact]

Emit(action, params) ==
    PrintT(<<"T", TLCGet("level"), View, action, params, View'>>)

TraceInit == Init /\ PrintT(<<"I", View, TraceActions, TraceConstants>>)

HexTable(t) == [k \in DOMAIN t |-> [gpa |-> Enc(t[k].gpa), size |-> Enc(t[k].size), uaddr |-> Enc(t[k].uaddr)]]

TraceNext ==
    \/ \E t \in Tables : SetMemTable(t) /\ Emit("SetMemTable", [regions |-> HexTable(t)])
    \/ \E b \in Bases : SetLogBase(b) /\ Emit("SetLogBase", [base |-> Enc(b)])
    \/ \E la, plat \in BOOLEAN : SetFeatures(la, plat) /\ Emit("SetFeatures", [logAll |-> la, platform |-> plat])
    \/ \E lu \in BOOLEAN, la \in LogAddrs :
          SetVringAddr(lu, la) /\ Emit("SetVringAddr", [logUsed |-> lu, logAddr |-> Enc(la)])
    \/ \E on \in BOOLEAN : SetBackend(on) /\ Emit("SetBackend", [on |-> on])
    \/ \E w \in Writes : DeviceWrite(w) /\ Emit("DeviceWrite", [addr |-> Enc(w.addr), len |-> Enc(w.len)])
    \/ \E u \in UsedWrites : UsedWrite(u) /\ Emit("UsedWrite", [off |-> u.off, len |-> u.len])
    \/ \E h \in HvaWrites : DeviceWriteHva(h) /\ Emit("DeviceWriteHva", [hva |-> Enc(h.hva), len |-> Enc(h.len)])
    \/ \E h \in HvaWrites : UsedWriteHva(h) /\ Emit("UsedWriteHva", [hva |-> Enc(h.hva), len |-> Enc(h.len)])
=============================================================================
