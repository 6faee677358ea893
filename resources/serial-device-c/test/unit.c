/* Unit tests of the pieces a firmware author ports first: CRC-32, COBS, frames (against the worked
 * examples of SERIAL-PROTOCOL.md 4), the JSON reader and writer on edge cases, base64, the manifest's
 * canonical form and the signature test vector of section 7.5 (with libsodium), and the reliable layer's
 * acknowledgements on a HAL in memory. Prints one line per failed check; exits 1 when any failed. */
#include <stdio.h>
#include <string.h>
#include "../posix/posix_hal.h"
#include "../src/ef_cobs.h"
#include "../src/ef_crc32.h"
#include "../src/ef_json.h"
#include "../src/ef_link.h"
#include "../src/ef_manifest.h"
#include "../src/ef_text.h"

static int checks = 0, failures = 0;

#define CHECK(cond)                                                     \
  do {                                                                  \
    checks++;                                                           \
    if (!(cond)) {                                                      \
      failures++;                                                       \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
    }                                                                   \
  } while (0)

static int hex_eq(const uint8_t *got, size_t n, const char *hex) {
  char buf[512];
  size_t i, o = 0;
  for (i = 0; i < n && o + 3 < sizeof buf; i++) o += (size_t)sprintf(buf + o, i ? " %02x" : "%02x", got[i]);
  buf[o] = 0;
  if (strcmp(buf, hex) != 0) printf("  got  %s\n  want %s\n", buf, hex);
  return strcmp(buf, hex) == 0;
}

static void test_crc32(void) {
  CHECK(ef_crc32(0, (const uint8_t *)"123456789", 9) == 0xCBF43926u);
  CHECK(ef_crc32(0, (const uint8_t *)"", 0) == 0);
  CHECK(ef_crc32(ef_crc32(0, (const uint8_t *)"1234", 4), (const uint8_t *)"56789", 5) == 0xCBF43926u);
  CHECK(ef_crc32(0, (const uint8_t *)"\0", 1) == 0xD202EF8Du);
}

static void test_cobs(void) {
  uint8_t in[600], enc[EF_COBS_MAX(600)], dec[600];
  size_t n, i, len;
  static const uint8_t example[] = {0x11, 0x22, 0x00, 0x33};
  n = ef_cobs_encode(example, sizeof example, enc);
  CHECK(hex_eq(enc, n, "03 11 22 02 33"));
  CHECK(ef_cobs_encode(in, 0, enc) == 1 && enc[0] == 1);
  in[0] = 0;
  n = ef_cobs_encode(in, 1, enc);
  CHECK(hex_eq(enc, n, "01 01"));
  CHECK(ef_cobs_decode(enc, n, dec) == 1 && dec[0] == 0);
  /* 254 non-zero bytes: code 0xFF and no implied zero, then the empty last block. */
  for (i = 0; i < 254; i++) in[i] = (uint8_t)(i % 255 + 1);
  n = ef_cobs_encode(in, 254, enc);
  CHECK(n == 256 && enc[0] == 0xFF && enc[255] == 0x01);
  CHECK(ef_cobs_decode(enc, n, dec) == 254 && memcmp(dec, in, 254) == 0);
  for (i = 0; i < 255; i++) in[i] = (uint8_t)(i % 255 + 1);
  n = ef_cobs_encode(in, 255, enc);
  CHECK(n == 257 && enc[0] == 0xFF && enc[255] == 0x02);
  CHECK(ef_cobs_decode(enc, n, dec) == 255 && memcmp(dec, in, 255) == 0);
  /* Malformed: a code byte that runs past the end, a zero inside, an empty block decodes to nothing. */
  {
    static const uint8_t past[] = {0x05, 0x11, 0x22};
    static const uint8_t zero[] = {0x03, 0x11, 0x00};
    static const uint8_t code0[] = {0x00};
    CHECK(ef_cobs_decode(past, sizeof past, dec) == -1);
    CHECK(ef_cobs_decode(zero, sizeof zero, dec) == -1);
    CHECK(ef_cobs_decode(code0, sizeof code0, dec) == -1);
    CHECK(ef_cobs_decode(past, 0, dec) == 0);
  }
  /* Round trips with zeros at every density, decoded in place. */
  {
    uint32_t seed = 12345;
    int round;
    for (round = 0; round < 200; round++) {
      len = (size_t)(round * 3) % sizeof in;
      for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        in[i] = (uint8_t)((seed >> 16) % (unsigned)(round % 7 + 2) == 0 ? 0 : (seed >> 8));
      }
      n = ef_cobs_encode(in, len, enc);
      CHECK(n <= EF_COBS_MAX(len));
      CHECK(memchr(enc, 0, n) == NULL);
      CHECK(ef_cobs_decode(enc, n, enc) == (long)len && memcmp(enc, in, len) == 0);
    }
  }
}

static void test_frames(void) {
  uint8_t scratch[EF_FRAME_MAX], out[EF_COBS_MAX(EF_FRAME_MAX) + 1];
  static const uint8_t hello[10] = {0x01, 0x00, 0x04, 0x00, 0x01, 0x01, 0x78, 0x56, 0x34, 0x12};
  static const char status_json[] = "{\"op\":\"status\",\"token\":\"T\",\"req\":{}}";
  uint8_t msg[64];
  size_t n;
  static const uint8_t bitmap[1] = {0x05};
  n = ef_frame_encode(EF_FRAME_HELLO, 0, 0, hello, sizeof hello, scratch, out);
  CHECK(hex_eq(out, n, "02 03 01 01 02 01 02 04 0b 01 01 78 56 34 12 03 9b 47 be 00"));
  n = ef_frame_encode(EF_FRAME_ACK, 0, 1, NULL, 0, scratch, out);
  CHECK(hex_eq(out, n, "02 02 02 01 05 d6 26 56 92 00"));
  n = ef_frame_encode(EF_FRAME_ACK, 0, 5, bitmap, 1, scratch, out);
  CHECK(hex_eq(out, n, "02 02 02 05 06 05 19 92 43 ca 00"));
  /* The status request of section 4: kind 1, id 1, jsonLength 36, the JSON; one DATA frame with END. */
  msg[0] = 1, msg[1] = 1, msg[2] = msg[3] = msg[4] = 0, msg[5] = 36, msg[6] = msg[7] = msg[8] = 0;
  memcpy(msg + 9, status_json, 36);
  n = ef_frame_encode(EF_FRAME_DATA, EF_FLAG_END, 0, msg, 45, scratch, out);
  CHECK(hex_eq(scratch + 49, 4, "54 c4 8d 91"));
  CHECK(n > 12 && hex_eq(out, 12, "03 01 02 01 03 01 01 01 01 02 24 01"));
}

static ef_span parse(const char *s) {
  ef_span root = {NULL, 0};
  size_t at;
  if (ef_json_parse(s, strlen(s), &root, &at) != 0) root.p = NULL;
  return root;
}

static int valid(const char *s) { return parse(s).p != NULL; }

static void test_json_reader(void) {
  ef_span root, v, k;
  char buf[64], deep[80];
  uint64_t u;
  double d;
  size_t it, i, count;
  /* Valid texts. */
  CHECK(valid("{}") && valid("[]") && valid(" {\"a\" : [1, -2.5e+3, true, false, null, \"x\"]} \n"));
  CHECK(valid("0") && valid("-0") && valid("\"\"") && valid("1E5") && valid("[[[]]]"));
  CHECK(valid("\"\\u00e9\\ud83d\\ude00\\ud800\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
  CHECK(valid("\"caf\xc3\xa9 \xf0\x9f\x98\x80\""));
  /* Invalid texts. */
  CHECK(!valid("") && !valid("   ") && !valid("{") && !valid("}") && !valid("[1,]") && !valid("{\"a\":1,}"));
  CHECK(!valid("01") && !valid("1.") && !valid(".5") && !valid("-") && !valid("+1") && !valid("1e") && !valid("0x10"));
  CHECK(!valid("{a:1}") && !valid("{'a':1}") && !valid("{\"a\" 1}") && !valid("[1 2]") && !valid("{} {}") && !valid("nul") && !valid("True"));
  CHECK(!valid("\"tab\there\"") && !valid("\"\\x\"") && !valid("\"\\u12G4\"") && !valid("\"open") && !valid("\"\\"));
  CHECK(!valid("\"\xc3\"") && !valid("\"\xc0\xaf\"") && !valid("\"\xed\xa0\x80\"") && !valid("\"\xf4\x90\x80\x80\"") && !valid("\"\xff\""));
  /* Nesting: EF_JSON_DEPTH levels are fine, one more is refused. */
  for (i = 0; i < 32; i++) deep[i] = '[';
  for (i = 0; i < 32; i++) deep[32 + i] = ']';
  deep[64] = 0;
  CHECK(valid(deep));
  memmove(deep + 1, deep, 65);
  deep[0] = '[';
  deep[65] = ']';
  deep[66] = 0;
  CHECK(!valid(deep));
  /* Navigation: members in order, the last duplicate wins, escaped keys match. */
  root = parse("{ \"op\" : \"first\", \"n\": 7, \"\\u006fp\": \"last\", \"o\": {\"x\": [1, {\"y\": \"}\"}]}, \"e\": {} }");
  CHECK(root.p != NULL);
  CHECK(ef_json_get(root, "op", &v) && ef_json_string(v, buf, sizeof buf) == 4 && strcmp(buf, "last") == 0);
  CHECK(ef_json_get(root, "n", &v) && ef_json_uint(v, &u) == 0 && u == 7);
  CHECK(!ef_json_get(root, "missing", &v));
  CHECK(ef_json_get(root, "o", &v) && ef_json_type(v) == EF_JSON_OBJECT && v.p[v.n - 1] == '}');
  CHECK(ef_json_get(v, "x", &v) && ef_json_type(v) == EF_JSON_ARRAY);
  it = 0, count = 0;
  while (ef_json_next_element(v, &it, &k)) count++;
  CHECK(count == 2);
  CHECK(ef_json_get(root, "e", &v) && (it = 0, !ef_json_next_member(v, &it, &k, &v)));
  {
    static const char *const allowed[] = {"op", "n", "o", "e", NULL};
    static const char *const fewer[] = {"op", NULL};
    CHECK(ef_json_only(root, allowed, NULL));
    CHECK(!ef_json_only(root, fewer, &k) && ef_json_string(k, buf, sizeof buf) == 1 && buf[0] == 'n');
  }
  /* Strings: escapes decode to UTF-8, a surrogate pair to 4 bytes, a lone surrogate to WTF-8; too long fails. */
  v = parse("\"a\\u00e9\\ud83d\\ude00\\ud800z\\n\"");
  CHECK(ef_json_string(v, buf, sizeof buf) == 12 && memcmp(buf, "a\xc3\xa9\xf0\x9f\x98\x80\xed\xa0\x80z\n", 12) == 0);
  CHECK(ef_json_string(v, buf, 12) == -1 && ef_json_string(v, buf, 13) == 12);
  CHECK(ef_json_string(parse("12"), buf, sizeof buf) == -1);
  /* Integers: plain digits up to 2^53 - 1 only. */
  CHECK(ef_json_uint(parse("9007199254740991"), &u) == 0 && u == 9007199254740991ull);
  CHECK(ef_json_uint(parse("9007199254740992"), &u) == -1);
  CHECK(ef_json_uint(parse("-1"), &u) == -1 && ef_json_uint(parse("1.0"), &u) == -1 && ef_json_uint(parse("1e3"), &u) == -1);
  CHECK(ef_json_uint(parse("\"5\""), &u) == -1 && ef_json_uint(parse("0"), &u) == 0 && u == 0);
  /* Numbers. */
  CHECK(ef_json_number(parse("250.5"), &d) == 0 && d == 250.5);
  CHECK(ef_json_number(parse("-1.5e3"), &d) == 0 && d == -1500);
  CHECK(ef_json_number(parse("0.001"), &d) == 0 && d > 0.00099999 && d < 0.00100001);
  CHECK(ef_json_number(parse("true"), &d) == -1);
}

static void test_json_writer(void) {
  char buf[256];
  ef_jw w;
  ef_jw_init(&w, buf, sizeof buf);
  ef_jw_object(&w);
  ef_jw_key(&w, "s");
  ef_jw_string(&w, "q\"b\\ \b\t\n\f\r\x01\x1f/\x7f\xc3\xa9\xed\xa0\x80");
  ef_jw_key(&w, "a");
  ef_jw_array(&w);
  ef_jw_uint(&w, 0);
  ef_jw_number(&w, 3.8);
  ef_jw_number(&w, -2);
  ef_jw_number(&w, 0.000001);
  ef_jw_number(&w, 1e21);
  ef_jw_number(&w, 12.75);
  ef_jw_null(&w);
  ef_jw_bool(&w, 1);
  ef_jw_object(&w);
  ef_jw_end_object(&w);
  ef_jw_end_array(&w);
  ef_jw_end_object(&w);
  CHECK(!w.overflow);
  buf[w.len] = 0;
  /* As JSON.stringify writes it (a lone surrogate as \udXXX, DEL and / as themselves). */
  CHECK(strcmp(buf, "{\"s\":\"q\\\"b\\\\ \\b\\t\\n\\f\\r\\u0001\\u001f/\x7f\xc3\xa9\\ud800\",\"a\":[0,3.8,-2,0.000001,1e+21,12.75,null,true,{}]}") == 0);
  ef_jw_init(&w, buf, 8);
  ef_jw_string(&w, "longer than eight");
  CHECK(w.overflow);
}

static void test_text(void) {
  uint8_t out[70];
  char s[80];
  CHECK(ef_base64_decode("TWFu", 4, out, sizeof out, 0) == 3 && memcmp(out, "Man", 3) == 0);
  CHECK(ef_base64_decode("TWE=", 4, out, sizeof out, 0) == 2 && ef_base64_decode("TQ==", 4, out, sizeof out, 0) == 1);
  CHECK(ef_base64_decode("TQ", 2, out, sizeof out, 0) == -1);        /* padding required */
  CHECK(ef_base64_decode("TR==", 4, out, sizeof out, 0) == -1);      /* unused bits set */
  CHECK(ef_base64_decode("T-8_", 4, out, sizeof out, 0) == -1);      /* URL-safe alphabet refused */
  CHECK(ef_base64_decode("TQ==TQ==", 8, out, sizeof out, 0) == -1);  /* data after padding */
  CHECK(ef_base64_decode("TW\nFu", 5, out, sizeof out, 1) == 3 && ef_base64_decode("TW\nFu", 5, out, sizeof out, 0) == -1);
  CHECK(ef_base64url_encode((const uint8_t *)"\xfb\xff", 2, s) == 3 && strcmp(s, "-_8") == 0);
  ef_iso_time(1736933465000LL, s);
  CHECK(strcmp(s, "2025-01-15T09:31:05.000Z") == 0);
  ef_iso_time(951782400123LL, s);
  CHECK(strcmp(s, "2000-02-29T00:00:00.123Z") == 0);
  CHECK(ef_iso_datetime_valid("2025-01-15T09:30:00.000Z") && ef_iso_datetime_valid("2025-01-15T09:30:00+01:00") && ef_iso_datetime_valid("2024-02-29T00:00:00Z"));
  CHECK(!ef_iso_datetime_valid("2025-01-15T09:30Z") && !ef_iso_datetime_valid("2025-02-29T00:00:00Z") && !ef_iso_datetime_valid("2025-01-15T24:00:00Z"));
  CHECK(!ef_iso_datetime_valid("2025-01-15 09:30:00Z") && !ef_iso_datetime_valid("2025-01-15T09:30:00+0100") && !ef_iso_datetime_valid("2025-01-15T09:30:00z"));
  CHECK(ef_utf16_length("a\xc3\xa9\xf0\x9f\x98\x80", 7) == 4);
}

/* SERIAL-PROTOCOL.md 7.5. */
static void test_signature_vector(ef_hal *hal) {
  static const char manifest_json[] =
      "{\n  \"version\": \"1.2.0\",\n  \"name\": \"digits-classifier\",\n  \"size\": 24,\n"
      "  \"sha256\": \"1fd5c9270e5ef0d41d4b5b3455486704a852a23aed5aaaa7e707a9a6ddae1426\",\n  \"release\": 7,\n"
      "  \"created\": \"2025-01-15T09:30:00.000Z\",\n  \"note\": \"not signed: unknown fields are dropped\"\n}";
  static const char canonical[] =
      "{\"created\":\"2025-01-15T09:30:00.000Z\",\"name\":\"digits-classifier\",\"release\":7,\"sha256\":\"1fd5c9270e5ef0d41d4b5b3455486704a852a23aed5aaaa7e707a9a6ddae1426\",\"size\":24,\"version\":\"1.2.0\"}";
  static const char signature[] = "sXLFsNNkw1Ku8pfK78e1CQhclSlSsc/hhaICz+WEvNU8S082oed3H/bRCBVyum67baF56CMyNez+FoNR01ZwAA==";
  static const char pem_body[] = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  static ef_manifest m;
  uint8_t der[48], digest[32];
  char err[200], scratch[2048], hex[65], sig[89];
  ef_jw w;
  ef_sha256_ctx s;
  ef_span root;
  CHECK(ef_json_parse(manifest_json, strlen(manifest_json), &root, NULL) == 0);
  CHECK(ef_manifest_parse(root, "manifest", &m, err, sizeof err) == 0);
  ef_jw_init(&w, scratch, sizeof scratch);
  ef_manifest_write(&w, &m);
  CHECK(w.len == 181 && memcmp(scratch, canonical, 181) == 0);
  hal->sha256_init(hal->ctx, &s);
  hal->sha256_update(hal->ctx, &s, (const uint8_t *)scratch, w.len);
  hal->sha256_final(hal->ctx, &s, digest);
  ef_hex(digest, 32, hex);
  CHECK(strcmp(hex, "955f7f905e12de3fa18f6f5404aef35c783164f933960dc2cf105a3040f7a1d0") == 0);
  CHECK(ef_base64_decode(pem_body, strlen(pem_body), der, sizeof der, 0) == 44);
  ef_hex(der + 12, 32, hex);
  CHECK(strcmp(hex, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a") == 0);
  CHECK(ef_manifest_verify(hal, &m, signature, der + 12, scratch, sizeof scratch) == 1);
  /* One byte of the canonical form changed, one byte of the signature changed, other forms: all refused. */
  strcpy(m.version, "1.2.1");
  CHECK(ef_manifest_verify(hal, &m, signature, der + 12, scratch, sizeof scratch) == 0);
  strcpy(m.version, "1.2.0");
  m.has_release = 0;
  CHECK(ef_manifest_verify(hal, &m, signature, der + 12, scratch, sizeof scratch) == 0);
  m.has_release = 1;
  strcpy(sig, signature);
  sig[10] = sig[10] == 'A' ? 'B' : 'A';
  CHECK(ef_manifest_verify(hal, &m, sig, der + 12, scratch, sizeof scratch) == 0);
  strcpy(sig, signature);
  sig[86] = 0; /* no padding */
  CHECK(ef_manifest_verify(hal, &m, sig, der + 12, scratch, sizeof scratch) == 0);
  CHECK(ef_manifest_verify(hal, &m, "", der + 12, scratch, sizeof scratch) == 0);
  CHECK(ef_manifest_verify(hal, &m, signature, der + 12, scratch, sizeof scratch) == 1);
  /* Schema: capitals in the digest, a field missing, an unknown field inside downgrade. */
  {
    static const char upper[] = "{\"name\":\"n\",\"version\":\"1\",\"sha256\":\"1FD5C9270E5EF0D41D4B5B3455486704A852A23AED5AAAA7E707A9A6DDAE1426\",\"size\":1,\"created\":\"2025-01-15T09:30:00Z\"}";
    static const char missing[] = "{\"name\":\"n\",\"version\":\"1\",\"size\":1,\"created\":\"2025-01-15T09:30:00Z\"}";
    static const char down[] = "{\"name\":\"n\",\"version\":\"1\",\"sha256\":\"1fd5c9270e5ef0d41d4b5b3455486704a852a23aed5aaaa7e707a9a6ddae1426\",\"size\":1,\"created\":\"2025-01-15T09:30:00Z\",\"downgrade\":{\"deviceId\":\"d\",\"x\":1}}";
    CHECK(ef_json_parse(upper, strlen(upper), &root, NULL) == 0 && ef_manifest_parse(root, "manifest", &m, err, sizeof err) == -1 && strncmp(err, "manifest.sha256:", 16) == 0);
    CHECK(ef_json_parse(missing, strlen(missing), &root, NULL) == 0 && ef_manifest_parse(root, "manifest", &m, err, sizeof err) == -1 && strcmp(err, "manifest.sha256: required") == 0);
    CHECK(ef_json_parse(down, strlen(down), &root, NULL) == 0 && ef_manifest_parse(root, "manifest", &m, err, sizeof err) == -1 && strncmp(err, "manifest.downgrade:", 19) == 0);
  }
}

/* ---- The reliable layer on a HAL in memory ---------------------------------------------------- */

static uint8_t wire_out[4096];
static size_t wire_len;
static uint32_t fake_now;

static void mem_write(void *c, const uint8_t *b, size_t n) {
  (void)c;
  if (wire_len + n <= sizeof wire_out) memcpy(wire_out + wire_len, b, n), wire_len += n;
}
static uint32_t mem_now(void *c) {
  (void)c;
  return fake_now;
}

static uint8_t got[2048];
static size_t got_len, got_end;
static int on_fragment(void *u, const uint8_t *d, size_t n, int end) {
  (void)u;
  memcpy(got + got_len, d, n);
  got_len += n;
  got_end += (size_t)end;
  return 0;
}
static void on_session(void *u) { (void)u; }

/* Decodes the first frame the device wrote and forgets what it wrote. */
static int take_frame(uint8_t *type, uint16_t *seq, uint8_t *payload, size_t *plen) {
  uint8_t block[EF_BLOCK_MAX];
  uint8_t *z = memchr(wire_out, 0, wire_len);
  long n;
  if (!z) return 0;
  n = ef_cobs_decode(wire_out, (size_t)(z - wire_out), block);
  memmove(wire_out, z + 1, wire_len - (size_t)(z - wire_out) - 1);
  wire_len -= (size_t)(z - wire_out) + 1;
  if (n < 8) return 0;
  *type = block[0];
  *seq = (uint16_t)(block[2] | block[3] << 8);
  *plen = (size_t)n - 8;
  memcpy(payload, block + 4, *plen);
  return 1;
}

static void feed(ef_link *l, uint8_t type, uint8_t flags, uint16_t seq, const void *payload, size_t len) {
  uint8_t scratch[EF_FRAME_MAX], out[EF_COBS_MAX(EF_FRAME_MAX) + 1];
  size_t n = ef_frame_encode(type, flags, seq, (const uint8_t *)payload, len, scratch, out);
  ef_link_input(l, out, n);
}

static void test_link(void) {
  static ef_link l;
  ef_hal hal;
  ef_link_sink sink = {on_fragment, on_session, NULL};
  uint8_t type, payload[EF_FRAME_MAX];
  uint16_t seq;
  size_t plen;
  static const uint8_t hello[10] = {1, 0x00, 0x04, 0x00, 0x01, 0x01, 0x78, 0x56, 0x34, 0x12};
  memset(&hal, 0, sizeof hal);
  hal.write = mem_write;
  hal.now_ms = mem_now;
  ef_link_init(&l, &hal, sink, 0);
  /* Outside a session, DATA is answered with RESET. */
  feed(&l, EF_FRAME_DATA, EF_FLAG_END, 0, "x", 1);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_RESET);
  /* HELLO: HELLO_ACK with this device's own parameters, no deflate, the console's session. */
  feed(&l, EF_FRAME_HELLO, 0, 0, hello, sizeof hello);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_HELLO_ACK && plen == 10);
  CHECK(payload[0] == 1 && (payload[1] | payload[2] << 8) == EF_MAX_PAYLOAD && (payload[3] | payload[4] << 8) == EF_WINDOW && payload[5] == 0);
  CHECK(memcmp(payload + 6, hello + 6, 4) == 0 && l.window == EF_WINDOW && l.max_payload == EF_MAX_PAYLOAD);
  /* Frames 1 and 3 before 0: ACK seq 0 with bits 0 and 2 (frames 1 and 3) set. */
  feed(&l, EF_FRAME_DATA, 0, 1, "bb", 2);
  wire_len = 0;
  feed(&l, EF_FRAME_DATA, EF_FLAG_END, 3, "dd", 2);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_ACK && seq == 0 && plen == 1 && payload[0] == 0x05);
  CHECK(got_len == 0);
  /* While the gap is open the ACK repeats. */
  fake_now += 80;
  ef_link_tick(&l);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_ACK && seq == 0);
  feed(&l, EF_FRAME_DATA, 0, 0, "aa", 2);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_ACK && seq == 2 && plen == 1 && payload[0] == 0x01);
  feed(&l, EF_FRAME_DATA, 0, 2, "cc", 2);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_ACK && seq == 4 && plen == 0);
  CHECK(got_len == 8 && memcmp(got, "aabbccdd", 8) == 0 && got_end == 1);
  /* A duplicate is acknowledged again and not delivered twice; a damaged frame is ignored. */
  feed(&l, EF_FRAME_DATA, 0, 2, "cc", 2);
  CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_ACK && seq == 4 && got_len == 8);
  {
    uint8_t scratch[EF_FRAME_MAX], out[64];
    size_t n = ef_frame_encode(EF_FRAME_DATA, 0, 4, (const uint8_t *)"ee", 2, scratch, out);
    out[3] ^= 0x10;
    ef_link_input(&l, out, n);
    CHECK(wire_len == 0 && l.stats.bad_frames == 1 && got_len == 8);
  }
  /* Sending: a message of 600 bytes goes out in frames of max_payload, the last with END; an ACK
   * for frame 2 (SACK) reveals that frames 0 and 1 were lost, which are sent again at once. */
  {
    uint8_t *at = ef_link_reserve(&l, 600);
    size_t frames = 0;
    CHECK(at != NULL);
    memset(at, 'm', 600);
    ef_link_commit(&l, 600);
    while (take_frame(&type, &seq, payload, &plen)) frames += type == EF_FRAME_DATA;
    CHECK(frames == (600 + EF_MAX_PAYLOAD - 1) / EF_MAX_PAYLOAD);
    payload[0] = 0x02; /* cumulative 0, frame 0 + 1 + 1 = 2 received */
    feed(&l, EF_FRAME_ACK, 0, 0, payload, 1);
    frames = 0;
    while (take_frame(&type, &seq, payload, &plen)) frames += type == EF_FRAME_DATA && seq < 2;
    CHECK(frames == 2);
    feed(&l, EF_FRAME_ACK, 0, 3, NULL, 0);
    CHECK(l.send_base == 3);
    fake_now += 5000;
    ef_link_tick(&l);
    CHECK(!take_frame(&type, &seq, payload, &plen) || type != EF_FRAME_DATA); /* nothing left to resend */
  }
  /* A new session (another session number) starts over; 8 s of silence ends it. */
  {
    uint8_t other[10];
    memcpy(other, hello, 10);
    other[6] = 0x99;
    feed(&l, EF_FRAME_HELLO, 0, 0, other, sizeof other);
    CHECK(take_frame(&type, &seq, payload, &plen) && type == EF_FRAME_HELLO_ACK && l.expected == 0 && l.next_seq == 0);
    fake_now += 9000;
    ef_link_tick(&l);
    feed(&l, EF_FRAME_PING, 0, 0, NULL, 0);
    while (take_frame(&type, &seq, payload, &plen) && type != EF_FRAME_RESET) {
    }
    CHECK(type == EF_FRAME_RESET);
  }
}

int main(void) {
  static ef_hal hal;
  static posix_ctx ctx;
  if (posix_hal_init(&hal, &ctx, "/nonexistent", 0) != 0) {
    printf("FAIL libsodium did not start\n");
    return 1;
  }
  test_crc32();
  test_cobs();
  test_frames();
  test_json_reader();
  test_json_writer();
  test_text();
  test_signature_vector(&hal);
  test_link();
  printf("unit tests: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
