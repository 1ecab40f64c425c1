/*
 * What is set up as input and what is poisoned as output: conformance/kernel/HARNESS.md, "dirtylog".
 *
 * vhostcheck kernel harness, part "dirtylog": one DirtyLog action per request, run through the
 * extracted kernel functions on a vhost-net device built from the request's pre-state.
 *
 * Request: {"op": <action>, "num": <vq->num>, "eventIdx": <VIRTIO_RING_F_EVENT_IDX acked>,
 *           "state": {"umem": [{start,size,addr}], "logBase", "logAll", "active", "logUsed",
 *                     "logAddr", "iotlb"}, ...the action's params}
 * Answer:  {"ret", "state": {same fields, read back from the device}, "checked": [{addr,size,ok}]
 *           (the access_ok calls of log_access_ok), "logs": [{addr,len,ret,first,runs}] (each
 *           log_write call, and the bits it set in the simulated log memory as runs
 *           {loByte,loBit,hiByte,hiBit}), "misses": [iova]}
 * The device: struct vhost_net with its two vqs; vq 0 (RX) is the model's vq, vq 1 stays
 * without a backend (memory_access_ok and the log base loop skip or just update it).
 */
#define VHC_HARNESS_OWN
#include "prelude.h"
#include "dirtylog.h"
#include "harness.h"

#include <stdio.h>

const char *const vhc_part = "dirtylog";

static cJSON *vhc_checked, *vhc_logs, *vhc_misses;
/* log_write_hva's first pass: how many log_write calls it makes before it moves hva on */
static long vhc_first_pass;

void vhc_record_check(unsigned long addr, unsigned long size, bool ok)
{
	cJSON *c = cJSON_CreateObject();

	vhc_put_u64(c, "addr", addr);
	vhc_put_u64(c, "size", size);
	cJSON_AddBoolToObject(c, "ok", ok);
	cJSON_AddItemToArray(vhc_checked, c);
}

void vhc_record_miss(u64 iova)
{
	cJSON_AddItemToArray(vhc_misses, vhc_u64_item(iova));
}

static void add_run(u64 lo_byte, int lo_bit, u64 hi_byte, int hi_bit, void *arg)
{
	cJSON *r = cJSON_CreateObject();

	vhc_put_u64(r, "loByte", lo_byte);
	cJSON_AddNumberToObject(r, "loBit", lo_bit);
	vhc_put_u64(r, "hiByte", hi_byte);
	cJSON_AddNumberToObject(r, "hiBit", hi_bit);
	cJSON_AddItemToArray((cJSON *)arg, r);
}

int __real_log_write(void __user *log_base, u64 write_address, u64 write_length);

/*
 * Every call of the kernel's log_write from log_write_hva, log_used and vhost_log_write comes
 * here (ld --wrap): the real log_write runs on a fresh simulated log memory, and the bits it set
 * are recorded with its arguments and return value.
 */
int __wrap_log_write(void __user *log_base, u64 write_address, u64 write_length)
{
	cJSON *l = cJSON_CreateObject();
	cJSON *runs = cJSON_CreateArray();
	int r = (int)VHC_POISON32;

	vhc_mem_reset();
	r = __real_log_write(log_base, write_address, write_length);
	vhc_mem_runs(add_run, runs);
	vhc_mem_reset();
	vhc_put_u64(l, "base", (u64)(unsigned long)log_base);
	vhc_put_u64(l, "addr", write_address);
	vhc_put_u64(l, "len", write_length);
	cJSON_AddNumberToObject(l, "ret", r);
	cJSON_AddBoolToObject(l, "first", vhc_first_pass-- > 0);
	cJSON_AddItemToObject(l, "runs", runs);
	cJSON_AddItemToArray(vhc_logs, l);
	return r;
}

/* what translate_desc is to write (HARNESS.md) */
static void poison_iov(struct iovec *iov, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		iov[k].iov_base = (void *)(uintptr_t)VHC_POISON64;
		iov[k].iov_len = (size_t)VHC_POISON64;
	}
}

static struct vhost_iotlb *table_of(const cJSON *maps)
{
	struct vhost_iotlb *t = iotlb_alloc();
	const cJSON *m;

	cJSON_ArrayForEach(m, maps) {
		u64 start = vhc_get_u64(m, "start"), size = vhc_get_u64(m, "size");

		if (size == 0 || vhost_iotlb_add_range(t, start, start + size - 1, vhc_get_u64(m, "addr"), VHOST_MAP_RW))
			vhc_fail("state.umem: map [0x%llx, +0x%llx) cannot be a table entry",
				 (unsigned long long)start, (unsigned long long)size);
	}
	return t;
}

static cJSON *maps_of(struct vhost_iotlb *t)
{
	cJSON *a = cJSON_CreateArray();
	struct vhost_iotlb_map *m;

	if (!t)
		return a;
	list_for_each_entry(m, &t->list, link) {
		cJSON *o = cJSON_CreateObject();

		vhc_put_u64(o, "start", m->start);
		vhc_put_u64(o, "size", m->size);
		vhc_put_u64(o, "addr", m->addr);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* log_write_hva's first pass logs once per map overlapping [hva, hva - 1 + len] (the same test
 * as linux drivers/vhost/vhost.c log_write_hva); later passes only repeat parts of those */
static long overlaps(struct vhost_iotlb *umem, u64 hva, u64 len)
{
	struct vhost_iotlb_map *u;
	long n = 0;

	list_for_each_entry(u, &umem->list, link) {
		if (!(u->addr > hva - 1 + len || u->addr - 1 + u->size < hva))
			n++;
	}
	return n;
}

void vhc_op(const char *op, const cJSON *req, cJSON *resp)
{
	static struct vhost_net n;
	struct vhost_virtqueue *vqs[VHOST_NET_VQ_MAX];
	struct vhost_virtqueue *vq = &n.vqs[VHOST_NET_VQ_RX].vq;
	const cJSON *st = vhc_get(req, "state");
	unsigned int num = (unsigned int)vhc_get_int(req, "num", 0, 0xffff);
	int event_idx = vhc_get_bool(req, "eventIdx");
	u64 acked = (event_idx ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
		    (vhc_get_bool(st, "logAll") ? 1ULL << VHOST_F_LOG_ALL : 0);
	long ret = (long)VHC_POISON64;
	cJSON *post;
	int i;

	vhc_checked = cJSON_AddArrayToObject(resp, "checked");
	vhc_logs = cJSON_AddArrayToObject(resp, "logs");
	vhc_misses = cJSON_AddArrayToObject(resp, "misses");
	vhc_first_pass = 0;

	/* the device in the pre-state */
	memset(&n, 0, sizeof(n));
	n.dev.nvqs = VHOST_NET_VQ_MAX;
	n.dev.vqs = vqs;
	n.dev.umem = cJSON_GetArraySize(vhc_get_array(st, "umem")) ? table_of(vhc_get_array(st, "umem")) : NULL;
	n.dev.iotlb = vhc_get_bool(st, "iotlb") ? iotlb_alloc() : NULL;
	for (i = 0; i < VHOST_NET_VQ_MAX; i++) {
		struct vhost_virtqueue *q = &n.vqs[i].vq;

		vqs[i] = q;
		q->dev = &n.dev;
		q->num = num;
		q->acked_features = acked;
		q->log_base = (void __user *)(unsigned long)vhc_get_u64(st, "logBase");
		q->umem = n.dev.umem;
		q->iotlb = n.dev.iotlb;
		q->log_addr = -1ULL;
		/* log_used's translation of the used ring (with a device IOTLB) is written before read */
		poison_iov(q->log_iov, ARRAY_SIZE(q->log_iov));
	}
	vq->log_used = vhc_get_bool(st, "logUsed");
	vq->log_addr = vhc_get_u64(st, "logAddr");
	vq->private_data = vhc_get_bool(st, "active") ? get_socket(0) : NULL;

	if (strcmp(op, "SetMemTable") == 0) {
		/* VHOST_SET_MEM_TABLE through vhost_dev_ioctl */
		const cJSON *rs = vhc_get_array(req, "regions");
		int nr = cJSON_GetArraySize(rs), k = 0;
		struct vhost_memory *m = calloc(1, sizeof(*m) + nr * sizeof(m->regions[0]));
		const cJSON *r;

		m->nregions = nr;
		cJSON_ArrayForEach(r, rs) {
			m->regions[k].guest_phys_addr = vhc_get_u64(r, "gpa");
			m->regions[k].memory_size = vhc_get_u64(r, "size");
			m->regions[k].userspace_addr = vhc_get_u64(r, "uaddr");
			k++;
		}
		ret = vhost_dev_ioctl(&n.dev, VHOST_SET_MEM_TABLE, m);
		free(m);
	} else if (strcmp(op, "SetLogBase") == 0) {
		/* VHOST_SET_LOG_BASE through vhost_dev_ioctl */
		u64 p = vhc_get_u64(req, "base");

		ret = vhost_dev_ioctl(&n.dev, VHOST_SET_LOG_BASE, &p);
	} else if (strcmp(op, "SetFeatures") == 0) {
		/* linux drivers/vhost/net.c vhost_net_ioctl VHOST_SET_FEATURES: the features are within
		 * VHOST_NET_FEATURES, so it calls vhost_net_set_features(n, features) */
		u64 f = (event_idx ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
			(vhc_get_bool(req, "logAll") ? 1ULL << VHOST_F_LOG_ALL : 0) |
			(vhc_get_bool(req, "platform") ? 1ULL << VIRTIO_F_ACCESS_PLATFORM : 0);

		ret = vhost_net_set_features(&n, f);
	} else if (strcmp(op, "SetVringAddr") == 0) {
		/* linux drivers/vhost/vhost.c vhost_vring_ioctl VHOST_SET_VRING_ADDR: vq index 0, the
		 * ring addresses unchanged (the model has none), the log flag and log_guest_addr */
		struct vhost_vring_addr a = {
			.index = 0,
			.flags = vhc_get_bool(req, "logUsed") ? 1u << VHOST_VRING_F_LOG : 0,
			.desc_user_addr = (u64)(unsigned long)vq->desc,
			.used_user_addr = (u64)(unsigned long)vq->used,
			.avail_user_addr = (u64)(unsigned long)vq->avail,
			.log_guest_addr = vhc_get_u64(req, "logAddr"),
		};

		ret = vhost_vring_set_addr(&n.dev, vq, &a);
	} else if (strcmp(op, "SetBackend") == 0) {
		/* linux drivers/vhost/net.c vhost_net_ioctl VHOST_NET_SET_BACKEND: a socket fd, or -1 */
		ret = vhost_net_set_backend(&n, VHOST_NET_VQ_RX, vhc_get_bool(req, "on") ? 3 : -1);
	} else if (strcmp(op, "DeviceWrite") == 0) {
		/* linux drivers/vhost/vhost.c vhost_get_vq_desc (get a device-writable descriptor): the
		 * buffer goes through translate_desc and is recorded as log[0] = {addr, len}; then
		 * drivers/vhost/net.c handle_rx calls vhost_log_write only with VHOST_F_LOG_ALL */
		u64 addr = vhc_get_u64(req, "addr"), len = vhc_get_u64(req, "len");
		struct iovec iov[64];
		struct vhost_log log = { .addr = addr, .len = len };

		if (len > 0xffffffffULL)
			vhc_fail("params.len: a descriptor length is a u32");
		poison_iov(iov, ARRAY_SIZE(iov));
		ret = translate_desc(vq, addr, (u32)len, iov, (int)ARRAY_SIZE(iov), VHOST_ACCESS_WO);
		if (ret >= 0) {
			int count = (int)ret;

			ret = vhost_has_feature(vq, VHOST_F_LOG_ALL) ? vhost_log_write(vq, &log, 1, len, iov, count) : 0;
		}
	} else if (strcmp(op, "UsedWrite") == 0) {
		/* a used-ring update at off, len bytes, logged by log_used */
		ret = log_used(vq, (u64)vhc_get_int(req, "off", 0, 1 << 20), (u64)vhc_get_int(req, "len", 0, 1 << 20));
	} else if (strcmp(op, "DeviceWriteHva") == 0) {
		/* vhost_log_write with a device IOTLB: the iov is the host range the IOTLB gave */
		struct iovec iov = { (void *)(unsigned long)vhc_get_u64(req, "hva"), vhc_get_u64(req, "len") };

		if (!n.dev.umem)
			vhc_fail("DeviceWriteHva needs a memory table");
		vhc_first_pass = overlaps(n.dev.umem, (u64)(unsigned long)iov.iov_base, iov.iov_len);
		ret = vhost_log_write(vq, NULL, 0, iov.iov_len, &iov, 1);
	} else if (strcmp(op, "UsedWriteHva") == 0) {
		/* log_used with a device IOTLB: the used ring (GIOVA 0) is mapped to the host range, and
		 * log_used translates it and logs it with log_write_hva */
		u64 hva = vhc_get_u64(req, "hva"), len = vhc_get_u64(req, "len");

		if (!n.dev.umem || !n.dev.iotlb || len == 0 || len > 0xffffffffULL)
			vhc_fail("UsedWriteHva needs a memory table, a device IOTLB and a u32 length > 0");
		if (vhost_iotlb_add_range(n.dev.iotlb, 0, len - 1, hva, VHOST_MAP_RW))
			vhc_fail("UsedWriteHva: cannot map the used ring");
		vq->used = NULL;
		vhc_first_pass = overlaps(n.dev.umem, hva, len);
		ret = log_used(vq, 0, len);
	} else {
		vhc_fail("unknown op \"%s\"", op);
	}

	cJSON_AddNumberToObject(resp, "ret", (double)ret);
	post = cJSON_AddObjectToObject(resp, "state");
	cJSON_AddItemToObject(post, "umem", maps_of(n.dev.umem));
	vhc_put_u64(post, "logBase", (u64)(unsigned long)vq->log_base);
	cJSON_AddBoolToObject(post, "logAll", vhost_has_feature(vq, VHOST_F_LOG_ALL));
	cJSON_AddBoolToObject(post, "active", vq->private_data != NULL);
	cJSON_AddBoolToObject(post, "logUsed", vq->log_used);
	vhc_put_u64(post, "logAddr", vq->log_addr);
	cJSON_AddBoolToObject(post, "iotlb", vq->iotlb != NULL);
	vhost_iotlb_free(n.dev.umem);
	vhost_iotlb_free(n.dev.iotlb);
}
