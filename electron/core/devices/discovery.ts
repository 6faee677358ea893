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

export class Discovery {
  private bonjour = new Bonjour();
  private readonly sshBrowsers: Browser[];
  private browser: Browser;
  private readonly refresh: NodeJS.Timeout;

  constructor(private readonly ctx: DeviceContext) {
    this.browser = this.bonjour.find({ type: 'edgefleet' });
    // Stock Linux hosts (_ssh._tcp, _workstation._tcp) as 'not provisioned' candidates.
    this.sshBrowsers = browseSshHosts(this.bonjour, ctx);
    this.browser.on('up', (s) => this.seen(s));
    this.browser.on('txt-update', (s) => this.seen(s));
    this.browser.on('srv-update', (s) => this.seen(s));
    this.browser.on('down', (s) => this.gone(s));
    this.refresh = setInterval(() => this.browser.update(), 30_000);
    this.refresh.unref();
  }

  close(): Promise<void> {
    clearInterval(this.refresh);
    this.browser.stop();
    for (const b of this.sshBrowsers) b.stop();
    return new Promise((resolve) => this.bonjour.destroy(() => resolve()));
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
