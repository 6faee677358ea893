#include "ef_text.h"

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

long ef_base64_decode(const char *in, size_t n, uint8_t *out, size_t cap, int skip_newlines) {
  uint32_t acc = 0;
  size_t i, o = 0, digits = 0, pad = 0;
  for (i = 0; i < n; i++) {
    char c = in[i];
    int v;
    if (skip_newlines && (c == '\n' || c == '\r')) continue;
    if (c == '=') {
      pad++;
      digits++;
      continue;
    }
    if (pad) return -1; /* data after padding */
    v = b64_value(c);
    if (v < 0) return -1;
    acc = (acc << 6) | (uint32_t)v;
    digits++;
    if (digits % 4 == 0) {
      if (o + 3 > cap) return -1;
      out[o++] = (uint8_t)(acc >> 16);
      out[o++] = (uint8_t)(acc >> 8);
      out[o++] = (uint8_t)acc;
      acc = 0;
    }
  }
  if (digits % 4 != 0 || pad > 2) return -1;
  if (pad) {
    /* The last quantum: acc holds 4 - pad digits; the unused low bits must be zero (canonical). */
    size_t keep = 3 - pad;
    uint32_t bits = acc << (6 * pad);
    if (pad == 1 && (bits & 0xFF)) return -1;
    if (pad == 2 && (bits & 0xFFFF)) return -1;
    if (o + keep > cap) return -1;
    out[o++] = (uint8_t)(bits >> 16);
    if (keep == 2) out[o++] = (uint8_t)(bits >> 8);
  }
  return (long)o;
}

size_t ef_base64url_encode(const uint8_t *in, size_t n, char *out) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t i, o = 0;
  for (i = 0; i + 2 < n; i += 3) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
  }
  out[o] = 0;
  return o;
}

void ef_hex(const uint8_t *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = 0;
}

static void put_digits(char *out, unsigned v, int width) {
  while (width-- > 0) {
    out[width] = (char)('0' + v % 10);
    v /= 10;
  }
}

void ef_iso_time(int64_t ms, char *out) {
  int64_t days, secs, z, era, y;
  unsigned doe, yoe, doy, mp, d, m;
  if (ms < 0) ms = 0;
  days = ms / 86400000;
  secs = (ms / 1000) % 86400;
  /* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
  z = days + 719468;
  era = z / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (int64_t)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  put_digits(out, (unsigned)y, 4);
  out[4] = '-';
  put_digits(out + 5, m, 2);
  out[7] = '-';
  put_digits(out + 8, d, 2);
  out[10] = 'T';
  put_digits(out + 11, (unsigned)(secs / 3600), 2);
  out[13] = ':';
  put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
  out[16] = ':';
  put_digits(out + 17, (unsigned)(secs % 60), 2);
  out[19] = '.';
  put_digits(out + 20, (unsigned)(ms % 1000), 3);
  out[23] = 'Z';
  out[24] = 0;
}

size_t ef_utf16_length(const char *s, size_t n) {
  size_t i, units = 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) == 0x80) continue; /* continuation byte */
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

size_t ef_utf8_clip(const char *s, size_t n, size_t max) {
  size_t end;
  if (n <= max) return n;
  end = max;
  while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80) end--;
  return end;
}
