/* Our stand-in for the kernel's linux/slab.h, as drivers/vhost/iotlb.c uses it: the heap is malloc
 * (ASan checks every map the IOTLB allocates and frees). */
#ifndef VHC_RING_SLAB_H
#define VHC_RING_SLAB_H
#include <stdlib.h>
#include <linux/types.h>
static inline void *kmalloc(size_t n, int gfp) { (void)gfp; return malloc(n); }
static inline void *kzalloc(size_t n, int gfp) { (void)gfp; return calloc(1, n); }
static inline void kfree(const void *p) { free((void *)p); }
#endif
