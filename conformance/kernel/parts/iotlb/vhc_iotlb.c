/*
 * What is set up as input and what is poisoned as output: conformance/kernel/HARNESS.md, "iotlb".
 *
 * vhostcheck kernel harness, part "iotlb" (our code): spec/Iotlb.tla's actions run through the
 * kernel's own functions (extracted at build time, see part.conf). Every request is stateless: it
 * carries the table (the spec's maps, oldest first) and the action's parameters; the table is
 * rebuilt with the kernel's vhost_iotlb_add_range, the kernel function runs, and what it computed
 * is read back.
 *
 *   {"op":"update","mode","limit","retire","maps",iova,size,uaddr,perm}   -> ret, maps
 *   {"op":"invalidate", ...,"maps",iova,size}                             -> ret, maps
 *   {"op":"set_mem_table", ...,"maps","regions":[{gpa,size,uaddr}]}       -> ret, maps
 *   {"op":"translate", ...,"maps","kind",addr,len,access,"iov_size"}      -> ret, segs, translated,
 *                                                                           spun, queries, miss
 * maps: [{start,last,size,addr,perm}]; segs: [{iova,hva,len}]; u64 as "0x..." strings.
 */
#define VHC_HANDLER
#include "prelude.h"

#include <setjmp.h>
#include <stdlib.h>

#include "harness.h"

const char *const vhc_part = "iotlb";

/* drivers/vhost/vhost.c: static ushort max_mem_regions = 64; static int max_iotlb_entries = 2048 */
unsigned short max_mem_regions = 64;
int max_iotlb_entries = 2048;

/* ---- the recording vhost_iotlb_itree_first ---- */

/* One query of a walk: its arguments and the map the interval tree returned (a copy). */
struct vhc_query {
	u64 start, last;
	int found;
	struct vhost_iotlb_map map;
};

static struct {
	int on;
	int spin_check;   /* iotlb_access_ok: stop at a repeated query address */
	int cap;          /* more queries than this: the walk is not one the kernel can make and end */
	int n;
	struct vhc_query *q;
	jmp_buf out;      /* longjmp target: 1 = a repeated address (spun), 2 = past the cap */
	int missed;       /* vhost_iotlb_miss was called, at miss_iova */
	u64 miss_iova;
} obs;

/*
 * The kernel's vhost_iotlb_itree_first, recorded. In iotlb_access_ok's loop the walk's state is
 * (addr, s) and s - addr stays orig_addr's negation (both grow by size each iteration), so the
 * state is the queried address alone: a query at an address the walk has queried before means the
 * walk is back in a state it has been in and, deterministic, never ends. It is stopped there,
 * before that query -- exactly where spec/IotlbOps.tla's Walk stops (<<addr, s>> \in seen).
 * Every query after the first is at some map's last + 1 (addr += map->size - addr + map->start),
 * so a walk that ends makes at most nmaps + 1 queries; the cap (nmaps + 2, and at least the iov
 * bound + 1 for the bounded walks) can only be passed by a walk the repeat check missed, which
 * would be a harness error, never a hang.
 */
struct vhost_iotlb_map *vhc_itree_first(struct vhost_iotlb *iotlb, u64 start, u64 last)
{
	struct vhost_iotlb_map *m;
	struct vhc_query *x;

	if (!obs.on)
		return vhost_iotlb_itree_first(iotlb, start, last);
	if (obs.spin_check)
		for (int k = 0; k < obs.n; k++)
			if (obs.q[k].start == start)
				longjmp(obs.out, 1);
	if (obs.n >= obs.cap)
		longjmp(obs.out, 2);
	m = vhost_iotlb_itree_first(iotlb, start, last);
	x = &obs.q[obs.n++];
	x->start = start;
	x->last = last;
	x->found = m != NULL;
	if (m)
		x->map = *m;
	return m;
}

/* drivers/vhost/vhost.c vhost_iotlb_miss: would queue a VHOST_IOTLB_MISS message; recorded */
int vhost_iotlb_miss(struct vhost_virtqueue *vq, u64 iova, int access)
{
	obs.missed = 1;
	obs.miss_iova = iova;
	return 0;
}

/* drivers/vhost/vhost.c vq_memory_access_ok: reached only for a vq with a backend (ours has none) */
bool vq_memory_access_ok(void __user *log_base, struct vhost_iotlb *umem, int log_all)
{
	vhc_fail("vq_memory_access_ok: the harness's virtqueue has no backend, it cannot be called");
}

/* drivers/vhost/vhost.c vhost_poll_queue: reached only for a pending miss (the list is empty) */
void vhost_poll_queue(struct vhost_poll *poll)
{
	vhc_fail("vhost_poll_queue: the harness has no pending miss, it cannot be called");
}

/* ---- tables ---- */

/* Tables allocated during a request; freed at the start of the next (a refused request longjmps). */
static struct vhost_iotlb *live[4];
static int nlive;

static void drop_tables(void)
{
	for (int k = 0; k < nlive; k++)
		vhost_iotlb_free(live[k]);
	nlive = 0;
}

static void keep(struct vhost_iotlb *t)
{
	if (t) {
		if (nlive == (int)(sizeof(live) / sizeof(live[0])))
			vhc_fail("internal: too many tables");
		live[nlive++] = t;
	}
}

static void forget(struct vhost_iotlb *t)
{
	for (int k = 0; k < nlive; k++)
		if (live[k] == t)
			live[k] = live[--nlive];
}

static cJSON *maps_json(struct vhost_iotlb *t)
{
	cJSON *a = cJSON_CreateArray();
	struct vhost_iotlb_map *m;

	if (!t)
		return a;
	list_for_each_entry(m, &t->list, link) {
		cJSON *o = cJSON_CreateObject();

		vhc_put_u64(o, "start", m->start);
		vhc_put_u64(o, "last", m->last);
		vhc_put_u64(o, "size", m->size);
		vhc_put_u64(o, "addr", m->addr);
		cJSON_AddNumberToObject(o, "perm", m->perm);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/*
 * The request's table: allocated as vhost allocates it (iotlb_alloc: max_iotlb_entries = Limit,
 * VHOST_IOTLB_FLAG_RETIRE) or, without RETIRE, as vdpa does (vhost_iotlb_alloc(limit, 0)), and
 * filled in list order (oldest first) with the kernel's vhost_iotlb_add_range. The interval tree
 * orders maps by start, equal starts by insertion, so the rebuilt tree answers every query as the
 * original did. A map the kernel would not store as given (a wrong size, an inverted range) is a
 * state the kernel cannot be in: refused.
 */
static struct vhost_iotlb *table(const cJSON *req)
{
	long long limit = vhc_get_int(req, "limit", 0, 1 << 16);
	int retire = vhc_get_bool(req, "retire");
	const cJSON *maps = vhc_get_array(req, "maps");
	const cJSON *m;
	struct vhost_iotlb *t;
	struct vhost_iotlb_map *x;
	int k = 0;

	max_iotlb_entries = (int)limit;
	t = retire ? iotlb_alloc() : vhost_iotlb_alloc((unsigned int)limit, 0);
	if (!t)
		vhc_fail("iotlb_alloc gave no table (limit %lld)", limit);
	keep(t);
	cJSON_ArrayForEach(m, maps) {
		u64 start = vhc_get_u64(m, "start"), last = vhc_get_u64(m, "last");
		u64 addr = vhc_get_u64(m, "addr");
		int perm = (int)vhc_get_int(m, "perm", 0, 3);
		int r = vhost_iotlb_add_range(t, start, last, addr, (unsigned int)perm);

		if (r)
			vhc_fail("state.maps[%d]: vhost_iotlb_add_range refused it (%d)", k, r);
		k++;
	}
	k = 0;
	x = list_first_entry(&t->list, struct vhost_iotlb_map, link);
	cJSON_ArrayForEach(m, maps) {
		if (&x->link == &t->list || x->start != vhc_get_u64(m, "start") || x->last != vhc_get_u64(m, "last") ||
		    x->size != vhc_get_u64(m, "size") || x->addr != vhc_get_u64(m, "addr") ||
		    x->perm != (u32)vhc_get_int(m, "perm", 0, 3))
			vhc_fail("state.maps[%d] is not a map the kernel stores as given", k);
		x = list_next_entry(x, link);
		k++;
	}
	if (&x->link != &t->list)
		vhc_fail("state.maps: the kernel table holds more maps than given");
	return t;
}

static int iotlb_mode(const cJSON *req)
{
	const char *mode = vhc_get_str(req, "mode");

	if (strcmp(mode, "iotlb") == 0)
		return 1;
	if (strcmp(mode, "umem") == 0)
		return 0;
	vhc_fail("mode: expected \"iotlb\" or \"umem\"");
}

/* One device with one virtqueue (no backend), its device IOTLB or memory table `t`. */
struct dev1 {
	struct vhost_dev dev;
	struct vhost_virtqueue vq;
	struct vhost_virtqueue *vqs[1];
};

static void dev_init(struct dev1 *d, struct vhost_iotlb *t, int iotlb)
{
	memset(d, 0, sizeof(*d));
	d->vqs[0] = &d->vq;
	d->dev.vqs = d->vqs;
	d->dev.nvqs = 1;
	INIT_LIST_HEAD(&d->dev.pending_list);
	d->vq.dev = &d->dev;
	if (iotlb) {
		d->dev.iotlb = t;
		d->vq.iotlb = t;
	} else {
		d->dev.umem = t;
		d->vq.umem = t;
	}
}

/* ---- actions ---- */

/* drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_UPDATE / VHOST_IOTLB_INVALIDATE */
static void op_msg(const cJSON *req, cJSON *resp, int type)
{
	struct dev1 d;
	struct vhost_iotlb_msg msg;
	struct vhost_iotlb *t;
	int ret = (int)VHC_POISON32;

	if (!iotlb_mode(req))
		vhc_fail("IOTLB messages need a device IOTLB (mode \"iotlb\")");
	t = table(req);
	dev_init(&d, t, 1);
	memset(&msg, 0, sizeof(msg));
	msg.type = (__u8)type;
	msg.iova = vhc_get_u64(req, "iova");
	msg.size = vhc_get_u64(req, "size");
	if (type == VHOST_IOTLB_UPDATE) {
		msg.uaddr = vhc_get_u64(req, "uaddr");
		msg.perm = (__u8)vhc_get_int(req, "perm", 0, 3);
	}
	ret = vhost_process_iotlb_msg(&d.dev, 0, &msg);
	cJSON_AddNumberToObject(resp, "ret", ret);
	cJSON_AddItemToObject(resp, "maps", maps_json(d.dev.iotlb));
}

/* drivers/vhost/vhost.c vhost_set_memory, VHOST_SET_MEM_TABLE from a user buffer of ours */
static void op_set_mem_table(const cJSON *req, cJSON *resp)
{
	const cJSON *regions = vhc_get_array(req, "regions");
	int n = cJSON_GetArraySize(regions), k = 0;
	struct vhost_memory *mem;
	const cJSON *g;
	struct dev1 d;
	struct vhost_iotlb *t;
	long ret = (long)VHC_POISON64;

	if (iotlb_mode(req))
		vhc_fail("VHOST_SET_MEM_TABLE builds a memory table (mode \"umem\")");
	t = table(req);
	dev_init(&d, t, 0);
	mem = calloc(1, sizeof(*mem) + (size_t)n * sizeof(mem->regions[0]));
	if (!mem)
		vhc_fail("out of memory");
	mem->nregions = (__u32)n;
	cJSON_ArrayForEach(g, regions) {
		mem->regions[k].guest_phys_addr = vhc_get_u64(g, "gpa");
		mem->regions[k].memory_size = vhc_get_u64(g, "size");
		mem->regions[k].userspace_addr = vhc_get_u64(g, "uaddr");
		k++;
	}
	ret = vhost_set_memory(&d.dev, mem);
	free(mem);
	/* on success the kernel freed the old table and installed its own new one */
	if (d.dev.umem != t) {
		forget(t);
		keep(d.dev.umem);
	}
	cJSON_AddNumberToObject(resp, "ret", (double)ret);
	cJSON_AddItemToObject(resp, "maps", maps_json(d.dev.umem));
}

static void add_seg(cJSON *segs, u64 iova, u64 hva, u64 len)
{
	cJSON *o = cJSON_CreateObject();

	vhc_put_u64(o, "iova", iova);
	vhc_put_u64(o, "hva", hva);
	vhc_put_u64(o, "len", len);
	cJSON_AddItemToArray(segs, o);
}

/* ---- the walks' entries: poisoned before the call (HARNESS.md) ---- */

static void poison_iovec(struct iovec *iov, int n)
{
	for (int k = 0; k < n; k++) {
		iov[k].iov_base = (void *)(uintptr_t)VHC_POISON64;
		iov[k].iov_len = (size_t)VHC_POISON64;
	}
}

static void poison_bvec(struct bio_vec *bv, int n)
{
	for (int k = 0; k < n; k++) {
		bv[k].bv_page = (struct page *)(uintptr_t)VHC_POISON64;
		bv[k].bv_len = VHC_POISON32;
		bv[k].bv_offset = VHC_POISON32;
	}
}

/*
 * The iov entries the walk wrote: every entry up to the last one that is not all poison. The
 * kernel returns how many only when it succeeds (an error after some iterations keeps the entries
 * written so far, as the spec's segs do); an entry it skipped or wrote in part shows its poison.
 */
static void iovec_segs(cJSON *segs, const struct iovec *iov, int n, const u64 *iova)
{
	int w = 0;

	for (int k = 0; k < n; k++)
		if ((u64)(uintptr_t)iov[k].iov_base != VHC_POISON64 || (u64)iov[k].iov_len != VHC_POISON64)
			w = k + 1;
	for (int k = 0; k < w; k++)
		add_seg(segs, iova[k], (u64)(uintptr_t)iov[k].iov_base, (u64)iov[k].iov_len);
}

/* bio_vec entries: the host address is the page's pfn << PAGE_SHIFT plus the offset */
static void bvec_segs(cJSON *segs, const struct bio_vec *bv, int n, const u64 *iova)
{
	int w = 0;

	for (int k = 0; k < n; k++)
		if ((u64)(uintptr_t)bv[k].bv_page != VHC_POISON64 || bv[k].bv_len != VHC_POISON32 ||
		    bv[k].bv_offset != VHC_POISON32)
			w = k + 1;
	for (int k = 0; k < w; k++)
		add_seg(segs, iova[k], (vhc_page_pfn(bv[k].bv_page) << PAGE_SHIFT) + bv[k].bv_offset, bv[k].bv_len);
}

/*
 * The IOVA of each walk iteration: the queried address of each query that found a usable map (the
 * kernel's iov entries carry only the host address). Also checks the walk advanced as the
 * segments say: each query after the first is at the previous one's map last + 1.
 */
static void query_iovas(u64 *iova, int n)
{
	for (int k = 0; k < obs.n && k < n; k++)
		iova[k] = obs.q[k].start;
}

/*
 * drivers/vhost/vhost.c iotlb_access_ok keeps no segments: spec/Iotlb.tla records, per iteration,
 * [addr, map->addr + addr - map->start, min(len - s, size)]. They are read off the queries the
 * kernel made: each query whose map the walk accepted (found, start <= addr, perm) is one
 * iteration; its size is map->size - addr + map->start, as the kernel computes it; and the next
 * query must be at addr + size (checked: the kernel's own advance).
 */
static void access_ok_segs(cJSON *segs, u64 len, int access)
{
	u64 s = 0;

	for (int k = 0; k < obs.n; k++) {
		const struct vhc_query *x = &obs.q[k];
		u64 a = x->start, size;

		if (!x->found || x->map.start > a || !(x->map.perm & (u32)access))
			break;
		size = x->map.size - a + x->map.start;
		add_seg(segs, a, x->map.addr + (a - x->map.start), len - s < size ? len - s : size);
		if (k + 1 < obs.n && obs.q[k + 1].start != a + size)
			vhc_fail("internal: iotlb_access_ok's query %d at 0x%llx, not at 0x%llx", k + 1,
				 (unsigned long long)obs.q[k + 1].start, (unsigned long long)(a + size));
		s += size;
	}
}

static void op_translate(const cJSON *req, cJSON *resp)
{
	const char *kind = vhc_get_str(req, "kind");
	u64 addr = vhc_get_u64(req, "addr"), len = vhc_get_u64(req, "len");
	int access = (int)vhc_get_int(req, "access", 0, 3);
	int iov_size = (int)vhc_get_int(req, "iov_size", 1, 1024);
	int iotlb = iotlb_mode(req);
	struct vhost_iotlb *t = table(req);
	cJSON *segs = cJSON_CreateArray();
	u64 iova[1024];
	struct dev1 d;
	int ret = (int)VHC_POISON32, spun = 0, jumped;
	u64 translated = 0;   /* the spec's 0 for the walks that have no *translated */

	dev_init(&d, t, iotlb);
	cJSON_AddItemToObject(resp, "segs", segs);
	memset(&obs, 0, sizeof(obs));
	obs.cap = (int)t->nmaps + 2 > iov_size + 1 ? (int)t->nmaps + 2 : iov_size + 1;
	obs.q = calloc((size_t)obs.cap, sizeof(*obs.q));
	if (!obs.q)
		vhc_fail("out of memory");
	memset(iova, 0, sizeof(iova));

	if (strcmp(kind, "translate_desc") == 0) {
		struct iovec *iov = calloc((size_t)iov_size, sizeof(*iov));

		poison_iovec(iov, iov_size);
		/* translate_desc takes the descriptor's u32 len */
		if (len > UINT32_MAX) {
			free(iov);
			free(obs.q);
			vhc_fail("translate_desc: len 0x%llx is not a u32", (unsigned long long)len);
		}
		obs.on = 1;
		if ((jumped = setjmp(obs.out)) == 0)
			ret = translate_desc(&d.vq, addr, (u32)len, iov, iov_size, access);
		obs.on = 0;
		if (jumped) {
			free(iov);
			free(obs.q);
			vhc_fail("translate_desc made more queries than its iov bound allows");
		}
		query_iovas(iova, iov_size);
		iovec_segs(segs, iov, iov_size, iova);
		free(iov);
	} else if (strcmp(kind, "iotlb_access_ok") == 0) {
		if (!iotlb)
			vhc_fail("iotlb_access_ok runs over a device IOTLB only");
		obs.on = 1;
		obs.spin_check = 1;
		if ((jumped = setjmp(obs.out)) == 0)
			/* vq_meta_prefetch's calls: the descriptor ring is read (RO), the used ring written (WO) */
			ret = iotlb_access_ok(&d.vq, access, addr, len,
					      access == VHOST_ACCESS_WO ? VHOST_ADDR_USED : VHOST_ADDR_DESC);
		obs.on = 0;
		if (jumped == 2) {
			free(obs.q);
			vhc_fail("iotlb_access_ok passed %d queries without repeating an address", obs.cap);
		}
		spun = jumped == 1;
		access_ok_segs(segs, len, access);
	} else if (strcmp(kind, "iotlb_translate") == 0) {
		struct vringh vrh;
		spinlock_t lock = {0};
		struct bio_vec *bv = calloc((size_t)iov_size, sizeof(*bv));

		if (!iotlb)
			vhc_fail("iotlb_translate runs over a device IOTLB only");
		poison_bvec(bv, iov_size);
		translated = VHC_POISON64;
		memset(&vrh, 0, sizeof(vrh));
		vrh.iotlb = t;
		vrh.iotlb_lock = &lock;
		obs.on = 1;
#if VHC_LINUX >= 612
		/* 6.12: the iovec variant (vringh_init_iotlb_va, use_va) answers; the bio_vec one
		 * (vringh_init_iotlb) runs too and must agree */
		{
			struct iovec *iov = calloc((size_t)iov_size, sizeof(*iov));
			struct iotlb_vec ivec;
			cJSON *bsegs = cJSON_CreateArray();
			u64 btranslated = VHC_POISON64;
			int bret = (int)VHC_POISON32;

			poison_iovec(iov, iov_size);
			if ((jumped = setjmp(obs.out)) == 0) {
				vrh.use_va = true;
				ivec.iov.iovec = iov;
				ivec.count = (size_t)iov_size;
				ret = iotlb_translate(&vrh, addr, len, &translated, &ivec, (u32)access);
				query_iovas(iova, iov_size);
				obs.n = 0;
				vrh.use_va = false;
				ivec.iov.bvec = bv;
				bret = iotlb_translate(&vrh, addr, len, &btranslated, &ivec, (u32)access);
			}
			obs.on = 0;
			if (jumped) {
				free(iov);
				free(bv);
				free(obs.q);
				vhc_fail("iotlb_translate made more queries than its iov bound allows");
			}
			iovec_segs(segs, iov, iov_size, iova);
			bvec_segs(bsegs, bv, iov_size, iova);
			free(iov);
			cJSON_AddNumberToObject(resp, "bvec_ret", bret);
			vhc_put_u64(resp, "bvec_translated", btranslated);
			cJSON_AddItemToObject(resp, "bvec_segs", bsegs);
		}
#else
		/* 6.1: bio_vec entries only */
		if ((jumped = setjmp(obs.out)) == 0)
			ret = iotlb_translate(&vrh, addr, len, &translated, bv, iov_size, (u32)access);
		obs.on = 0;
		if (jumped) {
			free(bv);
			free(obs.q);
			vhc_fail("iotlb_translate made more queries than its iov bound allows");
		}
		query_iovas(iova, iov_size);
		bvec_segs(segs, bv, iov_size, iova);
#endif
		free(bv);
	} else {
		free(obs.q);
		vhc_fail("kind: expected translate_desc, iotlb_access_ok or iotlb_translate");
	}
	if (!spun)
		cJSON_AddNumberToObject(resp, "ret", ret);
	cJSON_AddBoolToObject(resp, "spun", spun);
	vhc_put_u64(resp, "translated", translated);
	cJSON_AddNumberToObject(resp, "queries", obs.n);
	if (obs.missed)
		vhc_put_u64(resp, "miss", obs.miss_iova);
	free(obs.q);
	obs.q = NULL;
}

void vhc_op(const char *op, const cJSON *req, cJSON *resp)
{
	drop_tables();
	if (strcmp(op, "update") == 0)
		op_msg(req, resp, VHOST_IOTLB_UPDATE);
	else if (strcmp(op, "invalidate") == 0)
		op_msg(req, resp, VHOST_IOTLB_INVALIDATE);
	else if (strcmp(op, "set_mem_table") == 0)
		op_set_mem_table(req, resp);
	else if (strcmp(op, "translate") == 0)
		op_translate(req, resp);
	else
		vhc_fail("unknown op \"%s\"", op);
	drop_tables();
}
