/* Small text helpers: base64, hex, ISO 8601 times, UTF-16 lengths. */
#ifndef EF_TEXT_H
#define EF_TEXT_H
#include <stddef.h>
#include <stdint.h>

/* Standard base64 (RFC 4648 section 4) with padding; skip_newlines ignores '\r' and '\n' (PEM).
 * Returns the decoded length, or -1 when the text is not strict padded base64 or exceeds cap. */
long ef_base64_decode(const char *in, size_t n, uint8_t *out, size_t cap, int skip_newlines);
/* URL-safe base64 without padding; out needs 4 * ceil(n / 3) + 1 bytes. Returns the length. */
size_t ef_base64url_encode(const uint8_t *in, size_t n, char *out);
/* Lowercase hex of n bytes plus a terminating NUL (out needs 2n + 1). */
void ef_hex(const uint8_t *in, size_t n, char *out);
/* ISO 8601 UTC with milliseconds (2025-01-15T09:31:05.000Z); out needs 25 bytes. */
void ef_iso_time(int64_t ms_since_1970, char *out);
/* Length in UTF-16 code units of valid UTF-8 (or WTF-8) text, as JavaScript's String.length counts. */
size_t ef_utf16_length(const char *s, size_t n);
/* The longest prefix of s, at most max bytes, that ends on a UTF-8 character boundary. */
size_t ef_utf8_clip(const char *s, size_t n, size_t max);

#endif
