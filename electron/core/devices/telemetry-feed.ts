// While the console runs (not the CLI): one event stream per paired device. Telemetry summaries go
// into the inventory and its history with a judged health; a device that cannot be reached is
// marked offline and retried with backoff; one that refuses the console's token is not retried.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { backoffMs } from './backoff.js';
import type { DeviceContext } from './device-context.js';
import { deviceError } from './device-errors.js';
import { openEventSocket } from './event-socket.js';
import { applyDeviceEvent } from './apply-event.js';
import { Throttle } from './throttle.js';

interface Feed {
  key: string;
  socket: { close(): void } | null;
  retry: NodeJS.Timeout | null;
  attempt: number;
}

export class TelemetryFeed {
  private feeds = new Map<string, Feed>();
  private closed = false;
  private readonly off: () => void;
  private readonly resync: NodeJS.Timeout;
  private readonly syncs = new Throttle(() => this.sync(), 1000);

  constructor(
    private readonly ctx: DeviceContext,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    // Pairing, removal and address changes all announce themselves as devices.changed, and so does every
    // batch of telemetry: one sync a second at most, so a busy fleet does not read the inventory per message.
    this.off = ctx.bus.on((name) => {
      if (name === 'devices.changed') this.syncs.request();
    });
    this.resync = setInterval(() => this.syncs.run(), 10_000);
    this.resync.unref();
    this.syncs.run();
  }

  /** Opens streams for paired devices that have none; closes those of removed or re-paired ones. */
  sync(): void {
    if (this.closed) return;
    // Only the HTTPS binding pushes events; serial devices are asked (devices.refresh) when needed.
    const wanted = new Map(this.ctx.store.pairedCredentials('lan').map((c) => [c.id, c]));
    for (const [id, feed] of this.feeds) {
      const c = wanted.get(id);
      if (!c || keyOf(c) !== feed.key) this.drop(id);
    }
    for (const [id, c] of wanted) if (!this.feeds.has(id)) this.open(c, { key: keyOf(c), socket: null, retry: null, attempt: 0 });
  }

  close(): void {
    this.closed = true;
    this.off();
    this.syncs.close();
    clearInterval(this.resync);
    for (const id of [...this.feeds.keys()]) this.drop(id);
  }

  /**
   * The device refused the token (re-paired with another console, or given a new pairing code): no retry
   * can succeed, so the token is dropped and the device shows as waiting to be paired again.
   */
  private revoked(c: DeviceCredentials): void {
    this.feeds.delete(c.id);
    if (this.ctx.store.get(c.id)) {
      this.ctx.store.upsert(c.id, { token: null, state: 'discovered', health: 'error' });
      this.ctx.changed.mark(c.id);
    }
    const e = toErrorData(deviceError(new AppError('UNAUTHORIZED', 'Unauthorized', 'HTTP 401'), c.address));
    this.log(`edgefleet: ${c.name}: ${e.title}: ${e.detail}`);
  }

  private drop(id: string): void {
    const feed = this.feeds.get(id);
    if (!feed) return;
    this.feeds.delete(id);
    if (feed.retry) clearTimeout(feed.retry);
    feed.socket?.close();
  }

  private open(c: DeviceCredentials, feed: Feed): void {
    this.feeds.set(c.id, feed);
    const { store, changed } = this.ctx;
    const current = () => this.feeds.get(c.id) === feed;
    feed.socket = openEventSocket(c, {
      onOpen: () => {
        feed.attempt = 0;
      },
      onEvent: (e) => {
        if (!current() || !store.get(c.id)) return;
        applyDeviceEvent(store, c.id, e);
        if (e.type === 'telemetry') this.ctx.ingestWindows(c.id, [e.payload]);
        changed.mark(c.id);
      },
      onClose: (err) => {
        feed.socket = null;
        if (!current() || this.closed) return;
        if ((err as { code?: unknown } | null)?.code === 'UNAUTHORIZED') return this.revoked(c);
        const device = store.get(c.id);
        if (device && device.state !== 'offline') {
          store.upsert(c.id, { state: 'offline' });
          changed.mark(c.id);
        }
        feed.retry = setTimeout(() => {
          feed.retry = null;
          if (current() && !this.closed) this.open(c, feed);
        }, backoffMs(feed.attempt++));
        feed.retry.unref();
      },
    });
  }
}

function keyOf(c: DeviceCredentials): string {
  return `${c.address}|${c.fingerprint}|${c.token}`;
}
