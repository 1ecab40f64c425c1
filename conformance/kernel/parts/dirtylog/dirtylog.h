/* vhostcheck kernel harness, part "dirtylog": what the shims report to the request handler. */
#ifndef VHC_DIRTYLOG_H
#define VHC_DIRTYLOG_H

/* log_access_ok's access_ok(addr, size) call and its answer */
void vhc_record_check(unsigned long addr, unsigned long size, bool ok);
/* translate_desc asked userspace for a translation (vhost_iotlb_miss) */
void vhc_record_miss(u64 iova);
/* the simulated user memory: forget every page; the set bits as runs in address order */
void vhc_mem_reset(void);
void vhc_mem_runs(void (*run)(u64 lo_byte, int lo_bit, u64 hi_byte, int hi_bit, void *arg), void *arg);

#endif
