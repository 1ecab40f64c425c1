/*
 * vhostcheck harness shim (our code): the allocator the extracted kernel code calls, on the C heap
 * (ASan watches it). Shadows tools/include/linux/slab.h.
 */
#ifndef VHC_SLAB_H
#define VHC_SLAB_H
#include <stdlib.h>
#include <linux/types.h>
#include <linux/list.h>
/* what iotlb.c gets through the kernel's slab.h: the errnos (glibc's are the kernel's on Linux), ULONG_MAX */
#include <errno.h>
#include <limits.h>

#ifndef GFP_KERNEL
#define GFP_KERNEL 0u
#define GFP_ATOMIC 0u
#endif

/* include/linux/slab.h kmalloc, kzalloc, kfree; kvzalloc, kvfree */
#define kmalloc(size, gfp) malloc(size)
#define kzalloc(size, gfp) calloc(1, size)
#define kfree(p) free(p)
#define kvzalloc(size, gfp) calloc(1, size)
#define kvfree(p) free(p)

#endif
