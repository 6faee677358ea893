import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceListItem, DeviceSummary, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { useApiContext } from '../../store/useApi.js';
import { useStore } from '../../store/useStore.js';
import { fetchDeviceList } from './device-list-item.js';
import { takeDeviceListPrefetch } from './device-list-prefetch.js';

export interface DeviceList {
  data: DeviceListItem[] | undefined;
  error: ErrorData | null;
  loading: boolean;
  reload: () => void;
}

/** Ids asked for in one `devices.summaries` request (the contract's ceiling). */
const maxBatch = 10_000;

/** requestAnimationFrame, or a short timer while the page is hidden (no frames run then). */
function nextFrame(run: () => void): void {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') setTimeout(run, 100);
  else requestAnimationFrame(run);
}

/**
 * The whole inventory once (`devices.listRows`), then kept current incrementally: the ids a `devices.changed`
 * event names are gathered, fetched with one `devices.summaries` request at a time, and patched in at the
 * next animation frame. A fleet of 10,000 with 1,000 status changes a second costs a few hundred
 * summaries per event, never the whole list again. A reconnect or `reload()` refetches everything.
 */
export function useDeviceList(): DeviceList {
  const { client } = useApiContext();
  const connection = useStore((s) => s.connection);
  const [data, setData] = useState<DeviceListItem[] | undefined>(undefined);
  const [error, setError] = useState<ErrorData | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const [epoch, setEpoch] = useState(0);
  const lastConnection = useRef(connection);
  const s = useRef({
    alive: true,
    byId: new Map<string, DeviceListItem>(),
    loaded: false,
    /** Ids changed and not fetched yet. */
    dirty: new Set<string>(),
    busy: false,
    /** Answers waiting for the next frame: the ids asked and the summaries that came back. */
    ready: [] as { ids: string[]; found: DeviceSummary[] }[],
    frameQueued: false,
  }).current;

  const publish = useCallback(() => setData([...s.byId.values()]), [s]);

  const applyReady = useCallback(() => {
    s.frameQueued = false;
    if (!s.alive || s.ready.length === 0) return;
    for (const { ids, found } of s.ready.splice(0)) {
      const present = new Set<string>();
      for (const d of found) {
        present.add(d.id);
        s.byId.set(d.id, d);
      }
      for (const id of ids) if (!present.has(id)) s.byId.delete(id);
    }
    publish();
  }, [s, publish]);

  const drain = useCallback(() => {
    if (!s.alive || s.busy || !s.loaded || s.dirty.size === 0) return;
    const ids = [...s.dirty].slice(0, maxBatch);
    for (const id of ids) s.dirty.delete(id);
    s.busy = true;
    client.invoke('devices.summaries', { ids }).then(
      (found) => {
        s.ready.push({ ids, found });
        if (!s.frameQueued) {
          s.frameQueued = true;
          nextFrame(applyReady);
        }
      },
      () => {
        // Ask again with the next change; a lasting failure shows through the connection banner.
        for (const id of ids) s.dirty.add(id);
      },
    ).finally(() => {
      s.busy = false;
      if (s.alive && s.dirty.size > 0) drain();
    });
  }, [client, s, applyReady]);

  // Changes: gathered at once, fetched one request at a time.
  useEffect(
    () =>
      client.onEvent((name, payload) => {
        if (name !== 'devices.changed') return;
        for (const id of (payload as { ids: string[] }).ids) s.dirty.add(id);
        drain();
      }),
    [client, s, drain],
  );

  useEffect(() => {
    if (lastConnection.current === 'reconnecting' && connection === 'connected') setEpoch((e) => e + 1);
    lastConnection.current = connection;
  }, [connection]);

  // The full list: at start, after a reconnect (events were missed) and on reload().
  useEffect(() => {
    let current = true;
    s.busy = true;
    s.dirty.clear();
    setLoading(true);
    // At start the list may already be on its way (main.tsx); changes since it was asked are fetched after it.
    const early = takeDeviceListPrefetch(client);
    if (early) for (const id of early.changed) s.dirty.add(id);
    (early?.list ?? fetchDeviceList(client)).then(
      (list) => {
        if (!current || !s.alive) return;
        s.byId = new Map(list.map((d) => [d.id, d]));
        s.ready = [];
        s.loaded = true;
        publish();
        setError(null);
      },
      (err: unknown) => {
        if (current && s.alive) setError(toErrorData(err));
      },
    ).finally(() => {
      if (!current || !s.alive) return;
      s.busy = false;
      setLoading(false);
      drain();
    });
    return () => {
      current = false;
    };
  }, [client, s, epoch, nonce, publish, drain]);

  useEffect(() => {
    s.alive = true;
    return () => {
      s.alive = false;
    };
  }, [s]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
