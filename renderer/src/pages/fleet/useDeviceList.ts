import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceSummary, ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { useApiContext } from '../../store/useApi.js';
import { useStore } from '../../store/useStore.js';

/**
 * At least this long between two `devices.list` requests: a deploy to thousands of devices sends a burst of
 * change events, and each answer for a big fleet costs the page a noticeable pause. 1 s, up to 3 s at 10,000 devices.
 */
const gapFor = (count: number) => Math.min(3000, Math.max(1000, count / 3));

export interface DeviceList {
  data: DeviceSummary[] | undefined;
  error: ErrorData | null;
  loading: boolean;
  reload: () => void;
}

/**
 * `devices.list`, refetched on `devices.changed` like useRequest, but coalesced: events that arrive
 * while a request runs (or within a second of the last one) cause one more request, not one each.
 */
export function useDeviceList(): DeviceList {
  const { client } = useApiContext();
  const version = useStore((s) => s.versions.devices);
  const [data, setData] = useState<DeviceSummary[] | undefined>(undefined);
  const [error, setError] = useState<ErrorData | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const state = useRef({ inFlight: false, pending: false, lastAt: 0, count: 0, timer: null as ReturnType<typeof setTimeout> | null, alive: true });

  const fetchNow = useCallback(() => {
    const s = state.current;
    if (s.inFlight) {
      s.pending = true;
      return;
    }
    const wait = s.lastAt + gapFor(s.count) - Date.now();
    if (wait > 0) {
      if (!s.timer) {
        s.timer = setTimeout(() => {
          s.timer = null;
          fetchNow();
        }, wait);
      }
      return;
    }
    s.inFlight = true;
    s.lastAt = Date.now();
    setLoading(true);
    client.invoke('devices.list', {}).then(
      (list) => {
        if (!s.alive) return;
        s.count = list.length;
        setData(list);
        setError(null);
      },
      (err: unknown) => {
        if (s.alive) setError(toErrorData(err));
      },
    ).finally(() => {
      s.inFlight = false;
      if (!s.alive) return;
      setLoading(false);
      if (s.pending) {
        s.pending = false;
        fetchNow();
      }
    });
  }, [client]);

  useEffect(() => {
    fetchNow();
  }, [fetchNow, version, nonce]);

  useEffect(() => {
    const s = state.current;
    s.alive = true;
    return () => {
      s.alive = false;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    };
  }, []);

  const reload = useCallback(() => {
    state.current.lastAt = 0;
    setNonce((n) => n + 1);
  }, []);
  return { data, error, loading, reload };
}
