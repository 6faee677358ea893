// One MQTT connection per broker per thread, shared by every MqttLink to that broker's devices: a
// console with 10,000 devices holds one connection, not 10,000. It subscribes to its own response
// topics only (never to the fleet's retained state) and routes frames to calls by request id. Its
// session outlives short drops (clean start off, session expiry), so answers published while it was
// reconnecting are delivered when it is back.
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { maxPacketBytes, responseEnvelopeSchema, type ResponseEnvelope } from '../../../../resources/device-protocol/mqtt/envelope.js';
import { deviceTopics, parseDeviceTopic, responsesFilter } from '../../../../resources/device-protocol/mqtt/topics.js';

export interface BrokerTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

type FrameHandler = (frame: ResponseEnvelope) => void;

/** Idle connections end this long after their last link let go. */
const lingerMs = 2000;

export class BrokerConnection {
  readonly connectionId = `efc-${randomBytes(6).toString('hex')}`;
  readonly client: MqttClient;
  private readonly calls = new Map<string, { deviceId: string; handler: FrameHandler }>();
  private users = 0;
  private idle: NodeJS.Timeout | null = null;
  lastError: string | null = null;
  /** True once the broker has granted this connection's response topics (answers cannot be lost). */
  private subscribed = false;
  private waiting: (() => void)[] = [];

  private constructor(
    readonly url: string,
    tls: BrokerTls,
    private readonly onEnd: () => void,
  ) {
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: this.connectionId,
      clean: false,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: 1000,
      properties: { sessionExpiryInterval: 300, maximumPacketSize: maxPacketBytes, receiveMaximum: 256 },
      ...tls,
    };
    this.client = mqtt.connect(url, options);
    this.client.on('connect', () => {
      this.lastError = null;
      this.subscribed = false;
      this.client.subscribe(responsesFilter(this.connectionId), { qos: 1 }, (err) => {
        if (err) {
          this.lastError = `subscribing to its response topics failed: ${err.message}`;
          return;
        }
        this.subscribed = true;
        for (const w of this.waiting.splice(0)) w();
      });
    });
    this.client.on('close', () => {
      this.subscribed = false;
    });
    this.client.on('error', (err) => {
      this.lastError = err.message;
    });
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  private static readonly open = new Map<string, BrokerConnection>();

  /** The shared connection to a broker; release() it when done. */
  static acquire(url: string, tls: BrokerTls = {}): BrokerConnection {
    let c = BrokerConnection.open.get(url);
    if (!c) {
      const created = new BrokerConnection(url, tls, () => BrokerConnection.open.delete(url));
      BrokerConnection.open.set(url, created);
      c = created;
    }
    c.users++;
    if (c.idle) clearTimeout(c.idle);
    c.idle = null;
    return c;
  }

  release(): void {
    if (--this.users > 0) return;
    this.idle = setTimeout(() => {
      this.onEnd();
      this.client.end(true);
    }, lingerMs);
    this.idle.unref();
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Runs `fn` now if answers can reach this connection, else once they can. */
  whenReady(fn: () => void): void {
    if (this.subscribed && this.client.connected) fn();
    else this.waiting.push(fn);
  }

  /**
   * Frames for request `id` go to `handler` until the returned function is called; only frames on the
   * asked device's own response topic count (the broker ACL keeps each device to its own topics).
   */
  listen(id: string, deviceId: string, handler: FrameHandler): () => void {
    this.calls.set(id, { deviceId, handler });
    return () => this.calls.delete(id);
  }

  responseTopic(deviceId: string): string {
    return deviceTopics(deviceId).res(this.connectionId);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const where = parseDeviceTopic(topic);
    if (where?.kind !== 'res' || where.connection !== this.connectionId) return;
    let frame: ResponseEnvelope;
    try {
      frame = responseEnvelopeSchema.parse(JSON.parse(payload.toString('utf8')));
    } catch {
      return;
    }
    const call = this.calls.get(frame.id);
    if (call?.deviceId === where.deviceId) call.handler(frame);
  }
}
