/* vhostcheck kernel harness: the NDJSON line loop (see harness.h). Our code, not the kernel's. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf vhc_request;
static char vhc_error[512];

void vhc_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vhc_error, sizeof(vhc_error), fmt, ap);
	va_end(ap);
	longjmp(vhc_request, 1);
}

const cJSON *vhc_get(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!v)
		vhc_fail("missing field \"%s\"", name);
	return v;
}

uint64_t vhc_u64_of(const cJSON *v, const char *what)
{
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		char *end;
		uint64_t x;

		if (strncmp(s, "0x", 2) != 0 || s[2] == '\0')
			vhc_fail("%s: expected a \"0x...\" u64, got \"%s\"", what, s);
		errno = 0;
		x = strtoull(s + 2, &end, 16);
		if (*end != '\0' || errno == ERANGE)
			vhc_fail("%s: not a u64: \"%s\"", what, s);
		return x;
	}
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
	    v->valuedouble == (double)(uint64_t)v->valuedouble)
		return (uint64_t)v->valuedouble;
	vhc_fail("%s: expected a \"0x...\" string or a small non-negative integer", what);
}

uint64_t vhc_get_u64(const cJSON *o, const char *name)
{
	return vhc_u64_of(vhc_get(o, name), name);
}

long long vhc_get_int(const cJSON *o, const char *name, long long min, long long max)
{
	const cJSON *v = vhc_get(o, name);
	long long x;

	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble)
		vhc_fail("field \"%s\": expected an integer", name);
	x = (long long)v->valuedouble;
	if (x < min || x > max)
		vhc_fail("field \"%s\": %lld is outside [%lld, %lld]", name, x, min, max);
	return x;
}

int vhc_get_bool(const cJSON *o, const char *name)
{
	const cJSON *v = vhc_get(o, name);

	if (!cJSON_IsBool(v))
		vhc_fail("field \"%s\": expected true or false", name);
	return cJSON_IsTrue(v);
}

const char *vhc_get_str(const cJSON *o, const char *name)
{
	const cJSON *v = vhc_get(o, name);

	if (!cJSON_IsString(v))
		vhc_fail("field \"%s\": expected a string", name);
	return v->valuestring;
}

const cJSON *vhc_get_array(const cJSON *o, const char *name)
{
	const cJSON *v = vhc_get(o, name);

	if (!cJSON_IsArray(v))
		vhc_fail("field \"%s\": expected an array", name);
	return v;
}

cJSON *vhc_u64_item(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return cJSON_CreateString(buf);
}

void vhc_put_u64(cJSON *o, const char *name, uint64_t v)
{
	cJSON_AddItemToObject(o, name, vhc_u64_item(v));
}

static void reply(cJSON *resp)
{
	char *s = cJSON_PrintUnformatted(resp);

	fputs(s, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	free(s);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) != -1) {
		/* volatile: kept across the longjmp of a failed request */
		cJSON *volatile req = NULL;
		cJSON *volatile resp = cJSON_CreateObject();

		if (n <= 1 && (line[0] == '\n' || n == 0)) {
			cJSON_Delete(resp);
			continue;
		}
		if (setjmp(vhc_request) == 0) {
			const cJSON *op;

			req = cJSON_Parse(line);
			if (!req || !cJSON_IsObject(req))
				vhc_fail("not a JSON object");
			op = cJSON_GetObjectItemCaseSensitive(req, "op");
			if (!cJSON_IsString(op))
				vhc_fail("missing field \"op\"");
			if (strcmp(op->valuestring, "hello") == 0) {
				cJSON_AddStringToObject(resp, "part", vhc_part);
				cJSON_AddNumberToObject(resp, "linux", VHC_LINUX);
			} else {
				vhc_op(op->valuestring, req, resp);
			}
			cJSON_AddBoolToObject(resp, "ok", 1);
		} else {
			cJSON_Delete(resp);
			resp = cJSON_CreateObject();
			cJSON_AddBoolToObject(resp, "ok", 0);
			cJSON_AddStringToObject(resp, "error", vhc_error);
		}
		reply(resp);
		cJSON_Delete(resp);
		cJSON_Delete(req);
	}
	free(line);
	return 0;
}
