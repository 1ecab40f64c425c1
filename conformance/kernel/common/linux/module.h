/* vhostcheck harness shim (our code): module metadata the kernel files carry; nothing in userspace. */
#ifndef VHC_MODULE_H
#define VHC_MODULE_H
#define EXPORT_SYMBOL_GPL(sym) extern int vhc_module_unused
#define EXPORT_SYMBOL(sym) extern int vhc_module_unused
#define MODULE_VERSION(v) extern int vhc_module_unused
#define MODULE_DESCRIPTION(v) extern int vhc_module_unused
#define MODULE_AUTHOR(v) extern int vhc_module_unused
#define MODULE_LICENSE(v) extern int vhc_module_unused
#define module_param(name, type, perm) extern int vhc_module_unused
#define MODULE_PARM_DESC(name, text) extern int vhc_module_unused
#endif
