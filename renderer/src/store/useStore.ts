import { useSyncExternalStore } from 'react';
import type { StoreState } from './event-store.js';
import { useApiContext } from './useApi.js';

/** Reads one slice of the event store; the selector must return a stable value for unchanged state. */
export function useStore<T>(select: (s: StoreState) => T): T {
  const { store } = useApiContext();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
