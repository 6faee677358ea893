/* A JSON reader that works on the text in place (no allocation, no tree) and a writer into a fixed buffer.
 * Validate the whole text once with ef_json_parse; then navigate it with the accessors below, which
 * assume valid text. Strings decode to UTF-8; a lone surrogate (\ud800) decodes to its 3-byte WTF-8
 * form so that the writer can write it back as JavaScript's JSON.stringify does. */
#ifndef EF_JSON_H
#define EF_JSON_H
#include <stddef.h>
#include <stdint.h>

enum { EF_JSON_INVALID = 0, EF_JSON_OBJECT, EF_JSON_ARRAY, EF_JSON_STRING, EF_JSON_NUMBER, EF_JSON_TRUE, EF_JSON_FALSE, EF_JSON_NULL };

typedef struct {
  const char *p; /* the value's text, from its first to its last character */
  size_t n;
} ef_span;

/* Checks that s is exactly one JSON value (RFC 8259, UTF-8, nesting at most EF_JSON_DEPTH) with
 * optional whitespace around it; on success *root is that value. Returns 0, or -1 with *err_at set. */
int ef_json_parse(const char *s, size_t n, ef_span *root, size_t *err_at);

int ef_json_type(ef_span v);
/* Object members in order: start with *it = 0; returns 1 per member, 0 at the end. */
int ef_json_next_member(ef_span obj, size_t *it, ef_span *key, ef_span *value);
/* Array elements in order, like ef_json_next_member. */
int ef_json_next_element(ef_span arr, size_t *it, ef_span *value);
/* The member named key (compared after decoding escapes); the last one wins, as in JSON.parse. 1 if found. */
int ef_json_get(ef_span obj, const char *key, ef_span *value);
/* True when the object has no member other than the names in allowed (NULL-terminated). */
int ef_json_only(ef_span obj, const char *const *allowed, ef_span *unknown_key);
/* Decodes a string value into out (NUL-terminated). Returns its length in bytes, or -1 when it is not
 * a string or does not fit in cap - 1 bytes. */
long ef_json_string(ef_span v, char *out, size_t cap);
/* An integer written without fraction or exponent, 0 ... 2^53 - 1. Returns 0, or -1. */
int ef_json_uint(ef_span v, uint64_t *out);
/* Any JSON number. Returns 0, or -1. */
int ef_json_number(ef_span v, double *out);

typedef struct {
  char *buf;
  size_t cap, len;
  int overflow;
  int depth;
  uint32_t has_items; /* bit d: the container at depth d already has an item */
  int after_key;
} ef_jw;

void ef_jw_init(ef_jw *w, char *buf, size_t cap);
void ef_jw_object(ef_jw *w);
void ef_jw_end_object(ef_jw *w);
void ef_jw_array(ef_jw *w);
void ef_jw_end_array(ef_jw *w);
void ef_jw_key(ef_jw *w, const char *key);
void ef_jw_string(ef_jw *w, const char *s);
void ef_jw_stringn(ef_jw *w, const char *s, size_t n);
void ef_jw_uint(ef_jw *w, uint64_t v);
void ef_jw_number(ef_jw *w, double v);
void ef_jw_bool(ef_jw *w, int v);
void ef_jw_null(ef_jw *w);
/* Appends bytes as they are (the caller's own valid JSON, or a message header). */
void ef_jw_raw(ef_jw *w, const char *s, size_t n);

#endif
