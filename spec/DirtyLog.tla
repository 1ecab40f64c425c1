------------------------------ MODULE DirtyLog ------------------------------
(***************************************************************************)
(* The vhost dirty-page log during live migration (VHOST_F_LOG_ALL), for   *)
(* one virtqueue, with and without a device IOTLB, as linux 6.12 and 6.1   *)
(* run it (the log functions are identical in both; they differ in what    *)
(* VHOST_SET_FEATURES does to the device IOTLB: 6.12 clears it when        *)
(* VIRTIO_F_ACCESS_PLATFORM is dropped, and installing a first one or      *)
(* clearing it also drops the vq's log_used and log_addr).                 *)
(* Userspace (the VMM) configures the log                                  *)
(* with ioctls, each validated at set time; the guest then makes the       *)
(* device write guest memory, and every write must be logged: one bit per  *)
(* 4 KiB guest page, in the bitmap at the log base.                        *)
(*                                                                         *)
(* Safety rests on two facts: every log byte the device sets was validated *)
(* (access_ok) when the log was set up, and log addresses never wrap. What *)
(* migration needs is completeness: every page the device wrote is marked. *)
(*                                                                         *)
(* Each kernel check that a claim or CVE is about is a switch (CONSTANT);  *)
(* TRUE is the kernel's code, FALSE the check removed.                     *)
(***************************************************************************)
EXTENDS Uaccess, Integers, FiniteSets

CONSTANTS
    Tables,        \* memory tables userspace may pass (sequences of regions)
    Bases,         \* log base addresses userspace may pass
    LogAddrs,      \* used-ring log addresses (log_guest_addr) userspace may pass
    Writes,        \* guest buffers the device may write: [addr, len] (len a u32)
    HvaWrites,     \* with a device IOTLB: the host ranges [hva, len] the IOTLB
                   \* translated a buffer (or the used ring) to
    Kernel,        \* "6.1" or "6.12"
    UsedWrites,    \* used-ring writes: [off, len] within the used ring
    UsedSize,      \* bytes of the used ring, as vhost_get_used_size computes
    \* --- guards ---
    LogBoundChecked,  \* vq_memory_access_ok calls log_access_ok for each region
    LogWrapChecked,   \* log_access_ok: a > ULONG_MAX - (unsigned long)log_base
    FeatureChecked,   \* vhost_net_set_features: LOG_ALL needs vhost_log_access_ok
    TranslateChecked, \* the device writes only descriptors translate_desc accepts
    PageOffsetAdded,  \* log_write: write_length += write_address % VHOST_PAGE_SIZE
    LogRangeExact,    \* proposed fix (F001): log_access_ok checks the bytes of the
                      \* first through the last page (today: ceil(sz / 32 KiB) bytes)
    UsedLogChecked    \* proposed fix (F002): with a device IOTLB and log_used set,
                      \* the memory table's log bytes are validated as with LOG_ALL

ASSUME /\ Bases \subseteq U64 /\ LogAddrs \subseteq U64
       /\ \A t \in Tables : \A k \in DOMAIN t :
             t[k].gpa \in U64 /\ t[k].size \in U64 /\ t[k].uaddr \in U64
       /\ \A w \in Writes : w.addr \in U64 /\ w.len \in U64 /\ IsU32(w.len)
       /\ \A u \in UsedWrites : u.off \in Nat /\ u.len \in Nat /\ u.len > 0
       /\ \A h \in HvaWrites : h.hva \in U64 /\ h.len \in U64 /\ h.len # Zero
       /\ Kernel \in {"6.1", "6.12"}
       /\ {LogBoundChecked, LogWrapChecked, FeatureChecked, TranslateChecked,
           PageOffsetAdded, LogRangeExact, UsedLogChecked} \subseteq BOOLEAN


(***************************************************************************)
(* The memory table as vhost_set_memory builds it with                     *)
(* vhost_iotlb_add_range(gpa, gpa + size - 1, uaddr): a map is             *)
(* [start, size, addr]; `last < start` fails the call (a wrap, or size 0   *)
(* anywhere but at 0); the full range [0, U64_MAX] is split in two halves  *)
(* (linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx).           *)
(***************************************************************************)
Half == Mk(\h8000, 0, 0, 0)
Last(r) == Sub(Add(r.gpa, r.size), One)
RegionOk(r) == ~Lt(Last(r), r.gpa)
Maps(r) ==
    IF r.gpa = Zero /\ Last(r) = Max
    THEN {[start |-> Zero, size |-> Half, addr |-> r.uaddr],
          [start |-> Half, size |-> Half, addr |-> Add(r.uaddr, Half)]}
    ELSE {[start |-> r.gpa, size |-> Add(Sub(Last(r), r.gpa), One), addr |-> r.uaddr]}
Umem(t) == UNION {Maps(t[k]) : k \in DOMAIN t}

(***************************************************************************)
(* Log ranges. A log byte interval is [lo, hi] (u64, inclusive).           *)
(***************************************************************************)
LogShift == 15   \* 4 KiB pages, 8 pages per log byte: addr / VHOST_PAGE_SIZE / 8

\* linux 6.12 drivers/vhost/vhost.c log_access_ok(log_base, addr, sz):
\*   a = addr / VHOST_PAGE_SIZE / 8;
\*   if (a > ULONG_MAX - (unsigned long)log_base || ...) return false;
\*   return access_ok(log_base + a, (sz + VHOST_PAGE_SIZE * 8 - 1) / VHOST_PAGE_SIZE / 8);
LogBytes(addr, sz) ==
    IF LogRangeExact
    THEN IF sz = Zero THEN Zero
         ELSE Add(Sub(Shr(Sub(Add(addr, sz), One), LogShift), Shr(addr, LogShift)), One)
    ELSE Shr(Add(sz, Mk(0, 0, 0, \h7fff)), LogShift)
LogAccessOk(base, addr, sz) ==
    LET a == Shr(addr, LogShift)
    IN  /\ LogWrapChecked => ~Gt(a, Sub(Max, base))
        /\ AccessOk(Add(base, a), LogBytes(addr, sz))
\* The log bytes a successful log_access_ok has checked.
LogChecked(base, addr, sz) ==
    LET a == Shr(addr, LogShift)
        n == LogBytes(addr, sz)
    IN  IF n = Zero THEN {}
        ELSE {[lo |-> Add(base, a), hi |-> Sub(Add(Add(base, a), n), One)]}

\* linux 6.12 drivers/vhost/vhost.c vq_memory_access_ok(log_base, umem, log_all):
\* every map must not overflow, be user memory, and (log_all) have its log
\* bytes accessible. No memory table yet: false.
VqMemoryAccessOk(base, umem, logAll) ==
    /\ umem # {}
    /\ \A m \in umem :
         /\ ~VhostOverflow(m.addr, m.size)
         /\ AccessOk(m.addr, m.size)
         /\ (logAll /\ LogBoundChecked) => LogAccessOk(base, m.start, m.size)
MemoryChecked(base, umem, logAll) ==
    IF logAll /\ LogBoundChecked
    THEN UNION {LogChecked(base, m.start, m.size) : m \in umem}
    ELSE {}

\* linux 6.12 drivers/vhost/vhost.c vq_log_used_access_ok: with a device
\* IOTLB, "log_addr is a GIOVA that will never be logged by log_used()": true.
UsedAccessOk(base, iotlb, logUsed, logAddr) ==
    iotlb \/ ~logUsed \/ LogAccessOk(base, logAddr, FromNat(UsedSize))
UsedChecked(base, iotlb, logUsed, logAddr) ==
    IF ~iotlb /\ logUsed THEN LogChecked(base, logAddr, FromNat(UsedSize)) ELSE {}

\* The log_all argument vq_log_access_ok and memory_access_ok pass to
\* vq_memory_access_ok: the LOG_ALL feature (today). With the F002 fix, also
\* log_used under a device IOTLB, whose used ring log_used logs through the
\* memory table (log_write_hva); the fix checks that wherever log_used, the
\* device IOTLB or the table can newly meet (see SetVringAddr, SetFeatures).
UsedViaTable(iotlb, logUsed) == UsedLogChecked /\ iotlb /\ logUsed
MemLog(logAll, iotlb, logUsed) == logAll \/ UsedViaTable(iotlb, logUsed)

(***************************************************************************)
(* Interval coverage: [lo, hi] lies in the union of the intervals in S.    *)
(***************************************************************************)
RECURSIVE Covered(_, _, _)
Covered(lo, hi, S) ==
    \E v \in S :
        /\ Le(v.lo, lo) /\ Le(lo, v.hi)
        /\ \/ Le(hi, v.hi)
           \/ /\ v.hi # Max
              /\ Covered(Add(v.hi, One), hi, S \ {v})

(***************************************************************************)
(* linux 6.12 drivers/vhost/vhost.c log_write(log_base, write_address,     *)
(* write_length): for each page from write_address / VHOST_PAGE_SIZE on,   *)
(* set bit page % 8 of byte log_base + page / 8, while write_length        *)
(* (grown by the page offset) exceeds a page.                              *)
(***************************************************************************)
LogPages(addr, len) ==
    LET p0 == PageOf(addr)
        l  == IF PageOffsetAdded THEN Add(len, PageOffset(addr)) ELSE len
        n1 == IF l = Zero THEN Zero ELSE PageOf(Sub(l, One))   \* iterations - 1
    IN  [lo |-> p0, hi |-> Add(p0, n1)]
\* The log bytes log_write sets: base + page / 8 on u64, wrapping as C does.
LogWriteBytes(base, pages) ==
    [lo |-> Add(base, Shr(pages.lo, 3)), hi |-> Add(base, Shr(pages.hi, 3)),
     wrapped |-> AddOverflows(base, Shr(pages.hi, 3))]
\* linux 6.12 drivers/vhost/vhost.c set_bit_to_user pins the log byte's page
\* with pin_user_pages_fast (linux 6.12 mm/gup.c gup_fast_fallback), which
\* refuses a page that does not end at or below TASK_SIZE_MAX (-EFAULT; the
\* last page of the address space: -EOVERFLOW, not within the bounds). Every
\* user page is taken as mapped (the VMM's memory). log_write returns at the
\* first byte that cannot be pinned: the bits of the pages before it are set,
\* those from it on are not.
PinOk(b) == AccessOk(b, One)
\* The last page whose log byte is TASK_SIZE_MAX - 1: 8 (TASK_SIZE_MAX - 1 -
\* base) + 7 (u64, as the kernel's base + page / 8 wraps).
LastPinnedPage(base) == Add(Shl(Sub(Sub(TaskSizeMax, One), base), 3), Mk(0, 0, 0, 7))
\* What a log_write call of pages does: the pages whose bits it sets (none or
\* one interval) and whether it returns 0.
LogSet(base, pages) ==
    LET blo == Add(base, Shr(pages.lo, 3))
        bhi == Add(base, Shr(pages.hi, 3))
    IN  IF ~PinOk(blo) THEN [ok |-> FALSE, pages |-> {}]
        ELSE IF PinOk(bhi) /\ Le(blo, bhi) THEN [ok |-> TRUE, pages |-> {pages}]
        ELSE [ok |-> FALSE, pages |-> {[lo |-> pages.lo, hi |-> LastPinnedPage(base)]}]
\* The guest pages a write of [addr, addr + len - 1] touches.
DirtyPages(addr, len) == [lo |-> PageOf(addr), hi |-> PageOf(Sub(Add(addr, len), One))]

\* translate_desc accepts [addr, addr + len - 1] iff it does not wrap and every
\* byte lies in some map (linux 6.12 drivers/vhost/vhost.c translate_desc).
Translates(umem, addr, len) ==
    len = Zero \/
    /\ ~AddOverflows(addr, Sub(len, One))
    /\ Covered(addr, Sub(Add(addr, len), One),
               {[lo |-> m.start, hi |-> Sub(Add(m.start, m.size), One)] : m \in umem})

(***************************************************************************)
(* State.                                                                  *)
(***************************************************************************)
VARIABLES
    umem,       \* the memory table's maps (vq->umem); {} before the first
    logBase,    \* vq->log_base
    logAll,     \* VHOST_F_LOG_ALL negotiated
    active,     \* the vq has a backend (vq->private_data): the device runs
    logUsed,    \* vq->log_used (VHOST_VRING_F_LOG)
    logAddr,    \* vq->log_addr (log_guest_addr)
    iotlb,      \* the vq has a device IOTLB (vq->iotlb; VIRTIO_F_ACCESS_PLATFORM)
    validated,  \* log byte intervals access_ok has checked for this log base
    logWritten, \* log byte intervals the last device step set
    marked,     \* guest page intervals the last device step marked dirty
    dirty,      \* guest page intervals the last device step wrote, while logging
    ret         \* return value of the last ioctl or device step

vars == <<umem, logBase, logAll, active, logUsed, logAddr, iotlb, validated,
          logWritten, marked, dirty, ret>>

Interval == [lo : U64, hi : U64]
TypeOK_umem == umem \subseteq [start : U64, size : U64, addr : U64]
TypeOK_logBase == logBase \in U64
TypeOK_logAll == logAll \in BOOLEAN
TypeOK_active == active \in BOOLEAN
TypeOK_logUsed == logUsed \in BOOLEAN
TypeOK_logAddr == logAddr \in U64
TypeOK_iotlb == iotlb \in BOOLEAN
TypeOK_validated == validated \subseteq Interval
TypeOK_logWritten == logWritten \subseteq [lo : U64, hi : U64, wrapped : BOOLEAN]
TypeOK_marked == marked \subseteq Interval
TypeOK_dirty == dirty \subseteq Interval
TypeOK_ret == ret \in {0, EFAULT, EINVAL}
TypeOK == /\ TypeOK_umem /\ TypeOK_logBase /\ TypeOK_logAll /\ TypeOK_active
          /\ TypeOK_logUsed /\ TypeOK_logAddr /\ TypeOK_iotlb /\ TypeOK_validated
          /\ TypeOK_logWritten /\ TypeOK_marked /\ TypeOK_dirty /\ TypeOK_ret

\* A fresh vhost device: no memory table, log base 0, nothing negotiated.
Init == /\ umem = {} /\ logBase = Zero /\ logAll = FALSE /\ active = FALSE
        /\ logUsed = FALSE /\ logAddr = Zero /\ iotlb = FALSE /\ validated = {}
        /\ logWritten = {} /\ marked = {} /\ dirty = {} /\ ret = 0

\* Configuration calls do not write guest memory.
NoDeviceStep == logWritten' = {} /\ marked' = {} /\ dirty' = {}
Fail(e) == /\ ret' = e /\ NoDeviceStep
           /\ UNCHANGED <<umem, logBase, logAll, active, logUsed, logAddr, iotlb, validated>>

\* linux 6.12 drivers/vhost/vhost.c vq_log_access_ok(vq, base), and the log
\* bytes it checks.
VqLogAccessOk(b) == /\ VqMemoryAccessOk(b, umem, MemLog(logAll, iotlb, logUsed))
                    /\ UsedAccessOk(b, iotlb, logUsed, logAddr)
VqLogChecked(b) == MemoryChecked(b, umem, MemLog(logAll, iotlb, logUsed))
                   \cup UsedChecked(b, iotlb, logUsed, logAddr)

\* linux 6.12 drivers/vhost/vhost.c vhost_set_memory (VHOST_SET_MEM_TABLE);
\* memory_access_ok(d, newumem, 0) checks an active vq with its LOG_ALL.
SetMemTable(t) ==
    LET new == Umem(t) IN
    IF \E k \in DOMAIN t : ~RegionOk(t[k]) THEN Fail(EFAULT)
    ELSE IF active /\ ~VqMemoryAccessOk(logBase, new, MemLog(logAll, iotlb, logUsed)) THEN Fail(EFAULT)
    ELSE /\ umem' = new
         /\ validated' = validated \cup
                           (IF active THEN MemoryChecked(logBase, new, MemLog(logAll, iotlb, logUsed)) ELSE {})
         /\ ret' = 0 /\ NoDeviceStep
         /\ UNCHANGED <<logBase, logAll, active, logUsed, logAddr, iotlb>>

\* linux 6.12 drivers/vhost/vhost.c vhost_dev_ioctl VHOST_SET_LOG_BASE:
\* an active vq must pass vq_log_access_ok(vq, base); an inactive one is
\* checked when it is enabled. A new base starts a new log.
SetLogBase(b) ==
    IF active /\ ~VqLogAccessOk(b)
    THEN Fail(EFAULT)
    ELSE /\ logBase' = b
         /\ validated' = IF active THEN VqLogChecked(b) ELSE {}
         /\ ret' = 0 /\ NoDeviceStep
         /\ UNCHANGED <<umem, logAll, active, logUsed, logAddr, iotlb>>

\* linux 6.12 drivers/vhost/net.c vhost_net_set_features: LOG_ALL needs
\* vhost_log_access_ok(dev) = memory_access_ok(dev, dev->umem, 1), which
\* checks only active vqs. VIRTIO_F_ACCESS_PLATFORM gives the vq a device
\* IOTLB (vhost_init_device_iotlb); without it, 6.12 clears the device
\* IOTLB (vhost_clear_device_iotlb) while 6.1 keeps the one it has
\* (linux 6.1 drivers/vhost/net.c vhost_net_set_features has no else branch).
\* linux 6.12 drivers/vhost/vhost.c vhost_init_device_iotlb (when there was
\* no device IOTLB before) and vhost_clear_device_iotlb (when there was one)
\* call vhost_vq_invalidate_access: vq->log_used = false, vq->log_addr =
\* -1ull. Replacing an IOTLB by a new one only resets the metadata cache
\* (__vhost_vq_meta_reset); linux 6.1 drivers/vhost/vhost.c
\* vhost_init_device_iotlb never touches log_used or log_addr. So on 6.12
\* used-ring logging never survives a change between the memory table and a
\* device IOTLB: VHOST_SET_VRING_ADDR must set log_used again.
InvalidatesAccess(io) == Kernel = "6.12" /\ io # iotlb
SetFeatures(la, plat) ==
    IF la /\ FeatureChecked /\ active /\ ~VqMemoryAccessOk(logBase, umem, TRUE)
    THEN Fail(EFAULT)
    ELSE LET io == IF plat THEN TRUE ELSE IF Kernel = "6.12" THEN FALSE ELSE iotlb
             lu == logUsed /\ ~InvalidatesAccess(io)
             fix2 == active /\ ~iotlb /\ UsedViaTable(io, lu)   \* F002 fix only (6.1)
         IN
         IF fix2 /\ ~VqMemoryAccessOk(logBase, umem, TRUE) THEN Fail(EFAULT)
         ELSE
         /\ logAll' = la
         /\ iotlb' = io
         /\ logUsed' = lu
         /\ logAddr' = IF InvalidatesAccess(io) THEN Max ELSE logAddr
         /\ validated' = validated
                           \cup (IF (la /\ FeatureChecked /\ active) \/ fix2 THEN MemoryChecked(logBase, umem, TRUE) ELSE {})
         /\ ret' = 0 /\ NoDeviceStep
         /\ UNCHANGED <<umem, logBase, active>>

\* linux 6.12 drivers/vhost/vhost.c vhost_vring_set_addr: log_guest_addr must
\* be 4-aligned (VRING_USED_ALIGN_SIZE); an active vq must pass
\* vq_log_used_access_ok.
SetVringAddr(lu, la) ==
    IF la[4] % 4 # 0 THEN Fail(EINVAL)
    ELSE IF active /\ ~UsedAccessOk(logBase, iotlb, lu, la) THEN Fail(EINVAL)
    \* F002 fix only: log_used through the table needs the table's log bytes
    ELSE IF active /\ UsedViaTable(iotlb, lu) /\ ~VqMemoryAccessOk(logBase, umem, TRUE) THEN Fail(EINVAL)
    ELSE /\ logUsed' = lu /\ logAddr' = la
         /\ validated' = validated \cup
              (IF active THEN UsedChecked(logBase, iotlb, lu, la)
                              \cup (IF UsedViaTable(iotlb, lu) THEN MemoryChecked(logBase, umem, TRUE) ELSE {})
               ELSE {})
         /\ ret' = 0 /\ NoDeviceStep
         /\ UNCHANGED <<umem, logBase, logAll, active, iotlb>>

\* linux 6.12 drivers/vhost/net.c vhost_net_set_backend (6.1 the same): it
\* calls vhost_vq_access_ok, i.e. vq_log_access_ok(vq, vq->log_base), before
\* it looks at the fd, so disabling (fd -1) runs the same checks as
\* enabling: it fails with -EFAULT where they fail, and validates what they
\* check.
SetBackend(on) ==
    IF ~VqLogAccessOk(logBase)
    THEN Fail(EFAULT)
    ELSE /\ active' = on
         /\ validated' = validated \cup VqLogChecked(logBase)
         /\ ret' = 0 /\ NoDeviceStep
         /\ UNCHANGED <<umem, logBase, logAll, logUsed, logAddr, iotlb>>

\* The device writes a guest buffer (a device-writable descriptor chain of one
\* descriptor) and, with LOG_ALL, logs it: vhost_get_vq_desc records
\* log[0] = {desc.addr, desc.len} and vhost_log_write(vq, log, 1, len, ...)
\* calls log_write(vq->log_base, log[0].addr, min(log[0].len, len)).
DeviceWrite(w) ==
    /\ active /\ ~iotlb
    /\ IF TranslateChecked /\ ~Translates(umem, w.addr, w.len) THEN Fail(EFAULT)
       ELSE LET logs == logAll /\ w.len # Zero   \* log_write: if (!write_length) return 0;
                s == LogSet(logBase, LogPages(w.addr, w.len))
            IN  /\ dirty' = IF logs THEN {DirtyPages(w.addr, w.len)} ELSE {}
                /\ marked' = IF logs THEN s.pages ELSE {}
                /\ logWritten' = IF logs THEN {LogWriteBytes(logBase, p) : p \in s.pages} ELSE {}
                /\ ret' = IF logs /\ ~s.ok THEN EFAULT ELSE 0
                /\ UNCHANGED <<umem, logBase, logAll, active, logUsed, logAddr, iotlb, validated>>

\* linux 6.12 drivers/vhost/vhost.c log_used (no device IOTLB): a used-ring
\* update at used_offset is logged as log_write(log_base, log_addr + off, len),
\* whenever vq->log_used is set.
UsedWrite(u) ==
    /\ active /\ logUsed /\ ~iotlb
    /\ LET a == Add(logAddr, FromNat(u.off))
           l == FromNat(u.len)
           s == LogSet(logBase, LogPages(a, l))
       IN  /\ dirty' = {DirtyPages(a, l)}
           /\ marked' = s.pages
           /\ logWritten' = {LogWriteBytes(logBase, p) : p \in s.pages}
           /\ ret' = IF s.ok THEN 0 ELSE EFAULT
    /\ UNCHANGED <<umem, logBase, logAll, active, logUsed, logAddr, iotlb, validated>>

(***************************************************************************)
(* With a device IOTLB the device writes host ranges; linux 6.12           *)
(* drivers/vhost/vhost.c log_write_hva(vq, hva, len) walks the memory      *)
(* table and logs, for every map overlapping [hva, hva - 1 + len], the     *)
(* overlap's guest pages: log_write(log_base, u->start + start - u->addr,  *)
(* end - start + 1). Its loop then advances hva by the smallest overlap    *)
(* and repeats on the rest, which only logs parts of the same overlaps     *)
(* again (the Java twin runs the loop itself). No overlap at all: -EFAULT. *)
(* A log_write that fails (LogSet) ends log_write_hva with its error, so   *)
(* the maps after it in the table's list are not logged; the model takes   *)
(* every overlap's LogSet, which is the same while one map overlaps the    *)
(* host range or every log write succeeds (so within the bounds: a host    *)
(* range overlaps two maps only in DirtyLog_HvaEdge, whose log bytes are   *)
(* all in user memory).                                                    *)
(***************************************************************************)
Overlaps(h) ==
    {m \in umem : ~(Gt(m.addr, Add(Sub(h.hva, One), h.len))
                    \/ Lt(Add(Sub(m.addr, One), m.size), h.hva))}
OverlapGpa(m, h) ==   \* [addr, len] in guest addresses of the part of m that h covers
    LET start == IF Gt(m.addr, h.hva) THEN m.addr ELSE h.hva
        end == IF Lt(Add(Sub(m.addr, One), m.size), Add(Sub(h.hva, One), h.len))
               THEN Add(Sub(m.addr, One), m.size) ELSE Add(Sub(h.hva, One), h.len)
    IN  [addr |-> Sub(Add(m.start, start), m.addr), len |-> Add(Sub(end, start), One)]
LogWriteHva(h) ==
    IF Overlaps(h) = {} THEN Fail(EFAULT)
    ELSE LET parts == {OverlapGpa(m, h) : m \in Overlaps(h)}
             sets == {LogSet(logBase, LogPages(g.addr, g.len)) : g \in parts}
         IN  /\ dirty' = {DirtyPages(g.addr, g.len) : g \in parts}
             /\ marked' = UNION {x.pages : x \in sets}
             /\ logWritten' = {LogWriteBytes(logBase, p) : p \in UNION {x.pages : x \in sets}}
             /\ ret' = IF \A x \in sets : x.ok THEN 0 ELSE EFAULT
             /\ UNCHANGED <<umem, logBase, logAll, active, logUsed, logAddr, iotlb, validated>>

\* vhost_log_write with vq->iotlb: log_write_hva for each iov (with LOG_ALL).
DeviceWriteHva(h) ==
    /\ active /\ iotlb /\ logAll
    /\ LogWriteHva(h)

\* log_used with vq->iotlb: the used ring is translated and each piece logged
\* with log_write_hva, whenever vq->log_used is set.
UsedWriteHva(h) ==
    /\ active /\ iotlb /\ logUsed
    /\ LogWriteHva(h)

Next ==
    \/ \E t \in Tables : SetMemTable(t)
    \/ \E b \in Bases : SetLogBase(b)
    \/ \E la, plat \in BOOLEAN : SetFeatures(la, plat)
    \/ \E lu \in BOOLEAN, la \in LogAddrs : SetVringAddr(lu, la)
    \/ \E on \in BOOLEAN : SetBackend(on)
    \/ \E w \in Writes : DeviceWrite(w)
    \/ \E u \in UsedWrites : UsedWrite(u)
    \/ \E h \in HvaWrites : DeviceWriteHva(h)
    \/ \E h \in HvaWrites : UsedWriteHva(h)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Invariants, each an obligation of the host side.                        *)
(***************************************************************************)
\* Every log byte the device sets was validated (access_ok) at set time.
Inv_LogWriteInValidated ==
    \A w \in logWritten : ~w.wrapped => Covered(w.lo, w.hi, validated)

\* No log address wraps past 2^64 (log_base + page / 8).
Inv_LogAddrNoWrap == \A w \in logWritten : ~w.wrapped

\* Every guest page the device wrote while logging is marked dirty.
Inv_DirtyComplete == \A d \in dirty : Covered(d.lo, d.hi, marked)
=============================================================================
