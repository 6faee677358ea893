// The reliable layer of the serial link protocol: a HELLO handshake that negotiates frame size,
// window and deflate; DATA frames numbered mod 2^16 in a sliding window; ACK frames with a
// cumulative sequence number and a selective-acknowledgement bitmap; retransmission; keepalive.
// Pure: bytes go out through `write` and come in through `receive`, so it runs without a port.
//
// A serial line delivers bytes in the order they were sent, so when the peer acknowledges a frame,
// every frame transmitted before it that is still unacknowledged was damaged on the way: it is
// sent again at once. A retransmission timer covers the tail (no later frame to reveal the loss);
// it counts from when the frame left the wire, as LineModel estimates it from the acknowledgements.
import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decodeFrame, encodeFrame, FrameFlag, FrameSplitter, FrameType, wireBytes, type Frame } from './frame.js';
import { FrameSizer } from './frame-size.js';
import { decodeHello, encodeHello, limits, negotiate, protocolVersion, type LinkParams } from './hello.js';
import { LineModel, type RateMark } from './line-model.js';

export interface ReliableLinkOptions {
  /** The console starts sessions (HELLO); the device answers them. */
  role: 'initiator' | 'responder';
  write(bytes: Buffer): void;
  /** What this side can take; the session uses the smaller of each value. */
  params: LinkParams;
  /** Largest message accepted from the peer. */
  maxMessage?: number;
  helloEveryMs?: number;
  /** The initiator gives up a handshake after this long with no HELLO_ACK. */
  handshakeMs?: number;
  /** PING after this long without sending anything. */
  keepaliveMs?: number;
  /** The initiator declares the link lost after this long without a valid frame. */
  deadAfterMs?: number;
  minRtoMs?: number;
  maxRtoMs?: number;
  /**
   * Nominal line rate in bytes per second (baud/10 for 8N1): the first guess of how long a frame
   * waits behind the ones written before it, corrected by what the peer acknowledges (LineModel).
   * Timers count from when a frame left the wire, not from when it was queued.
   */
  bytesPerSec?: number;
  /** Fixes the DATA payload size (otherwise it follows the loss seen, up to the negotiated size). */
  fixedPayload?: number;
}

export interface LinkStats {
  framesSent: number;
  retransmits: number;
  badFrames: number;
  /** DATA frames received that were already received (a retransmission that was not needed). */
  duplicates: number;
  bytesWritten: number;
  bytesRead: number;
  /** Retransmissions because a timer expired (the others were revealed by a later frame's ACK). */
  timeouts: number;
  /** Longest time frames were unacknowledged with no ACK covering anything new (a loss at the tail waits this long). */
  maxStallMs: number;
  /** The smoothed round trip and the retransmission timeout before backoff, as they stand now. */
  srttMs: number;
  rtoMs: number;
  /** The line rate as measured (null: nothing known yet). */
  lineBytesPerSec: number | null;
}

interface Tx {
  seq: number;
  wire: Buffer;
  writtenAt: number;
  /** Stream offset of the frame's end (of its latest transmission). */
  end: number;
  /** When the frame left the wire by the line model; re-estimated at each ACK. */
  leavesAt: number;
  mark: RateMark;
  /** Order of transmission: of the latest, and of the first. */
  txId: number;
  firstTxId: number;
  retried: boolean;
}

export type LinkEvents = {
  open: [LinkParams];
  message: [Buffer];
  /** Responder: a new session started (the console reconnected); earlier requests are void. */
  reset: [];
  lost: [string];
};

const seqSpace = 0x10000;
const half = 0x8000;

export class ReliableLink extends EventEmitter<LinkEvents> {
  state: 'idle' | 'hello' | 'open' | 'closed' = 'idle';
  params: LinkParams;
  readonly stats: LinkStats = { framesSent: 0, retransmits: 0, badFrames: 0, duplicates: 0, bytesWritten: 0, bytesRead: 0, timeouts: 0, maxStallMs: 0, srttMs: 0, rtoMs: 0, lineBytesPerSec: null };
  private readonly o: Required<Omit<ReliableLinkOptions, 'fixedPayload' | 'bytesPerSec'>> & { fixedPayload?: number; bytesPerSec?: number };
  private readonly splitter: FrameSplitter;
  private session = 0;
  private timer: NodeJS.Timeout | null = null;
  private helloSince = 0;
  private lastHelloAt = 0;
  private hellosSent = 0;
  private lastWrite = 0;
  private readonly line: LineModel;
  /** Since when frames have been unacknowledged without an ACK covering anything new. */
  private progressAt = 0;
  private lastHeard = 0;
  private lastPingAt = 0;
  // Sender.
  private outq: { buf: Buffer; off: number }[] = [];
  private inflight = new Map<number, Tx>();
  private nextSeq = 0;
  /** The peer's cumulative acknowledgement: it accepts sequence numbers below sendBase + window. */
  private sendBase = 0;
  private txCounter = 0;
  private srtt = 0;
  private rttvar = 0;
  private rto: number;
  /** RTO from the samples, before backoff. */
  private baseRto: number;
  private backoff = 1;
  private sizer: FrameSizer;
  private deflateMisses = 0;
  private fragments = 0;
  // Receiver.
  private expected = 0;
  private rxBuf = new Map<number, Frame>();
  private parts: Buffer[] = [];
  private partBytes = 0;
  private discarding = false;
  private ackPending = false;
  private lastAckAt = 0;

  constructor(opts: ReliableLinkOptions) {
    super();
    this.o = {
      maxMessage: 9 * 1024 * 1024,
      helloEveryMs: 250,
      handshakeMs: 3000,
      keepaliveMs: 1000,
      deadAfterMs: 8000,
      minRtoMs: 150,
      maxRtoMs: 2000,
      ...opts,
    };
    this.params = opts.params;
    this.baseRto = this.rto = this.o.minRtoMs * 2;
    this.stats.rtoMs = this.baseRto;
    this.line = new LineModel(opts.bytesPerSec, 4 * wireBytes(opts.params.maxPayload));
    this.stats.lineBytesPerSec = this.line.bytesPerSec;
    this.sizer = new FrameSizer(opts.params.maxPayload);
    this.splitter = new FrameSplitter(wireBytes(limits.maxPayload) + 16, (block) => this.onBlock(block));
  }

  /** Starts the link: the initiator sends HELLO until answered; the responder waits for one. */
  start(): void {
    if (this.state !== 'idle') return;
    this.timer = setInterval(() => this.tick(), 20);
    this.lastHeard = Date.now();
    if (this.o.role === 'initiator') {
      this.state = 'hello';
      this.session = randomInt(1, 0xffffffff);
      this.helloSince = Date.now();
      this.sendHello(FrameType.hello);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.state = 'closed';
    this.outq = [];
    this.inflight.clear();
  }

  /** Queues one message; it goes out as DATA fragments once the session is open. */
  send(message: Buffer): void {
    if (this.state === 'closed') return;
    this.outq.push({ buf: message, off: 0 });
    this.pump();
  }

  /** Bytes queued or in flight and not yet acknowledged. */
  get pendingBytes(): number {
    let n = 0;
    for (const q of this.outq) n += q.buf.length - q.off;
    return n + this.inflight.size;
  }

  receive(bytes: Buffer): void {
    this.stats.bytesRead += bytes.length;
    this.splitter.push(bytes);
  }

  private lose(reason: string): void {
    if (this.state === 'closed') return;
    this.stop();
    this.emit('lost', reason);
  }

  private write(f: Frame): void {
    const wire = encodeFrame(f);
    this.writeWire(wire);
  }

  private writeWire(wire: Buffer): { end: number; leavesAt: number } {
    const now = Date.now();
    this.lastWrite = now;
    const at = this.line.write(wire.length, now);
    this.stats.bytesWritten += wire.length;
    this.o.write(wire);
    return at;
  }

  private sendHello(type: number): void {
    this.lastHelloAt = Date.now();
    this.hellosSent++;
    this.write({ type, flags: 0, seq: 0, payload: encodeHello({ version: protocolVersion, session: this.session, ...this.o.params }) });
  }

  private resetSession(): void {
    this.outq = [];
    this.inflight.clear();
    this.nextSeq = 0;
    this.sendBase = 0;
    this.expected = 0;
    this.rxBuf.clear();
    this.parts = [];
    this.partBytes = 0;
    this.discarding = false;
    this.sizer = new FrameSizer(this.params.maxPayload);
    this.baseRto = this.rto = this.o.minRtoMs * 2;
    this.stats.rtoMs = this.baseRto;
    this.backoff = 1;
    this.srtt = 0;
  }

  private onBlock(block: Buffer): void {
    const f = decodeFrame(block);
    if (!f) {
      this.stats.badFrames++;
      return;
    }
    this.lastHeard = Date.now();
    switch (f.type) {
      case FrameType.hello:
        return this.onHello(f);
      case FrameType.helloAck:
        return this.onHelloAck(f);
      case FrameType.reset:
        if (this.o.role === 'initiator' && this.state !== 'idle') this.lose('the device reset the link (it restarted or another console took over)');
        return;
    }
    if (this.state !== 'open') {
      if (this.o.role === 'responder') this.write({ type: FrameType.reset, flags: 0, seq: 0, payload: Buffer.alloc(0) });
      return;
    }
    if (f.type === FrameType.data) this.onData(f);
    else if (f.type === FrameType.ack) this.onAck(f);
    else if (f.type === FrameType.ping) this.sendAck();
  }

  private onHello(f: Frame): void {
    if (this.o.role !== 'responder' || this.state === 'closed') return;
    const h = decodeHello(f.payload);
    if (!h || h.version !== protocolVersion) return;
    if (!(this.state === 'open' && h.session === this.session)) {
      this.session = h.session;
      this.params = negotiate(this.o.params, h);
      this.resetSession();
      this.state = 'open';
      this.emit('reset');
    }
    this.sendHello(FrameType.helloAck);
  }

  private onHelloAck(f: Frame): void {
    if (this.o.role !== 'initiator' || this.state !== 'hello') return;
    const h = decodeHello(f.payload);
    if (!h || h.session !== this.session) return;
    // The handshake is the first observation of the line: a HELLO and its answer crossed it in this
    // time (unambiguous only when one HELLO was sent). It can only raise the nominal guess.
    if (this.hellosSent === 1) this.line.observe(2 * wireBytes(f.payload.length), Date.now() - this.helloSince);
    this.stats.lineBytesPerSec = this.line.bytesPerSec;
    this.params = negotiate(this.o.params, h);
    this.resetSession();
    this.state = 'open';
    this.emit('open', this.params);
    this.pump();
  }

  // Receiver.

  private onData(f: Frame): void {
    const dist = (f.seq - this.expected + seqSpace) % seqSpace;
    if (dist < this.params.window && !this.rxBuf.has(f.seq)) {
      this.rxBuf.set(f.seq, f);
      while (this.rxBuf.has(this.expected)) {
        const next = this.rxBuf.get(this.expected)!;
        this.rxBuf.delete(this.expected);
        this.expected = (this.expected + 1) % seqSpace;
        this.deliver(next);
        if (this.state !== 'open') return;
      }
    } else this.stats.duplicates++;
    this.scheduleAck();
  }

  private deliver(f: Frame): void {
    let payload = f.payload;
    if (f.flags & FrameFlag.deflate) {
      try {
        payload = inflateRawSync(payload, { maxOutputLength: limits.maxPayload });
      } catch {
        this.lose('the peer sent a fragment that does not inflate');
        return;
      }
    }
    if (!this.discarding) {
      this.parts.push(payload);
      this.partBytes += payload.length;
      if (this.partBytes > this.o.maxMessage) {
        this.discarding = true;
        this.parts = [];
      }
    }
    if (f.flags & FrameFlag.end) {
      const message = this.discarding ? null : this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
      this.parts = [];
      this.partBytes = 0;
      this.discarding = false;
      if (message) this.emit('message', message);
    }
  }

  private scheduleAck(): void {
    if (this.ackPending) return;
    this.ackPending = true;
    setImmediate(() => {
      this.ackPending = false;
      if (this.state === 'open') this.sendAck();
    });
  }

  private sendAck(): void {
    const bits = Buffer.alloc(Math.ceil(this.params.window / 8));
    let used = 0;
    for (const seq of this.rxBuf.keys()) {
      const k = (seq - this.expected - 1 + seqSpace) % seqSpace;
      if (k >= bits.length * 8) continue;
      bits[k >> 3] |= 1 << (k & 7);
      used = Math.max(used, (k >> 3) + 1);
    }
    this.lastAckAt = Date.now();
    this.write({ type: FrameType.ack, flags: 0, seq: this.expected, payload: bits.subarray(0, used) });
  }

  // Sender.

  private pump(): void {
    if (this.state !== 'open') return;
    while ((this.nextSeq - this.sendBase + seqSpace) % seqSpace < this.params.window && this.outq.length > 0) {
      const head = this.outq[0];
      // A new message may compress where the last did not.
      if (head.off === 0) this.deflateMisses = 0;
      const size = this.o.fixedPayload ?? this.sizer.payload;
      const raw = head.buf.subarray(head.off, Math.min(head.buf.length, head.off + Math.min(size, this.params.maxPayload)));
      head.off += raw.length;
      const end = head.off >= head.buf.length;
      if (end) this.outq.shift();
      let payload = raw;
      let flags = end ? FrameFlag.end : 0;
      if (this.params.deflate && raw.length >= 64 && (this.deflateMisses < 8 || this.fragments % 32 === 0)) {
        const z = deflateRawSync(raw, { level: 1 });
        if (z.length + 8 < raw.length) {
          payload = z;
          flags |= FrameFlag.deflate;
          this.deflateMisses = 0;
        } else this.deflateMisses++;
      }
      this.fragments++;
      const seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) % seqSpace;
      const tx: Tx = { seq, wire: encodeFrame({ type: FrameType.data, flags, seq, payload }), writtenAt: 0, end: 0, leavesAt: 0, mark: { delivered: 0, at: 0 }, txId: 0, firstTxId: 0, retried: false };
      this.inflight.set(seq, tx);
      this.transmit(tx);
    }
  }

  private transmit(tx: Tx): void {
    const now = Date.now();
    const alone = this.inflight.size <= 1;
    if (alone && !tx.retried) this.progressAt = now;
    tx.txId = ++this.txCounter;
    if (!tx.retried) tx.firstTxId = tx.txId;
    tx.writtenAt = now;
    tx.mark = this.line.mark(now, alone);
    this.stats.framesSent++;
    const at = this.writeWire(tx.wire);
    tx.end = at.end;
    tx.leavesAt = at.leavesAt;
  }

  /** `lost`: counted as damaged (a later frame arrived, or a first timeout), which steers the frame size. */
  private retransmit(tx: Tx, lost: boolean): void {
    tx.retried = true;
    this.stats.retransmits++;
    if (lost) this.sizer.record(tx.wire.length, true);
    this.transmit(tx);
  }

  private onAck(f: Frame): void {
    const cum = f.seq;
    const now = Date.now();
    const advance = (cum - this.sendBase + seqSpace) % seqSpace;
    if (advance > 0 && advance <= this.params.window) this.sendBase = cum;
    let newestAcked = 0;
    let progress = false;
    let ackedBytes = 0;
    let anchor: Tx | null = null;
    for (const tx of this.inflight.values()) {
      const before = (cum - tx.seq + seqSpace) % seqSpace;
      const k = (tx.seq - cum - 1 + seqSpace) % seqSpace;
      const sacked = k < f.payload.length * 8 && (f.payload[k >> 3] & (1 << (k & 7))) !== 0;
      if ((before >= 1 && before <= half) || sacked) {
        this.inflight.delete(tx.seq);
        progress = true;
        // Which copy of a frame sent twice arrived is unknown (a timer may have fired on a frame that
        // was only queued, or whose ACK was): only what was sent before the first copy is certainly
        // lost, not the frames queued behind the latest.
        newestAcked = Math.max(newestAcked, tx.retried ? tx.firstTxId : tx.txId);
        ackedBytes += tx.wire.length;
        // Karn: a frame sent twice gives no round trip, nor a certain place on the line.
        if (!tx.retried) {
          this.sizer.record(tx.wire.length, false);
          // Acknowledged before the model thought it had left: the model was slow, no sample.
          if (tx.leavesAt <= now) this.rttSample(now - tx.leavesAt);
          if (!anchor || tx.txId > anchor.txId) anchor = tx;
        }
      }
    }
    if (progress) {
      this.stats.maxStallMs = Math.max(this.stats.maxStallMs, now - this.progressAt);
      this.progressAt = now;
      this.line.acked(ackedBytes, now, anchor ?? undefined);
      this.stats.lineBytesPerSec = this.line.bytesPerSec;
      if (anchor) for (const tx of this.inflight.values()) tx.leavesAt = this.line.leavesAt(tx.end, tx.wire.length, tx.writtenAt);
    }
    // A frame sent once arrived in time: the backoff of earlier timeouts no longer applies (Karn: an
    // ACK of a retransmission may be the answer to a copy the timer gave up on too early).
    if (anchor && this.backoff > 1) {
      this.backoff = 1;
      this.rto = this.baseRto;
    }
    // FIFO line: anything transmitted before a frame that arrived, and not acknowledged, was lost.
    for (const tx of this.inflight.values()) if (tx.txId < newestAcked) this.retransmit(tx, true);
    this.pump();
  }

  private rttSample(ms: number): void {
    if (this.srtt === 0) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar += 0.25 * (Math.abs(this.srtt - ms) - this.rttvar);
      this.srtt += 0.125 * (ms - this.srtt);
    }
    this.baseRto = Math.min(this.o.maxRtoMs, Math.max(this.o.minRtoMs, this.srtt + 4 * this.rttvar));
    this.rto = Math.min(this.o.maxRtoMs, this.baseRto * this.backoff);
    this.stats.srttMs = this.srtt;
    this.stats.rtoMs = this.baseRto;
  }

  private tick(): void {
    const now = Date.now();
    if (this.state === 'hello') {
      if (now - this.helloSince > this.o.handshakeMs) return this.lose('no answer to HELLO: nothing on this port speaks the EdgeFleet link protocol at this baud rate');
      if (now - this.lastHelloAt >= this.o.helloEveryMs) this.sendHello(FrameType.hello);
      return;
    }
    if (this.state !== 'open') return;
    if (this.o.role === 'initiator' && now - this.lastHeard > this.o.deadAfterMs) {
      return this.lose(`no frame from the device for ${Math.round(this.o.deadAfterMs / 1000)} s (cable unplugged, device stopped, or the line is stalled)`);
    }
    // A gap is open: repeat the ACK in case the last one was damaged (the sender then learns sooner).
    if (this.rxBuf.size > 0 && now - this.lastAckAt > this.o.minRtoMs / 2) this.sendAck();
    if (this.inflight.size > 0) this.stats.maxStallMs = Math.max(this.stats.maxStallMs, now - this.progressAt);
    let timedOut = false;
    for (const tx of this.inflight.values()) {
      if (now - tx.leavesAt > this.rto) {
        // The line time is accounted for, so a first timeout is most likely a loss; repeated ones
        // (backoff) more likely a stall, which says nothing about the frame size.
        this.retransmit(tx, this.backoff === 1);
        this.stats.timeouts++;
        timedOut = true;
      }
    }
    if (timedOut) {
      this.backoff = Math.min(this.backoff * 2, 4);
      this.rto = Math.min(this.o.maxRtoMs, this.baseRto * this.backoff);
    }
    // Keepalive: after a quiet second either way, ask for an ACK (the answer proves the device is there).
    if (this.o.role === 'initiator' && (now - this.lastWrite > this.o.keepaliveMs || now - this.lastHeard > this.o.keepaliveMs) && now - this.lastPingAt > this.o.keepaliveMs) {
      this.lastPingAt = now;
      this.write({ type: FrameType.ping, flags: 0, seq: 0, payload: Buffer.alloc(0) });
    }
  }
}
