import { useEffect, useState } from 'react';
import type { EventName } from '../../../../electron/core/api/contract.js';
import { useApiContext } from '../../store/useApi.js';

/**
 * A counter that grows when one of `names` arrives (at most every `gapMs`), and after a reconnect:
 * pass it as a dep of useRequest to refetch what those events make stale.
 */
export function useEventTick(names: readonly EventName[], gapMs = 250): number {
  const { client } = useApiContext();
  const [tick, setTick] = useState(0);
  const key = names.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((t) => t + 1);
      }, gapMs);
    };
    const offEvent = client.onEvent((name) => {
      if (wanted.has(name)) bump();
    });
    const offConn = client.onConnectionChange((state) => {
      if (state === 'connected') bump();
    });
    return () => {
      offEvent();
      offConn();
      if (timer) clearTimeout(timer);
    };
  }, [client, key, gapMs]);
  return tick;
}

/**
 * Calls `reload` (a useRequest's) when one of `names` arrives, at most every `gapMs`: the answer on screen
 * stays while the new one loads, unlike a dep of useRequest, which starts the request afresh.
 */
export function useReloadOn(names: readonly EventName[], reload: () => void, gapMs = 250): void {
  const tick = useEventTick(names, gapMs);
  useEffect(() => {
    if (tick > 0) reload();
  }, [tick, reload]);
}
