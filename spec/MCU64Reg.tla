------------------------------ MODULE MCU64Reg ------------------------------
(***************************************************************************)
(* Model of U64Reg at CI bounds, and its trace wrapper: TraceInit and      *)
(* TraceNext are Init and Next with every transition printed (PrintT,      *)
(* one line per value with -userFile) as                                   *)
(*   <<"T", level, state, action, params, state'>>                         *)
(* after one <<"I", state, actions, constants>> line per initial state,    *)
(* with u64 values rendered as "0x..." strings. The exporter turns these   *)
(* lines into NDJSON traces.                                               *)
(***************************************************************************)
EXTENDS U64Reg, TLC

\* Operands: the page and sign boundaries, so a few steps reach every carry case.
MCValues == { Zero, One, Mk(0, 0, 0, \h1000), Mk(0, 0, \hffff, \hffff),
              Mk(\h8000, 0, 0, 0), Max }

\* The state as it appears in traces.
View == [reg |-> Enc(reg), carry |-> carry, steps |-> steps]

\* Every action of the spec, as it appears in traces.
TraceActions == {"Load", "AddReg", "SubReg", "LtReg",
                 "PageOfReg", "PageOffsetReg", "TruncU32Reg"}

Emit(action, params) ==
    PrintT(<<"T", TLCGet("level"), View, action, params, View'>>)

\* The constants, so the replayer builds the Java twin with the same bounds.
TraceConstants == [MaxSteps |-> MaxSteps, Values |-> {Enc(v) : v \in Values}]

TraceInit == Init /\ PrintT(<<"I", View, TraceActions, TraceConstants>>)

TraceNext ==
    \/ \E v \in Values :
          \/ Load(v) /\ Emit("Load", [v |-> Enc(v)])
          \/ AddReg(v) /\ Emit("AddReg", [v |-> Enc(v)])
          \/ SubReg(v) /\ Emit("SubReg", [v |-> Enc(v)])
          \/ LtReg(v) /\ Emit("LtReg", [v |-> Enc(v)])
    \/ PageOfReg /\ Emit("PageOfReg", [x \in {} |-> 0])
    \/ PageOffsetReg /\ Emit("PageOffsetReg", [x \in {} |-> 0])
    \/ TruncU32Reg /\ Emit("TruncU32Reg", [x \in {} |-> 0])
=============================================================================
