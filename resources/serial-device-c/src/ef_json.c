#include "ef_json.h"
#include "ef_config.h"
#include <string.h>

/* ---- Validation ---------------------------------------------------------------------------- */

static size_t skip_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Length of the valid UTF-8 sequence at s[i] (no overlong forms, no surrogates, at most U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len, k;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else return 0;
  if (i + len > n) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (k = 2; k < len; k++)
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  return len;
}

/* A string at s[i] == '"': returns the index after its closing quote, or 0 when invalid. */
static size_t scan_string(const char *s, size_t n, size_t i) {
  i++;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"') return i + 1;
    if (c < 0x20) return 0;
    if (c == '\\') {
      if (i + 1 >= n) return 0;
      c = (unsigned char)s[i + 1];
      if (c == 'u') {
        int k;
        if (i + 6 > n) return 0;
        for (k = 2; k < 6; k++)
          if (hex_value(s[i + k]) < 0) return 0;
        i += 6;
      } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
        i += 2;
      } else return 0;
      continue;
    }
    {
      size_t len = utf8_sequence((const unsigned char *)s, n, i);
      if (!len) return 0;
      i += len;
    }
  }
  return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number at s[i]: returns the index after it, or 0 when invalid. */
static size_t scan_number(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '-') i++;
  if (i >= n) return 0;
  if (s[i] == '0') i++;
  else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) i++;
  } else return 0;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) i++;
  }
  return i;
}

static size_t scan_literal(const char *s, size_t n, size_t i, const char *word) {
  size_t len = strlen(word);
  if (i + len > n || memcmp(s + i, word, len) != 0) return 0;
  return i + len;
}

int ef_json_parse(const char *s, size_t n, ef_span *root, size_t *err_at) {
  char stack[EF_JSON_DEPTH];
  int depth = 0;
  size_t i = skip_ws(s, n, 0), start, next;
  start = i;
  for (;;) {
    /* A value starts at s[i]. */
    if (i >= n) goto fail;
    switch (s[i]) {
      case '{':
      case '[':
        if (depth == EF_JSON_DEPTH) goto fail;
        stack[depth++] = s[i];
        i = skip_ws(s, n, i + 1);
        if (i < n && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
          depth--;
          i++;
          goto after_value;
        }
        if (stack[depth - 1] == '{') goto member;
        continue;
      case '"':
        next = scan_string(s, n, i);
        break;
      case 't':
        next = scan_literal(s, n, i, "true");
        break;
      case 'f':
        next = scan_literal(s, n, i, "false");
        break;
      case 'n':
        next = scan_literal(s, n, i, "null");
        break;
      default:
        next = scan_number(s, n, i);
        break;
    }
    if (!next) goto fail;
    i = next;
  after_value:
    if (depth == 0) {
      size_t end = i;
      i = skip_ws(s, n, i);
      if (i != n) goto fail;
      root->p = s + start;
      root->n = end - start;
      return 0;
    }
    i = skip_ws(s, n, i);
    if (i >= n) goto fail;
    if (s[i] == ',') {
      i = skip_ws(s, n, i + 1);
      if (stack[depth - 1] == '{') goto member;
      continue;
    }
    if (s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
      depth--;
      i++;
      goto after_value;
    }
    goto fail;
  member:
    /* An object member starts at s[i]: "key" : value */
    if (i >= n || s[i] != '"') goto fail;
    i = scan_string(s, n, i);
    if (!i) goto fail;
    i = skip_ws(s, n, i);
    if (i >= n || s[i] != ':') goto fail;
    i = skip_ws(s, n, i + 1);
  }
fail:
  if (err_at) *err_at = i;
  return -1;
}

/* ---- Navigation (on validated text) -------------------------------------------------------- */

int ef_json_type(ef_span v) {
  if (!v.p || v.n == 0) return EF_JSON_INVALID;
  switch (v.p[0]) {
    case '{': return EF_JSON_OBJECT;
    case '[': return EF_JSON_ARRAY;
    case '"': return EF_JSON_STRING;
    case 't': return EF_JSON_TRUE;
    case 'f': return EF_JSON_FALSE;
    case 'n': return EF_JSON_NULL;
    default: return EF_JSON_NUMBER;
  }
}

/* The index after the value that starts at s[i] (valid text). */
static size_t skip_value(const char *s, size_t n, size_t i) {
  if (s[i] == '"') return scan_string(s, n, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < n) {
      char c = s[i];
      if (c == '"') {
        i = scan_string(s, n, i);
        continue;
      }
      if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      i++;
    }
    return n;
  }
  while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') i++;
  return i;
}

int ef_json_next_member(ef_span obj, size_t *it, ef_span *key, ef_span *value) {
  const char *s = obj.p;
  size_t n = obj.n, i = *it ? *it : 1, end;
  if (ef_json_type(obj) != EF_JSON_OBJECT) return 0;
  i = skip_ws(s, n, i);
  if (i >= n || s[i] == '}') return 0;
  end = scan_string(s, n, i);
  key->p = s + i;
  key->n = end - i;
  i = skip_ws(s, n, end);
  i = skip_ws(s, n, i + 1); /* the ':' */
  end = skip_value(s, n, i);
  value->p = s + i;
  value->n = end - i;
  i = skip_ws(s, n, end);
  if (i < n && s[i] == ',') i++;
  *it = i;
  return 1;
}

int ef_json_next_element(ef_span arr, size_t *it, ef_span *value) {
  const char *s = arr.p;
  size_t n = arr.n, i = *it ? *it : 1, end;
  if (ef_json_type(arr) != EF_JSON_ARRAY) return 0;
  i = skip_ws(s, n, i);
  if (i >= n || s[i] == ']') return 0;
  end = skip_value(s, n, i);
  value->p = s + i;
  value->n = end - i;
  i = skip_ws(s, n, end);
  if (i < n && s[i] == ',') i++;
  *it = i;
  return 1;
}

int ef_json_get(ef_span obj, const char *key, ef_span *value) {
  size_t it = 0;
  ef_span k, v;
  char name[64];
  int found = 0;
  while (ef_json_next_member(obj, &it, &k, &v)) {
    if (ef_json_string(k, name, sizeof name) >= 0 && strcmp(name, key) == 0) {
      *value = v;
      found = 1;
    }
  }
  return found;
}

int ef_json_only(ef_span obj, const char *const *allowed, ef_span *unknown_key) {
  size_t it = 0;
  ef_span k, v;
  char name[64];
  while (ef_json_next_member(obj, &it, &k, &v)) {
    const char *const *a;
    int ok = 0;
    if (ef_json_string(k, name, sizeof name) >= 0)
      for (a = allowed; *a; a++)
        if (strcmp(*a, name) == 0) ok = 1;
    if (!ok) {
      if (unknown_key) *unknown_key = k;
      return 0;
    }
  }
  return 1;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static uint32_t hex4(const char *p) {
  return (uint32_t)(hex_value(p[0]) << 12 | hex_value(p[1]) << 8 | hex_value(p[2]) << 4 | hex_value(p[3]));
}

long ef_json_string(ef_span v, char *out, size_t cap) {
  size_t i = 1, o = 0, end;
  if (ef_json_type(v) != EF_JSON_STRING || cap == 0) return -1;
  end = v.n - 1; /* the closing quote */
  while (i < end) {
    char tmp[4];
    size_t len;
    if (v.p[i] != '\\') {
      if (o + 1 >= cap) return -1;
      out[o++] = v.p[i++];
      continue;
    }
    switch (v.p[i + 1]) {
      case 'b': tmp[0] = '\b'; len = 1; break;
      case 'f': tmp[0] = '\f'; len = 1; break;
      case 'n': tmp[0] = '\n'; len = 1; break;
      case 'r': tmp[0] = '\r'; len = 1; break;
      case 't': tmp[0] = '\t'; len = 1; break;
      case 'u': {
        uint32_t cp = hex4(v.p + i + 2);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 8 <= end && v.p[i + 2] == '\\' && v.p[i + 3] == 'u') {
          uint32_t lo = hex4(v.p + i + 4);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        len = put_utf8(tmp, cp); /* a lone surrogate becomes its 3-byte WTF-8 form */
        break;
      }
      default: tmp[0] = v.p[i + 1]; len = 1; break; /* " \ / */
    }
    i += 2;
    if (o + len >= cap) return -1;
    memcpy(out + o, tmp, len);
    o += len;
  }
  out[o] = 0;
  return (long)o;
}

int ef_json_uint(ef_span v, uint64_t *out) {
  uint64_t x = 0;
  size_t i;
  if (v.n == 0 || v.n > 16 || !is_digit(v.p[0]) || (v.p[0] == '0' && v.n > 1)) return -1;
  for (i = 0; i < v.n; i++) {
    if (!is_digit(v.p[i])) return -1;
    x = x * 10 + (uint64_t)(v.p[i] - '0');
  }
  if (x > 9007199254740991ull) return -1;
  *out = x;
  return 0;
}

int ef_json_number(ef_span v, double *out) {
  /* Decimal mantissa and exponent; correct to about 15 digits, which is all the protocol's numbers need. */
  size_t i = 0;
  int neg = 0, digits = 0, exp10 = 0, eneg = 0, e = 0;
  uint64_t mant = 0;
  double x, p = 10;
  if (ef_json_type(v) != EF_JSON_NUMBER || !scan_number(v.p, v.n, 0)) return -1;
  if (v.p[i] == '-') neg = 1, i++;
  for (; i < v.n && is_digit(v.p[i]); i++) {
    if (digits < 18) mant = mant * 10 + (uint64_t)(v.p[i] - '0'), digits += mant > 0;
    else exp10++;
  }
  if (i < v.n && v.p[i] == '.')
    for (i++; i < v.n && is_digit(v.p[i]); i++)
      if (digits < 18) mant = mant * 10 + (uint64_t)(v.p[i] - '0'), digits += mant > 0, exp10--;
  if (i < v.n && (v.p[i] == 'e' || v.p[i] == 'E')) {
    i++;
    if (v.p[i] == '+' || v.p[i] == '-') eneg = v.p[i++] == '-';
    for (; i < v.n && is_digit(v.p[i]); i++)
      if (e < 100000) e = e * 10 + (v.p[i] - '0');
    exp10 += eneg ? -e : e;
  }
  x = (double)mant;
  if (exp10 < 0) {
    unsigned k = (unsigned)-exp10;
    double scale = 1;
    for (; k; k >>= 1, p *= p)
      if (k & 1) scale *= p;
    x /= scale;
  } else {
    unsigned k = (unsigned)exp10;
    for (; k; k >>= 1, p *= p)
      if (k & 1) x *= p;
  }
  *out = neg ? -x : x;
  return 0;
}

/* ---- Writer ---------------------------------------------------------------------------------- */

void ef_jw_init(ef_jw *w, char *buf, size_t cap) {
  w->buf = buf;
  w->cap = cap;
  w->len = 0;
  w->overflow = 0;
  w->depth = 0;
  w->has_items = 0;
  w->after_key = 0;
}

void ef_jw_raw(ef_jw *w, const char *s, size_t n) {
  if (w->overflow || w->len + n > w->cap) {
    w->overflow = 1;
    return;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static void putc_(ef_jw *w, char c) { ef_jw_raw(w, &c, 1); }

/* Before a value or a key: the comma between items. */
static void item(ef_jw *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->depth > 0) {
    uint32_t bit = 1u << (w->depth - 1);
    if (w->has_items & bit) putc_(w, ',');
    w->has_items |= bit;
  }
}

static void open_(ef_jw *w, char c) {
  item(w);
  putc_(w, c);
  if (w->depth < 32) w->has_items &= ~(1u << w->depth);
  w->depth++;
}

static void close_(ef_jw *w, char c) {
  w->depth--;
  putc_(w, c);
}

void ef_jw_object(ef_jw *w) { open_(w, '{'); }
void ef_jw_end_object(ef_jw *w) { close_(w, '}'); }
void ef_jw_array(ef_jw *w) { open_(w, '['); }
void ef_jw_end_array(ef_jw *w) { close_(w, ']'); }

static void write_string(ef_jw *w, const char *s, size_t n) {
  static const char digits[] = "0123456789abcdef";
  size_t i, run = 0;
  putc_(w, '"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[6];
    size_t len = 0, skip = 0;
    if (c == '"' || c == '\\') esc[0] = '\\', esc[1] = (char)c, len = 2;
    else if (c < 0x20) {
      esc[0] = '\\';
      len = 2;
      if (c == '\b') esc[1] = 'b';
      else if (c == '\t') esc[1] = 't';
      else if (c == '\n') esc[1] = 'n';
      else if (c == '\f') esc[1] = 'f';
      else if (c == '\r') esc[1] = 'r';
      else esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = digits[c >> 4], esc[5] = digits[c & 15], len = 6;
    } else if (c == 0xED && i + 2 < n && ((unsigned char)s[i + 1] & 0xE0) == 0xA0) {
      /* A lone surrogate (WTF-8): JSON.stringify writes it as \udXXX. */
      uint32_t cp = 0xD000 | (((unsigned char)s[i + 1] & 0x3F) << 6) | ((unsigned char)s[i + 2] & 0x3F);
      esc[0] = '\\', esc[1] = 'u', esc[2] = 'd', esc[3] = digits[(cp >> 8) & 15], esc[4] = digits[(cp >> 4) & 15], esc[5] = digits[cp & 15];
      len = 6;
      skip = 2;
    } else {
      run++;
      continue;
    }
    ef_jw_raw(w, s + i - run, run);
    run = 0;
    ef_jw_raw(w, esc, len);
    i += skip;
  }
  ef_jw_raw(w, s + n - run, run);
  putc_(w, '"');
}

void ef_jw_key(ef_jw *w, const char *key) {
  item(w);
  write_string(w, key, strlen(key));
  putc_(w, ':');
  w->after_key = 1;
}

void ef_jw_stringn(ef_jw *w, const char *s, size_t n) {
  item(w);
  write_string(w, s, n);
}

void ef_jw_string(ef_jw *w, const char *s) { ef_jw_stringn(w, s, strlen(s)); }

void ef_jw_uint(ef_jw *w, uint64_t v) {
  char tmp[20];
  size_t i = sizeof tmp;
  item(w);
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ef_jw_raw(w, tmp + i, sizeof tmp - i);
}

void ef_jw_number(ef_jw *w, double v) {
  /* Fifteen significant digits, fixed notation from 1e-6 to 1e21 (as JavaScript does), else exponent. */
  char digits[16], out[40];
  size_t o = 0;
  int e10 = 0, nd, k, point;
  uint64_t m;
  double x;
  if (v != v || v - v != 0) { /* NaN or infinity: JSON has neither */
    ef_jw_null(w);
    return;
  }
  if (v < 0) out[o++] = '-', v = -v;
  if (v == (double)(uint64_t)v && v < 9007199254740992.0) {
    char tmp[20];
    size_t i = sizeof tmp;
    m = (uint64_t)v;
    do {
      tmp[--i] = (char)('0' + m % 10);
      m /= 10;
    } while (m);
    if (o && (uint64_t)v == 0) o = 0; /* -0 is written 0, as JSON.stringify does */
    memcpy(out + o, tmp + i, sizeof tmp - i);
    item(w);
    ef_jw_raw(w, out, o + sizeof tmp - i);
    return;
  }
  x = v;
  while (x >= 10) x /= 10, e10++;
  while (x < 1) x *= 10, e10--;
  /* m = round(v * 10^(14 - e10)) */
  x = v;
  for (k = 14 - e10; k > 0; k--) x *= 10;
  for (k = 14 - e10; k < 0; k++) x /= 10;
  m = (uint64_t)(x + 0.5);
  if (m >= 1000000000000000ull) m /= 10, e10++;
  for (nd = 15; nd > 0; nd--) digits[nd - 1] = (char)('0' + m % 10), m /= 10;
  nd = 15;
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  if (e10 >= -6 && e10 < 21) {
    point = e10 + 1; /* digits before the point */
    if (point <= 0) {
      out[o++] = '0';
      out[o++] = '.';
      for (k = 0; k < -point; k++) out[o++] = '0';
      for (k = 0; k < nd; k++) out[o++] = digits[k];
    } else {
      for (k = 0; k < nd || k < point; k++) {
        if (k == point) out[o++] = '.';
        out[o++] = k < nd ? digits[k] : '0';
      }
    }
  } else {
    out[o++] = digits[0];
    if (nd > 1) {
      out[o++] = '.';
      for (k = 1; k < nd; k++) out[o++] = digits[k];
    }
    out[o++] = 'e';
    out[o++] = e10 < 0 ? '-' : '+';
    if (e10 < 0) e10 = -e10;
    if (e10 >= 100) out[o++] = (char)('0' + e10 / 100);
    if (e10 >= 10) out[o++] = (char)('0' + e10 / 10 % 10);
    out[o++] = (char)('0' + e10 % 10);
  }
  item(w);
  ef_jw_raw(w, out, o);
}

void ef_jw_bool(ef_jw *w, int v) {
  item(w);
  if (v) ef_jw_raw(w, "true", 4);
  else ef_jw_raw(w, "false", 5);
}

void ef_jw_null(ef_jw *w) {
  item(w);
  ef_jw_raw(w, "null", 4);
}
