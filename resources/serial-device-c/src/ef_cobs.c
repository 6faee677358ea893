#include "ef_cobs.h"

size_t ef_cobs_encode(const uint8_t *in, size_t n, uint8_t *out) {
  size_t code_at = 0, o = 1, i;
  uint8_t code = 1;
  for (i = 0; i < n; i++) {
    if (in[i] == 0) {
      out[code_at] = code;
      code_at = o++;
      code = 1;
      continue;
    }
    out[o++] = in[i];
    if (++code == 0xFF) {
      out[code_at] = code;
      code_at = o++;
      code = 1;
    }
  }
  out[code_at] = code;
  return o;
}

long ef_cobs_decode(const uint8_t *in, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    uint8_t code = in[i++];
    size_t end;
    if (code == 0) return -1;
    end = i + code - 1;
    if (end > n) return -1;
    for (; i < end; i++) {
      if (in[i] == 0) return -1;
      out[o++] = in[i];
    }
    if (code != 0xFF && i < n) out[o++] = 0;
  }
  return (long)o;
}
