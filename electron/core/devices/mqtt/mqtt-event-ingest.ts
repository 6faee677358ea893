// While the console runs: the events of every MQTT device, through one connection per broker, not
// one per device. It takes telemetry and status from a shared subscription (several consoles of one
// fleet, or several ingest workers, split the stream), and presence changes as they happen — never
// the retained state of the whole fleet at subscribe time, which is the retained storm brokers
// truncate. Events are written to the inventory in batches, one transaction per flush.
import { createHash } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceEventSchema, type DeviceEvent } from '../../../../resources/device-protocol/messages.js';
import { presenceSchema } from '../../../../resources/device-protocol/mqtt/envelope.js';
import { parseDeviceTopic, presenceFilter, topicRoot } from '../../../../resources/device-protocol/mqtt/topics.js';
import { foldDeviceEvents } from '../apply-event.js';
import type { DeviceContext } from '../device-context.js';
import { Throttle } from '../throttle.js';
import { parseMqttAddress } from './mqtt-address.js';
import { republishPending } from './desired-publisher.js';
import { DesiredStore } from './desired-store.js';
import { listenerClientOptions } from './open-mqtt-link.js';

const flushMs = 500;

interface Pending {
  /** The broker it came through: only the device's own broker counts. */
  url: string;
  events: DeviceEvent[];
  /** A presence change: true online, false offline. */
  online?: boolean;
}

export class MqttEventIngest {
  private readonly clients = new Map<string, MqttClient>();
  private readonly pending = new Map<string, Pending>();
  /** The session of each device's latest "online": a late will of an older session changes nothing. */
  private readonly sessions = new Map<string, string>();
  private readonly off: () => void;
  private readonly resync: NodeJS.Timeout;
  private readonly flusher: NodeJS.Timeout;
  private group: string | null = null;
  private readonly syncs = new Throttle(() => void this.sync(), 1000);
  private closed = false;
  private republishing = false;
  private readonly desired: DesiredStore;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    // Pairing and removal announce themselves as devices.changed, and so does every flush of events: one
    // sync a second at most, so a busy fleet does not list the inventory on every batch.
    this.off = ctx.bus.on((name) => {
      if (name === 'devices.changed') this.syncs.request();
    });
    this.desired = new DesiredStore(ctx.registry.db);
    this.resync = setInterval(() => {
      this.syncs.run();
      void this.republish();
    }, 10_000);
    this.resync.unref();
    this.flusher = setInterval(() => this.flush(), flushMs);
    this.flusher.unref();
    this.syncs.run();
  }

  /** The brokers of paired MQTT devices: one connection each; none left for brokers no device uses. */
  async sync(): Promise<void> {
    if (this.closed) return;
    const wanted = new Set<string>();
    for (const address of this.ctx.store.pairedAddresses('mqtt')) {
      const url = brokerOf(address);
      if (url) wanted.add(url);
    }
    for (const [url, client] of this.clients) {
      if (!wanted.has(url)) {
        this.clients.delete(url);
        client.end(true);
      }
    }
    if (![...wanted].some((url) => !this.clients.has(url))) return;
    // One group per console identity: consoles of different fleets on one broker each get every event.
    this.group ??= `ef-${createHash('sha256').update((await this.ctx.consoleKey()).publicKeyPem).digest('hex').slice(0, 12)}`;
    for (const url of wanted) if (!this.clients.has(url) && !this.closed) this.clients.set(url, this.connect(url));
  }

  /** Desired versions a broker did not acknowledge (it was down when they were set) go out again. */
  private async republish(): Promise<void> {
    if (this.republishing || this.closed) return;
    this.republishing = true;
    try {
      const sent = await republishPending(this.ctx);
      if (sent > 0) this.log(`edgefleet: published ${sent} pending desired state${sent === 1 ? '' : 's'}`);
    } catch (err) {
      this.log(`edgefleet: publishing pending desired state: ${(err as Error).message}`);
    } finally {
      this.republishing = false;
    }
  }

  private connect(url: string): MqttClient {
    const client = mqtt.connect(url, listenerClientOptions(this.ctx.home, url));
    let lastError = '';
    client.on('error', (err) => {
      if (err.message !== lastError) this.log(`edgefleet: MQTT events from ${url}: ${err.message} (retrying)`);
      lastError = err.message;
    });
    client.on('connect', () => {
      lastError = '';
      client.subscribe(
        {
          [`$share/${this.group}/${topicRoot}/d/+/evt/#`]: { qos: 0 },
          // rh 2: changes only, not every device's retained presence at once.
          [presenceFilter]: { qos: 1, rh: 2 },
        },
        (err) => {
          if (err) this.log(`edgefleet: MQTT events from ${url}: subscribing failed: ${err.message}`);
        },
      );
    });
    client.on('message', (topic, payload) => this.onMessage(url, topic, payload));
    return client;
  }

  private onMessage(url: string, topic: string, payload: Buffer): void {
    const where = parseDeviceTopic(topic);
    if (!where) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const held = this.pending.get(where.deviceId);
    const p = held?.url === url ? held : { url, events: [] };
    if (where.kind === 'presence') {
      const presence = presenceSchema.safeParse(json);
      if (!presence.success) return;
      const { online, session } = presence.data;
      if (online) this.sessions.set(where.deviceId, session);
      else if (this.sessions.has(where.deviceId) && this.sessions.get(where.deviceId) !== session) return;
      p.online = online;
    } else if (where.kind === 'telemetry' || where.kind === 'status') {
      const event = deviceEventSchema.safeParse({ type: where.kind, payload: json });
      if (!event.success) return;
      // Keep a bounded backlog per device: only the latest few matter for the inventory.
      p.events.push(event.data);
      if (p.events.length > 16) p.events.splice(0, p.events.length - 16);
    } else return;
    this.pending.set(where.deviceId, p);
  }

  /** Writes what arrived since the last flush in one transaction and announces the changed devices. */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    const { store } = this.ctx;
    const changed: string[] = [];
    this.ctx.registry.db.transaction(() => {
      for (const [id, p] of batch) {
        const device = store.get(id);
        if (!device || device.transport !== 'mqtt' || brokerOf(device.address) !== p.url) continue;
        // All of a device's events since the last flush make one row update (and their history rows).
        const { patch, history } = foldDeviceEvents(device.telemetry, p.events, device.drift);
        for (const e of p.events) if (e.type === 'status' && e.payload.desired) this.desired.recordReported(id, e.payload.desired);
        if (p.online === false) patch.state = 'offline';
        else if (p.online === true && (patch.state ?? device.state) === 'offline') Object.assign(patch, { state: 'online', lastSeen: new Date().toISOString() });
        store.recordEvents(id, patch, history);
        // Drift sketches and application metrics ride on the summaries, as over HTTPS.
        this.ctx.ingestWindows(id, p.events.flatMap((e) => (e.type === 'telemetry' ? [e.payload] : [])));
        changed.push(id);
      }
    })();
    if (changed.length) this.ctx.changed.mark(...changed);
  }

  close(): void {
    this.closed = true;
    this.off();
    clearInterval(this.resync);
    clearInterval(this.flusher);
    this.syncs.close();
    this.flush();
    for (const client of this.clients.values()) client.end(true);
    this.clients.clear();
  }
}

function brokerOf(address: string): string | null {
  try {
    return parseMqttAddress(address).brokerUrl;
  } catch {
    return null;
  }
}
