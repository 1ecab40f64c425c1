/* Our stand-in for linux/module.h: module metadata means nothing in userspace. */
#ifndef VHC_RING_MODULE_H
#define VHC_RING_MODULE_H
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define MODULE_VERSION(x)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#endif
