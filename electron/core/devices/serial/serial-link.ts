// The console's link to a device over USB serial: the message model carried by the serial link
// protocol (device-protocol/serial/). The port is opened on the first request and released by
// close(), so a deploy job in a worker thread can open it itself; after an unplug the next request
// opens it again, and upload() resumes from the offset the device reports.
import { AppError } from '../../api/errors.js';
import { uploadInChunks, type ChunkTransport } from '../../../../resources/device-protocol/chunked-upload.js';
import type { DeviceLink, LinkOp, LinkUploadOptions } from '../../../../resources/device-protocol/device-link.js';
import type { DeviceOp, DeviceRequest, DeviceResponse, SignedManifest, UploadStatus } from '../../../../resources/device-protocol/messages.js';
import { readResponse } from '../../../../resources/device-protocol/protocol-error.js';
import type { LinkParams } from '../../../../resources/device-protocol/serial/hello.js';
import { decodeMessage, encodeMessage, MessageKind } from '../../../../resources/device-protocol/serial/message-codec.js';
import { openPort, type PortConnection } from '../../../../resources/device-protocol/serial/open-port.js';
import { ReliableLink, type LinkStats, type ReliableLinkOptions } from '../../../../resources/device-protocol/serial/reliable-link.js';
import { serialAddress } from './serial-address.js';

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  /** Bearer token from pairing; null before pairing (only `pair` is allowed then). */
  token: string | null;
  timeoutMs?: number;
  /** What the console offers in HELLO. */
  params?: Partial<LinkParams>;
  /** upload() reopens the port and resumes this many times after the link is lost (an unplug). */
  uploadReconnects?: number;
  /** Tuning of the reliable layer (tests, bench). */
  link?: Partial<Omit<ReliableLinkOptions, 'role' | 'write' | 'params'>>;
}

export const consoleParams: LinkParams = { maxPayload: 1024, window: 256, deflate: true };
/** Bytes per upload-chunk request, and how many are outstanding at once (hides the device's fsync). */
const defaultChunk = 64 * 1024;
const pipelineDepth = 3;

interface Connection {
  port: PortConnection;
  link: ReliableLink;
}

interface Pending {
  resolve: (m: { json: unknown; binary: Buffer }) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SerialLink implements DeviceLink {
  readonly where: string;
  private conn: Promise<Connection> | null = null;
  private current: Connection | null = null;
  /** The last port close, so close() can wait for it. */
  private closing: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly timeoutMs: number;
  /** Counters of the last connection (for the bench and tests). */
  lastStats: LinkStats | null = null;

  constructor(private readonly o: SerialLinkOptions) {
    this.where = serialAddress(o.path, o.baudRate);
    this.timeoutMs = o.timeoutMs ?? 60_000;
  }

  /** Opens the port and runs the handshake (resolves with the negotiated parameters). */
  async connect(): Promise<LinkParams> {
    const c = await this.connection();
    return c.link.params;
  }

  get stats(): LinkStats | null {
    return this.current?.link.stats ?? this.lastStats;
  }

  private connection(): Promise<Connection> {
    if (!this.conn) {
      this.conn = this.open().catch((err: unknown) => {
        this.conn = null;
        throw err;
      });
    }
    return this.conn;
  }

  private async open(): Promise<Connection> {
    const port = await openPort(this.o.path, this.o.baudRate);
    const link = new ReliableLink({ role: 'initiator', write: (b) => port.write(b), params: { ...consoleParams, ...this.o.params }, bytesPerSec: this.o.baudRate / 10, ...this.o.link });
    const conn: Connection = { port, link };
    this.current = conn;
    port.on('data', (b: Buffer) => link.receive(b));
    port.on('close', (err) => this.drop(conn, lost(this.where, err ? `the port failed (${err.message}); cable unplugged?` : 'the port closed (cable unplugged?)')));
    link.on('message', (m) => this.onMessage(m));
    link.on('lost', (reason) => this.drop(conn, lost(this.where, reason)));
    const opened = new Promise<void>((resolve, reject) => {
      link.once('open', () => resolve());
      link.once('lost', (reason) => reject(new AppError('SERIAL_SILENT', 'No device answers on the serial port', `${this.where}: ${reason}. Check the baud rate and that the device runs "edgefleet agent --serial".`)));
      port.once('close', () => reject(lost(this.where, 'the port closed during the handshake')));
    });
    link.start();
    try {
      await opened;
    } catch (err) {
      this.drop(conn, err as Error);
      throw err;
    }
    return conn;
  }

  private drop(conn: Connection, err: Error): void {
    if (this.current !== conn) return;
    this.current = null;
    this.conn = null;
    this.lastStats = { ...conn.link.stats };
    conn.link.stop();
    this.closing = conn.port.close().catch(() => undefined);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private onMessage(raw: Buffer): void {
    const m = decodeMessage(raw);
    if (!m) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.kind === MessageKind.error) p.reject(new AppError(m.json.code, m.json.title, m.json.detail));
    else if (m.kind === MessageKind.response) p.resolve({ json: m.json, binary: m.binary });
  }

  /** One request of the message model; `binary` is upload-chunk's data. */
  async request(op: DeviceOp, req: unknown, binary?: Uint8Array): Promise<unknown> {
    const conn = await this.connection();
    const id = this.nextId++;
    const body = { op, req, ...(this.o.token ? { token: this.o.token } : {}) };
    const answer = new Promise<{ json: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('ETIMEDOUT', 'Timed out', `The device on ${this.where} did not answer ${op} within ${this.timeoutMs / 1000} s.`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    conn.link.send(encodeMessage(MessageKind.request, id, body, binary));
    return (await answer).json;
  }

  async call<Op extends LinkOp>(op: Op, req?: DeviceRequest<Op>): Promise<DeviceResponse<Op>> {
    return readResponse(op, await this.request(op, req ?? {}));
  }

  async pair(req: DeviceRequest<'pair'>): Promise<DeviceResponse<'pair'>> {
    return readResponse('pair', await this.request('pair', req));
  }

  async upload(artifact: Uint8Array | string, signed: SignedManifest, opts: LinkUploadOptions = {}): Promise<UploadStatus> {
    const reconnects = this.o.uploadReconnects ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.uploadOnce(artifact, signed, opts);
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (attempt >= reconnects || opts.signal?.aborted || !reconnectable.includes(code)) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private uploadOnce(artifact: Uint8Array | string, signed: SignedManifest, opts: LinkUploadOptions): Promise<UploadStatus> {
    const io: ChunkTransport = {
      begin: (s) => this.call('upload-begin', s),
      chunk: async (offset, data) => readResponse('upload-chunk', await this.request('upload-chunk', { offset }, data)),
      status: async () => (await this.call('upload-status')).upload,
    };
    return uploadInChunks(io, artifact, signed, opts, { defaultChunk, maxChunk: 1024 * 1024, pipelineDepth });
  }

  /** Settles once the port is closed: a worker thread must not end while the binding is still closing it. */
  close(): Promise<void> {
    if (this.current) this.drop(this.current, new AppError('SERIAL_CLOSED', 'Serial link closed', `The link to ${this.where} was closed.`));
    return this.closing;
  }
}

/** Failures after which the device may come back (cable replugged, USB re-enumerated). */
const reconnectable = ['SERIAL_LINK_LOST', 'SERIAL_PORT_MISSING', 'SERIAL_SILENT', 'SERIAL_PORT_ERROR'];

function lost(where: string, reason: string): AppError {
  return new AppError('SERIAL_LINK_LOST', 'Serial link lost', `${where}: ${reason}. Plug the device back in and try again; an upload resumes where it stopped.`);
}
