// Browses _edgefleet._tcp on the local network while the console runs (not the CLI). Agents nobody
// paired yet appear as 'discovered'; known devices get their current address and advertised state;
// a device whose advertisement goes away is marked offline.
import { Bonjour, type Browser, type Service } from 'bonjour-service';
import type { DevicePatch } from '../registry/device-store.js';
import { formatAddress } from './address.js';
import { browseSshHosts } from '../ssh/ssh-discovery.js';
import type { DeviceContext } from './device-context.js';

/** TXT value of model and mver on a device without a model. */
const noModel = '-';

export interface Advert {
  id: string;
  name: string;
  address: string;
  patch: DevicePatch;
}

/** What an advertisement says about a device; null when it is not an EdgeFleet agent's. */
export function readAdvert(s: Pick<Service, 'txt' | 'port' | 'addresses' | 'referer'>): Advert | null {
  const txt = (s.txt ?? {}) as Record<string, string>;
  if (!txt.id || !s.port) return null;
  const v4 = (s.addresses ?? []).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  // The sender of the answer is reachable by definition; advertised addresses may include others.
  const host = s.referer?.address && (v4.length === 0 || v4.includes(s.referer.address)) ? s.referer.address : (v4[0] ?? s.referer?.address);
  if (!host) return null;
  const hasModel = txt.model && txt.model !== noModel;
  return {
    id: txt.id,
    name: txt.name || txt.id,
    address: formatAddress(host, s.port),
    patch: {
      arch: txt.arch ?? null,
      agentVersion: txt.ver ?? null,
      activeModel: hasModel ? { name: txt.model, version: txt.mver && txt.mver !== noModel ? txt.mver : '', sha256: null } : null,
      slotState: txt.state === 'trial' ? 'trial' : txt.state === 'running' ? 'confirmed' : 'empty',
    },
  };
}

/** bonjour-service keeps its multicast-dns instance private; its 'error' event is what must be heard. */
type WithServer = { server: { mdns: NodeJS.EventEmitter } };

const retryMinMs = 1000;
const retryMaxMs = 60_000;

export class Discovery {
  private bonjour: Bonjour | null = null;
  private browser: Browser | null = null;
  private sshBrowsers: Browser[] = [];
  private readonly refresh: NodeJS.Timeout;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = retryMinMs;
  private failing = false;
  private closed = false;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    this.start();
    this.refresh = setInterval(() => this.browser?.update(), 30_000);
    this.refresh.unref();
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.refresh);
    if (this.retry) clearTimeout(this.retry);
    return this.stop();
  }

  /**
   * mDNS is a convenience: a socket or send error (port 5353 taken, a network without multicast) is
   * logged once, the browsers are rebuilt after a growing pause, and nothing is thrown out of the process.
   */
  private start(): void {
    let bonjour: Bonjour;
    try {
      bonjour = new Bonjour({}, (err: unknown) => this.failed(err));
      (bonjour as unknown as WithServer).server.mdns.on('error', (err: unknown) => {
        this.failed(err);
        if (this.bonjour === bonjour) void this.stop().then(() => this.restartLater());
      });
      (bonjour as unknown as WithServer).server.mdns.once('ready', () => this.worked());
    } catch (err) {
      this.failed(err);
      this.restartLater();
      return;
    }
    this.bonjour = bonjour;
    this.browser = bonjour.find({ type: 'edgefleet' });
    // Stock Linux hosts (_ssh._tcp, _workstation._tcp) as 'not provisioned' candidates.
    this.sshBrowsers = browseSshHosts(bonjour, this.ctx);
    this.browser.on('up', (s) => this.seen(s));
    this.browser.on('txt-update', (s) => this.seen(s));
    this.browser.on('srv-update', (s) => this.seen(s));
    this.browser.on('down', (s) => this.gone(s));
  }

  private stop(): Promise<void> {
    const bonjour = this.bonjour;
    this.bonjour = null;
    this.browser?.stop();
    for (const b of this.sshBrowsers) b.stop();
    this.browser = null;
    this.sshBrowsers = [];
    if (!bonjour) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        bonjour.destroy(() => resolve());
      } catch {
        resolve(); // the socket never bound: nothing to close
      }
    });
  }

  private restartLater(): void {
    if (this.closed || this.retry) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, retryMaxMs);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.bonjour) this.start();
    }, delay);
    this.retry.unref();
  }

  private failed(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const e = err as NodeJS.ErrnoException;
    this.log(`edgefleet: mDNS discovery stopped (${e?.code ?? e?.message ?? String(err)}); retrying. Devices can still be added by address.`);
  }

  private worked(): void {
    this.retryMs = retryMinMs;
    if (!this.failing) return;
    this.failing = false;
    this.log('edgefleet: mDNS discovery is running again.');
  }

  private seen(s: Service): void {
    const ad = readAdvert(s);
    if (!ad) return;
    const { store, changed } = this.ctx;
    const known = store.get(ad.id);
    const now = new Date().toISOString();
    if (!known) {
      store.upsert(ad.id, { name: ad.name, address: ad.address, transport: 'lan', state: 'discovered', lastSeen: now, ...ad.patch });
    } else if (known.paired) {
      // The model and state of a paired device come from its own status; the advert only says where it is.
      store.upsert(ad.id, { address: ad.address, lastSeen: now, ...(known.state === 'offline' ? { state: 'online' as const } : {}) });
    } else {
      store.upsert(ad.id, { name: ad.name, address: ad.address, state: 'discovered', lastSeen: now, ...ad.patch });
    }
    changed.mark(ad.id);
  }

  private gone(s: Service): void {
    const id = (s.txt as Record<string, string> | undefined)?.id;
    if (!id || !this.ctx.store.get(id)) return;
    this.ctx.store.upsert(id, { state: 'offline' });
    this.ctx.changed.mark(id);
  }
}
