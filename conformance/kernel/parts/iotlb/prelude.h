/*
 * vhostcheck kernel harness, part "iotlb" (our code, not the kernel's): the types, constants and
 * shims the extracted functions of drivers/vhost/vhost.c, vringh.c and the access_ok headers need.
 * Structures are our own, minimal, with the field names the kernel code uses.
 *
 * Every generated unit includes this file first; vhc_iotlb.c (the handler) includes it with
 * VHC_HANDLER defined. For the kernel units only, the end of this file
 *  - removes `static`, so that the handler can call the static functions it extracted (with
 *    -fgnu89-inline a `static inline` one becomes an ordinary external definition); none of the
 *    extracted functions has a static local variable, whose meaning this would change;
 *  - routes the walks' vhost_iotlb_itree_first through vhc_itree_first (vhc_iotlb.c), which
 *    calls the real one and records each query: how iotlb_access_ok's walk is observed, and how a
 *    walk that never ends is stopped.
 */
#ifndef VHC_IOTLB_PRELUDE_H
#define VHC_IOTLB_PRELUDE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h> /* struct iovec: iov_base, iov_len, the layout of the kernel's */

#include <linux/compiler.h>
#include <linux/kconfig.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/vhost_iotlb.h>

/* ---- include/uapi/linux/vhost_types.h ---- */
#define VHOST_ACCESS_RO 0x1
#define VHOST_ACCESS_WO 0x2
#define VHOST_ACCESS_RW 0x3
#define VHOST_IOTLB_MISS 1
#define VHOST_IOTLB_UPDATE 2
#define VHOST_IOTLB_INVALIDATE 3
#define VHOST_IOTLB_MSG 0x1
#define VHOST_F_LOG_ALL 26

struct vhost_iotlb_msg {
	__u64 iova;
	__u64 size;
	__u64 uaddr;
	__u8 perm; /* a u8, as in the uapi */
	__u8 type;
};

struct vhost_msg {
	int type;
	union {
		struct vhost_iotlb_msg iotlb;
		__u8 padding[64];
	};
};

struct vhost_memory_region {
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 flags_padding;
};

struct vhost_memory {
	__u32 nregions;
	__u32 padding;
	struct vhost_memory_region regions[];
};

/* ---- locks: the harness is single-threaded; taking one does nothing, but reads the lock where the
 * kernel would take it, so that a lock of something that is not there (a vq past d->nvqs) is a bad
 * access ASan reports ---- */
struct mutex {
	int held;
};
typedef struct {
	int held;
} spinlock_t;
#define mutex_lock(m) ((void)*(volatile int *)&(m)->held)
#define mutex_lock_nested(m, sub) ((void)*(volatile int *)&(m)->held, (void)(sub))
#define mutex_unlock(m) ((void)*(volatile int *)&(m)->held)
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))

/* ---- drivers/vhost/vhost.h ---- */
enum vhost_uaddr_type {
	VHOST_ADDR_DESC = 0,
	VHOST_ADDR_AVAIL = 1,
	VHOST_ADDR_USED = 2,
	VHOST_NUM_ADDRS = 3,
};

struct vhost_poll {
	int unused;
};

struct vhost_dev;

struct vhost_virtqueue {
	struct vhost_dev *dev;
	struct mutex mutex;
	const struct vhost_iotlb_map *meta_iotlb[VHOST_NUM_ADDRS];
	struct vhost_poll poll;
	void *private_data;  /* the backend: none here */
	u64 acked_features;
	void __user *log_base;
	bool log_used;       /* memory_access_ok reads it with claims/patches F002; always false here */
	struct vhost_iotlb *umem;
	struct vhost_iotlb *iotlb;
};

struct vhost_msg_node {
	union {
		struct vhost_msg msg;
	};
	struct vhost_virtqueue *vq;
	struct list_head node;
};

struct vhost_dev {
	struct mutex mutex;
	struct vhost_virtqueue **vqs;
	int nvqs;
	struct vhost_iotlb *umem;
	struct vhost_iotlb *iotlb;
	spinlock_t iotlb_lock;
	struct list_head pending_list;
};

/* drivers/vhost/vhost.c module parameters (6.1 and 6.12: ushort 64, int 2048); vhc_iotlb.c sets them */
extern unsigned short max_mem_regions;
extern int max_iotlb_entries;

/* ---- include/linux/vringh.h, drivers/vhost/vringh.c ---- */
struct page; /* never dereferenced: pfn_to_page below encodes the pfn in the pointer */
struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len; /* unsigned int, as in include/linux/bvec.h */
	unsigned int bv_offset;
};
struct vringh {
	bool use_va;
	struct vhost_iotlb *iotlb;
	spinlock_t *iotlb_lock;
};
struct iotlb_vec {
	union {
		struct iovec *iovec;
		struct bio_vec *bvec;
	} iov;
	size_t count;
};
/* arch/x86/include/asm/page_types.h */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
/* include/asm-generic/memory_model.h pfn_to_page: a page pointer per pfn (vmemmap + pfn); ours is
 * the pfn itself as a pointer value, read back by vhc_iotlb.c's page_pfn, never dereferenced */
#define pfn_to_page(pfn) ((struct page *)(uintptr_t)(pfn))
static inline u64 vhc_page_pfn(const struct page *p)
{
	return (u64)(uintptr_t)p;
}

/* ---- x86-64 access_ok ---- */
/* arch/x86/include/asm/page_64_types.h: TASK_SIZE_MAX = (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE,
 * __VIRTUAL_MASK_SHIFT 47 (4-level paging; Debian's kernels are built with CONFIG_X86_5LEVEL and use
 * 56 on a CPU with LA57: not modelled, the spec's Uaccess.tla says 47) */
#define TASK_SIZE_MAX ((1UL << 47) - PAGE_SIZE)
#if VHC_LINUX >= 612
/* linux 6.12 arch/x86/kernel/cpu/common.c arch_cpu_finalize_init: USER_PTR_MAX = TASK_SIZE_MAX
 * (the LAM variant is commented out there); runtime_const_ptr reads that boot-time constant */
#define USER_PTR_MAX TASK_SIZE_MAX
#define runtime_const_ptr(sym) (sym)
/* linux 6.12 arch/x86/include/asm/uaccess_64.h valid_user_address */
#define valid_user_address(x) ((__force unsigned long)(x) <= runtime_const_ptr(USER_PTR_MAX))
bool __access_ok(const void __user *ptr, unsigned long size);
/* linux 6.12 include/asm-generic/access_ok.h access_ok */
#define access_ok(addr, size) likely(__access_ok(addr, size))
#else
#define CONFIG_MMU 1
int __access_ok(const void __user *ptr, unsigned long size);
/* linux 6.1 arch/x86/include/asm/uaccess.h access_ok (WARN_ON_IN_IRQ: not in an interrupt here) */
#define access_ok(addr, size) ({ likely(__access_ok(addr, size)); })
#endif

/* ---- include/linux/uaccess.h copy_from_user: the "user" memory is the handler's own buffer
 * (returns the bytes not copied: none) ---- */
static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

/* include/linux/overflow.h flex_array_size (the saturation cannot matter: at most max_mem_regions) */
#ifndef flex_array_size
#define flex_array_size(p, member, count) ((size_t)(count) * sizeof(*(p)->member))
#endif

/* ---- our shims for vhost.c functions not extracted (vhc_iotlb.c) ---- */
/* drivers/vhost/vhost.c vhost_iotlb_miss: queues a miss message to userspace; here it is recorded */
int vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access);
/* drivers/vhost/vhost.c vq_memory_access_ok: only for a vq with a backend (none here): refused */
bool vq_memory_access_ok(void __user *log_base, struct vhost_iotlb *umem, int log_all);
/* drivers/vhost/vhost.c vhost_poll_queue: only for a pending miss (none here): refused */
void vhost_poll_queue(struct vhost_poll *poll);
/* the recording vhost_iotlb_itree_first (see the top of this file) */
struct vhost_iotlb_map *vhc_itree_first(struct vhost_iotlb *iotlb, u64 start, u64 last);

/* ---- the extracted functions (static in the kernel; see the top of this file) ---- */
bool vhost_overflow(u64 uaddr, u64 size);
bool umem_access_ok(u64 uaddr, u64 size, int access);
int vhost_process_iotlb_msg(struct vhost_dev *dev, u32 asid, struct vhost_iotlb_msg *msg);
long vhost_set_memory(struct vhost_dev *d, struct vhost_memory __user *m);
struct vhost_iotlb *iotlb_alloc(void);
bool memory_access_ok(struct vhost_dev *d, struct vhost_iotlb *umem, int log_all);
int translate_desc(struct vhost_virtqueue *vq, u64 addr, u32 len, struct iovec iov[], int iov_size,
		   int access);
bool iotlb_access_ok(struct vhost_virtqueue *vq, int access, u64 addr, u64 len, int type);
void __user *vhost_vq_meta_fetch(struct vhost_virtqueue *vq, u64 addr, unsigned int size, int type);
void vhost_vq_meta_update(struct vhost_virtqueue *vq, const struct vhost_iotlb_map *map, int type);
void __vhost_vq_meta_reset(struct vhost_virtqueue *vq);
void vhost_vq_meta_reset(struct vhost_dev *d);
void vhost_dev_lock_vqs(struct vhost_dev *d);
void vhost_dev_unlock_vqs(struct vhost_dev *d);
void vhost_iotlb_notify_vq(struct vhost_dev *d, struct vhost_iotlb_msg *msg);
bool vhost_has_feature(struct vhost_virtqueue *vq, int bit);
#if VHC_LINUX >= 612
int iotlb_translate(const struct vringh *vrh, u64 addr, u64 len, u64 *translated,
		    struct iotlb_vec *ivec, u32 perm);
void bvec_set_page(struct bio_vec *bv, struct page *page, unsigned int len, unsigned int offset);
#else
int iotlb_translate(const struct vringh *vrh, u64 addr, u64 len, u64 *translated,
		    struct bio_vec iov[], int iov_size, u32 perm);
#endif

#ifndef VHC_HANDLER
#define vhost_iotlb_itree_first vhc_itree_first
#define static
#endif

#endif
