// The device end of the MQTT binding: the agent connects out to a broker (devices behind NAT), takes
// requests on its own `req` topic and answers on the topic each request names. Every request but
// `pair` must be signed by the console key pinned at pairing; the broker is only a carrier. Requests
// are deduplicated by id (request-journal.ts); events go out as telemetry, status and retained
// reported state; presence is a retained birth and a delayed retained will, tied to a session id.
import { randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { AppError, toErrorData } from '../../../electron/core/api/errors.js';
import type { DeviceHandler } from '../../device-protocol/device-handler.js';
import { isCertOp, isDeviceOp, type DeviceEvent, type DeviceOp, type DeviceStatus } from '../../device-protocol/messages.js';
import { clockSkewMs, envelopeVersion, maxDeadlineAheadMs, maxPacketBytes, requestEnvelopeSchema, verifyRequest, type Presence, type RequestEnvelope, type ResponseEnvelope } from '../../device-protocol/mqtt/envelope.js';
import { deviceTopics, parseDeviceTopic } from '../../device-protocol/mqtt/topics.js';
import { describeIssues } from '../../device-protocol/protocol-error.js';
import { CertRotation } from './cert-rotation.js';
import { DesiredReconciler } from './desired-reconciler.js';
import type { TlsFiles } from './mqtt-cert-files.js';
import type { RequestJournal } from './request-journal.js';

export interface MqttBindingOptions {
  url: string;
  deviceId: string;
  agentVersion: string;
  /** PEM files for mqtts:// (the broker's CA, this device's certificate and key). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  log?: (line: string) => void;
  /** How often a running request sends a progress frame. */
  progressMs?: number;
  /** Reconnect backoff: full jitter up to base × 2^attempt, capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Seconds the broker waits before publishing the "offline" will (short drops do not flap). */
  willDelaySec?: number;
  /** Where the last applied desired-state version is kept (in memory when absent). */
  desiredStateFile?: string;
  /** First wait before a desired version that could not be applied yet is tried again. */
  desiredRetryMs?: number;
  /** Where a certificate rotation keeps its files (<data dir>/mqtt); no rotation when absent. */
  rotationDir?: string;
  /** Longest wait for the broker to take a new certificate before going back to the old one. */
  rotationConnectMs?: number;
}

/** What the binding needs of a device: the agent, or a simulated device in the bench. */
export interface BoundDevice extends DeviceHandler {
  status(): DeviceStatus;
  on(event: 'event', listener: (e: DeviceEvent) => void): unknown;
  off(event: 'event', listener: (e: DeviceEvent) => void): unknown;
}

/** The console this device is paired with, as far as the binding checks signatures. */
export interface PairedConsole {
  readonly consolePublicKey: KeyObject | null;
  readonly consoleName: string | null;
}

export interface MqttBinding {
  close(): Promise<void>;
}

/** Operations whose answers must survive a restart: running them twice would change the device twice. */
const durableOps: ReadonlySet<string> = new Set(['pair', 'upload-begin', 'upload-fetch', 'activate', 'confirm', 'rollback', 'cert-install']);

export function startMqttBinding(agent: BoundDevice, pairing: PairedConsole, journal: RequestJournal, o: MqttBindingOptions): MqttBinding {
  const log = o.log ?? ((line: string) => console.log(line));
  const topics = deviceTopics(o.deviceId);
  const newSession = () => randomBytes(8).toString('hex');
  let session = newSession();
  const presence = (online: boolean): Buffer => Buffer.from(JSON.stringify({ online, session, at: new Date().toISOString(), agentVersion: o.agentVersion } satisfies Presence));
  const will = () => ({ topic: topics.presence, payload: presence(false), qos: 1 as const, retain: true, properties: { willDelayInterval: o.willDelaySec ?? 30 } });
  const base = o.backoffBaseMs ?? 1000;
  const cap = o.backoffMaxMs ?? 5 * 60_000;
  let attempt = 0;
  const options: IClientOptions = {
    protocolVersion: 5,
    clientId: o.deviceId,
    clean: false,
    keepalive: 60,
    connectTimeout: 30_000,
    reconnectPeriod: base,
    queueQoSZero: false,
    properties: { sessionExpiryInterval: 3600, maximumPacketSize: maxPacketBytes, receiveMaximum: 16 },
    will: will(),
    ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
    ...(o.certFile ? { cert: readFileSync(o.certFile) } : {}),
    ...(o.keyFile ? { key: readFileSync(o.keyFile) } : {}),
  };
  const desired = DesiredReconciler.open(agent, pairing, { deviceId: o.deviceId, file: o.desiredStateFile, log, retryBaseMs: o.desiredRetryMs });
  // Status goes out with what the device did with the console's desired state.
  const statusText = (status: DeviceStatus) => JSON.stringify(desired.report() ? { ...status, desired: desired.report() } : status);
  const client: MqttClient = mqtt.connect(o.url, options);
  let stopped = false;
  let tlsFiles: TlsFiles = { caFile: o.caFile, certFile: o.certFile, keyFile: o.keyFile };
  const rotation = new CertRotation({
    dir: o.rotationDir ?? null,
    deviceId: o.deviceId,
    current: () => tlsFiles,
    tryPair: (files) => reconnectWith(files),
    adopt: (files) => (tlsFiles = files),
    log,
  });

  // MQTT.js builds each new connection from client.options, so new TLS files take effect on the
  // next connect: drop the connection and watch the one that follows.
  const reconnectWith = (files: Required<TlsFiles>): Promise<string | null> =>
    new Promise((resolve) => {
      const old = { ca: client.options.ca, cert: client.options.cert, key: client.options.key };
      Object.assign(client.options, { ca: readFileSync(files.caFile), cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) });
      let closes = 0;
      let reason = '';
      const done = (refused: string | null) => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        client.off('error', onError);
        client.off('close', onClose);
        if (refused !== null) Object.assign(client.options, old);
        resolve(refused);
      };
      const onConnect = () => done(null);
      const onError = (err: Error) => (reason = err.message);
      // The first close is the one asked for; a second before any connect is the new pair's refusal.
      const onClose = () => ++closes >= 2 && done(reason || 'the broker closed the connection');
      const timer = setTimeout(() => done(reason || `no connection within ${(o.rotationConnectMs ?? 30_000) / 1000} s`), o.rotationConnectMs ?? 30_000);
      client.on('connect', onConnect);
      client.on('error', onError);
      client.on('close', onClose);
      log('MQTT: reconnecting with the new certificate');
      client.stream.destroy();
    });
  let lastError = '';

  // Runs before MQTT.js schedules its reconnect, which reads the period then: exponential backoff with
  // full jitter, so a fleet that lost its broker does not come back in one wave. A new session id
  // for the next connection's will.
  client.prependListener('close', () => {
    client.options.reconnectPeriod = Math.max(100, Math.round(Math.random() * Math.min(cap, base * 2 ** Math.min(attempt, 20))));
    attempt++;
    session = newSession();
    client.options.will = will();
  });
  client.on('error', (err) => {
    if (err.message !== lastError) log(`MQTT ${o.url}: ${err.message} (retrying)`);
    lastError = err.message;
  });
  client.on('connect', (connack) => {
    attempt = 0;
    lastError = '';
    // Subscribing again on every connect, not only when the broker lost the session (MQTT.js does not
    // resubscribe a lost persistent session by itself).
    // The retained desired state arrives with the subscription, every time: the reconciliation on connect.
    client.subscribe([topics.req, topics.desired], { qos: 1 }, (err) => {
      if (err) log(`MQTT: subscribing to ${topics.req} failed: ${err.message}`);
    });
    publish(topics.presence, presence(true), { qos: 1, retain: true });
    publish(topics.reported, statusText(agent.status()), { qos: 1, retain: true });
    log(`MQTT: connected to ${o.url} as ${o.deviceId} (${connack.sessionPresent ? 'session resumed' : 'new session'})`);
  });
  client.on('message', (topic, payload) => {
    if (topic === topics.req) void serve(payload);
    else if (topic === topics.desired) desired.offer(payload);
  });

  const publish = (topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain?: boolean; properties?: Record<string, unknown> }) => {
    client.publish(topic, payload, opts, (err) => {
      if (err && !stopped) log(`MQTT: publish on ${topic} failed: ${err.message}`);
    });
  };

  const sendReply = (env: Pick<RequestEnvelope, 'id' | 'reply'>, text: string) => {
    publish(env.reply, text, { qos: 1, properties: { correlationData: Buffer.from(env.id), contentType: 'application/json' } });
  };
  const answer = (env: Pick<RequestEnvelope, 'id' | 'reply'>, body: ResponseEnvelope) => sendReply(env, JSON.stringify(body));

  const serve = async (payload: Buffer) => {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // Nothing to answer to: a request that is not JSON names no reply topic.
    }
    const parsed = requestEnvelopeSchema.safeParse(json);
    const raw = json as { id?: unknown; reply?: unknown };
    // Answers go only to a response topic under this device's own tree, whatever a request asks.
    const reply = parsed.success ? parsed.data.reply : typeof raw?.reply === 'string' ? raw.reply : null;
    const where = reply ? parseDeviceTopic(reply) : null;
    if (!reply || where?.kind !== 'res' || where.deviceId !== o.deviceId) return;
    if (!parsed.success) {
      if (typeof raw.id === 'string') answer({ id: raw.id, reply }, refusal(raw.id, new AppError('REQUEST_INVALID', 'Invalid MQTT request', `The device refused the request envelope: ${describeIssues('envelope', parsed.error.issues, json)}.`)));
      return;
    }
    const env = parsed.data;
    const refused = check(env);
    if (refused) return answer(env, refusal(env.id, refused));
    const op = env.op as DeviceOp;
    const seen = journal.begin(env.id, env.deadline);
    if (seen === 'running') return;
    if (seen !== 'new') return sendReply(env, seen.answer);
    const started = Date.now();
    const progress = setInterval(() => answer(env, { v: envelopeVersion, id: env.id, progress: { elapsedMs: Date.now() - started } }), o.progressMs ?? 5000);
    let body: ResponseEnvelope;
    try {
      const request = op === 'upload-chunk' ? decodeChunk(env.req) : env.req;
      const res = isCertOp(env.op) ? await rotation.handle(env.op, request) : await agent.handle(op, request ?? {}, { source: 'mqtt' });
      body = { v: envelopeVersion, id: env.id, ok: true, res };
    } catch (err) {
      body = refusal(env.id, err);
    } finally {
      clearInterval(progress);
    }
    const text = JSON.stringify(body);
    await journal.finish(env.id, text, durableOps.has(op)).catch((err) => log(`MQTT: could not record request ${env.id}: ${(err as Error).message}`));
    sendReply(env, text);
  };

  /** Why a well-formed request is refused before it runs; null when it may run. */
  const check = (env: RequestEnvelope): AppError | null => {
    const now = Date.now();
    if (env.dev !== o.deviceId) return new AppError('REQUEST_WRONG_DEVICE', 'Request for another device', `The request names device ${env.dev}, but this is ${o.deviceId}.`);
    if (!isDeviceOp(env.op) && !isCertOp(env.op)) return new AppError('NOT_FOUND', 'Unknown operation', `"${env.op}" is not an operation of this device.`);
    if (env.deadline + clockSkewMs < now) return new AppError('REQUEST_EXPIRED', 'Request expired', `The request's deadline (${new Date(env.deadline).toISOString()}) has passed; the device's clock reads ${new Date(now).toISOString()}. Send it again; if the clocks disagree, set the device's time (NTP).`);
    if (env.deadline > now + maxDeadlineAheadMs + clockSkewMs) return new AppError('REQUEST_DEADLINE_INVALID', 'Request deadline too far ahead', `Deadlines may be at most ${maxDeadlineAheadMs / 60_000} minutes ahead; this one is ${new Date(env.deadline).toISOString()} and the device's clock reads ${new Date(now).toISOString()}.`);
    if (env.op === 'pair') return null;
    const key = pairing.consolePublicKey;
    if (!key) return new AppError('UNAUTHORIZED', 'Not paired', 'This device is not paired with a console yet: pair it with the code it shows.');
    if (!env.sig) return new AppError('REQUEST_UNSIGNED', 'Unsigned request refused', `${env.op} requests over MQTT must be signed by the console this device is paired with.`);
    if (!verifyRequest(key, env)) return new AppError('REQUEST_SIGNATURE_INVALID', 'Request signature does not verify', `The ${env.op} request is not signed by the console this device is paired with (${pairing.consoleName ?? 'unknown'}). It may come from another console or have been altered on the way.`);
    return null;
  };

  const onEvent = (e: DeviceEvent) => {
    if (e.type === 'telemetry') publish(topics.telemetry, JSON.stringify(e.payload), { qos: 0 });
    else {
      reportStatus(e.payload);
      desired.retryNow();
    }
  };
  const reportStatus = (status: DeviceStatus) => {
    const text = statusText(status);
    publish(topics.status, text, { qos: 1 });
    publish(topics.reported, text, { qos: 1, retain: true });
  };
  agent.on('event', onEvent);
  desired.onReport = () => reportStatus(agent.status());

  return {
    close: async () => {
      stopped = true;
      desired.close();
      agent.off('event', onEvent);
      // A clean stop says so itself: a normal DISCONNECT discards the will.
      if (client.connected) await client.publishAsync(topics.presence, presence(false), { qos: 1, retain: true }).catch(() => undefined);
      await client.endAsync().catch(() => undefined);
    },
  };
}

function refusal(id: string, err: unknown): ResponseEnvelope {
  return { v: envelopeVersion, id, ok: false, error: toErrorData(err) };
}

/** upload-chunk's bytes travel as base64 in the JSON request. */
function decodeChunk(req: unknown): unknown {
  const r = req as { offset?: unknown; data?: unknown } | null;
  if (!r || typeof r.data !== 'string') return req;
  return { ...r, data: new Uint8Array(Buffer.from(r.data, 'base64')) };
}
