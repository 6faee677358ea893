import { useMemo, type ReactNode } from 'react';
import type { ApiClient } from '../api/api-client.js';
import { ApiContext } from './api-context.js';
import type { EventStore } from './event-store.js';

/** Hands the client and the event store (created once, outside React) to the hooks below it. */
export function ApiProvider({ client, store, children }: { client: ApiClient; store: EventStore; children: ReactNode }) {
  const value = useMemo(() => ({ client, store }), [client, store]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}
