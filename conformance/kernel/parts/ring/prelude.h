/*
 * The ring part's prelude (our code): the types, macros and hooks the extracted vhost.c and
 * vringh.c functions need, with our own minimal definitions under the kernel's field names.
 * The tools/include headers (the kernel's userspace copies) give u64, lists, rbtree, min,
 * likely; everything that touches memory is a hook into ring.c, which serves and records it.
 */
#ifndef VHC_RING_PRELUDE_H
#define VHC_RING_PRELUDE_H

#include <errno.h> /* the kernel's errnos: glibc's are the same numbers on Linux */
#include <limits.h> /* USHRT_MAX, ULONG_MAX */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <endian.h>
#include <sys/uio.h>
#include <linux/vhost_iotlb.h>
#include <linux/kernel.h>

typedef u16 __virtio16;
typedef u32 __virtio32;
typedef u64 __virtio64;

/* include/uapi/linux/virtio_ring.h */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	__virtio64 addr;
	__virtio32 len;
	__virtio16 flags;
	__virtio16 next;
};
struct vring_avail {
	__virtio16 flags;
	__virtio16 idx;
	__virtio16 ring[];
};
struct vring_used_elem {
	__virtio32 id;
	__virtio32 len;
};
typedef struct vring_used_elem vring_used_elem_t;
struct vring_used {
	__virtio16 flags;
	__virtio16 idx;
	vring_used_elem_t ring[];
};
typedef struct vring_desc vring_desc_t;
typedef struct vring_avail vring_avail_t;
typedef struct vring_used vring_used_t;

/* include/uapi/linux/vhost_types.h, drivers/vhost/vhost.h, include/uapi/linux/uio.h */
#define VHOST_ACCESS_RO 0x1
#define VHOST_ACCESS_WO 0x2
#define VHOST_ACCESS_RW 0x3
enum { VHOST_ADDR_DESC = 0, VHOST_ADDR_AVAIL = 1, VHOST_ADDR_USED = 2, VHOST_NUM_ADDRS = 3 };
#undef UIO_MAXIOV
#define UIO_MAXIOV 1024

struct vhost_log {
	u64 addr;
	u64 len;
};
struct vhost_dev {
	struct vhost_iotlb *umem;
	struct vhost_iotlb *iotlb;
};
/* drivers/vhost/vhost.h struct vhost_virtqueue: the fields the extracted functions use */
struct vhost_virtqueue {
	struct vhost_dev *dev;
	unsigned int num;
	vring_desc_t __user *desc;
	vring_avail_t __user *avail;
	vring_used_t __user *used;
	const struct vhost_iotlb_map *meta_iotlb[VHOST_NUM_ADDRS];
	u16 last_avail_idx;
	u16 avail_idx;
	u16 last_used_idx;
	u16 used_flags;
	u16 signalled_used;
	bool signalled_used_valid;
	bool log_used;
	void *log_ctx;
	struct iovec iotlb_iov[64];
	struct iovec *indirect;
	struct vhost_iotlb *iotlb;
};

/* drivers/vhost/vhost.h vhost16_to_cpu & co: a VIRTIO 1 ring is little-endian */
static inline u16 vhost16_to_cpu(struct vhost_virtqueue *vq, __virtio16 v) { (void)vq; return le16toh(v); }
static inline __virtio16 cpu_to_vhost16(struct vhost_virtqueue *vq, u16 v) { (void)vq; return htole16(v); }
static inline u32 vhost32_to_cpu(struct vhost_virtqueue *vq, __virtio32 v) { (void)vq; return le32toh(v); }
static inline __virtio32 cpu_to_vhost32(struct vhost_virtqueue *vq, u32 v) { (void)vq; return htole32(v); }
static inline u64 vhost64_to_cpu(struct vhost_virtqueue *vq, __virtio64 v) { (void)vq; return le64toh(v); }

/* include/linux/vringh.h struct vringh: the fields the IOTLB accessors use */
typedef struct { int held; } vhc_spinlock_t;
#define spinlock_t vhc_spinlock_t
struct vringh {
	bool little_endian;
	bool use_va;
	struct vhost_iotlb *iotlb;
	spinlock_t *iotlb_lock;
};
static inline u16 vringh16_to_cpu(const struct vringh *vrh, __virtio16 v) { (void)vrh; return le16toh(v); }
static inline __virtio16 cpu_to_vringh16(const struct vringh *vrh, u16 v) { (void)vrh; return htole16(v); }
void vhc_spin(spinlock_t *l, int lock);
#define spin_lock(l) vhc_spin((l), 1)
#define spin_unlock(l) vhc_spin((l), 0)

/* Pages and bio_vecs (6.1's vringh, and 6.12's without use_va): a page is named by its first
 * user address; kmap gives ring.c's storage of it. */
struct page;
struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
};
#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
#define pfn_to_page(pfn) ((struct page *)(uintptr_t)((u64)(pfn) << PAGE_SHIFT))
void *vhc_kmap(struct page *page);
#define kmap_atomic(page) vhc_kmap(page)
#define kunmap_atomic(addr) ((void)(addr))
#define kmap_local_page(page) vhc_kmap(page)
#define kunmap_local(addr) ((void)(addr))
static inline void bvec_set_page(struct bio_vec *bv, struct page *page, unsigned int len, unsigned int offset)
{
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
}
#if VHC_LINUX >= 612
/* linux 6.12 drivers/vhost/vringh.c struct iotlb_vec (a struct, not extracted) */
struct iotlb_vec {
	union {
		struct iovec *iovec;
		struct bio_vec *bvec;
	} iov;
	size_t count;
};
#endif
#define IOTLB_IOV_STRIDE 16

/* lib/iov_iter.c: our iterator over user iovecs (vhost) or bio_vecs (vringh) */
#define ITER_DEST 0
#define ITER_SOURCE 1
struct iov_iter {
	int bvec_kind;
	unsigned int dir;
	const struct iovec *iov;
	const struct bio_vec *bvec;
	unsigned long nr_segs;
	unsigned long seg;
	size_t seg_off;
	size_t count;
};
void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov, unsigned long nr_segs, size_t count);
void iov_iter_bvec(struct iov_iter *i, unsigned int direction, const struct bio_vec *bvec, unsigned long nr_segs, size_t count);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
bool copy_from_iter_full(void *addr, size_t bytes, struct iov_iter *i);

/* arch uaccess: user memory is ring.c's (the rings, the guest pages); 0 or -EFAULT */
unsigned long vhc_copy_from_user(void *to, const void *from, unsigned long n);
unsigned long vhc_copy_to_user(void *to, const void *from, unsigned long n);
int vhc_get_user(void *x, const void *ptr, size_t n);
int vhc_put_user(const void *x, void *ptr, size_t n);
#define __copy_from_user(to, from, n) vhc_copy_from_user((to), (const void *)(from), (n))
#define __copy_to_user(to, from, n) vhc_copy_to_user((void *)(to), (from), (n))
#define __get_user(x, ptr) ({ __typeof__(*(ptr)) __g; int __r = vhc_get_user(&__g, (ptr), sizeof(*(ptr))); (x) = __r ? 0 : __g; __r; })
#define __put_user(x, ptr) ({ __typeof__(*(ptr)) __p = (x); vhc_put_user(&__p, (void *)(ptr), sizeof(*(ptr))); })

/* drivers/vhost/vhost.c vhost_get_user / vhost_put_user / vhost_get_avail (macros there, ours
 * here): through vq->iotlb's meta map when there is a device IOTLB, else the user pointer */
#define vhost_get_user(vq, x, ptr, type) ({ \
	int __ret; \
	if (!(vq)->iotlb) { \
		__ret = __get_user(x, ptr); \
	} else { \
		__typeof__(ptr) __from = (__typeof__(ptr))__vhost_get_user(vq, ptr, sizeof(*(ptr)), type); \
		__ret = __from ? __get_user(x, __from) : -EFAULT; \
	} \
	__ret; })
#define vhost_put_user(vq, x, ptr) ({ \
	int __ret; \
	if (!(vq)->iotlb) { \
		__ret = __put_user(x, ptr); \
	} else { \
		__typeof__(ptr) __to = (__typeof__(ptr))__vhost_get_user(vq, ptr, sizeof(*(ptr)), VHOST_ADDR_USED); \
		__ret = __to ? __put_user(x, __to) : -EFAULT; \
	} \
	__ret; })
#define vhost_get_avail(vq, x, ptr) vhost_get_user(vq, x, ptr, VHOST_ADDR_AVAIL)

/* READ_ONCE / WRITE_ONCE go through ring.c: next_desc's READ_ONCE(desc->next) is where one loop
 * iteration of vhost_get_vq_desc / get_indirect ends (see ring.c), and vringh's 16-bit accesses
 * are counted there. */
const void *vhc_read_once(const void *p, size_t n);
void vhc_write_once(void *p, const void *v, size_t n);
#undef READ_ONCE
#define READ_ONCE(x) (*(const __typeof__(x) *)vhc_read_once((const void *)&(x), sizeof(x)))
#undef WRITE_ONCE
#define WRITE_ONCE(x, val) do { __typeof__(x) __w1 = (val); vhc_write_once((void *)&(x), &__w1, sizeof(x)); } while (0)

void vhc_bug(const char *what);
#undef BUG_ON
#define BUG_ON(c) do { if (c) vhc_bug(#c); } while (0)
#undef smp_rmb
#undef smp_wmb
#define smp_rmb() __sync_synchronize()
#define smp_wmb() __sync_synchronize()
void vhc_vq_err(const char *fmt, ...);
#define vq_err(vq, fmt, ...) ((void)(vq), vhc_vq_err(fmt, ##__VA_ARGS__))
#define eventfd_signal(...) vhc_bug("eventfd_signal")

/* drivers/vhost/vhost.c, not extracted: the miss message to userspace, the used log */
void vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access);
int log_used(struct vhost_virtqueue *vq, u64 used_offset, u64 len);

/* The extracted functions ring.c calls, and translate_desc, which vhost.c declares ahead. */
int translate_desc(struct vhost_virtqueue *vq, u64 addr, u32 len, struct iovec iov[], int iov_size, int access);
int vhost_get_vq_desc(struct vhost_virtqueue *vq, struct iovec iov[], unsigned int iov_size,
		      unsigned int *out_num, unsigned int *in_num, struct vhost_log *log, unsigned int *log_num);
int vhost_add_used_n(struct vhost_virtqueue *vq, struct vring_used_elem *heads, unsigned count);
int getu16_iotlb(const struct vringh *vrh, u16 *val, const __virtio16 *p);
int putu16_iotlb(const struct vringh *vrh, __virtio16 *p, u16 val);
int copydesc_iotlb(const struct vringh *vrh, void *dst, const void *src, size_t len);
int xfer_from_iotlb(const struct vringh *vrh, void *src, void *dst, size_t len);
int xfer_to_iotlb(const struct vringh *vrh, void *dst, void *src, size_t len);

#ifndef VHC_RING_SHIMS
/* In the kernel units only: the extracted functions are static (inline) there; ring.c has to
 * call vringh's accessors, so they get external linkage. No extracted function has a static
 * local, and nothing after this line is ours. */
#define static
#define inline
#endif

#endif
