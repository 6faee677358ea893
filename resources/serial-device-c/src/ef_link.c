#include "ef_link.h"
#include "ef_crc32.h"
#include <string.h>

#define MIN_RTO 150u
#define MAX_RTO 2000u
#define FIRST_RTO 600u
#define ACK_REPEAT_MS 75u
#define SESSION_IDLE_MS 8000u

static uint32_t now(const ef_link *l) { return l->hal->now_ms(l->hal->ctx); }
static int32_t since(uint32_t t, uint32_t from) { return (int32_t)(t - from); }
static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v), put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

size_t ef_frame_encode(uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *payload, size_t len, uint8_t *scratch, uint8_t *out) {
  size_t n;
  scratch[0] = type;
  scratch[1] = flags;
  put16(scratch + 2, seq);
  if (len) memcpy(scratch + 4, payload, len);
  put32(scratch + 4 + len, ef_crc32(0, scratch, 4 + len));
  n = ef_cobs_encode(scratch, 8 + len, out);
  out[n] = 0;
  return n + 1;
}

static void send_frame(ef_link *l, uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *payload, size_t len) {
  size_t n = ef_frame_encode(type, flags, seq, payload, len, l->frame, l->wire);
  uint32_t t = now(l);
  l->hal->write(l->hal->ctx, l->wire, n);
  /* When these bytes will have left the wire: the retransmission timer counts from there. */
  if (since(t, l->line_free_at) > 0 || !l->bytes_per_sec) l->line_free_at = t;
  if (l->bytes_per_sec) l->line_free_at += (uint32_t)((uint64_t)n * 1000u / l->bytes_per_sec);
}

static void reset_session(ef_link *l) {
  memset(l->rx, 0, sizeof l->rx);
  memset(l->tx, 0, sizeof l->tx);
  l->expected = l->deliver_next = 0;
  l->next_seq = l->send_base = 0;
  l->paused = l->ack_due = 0;
  l->q_base = l->cut = 0;
  l->cut_left = 0;
  l->q_len = 0;
  l->rto = l->base_rto = FIRST_RTO;
  l->backoff = 1;
  l->have_rtt = 0;
  l->srtt = l->rttvar = 0;
}

void ef_link_init(ef_link *l, const ef_hal *hal, ef_link_sink sink, uint32_t bytes_per_sec) {
  memset(l, 0, sizeof *l);
  l->hal = hal;
  l->sink = sink;
  l->bytes_per_sec = bytes_per_sec;
  reset_session(l);
}

/* ---- Sender -------------------------------------------------------------------------------- */

static void transmit(ef_link *l, ef_tx_frame *f) {
  f->tx_id = ++l->tx_counter;
  l->stats.frames_sent++;
  send_frame(l, EF_FRAME_DATA, f->flags, f->seq, l->q + (f->start - l->q_base), f->len);
  f->sent_at = l->line_free_at;
}

static void pump(ef_link *l) {
  while (l->open && (uint16_t)(l->next_seq - l->send_base) < l->window) {
    ef_tx_frame *f;
    uint32_t len;
    if (l->cut_left == 0) {
      if ((size_t)(l->cut - l->q_base) + 4 > l->q_len) return; /* nothing more queued */
      l->cut_left = get32(l->q + (l->cut - l->q_base));
      l->cut += 4;
    }
    len = l->cut_left < l->max_payload ? l->cut_left : l->max_payload;
    f = &l->tx[l->next_seq % EF_WINDOW];
    f->used = 1;
    f->retried = 0;
    f->seq = l->next_seq;
    f->start = l->cut;
    f->len = (uint16_t)len;
    f->flags = len == l->cut_left ? EF_FLAG_END : 0;
    l->cut += len;
    l->cut_left -= len;
    l->next_seq++;
    transmit(l, f);
  }
}

/* Drops the bytes of the stream that no frame needs any more. */
static void compact(ef_link *l) {
  uint32_t keep = l->cut;
  size_t i, drop;
  for (i = 0; i < EF_WINDOW; i++)
    if (l->tx[i].used && since(l->tx[i].start, keep) < 0) keep = l->tx[i].start;
  drop = keep - l->q_base;
  if (!drop) return;
  memmove(l->q, l->q + drop, l->q_len - drop);
  l->q_len -= drop;
  l->q_base = keep;
}

uint8_t *ef_link_reserve(ef_link *l, size_t max) {
  if (!l->open) return NULL;
  if (l->q_len + 4 + max > sizeof l->q) compact(l);
  if (l->q_len + 4 + max > sizeof l->q) return NULL;
  return l->q + l->q_len + 4;
}

void ef_link_commit(ef_link *l, size_t len) {
  if (!len) return;
  put32(l->q + l->q_len, (uint32_t)len);
  l->q_len += 4 + len;
  pump(l);
}

static void rtt_sample(ef_link *l, int32_t ms) {
  int32_t rto;
  if (ms < 0) ms = 0;
  if (!l->have_rtt) {
    l->srtt = ms;
    l->rttvar = ms / 2;
    l->have_rtt = 1;
  } else {
    int32_t err = l->srtt - ms;
    l->rttvar += ((err < 0 ? -err : err) - l->rttvar) / 4;
    l->srtt += (ms - l->srtt) / 8;
  }
  rto = l->srtt + 4 * l->rttvar;
  l->base_rto = rto < (int32_t)MIN_RTO ? MIN_RTO : rto > (int32_t)MAX_RTO ? MAX_RTO : (uint32_t)rto;
  l->rto = l->base_rto * l->backoff > MAX_RTO ? MAX_RTO : l->base_rto * l->backoff;
}

static void on_ack(ef_link *l, uint16_t cum, const uint8_t *bits, size_t nbits_bytes) {
  uint16_t advance = (uint16_t)(cum - l->send_base);
  uint32_t newest = 0, t = now(l);
  size_t i;
  if (advance > 0 && advance <= l->window) l->send_base = cum;
  for (i = 0; i < EF_WINDOW; i++) {
    ef_tx_frame *f = &l->tx[i];
    uint16_t before, k;
    int sacked;
    if (!f->used) continue;
    before = (uint16_t)(cum - f->seq);
    k = (uint16_t)(f->seq - cum - 1);
    sacked = k < nbits_bytes * 8 && (bits[k >> 3] & (1u << (k & 7)));
    if ((before >= 1 && before <= 0x8000) || sacked) {
      f->used = 0;
      if (f->tx_id > newest) newest = f->tx_id;
      if (!f->retried) rtt_sample(l, since(t, f->sent_at));
    }
  }
  if (newest && l->backoff > 1) {
    l->backoff = 1;
    l->rto = l->base_rto;
  }
  /* The line keeps order: a frame sent before one that arrived, and still unacknowledged, was lost. */
  for (i = 0; i < EF_WINDOW; i++) {
    ef_tx_frame *f = &l->tx[i];
    if (f->used && f->tx_id < newest) {
      f->retried = 1;
      l->stats.retransmits++;
      transmit(l, f);
    }
  }
  pump(l);
}

/* ---- Receiver ------------------------------------------------------------------------------ */

static void send_ack(ef_link *l) {
  uint8_t bits[(EF_WINDOW + 7) / 8];
  size_t used = 0, k;
  memset(bits, 0, sizeof bits);
  for (k = 0; k + 1 < l->window; k++) {
    uint16_t seq = (uint16_t)(l->expected + 1 + k);
    const ef_rx_frame *r = &l->rx[seq % EF_WINDOW];
    if (r->used && r->seq == seq) {
      bits[k >> 3] |= (uint8_t)(1u << (k & 7));
      used = (k >> 3) + 1;
    }
  }
  l->last_ack_at = now(l);
  l->ack_due = 0;
  send_frame(l, EF_FRAME_ACK, 0, l->expected, bits, used);
}

static void deliver(ef_link *l) {
  while (l->open && !l->paused && l->deliver_next != l->expected) {
    ef_rx_frame *r = &l->rx[l->deliver_next % EF_WINDOW];
    r->used = 0;
    l->deliver_next++;
    if (l->sink.on_fragment(l->sink.user, r->data, r->len, (r->flags & EF_FLAG_END) != 0)) l->paused = 1;
  }
}

void ef_link_resume(ef_link *l) {
  l->paused = 0;
  deliver(l);
}

static void end_session(ef_link *l) {
  l->open = 0;
  reset_session(l);
  l->sink.on_session(l->sink.user);
}

static void on_data(ef_link *l, uint8_t flags, uint16_t seq, const uint8_t *payload, size_t len) {
  uint16_t d = (uint16_t)(seq - l->expected);
  ef_rx_frame *r = &l->rx[seq % EF_WINDOW];
  l->ack_due = 1;
  if (flags & EF_FLAG_DEFLATE) {
    /* This device declined deflate in HELLO_ACK: a peer that sends it anyway breaks the session. */
    if (l->hal->log) l->hal->log(l->hal->ctx, "link: deflated DATA although deflate was declined; session ended");
    end_session(l);
    return;
  }
  if (d >= l->window || (uint16_t)(seq - l->deliver_next) >= EF_WINDOW || len > l->max_payload || (r->used && r->seq == seq)) {
    l->stats.duplicates++;
    return;
  }
  r->used = 1;
  r->seq = seq;
  r->flags = flags;
  r->len = (uint16_t)len;
  memcpy(r->data, payload, len);
  while (l->rx[l->expected % EF_WINDOW].used && l->rx[l->expected % EF_WINDOW].seq == l->expected && (uint16_t)(l->expected - l->deliver_next) < EF_WINDOW) l->expected++;
  deliver(l);
}

static void on_hello(ef_link *l, const uint8_t *p, size_t len) {
  uint8_t hello[10];
  uint32_t session, mp, win;
  if (len < 10 || p[0] != 1) return;
  session = get32(p + 6);
  if (!(l->open && session == l->session)) {
    mp = get16(p + 1);
    win = get16(p + 3);
    if (mp > EF_MAX_PAYLOAD) mp = EF_MAX_PAYLOAD;
    if (mp < 32) mp = 32;
    if (win > EF_WINDOW) win = EF_WINDOW;
    if (win < 1) win = 1;
    reset_session(l);
    l->session = session;
    l->max_payload = (uint16_t)mp;
    l->window = (uint16_t)win;
    l->open = 1;
    l->stats.sessions++;
    l->sink.on_session(l->sink.user);
  }
  hello[0] = 1;
  put16(hello + 1, EF_MAX_PAYLOAD);
  put16(hello + 3, EF_WINDOW);
  hello[5] = 0; /* no deflate: this device cannot inflate */
  put32(hello + 6, session);
  send_frame(l, EF_FRAME_HELLO_ACK, 0, 0, hello, sizeof hello);
}

static void on_block(ef_link *l) {
  long n = ef_cobs_decode(l->block, l->block_len, l->block);
  uint8_t type, flags;
  uint16_t seq;
  if (n < 8 || get32(l->block + n - 4) != ef_crc32(0, l->block, (size_t)n - 4)) {
    l->stats.bad_frames++;
    return;
  }
  type = l->block[0];
  flags = l->block[1];
  seq = (uint16_t)get16(l->block + 2);
  l->last_heard = now(l);
  if (type == EF_FRAME_HELLO) {
    on_hello(l, l->block + 4, (size_t)n - 8);
    return;
  }
  if (type == EF_FRAME_HELLO_ACK || type == EF_FRAME_RESET) return;
  if (!l->open) {
    /* DATA, ACK or PING outside a session (this device restarted): tell the console. */
    send_frame(l, EF_FRAME_RESET, 0, 0, NULL, 0);
    return;
  }
  if (type == EF_FRAME_DATA) on_data(l, flags, seq, l->block + 4, (size_t)n - 8);
  else if (type == EF_FRAME_ACK) on_ack(l, seq, l->block + 4, (size_t)n - 8);
  else if (type == EF_FRAME_PING) l->ack_due = 1;
}

void ef_link_input(ef_link *l, const uint8_t *bytes, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    if (bytes[i] == 0) {
      if (l->block_len && !l->block_overflow) on_block(l);
      l->block_len = 0;
      l->block_overflow = 0;
    } else if (l->block_len < sizeof l->block) {
      l->block[l->block_len++] = bytes[i];
    } else {
      l->block_overflow = 1; /* noise or a lost delimiter: dropped at the next 0x00 */
    }
  }
  if (l->open && l->ack_due) send_ack(l);
}

void ef_link_tick(ef_link *l) {
  uint32_t t = now(l);
  size_t i;
  int timed_out = 0, gap = 0;
  if (!l->open) return;
  if (since(t, l->last_heard) > (int32_t)SESSION_IDLE_MS) {
    /* SERIAL-PROTOCOL.md 8.7: the console has given up on this session by now. */
    if (l->hal->log) l->hal->log(l->hal->ctx, "link: nothing from the console for 8 s; session ended");
    end_session(l);
    return;
  }
  for (i = 0; i < EF_WINDOW; i++)
    if (l->rx[i].used && l->rx[i].seq != l->expected && (uint16_t)(l->rx[i].seq - l->expected) < 0x8000) gap = 1;
  if (l->ack_due || (gap && since(t, l->last_ack_at) >= (int32_t)ACK_REPEAT_MS)) send_ack(l);
  for (i = 0; i < EF_WINDOW; i++) {
    ef_tx_frame *f = &l->tx[i];
    if (f->used && since(t, f->sent_at) > (int32_t)l->rto) {
      f->retried = 1;
      l->stats.retransmits++;
      transmit(l, f);
      timed_out = 1;
    }
  }
  if (timed_out) {
    if (l->backoff < 16) l->backoff *= 2;
    l->rto = l->base_rto * l->backoff > MAX_RTO ? MAX_RTO : l->base_rto * l->backoff;
  }
  deliver(l);
  pump(l);
}
