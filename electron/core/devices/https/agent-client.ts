// The console's client for one device over the HTTPS binding. Every connection is pinned to the
// certificate fingerprint the device gave at pairing (see pinned-tls.ts) and kept alive for the next
// request; requests and responses are validated with the shared message schemas.
import { createReadStream, promises as fsp } from 'node:fs';
import { Agent, request } from 'node:https';
import type { Readable } from 'node:stream';
import type { KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import { AppError, isErrorData } from '../../api/errors.js';
import { normalizeFingerprint } from '../../../../resources/device-protocol/fingerprint.js';
import { eventsPath, offsetHeader, opPath, readOnlyOps } from '../../../../resources/device-protocol/http/binding.js';
import {
  deviceEventSchema,
  type DeviceEvent,
  type DeviceRequest,
  type DeviceResponse,
  type SignedManifest,
  type UploadStatus,
} from '../../../../resources/device-protocol/messages.js';
import type { DeviceLink, LinkOp, LinkUploadOptions } from '../../../../resources/device-protocol/device-link.js';
import { readResponse } from '../../../../resources/device-protocol/protocol-error.js';
import { pinnedConnection } from './pinned-tls.js';

export interface AgentAddress {
  host: string;
  port: number;
}

export interface AgentClientOptions extends AgentAddress {
  /** SHA-256 of the device certificate's DER, from pairing. */
  fingerprint: string;
  token: string;
  timeoutMs?: number;
}

export interface PairOptions extends AgentAddress {
  code: string;
  /** The console's ed25519 public key (PEM or KeyObject); the device verifies manifests with it. */
  consolePublicKey: string | KeyObject;
  consoleName: string;
  /** Known in advance (read off the device): pin it from the first byte. Otherwise trust on first use. */
  fingerprint?: string;
  timeoutMs?: number;
}

export type UploadOptions = LinkUploadOptions;

export interface EventStream {
  close(): void;
}

export class AgentClient implements DeviceLink {
  readonly host: string;
  readonly port: number;
  readonly fingerprint: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  /** Keeps pinned TLS connections open between requests (idle ones do not keep the process alive). */
  private readonly agent: Agent;

  constructor(opts: AgentClientOptions) {
    this.host = opts.host;
    this.port = opts.port;
    this.fingerprint = normalizeFingerprint(opts.fingerprint);
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.agent = new Agent({ keepAlive: true, maxSockets: 4 });
    this.agent.createConnection = pinnedConnection(this.fingerprint) as Agent['createConnection'];
  }

  /** Closes the kept-alive connections. The client stays usable: the next request opens a new one. */
  get where(): string {
    return `${hostForUrl(this.host)}:${this.port}`;
  }

  close(): void {
    this.agent.destroy();
  }

  /** Pairs with a device and returns a client pinned to the certificate it presented. */
  static async pair(opts: PairOptions): Promise<{ client: AgentClient; deviceId: string; token: string; certFingerprint: string }> {
    let presented = '';
    const pem = typeof opts.consolePublicKey === 'string' ? opts.consolePublicKey : opts.consolePublicKey.export({ type: 'spki', format: 'pem' }).toString();
    const body: DeviceRequest<'pair'> = { code: opts.code, consolePublicKey: pem, consoleName: opts.consoleName };
    const raw = await send({
      host: opts.host,
      port: opts.port,
      method: 'POST',
      path: opPath('pair'),
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
      connect: pinnedConnection(opts.fingerprint ?? null, (fp) => (presented = fp)),
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
    const res = readResponse('pair', raw);
    // The device states its fingerprint inside the TLS session: it must be the one that session showed.
    if (normalizeFingerprint(res.certFingerprint) !== presented) {
      throw new AppError('DEVICE_FINGERPRINT_MISMATCH', 'Device certificate does not match', 'The device reported a certificate other than the one it presented. Something between the console and the device may be intercepting the connection.');
    }
    const client = new AgentClient({ host: opts.host, port: opts.port, fingerprint: presented, token: res.token, timeoutMs: opts.timeoutMs });
    return { client, ...res };
  }

  /** One operation of the message model (upload-chunk goes through chunk()). */
  async call<Op extends LinkOp>(op: Op, req?: DeviceRequest<Op>): Promise<DeviceResponse<Op>> {
    const get = readOnlyOps.includes(op) && req === undefined;
    const raw = await this.send(get ? 'GET' : 'POST', opPath(op), get ? undefined : Buffer.from(JSON.stringify(req ?? {})), { 'Content-Type': 'application/json' });
    return readResponse(op, raw);
  }

  info() {
    return this.call('info');
  }

  status() {
    return this.call('status');
  }

  telemetry(limit?: number) {
    return this.call('telemetry', limit ? { limit } : {});
  }

  uploadStatus() {
    return this.call('upload-status');
  }

  activate(req: DeviceRequest<'activate'> = {}) {
    return this.call('activate', req);
  }

  confirm() {
    return this.call('confirm', {});
  }

  rollback() {
    return this.call('rollback', {});
  }

  profile(req: DeviceRequest<'profile'> = {}) {
    return this.call('profile', req);
  }

  async chunk(offset: number, data: Uint8Array): Promise<UploadStatus> {
    const raw = await this.send('POST', opPath('upload-chunk'), data, { 'Content-Type': 'application/octet-stream', [offsetHeader]: String(offset) });
    return readResponse('upload-chunk', raw);
  }

  /** upload-chunk with `length` bytes of a file from `offset`, streamed rather than held in memory. */
  private async chunkFromFile(file: string, offset: number, length: number, onSent?: (offset: number) => void): Promise<UploadStatus> {
    const body = () => {
      const stream = createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: 1024 * 1024 });
      if (onSent) {
        let sent = offset;
        stream.on('data', (c) => onSent((sent += c.length)));
      }
      return stream;
    };
    const raw = await this.send('POST', opPath('upload-chunk'), { length, open: body }, { 'Content-Type': 'application/octet-stream', [offsetHeader]: String(offset) });
    return readResponse('upload-chunk', raw);
  }

  /**
   * Uploads an artifact (bytes or a file path) under its signed manifest. Calling it again after a
   * failure resumes from the offset the device reports as durably stored.
   */
  async upload(artifact: Uint8Array | string, signed: SignedManifest, opts: UploadOptions = {}): Promise<UploadStatus> {
    const limit = opts.chunkBytes ?? Infinity;
    const available = typeof artifact === 'string' ? (await fsp.stat(artifact)).size : artifact.byteLength;
    let status = await this.call('upload-begin', signed);
    opts.onProgress?.(status);
    while (!status.complete) {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Upload cancelled', `Stopped at ${status.offset} of ${status.size} bytes; upload again to resume.`);
      const length = Math.min(limit, status.size - status.offset, available - status.offset);
      if (length <= 0) {
        throw new AppError('ARTIFACT_SHORT', 'Artifact shorter than its manifest', `The manifest says ${status.size} bytes but the artifact ends at ${available}.`);
      }
      try {
        if (typeof artifact === 'string') {
          status = await this.chunkFromFile(artifact, status.offset, length, opts.onSent);
        } else {
          status = await this.chunk(status.offset, artifact.subarray(status.offset, status.offset + length));
          opts.onSent?.(status.offset);
        }
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'UPLOAD_OFFSET_MISMATCH') throw err;
        const { upload } = await this.uploadStatus();
        if (!upload) throw err;
        status = upload;
      }
      opts.onProgress?.(status);
    }
    return status;
  }

  /** Device events (telemetry summaries, status changes) over the authenticated WebSocket. */
  events(onEvent: (e: DeviceEvent) => void, onError?: (err: Error) => void): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://${hostForUrl(this.host)}:${this.port}${eventsPath}`, {
        headers: { Authorization: `Bearer ${this.token}` },
        createConnection: pinnedConnection(this.fingerprint) as never,
        handshakeTimeout: this.timeoutMs,
      });
      ws.once('open', () => resolve({ close: () => ws.close() }));
      ws.once('unexpected-response', (_req, res) => reject(new AppError(res.statusCode === 401 ? 'UNAUTHORIZED' : 'DEVICE_EVENTS_REFUSED', 'Device refused the event stream', `HTTP ${res.statusCode}.`)));
      ws.on('error', (err) => {
        reject(err);
        onError?.(err);
      });
      ws.on('message', (data) => {
        const parsed = deviceEventSchema.safeParse(JSON.parse(data.toString()));
        if (parsed.success) onEvent(parsed.data);
      });
    });
  }

  private async send(method: string, path: string, body: Body | undefined, headers: Record<string, string>): Promise<unknown> {
    const args: SendArgs = { host: this.host, port: this.port, method, path, headers: { ...headers, Authorization: `Bearer ${this.token}` }, body, agent: this.agent, timeoutMs: this.timeoutMs };
    try {
      return await send(args);
    } catch (err) {
      // A kept-alive connection the device closed just as the request went out: once more on a new one.
      if (err instanceof StaleConnection) return send(args);
      throw err;
    }
  }
}

/** A request body: bytes, or a stream of known length opened (again) for each try. */
type Body = Uint8Array | { length: number; open: () => Readable };

class StaleConnection extends Error {}

interface SendArgs {
  host: string;
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
  /** A keep-alive agent whose connections are pinned, or a pinned createConnection for one request. */
  agent?: Agent;
  connect?: ReturnType<typeof pinnedConnection>;
  timeoutMs: number;
}

function send(a: SendArgs): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const length = a.body === undefined ? null : a.body instanceof Uint8Array ? a.body.byteLength : a.body.length;
    const req = request(
      {
        host: a.host,
        port: a.port,
        method: a.method,
        path: a.path,
        headers: { ...a.headers, ...(length !== null ? { 'Content-Length': String(length) } : {}) },
        ...(a.agent ? { agent: a.agent } : { createConnection: a.connect }),
        timeout: a.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            // Reported below with the status code.
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(json);
          else if (isErrorData(json)) reject(new AppError(json.code, json.title, json.detail));
          else reject(new AppError(`HTTP_${status}`, 'Device answered with an error', `HTTP ${status} for ${a.method} ${a.path}.`));
        });
      },
    );
    req.on('timeout', () => req.destroy(new AppError('ETIMEDOUT', 'Timed out', `The device did not answer ${a.path} within ${a.timeoutMs / 1000} s.`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(req.reusedSocket && err.code === 'ECONNRESET' && !answered ? new StaleConnection() : err));
    let answered = false;
    req.once('response', () => (answered = true));
    if (a.body === undefined || a.body instanceof Uint8Array) {
      req.end(a.body);
      return;
    }
    const stream = a.body.open();
    stream.once('error', (err) => req.destroy(err));
    req.once('close', () => stream.destroy());
    stream.pipe(req);
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
