// The conformance tester's own connection to a device: the console's reliable layer on the port,
// with loss and corruption injected on the console side, and answers handed back raw (a response's
// JSON or an error's), so every check can judge them itself.
import { AppError } from '../../../api/errors.js';
import { decodeHello, type Hello, type LinkParams } from '../../../../../resources/device-protocol/serial/hello.js';
import { decodeFrame, FrameFlag, FrameSplitter, FrameType } from '../../../../../resources/device-protocol/serial/frame.js';
import { decodeMessage, encodeMessage, MessageKind } from '../../../../../resources/device-protocol/serial/message-codec.js';
import { openPort, type PortConnection } from '../../../../../resources/device-protocol/serial/open-port.js';
import { ReliableLink, type LinkStats } from '../../../../../resources/device-protocol/serial/reliable-link.js';
import { seededRandom } from '../../../util/seeded-random.js';

/** Fractions of DATA frames the console drops or damages (outgoing) or drops (incoming). */
export interface Faults {
  dropOut?: number;
  corruptOut?: number;
  dropIn?: number;
  /** Seeds the choice of frames, so a run can be repeated. */
  seed?: number;
}

export type Answer = { kind: 'response'; json: unknown; binary: Buffer } | { kind: 'error'; json: unknown };

export interface OpenOptions {
  path: string;
  baudRate: number;
  params: LinkParams;
  faults?: Faults;
  /** Per request. */
  timeoutMs?: number;
}

const isData = (block: Buffer) => decodeFrame(block)?.type === FrameType.data;

export class ConformanceLink {
  private readonly pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private lostReason: string | null = null;
  /** Frames the console dropped or damaged on purpose. */
  readonly injected = { droppedOut: 0, corruptedOut: 0, droppedIn: 0 };
  /** What the device sent against the negotiated parameters (the first few). */
  readonly violations: string[] = [];
  /** The device's own HELLO_ACK, as it sent it (before negotiation clamps anything). */
  peerHello: Hello | null = null;

  private constructor(
    private readonly port: PortConnection,
    private readonly link: ReliableLink,
    private readonly timeoutMs: number,
  ) {}

  static async open(o: OpenOptions): Promise<ConformanceLink> {
    const port = await openPort(o.path, o.baudRate);
    const rnd = seededRandom(o.faults?.seed ?? 1);
    const f = o.faults ?? {};
    let self: ConformanceLink | null = null;
    const write = (wire: Buffer) => {
      const block = wire.subarray(0, wire.length - 1);
      if (f.dropOut && isData(block) && rnd() < f.dropOut) {
        if (self) self.injected.droppedOut++;
        return;
      }
      if (f.corruptOut && isData(block) && rnd() < f.corruptOut) {
        const bad = Buffer.from(wire);
        const at = Math.floor(rnd() * (bad.length - 1));
        bad[at] = bad[at] === 0x01 ? 0x02 : bad[at] ^ 0x01 || 0x03;
        if (self) self.injected.corruptedOut++;
        port.write(bad);
        return;
      }
      port.write(wire);
    };
    const link = new ReliableLink({ role: 'initiator', write, params: o.params, bytesPerSec: o.baudRate / 10 });
    self = new ConformanceLink(port, link, o.timeoutMs ?? 20_000);
    const conn = self;
    // Incoming frames go through a splitter of our own, so whole DATA frames can be dropped.
    const splitter = new FrameSplitter(16_384, (block) => {
      const frame = decodeFrame(block);
      if (frame?.type === FrameType.helloAck) conn.peerHello ??= decodeHello(frame.payload);
      if (frame?.type === FrameType.data && link.state === 'open' && conn.violations.length < 5) {
        const p = link.params;
        if (frame.payload.length > p.maxPayload) conn.violations.push(`DATA frame ${frame.seq} carries ${frame.payload.length} payload bytes; maxPayload is ${p.maxPayload}`);
        if (frame.flags & FrameFlag.deflate && !p.deflate) conn.violations.push(`DATA frame ${frame.seq} is deflated, but deflate was not negotiated`);
      }
      if (f.dropIn && isData(block) && rnd() < f.dropIn) {
        conn.injected.droppedIn++;
        return;
      }
      link.receive(Buffer.concat([block, Buffer.of(0)]));
    });
    port.on('data', (b: Buffer) => splitter.push(b));
    port.on('close', () => conn.fail('the port closed'));
    link.on('message', (m) => conn.onMessage(m));
    link.on('lost', (reason) => conn.fail(reason));
    const opened = new Promise<void>((resolve, reject) => {
      link.once('open', () => resolve());
      link.once('lost', (reason) => reject(new AppError('SERIAL_SILENT', 'No device answers on the serial port', `${o.path}: ${reason}`)));
    });
    link.start();
    try {
      await opened;
    } catch (err) {
      await conn.close();
      throw err;
    }
    return conn;
  }

  /** What both sides agreed in the handshake. */
  get params(): LinkParams {
    return this.link.params;
  }

  get stats(): LinkStats {
    return this.link.stats;
  }

  private fail(reason: string): void {
    this.lostReason ??= reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new AppError('SERIAL_LINK_LOST', 'Serial link lost', reason));
    }
  }

  private onMessage(raw: Buffer): void {
    const m = decodeMessage(raw);
    if (!m) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.kind === MessageKind.error) p.resolve({ kind: 'error', json: m.json });
    else if (m.kind === MessageKind.response) p.resolve({ kind: 'response', json: m.json, binary: m.binary });
  }

  /** Sends one request (any op, any body: checks send invalid ones on purpose) and waits for its answer. */
  request(op: string, req: unknown, opts: { token?: string | null; binary?: Uint8Array; timeoutMs?: number } = {}): Promise<Answer> {
    if (this.lostReason) return Promise.reject(new AppError('SERIAL_LINK_LOST', 'Serial link lost', this.lostReason));
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const answer = new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('ETIMEDOUT', 'No answer', `the device did not answer ${op} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    this.link.send(encodeMessage(MessageKind.request, id, { op, req, ...(opts.token ? { token: opts.token } : {}) }, opts.binary));
    return answer;
  }

  async close(): Promise<void> {
    this.fail('closed by the tester');
    this.link.stop();
    await this.port.close().catch(() => undefined);
  }
}
