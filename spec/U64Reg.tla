------------------------------- MODULE U64Reg -------------------------------
(***************************************************************************)
(* A register machine over the U64 vocabulary. It models no kernel code:   *)
(* it drives every U64 operator through the whole trace pipeline (TLC      *)
(* state graph and simulation export, replay against the Java twin         *)
(* org.vhostcheck.ref.U64Reg) so that the pipeline is tested before the    *)
(* vhost structures use it.                                                *)
(***************************************************************************)
EXTENDS U64

CONSTANTS Values,    \* the u64 operands the environment may supply
          MaxSteps   \* bound on the behaviour length (keeps the graph finite)

ASSUME Values \subseteq U64 /\ MaxSteps \in Nat

VARIABLES reg,    \* the u64 register
          carry,  \* carry/borrow/compare flag of the last operation
          steps   \* operations done so far

vars == <<reg, carry, steps>>

TypeOK_reg == reg \in U64
TypeOK_carry == carry \in BOOLEAN
TypeOK_steps == steps \in 0..MaxSteps
TypeOK == TypeOK_reg /\ TypeOK_carry /\ TypeOK_steps

Init == reg = Zero /\ carry = FALSE /\ steps = 0

Step == steps < MaxSteps /\ steps' = steps + 1

Load(v) == Step /\ reg' = v /\ carry' = FALSE

\* carry as the kernel computes it: `a + b < a` (vhost_iotlb_add_range_ctx)
AddReg(v) == Step /\ reg' = Add(reg, v) /\ carry' = AddOverflows(reg, v)

\* borrow: the subtraction wrapped
SubReg(v) == Step /\ reg' = Sub(reg, v) /\ carry' = Lt(reg, v)

PageOfReg == Step /\ reg' = PageOf(reg) /\ carry' = FALSE

PageOffsetReg == Step /\ reg' = PageOffset(reg) /\ carry' = FALSE

TruncU32Reg == Step /\ reg' = TruncU32(reg) /\ carry' = FALSE

LtReg(v) == Step /\ carry' = Lt(reg, v) /\ UNCHANGED reg

Next == \/ \E v \in Values : Load(v) \/ AddReg(v) \/ SubReg(v) \/ LtReg(v)
        \/ PageOfReg \/ PageOffsetReg \/ TruncU32Reg

Spec == Init /\ [][Next]_vars

\* Its only invariant is TypeOK: the machine's correctness is established by
\* replaying its whole state graph against the Java twin, operator by operator.
=============================================================================
