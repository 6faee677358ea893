// While the console runs: answers enrolment requests. One connection per console listener named by
// this home's tokens (none while it has none), subscribed to every token's request topic through a
// shared subscription, so that of two processes of one console (the app and `broker enrol-serve`)
// only one gets each request. Requests are answered one at a time; a bad one gets a signed refusal,
// and nothing a device sends can stop the service.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { enrolRequestsFilter, enrolTopics, parseEnrolRequestTopic } from '../../../../resources/device-protocol/mqtt/enrol.js';
import { listTokenRecords, tokensDir } from '../../mqtt-broker/enrol-tokens.js';
import type { DeviceContext } from '../device-context.js';
import { answerEnrolment } from './enrol-answer.js';
import { listenerClientOptions } from './open-mqtt-link.js';

const rescanMs = 2000;

interface Broker {
  client: MqttClient;
  subscribed: boolean;
  waiting: (() => void)[];
}

export class EnrolService {
  private readonly brokers = new Map<string, Broker>();
  private readonly timer: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private dirStamp = '';
  private group: string | null = null;
  private closed = false;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    this.timer = setInterval(() => void this.sync().catch((err) => this.log(`edgefleet: enrolment: ${(err as Error).message}`)), rescanMs);
    this.timer.unref();
    void this.sync().catch((err) => this.log(`edgefleet: enrolment: ${(err as Error).message}`));
  }

  /** Brokers named by the home's tokens; re-read only when the token folder changed. */
  async sync(): Promise<void> {
    if (this.closed) return;
    const stat = await fsp.stat(tokensDir(this.ctx.home)).catch(() => null);
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}` : 'none';
    if (stamp === this.dirStamp) return;
    this.dirStamp = stamp;
    const urls = new Set((await listTokenRecords(this.ctx.home)).map((r) => r.consoleUrl));
    this.group ??= `ef-enrol-${createHash('sha256').update((await this.ctx.consoleKey()).publicKeyPem).digest('hex').slice(0, 12)}`;
    for (const url of urls) if (!this.brokers.has(url) && !this.closed) this.brokers.set(url, this.connect(url));
  }

  /** Resolves once every broker connection has its subscription (for the CLI's "listening" line). */
  async ready(): Promise<string[]> {
    await this.sync();
    await Promise.all([...this.brokers.values()].map((b) => new Promise<void>((resolve) => (b.subscribed ? resolve() : b.waiting.push(resolve)))));
    return [...this.brokers.keys()];
  }

  private connect(url: string): Broker {
    const client = mqtt.connect(url, listenerClientOptions(this.ctx.home, url));
    const broker: Broker = { client, subscribed: false, waiting: [] };
    let lastError = '';
    client.on('error', (err) => {
      if (err.message !== lastError) this.log(`edgefleet: enrolment on ${url}: ${err.message} (retrying)`);
      lastError = err.message;
    });
    client.on('connect', () => {
      lastError = '';
      client.subscribe(`$share/${this.group}/${enrolRequestsFilter}`, { qos: 1 }, (err) => {
        if (err) return this.log(`edgefleet: enrolment on ${url}: subscribing failed: ${err.message}`);
        broker.subscribed = true;
        for (const w of broker.waiting.splice(0)) w();
      });
    });
    client.on('close', () => (broker.subscribed = false));
    client.on('message', (topic, payload) => {
      const tokenId = parseEnrolRequestTopic(topic);
      if (!tokenId) return;
      this.queue = this.queue.then(() => this.handle(client, tokenId, payload)).catch((err) => this.log(`edgefleet: enrolment: ${(err as Error).message}`));
    });
    return broker;
  }

  private async handle(client: MqttClient, tokenId: string, payload: Buffer): Promise<void> {
    const outcome = await answerEnrolment(this.ctx, tokenId, payload);
    if (!outcome?.answer) return;
    if (outcome.refused) this.log(`edgefleet: enrolment with ${tokenId} refused: ${outcome.refused}`);
    else this.log(`edgefleet: ${outcome.deviceId} enrolled with ${tokenId}`);
    await client.publishAsync(enrolTopics(tokenId).res, outcome.answer, { qos: 1, properties: { contentType: 'application/json' } });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
    await Promise.all([...this.brokers.values()].map((b) => b.client.endAsync(true).catch(() => undefined)));
    this.brokers.clear();
  }
}
