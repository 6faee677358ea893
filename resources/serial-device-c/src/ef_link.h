/* The device (responder) end of the serial link protocol, layers 1 and 2 (SERIAL-PROTOCOL.md 1-2):
 * COBS frames with CRC-32, the HELLO handshake, DATA in a sliding window with selective ACKs,
 * retransmission, RESET. It hands in-order message fragments to a sink and sends queued messages. */
#ifndef EF_LINK_H
#define EF_LINK_H
#include <stddef.h>
#include <stdint.h>
#include "ef_cobs.h"
#include "ef_config.h"
#include "ef_hal.h"

#if EF_MAX_PAYLOAD < 32 || EF_MAX_PAYLOAD > 4096
#error "EF_MAX_PAYLOAD must be 32 ... 4096 (SERIAL-PROTOCOL.md 2.1)"
#endif
#if EF_WINDOW < 1 || EF_WINDOW > 256
#error "EF_WINDOW must be 1 ... 256"
#endif

#define EF_FRAME_MAX (8 + EF_MAX_PAYLOAD)
#define EF_BLOCK_MAX (EF_COBS_MAX(EF_FRAME_MAX) + 2)

typedef struct {
  /* One in-order fragment of a message (end: the last one). Return 1 to pause delivery until
   * ef_link_resume (the receiver cannot take more now), 0 to go on. */
  int (*on_fragment)(void *user, const uint8_t *data, size_t len, int end);
  /* A session started or ended: discard partial messages and answers not yet queued. */
  void (*on_session)(void *user);
  void *user;
} ef_link_sink;

typedef struct {
  uint32_t start, sent_at, tx_id;
  uint16_t seq, len;
  uint8_t used, flags, retried;
} ef_tx_frame;

typedef struct {
  uint16_t seq, len;
  uint8_t used, flags;
  uint8_t data[EF_MAX_PAYLOAD];
} ef_rx_frame;

typedef struct {
  uint32_t frames_sent, retransmits, bad_frames, duplicates, sessions;
} ef_link_stats;

typedef struct {
  const ef_hal *hal;
  ef_link_sink sink;
  uint32_t bytes_per_sec; /* the line rate, 0 when unknown (timers then count from the write) */
  ef_link_stats stats;

  uint8_t block[EF_BLOCK_MAX];
  size_t block_len;
  int block_overflow;

  int open;
  uint32_t session, last_heard;
  uint16_t max_payload, window;

  uint16_t expected, deliver_next;
  int paused, ack_due;
  uint32_t last_ack_at;
  ef_rx_frame rx[EF_WINDOW];

  /* Outgoing byte stream: each message as u32 length + bytes; q holds stream offsets q_base ... q_base + q_len. */
  uint8_t q[EF_TX_QUEUE];
  uint32_t q_base, cut, cut_left;
  size_t q_len;
  uint16_t next_seq, send_base;
  ef_tx_frame tx[EF_WINDOW];
  uint32_t tx_counter, line_free_at;
  int32_t srtt, rttvar;
  uint32_t rto, base_rto, backoff;
  int have_rtt;

  uint8_t frame[EF_FRAME_MAX];
  uint8_t wire[EF_COBS_MAX(EF_FRAME_MAX) + 1];
} ef_link;

void ef_link_init(ef_link *l, const ef_hal *hal, ef_link_sink sink, uint32_t bytes_per_sec);
/* Bytes read from the line. */
void ef_link_input(ef_link *l, const uint8_t *bytes, size_t n);
/* Timers, acknowledgements and sending; call it often (every few milliseconds). */
void ef_link_tick(ef_link *l);
/* Delivery paused by on_fragment goes on. */
void ef_link_resume(ef_link *l);
/* Room for one outgoing message of up to max bytes: a pointer to write it at, or NULL when the queue
 * cannot take it yet (earlier messages are not acknowledged). Then ef_link_commit with its length. */
uint8_t *ef_link_reserve(ef_link *l, size_t max);
void ef_link_commit(ef_link *l, size_t len);

/* Frame codec, exposed for tests: encodes a frame into out (room for EF_COBS_MAX(8 + len) + 1), returns its length. */
size_t ef_frame_encode(uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *payload, size_t len, uint8_t *scratch, uint8_t *out);

enum { EF_FRAME_DATA = 1, EF_FRAME_ACK = 2, EF_FRAME_HELLO = 3, EF_FRAME_HELLO_ACK = 4, EF_FRAME_PING = 5, EF_FRAME_RESET = 6 };
enum { EF_FLAG_DEFLATE = 1, EF_FLAG_END = 2 };

#endif
