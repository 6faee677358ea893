/* The signed manifest (SERIAL-PROTOCOL.md 7): parsing with the schema's rules, the canonical bytes the
 * console signs, and the signature check. */
#ifndef EF_MANIFEST_H
#define EF_MANIFEST_H
#include <stddef.h>
#include <stdint.h>
#include "ef_config.h"
#include "ef_hal.h"
#include "ef_json.h"

typedef struct {
  char name[EF_NAME_MAX + 1];
  char version[EF_VERSION_MAX + 1];
  char sha256[65];
  char created[EF_CREATED_MAX + 1];
  uint64_t size, release;
  uint8_t has_release, has_downgrade;
  char downgrade_id[EF_ID_MAX + 1];
} ef_manifest;

/* Reads a manifest object, dropping unknown fields. Returns 0, or -1 with "path: problem" in err. */
int ef_manifest_parse(ef_span v, const char *path, ef_manifest *m, char *err, size_t err_cap);
/* Writes the manifest as a JSON object, keys sorted: with a fresh writer this is exactly the canonical form. */
void ef_manifest_write(ef_jw *w, const ef_manifest *m);
int ef_manifest_equal(const ef_manifest *a, const ef_manifest *b);
/* 1 when signature_b64 (standard padded base64 of 64 bytes) verifies over the canonical bytes with pk.
 * scratch holds the canonical bytes (scratch_cap of 2 KB is enough for any manifest of the schema). */
int ef_manifest_verify(const ef_hal *hal, const ef_manifest *m, const char *signature_b64, const uint8_t pk[32], char *scratch, size_t scratch_cap);
/* Checks an ISO 8601 date-time with seconds and Z or an offset, as the schema (zod iso.datetime). */
int ef_iso_datetime_valid(const char *s);
/* 1 when s is 64 lowercase hex digits. */
int ef_sha256_hex_valid(const char *s);

#endif
