/*
 * What is set up as input and what is poisoned as output: conformance/kernel/HARNESS.md, "ring".
 *
 * The ring part (our code): spec/VirtQueue.tla's device steps run through the extracted
 * drivers/vhost/vhost.c (vhost_get_vq_desc, get_indirect, next_desc, translate_desc,
 * vhost_add_used_n ...) and drivers/vhost/vringh.c (getu16_iotlb, putu16_iotlb, copy_*_iotlb,
 * xfer_*_iotlb, copydesc_iotlb, iotlb_translate) over the real device IOTLB (drivers/vhost/iotlb.c).
 * Guest memory, user accesses and iov_iter are simulated here.
 *
 * One spec step, one loop iteration. The spec walks a chain one iteration per step (GetHead,
 * WalkDesc, WalkIndirect) with guest writes in between; the kernel runs the whole loop in one
 * vhost_get_vq_desc call. Each request is stateless and carries the spec's state before the step
 * (graph edges start anywhere, so earlier memory is not known). The harness calls
 * vhost_get_vq_desc once per step and
 *  1. replays the iterations the spec has already done (walk.found of them, or found - 1 and the
 *     INDIRECT descriptor walk.outer, and walk.ifound entries of its table) with descriptors
 *     served here that add nothing (length 0, WRITE|NEXT, next = walk.i): the kernel's own loop
 *     locals (i, found, head, get_indirect's iterator position) come out as the spec's walk;
 *  2. when that prefix is over (next_desc's READ_ONCE(desc->next) after the last one, or
 *     get_indirect's iov_iter_init of its table), puts the spec's in/out/log counts into the
 *     caller's out_num/in_num/log_num, whose arrays hold the spec's iov and log entries already
 *     (the entries after them, and the counts until then, are poison: HARNESS.md);
 *  3. serves the next read from the guest memory of the request: the one iteration the step is;
 *  4. stops when that iteration ends: next_desc's READ_ONCE of the descriptor it read (the chain
 *     goes on: walk.i = what it returns), or get_indirect's iov_iter_init (an INDIRECT table is
 *     entered), or the call returns (a head: the chain is accepted; an error). Stopping = every
 *     later descriptor read fails, so the call returns with nothing more written.
 * Errors the kernel finds at the top of the next iteration (i >= num, ++found > num, the head
 * check, ++found > count) are thus left to the next spec step, which is where the spec has them.
 * What the response reports is what the kernel did: its return value, the index it read, the
 * value next_desc returned, the counts and iov/log entries it wrote, last_avail_idx/avail_idx.
 */
#define _GNU_SOURCE
#define VHC_RING_SHIMS
#include "prelude.h"
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *const vhc_part = "ring";

/* ---- guest memory ---- */

/* The rings live in blocks of their exact size (an access past one is an ASan report, e.g. F005);
 * meta maps point the ring IOVAs at them. Other user addresses (what the IOTLB maps give) are
 * pages allocated on first touch, zero but for the indirect table the request puts in. */
#define RING_IOVA_DESC 0xd0000000ULL
#define RING_IOVA_AVAIL 0xe0000000ULL
#define RING_IOVA_USED 0xf0000000ULL
struct block { u8 *p; size_t n; };
static struct block blk_desc, blk_avail, blk_used;

#define MAX_PAGES 256
static struct { u64 page; u8 *data; } pages[MAX_PAGES];
static int npages;

static u8 *page_of(u64 uaddr)
{
	u64 pg = uaddr & ~(u64)(PAGE_SIZE - 1);

	for (int k = 0; k < npages; k++)
		if (pages[k].page == pg)
			return pages[k].data;
	if (npages == MAX_PAGES)
		vhc_fail("more than %d guest pages touched", MAX_PAGES);
	pages[npages].page = pg;
	pages[npages].data = calloc(1, PAGE_SIZE);
	return pages[npages++].data;
}

static int in_block(const struct block *b, u64 a)
{
	return b->p && a >= (u64)(uintptr_t)b->p && a < (u64)(uintptr_t)b->p + b->n;
}

static int is_ring(u64 a)
{
	return in_block(&blk_desc, a) || in_block(&blk_avail, a) || in_block(&blk_used, a);
}

/* the maps of the request (to tell which map a written user address lies in) */
#define MAX_MAPS 64
static struct { u64 start, last, addr; int perm; } maps[MAX_MAPS];
static int nmaps;
static unsigned wrote_perms;   /* bit p: guest memory written through a map of perm p */
static u64 moved;              /* bytes the copies and 16-bit accesses moved */

static void note_write(u64 uaddr, size_t n)
{
	for (size_t off = 0; off < n; off++)
		for (int k = 0; k < nmaps; k++) {
			u64 a = uaddr + off, base = maps[k].addr, size = maps[k].last - maps[k].start;
			if (a - base <= size) {
				wrote_perms |= 1u << maps[k].perm;
				break;
			}
		}
}

/* user memory access: a ring block directly (its start decides: ASan sees any overrun), else pages */
static void user_rw(u64 uaddr, void *buf, size_t n, int write)
{
	if (is_ring(uaddr)) {
		if (write)
			memcpy((void *)(uintptr_t)uaddr, buf, n);
		else
			memcpy(buf, (const void *)(uintptr_t)uaddr, n);
		return;
	}
	while (n) {
		size_t off = uaddr & (PAGE_SIZE - 1), k = PAGE_SIZE - off < n ? PAGE_SIZE - off : n;
		u8 *pg = page_of(uaddr);
		if (write) {
			memcpy(pg + off, buf, k);
			note_write(uaddr, k);
		} else {
			memcpy(buf, pg + off, k);
		}
		uaddr += k;
		buf = (u8 *)buf + k;
		n -= k;
	}
}

/* ---- the walk's control (see the top of the file) ---- */
enum step { STEP_NONE, STEP_HEAD, STEP_DESC, STEP_IND };
static struct {
	enum step step;
	unsigned found, ifound;       /* the spec's walk.found / walk.ifound before the step */
	u16 wi;                       /* walk.i */
	struct vring_desc outer;      /* walk.outer (the copy the kernel took) */
	unsigned main_reads, inner_reads;
	int real_main, real_inner;    /* the step's own read happened */
	int stopped;
	const char *event;
	long read_index, next;
	struct vring_desc served;     /* what the step's own main read returned */
	size_t ind_bytes;
	const void *main_desc, *inner_desc;  /* the kernel's local copies */
	int head_read, idx_read;
	long head_value;
	unsigned *out_num, *in_num, *log_num;
	unsigned set_out, set_in, set_log;
	struct vhost_virtqueue *vq;
} w;

static void dummy(struct vring_desc *d)
{
	d->addr = 0;
	d->len = 0;
	d->flags = htole16(VRING_DESC_F_NEXT | VRING_DESC_F_WRITE);
	d->next = htole16(w.wi);
}

static void set_counts(void)
{
	*w.out_num = w.set_out;
	*w.in_num = w.set_in;
	if (w.log_num)
		*w.log_num = w.set_log;
}

static void stop(const char *event)
{
	w.stopped = 1;
	w.event = event;
}

/* arch __copy_from_user: the descriptor table reads of vhost_get_desc (through the meta map) */
unsigned long vhc_copy_from_user(void *to, const void *from, unsigned long n)
{
	u64 a = (u64)(uintptr_t)from;

	if (w.step == STEP_NONE || !in_block(&blk_desc, a) || n != sizeof(struct vring_desc)) {
		user_rw(a, to, n, 0);
		return 0;
	}
	if (w.stopped)
		return n;
	w.main_desc = to;
	unsigned prefix = w.step == STEP_DESC ? w.found : w.step == STEP_IND ? w.found - 1 : 0;
	unsigned k = ++w.main_reads;
	if (w.step == STEP_HEAD) {
		w.read_index = (long)((a - (u64)(uintptr_t)blk_desc.p) / sizeof(struct vring_desc));
		stop("desc_read");
		w.main_reads--;
		return n;
	}
	if (k <= prefix) {
		dummy(to);
		return 0;
	}
	if (w.step == STEP_IND && k == w.found) {
		memcpy(to, &w.outer, sizeof(w.outer));
		return 0;
	}
	if (w.step == STEP_DESC && k == w.found + 1) {
		w.real_main = 1;
		w.read_index = (long)((a - (u64)(uintptr_t)blk_desc.p) / sizeof(struct vring_desc));
		user_rw(a, to, n, 0);
		memcpy(&w.served, to, sizeof(w.served));
		return 0;
	}
	return n;
}

unsigned long vhc_copy_to_user(void *to, const void *from, unsigned long n)
{
	user_rw((u64)(uintptr_t)to, (void *)from, n, 1);
	return 0;
}

int vhc_get_user(void *x, const void *ptr, size_t n)
{
	u64 a = (u64)(uintptr_t)ptr;

	if (w.step != STEP_NONE && in_block(&blk_avail, a)) {
		if (a == (u64)(uintptr_t)blk_avail.p + offsetof(struct vring_avail, idx)) {
			w.idx_read = 1;
		} else {
			u16 h;
			user_rw(a, &h, 2, 0);
			w.head_read = 1;
			w.head_value = le16toh(h);
		}
	}
	user_rw(a, x, n, 0);
	return 0;
}

int vhc_put_user(const void *x, void *ptr, size_t n)
{
	u64 a = (u64)(uintptr_t)ptr;

	if (!is_ring(a))
		moved += n;
	user_rw(a, (void *)x, n, 1);
	return 0;
}

static int in_page_store(const void *p, u64 *uaddr)
{
	for (int k = 0; k < npages; k++)
		if ((const u8 *)p >= pages[k].data && (const u8 *)p < pages[k].data + PAGE_SIZE) {
			*uaddr = pages[k].page + (u64)((const u8 *)p - pages[k].data);
			return 1;
		}
	return 0;
}

/* READ_ONCE: next_desc's read of desc->next ends an iteration (see the top of the file) */
const void *vhc_read_once(const void *p, size_t n)
{
	u64 ua;

	if (w.step != STEP_NONE && w.main_desc && p == (const u8 *)w.main_desc + offsetof(struct vring_desc, next)) {
		int own = w.step == STEP_DESC ? w.real_main : w.real_inner;
		if (!w.stopped && own) {
			w.next = vhost16_to_cpu(w.vq, *(const __virtio16 *)p);
			stop("next");
		} else if (!w.stopped && w.step == STEP_DESC && w.main_reads == w.found) {
			set_counts();
		}
	} else if (w.step == STEP_IND && w.inner_desc &&
		   p == (const u8 *)w.inner_desc + offsetof(struct vring_desc, next)) {
		if (!w.stopped && w.real_inner)
			stop("ind_next");
	} else if (in_page_store(p, &ua)) {
		moved += n;
	}
	return p;
}

void vhc_write_once(void *p, const void *v, size_t n)
{
	u64 ua;

	if (in_page_store(p, &ua)) {
		moved += n;
		note_write(ua, n);
	}
	memcpy(p, v, n);
}

void *vhc_kmap(struct page *page)
{
	return page_of((u64)(uintptr_t)page);
}

void vhc_spin(spinlock_t *l, int lock)
{
	if (l->held == lock)
		vhc_bug(lock ? "spin_lock of a held lock" : "spin_unlock of a free lock");
	l->held = lock;
}

void vhc_bug(const char *what)
{
	fprintf(stderr, "vhc-ring: BUG: %s\n", what);
	abort();
}

void vhc_vq_err(const char *fmt, ...)
{
	(void)fmt;
}

/* linux drivers/vhost/vhost.c vhost_iotlb_miss: queues a miss message for userspace; nothing to do */
void vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access)
{
	(void)vq, (void)iova, (void)access;
}

/* linux drivers/vhost/vhost.c log_used: vq->log_used is false here, so never called */
int log_used(struct vhost_virtqueue *vq, u64 used_offset, u64 len)
{
	(void)vq, (void)used_offset, (void)len;
	vhc_bug("log_used");
	return 0;
}

/* ---- lib/iov_iter.c: our iterator ---- */
static int short_left;   /* the next copy falls short by this many bytes (the spec's Shorts) */

void iov_iter_init(struct iov_iter *i, unsigned int direction, const struct iovec *iov, unsigned long nr_segs, size_t count)
{
	memset(i, 0, sizeof(*i));
	i->dir = direction;
	i->iov = iov;
	i->nr_segs = nr_segs;
	i->count = count;
	/* get_indirect's table: the INDIRECT descriptor passed its checks and translated */
	if (w.step != STEP_NONE && w.vq && iov == w.vq->indirect && !w.stopped) {
		if (w.step == STEP_IND && w.main_reads == w.found) {
			set_counts();
		} else if (w.step == STEP_DESC && w.real_main) {
			w.ind_bytes = count;
			stop("ind_start");
		}
	}
}

void iov_iter_bvec(struct iov_iter *i, unsigned int direction, const struct bio_vec *bvec, unsigned long nr_segs, size_t count)
{
	memset(i, 0, sizeof(*i));
	i->bvec_kind = 1;
	i->dir = direction;
	i->bvec = bvec;
	i->nr_segs = nr_segs;
	i->count = count;
}

/* moves up to `bytes` between buf and the iterator's segments; returns how many */
static size_t iter_xfer(void *buf, size_t bytes, struct iov_iter *i, int to_iter)
{
	size_t done = 0;

	if (bytes > i->count)
		bytes = i->count;
	while (done < bytes && i->seg < i->nr_segs) {
		u64 base;
		size_t len;
		if (i->bvec_kind) {
			base = (u64)(uintptr_t)i->bvec[i->seg].bv_page + i->bvec[i->seg].bv_offset;
			len = i->bvec[i->seg].bv_len;
		} else {
			base = (u64)(uintptr_t)i->iov[i->seg].iov_base;
			len = i->iov[i->seg].iov_len;
		}
		size_t k = len - i->seg_off < bytes - done ? len - i->seg_off : bytes - done;
		user_rw(base + i->seg_off, (u8 *)buf + done, k, to_iter);
		done += k;
		i->seg_off += k;
		if (i->seg_off == len) {
			i->seg++;
			i->seg_off = 0;
		}
	}
	i->count -= done;
	return done;
}

/* a short copy: copy_{from,to}_iter move `short_left` bytes fewer, once (spec Copy's short) */
static size_t shorten(size_t bytes)
{
	if (short_left && bytes > 0) {
		bytes -= (size_t)short_left < bytes ? (size_t)short_left : bytes;
		short_left = 0;
	}
	return bytes;
}

size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i)
{
	size_t n = iter_xfer(addr, shorten(bytes), i, 0);
	moved += n;
	return n;
}

size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i)
{
	size_t n = iter_xfer((void *)addr, shorten(bytes), i, 1);
	moved += n;
	return n;
}

/* get_indirect's reads of its table, one descriptor each (see the top of the file) */
bool copy_from_iter_full(void *addr, size_t bytes, struct iov_iter *i)
{
	if (w.step == STEP_NONE || w.stopped || bytes != sizeof(struct vring_desc))
		return w.step == STEP_NONE ? (i->count >= bytes && iter_xfer(addr, bytes, i, 0) == bytes) : false;
	if (i->count < bytes)
		return false;
	w.inner_desc = addr;
	unsigned k = ++w.inner_reads;
	if (w.step != STEP_IND || k > w.ifound + 1) {
		w.inner_reads--;
		return false;
	}
	struct iov_iter save = *i;
	if (iter_xfer(addr, bytes, i, 0) != bytes) {
		*i = save;
		return false;
	}
	if (k <= w.ifound)
		dummy(addr);
	else
		w.real_inner = 1;
	return true;
}

/* ---- requests ---- */
static struct vhost_iotlb *iotlb_of(const cJSON *req)
{
	const cJSON *ms = vhc_get_array(req, "maps");
	int n = cJSON_GetArraySize(ms);
	if (n > MAX_MAPS)
		vhc_fail("more than %d maps", MAX_MAPS);
	/* the device IOTLB as vhost allocates it; the maps in order (no eviction at this size) */
	struct vhost_iotlb *t = vhost_iotlb_alloc(n + 1, VHOST_IOTLB_FLAG_RETIRE);
	nmaps = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, ms) {
		maps[nmaps].start = vhc_get_u64(m, "start");
		maps[nmaps].last = vhc_get_u64(m, "last");
		maps[nmaps].addr = vhc_get_u64(m, "addr");
		maps[nmaps].perm = (int)vhc_get_int(m, "perm", 0, 3);
		if (vhost_iotlb_add_range(t, maps[nmaps].start, maps[nmaps].last, maps[nmaps].addr, maps[nmaps].perm))
			vhc_fail("vhost_iotlb_add_range refused map %d", nmaps);
		nmaps++;
	}
	return t;
}

static void reset_memory(void)
{
	for (int k = 0; k < npages; k++)
		free(pages[k].data);
	npages = 0;
	free(blk_desc.p);
	free(blk_avail.p);
	free(blk_used.p);
	memset(&blk_desc, 0, sizeof(blk_desc));
	memset(&blk_avail, 0, sizeof(blk_avail));
	memset(&blk_used, 0, sizeof(blk_used));
	memset(&w, 0, sizeof(w));
	wrote_perms = 0;
	moved = 0;
	short_left = 0;
}

static void read_desc(const cJSON *d, struct vring_desc *out)
{
	out->addr = htole64(vhc_get_u64(d, "addr"));
	u64 len = vhc_get_u64(d, "len");
	if (len > 0xffffffffULL)
		vhc_fail("desc.len is not a u32");
	out->len = htole32((u32)len);
	out->flags = htole16((u16)vhc_get_int(d, "flags", 0, 0xffff));
	out->next = htole16((u16)vhc_get_int(d, "next", 0, 0xffff));
}

/* guest memory: the indirect table at IndAddr, wherever a map puts it */
static void put_ind(const cJSON *req)
{
	u64 at = vhc_get_u64(req, "ind_addr");
	const cJSON *ind = vhc_get_array(req, "ind"), *d;
	u64 k = 0;
	cJSON_ArrayForEach(d, ind) {
		struct vring_desc x;
		read_desc(d, &x);
		for (u64 b = 0; b < sizeof(x); b++) {
			u64 iova = at + k * sizeof(x) + b;
			for (int m = 0; m < nmaps; m++)
				if (iova - maps[m].start <= maps[m].last - maps[m].start) {
					u64 ua = maps[m].addr + (iova - maps[m].start);
					page_of(ua)[ua & (PAGE_SIZE - 1)] = ((u8 *)&x)[b];
				}
		}
		k++;
	}
}

static struct vhost_iotlb_map meta[VHOST_NUM_ADDRS];

/* ---- poison (HARNESS.md): what the kernel is to write, set to garbage before the call ---- */
static void poison_iov(struct iovec *iov, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		iov[k].iov_base = (void *)(uintptr_t)VHC_POISON64;
		iov[k].iov_len = (size_t)VHC_POISON64;
	}
}

static void poison_log(struct vhost_log *log, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		log[k].addr = VHC_POISON64;
		log[k].len = VHC_POISON64;
	}
}

static void setup_vq(struct vhost_virtqueue *vq, struct vhost_dev *dev, unsigned num, struct vhost_iotlb *t)
{
	memset(vq, 0, sizeof(*vq));
	dev->iotlb = t;
	dev->umem = NULL;
	vq->dev = dev;
	vq->iotlb = t;
	vq->num = num;
	blk_desc.n = num * sizeof(struct vring_desc);
	blk_desc.p = calloc(1, blk_desc.n);
	blk_avail.n = sizeof(struct vring_avail) + num * sizeof(__virtio16);
	blk_avail.p = calloc(1, blk_avail.n);
	blk_used.n = sizeof(struct vring_used) + num * sizeof(struct vring_used_elem);
	blk_used.p = calloc(1, blk_used.n);
	vq->desc = (void *)(uintptr_t)RING_IOVA_DESC;
	vq->avail = (void *)(uintptr_t)RING_IOVA_AVAIL;
	vq->used = (void *)(uintptr_t)RING_IOVA_USED;
	/* the ring addresses are not modelled: vhost_vq_meta_update's cached maps onto the blocks */
	u64 iova[3] = {RING_IOVA_DESC, RING_IOVA_AVAIL, RING_IOVA_USED};
	struct block *b[3] = {&blk_desc, &blk_avail, &blk_used};
	for (int k = 0; k < 3; k++) {
		memset(&meta[k], 0, sizeof(meta[k]));
		meta[k].start = iova[k];
		meta[k].size = 1ULL << 24;
		meta[k].last = iova[k] + meta[k].size - 1;
		meta[k].addr = (u64)(uintptr_t)b[k]->p;
		meta[k].perm = VHOST_MAP_RW;
		vq->meta_iotlb[k] = &meta[k];
	}
	vq->used_flags = VRING_USED_F_NO_NOTIFY;
	vq->indirect = calloc(UIO_MAXIOV, sizeof(struct iovec));
	/* translate_desc's scratch arrays (get_indirect's table, the slow user accesses): written before read */
	poison_iov(vq->indirect, UIO_MAXIOV);
	poison_iov(vq->iotlb_iov, sizeof(vq->iotlb_iov) / sizeof(vq->iotlb_iov[0]));
}

static long find_map_of_uaddr(u64 ua)
{
	for (int k = 0; k < nmaps; k++)
		if (ua - maps[k].addr <= maps[k].last - maps[k].start)
			return k;
	return -1;
}

static cJSON *desc_json(const struct vring_desc *d)
{
	cJSON *o = cJSON_CreateObject();
	vhc_put_u64(o, "addr", le64toh(d->addr));
	vhc_put_u64(o, "len", le32toh(d->len));
	cJSON_AddNumberToObject(o, "flags", le16toh(d->flags));
	cJSON_AddNumberToObject(o, "next", le16toh(d->next));
	return o;
}

static void op_walk(const cJSON *req, cJSON *resp)
{
	const char *step = vhc_get_str(req, "step");
	unsigned num = (unsigned)vhc_get_int(req, "num", 1, 1 << 15);
	unsigned iov_size = (unsigned)vhc_get_int(req, "iov_size", 1, 1024);
	int logging = vhc_get_bool(req, "logging");
	struct vhost_iotlb *t = iotlb_of(req);
	struct vhost_dev dev;
	struct vhost_virtqueue vq;
	setup_vq(&vq, &dev, num, t);
	put_ind(req);

	const cJSON *ds = vhc_get_array(req, "desc"), *d;
	if ((unsigned)cJSON_GetArraySize(ds) != num)
		vhc_fail("desc: expected %u descriptors", num);
	unsigned k = 0;
	cJSON_ArrayForEach(d, ds)
		read_desc(d, (struct vring_desc *)blk_desc.p + k++);
	struct vring_avail *av = (struct vring_avail *)blk_avail.p;
	const cJSON *as = vhc_get_array(req, "avail"), *h;
	if ((unsigned)cJSON_GetArraySize(as) != num)
		vhc_fail("avail: expected %u entries", num);
	k = 0;
	cJSON_ArrayForEach(h, as)
		av->ring[k++] = htole16((u16)vhc_u64_of(h, "avail"));
	av->idx = htole16((u16)vhc_get_int(req, "avail_idx", 0, 0xffff));
	vq.last_avail_idx = (u16)vhc_get_int(req, "last_avail", 0, 0xffff);
	vq.avail_idx = (u16)vhc_get_int(req, "cached_avail", 0, 0xffff);

	struct iovec *iov = calloc(iov_size, sizeof(*iov));
	struct vhost_log *log = logging ? calloc(iov_size, sizeof(*log)) : NULL;
	/* written by the kernel (*out_num = *in_num = 0 first): poison, the spec's counts come in at step 2 */
	unsigned out_num = VHC_POISON32, in_num = VHC_POISON32, log_num = VHC_POISON32;
	int ret = (int)VHC_POISON32;

	/* the entries this iteration writes: poison; the walk so far (below) overwrites its own */
	poison_iov(iov, iov_size);
	if (log)
		poison_log(log, iov_size);

	memset(&w, 0, sizeof(w));
	w.vq = &vq;
	w.out_num = &out_num;
	w.in_num = &in_num;
	w.log_num = logging ? &log_num : NULL;
	w.read_index = -1;
	w.next = -1;
	w.head_value = -1;
	if (!strcmp(step, "head")) {
		w.step = STEP_HEAD;
	} else {
		w.step = !strcmp(step, "desc") ? STEP_DESC : !strcmp(step, "ind") ? STEP_IND : STEP_NONE;
		if (w.step == STEP_NONE)
			vhc_fail("step: expected head, desc or ind");
		/* the walk so far: the head the kernel reads again, the spec's counts and entries */
		av->ring[vq.last_avail_idx & (num - 1)] = htole16((u16)vhc_get_int(req, "head", 0, 0xffff));
		w.found = (unsigned)vhc_get_int(req, "found", 0, num + 1);
		w.ifound = (unsigned)vhc_get_int(req, "ifound", 0, 1 << 20);
		w.wi = (u16)vhc_get_int(req, "i", 0, 0xffff);
		read_desc(vhc_get(req, "outer"), &w.outer);
		if (w.step == STEP_IND && w.found == 0)
			vhc_fail("an indirect walk with found 0");
		const cJSON *is = vhc_get_array(req, "iov"), *g;
		if ((unsigned)cJSON_GetArraySize(is) > iov_size)
			vhc_fail("iov: more than iov_size entries");
		k = 0;
		cJSON_ArrayForEach(g, is) {
			iov[k].iov_base = (void *)(uintptr_t)vhc_get_u64(g, "hva");
			iov[k].iov_len = vhc_get_u64(g, "len");
			k++;
		}
		const cJSON *ls = vhc_get_array(req, "log"), *l;
		if ((unsigned)cJSON_GetArraySize(ls) > iov_size || (!logging && cJSON_GetArraySize(ls)))
			vhc_fail("log: more entries than the log array holds");
		k = 0;
		cJSON_ArrayForEach(l, ls) {
			log[k].addr = vhc_get_u64(l, "addr");
			log[k].len = vhc_get_u64(l, "len");
			k++;
		}
		w.set_out = (unsigned)vhc_get_int(req, "out_num", 0, iov_size);
		w.set_in = (unsigned)vhc_get_int(req, "in_num", 0, iov_size);
		w.set_log = k;
	}

	ret = vhost_get_vq_desc(&vq, iov, iov_size, &out_num, &in_num, log, logging ? &log_num : NULL);

	cJSON_AddNumberToObject(resp, "ret", ret);
	cJSON_AddStringToObject(resp, "event", w.stopped ? w.event : ret >= 0 && ret != (int)num ? "accept" : ret == (int)num && w.step == STEP_HEAD && !w.head_read ? "empty" : "fail");
	cJSON_AddNumberToObject(resp, "last_avail", vq.last_avail_idx);
	cJSON_AddNumberToObject(resp, "cached_avail", vq.avail_idx);
	cJSON_AddBoolToObject(resp, "idx_read", w.idx_read);
	cJSON_AddNumberToObject(resp, "head", w.head_value);
	cJSON_AddNumberToObject(resp, "index", w.read_index);
	cJSON_AddNumberToObject(resp, "next", w.next);
	cJSON_AddNumberToObject(resp, "main_reads", w.main_reads);
	cJSON_AddNumberToObject(resp, "inner_reads", w.inner_reads);
	cJSON_AddNumberToObject(resp, "ind_bytes", (double)w.ind_bytes);
	cJSON_AddItemToObject(resp, "outer", desc_json(&w.served));
	cJSON_AddNumberToObject(resp, "out_num", out_num);
	cJSON_AddNumberToObject(resp, "in_num", in_num);
	cJSON *ja = cJSON_AddArrayToObject(resp, "iov");
	/* the counts as the kernel left them (poison where it returned before writing them, as on an
	 * empty ring or a bad head; the machine reads them only after an iteration): at most the
	 * entries the array has */
	u64 n = (u64)out_num + in_num;
	if (n > iov_size)
		n = iov_size;
	for (k = 0; k < n; k++) {
		cJSON *g = cJSON_CreateObject();
		u64 ua = (u64)(uintptr_t)iov[k].iov_base;
		long m = find_map_of_uaddr(ua);
		/* the kernel keeps no IOVA: the one the map of this user address gives */
		vhc_put_u64(g, "iova", m < 0 ? ~0ULL : maps[m].start + (ua - maps[m].addr));
		vhc_put_u64(g, "hva", ua);
		vhc_put_u64(g, "len", iov[k].iov_len);
		cJSON_AddNumberToObject(g, "access", k < out_num ? VHOST_ACCESS_RO : VHOST_ACCESS_WO);
		cJSON_AddItemToArray(ja, g);
	}
	cJSON *jl = cJSON_AddArrayToObject(resp, "log");
	for (k = 0; logging && k < log_num && k < iov_size; k++) {
		cJSON *e = cJSON_CreateObject();
		vhc_put_u64(e, "addr", log[k].addr);
		vhc_put_u64(e, "len", log[k].len);
		cJSON_AddItemToArray(jl, e);
	}
	free(iov);
	free(log);
	free(vq.indirect);
	vhost_iotlb_free(t);
	reset_memory();
}

static void op_add_used(const cJSON *req, cJSON *resp)
{
	unsigned num = (unsigned)vhc_get_int(req, "num", 1, 1 << 15);
	struct vhost_iotlb *t = iotlb_of(req);
	struct vhost_dev dev;
	struct vhost_virtqueue vq;
	setup_vq(&vq, &dev, num, t);
	struct vring_used *u = (struct vring_used *)blk_used.p;
	const cJSON *us = vhc_get_array(req, "used"), *x;
	if ((unsigned)cJSON_GetArraySize(us) != num)
		vhc_fail("used: expected %u entries", num);
	unsigned k = 0;
	cJSON_ArrayForEach(x, us)
		u->ring[k++].id = htole32((u32)vhc_u64_of(x, "used"));
	vq.last_used_idx = (u16)vhc_get_int(req, "last_used", 0, 0xffff);
	const cJSON *hs = vhc_get_array(req, "heads");
	unsigned n = (unsigned)cJSON_GetArraySize(hs);
	struct vring_used_elem *heads = calloc(n ? n : 1, sizeof(*heads));
	k = 0;
	cJSON_ArrayForEach(x, hs)
		heads[k++].id = htole32((u32)vhc_u64_of(x, "heads"));
	/* what vhost_add_used_n writes: the n entries from last_used on (mod num) and used->idx */
	for (k = 0; k < n; k++) {
		u->ring[(vq.last_used_idx + k) % num].id = htole32(VHC_POISON32);
		u->ring[(vq.last_used_idx + k) % num].len = htole32(VHC_POISON32);
	}
	u->idx = htole16(VHC_POISON16);
	int ret = (int)VHC_POISON32;
	ret = vhost_add_used_n(&vq, heads, n);
	cJSON_AddNumberToObject(resp, "ret", ret);
	cJSON_AddNumberToObject(resp, "last_used", vq.last_used_idx);
	cJSON_AddNumberToObject(resp, "used_idx", le16toh(u->idx));
	cJSON *ja = cJSON_AddArrayToObject(resp, "used");
	for (k = 0; k < num; k++)
		cJSON_AddItemToArray(ja, cJSON_CreateNumber(le32toh(u->ring[k].id)));
	free(heads);
	free(vq.indirect);
	vhost_iotlb_free(t);
	reset_memory();
}

static void wrote_json(cJSON *resp)
{
	cJSON *a = cJSON_AddArrayToObject(resp, "wrote");
	for (int p = 0; p < 4; p++)
		if (wrote_perms & (1u << p))
			cJSON_AddItemToArray(a, cJSON_CreateNumber(p));
}

/* vringh with the device IOTLB, as vringh_init_iotlb sets it up (use_va false: bio_vecs, kmap and
 * READ_ONCE/WRITE_ONCE on the page), or with "use_va": true as 6.12's vringh_init_iotlb_va does
 * (iovecs, __get_user/__put_user on the user address; 6.1 has no such mode) */
static void op_vringh(const char *op, const cJSON *req, cJSON *resp)
{
	const cJSON *va = cJSON_GetObjectItemCaseSensitive(req, "use_va");
	bool use_va = va && cJSON_IsTrue(va);
	if (use_va && VHC_LINUX < 612)
		vhc_fail("use_va: linux 6.1's vringh has no VA mode");
	struct vhost_iotlb *t = iotlb_of(req);
	spinlock_t lock = {0};
	struct vringh vrh = {.little_endian = true, .use_va = use_va, .iotlb = t, .iotlb_lock = &lock};
	const char *kind = vhc_get_str(req, "kind");
	u64 addr = vhc_get_u64(req, "addr");
	int ret = (int)VHC_POISON32;

	reset_memory();
	if (!strcmp(op, "u16")) {
		if (!strcmp(kind, "getu16_iotlb")) {
			u16 v = VHC_POISON16;   /* the value read: the spec has none, not reported */
			ret = getu16_iotlb(&vrh, &v, (const __virtio16 *)(uintptr_t)addr);
		} else if (!strcmp(kind, "putu16_iotlb")) {
			ret = putu16_iotlb(&vrh, (__virtio16 *)(uintptr_t)addr, 0x5a5a);
		} else {
			vhc_fail("kind: expected getu16_iotlb or putu16_iotlb");
		}
	} else {
		u64 len = vhc_get_u64(req, "len");
		if (len > (1u << 20))
			vhc_fail("len: more than 1 MiB");
		short_left = (int)vhc_get_int(req, "short", 0, 1);
		u8 *buf = calloc(1, len ? len : 1);
		void *g = (void *)(uintptr_t)addr;
		/* the buffer the guest memory is copied into (xfer_from, copydesc): poison; xfer_to's is
		 * the source, zero as the guest pages are (its contents are not reported either way) */
		if (strcmp(kind, "xfer_to_iotlb"))
			memset(buf, VHC_POISON8, len ? len : 1);
		if (!strcmp(kind, "xfer_from_iotlb"))
			ret = xfer_from_iotlb(&vrh, g, buf, len);
		else if (!strcmp(kind, "xfer_to_iotlb"))
			ret = xfer_to_iotlb(&vrh, g, buf, len);
		else if (!strcmp(kind, "copydesc_iotlb"))
			ret = copydesc_iotlb(&vrh, buf, g, len);
		else
			vhc_fail("kind: expected xfer_from_iotlb, xfer_to_iotlb or copydesc_iotlb");
		free(buf);
	}
	if (lock.held)
		vhc_bug("iotlb_lock still held");
	cJSON_AddNumberToObject(resp, "ret", ret);
	vhc_put_u64(resp, "moved", moved);
	wrote_json(resp);
	vhost_iotlb_free(t);
	reset_memory();
}

void vhc_op(const char *op, const cJSON *req, cJSON *resp)
{
	reset_memory();
	if (!strcmp(op, "walk"))
		op_walk(req, resp);
	else if (!strcmp(op, "add_used"))
		op_add_used(req, resp);
	else if (!strcmp(op, "u16") || !strcmp(op, "copy"))
		op_vringh(op, req, resp);
	else
		vhc_fail("unknown op \"%s\"", op);
}
