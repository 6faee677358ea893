/* Shared between the device's source files; not part of the public API. */
#ifndef EF_INTERNAL_H
#define EF_INTERNAL_H
#include "ef_device.h"
#include "ef_json.h"

#if defined(__GNUC__)
#define EF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EF_PRINTF(a, b)
#endif

void ef_log(ef_device *d, const char *fmt, ...) EF_PRINTF(2, 3);
/* Sets the error answer; returns -1 so that handlers can `return ef_fail(...)`. */
int ef_fail(ef_device *d, const char *code, const char *title, const char *fmt, ...) EF_PRINTF(4, 5);
int ef_invalid(ef_device *d, const char *op, const char *detail);

int ef_state_load(ef_device *d);
int ef_state_save(ef_device *d);
void ef_state_fresh(ef_device *d);

int64_t ef_wall(ef_device *d);
void ef_now_iso(ef_device *d, char out[25]);
/* SHA-256 (lowercase hex) of the first size bytes of a region, read through scratch. -1 on a read error. */
int ef_hash_region(ef_device *d, int region, uint64_t size, char hex[65]);
void ef_set_event(ef_device *d, const char *kind, const char *fmt, ...) EF_PRINTF(3, 4);
/* "name version (slot a)", or "no model", as four printf arguments for EF_DESC_FMT (no buffer needed). */
#define EF_DESC_FMT "%s%s%s%s"
#define EF_DESC(d, s) ef_desc_name(d, s), ef_desc_used(d, s) ? " " : "", ef_desc_version(d, s), ef_desc_slot(d, s)
int ef_desc_used(const ef_device *d, int slot);
const char *ef_desc_version(const ef_device *d, int slot);
const char *ef_desc_name(const ef_device *d, int slot);
const char *ef_desc_slot(const ef_device *d, int slot);

void ef_write_status(ef_device *d, ef_jw *w);
void ef_write_upload(ef_device *d, ef_jw *w);

/* Operations: 0 with the response written, or -1 with the error set. */
int ef_op_upload_begin(ef_device *d, ef_span req, ef_jw *w);
int ef_op_upload_chunk(ef_device *d, ef_span req, ef_jw *w);
int ef_op_upload_status(ef_device *d, ef_span req, ef_jw *w);
int ef_op_activate(ef_device *d, ef_span req, ef_jw *w);
int ef_op_confirm(ef_device *d, ef_span req, ef_jw *w);
int ef_op_rollback(ef_device *d, ef_span req, ef_jw *w);
int ef_op_status(ef_device *d, ef_span req, ef_jw *w);

/* upload-chunk streaming: whether bytes at offset go to storage before the request is answered. */
int ef_upload_accepts(const ef_device *d, uint64_t offset);
/* Writes binary bytes of the chunk being received; returns -1 on a storage error. */
int ef_upload_stream(ef_device *d, uint64_t at, const uint8_t *data, size_t len);

/* A trial left running at start reverts; a trial whose healthy window ended confirms itself. */
void ef_trial_at_start(ef_device *d);
void ef_trial_tick(ef_device *d);

/* Checks that req has no member outside allowed (NULL-terminated); else REQUEST_INVALID. */
int ef_only(ef_device *d, const char *op, ef_span req, const char *const *allowed);

#endif
