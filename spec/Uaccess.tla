------------------------------ MODULE Uaccess ------------------------------
(***************************************************************************)
(* The user-pointer checks vhost runs on x86-64, shared by the dirty-log   *)
(* and IOTLB specs: access_ok and vhost_overflow, on exact u64 values.     *)
(***************************************************************************)
EXTENDS U64, Integers

\* errno values as the kernel returns them (include/uapi/asm-generic/errno-base.h, errno.h)
EPERM == -1
ENOMEM == -12
EFAULT == -14
EINVAL == -22
ENOSPC == -28
EAGAIN == -11
ENOBUFS == -105

\* linux arch/x86/include/asm/page_64_types.h: TASK_SIZE_MAX with 4-level
\* paging, (1 << 47) - PAGE_SIZE; arch/x86/kernel/cpu/common.c (6.12):
\* USER_PTR_MAX = TASK_SIZE_MAX (no LAM).
TaskSizeMax == Mk(0, \h7fff, \hffff, \hf000)

\* linux 6.12 arch/x86/include/asm/uaccess_64.h __access_ok (non-constant
\* size): sum = ptr + size; valid_user_address(sum) && sum >= ptr.
\* linux 6.1 include/asm-generic/access_ok.h __access_ok:
\* size <= TASK_SIZE_MAX && ptr <= TASK_SIZE_MAX - size. Both say: the range
\* [ptr, ptr + size) does not wrap and ends at or below TASK_SIZE_MAX.
AccessOk(ptr, size) == ~AddOverflows(ptr, size) /\ Le(Add(ptr, size), TaskSizeMax)

\* linux 6.12 drivers/vhost/vhost.c vhost_overflow
VhostOverflow(uaddr, size) ==
    IF size = Zero THEN FALSE ELSE Gt(uaddr, Add(Sub(Max, size), One))

=============================================================================
