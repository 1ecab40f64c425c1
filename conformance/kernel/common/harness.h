/*
 * vhostcheck kernel harness: the NDJSON line loop every harness part links with (our code, not
 * the kernel's). One request per line on stdin, one response per line on stdout:
 *   in:  {"op":"<action or query>", ...the part's fields...}
 *   out: {"ok":true, ...}  or  {"ok":false,"error":"<what was wrong with the request>"}
 * u64 values travel as "0x..." strings (JSON numbers lose precision above 2^53), as in traces.
 * A part implements vhc_op; the op "hello" is answered here (part name, kernel version).
 */
#ifndef VHC_HARNESS_H
#define VHC_HARNESS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#ifndef VHC_LINUX
#error "build with -DVHC_LINUX=601 or 612 (the kernel version the part is compiled from)"
#endif

/* Implemented by the part: its name, and one request. Fill resp; report bad input with vhc_fail. */
extern const char *const vhc_part;
void vhc_op(const char *op, const cJSON *req, cJSON *resp);

/* Request accessors: a missing or ill-typed field ends the request with one error line. */
const cJSON *vhc_get(const cJSON *o, const char *name);
uint64_t vhc_get_u64(const cJSON *o, const char *name);
long long vhc_get_int(const cJSON *o, const char *name, long long min, long long max);
int vhc_get_bool(const cJSON *o, const char *name);
const char *vhc_get_str(const cJSON *o, const char *name);
const cJSON *vhc_get_array(const cJSON *o, const char *name);
uint64_t vhc_u64_of(const cJSON *v, const char *what);

/*
 * Poison (conformance/kernel/HARNESS.md): what a kernel function is to write is set to these
 * before the call, so a value it forgets to write shows as garbage instead of a right one of ours.
 */
#define VHC_POISON64 0xdeadbeefdeadbeefULL
#define VHC_POISON32 0xdeadbeefU
#define VHC_POISON16 0xdeadU
#define VHC_POISON8 0xa5 /* each byte of memory the kernel is to fill */

/* Response helpers. */
void vhc_put_u64(cJSON *o, const char *name, uint64_t v);
cJSON *vhc_u64_item(uint64_t v);

/* Ends the current request with {"ok":false,"error":...}; the loop goes on with the next line. */
__attribute__((noreturn, format(printf, 1, 2))) void vhc_fail(const char *fmt, ...);

#endif
