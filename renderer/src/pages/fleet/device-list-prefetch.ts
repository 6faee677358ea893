import type { DeviceListItem } from '../../../../electron/core/api/types.js';
import type { ApiClient } from '../../api/api-client.js';
import { fetchDeviceList } from './device-list-item.js';

/** The inventory asked for at startup, and the ids changed since it was asked. */
export interface DeviceListPrefetch {
  list: Promise<DeviceListItem[]>;
  /** Ids named by `devices.changed` events since the request went out: the list may predate their change. */
  changed: ReadonlySet<string>;
}

interface Pending {
  client: ApiClient;
  sent: DeviceListPrefetch | null;
  changed: Set<string>;
  stop: () => void;
}

/** Dropped if the Fleet page has not taken it by then (the user went elsewhere). */
const unclaimedMs = 30_000;

let pending: Pending | null = null;

/**
 * Asks for the whole inventory before the UI has loaded, so the Fleet page's first render does not wait for
 * the bundle, React's first render and then the request in turn. The request goes out once the event stream
 * is up: a list snapshot taken earlier could miss changes whose events never reach the page.
 */
export function prefetchDeviceList(client: ApiClient): void {
  pending?.stop();
  const changed = new Set<string>();
  const offEvents = client.onEvent((name, payload) => {
    if (name !== 'devices.changed') return;
    for (const id of (payload as { ids: string[] }).ids) changed.add(id);
  });
  const p: Pending = {
    client,
    sent: null,
    changed,
    stop() {
      offEvents();
      offConnection();
      clearTimeout(expiry);
      if (pending === p) pending = null;
    },
  };
  const send = () => {
    const list = fetchDeviceList(client);
    // Whoever takes it handles a failure; an unclaimed one must not surface as an unhandled rejection.
    list.catch(() => undefined);
    p.sent = { list, changed };
  };
  const offConnection = client.onConnectionChange((state) => {
    if (state === 'connected' && !p.sent) send();
    // Events were missed while the stream was down: the page asks for itself instead.
    else if (state !== 'connected' && p.sent) p.stop();
  });
  const expiry = setTimeout(() => p.stop(), unclaimedMs);
  pending = p;
  if (client.connection() === 'connected') send();
}

/**
 * The startup request for this client, once; null when there is none or it has not gone out yet (the
 * caller then asks itself, as it would without a prefetch). The caller must be subscribed to
 * `devices.changed` before calling, so no change falls between the two.
 */
export function takeDeviceListPrefetch(client: ApiClient): DeviceListPrefetch | null {
  const p = pending;
  if (!p || p.client !== client) return null;
  p.stop();
  return p.sent;
}
