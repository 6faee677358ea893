// Advertises the agent as _edgefleet._tcp with a responder of its own (records in mdns-records.ts,
// socket in mdns-socket.ts) rather than bonjour-service's: that one throws a failed send out of a dgram
// callback (which ends the process), freezes the host's addresses at publish time, names the bare
// os.hostname() as SRV target, and answers every query by multicast. mDNS is a convenience here:
// whatever the network does, it logs once per outage (mdns-outage.ts), retries with backoff and when
// the interfaces change, and the agent serves on.
import type { RemoteInfo } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { advertRecords, answerQuestions, dnsLabel, forLegacyUnicast, wantsUnicast, type Advert } from './mdns-records.js';
import { MdnsOutage } from './mdns-outage.js';
import { currentInterfaces, mdnsGroup, mdnsPort, MdnsSocket } from './mdns-socket.js';

/** TXT value of model and mver on a device without a model (DNS-SD drops empty values). */
export const noModel = '-';

export interface AdvertTxt {
  id: string;
  name: string;
  ver: string;
  arch: string;
  model: string;
  mver: string;
  state: string;
}

export interface MdnsOptions {
  log?: (line: string) => void;
  /** How often the interfaces are compared with the last look. */
  watchMs?: number;
}

/** RFC 6762 section 8.3: at least two announcements, one second apart, then doubling. */
const announceDelaysMs = [0, 1000, 2000];
const retryMinMs = 1000;
const retryMaxMs = 60_000;

export class MdnsAdvertiser {
  private readonly outage: MdnsOutage;
  private readonly socket: MdnsSocket;
  private txt: AdvertTxt | null = null;
  private host = '';
  private ifaces = currentInterfaces();
  private readonly watch: NodeJS.Timeout;
  private announceTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = retryMinMs;
  /** When each answer (by its question) was last multicast: at most once a second (RFC 6762 section 6). */
  private lastMulticast = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly instanceName: string,
    private readonly port: number,
    opts: MdnsOptions = {},
  ) {
    this.outage = new MdnsOutage(opts.log);
    this.socket = new MdnsSocket({
      onMessage: (msg, from) => this.onMessage(msg, from),
      onReady: () => this.announce(),
      onError: (what, err) => this.failed(what, err),
    });
    this.watch = setInterval(() => this.checkInterfaces(), opts.watchMs ?? 3000);
    this.watch.unref();
  }

  update(txt: AdvertTxt): void {
    if (this.txt && JSON.stringify(this.txt) === JSON.stringify(txt)) return;
    // A host name of our own: os.hostname() is often "raspberrypi" on every device of a fleet.
    if (!this.host) this.host = `edgefleet-${dnsLabel(txt.id.replace(/^ef-/, '').slice(0, 8))}.local`;
    this.txt = { ...txt };
    if (this.socket.open) this.announce();
    else this.socket.bind();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watch);
    if (this.announceTimer) clearTimeout(this.announceTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const records = this.records();
    if (records && this.socket.open) {
      // Goodbye (TTL 0), so that browsers drop the device now rather than when the records expire.
      const bye = records.map((r) => ({ ...r, ttl: 0 }));
      await Promise.race([this.sendPacket({ type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: bye }, null), new Promise((r) => setTimeout(r, 500).unref())]);
    }
    await this.socket.close();
  }

  private records() {
    if (!this.txt) return null;
    // Looked up for every answer: an address that came or went since the last look is already right.
    const { ipv4, ipv6 } = currentInterfaces();
    const ad: Advert = { instance: this.instanceName, host: this.host, port: this.port, txt: { ...this.txt }, ipv4, ipv6 };
    return advertRecords(ad);
  }

  /** Announces the current records a few times; a failed announcement schedules a retry. */
  private announce(): void {
    if (this.closed) return;
    if (this.announceTimer) clearTimeout(this.announceTimer);
    const step = (i: number) => {
      this.announceTimer = null;
      const records = this.records();
      if (!records || !this.socket.open) return;
      void this.sendPacket({ type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: records }, null).then((ok) => {
        // A failed announcement stops here: sendPacket scheduled the retry, which announces anew.
        if (this.closed || !ok) return;
        if (i + 1 < announceDelaysMs.length) this.announceTimer = setTimeout(() => step(i + 1), announceDelaysMs[i + 1]).unref();
      });
    };
    step(0);
  }

  private onMessage(msg: Buffer, from: RemoteInfo): void {
    let packet: dnsPacket.Packet;
    try {
      packet = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: nothing to answer
    }
    if (packet.type !== 'query' || !packet.questions?.length) return;
    const records = this.records();
    if (!records) return;
    const reply = answerQuestions(packet.questions, records);
    if (!reply) return;
    if (from.port !== mdnsPort) {
      // A legacy resolver (not port 5353) expects a plain DNS answer to itself, with its id and questions.
      const legacy = { id: packet.id, type: 'response' as const, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: packet.questions, answers: forLegacyUnicast(reply.answers), additionals: forLegacyUnicast(reply.additionals) };
      void this.sendPacket(legacy, from);
      return;
    }
    const response = { type: 'response' as const, flags: dnsPacket.AUTHORITATIVE_ANSWER, ...reply };
    if (packet.questions.every(wantsUnicast)) {
      void this.sendPacket(response, from);
      return;
    }
    const key = packet.questions.map((q) => `${q.name}/${q.type}`.toLowerCase()).join(' ');
    const now = Date.now();
    if (now - (this.lastMulticast.get(key) ?? 0) < 1000) return;
    this.lastMulticast.set(key, now);
    if (this.lastMulticast.size > 256) this.lastMulticast.clear();
    void this.sendPacket(response, null);
  }

  /** Multicast results drive the outage log and the retries; a failed unicast answer is the querier's problem. */
  private async sendPacket(packet: dnsPacket.Packet, to: { address: string; port: number } | null): Promise<boolean> {
    let err: unknown;
    try {
      err = await this.socket.send(dnsPacket.encode(packet), to);
    } catch (e) {
      err = e; // a record dns-packet cannot encode
    }
    if (to) return err === null;
    if (err) this.failed(`send to ${mdnsGroup}`, err);
    else this.worked();
    return err === null;
  }

  private failed(what: string, err: unknown): void {
    this.outage.failed(what, err);
    this.retryLater();
  }

  private worked(): void {
    this.retryMs = retryMinMs;
    this.outage.worked();
  }

  /** One pending retry at a time, doubling up to a minute: rebind a failed socket, or announce again. */
  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, retryMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket.open) this.announce();
      else this.socket.bind();
    }, delay);
    this.retryTimer.unref();
  }

  private checkInterfaces(): void {
    const now = currentInterfaces();
    if (now.key === this.ifaces.key) return;
    this.ifaces = now;
    // A new or changed network: try at once rather than at the end of the backoff.
    this.retryMs = retryMinMs;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.socket.open) return this.socket.bind();
    this.socket.join(now);
    this.announce();
  }
}
