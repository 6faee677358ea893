/* Messages (SERIAL-PROTOCOL.md 3): reassembly of requests from link fragments, the envelope
 * {op, token, req}, dispatch, and the answers; plus the small operations pair, info, telemetry and profile. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ef_internal.h"
#include "ef_text.h"

#if EF_TX_MSG_MAX + 4 > EF_TX_QUEUE
#error "EF_TX_QUEUE must hold at least one answer of EF_TX_MSG_MAX bytes"
#endif

#define MAX_MESSAGE (9u * 1024u * 1024u)
#define KIND_REQUEST 1
#define KIND_RESPONSE 2
#define KIND_ERROR 3

static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* ---- Helpers ------------------------------------------------------------------------------- */

void ef_log(ef_device *d, const char *fmt, ...) {
  char line[256];
  va_list ap;
  if (!d->hal->log) return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  d->hal->log(d->hal->ctx, line);
}

int ef_fail(ef_device *d, const char *code, const char *title, const char *fmt, ...) {
  va_list ap;
  d->err_code = code;
  d->err_title = title;
  va_start(ap, fmt);
  vsnprintf(d->err_detail, sizeof d->err_detail, fmt, ap);
  va_end(ap);
  d->err_detail[ef_utf8_clip(d->err_detail, strlen(d->err_detail), sizeof d->err_detail - 1)] = 0;
  return -1;
}

int ef_invalid(ef_device *d, const char *op, const char *detail) {
  static char title[48];
  snprintf(title, sizeof title, "Invalid %s request", op);
  return ef_fail(d, "REQUEST_INVALID", title, "%s", detail);
}

int ef_only(ef_device *d, const char *op, ef_span req, const char *const *allowed) {
  ef_span key;
  char name[64], detail[160];
  if (ef_json_only(req, allowed, &key)) return 0;
  if (ef_json_string(key, name, sizeof name) < 0) strcpy(name, "(a long name)");
  snprintf(detail, sizeof detail, "%s: unknown field; this request takes no fields other than those documented", name);
  return ef_invalid(d, op, detail);
}

int64_t ef_wall(ef_device *d) {
  int64_t t = d->hal->wall_ms ? d->hal->wall_ms(d->hal->ctx) : -1;
  /* No wall clock: time since start, so that times still order and differences hold. */
  return t >= 0 ? t : (int64_t)(uint32_t)(d->hal->now_ms(d->hal->ctx) - d->started_ms);
}

void ef_now_iso(ef_device *d, char out[25]) { ef_iso_time(ef_wall(d), out); }

int ef_hash_region(ef_device *d, int region, uint64_t size, char hex[65]) {
  ef_sha256_ctx s;
  uint8_t digest[32];
  uint64_t at = 0;
  uint8_t *buf = (uint8_t *)d->json; /* the request's JSON is parsed by now */
  const size_t step = sizeof d->json < EF_COPY_CHUNK * 4 ? sizeof d->json : EF_COPY_CHUNK * 4;
  d->hal->sha256_init(d->hal->ctx, &s);
  while (at < size) {
    size_t n = size - at < step ? (size_t)(size - at) : step;
    if (d->hal->store_read(d->hal->ctx, region, at, buf, n) != 0) return -1;
    d->hal->sha256_update(d->hal->ctx, &s, buf, n);
    at += n;
  }
  d->hal->sha256_final(d->hal->ctx, &s, digest);
  ef_hex(digest, 32, hex);
  return 0;
}

void ef_set_event(ef_device *d, const char *kind, const char *fmt, ...) {
  va_list ap;
  d->st.has_event = 1;
  ef_now_iso(d, d->st.event_at);
  strncpy(d->st.event_kind, kind, sizeof d->st.event_kind - 1);
  va_start(ap, fmt);
  vsnprintf(d->st.event_detail, sizeof d->st.event_detail, fmt, ap);
  va_end(ap);
  d->st.event_detail[ef_utf8_clip(d->st.event_detail, strlen(d->st.event_detail), sizeof d->st.event_detail - 1)] = 0;
}

int ef_desc_used(const ef_device *d, int slot) { return slot >= 0 && slot <= 1 && d->st.slot_used[slot]; }
const char *ef_desc_name(const ef_device *d, int slot) { return ef_desc_used(d, slot) ? d->st.slot[slot].name : "no model"; }
const char *ef_desc_version(const ef_device *d, int slot) { return ef_desc_used(d, slot) ? d->st.slot[slot].version : ""; }
const char *ef_desc_slot(const ef_device *d, int slot) { return !ef_desc_used(d, slot) ? "" : slot == 0 ? " (slot a)" : " (slot b)"; }

static int token_valid(ef_device *d, ef_span envelope) {
  ef_span v;
  char token[96];
  uint8_t digest[32], diff = 0;
  ef_sha256_ctx s;
  long n;
  size_t i;
  if (!d->st.paired || !ef_json_get(envelope, "token", &v)) return 0;
  n = ef_json_string(v, token, sizeof token);
  if (n < 0) return 0;
  d->hal->sha256_init(d->hal->ctx, &s);
  d->hal->sha256_update(d->hal->ctx, &s, (const uint8_t *)token, (size_t)n);
  d->hal->sha256_final(d->hal->ctx, &s, digest);
  for (i = 0; i < 32; i++) diff |= (uint8_t)(digest[i] ^ d->st.token_hash[i]);
  return diff == 0;
}

/* ---- Small operations -------------------------------------------------------------------- */

static void cert_fingerprint(ef_device *d, char hex[65]) {
  /* No TLS certificate on this wire (SERIAL-PROTOCOL.md 8.5): the SHA-256 of something stable and our own. */
  static const char prefix[] = "edgefleet-c-device:";
  ef_sha256_ctx s;
  uint8_t digest[32];
  d->hal->sha256_init(d->hal->ctx, &s);
  d->hal->sha256_update(d->hal->ctx, &s, (const uint8_t *)prefix, sizeof prefix - 1);
  d->hal->sha256_update(d->hal->ctx, &s, (const uint8_t *)d->st.device_id, strlen(d->st.device_id));
  d->hal->sha256_final(d->hal->ctx, &s, digest);
  ef_hex(digest, 32, hex);
}

/* PEM SPKI of an ed25519 key (SERIAL-PROTOCOL.md 7.1): the 12-byte prefix, then the 32-byte key. */
static int pem_key(const char *pem, uint8_t key[32]) {
  static const char begin[] = "-----BEGIN PUBLIC KEY-----", end[] = "-----END PUBLIC KEY-----";
  static const uint8_t prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  uint8_t der[48];
  const char *b = strstr(pem, begin), *e;
  long n;
  if (!b) return -1;
  b += sizeof begin - 1;
  e = strstr(b, end);
  if (!e) return -1;
  n = ef_base64_decode(b, (size_t)(e - b), der, sizeof der, 1);
  if (n != 44 || memcmp(der, prefix, sizeof prefix) != 0) return -1;
  memcpy(key, der + 12, 32);
  return 0;
}

static int op_pair(ef_device *d, ef_span req, ef_jw *w) {
  char code[17], *pem = d->err_detail, name[EF_CONSOLE_NAME_MAX + 1], token[48], hex[65];
  uint8_t key[32], raw[32];
  ef_span v;
  long n;
  size_t i, j, len;
  uint32_t t = d->hal->now_ms(d->hal->ctx);
  ef_sha256_ctx s;
  if (!ef_json_get(req, "code", &v) || ef_json_type(v) != EF_JSON_STRING) return ef_invalid(d, "pair", "code: required, a string");
  n = ef_json_string(v, code, sizeof code);
  if (n < 0 || ef_utf16_length(code, (size_t)n) < 4 || ef_utf16_length(code, (size_t)n) > 16) return ef_invalid(d, "pair", "code: expected 4 to 16 characters");
  /* The PEM is at most 4000 characters; the error detail buffer holds it while it is decoded. */
  if (!ef_json_get(req, "consolePublicKey", &v) || ef_json_type(v) != EF_JSON_STRING) return ef_invalid(d, "pair", "consolePublicKey: required, a string");
  n = ef_json_string(v, pem, sizeof d->err_detail);
  if (n == 0) return ef_invalid(d, "pair", "consolePublicKey: expected 1 to 4000 characters");
  if (n < 0) pem[0] = 0; /* longer than any ed25519 PEM: refused as not ed25519 below */
  if (!ef_json_get(req, "consoleName", &v) || ef_json_type(v) != EF_JSON_STRING) return ef_invalid(d, "pair", "consoleName: required, a string");
  n = ef_json_string(v, name, sizeof name);
  if (n < 0 || ef_utf16_length(name, (size_t)n) < 1 || ef_utf16_length(name, (size_t)n) > 200) return ef_invalid(d, "pair", "consoleName: expected 1 to 200 characters");
  if (pem_key(pem, key) != 0) {
    return ef_fail(d, "PAIRING_KEY_INVALID", "Console key refused",
                   "consolePublicKey is not an ed25519 public key in PEM SPKI form (-----BEGIN PUBLIC KEY----- and 44 bytes of DER). Pair from an EdgeFleet console.");
  }
  if (d->pair_blocked && (int32_t)(d->pair_blocked_until - t) > 0) {
    d->retry_after_ms = d->pair_blocked_until - t;
    return ef_fail(d, "PAIRING_RATE_LIMITED", "Too many wrong pairing codes", "Wait %lu s before the next try; the code on the device has not changed.", (unsigned long)(d->retry_after_ms + 999) / 1000);
  }
  /* Trim spaces and compare upper-cased, so that people may type the code in lower case. */
  for (i = 0; code[i] == ' '; i++) {
  }
  len = strlen(code + i);
  while (len && code[i + len - 1] == ' ') len--;
  for (j = 0; j < len; j++) code[j] = (char)(code[i + j] >= 'a' && code[i + j] <= 'z' ? code[i + j] - 32 : code[i + j]);
  code[len] = 0;
  if (d->st.code_used || !d->st.pairing_code[0] || strcmp(code, d->st.pairing_code) != 0) {
    /* Three free tries, then a wait that doubles from 1 s up to 10 min (SERIAL-PROTOCOL.md 8.6). */
    if (++d->pair_failures >= 3) {
      d->pair_wait_ms = d->pair_wait_ms ? (d->pair_wait_ms * 2 > 600000u ? 600000u : d->pair_wait_ms * 2) : 1000u;
      d->pair_blocked = 1;
      d->pair_blocked_until = t + d->pair_wait_ms;
    }
    return ef_fail(d, "PAIRING_CODE_INVALID", "Wrong pairing code",
                   d->st.code_used ? "The pairing code of this device was already used. Make a new one on the device (--new-pairing-code) and pair again."
                                   : "This is not the code the device shows. Check it on the device and try again.");
  }
  d->pair_failures = 0;
  d->pair_wait_ms = 0;
  d->pair_blocked = 0;
  if (d->hal->random(d->hal->ctx, raw, sizeof raw) != 0) return ef_fail(d, "INTERNAL", "No random numbers", "The device could not make a token: its random number source failed.");
  ef_base64url_encode(raw, sizeof raw, token);
  d->hal->sha256_init(d->hal->ctx, &s);
  d->hal->sha256_update(d->hal->ctx, &s, (const uint8_t *)token, strlen(token));
  d->hal->sha256_final(d->hal->ctx, &s, d->st.token_hash);
  memcpy(d->st.console_key, key, 32);
  memcpy(d->st.console_name, name, strlen(name) + 1);
  d->st.paired = 1;
  d->st.code_used = 1;
  if (ef_state_save(d) != 0) return ef_fail(d, "INTERNAL", "Storage failed", "The device could not store the pairing; nothing changed. Check its storage and pair again.");
  ef_log(d, "paired with console \"%.80s\"", name);
  cert_fingerprint(d, hex);
  ef_jw_object(w);
  ef_jw_key(w, "deviceId");
  ef_jw_string(w, d->st.device_id);
  ef_jw_key(w, "token");
  ef_jw_string(w, token);
  ef_jw_key(w, "certFingerprint");
  ef_jw_string(w, hex);
  ef_jw_end_object(w);
  return 0;
}

static int op_info(ef_device *d, ef_span req, ef_jw *w) {
  static const char *const none[] = {NULL};
  const ef_device_config *c = &d->cfg;
  if (ef_only(d, "info", req, none)) return -1;
  ef_jw_object(w);
  ef_jw_key(w, "deviceId");
  ef_jw_string(w, d->st.device_id);
  ef_jw_key(w, "name");
  ef_jw_string(w, c->name);
  ef_jw_key(w, "agentVersion");
  ef_jw_string(w, c->agent_version);
  ef_jw_key(w, "arch");
  ef_jw_string(w, c->arch);
  ef_jw_key(w, "platform");
  ef_jw_string(w, c->platform);
  ef_jw_key(w, "cpu");
  ef_jw_string(w, c->cpu);
  ef_jw_key(w, "cores");
  ef_jw_uint(w, c->cores);
  ef_jw_key(w, "totalMemoryBytes");
  ef_jw_uint(w, c->total_memory_bytes);
  ef_jw_key(w, "runtime");
  ef_jw_object(w);
  ef_jw_key(w, "name");
  ef_jw_string(w, c->runtime_name);
  ef_jw_key(w, "version");
  ef_jw_string(w, c->runtime_version);
  ef_jw_end_object(w);
  ef_jw_key(w, "consoleName");
  if (d->st.paired) ef_jw_string(w, d->st.console_name);
  else ef_jw_null(w);
  ef_jw_key(w, "servePort");
  ef_jw_null(w);
  ef_jw_end_object(w);
  return 0;
}

static void write_summary(ef_device *d, ef_jw *w) {
  static const unsigned bounds[12] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
  ef_metrics m;
  char at[25];
  uint32_t t = d->hal->now_ms(d->hal->ctx);
  int i, active = d->st.active;
  memset(&m, 0, sizeof m);
  m.rss_bytes = sizeof *d; /* all this library's memory is the one static ef_device */
  if (d->hal->metrics) d->hal->metrics(d->hal->ctx, &m);
  ef_now_iso(d, at);
  ef_jw_object(w);
  ef_jw_key(w, "seq");
  ef_jw_uint(w, ++d->telemetry_seq);
  ef_jw_key(w, "at");
  ef_jw_string(w, at);
  ef_jw_key(w, "windowSec");
  ef_jw_number(w, (double)(uint32_t)(t - d->last_summary_ms) / 1000.0);
  d->last_summary_ms = t;
  /* This device serves no inference itself: every counter is honestly zero. */
  ef_jw_key(w, "requests");
  ef_jw_uint(w, 0);
  ef_jw_key(w, "errors");
  ef_jw_uint(w, 0);
  ef_jw_key(w, "windowRequests");
  ef_jw_uint(w, 0);
  ef_jw_key(w, "windowErrors");
  ef_jw_uint(w, 0);
  ef_jw_key(w, "latencyMs");
  ef_jw_null(w);
  ef_jw_key(w, "histogram");
  ef_jw_object(w);
  ef_jw_key(w, "boundsMs");
  ef_jw_array(w);
  for (i = 0; i < 12; i++) ef_jw_uint(w, bounds[i]);
  ef_jw_end_array(w);
  ef_jw_key(w, "counts");
  ef_jw_array(w);
  for (i = 0; i < 13; i++) ef_jw_uint(w, 0);
  ef_jw_end_array(w);
  ef_jw_end_object(w);
  ef_jw_key(w, "confidence");
  ef_jw_null(w);
  ef_jw_key(w, "rssBytes");
  ef_jw_uint(w, m.rss_bytes);
  ef_jw_key(w, "cpuPercent");
  ef_jw_number(w, m.cpu_percent);
  ef_jw_key(w, "loadAvg1");
  ef_jw_number(w, m.load_avg1);
  ef_jw_key(w, "temperatureC");
  if (m.has_temperature) ef_jw_number(w, m.temperature_c);
  else ef_jw_null(w);
  ef_jw_key(w, "model");
  if (active >= 0 && d->st.slot_used[active]) {
    ef_jw_object(w);
    ef_jw_key(w, "name");
    ef_jw_string(w, d->st.slot[active].name);
    ef_jw_key(w, "version");
    ef_jw_string(w, d->st.slot[active].version);
    ef_jw_end_object(w);
  } else ef_jw_null(w);
  ef_jw_key(w, "state");
  ef_jw_string(w, d->st.in_trial ? "trial" : active >= 0 ? "running" : "empty");
  ef_jw_end_object(w);
}

static int op_telemetry(ef_device *d, ef_span req, ef_jw *w) {
  ef_span v;
  uint64_t limit = 120;
  size_t mark;
  if (ef_json_get(req, "limit", &v) && (ef_json_uint(v, &limit) || limit < 1 || limit > 10000)) return ef_invalid(d, "telemetry", "limit: expected a whole number from 1 to 10000");
  /* No history is kept (RAM): the history is the summary made now, which joins it. */
  ef_jw_object(w);
  ef_jw_key(w, "current");
  mark = w->len;
  write_summary(d, w);
  ef_jw_key(w, "history");
  ef_jw_array(w);
  {
    /* The same summary again: copy its text rather than make a second one. */
    size_t end = w->len - (sizeof "\"history\":[" - 1) - 1, n = end - mark;
    if (!w->overflow && w->len + n <= w->cap) {
      memmove(w->buf + w->len, w->buf + mark, n);
      w->len += n;
    } else w->overflow = 1;
  }
  ef_jw_end_array(w);
  ef_jw_end_object(w);
  return 0;
}

static int op_profile(ef_device *d, ef_span req, ef_jw *w) {
  static const struct { const char *name; uint64_t lo, hi; } fields[3] = {{"runs", 1, 10000}, {"warmup", 0, 1000}, {"threads", 0, 256}};
  ef_span v;
  uint64_t x;
  int i;
  char detail[96];
  (void)w;
  for (i = 0; i < 3; i++)
    if (ef_json_get(req, fields[i].name, &v) && (ef_json_uint(v, &x) || x < fields[i].lo || x > fields[i].hi)) {
      snprintf(detail, sizeof detail, "%s: expected a whole number from %lu to %lu", fields[i].name, (unsigned long)fields[i].lo, (unsigned long)fields[i].hi);
      return ef_invalid(d, "profile", detail);
    }
  if (d->st.active < 0) return ef_fail(d, "NO_MODEL", "No model to profile", "Nothing is deployed on this device. Deploy a model first.");
  return ef_fail(d, "NOT_FOUND", "Profiling not supported",
                 "This device stores models for another runtime and cannot run them, so it cannot profile them. Profile the model on a device that runs it.");
}

/* ---- Dispatch ---------------------------------------------------------------------------- */

typedef int (*op_fn)(ef_device *, ef_span, ef_jw *);

static const struct {
  const char *name;
  op_fn fn;
} ops[] = {
    {"pair", op_pair},
    {"info", op_info},
    {"status", ef_op_status},
    {"telemetry", op_telemetry},
    {"upload-begin", ef_op_upload_begin},
    {"upload-chunk", ef_op_upload_chunk},
    {"upload-status", ef_op_upload_status},
    {"upload-fetch", NULL}, /* MQTT only */
    {"activate", ef_op_activate},
    {"confirm", ef_op_confirm},
    {"rollback", ef_op_rollback},
    {"profile", op_profile},
};

static int find_op(ef_span envelope, char *name, size_t cap) {
  ef_span v;
  size_t i;
  if (!ef_json_get(envelope, "op", &v) || ef_json_string(v, name, cap) < 0) return -1;
  for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(ops[i].name, name) == 0) return (int)i;
  return -1;
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Runs one complete request; the answer's JSON goes into w. Returns the message kind. */
static int run_request(ef_device *d, ef_jw *w) {
  ef_span root, req;
  char op[24];
  int i;
  size_t err_at;
  d->err_code = NULL;
  d->retry_after_ms = 0;
  if (d->json_too_big) {
    ef_fail(d, "REQUEST_INVALID", "Request too large", "The request's JSON is %lu bytes; this device takes at most %u. Send a shorter request.", (unsigned long)d->json_len, (unsigned)EF_RX_JSON_MAX);
    return KIND_ERROR;
  }
  if (ef_json_parse(d->json, d->json_len, &root, &err_at) != 0 || ef_json_type(root) != EF_JSON_OBJECT) {
    ef_fail(d, "REQUEST_INVALID", "Request is not JSON", "The request message is not a JSON object (error at byte %lu).", (unsigned long)err_at);
    return KIND_ERROR;
  }
  i = find_op(root, op, sizeof op);
  if (i < 0) {
    ef_fail(d, "NOT_FOUND", "Unknown operation", "\"op\" names no operation of this device (pair, info, status, telemetry, upload-begin, upload-chunk, upload-status, activate, confirm, rollback, profile).");
    return KIND_ERROR;
  }
  if (i != 0 && !token_valid(d, root)) {
    ef_fail(d, "UNAUTHORIZED", "Not paired", "This request needs the token the device gave at pairing. Pair the device again.");
    return KIND_ERROR;
  }
  if (!ops[i].fn) {
    ef_fail(d, "NOT_FOUND", "Operation not supported", "%s is not implemented by this serial device.", op);
    return KIND_ERROR;
  }
  if (!ef_json_get(root, "req", &req) || ef_json_type(req) != EF_JSON_OBJECT) {
    char title[96];
    snprintf(title, sizeof title, "req: required, an object ({} when %s takes no fields)", op);
    ef_invalid(d, op, title);
    return KIND_ERROR;
  }
  if (ops[i].fn(d, req, w) != 0) return KIND_ERROR;
  if (w->overflow) {
    ef_fail(d, "INTERNAL", "Answer too large", "The answer to %s does not fit this device's send buffer (EF_TX_MSG_MAX).", op);
    return KIND_ERROR;
  }
  return KIND_RESPONSE;
}

static void reset_message(ef_device *d) {
  d->msg_bytes = d->json_len = d->json_got = 0;
  d->json_too_big = d->discard = d->pending = d->streaming = d->stream_too_long = d->stream_failed = 0;
  d->stream_at = d->binary_bytes = 0;
}

/* Answers the complete request if the send queue has room; 0 when done, 1 when it must wait. */
static int try_answer(ef_device *d) {
  uint8_t *out;
  ef_jw w;
  int kind;
  if (!d->pending) return 0;
  if (d->discard || d->msg_bytes < 9 || d->head[0] != KIND_REQUEST || d->json_got < d->json_len) {
    reset_message(d); /* not a request of this protocol: nothing to answer */
    return 0;
  }
  out = ef_link_reserve(&d->link, EF_TX_MSG_MAX);
  if (!out) return 1;
  ef_jw_init(&w, (char *)out + 9, EF_TX_MSG_MAX - 9);
  kind = run_request(d, &w);
  if (kind == KIND_ERROR) {
    ef_jw_init(&w, (char *)out + 9, EF_TX_MSG_MAX - 9);
    ef_jw_object(&w);
    ef_jw_key(&w, "code");
    ef_jw_string(&w, d->err_code);
    ef_jw_key(&w, "title");
    ef_jw_string(&w, d->err_title);
    ef_jw_key(&w, "detail");
    ef_jw_string(&w, d->err_detail);
    if (d->retry_after_ms) {
      ef_jw_key(&w, "retryAfterMs");
      ef_jw_uint(&w, d->retry_after_ms);
    }
    ef_jw_end_object(&w);
    ef_log(d, "answered %s: %.180s", d->err_code, d->err_detail);
  }
  out[0] = (uint8_t)kind;
  memcpy(out + 1, d->head + 1, 4); /* the request's id */
  out[5] = (uint8_t)w.len, out[6] = (uint8_t)(w.len >> 8), out[7] = (uint8_t)(w.len >> 16), out[8] = (uint8_t)(w.len >> 24);
  reset_message(d);
  ef_link_commit(&d->link, 9 + w.len);
  return 0;
}

/* The JSON of a request is in: an upload-chunk may now stream its binary part to storage. */
static void json_complete(ef_device *d) {
  ef_span root, req, v;
  char op[24];
  uint64_t offset;
  if (d->json_too_big || d->head[0] != KIND_REQUEST || ef_json_parse(d->json, d->json_len, &root, NULL) != 0) return;
  if (find_op(root, op, sizeof op) < 0 || strcmp(op, "upload-chunk") != 0 || !token_valid(d, root)) return;
  if (!ef_json_get(root, "req", &req) || !ef_json_get(req, "offset", &v) || ef_json_uint(v, &offset)) return;
  if (!ef_upload_accepts(d, offset)) return; /* answered as an error at the end; the bytes are ignored */
  d->streaming = 1;
  d->stream_at = offset;
}

static int on_fragment(void *user, const uint8_t *data, size_t len, int end) {
  ef_device *d = (ef_device *)user;
  size_t i = 0;
  if (d->msg_bytes + len > MAX_MESSAGE) d->discard = 1; /* never delivered in part */
  while (i < len && !d->discard) {
    if (d->msg_bytes < 9) {
      d->head[d->msg_bytes++] = data[i++];
      if (d->msg_bytes == 9) {
        d->json_len = get32(d->head + 5);
        d->json_too_big = d->json_len > sizeof d->json;
        if (d->json_len == 0) json_complete(d);
      }
    } else if (d->json_got < d->json_len) {
      size_t n = len - i < d->json_len - d->json_got ? len - i : d->json_len - d->json_got;
      if (!d->json_too_big) memcpy(d->json + d->json_got, data + i, n);
      d->json_got += (uint32_t)n;
      d->msg_bytes += (uint32_t)n;
      i += n;
      if (d->json_got == d->json_len) json_complete(d);
    } else {
      size_t n = len - i;
      if (d->streaming && !d->stream_too_long && !d->stream_failed) {
        if (d->stream_at + d->binary_bytes + n > d->st.upload.size) d->stream_too_long = 1;
        else if (ef_upload_stream(d, d->stream_at + d->binary_bytes, data + i, n) != 0) d->stream_failed = 1;
      }
      d->binary_bytes += n;
      d->msg_bytes += (uint32_t)n;
      i += n;
    }
  }
  if (!end) return 0;
  if (d->discard) {
    reset_message(d);
    return 0;
  }
  d->pending = 1;
  return try_answer(d);
}

static void on_session(void *user) {
  /* A new session (or the end of one): a request half received belongs to nobody. Bytes an upload-chunk
   * already wrote beyond the durable offset are overwritten by the resumed upload. */
  reset_message((ef_device *)user);
}

/* ---- Public API -------------------------------------------------------------------------- */

const char *ef_device_pairing_code(const ef_device *d) { return d->st.code_used || !d->st.pairing_code[0] ? NULL : d->st.pairing_code; }

int ef_device_new_pairing_code(ef_device *d, const char *code) {
  size_t i;
  if (code) {
    size_t n = strlen(code);
    if (n < 4 || n > 16) return -1;
    for (i = 0; i < n; i++)
      if (!strchr(code_alphabet, code[i])) return -1;
    memcpy(d->st.pairing_code, code, n + 1);
  } else {
    uint8_t rnd[8];
    if (d->hal->random(d->hal->ctx, rnd, sizeof rnd) != 0) return -1;
    for (i = 0; i < 8; i++) d->st.pairing_code[i] = code_alphabet[rnd[i] % (sizeof code_alphabet - 1)];
    d->st.pairing_code[8] = 0;
  }
  d->st.code_used = 0;
  return ef_state_save(d);
}

int ef_device_start(ef_device *d, const ef_hal *hal, const ef_device_config *cfg) {
  ef_link_sink sink;
  memset(d, 0, sizeof *d);
  d->hal = hal;
  d->cfg = *cfg;
  d->started_ms = d->last_summary_ms = hal->now_ms(hal->ctx);
  if (ef_state_load(d) != 0) {
    ef_state_fresh(d);
    if (ef_device_new_pairing_code(d, NULL) != 0) return -1;
    ef_log(d, "first start: device id %s", d->st.device_id);
  }
  ef_trial_at_start(d);
  sink.on_fragment = on_fragment;
  sink.on_session = on_session;
  sink.user = d;
  ef_link_init(&d->link, hal, sink, cfg->baud / 10);
  d->storage_ok = 1;
  return 0;
}

void ef_device_poll(ef_device *d) {
  uint8_t buf[256];
  size_t n;
  while ((n = d->hal->read(d->hal->ctx, buf, sizeof buf)) > 0) ef_link_input(&d->link, buf, n);
  if (d->pending && try_answer(d) == 0) ef_link_resume(&d->link);
  ef_trial_tick(d);
  ef_link_tick(&d->link);
}
