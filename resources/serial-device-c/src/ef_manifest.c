#include "ef_manifest.h"
#include "ef_text.h"
#include <stdio.h>
#include <string.h>

static int fail(char *err, size_t cap, const char *path, const char *field, const char *problem) {
  snprintf(err, cap, "%s%s%s: %s", path, *path ? "." : "", field, problem);
  return -1;
}

/* A required string of min ... max UTF-16 units that fits out. */
static int get_string(ef_span obj, const char *path, const char *field, char *out, size_t cap, size_t min, size_t max, char *err, size_t err_cap) {
  ef_span v;
  long n;
  char problem[96];
  if (!ef_json_get(obj, field, &v)) return fail(err, err_cap, path, field, "required");
  if (ef_json_type(v) != EF_JSON_STRING) return fail(err, err_cap, path, field, "expected a string");
  n = ef_json_string(v, out, cap);
  if (n < 0) {
    snprintf(problem, sizeof problem, "longer than this device stores (%lu bytes of UTF-8)", (unsigned long)(cap - 1));
    return fail(err, err_cap, path, field, problem);
  }
  if (ef_utf16_length(out, (size_t)n) < min || ef_utf16_length(out, (size_t)n) > max) {
    snprintf(problem, sizeof problem, "expected %lu to %lu characters", (unsigned long)min, (unsigned long)max);
    return fail(err, err_cap, path, field, problem);
  }
  return 0;
}

int ef_sha256_hex_valid(const char *s) {
  size_t i;
  for (i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return s[64] == 0;
}

static int digits(const char *s, int n, int *v) {
  int i;
  *v = 0;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *v = *v * 10 + (s[i] - '0');
  }
  return 1;
}

int ef_iso_datetime_valid(const char *s) {
  static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, mo, d, h, mi, sec;
  const char *p;
  if (strlen(s) < 20) return 0;
  if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T') return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1]) return 0;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
  if (!digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec)) return 0;
  if (h > 23 || mi > 59 || sec > 59) return 0;
  p = s + 19;
  if (*p == '.') {
    if (p[1] < '0' || p[1] > '9') return 0;
    for (p++; *p >= '0' && *p <= '9'; p++) {
    }
  }
  if (p[0] == 'Z') return p[1] == 0;
  if ((p[0] == '+' || p[0] == '-') && digits(p + 1, 2, &h) && p[3] == ':' && digits(p + 4, 2, &mi)) return h <= 23 && mi <= 59 && p[6] == 0;
  return 0;
}

int ef_manifest_parse(ef_span v, const char *path, ef_manifest *m, char *err, size_t err_cap) {
  ef_span f;
  memset(m, 0, sizeof *m);
  if (ef_json_type(v) != EF_JSON_OBJECT) {
    snprintf(err, err_cap, "%s: expected an object", path);
    return -1;
  }
  if (get_string(v, path, "name", m->name, sizeof m->name, 1, 200, err, err_cap)) return -1;
  if (get_string(v, path, "version", m->version, sizeof m->version, 1, 100, err, err_cap)) return -1;
  if (!ef_json_get(v, "sha256", &f)) return fail(err, err_cap, path, "sha256", "required");
  if (ef_json_string(f, m->sha256, sizeof m->sha256) != 64 || !ef_sha256_hex_valid(m->sha256)) return fail(err, err_cap, path, "sha256", "expected 64 lowercase hex digits (a SHA-256)");
  if (!ef_json_get(v, "size", &f)) return fail(err, err_cap, path, "size", "required");
  if (ef_json_uint(f, &m->size) || m->size > ((uint64_t)1 << 40)) return fail(err, err_cap, path, "size", "expected a whole number of bytes from 0 to 2^40");
  if (!ef_json_get(v, "created", &f)) return fail(err, err_cap, path, "created", "required");
  if (ef_json_string(f, m->created, sizeof m->created) < 0 || !ef_iso_datetime_valid(m->created)) return fail(err, err_cap, path, "created", "expected an ISO 8601 date-time with seconds and Z or an offset");
  if (ef_json_get(v, "release", &f)) {
    if (ef_json_uint(f, &m->release)) return fail(err, err_cap, path, "release", "expected a whole number from 0 to 2^53 - 1");
    m->has_release = 1;
  }
  if (ef_json_get(v, "downgrade", &f)) {
    static const char *const allowed[] = {"deviceId", NULL};
    char sub[64];
    snprintf(sub, sizeof sub, "%s%sdowngrade", path, *path ? "." : "");
    if (ef_json_type(f) != EF_JSON_OBJECT) return fail(err, err_cap, path, "downgrade", "expected an object");
    if (!ef_json_only(f, allowed, NULL)) return fail(err, err_cap, path, "downgrade", "no fields other than deviceId are allowed");
    if (get_string(f, sub, "deviceId", m->downgrade_id, sizeof m->downgrade_id, 1, 200, err, err_cap)) return -1;
    m->has_downgrade = 1;
  }
  return 0;
}

void ef_manifest_write(ef_jw *w, const ef_manifest *m) {
  ef_jw_object(w);
  ef_jw_key(w, "created");
  ef_jw_string(w, m->created);
  if (m->has_downgrade) {
    ef_jw_key(w, "downgrade");
    ef_jw_object(w);
    ef_jw_key(w, "deviceId");
    ef_jw_string(w, m->downgrade_id);
    ef_jw_end_object(w);
  }
  ef_jw_key(w, "name");
  ef_jw_string(w, m->name);
  if (m->has_release) {
    ef_jw_key(w, "release");
    ef_jw_uint(w, m->release);
  }
  ef_jw_key(w, "sha256");
  ef_jw_string(w, m->sha256);
  ef_jw_key(w, "size");
  ef_jw_uint(w, m->size);
  ef_jw_key(w, "version");
  ef_jw_string(w, m->version);
  ef_jw_end_object(w);
}

int ef_manifest_equal(const ef_manifest *a, const ef_manifest *b) {
  return strcmp(a->name, b->name) == 0 && strcmp(a->version, b->version) == 0 && strcmp(a->sha256, b->sha256) == 0 &&
         strcmp(a->created, b->created) == 0 && a->size == b->size && a->has_release == b->has_release &&
         (!a->has_release || a->release == b->release) && a->has_downgrade == b->has_downgrade &&
         (!a->has_downgrade || strcmp(a->downgrade_id, b->downgrade_id) == 0);
}

int ef_manifest_verify(const ef_hal *hal, const ef_manifest *m, const char *signature_b64, const uint8_t pk[32], char *scratch, size_t scratch_cap) {
  uint8_t sig[64];
  ef_jw w;
  size_t n = strlen(signature_b64);
  /* Only the padded standard form of 64 bytes: 88 characters ending in "==". */
  if (n != 88 || ef_base64_decode(signature_b64, n, sig, sizeof sig, 0) != 64) return 0;
  ef_jw_init(&w, scratch, scratch_cap);
  ef_manifest_write(&w, m);
  if (w.overflow) return 0;
  return hal->ed25519_verify(hal->ctx, sig, (const uint8_t *)scratch, w.len, pk) == 1;
}
