------------------------------ MODULE MCU64Laws -----------------------------
(***************************************************************************)
(* The two overflow idioms the vhost guards rest on, checked on every pair *)
(* of boundary values. Each idiom is a switch, as kernel guards are:       *)
(*   CarryChecked = FALSE  the overflow test ignores the carry out of the  *)
(*                         low limbs (a broken add-overflow test);         *)
(*   UnsignedLt   = FALSE  addresses compared as signed numbers.           *)
(* The fixed model must hold; each broken one must violate its invariant.  *)
(***************************************************************************)
EXTENDS U64

CONSTANTS Values, CarryChecked, UnsignedLt

ASSUME Values \subseteq U64 /\ CarryChecked \in BOOLEAN /\ UnsignedLt \in BOOLEAN

VARIABLES x, y

vars == <<x, y>>

TypeOK_x == x \in U64
TypeOK_y == y \in U64
TypeOK == TypeOK_x /\ TypeOK_y

\* The overflow test under check: with the carry, or only the top limbs.
Overflows(a, b) == IF CarryChecked THEN AddOverflows(a, b)
                                   ELSE a[1] + b[1] >= Base

\* The comparison under check: unsigned, or signed (top bit flipped).
SignFlip(a) == Mk((a[1] + \h8000) % Base, a[2], a[3], a[4])
Less(a, b) == IF UnsignedLt THEN Lt(a, b) ELSE Lt(SignFlip(a), SignFlip(b))

\* The borrow of a - b, from the subtraction itself: a + ~b + 1 carries out
\* exactly when no borrow occurs.
SubBorrows(a, b) == AddC(a, Not(b), 1).carry = 0

\* The state as traces and counterexamples show it.
View == [x |-> Enc(x), y |-> Enc(y)]

Init == x \in Values /\ y \in Values
Next == UNCHANGED vars
Spec == Init /\ [][Next]_vars

\* linux drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: `if (last < start)`
\* and vhost.c vhost_overflow: a sum wrapped iff it is below an operand.
Inv_OverflowIsWrap == Overflows(x, y) <=> Lt(Add(x, y), x)

\* The same fact from the other side: x + y overflows iff y > U64_MAX - x.
Inv_OverflowIsHeadroom == Overflows(x, y) <=> Lt(Sub(Max, x), y)

\* An address comparison agrees with the borrow of the subtraction.
Inv_LessIsBorrow == Less(x, y) <=> SubBorrows(x, y)
=============================================================================
