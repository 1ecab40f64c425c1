-------------------------------- MODULE U64 --------------------------------
(***************************************************************************)
(* Exact unsigned machine words for TLC, whose integers are 32-bit.        *)
(*                                                                         *)
(* A u64 is a tuple of four 16-bit limbs, most significant first:          *)
(*     <<l1, l2, l3, l4>>  stands for  l1*2^48 + l2*2^32 + l3*2^16 + l4.   *)
(* 16-bit limbs keep every intermediate value (a limb sum with carry, a    *)
(* limb times 2^15) below 2^31, so TLC never overflows, and each limb is   *)
(* four hex digits, so rendering is exact.                                 *)
(*                                                                         *)
(* u32 values (descriptor len) are u64 values whose two upper limbs are 0; *)
(* u16 values (ring indices) are plain integers in 0..65535.               *)
(*                                                                         *)
(* Every operator here is evaluated by TLC on every pair of boundary values *)
(* and compared with Java's unsigned long arithmetic (conformance          *)
(* U64CrossCheckTest); an operator added here must be added there too.     *)
(***************************************************************************)
EXTENDS Naturals, Sequences

Base == 65536
Limb == 0..(Base - 1)

\* The set of all u64 values (membership is checked limb by limb, never enumerated).
U64 == Limb \X Limb \X Limb \X Limb

\* A u64 from its four limbs, most significant first: Mk(\hffff, 0, 0, \h1000).
Mk(l1, l2, l3, l4) == <<l1, l2, l3, l4>>

Zero == Mk(0, 0, 0, 0)
One == Mk(0, 0, 0, 1)
Max == Mk(\hffff, \hffff, \hffff, \hffff)   \* U64_MAX, ULONG_MAX on 64-bit

\* Small naturals (0 .. 2^31-1, all TLC has) to u64 and back.
FromNat(n) == Mk(0, 0, n \div Base, n % Base)
IsNat(a) == a[1] = 0 /\ a[2] = 0 /\ a[3] < 32768
ToNat(a) == a[3] * Base + a[4]   \* only meaningful when IsNat(a)

(***************************************************************************)
(* Addition with carry in and out: the one primitive that add, sub and the *)
(* overflow tests share.                                                   *)
(***************************************************************************)
AddC(a, b, cin) ==
    LET s4 == a[4] + b[4] + cin
        s3 == a[3] + b[3] + s4 \div Base
        s2 == a[2] + b[2] + s3 \div Base
        s1 == a[1] + b[1] + s2 \div Base
    IN  [sum   |-> Mk(s1 % Base, s2 % Base, s3 % Base, s4 % Base),
         carry |-> s1 \div Base]

\* Bitwise complement (~a).
Not(a) == Mk(65535 - a[1], 65535 - a[2], 65535 - a[3], 65535 - a[4])

\* a + b in u64 arithmetic: wraps modulo 2^64, as C does.
Add(a, b) == AddC(a, b, 0).sum

\* a + b does not fit in 64 bits (the kernel tests this as `a + b < a`).
AddOverflows(a, b) == AddC(a, b, 0).carry = 1

\* a - b in u64 arithmetic (two's complement: a + ~b + 1), wraps modulo 2^64.
Sub(a, b) == AddC(a, Not(b), 1).sum

\* Unsigned comparisons: lexicographic on limbs, most significant first.
Lt(a, b) == \E i \in 1..4 : a[i] < b[i] /\ \A j \in 1..(i - 1) : a[j] = b[j]
Le(a, b) == a = b \/ Lt(a, b)
Gt(a, b) == Lt(b, a)
Ge(a, b) == Le(b, a)

\* Logical shifts by 0..15 bits (a >> k, a << k), the shifts the kernel uses
\* for pages (12) and bitmap bytes (3).
Shr(a, k) ==
    LET p == 2^k
        q == Base \div p
    IN  Mk(a[1] \div p,
           a[2] \div p + (a[1] % p) * q,
           a[3] \div p + (a[2] % p) * q,
           a[4] \div p + (a[3] % p) * q)

Shl(a, k) ==
    LET p == 2^k
        q == Base \div p
    IN  Mk((a[1] % q) * p + a[2] \div q,
           (a[2] % q) * p + a[3] \div q,
           (a[3] % q) * p + a[4] \div q,
           (a[4] % q) * p)

\* linux drivers/vhost/vhost.h: #define VHOST_PAGE_SIZE 0x1000
PageShift == 12
PageOf(a) == Shr(a, PageShift)                    \* addr / VHOST_PAGE_SIZE
PageOffset(a) == Mk(0, 0, 0, a[4] % 4096)         \* addr % VHOST_PAGE_SIZE

\* (u32)a: the C conversion to a 32-bit unsigned value.
TruncU32(a) == Mk(0, 0, a[3], a[4])
IsU32(a) == a[1] = 0 /\ a[2] = 0

(***************************************************************************)
(* u16: ring indices are free-running u16 counters (VIRTIO 1.3 §2.7.6,     *)
(* §2.7.8); the kernel compares them as (u16)(a - b).                      *)
(***************************************************************************)
U16 == 0..65535
U16Add(a, b) == (a + b) % 65536
U16Sub(a, b) == (a + 65536 - b) % 65536

(***************************************************************************)
(* Boundary values that MC wrappers draw inputs from.                      *)
(***************************************************************************)
Boundary ==
    { Zero, One, Mk(0, 0, 0, 2),
      Mk(0, 0, 0, \h0fff), Mk(0, 0, 0, \h1000), Mk(0, 0, 0, \h1001),
      Mk(0, 0, 0, \hffff), Mk(0, 0, 1, 0),
      Mk(0, 0, \h7fff, \hffff), Mk(0, 0, \h8000, 0),        \* 2^31-1, 2^31
      Mk(0, 0, \hffff, \hffff), Mk(0, 1, 0, 0),             \* 2^32-1, 2^32
      Mk(\h1234, \h5678, \h9abc, \hdef0),
      Mk(\h7fff, \hffff, \hffff, \hf000),
      Mk(\h7fff, \hffff, \hffff, \hffff), Mk(\h8000, 0, 0, 0), \* 2^63-1, 2^63
      Mk(\h8000, 0, 0, \h0fff),
      Mk(\hfedc, \hba98, \h7654, \h3210),
      Mk(\hffff, \hffff, \hffff, \hefff),
      Mk(\hffff, \hffff, \hffff, \hf000),                   \* 2^64-0x1000
      Mk(\hffff, \hffff, \hffff, \hfffe), Max }

U16Boundary == {0, 1, 2, \h7fff, \h8000, \h8001, \hfffe, \hffff}

(***************************************************************************)
(* Rendering for traces: "0x" and lower-case hex without leading zeros,    *)
(* the form the Java side parses and prints (Long.toHexString).            *)
(* Trace wrappers print u64 values as Enc(a), a tagged tuple that costs    *)
(* TLC nothing to build and that the exporter turns into the same "0x..."  *)
(* string (org.vhostcheck.model.TlaValues.decodeU64); Hex is the rendering *)
(* in TLA+ itself, cross-checked against Java.                            *)
(***************************************************************************)
Enc(a) == <<"u64", a[1], a[2], a[3], a[4]>>

HexDigit == <<"0", "1", "2", "3", "4", "5", "6", "7",
              "8", "9", "a", "b", "c", "d", "e", "f">>

Nibbles(a) == [i \in 1..16 |->
                 (a[(i - 1) \div 4 + 1] \div 16^(3 - ((i - 1) % 4))) % 16]

RECURSIVE HexFrom(_, _)
HexFrom(n, i) == IF i > 16 THEN "" ELSE HexDigit[n[i] + 1] \o HexFrom(n, i + 1)

Hex(a) ==
    LET n == Nibbles(a)
        first == IF \E i \in 1..16 : n[i] # 0
                 THEN CHOOSE i \in 1..16 : n[i] # 0 /\ \A j \in 1..(i - 1) : n[j] = 0
                 ELSE 16
    IN  "0x" \o HexFrom(n, first)
=============================================================================
