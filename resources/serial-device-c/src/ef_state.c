/* The durable state: two copies in EF_REGION_STATE, each with a sequence number and a CRC, written
 * alternately, so that a power cut during a write leaves the other copy intact. */
#include <stddef.h>
#include <string.h>
#include "ef_crc32.h"
#include "ef_internal.h"
#include "ef_text.h"

#define STATE_MAGIC 0x31534645u /* "EFS1" */

size_t ef_state_record_bytes(void) { return (sizeof(ef_state) + 255) / 256 * 256; }

static uint32_t state_crc(const ef_state *s) { return ef_crc32(0, (const uint8_t *)s, offsetof(ef_state, crc)); }

static int copy_valid(const ef_state *s) { return s->magic == STATE_MAGIC && s->layout == sizeof(ef_state) && s->crc == state_crc(s); }

static int read_copy(ef_device *d, int which) {
  return d->hal->store_read(d->hal->ctx, EF_REGION_STATE, (uint64_t)which * ef_state_record_bytes(), (uint8_t *)&d->st, sizeof d->st) == 0 && copy_valid(&d->st);
}

int ef_state_load(ef_device *d) {
  uint32_t seq0 = 0;
  int ok0 = read_copy(d, 0), ok1;
  if (ok0) seq0 = d->st.seq;
  ok1 = read_copy(d, 1);
  if (ok1 && (!ok0 || (int32_t)(d->st.seq - seq0) > 0)) return 0;
  if (ok0) return read_copy(d, 0) ? 0 : -1;
  return -1;
}

int ef_state_save(ef_device *d) {
  const ef_hal *h = d->hal;
  d->st.seq++;
  d->st.crc = state_crc(&d->st);
  if (h->store_write(h->ctx, EF_REGION_STATE, (uint64_t)(d->st.seq & 1) * ef_state_record_bytes(), (const uint8_t *)&d->st, sizeof d->st) != 0 ||
      h->store_sync(h->ctx, EF_REGION_STATE) != 0) {
    ef_log(d, "storage: the state could not be written");
    return -1;
  }
  return 0;
}

void ef_state_fresh(ef_device *d) {
  uint8_t rnd[8];
  memset(&d->st, 0, sizeof d->st); /* padding too: the CRC covers every byte */
  d->st.magic = STATE_MAGIC;
  d->st.layout = sizeof(ef_state);
  d->st.active = d->st.previous = -1;
  if (d->cfg.device_id && *d->cfg.device_id) {
    size_t n = ef_utf8_clip(d->cfg.device_id, strlen(d->cfg.device_id), EF_DEVICE_ID_MAX);
    memcpy(d->st.device_id, d->cfg.device_id, n);
  } else {
    char hex[17];
    d->hal->random(d->hal->ctx, rnd, sizeof rnd);
    ef_hex(rnd, sizeof rnd, hex);
    memcpy(d->st.device_id, "ef-c-", 5);
    memcpy(d->st.device_id + 5, hex, 17);
  }
}
