------------------------------ MODULE U64Table ------------------------------
(***************************************************************************)
(* Every U64 operator evaluated by TLC on every pair of boundary values,   *)
(* printed one row per line (run with -userFile) as                        *)
(*   <<"Op", operand1, operand2, result>>                                  *)
(* for the conformance cross-check against Java's unsigned arithmetic      *)
(* (U64CrossCheckTest). Unary operators print one operand.                 *)
(***************************************************************************)
EXTENDS U64, TLC

CONSTANTS Values, Values16

VARIABLE done

Row(r) == PrintT(r)

Rows ==
    /\ \A a \in Values :
         /\ Row(<<"Hex", Hex(a), Hex(a)>>)
         /\ Row(<<"Enc", Hex(a), Enc(a)>>)
         /\ Row(<<"Not", Hex(a), Hex(Not(a))>>)
         /\ Row(<<"PageOf", Hex(a), Hex(PageOf(a))>>)
         /\ Row(<<"PageOffset", Hex(a), Hex(PageOffset(a))>>)
         /\ Row(<<"TruncU32", Hex(a), Hex(TruncU32(a))>>)
         /\ Row(<<"IsU32", Hex(a), IsU32(a)>>)
         /\ Row(<<"IsNat", Hex(a), IsNat(a)>>)
         /\ IsNat(a) => Row(<<"ToNat", Hex(a), ToNat(a)>>)
         /\ IsNat(a) => Row(<<"FromNat", ToNat(a), Hex(FromNat(ToNat(a)))>>)
         /\ \A k \in 0..15 :
              /\ Row(<<"Shr", Hex(a), k, Hex(Shr(a, k))>>)
              /\ Row(<<"Shl", Hex(a), k, Hex(Shl(a, k))>>)
    /\ \A a, b \in Values :
         /\ Row(<<"Add", Hex(a), Hex(b), Hex(Add(a, b))>>)
         /\ Row(<<"AddOverflows", Hex(a), Hex(b), AddOverflows(a, b)>>)
         /\ Row(<<"Sub", Hex(a), Hex(b), Hex(Sub(a, b))>>)
         /\ Row(<<"Lt", Hex(a), Hex(b), Lt(a, b)>>)
         /\ Row(<<"Le", Hex(a), Hex(b), Le(a, b)>>)
         /\ Row(<<"Gt", Hex(a), Hex(b), Gt(a, b)>>)
         /\ Row(<<"Ge", Hex(a), Hex(b), Ge(a, b)>>)
    /\ \A a, b \in Values16 :
         /\ Row(<<"U16Add", a, b, U16Add(a, b)>>)
         /\ Row(<<"U16Sub", a, b, U16Sub(a, b)>>)
    /\ Row(<<"Constants", Hex(Zero), Hex(One), Hex(Max)>>)

Init == Rows /\ done = TRUE
Next == UNCHANGED done
=============================================================================
