/*
 * vhostcheck kernel harness, part "dirtylog": what the extracted dirty-log functions of
 * drivers/vhost/vhost.c and drivers/vhost/net.c (and x86's __access_ok) need to compile in
 * userspace. Our own minimal definitions (the field names the kernel code uses, not the
 * kernel's structs); behaviour-bearing shims are in shims.c, each citing what it stands for.
 * Included first by every generated unit, and by our own .c files.
 */
#ifndef VHC_DIRTYLOG_PRELUDE_H
#define VHC_DIRTYLOG_PRELUDE_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h> /* struct iovec: iov_base, iov_len, as the kernel's */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint64_t __u64;
typedef uint32_t __u32;
typedef uint16_t __u16;
typedef uint16_t __virtio16;
typedef unsigned short ushort;

#define __user
#define __force
#define __must_check
#define __maybe_unused __attribute__((unused))
#undef __always_inline
#define __always_inline inline
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define smp_wmb() __sync_synchronize()
#define BUILD_BUG_ON(c) ((void)sizeof(char[1 - 2 * !!(c)]))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define swap(a, b) do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)
#define container_of(p, T, m) ((T *)((char *)(p) - offsetof(T, m)))

/* include/linux/overflow.h, saturating as there: size_add, struct_size, flex_array_size */
static inline size_t vhc_size_add(size_t a, size_t b)
{
	size_t r;
	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}
static inline size_t vhc_size_mul(size_t a, size_t b)
{
	size_t r;
	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}
#define size_add(a, b) vhc_size_add(a, b)
#define flex_array_size(p, member, n) vhc_size_mul(sizeof(*(p)->member), n)
#define struct_size(p, member, n) vhc_size_add(sizeof(*(p)), flex_array_size(p, member, n))

/* errno values the code returns; ENOIOCTLCMD is kernel-internal (include/linux/errno.h) */
#define ENOIOCTLCMD 515

/* BUG(): the harness stops with a report (KernelCrash on the Java side) */
void vhc_bug(const char *file, int line) __attribute__((noreturn));
#define BUG() vhc_bug(__FILE__, __LINE__)
#define BUG_ON(c) do { if (c) BUG(); } while (0)

/* ---- x86-64 user address space (arch/x86/include/asm/page_64_types.h, 4-level paging) ---- */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define TASK_SIZE_MAX ((1UL << 47) - PAGE_SIZE)
/* linux 6.12 arch/x86/kernel/cpu/common.c arch_cpu_finalize_init: USER_PTR_MAX = TASK_SIZE_MAX */
#define USER_PTR_MAX TASK_SIZE_MAX
#define runtime_const_ptr(x) (x)
/* linux 6.12 arch/x86/include/asm/uaccess_64.h valid_user_address (a macro there) */
#define valid_user_address(x) ((__force unsigned long)(x) <= runtime_const_ptr(USER_PTR_MAX))
/* IS_ENABLED for the two options linux 6.1 include/asm-generic/access_ok.h asks about (x86-64) */
#define IS_ENABLED(opt) VHC_CONFIG_##opt
#define VHC_CONFIG_CONFIG_MMU 1
#define VHC_CONFIG_CONFIG_ALTERNATE_USER_ADDRESS_SPACE 0
/* the extracted __access_ok (arch/x86 in 6.12, asm-generic in 6.1); declared without inline so that
 * its unit emits an external definition */
#if VHC_LINUX >= 612
bool __access_ok(const void __user *ptr, unsigned long size);
#else
int __access_ok(const void __user *ptr, unsigned long size);
#endif
/* access_ok: the kernel's __access_ok, recording the calls log_access_ok makes (shims.c) */
bool vhc_access_ok(const char *caller, unsigned long addr, unsigned long size);
#define access_ok(addr, size) vhc_access_ok(__func__, (unsigned long)(addr), (unsigned long)(size))

/* ---- lists (include/linux/list.h semantics) ---- */
struct list_head {
	struct list_head *next, *prev;
};
#define INIT_LIST_HEAD(h) do { (h)->next = (h); (h)->prev = (h); } while (0)
#define list_for_each_entry(pos, head, member) \
	for (pos = container_of((head)->next, __typeof__(*pos), member); &pos->member != (head); \
	     pos = container_of(pos->member.next, __typeof__(*pos), member))

/* ---- locking: one thread, nothing to lock; but a lock is read where the kernel would take it, so
 * that a lock of something that is not there (a vq past d->nvqs) is a bad access ASan reports ---- */
struct mutex {
	int held;
};
#define mutex_lock(m) ((void)*(volatile int *)&(m)->held)
#define mutex_lock_nested(m, k) ((void)*(volatile int *)&(m)->held, (void)(k))
#define mutex_unlock(m) ((void)*(volatile int *)&(m)->held)
#define EPOLLIN 0x1
#define EPOLLRDNORM 0x40
#define wake_up_interruptible_poll(w, e) ((void)(w))

/* ---- allocation ---- */
#define GFP_KERNEL 0
#define GFP_ATOMIC 0
#define kvzalloc(n, gfp) calloc(1, (n))
#define kvfree(p) free(p)
#define kmalloc(n, gfp) malloc(n)
#define kzalloc(n, gfp) calloc(1, (n))
#define kfree(p) free(p)

/* ---- user copies: the ioctl argument is a buffer of ours (the VMM's memory) ---- */
#define copy_from_user(to, from, n) (memcpy((to), (from), (n)), 0UL)
#define get_user(x, p) ({ (x) = *(p); 0; })
#define put_user(x, p) ({ *(p) = (x); 0; })

#define IS_ERR(p) ((unsigned long)(void *)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#define ERR_PTR(e) ((void *)(long)(e))

/* ---- uapi: vhost ioctls and structs (include/uapi/linux/vhost.h, vhost_types.h) ---- */
#define VHOST_VIRTIO 0xAF
#define VHC_IOC(dir, nr, size) (((dir) << 30) | ((size) << 16) | (VHOST_VIRTIO << 8) | (nr))
#define VHOST_SET_OWNER VHC_IOC(0U, 0x01, 0U)
#define VHOST_SET_MEM_TABLE VHC_IOC(1U, 0x03, (unsigned)sizeof(struct vhost_memory))
#define VHOST_SET_LOG_BASE VHC_IOC(1U, 0x04, 8U)
#define VHOST_SET_LOG_FD VHC_IOC(1U, 0x07, 4U)
#define VHOST_FILE_UNBIND -1
#define VHOST_VRING_F_LOG 0
#define VHOST_F_LOG_ALL 26
#define VHOST_NET_F_VIRTIO_NET_HDR 27
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_NET_F_MRG_RXBUF 15

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
struct vhost_vring_addr {
	unsigned int index;
	unsigned int flags;
	__u64 desc_user_addr;
	__u64 used_user_addr;
	__u64 avail_user_addr;
	__u64 log_guest_addr;
};

/* ---- virtio ring layout (include/uapi/linux/virtio_ring.h): sizes matter, contents do not ---- */
#define VRING_AVAIL_ALIGN_SIZE 2
#define VRING_USED_ALIGN_SIZE 4
struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
struct vring_avail {
	__virtio16 flags;
	__virtio16 idx;
	__virtio16 ring[];
};
struct vring_used_elem {
	u32 id;
	u32 len;
};
struct vring_used {
	__virtio16 flags;
	__virtio16 idx;
	struct vring_used_elem ring[];
};
typedef struct vring_desc vring_desc_t;
typedef struct vring_avail vring_avail_t;
typedef struct vring_used vring_used_t;

struct virtio_net_hdr {
	u8 flags, gso_type;
	u16 hdr_len, gso_size, csum_start, csum_offset;
};
struct virtio_net_hdr_mrg_rxbuf {
	struct virtio_net_hdr hdr;
	u16 num_buffers;
};

/* ---- IOTLB (include/linux/vhost_iotlb.h); maps kept in a list, see shims.c ---- */
#define VHOST_MAP_RO 0x1
#define VHOST_MAP_WO 0x2
#define VHOST_MAP_RW 0x3
#define VHOST_IOTLB_FLAG_RETIRE 0x1
struct vhost_iotlb_map {
	struct list_head link;
	u64 start;
	u64 last;
	u64 size;
	u64 addr;
	u32 perm;
};
struct vhost_iotlb {
	struct list_head list;
	unsigned int limit;
	unsigned int nmaps;
	unsigned int flags;
};
struct vhost_iotlb *vhost_iotlb_alloc(unsigned int limit, unsigned int flags);
void vhost_iotlb_free(struct vhost_iotlb *iotlb);
int vhost_iotlb_add_range(struct vhost_iotlb *iotlb, u64 start, u64 last, u64 addr, unsigned int perm);
struct vhost_iotlb_map *vhost_iotlb_itree_first(struct vhost_iotlb *iotlb, u64 start, u64 last);

/* ---- vhost (drivers/vhost/vhost.h) ---- */
#define VHOST_PAGE_SIZE 0x1000
#define VHOST_ACCESS_RO 0x1
#define VHOST_ACCESS_WO 0x2
#define VHOST_ACCESS_RW 0x3
enum { VHOST_ADDR_DESC = 0, VHOST_ADDR_AVAIL = 1, VHOST_ADDR_USED = 2, VHOST_NUM_ADDRS = 3 };

struct eventfd_ctx;
struct vhost_log {
	u64 addr;
	u64 len;
};
struct vhost_dev;
struct vhost_virtqueue {
	struct vhost_dev *dev;
	struct mutex mutex;
	unsigned int num;
	vring_desc_t __user *desc;
	vring_avail_t __user *avail;
	vring_used_t __user *used;
	const struct vhost_iotlb_map *meta_iotlb[VHOST_NUM_ADDRS];
	struct eventfd_ctx *log_ctx;
	void *private_data;
	u64 acked_features;
	void __user *log_base;
	bool log_used;
	u64 log_addr;
	struct iovec iotlb_iov[64];
	struct iovec log_iov[64];
	struct vhost_log *log;
	struct vhost_iotlb *umem;
	struct vhost_iotlb *iotlb;
};
struct vhost_dev {
	struct mutex mutex;
	struct vhost_virtqueue **vqs;
	int nvqs;
	struct eventfd_ctx *log_ctx;
	struct vhost_iotlb *umem;
	struct vhost_iotlb *iotlb;
	int wait;
};

static inline bool vhost_has_feature(struct vhost_virtqueue *vq, int bit)
{
	return vq->acked_features & (1ULL << bit);
}
static inline void vhost_vq_set_backend(struct vhost_virtqueue *vq, void *private_data)
{
	vq->private_data = private_data;
}
static inline void *vhost_vq_get_backend(struct vhost_virtqueue *vq)
{
	return vq->private_data;
}

/* module parameters of vhost.c (defaults) */
extern ushort max_mem_regions;
extern int max_iotlb_entries;

/* shims (shims.c) for what the extracted functions call but the models do not cover */
long vhost_dev_check_owner(struct vhost_dev *dev);
long vhost_dev_set_owner(struct vhost_dev *dev);
void vhost_clear_msg(struct vhost_dev *dev);
void vhost_dev_flush(struct vhost_dev *dev);
int vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access);
int vhost_vq_init_access(struct vhost_virtqueue *vq);
struct eventfd_ctx *eventfd_ctx_fdget(int fd);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
#define eventfd_signal(ctx, ...) ((void)(ctx))

/* ---- pages of user memory (set_bit_to_user) ---- */
#define FOLL_WRITE 0x1
struct page {
	unsigned long addr;
	unsigned char *mem;
};
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags, struct page **pages);
void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages, bool make_dirty);
#define kmap_atomic(page) ((void *)(page)->mem)
#define kunmap_atomic(addr) ((void)(addr))
void set_bit(long nr, volatile unsigned long *addr);

/* ---- vhost-net (drivers/vhost/net.c) ---- */
enum { VHOST_NET_VQ_RX = 0, VHOST_NET_VQ_TX = 1, VHOST_NET_VQ_MAX = 2 };
struct file;
struct socket {
	struct file *file;
};
struct ptr_ring;
struct vhost_net_ubuf_ref;
struct vhost_net_virtqueue {
	struct vhost_virtqueue vq;
	size_t vhost_hlen;
	size_t sock_hlen;
	struct vhost_net_ubuf_ref *ubufs;
	struct ptr_ring *rx_ring;
};
struct vhost_net {
	struct vhost_dev dev;
	struct vhost_net_virtqueue vqs[VHOST_NET_VQ_MAX];
	unsigned tx_packets;
	unsigned tx_zcopy_err;
	bool tx_flush;
};
struct socket *get_raw_socket(int fd);
struct socket *get_tap_socket(int fd);
bool vhost_sock_zcopy(struct socket *sock);
struct vhost_net_ubuf_ref *vhost_net_ubuf_alloc(struct vhost_virtqueue *vq, bool zcopy);
void vhost_net_ubuf_put_wait_and_free(struct vhost_net_ubuf_ref *ubufs);
void vhost_net_disable_vq(struct vhost_net *n, struct vhost_virtqueue *vq);
int vhost_net_enable_vq(struct vhost_net *n, struct vhost_virtqueue *vq);
void vhost_net_buf_unproduce(struct vhost_net_virtqueue *nvq);
struct ptr_ring *get_tap_ptr_ring(struct file *file);
void vhost_zerocopy_signal_used(struct vhost_net *net, struct vhost_virtqueue *vq);
void sockfd_put(struct socket *sock);

/* ---- the extracted kernel functions (prototypes: they call each other across units) ---- */
bool log_access_ok(void __user *log_base, u64 addr, unsigned long sz);
bool vhost_overflow(u64 uaddr, u64 size);
bool vq_memory_access_ok(void __user *log_base, struct vhost_iotlb *umem, int log_all);
bool memory_access_ok(struct vhost_dev *d, struct vhost_iotlb *umem, int log_all);
bool vq_access_ok(struct vhost_virtqueue *vq, unsigned int num, vring_desc_t __user *desc,
		  vring_avail_t __user *avail, vring_used_t __user *used);
size_t vhost_get_desc_size(struct vhost_virtqueue *vq, unsigned int num);
size_t vhost_get_avail_size(struct vhost_virtqueue *vq, unsigned int num);
size_t vhost_get_used_size(struct vhost_virtqueue *vq, unsigned int num);
bool vhost_log_access_ok(struct vhost_dev *dev);
bool vq_log_used_access_ok(struct vhost_virtqueue *vq, void __user *log_base, bool log_used, u64 log_addr);
bool vq_log_access_ok(struct vhost_virtqueue *vq, void __user *log_base);
bool vhost_vq_access_ok(struct vhost_virtqueue *vq);
long vhost_set_memory(struct vhost_dev *d, struct vhost_memory __user *m);
long vhost_vring_set_addr(struct vhost_dev *d, struct vhost_virtqueue *vq, void __user *argp);
long vhost_dev_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp);
int set_bit_to_user(int nr, void __user *addr);
int log_write(void __user *log_base, u64 write_address, u64 write_length);
int log_write_hva(struct vhost_virtqueue *vq, u64 hva, u64 len);
int log_used(struct vhost_virtqueue *vq, u64 used_offset, u64 len);
int vhost_log_write(struct vhost_virtqueue *vq, struct vhost_log *log, unsigned int log_num, u64 len,
		    struct iovec *iov, int count);
int translate_desc(struct vhost_virtqueue *vq, u64 addr, u32 len, struct iovec iov[], int iov_size, int access);
struct vhost_iotlb *iotlb_alloc(void);
void __vhost_vq_meta_reset(struct vhost_virtqueue *vq);
void vhost_dev_lock_vqs(struct vhost_dev *d);
void vhost_dev_unlock_vqs(struct vhost_dev *d);
#if VHC_LINUX >= 612
int vhost_init_device_iotlb(struct vhost_dev *d);
void vhost_clear_device_iotlb(struct vhost_dev *d);
void vhost_vq_invalidate_access(struct vhost_virtqueue *vq);
#else
int vhost_init_device_iotlb(struct vhost_dev *d, bool enabled);
#endif
struct socket *get_socket(int fd);
int vhost_net_set_features(struct vhost_net *n, u64 features);
long vhost_net_set_backend(struct vhost_net *n, unsigned index, int fd);

/*
 * Last: the extracted functions are `static` in their files; here they live in several units
 * and are called by our handler, so `static` is dropped (after every definition of ours above).
 */
#ifndef VHC_HARNESS_OWN
#define static
#endif

#endif
