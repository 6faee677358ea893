// The console's link to a device over MQTT: each request of the message model is signed with the
// console key, published on the device's `req` topic with a deadline, and answered on this
// connection's response topic. The timer measures silence: a long operation's progress frames keep
// it alive. With an artifact base URL the device pulls uploads itself (upload-fetch); upload-chunk
// requests are the fallback for devices with no HTTP path or agents that predate upload-fetch.
import type { KeyObject } from 'node:crypto';
import { AppError } from '../../api/errors.js';
import { uploadInChunks, type ChunkTransport } from '../../../../resources/device-protocol/chunked-upload.js';
import type { DeviceLink, LinkOp, LinkUploadOptions } from '../../../../resources/device-protocol/device-link.js';
import type { CertOp, CertRequest, CertResponse, DeviceOp, DeviceRequest, DeviceResponse, SignedManifest, UploadStatus } from '../../../../resources/device-protocol/messages.js';
import { readCertResponse, readResponse } from '../../../../resources/device-protocol/protocol-error.js';
import { envelopeVersion, maxDeadlineAheadMs, signRequest, type ResponseEnvelope, type UnsignedRequest } from '../../../../resources/device-protocol/mqtt/envelope.js';
import { deviceTopics } from '../../../../resources/device-protocol/mqtt/topics.js';
import { randomBytes } from 'node:crypto';
import { BrokerConnection, type BrokerTls } from './broker-connection.js';

export interface MqttLinkOptions {
  brokerUrl: string;
  deviceId: string;
  /** The console's ed25519 key; null only for pairing. */
  signer: KeyObject | null;
  tls?: BrokerTls;
  /** Longest silence before a request fails (progress frames count as sound). */
  timeoutMs?: number;
  /** Silence after which the same request is sent again (default 5 s). */
  resendMs?: number;
  /** Where devices pull artifacts: base + '/sha256/<hex>' (edgefleet mqtt artifacts-url). */
  artifactBaseUrl?: string | null;
}

/** Answers after which the artifact goes over the broker instead: the agent has no upload-fetch, or no HTTP path. Never a signature or hash refusal. */
const fetchFallbackCodes: ReadonlySet<string> = new Set(['NOT_FOUND', 'REQUEST_INVALID', 'ARTIFACT_FETCH_FAILED']);

const chunkSizing = { defaultChunk: 64 * 1024, maxChunk: 256 * 1024, pipelineDepth: 4 };

export class MqttLink implements DeviceLink {
  readonly where: string;
  readonly preconditions = true;

  get pullsArtifacts(): boolean {
    return Boolean(this.o.artifactBaseUrl);
  }
  private conn: BrokerConnection | null = null;
  private readonly timeoutMs: number;
  private readonly resendMs: number;
  /** How the last upload's bytes travelled, and why it fell back (for logs and the bench). */
  lastUpload: { path: 'fetch' | 'chunks'; fallback: string | null } | null = null;

  constructor(private readonly o: MqttLinkOptions) {
    this.where = `${o.brokerUrl}/${o.deviceId}`;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.resendMs = Math.max(100, o.resendMs ?? 5000);
  }

  private connection(): BrokerConnection {
    this.conn ??= BrokerConnection.acquire(this.o.brokerUrl, this.o.tls);
    return this.conn;
  }

  /** One request of the message model; resolves with the device's response, rejects with its error. */
  request(op: DeviceOp | CertOp, req: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    const conn = this.connection();
    const id = randomBytes(12).toString('base64url');
    const unsigned: UnsignedRequest = {
      v: envelopeVersion,
      id,
      op,
      dev: this.o.deviceId,
      reply: conn.responseTopic(this.o.deviceId),
      deadline: Date.now() + Math.min(timeoutMs, maxDeadlineAheadMs),
      req: req ?? {},
    };
    const env = op === 'pair' || !this.o.signer ? unsigned : signRequest(this.o.signer, unsigned);
    const payload = JSON.stringify(env);
    const properties = { responseTopic: unsigned.reply, correlationData: Buffer.from(id), messageExpiryInterval: Math.ceil(timeoutMs / 1000), contentType: 'application/json', userProperties: { op } };
    return new Promise((resolve, reject) => {
      let heard = Date.now();
      let sent = heard;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        stop();
        fn();
      };
      const send = () =>
        conn.client.publish(deviceTopics(this.o.deviceId).req, payload, { qos: 1, properties }, (err) => {
          if (err) finish(() => reject(new AppError('BROKER_PUBLISH_FAILED', 'The broker refused the request', `${this.o.brokerUrl} did not take the ${op} request for ${this.o.deviceId}: ${err.message}. Check the console's permissions on the broker (its ACL).`)));
        });
      const stop = conn.listen(id, this.o.deviceId, (frame: ResponseEnvelope) => {
        heard = Date.now();
        if ('progress' in frame) return;
        if (frame.ok) finish(() => resolve(frame.res));
        else finish(() => reject(new AppError(frame.error.code, frame.error.title, frame.error.detail)));
      });
      // A request or its answer can be lost when the broker restarts without its sessions, or reach a
      // device before it has subscribed again: after a silence the same signed request goes out again.
      // The device runs an id once and answers a copy from its journal, so sending twice is safe.
      const watch = setInterval(() => {
        const now = Date.now();
        if (now - heard >= timeoutMs) finish(() => reject(this.silence(op, conn, timeoutMs)));
        else if (now - Math.max(heard, sent) >= this.resendMs && conn.connected && !settled) {
          sent = now;
          send();
        }
      }, Math.min(1000, this.resendMs));
      // The first copy goes out once this connection's response topics are granted, so its answer has somewhere to go.
      conn.whenReady(() => {
        if (settled) return;
        sent = Date.now();
        send();
      });
    });
  }

  private silence(op: DeviceOp | CertOp, conn: BrokerConnection, timeoutMs: number): AppError {
    if (!conn.connected) {
      return new AppError('BROKER_UNREACHABLE', 'Broker unreachable', `The console could not reach the broker ${this.o.brokerUrl} within ${timeoutMs / 1000} s${conn.lastError ? ` (${conn.lastError})` : ''}. Check that it runs and that this machine can reach it.`);
    }
    return new AppError('ETIMEDOUT', 'Timed out', `${this.o.deviceId} did not answer ${op} through ${this.o.brokerUrl} within ${timeoutMs / 1000} s: it is offline or not connected to this broker. The request expires unanswered; send it again when the device is back.`);
  }

  async call<Op extends LinkOp>(op: Op, req?: DeviceRequest<Op>): Promise<DeviceResponse<Op>> {
    return readResponse(op, await this.request(op, req ?? {}));
  }

  /** A certificate rotation step (the MQTT binding's own operations), with its own silence limit. */
  async certCall<Op extends CertOp>(op: Op, req: CertRequest<Op>, timeoutMs?: number): Promise<CertResponse<Op>> {
    return readCertResponse(op, await this.request(op, req, timeoutMs));
  }

  async pair(req: DeviceRequest<'pair'>): Promise<DeviceResponse<'pair'>> {
    return readResponse('pair', await this.request('pair', req));
  }

  async upload(artifact: Uint8Array | string, signed: SignedManifest, opts: LinkUploadOptions = {}): Promise<UploadStatus> {
    let fallback: string | null = null;
    // The artifact server serves models and the console's deltas by the sha256 of the bytes sent.
    if (this.o.artifactBaseUrl && typeof artifact === 'string') {
      try {
        const sent = signed.manifest.delta?.sha256 ?? signed.manifest.sha256;
        const status = await this.call('upload-fetch', { signed, url: `${this.o.artifactBaseUrl}/sha256/${sent}` });
        opts.onProgress?.(status);
        this.lastUpload = { path: 'fetch', fallback: null };
        return status;
      } catch (err) {
        if (!(err instanceof AppError) || !fetchFallbackCodes.has(err.code)) throw err;
        fallback = `${err.code}: ${err.detail}`;
      }
    }
    this.lastUpload = { path: 'chunks', fallback };
    const io: ChunkTransport = {
      begin: (s) => this.call('upload-begin', s),
      chunk: async (offset, data) => readResponse('upload-chunk', await this.request('upload-chunk', { offset, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') })),
      status: async () => (await this.call('upload-status')).upload,
    };
    return uploadInChunks(io, artifact, signed, opts, chunkSizing);
  }

  close(): void {
    this.conn?.release();
    this.conn = null;
  }
}
