/*
 * vhostcheck kernel harness, part "dirtylog": shims (our code) for what the extracted kernel
 * functions call. Behaviour that a model value depends on is cited; the rest are stand-ins for
 * machinery the DirtyLog model does not cover (sockets, eventfds, the IOTLB miss queue).
 */
#define VHC_HARNESS_OWN
#include "prelude.h"
#include "dirtylog.h"

#include <stdio.h>

ushort max_mem_regions = 64;    /* linux drivers/vhost/vhost.c module parameter default */
int max_iotlb_entries = 2048;   /* linux drivers/vhost/vhost.c module parameter default */

void vhc_bug(const char *file, int line)
{
	fprintf(stderr, "kernel BUG at %s:%d\n", file, line);
	abort();
}

/* ---- access_ok: the kernel's __access_ok; the checks log_access_ok makes are the log bytes
 * validated (spec DirtyLog "validated") ---- */
bool vhc_access_ok(const char *caller, unsigned long addr, unsigned long size)
{
	bool ok = __access_ok((const void __user *)addr, size);

	if (strcmp(caller, "log_access_ok") == 0)
		vhc_record_check(addr, size, ok);
	return ok;
}

/* ---- the IOTLB as a list (the interval tree of drivers/vhost/iotlb.c is not compiled) ---- */

/* linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_alloc / vhost_iotlb_init */
struct vhost_iotlb *vhost_iotlb_alloc(unsigned int limit, unsigned int flags)
{
	struct vhost_iotlb *iotlb = calloc(1, sizeof(*iotlb));

	if (!iotlb)
		return NULL;
	INIT_LIST_HEAD(&iotlb->list);
	iotlb->limit = limit;
	iotlb->flags = flags;
	return iotlb;
}

static void vhc_unlink(struct vhost_iotlb *iotlb, struct vhost_iotlb_map *map)
{
	map->link.prev->next = map->link.next;
	map->link.next->prev = map->link.prev;
	iotlb->nmaps--;
}

/* linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_free / vhost_iotlb_reset */
void vhost_iotlb_free(struct vhost_iotlb *iotlb)
{
	if (!iotlb)
		return;
	while (iotlb->list.next != &iotlb->list) {
		struct vhost_iotlb_map *m = container_of(iotlb->list.next, struct vhost_iotlb_map, link);

		vhc_unlink(iotlb, m);
		free(m);
	}
	free(iotlb);
}

/*
 * linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx (same in 6.1): last < start fails
 * with -EFAULT, [0, ULONG_MAX] is split into two halves, a full table retires its oldest map.
 */
int vhost_iotlb_add_range(struct vhost_iotlb *iotlb, u64 start, u64 last, u64 addr, unsigned int perm)
{
	struct vhost_iotlb_map *map;

	if (last < start)
		return -EFAULT;
	if (!iotlb->limit)
		return -EINVAL;
	if (start == 0 && last == ULONG_MAX) {
		u64 mid = last / 2;
		int err;

		if (iotlb->limit < 2)
			return -ENOSPC;
		if (!(iotlb->flags & VHOST_IOTLB_FLAG_RETIRE) && iotlb->nmaps > iotlb->limit - 2)
			return -ENOSPC;
		err = vhost_iotlb_add_range(iotlb, start, mid, addr, perm);
		if (err)
			return err;
		addr += mid + 1;
		start = mid + 1;
	}
	if (iotlb->nmaps >= iotlb->limit) {
		if (!(iotlb->flags & VHOST_IOTLB_FLAG_RETIRE))
			return -ENOSPC;
		map = container_of(iotlb->list.next, struct vhost_iotlb_map, link);
		vhc_unlink(iotlb, map);
	} else {
		map = malloc(sizeof(*map));
		if (!map)
			return -ENOMEM;
	}
	map->start = start;
	map->size = last - start + 1;
	map->last = last;
	map->addr = addr;
	map->perm = perm;
	iotlb->nmaps++;
	map->link.prev = iotlb->list.prev;
	map->link.next = &iotlb->list;
	iotlb->list.prev->next = &map->link;
	iotlb->list.prev = &map->link;
	return 0;
}

/* linux drivers/vhost/iotlb.c vhost_iotlb_itree_first: the overlapping map with the lowest start */
struct vhost_iotlb_map *vhost_iotlb_itree_first(struct vhost_iotlb *iotlb, u64 start, u64 last)
{
	struct vhost_iotlb_map *m, *best = NULL;

	list_for_each_entry(m, &iotlb->list, link) {
		if (m->start <= last && m->last >= start && (!best || m->start < best->start))
			best = m;
	}
	return best;
}

/* ---- stand-ins: the models have one owner, no IOTLB message queue, no eventfds ---- */
long vhost_dev_check_owner(struct vhost_dev *dev)
{
	return 0;
}

long vhost_dev_set_owner(struct vhost_dev *dev)
{
	return -EBUSY;
}

void vhost_clear_msg(struct vhost_dev *dev)
{
}

void vhost_dev_flush(struct vhost_dev *dev)
{
}

int vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access)
{
	vhc_record_miss(iova);
	return 0;
}

/*
 * NOT the kernel's: linux drivers/vhost/vhost.c vhost_vq_init_access reads and writes the used
 * ring (vhost_update_used_flags, and with log_used it logs that write through log_used). The
 * DirtyLog model has no ring memory and no device step in SetBackend; see the report.
 */
int vhost_vq_init_access(struct vhost_virtqueue *vq)
{
	return 0;
}

struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
	return ERR_PTR(-EBADF);
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
}

/* ---- vhost-net sockets: any fd but -1 is a socket without zerocopy ---- */
static struct socket vhc_sock;

struct socket *get_raw_socket(int fd)
{
	return fd >= 0 ? &vhc_sock : ERR_PTR(-ENOTSOCK);
}

struct socket *get_tap_socket(int fd)
{
	return ERR_PTR(-EBADF);
}

bool vhost_sock_zcopy(struct socket *sock)
{
	return false;
}

/* linux drivers/vhost/net.c vhost_net_ubuf_alloc: no zerocopy, no ubufs */
struct vhost_net_ubuf_ref *vhost_net_ubuf_alloc(struct vhost_virtqueue *vq, bool zcopy)
{
	return NULL;
}

void vhost_net_ubuf_put_wait_and_free(struct vhost_net_ubuf_ref *ubufs)
{
}

void vhost_net_disable_vq(struct vhost_net *n, struct vhost_virtqueue *vq)
{
}

int vhost_net_enable_vq(struct vhost_net *n, struct vhost_virtqueue *vq)
{
	return 0;
}

void vhost_net_buf_unproduce(struct vhost_net_virtqueue *nvq)
{
}

struct ptr_ring *get_tap_ptr_ring(struct file *file)
{
	return NULL;
}

void vhost_zerocopy_signal_used(struct vhost_net *net, struct vhost_virtqueue *vq)
{
}

void sockfd_put(struct socket *sock)
{
}

/* ---- simulated user memory: the VMM's pages that set_bit_to_user pins ---- */
static struct page **vhc_pages;
static size_t vhc_npages, vhc_cap, vhc_kept;
static struct page *vhc_last;

/*
 * linux 6.12 mm/gup.c gup_fast_fallback (pin_user_pages_fast): the page-aligned range must not
 * overflow (-EOVERFLOW), must end at or below TASK_SIZE_MAX and pass access_ok (-EFAULT). Every
 * user page below TASK_SIZE_MAX is taken to be mapped and writable (the VMM's memory).
 */
int pin_user_pages_fast(unsigned long start, int nr_pages, unsigned int gup_flags, struct page **pages)
{
	unsigned long len, end;
	size_t k;

	if (nr_pages != 1)
		BUG();
	start &= PAGE_MASK;
	len = (unsigned long)nr_pages << PAGE_SHIFT;
	if (__builtin_add_overflow(start, len, &end))
		return -EOVERFLOW;
	if (end > TASK_SIZE_MAX)
		return -EFAULT;
	if (!__access_ok((const void __user *)start, len))
		return -EFAULT;
	if (vhc_last && vhc_last->addr == start) {
		pages[0] = vhc_last;
		return 1;
	}
	for (k = 0; k < vhc_npages; k++) {
		if (vhc_pages[k]->addr == start) {
			vhc_last = pages[0] = vhc_pages[k];
			return 1;
		}
	}
	if (vhc_npages == vhc_cap) {
		vhc_cap = vhc_cap ? 2 * vhc_cap : 16;
		vhc_pages = realloc(vhc_pages, vhc_cap * sizeof(*vhc_pages));
		if (!vhc_pages)
			abort();
	}
	/* a page of an earlier call is used again (zeroed): the allocator is a fifth of a replay's time otherwise */
	if (vhc_npages < vhc_kept) {
		vhc_last = vhc_pages[vhc_npages];
	} else {
		vhc_last = calloc(1, sizeof(struct page));
		vhc_last->mem = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		vhc_kept++;
	}
	vhc_last->addr = start;
	memset(vhc_last->mem, 0, PAGE_SIZE);
	vhc_pages[vhc_npages++] = vhc_last;
	pages[0] = vhc_last;
	return 1;
}

void unpin_user_pages_dirty_lock(struct page **pages, unsigned long npages, bool make_dirty)
{
}

/* include/asm-generic/bitops/generic-non-atomic.h generic___set_bit (x86's set_bit, one thread) */
void set_bit(long nr, volatile unsigned long *addr)
{
	addr[nr / (8 * sizeof(long))] |= 1UL << (nr % (8 * sizeof(long)));
}

static int vhc_page_cmp(const void *a, const void *b)
{
	unsigned long x = (*(struct page *const *)a)->addr, y = (*(struct page *const *)b)->addr;

	return x < y ? -1 : x > y;
}

/* every page unpinned; the first vhc_kept entries of vhc_pages stay allocated for the next call */
void vhc_mem_reset(void)
{
	vhc_npages = 0;
	vhc_last = NULL;
}

/* The bits set in the simulated memory, as runs of consecutive (byte, bit) in address order. */
void vhc_mem_runs(void (*run)(u64 lo_byte, int lo_bit, u64 hi_byte, int hi_bit, void *arg), void *arg)
{
	size_t k;
	int open = 0, lo_bit = 0, prev_bit = 0;
	u64 lo_byte = 0, prev_byte = 0;

	if (vhc_npages > 1) /* no page pinned yet: vhc_pages may be NULL, which qsort must not get */
		qsort(vhc_pages, vhc_npages, sizeof(*vhc_pages), vhc_page_cmp);
	vhc_last = NULL;
	for (k = 0; k < vhc_npages; k++) {
		const unsigned char *mem = vhc_pages[k]->mem;

		for (size_t i = 0; i < PAGE_SIZE; i++) {
			unsigned char b = mem[i];
			u64 byte = vhc_pages[k]->addr + i;

			/* the scan is most of a replay's time on wide logs: skip zero words outside a run, and let a
			   full byte right after the run's last bit extend it */
			if (!open && i % 8 == 0) {
				u64 w;

				memcpy(&w, mem + i, sizeof(w));
				if (!w) {
					i += sizeof(w) - 1;
					continue;
				}
			}
			if (!b && !open)
				continue;
			if (b == 0xff && open && byte == prev_byte + 1 && prev_bit == 7) {
				prev_byte = byte;
				continue;
			}
			for (int bit = 0; bit < 8; bit++) {

				if (b & (1u << bit)) {
					int next = open && ((byte == prev_byte && bit == prev_bit + 1) ||
							    (byte == prev_byte + 1 && bit == 0 && prev_bit == 7));
					if (open && !next)
						run(lo_byte, lo_bit, prev_byte, prev_bit, arg);
					if (!next) {
						lo_byte = byte;
						lo_bit = bit;
					}
					open = 1;
					prev_byte = byte;
					prev_bit = bit;
				} else if (open) {
					run(lo_byte, lo_bit, prev_byte, prev_bit, arg);
					open = 0;
				}
			}
		}
	}
	if (open)
		run(lo_byte, lo_bit, prev_byte, prev_bit, arg);
}
