/* Our declarations for the device IOTLB (the kernel's include/linux/vhost_iotlb.h names these
 * fields; drivers/vhost/iotlb.c, compiled as it is, and the extracted walks use them). The
 * interval tree is the kernel's own (tools/include/linux/interval_tree_generic.h). */
#ifndef VHC_RING_VHOST_IOTLB_H
#define VHC_RING_VHOST_IOTLB_H
#include <errno.h>
#include <limits.h>
#include <linux/interval_tree_generic.h>
#include <linux/list.h>

struct vhost_iotlb_map {
	struct rb_node rb;
	struct list_head link;
	u64 start;
	u64 last;
	u64 size;
	u64 addr;
	u32 perm;
	u32 flags_padding;
	u64 __subtree_last;
	void *opaque;
};

struct vhost_iotlb {
	struct rb_root_cached root;
	struct list_head list;
	unsigned int limit;
	unsigned int nmaps;
	unsigned int flags;
};

/* include/linux/vhost_iotlb.h: map permissions (= VHOST_ACCESS_*), the eviction flag */
#define VHOST_MAP_RO 0x1
#define VHOST_MAP_WO 0x2
#define VHOST_MAP_RW 0x3
#define VHOST_IOTLB_FLAG_RETIRE 0x1

int vhost_iotlb_add_range(struct vhost_iotlb *iotlb, u64 start, u64 last, u64 addr, unsigned int perm);
struct vhost_iotlb *vhost_iotlb_alloc(unsigned int limit, unsigned int flags);
void vhost_iotlb_free(struct vhost_iotlb *iotlb);
struct vhost_iotlb_map *vhost_iotlb_itree_first(struct vhost_iotlb *iotlb, u64 start, u64 last);
#endif
