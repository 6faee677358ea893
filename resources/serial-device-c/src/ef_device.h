/* The EdgeFleet reference device: the serial link protocol's device side with the operations pair,
 * info, status, telemetry, upload-begin/-chunk/-status, activate, confirm, rollback and profile
 * (SERIAL-PROTOCOL.md 3, 6-8). One static ef_device, no allocation: declare it, ef_device_start it,
 * then call ef_device_poll from the main loop. */
#ifndef EF_DEVICE_H
#define EF_DEVICE_H
#include <stddef.h>
#include <stdint.h>
#include "ef_config.h"
#include "ef_hal.h"
#include "ef_link.h"
#include "ef_manifest.h"

typedef struct {
  const char *device_id; /* NULL: one is made at first start and kept */
  const char *name, *agent_version, *arch, *platform, *cpu, *runtime_name, *runtime_version;
  uint32_t cores;
  uint64_t total_memory_bytes;
  uint32_t baud; /* the line rate (timers count line time); 0 when unknown */
} ef_device_config;

typedef struct {
  uint8_t ok, loaded, finite, has_latency, has_reason;
  uint32_t runs;
  double latency_ms, max_latency_ms;
  char reason[256];
  char checked_at[25];
} ef_health;

/* Everything that must survive a power cut, written as two alternating copies with a CRC. */
typedef struct {
  uint32_t magic, layout, seq;
  char device_id[EF_DEVICE_ID_MAX + 1];
  char pairing_code[17];
  uint8_t code_used, paired;
  uint8_t token_hash[32], console_key[32];
  char console_name[EF_CONSOLE_NAME_MAX + 1];
  uint64_t release;
  uint8_t slot_used[2];
  ef_manifest slot[2];
  int8_t active, previous; /* 0 = a, 1 = b, -1 = none */
  uint8_t in_trial, has_health, has_event, has_upload, upload_complete;
  char trial_since[25], trial_deadline[25];
  double trial_window_sec;
  int64_t trial_deadline_ms;
  ef_health health;
  char event_at[25], event_kind[24], event_detail[EF_DETAIL_MAX];
  ef_manifest upload;
  char upload_signature[89];
  uint64_t upload_offset;
  uint32_t crc;
} ef_state;

typedef struct {
  const ef_hal *hal;
  ef_device_config cfg;
  ef_link link;
  ef_state st;
  int storage_ok;

  /* The request being received: header, JSON, and for upload-chunk the binary part streamed to storage. */
  uint8_t head[9];
  uint32_t msg_bytes, json_len, json_got;
  int json_too_big, discard, pending, streaming, stream_too_long, stream_failed;
  uint64_t stream_at, binary_bytes;
  char json[EF_RX_JSON_MAX];
  ef_manifest incoming; /* upload-begin's manifest while it is checked */

  /* The answer being written. */
  const char *err_code, *err_title;
  char err_detail[512];
  uint32_t retry_after_ms;

  uint32_t pair_failures, pair_wait_ms, pair_blocked_until, started_ms, last_summary_ms, telemetry_seq;
  int pair_blocked;
} ef_device;

/* Loads the durable state (a trial left running reverts, as after any restart) and opens the link.
 * Returns 0, or -1 when the storage cannot be read or written. */
int ef_device_start(ef_device *d, const ef_hal *hal, const ef_device_config *cfg);
/* Reads the line, runs timers and answers requests; never blocks. */
void ef_device_poll(ef_device *d);
/* The one-time pairing code, or NULL once it was used. */
const char *ef_device_pairing_code(const ef_device *d);
/* Makes a new pairing code (code NULL: random, 8 characters of ABCDEFGHJKMNPQRSTUVWXYZ23456789). */
int ef_device_new_pairing_code(ef_device *d, const char *code);
/* Bytes of durable state per copy (region EF_REGION_STATE needs twice this). */
size_t ef_state_record_bytes(void);

#endif
