/* What the device library needs from the board: bytes in and out, clocks, storage regions and crypto.
 * Fill one ef_hal with your callbacks (UART ring buffer, flash driver, mbedTLS/PSA/Monocypher/libsodium). */
#ifndef EF_HAL_H
#define EF_HAL_H

#include <stddef.h>
#include <stdint.h>
#include "ef_config.h"

/* Storage regions. A slot holds one model; STAGING receives an upload; STATE holds two copies of the
 * device's durable record (at offset 0 and at ef_state_record_bytes()). */
enum { EF_REGION_SLOT_A = 0, EF_REGION_SLOT_B = 1, EF_REGION_STAGING = 2, EF_REGION_STATE = 3 };

typedef struct {
  union { uint64_t align; unsigned char bytes[EF_SHA256_CTX_BYTES]; } u;
} ef_sha256_ctx;

typedef struct {
  uint64_t rss_bytes; /* memory in use by the device software */
  double cpu_percent; /* since the previous call, percent of one core */
  double load_avg1;   /* 0 where there is none */
  int has_temperature;
  double temperature_c;
} ef_metrics;

typedef struct ef_hal {
  void *ctx; /* handed back to every callback */

  /* Serial line. read: non-blocking, returns the bytes available now (0 when none). write: all of it. */
  size_t (*read)(void *ctx, uint8_t *buf, size_t cap);
  void (*write)(void *ctx, const uint8_t *buf, size_t len);

  /* Monotonic milliseconds (wraps after 49 days; the library only takes differences). */
  uint32_t (*now_ms)(void *ctx);
  /* Milliseconds since 1970 (UTC) for the times in status; return -1 when the board has no wall clock. */
  int64_t (*wall_ms)(void *ctx);

  /* Storage: return 0 on success. erase: the region becomes empty (flash: erased). sync: everything
   * written to the region survives a power cut once it returns. capacity: the region's size in bytes. */
  int (*store_read)(void *ctx, int region, uint64_t off, uint8_t *buf, size_t len);
  int (*store_write)(void *ctx, int region, uint64_t off, const uint8_t *buf, size_t len);
  int (*store_erase)(void *ctx, int region);
  int (*store_sync)(void *ctx, int region);
  uint64_t (*store_capacity)(void *ctx, int region);

  /* Crypto. verify returns 1 when sig is a valid pure Ed25519 (RFC 8032) signature of msg under pk. */
  void (*sha256_init)(void *ctx, ef_sha256_ctx *s);
  void (*sha256_update)(void *ctx, ef_sha256_ctx *s, const uint8_t *data, size_t len);
  void (*sha256_final)(void *ctx, ef_sha256_ctx *s, uint8_t out[32]);
  int (*ed25519_verify)(void *ctx, const uint8_t sig[64], const uint8_t *msg, size_t len, const uint8_t pk[32]);
  /* Random bytes for tokens and pairing codes (a TRNG); return 0 on success. */
  int (*random)(void *ctx, uint8_t *buf, size_t len);

  /* Optional (may be NULL). check_model: the runtime's verdict on a model just installed in a slot
   * (a TFLite Micro firmware: the flatbuffer parses, every operator resolves, the arena is large
   * enough). Return 1 to accept; 0 to refuse with a one-sentence reason written into reason. */
  int (*check_model)(void *ctx, int region, uint64_t size, char *reason, size_t reason_cap);
  void (*metrics)(void *ctx, ef_metrics *m);
  void (*log)(void *ctx, const char *line);
} ef_hal;

#endif
