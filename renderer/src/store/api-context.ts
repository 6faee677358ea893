import { createContext } from 'react';
import type { ApiClient } from '../api/api-client.js';
import type { EventStore } from './event-store.js';

export interface ApiContextValue {
  client: ApiClient;
  store: EventStore;
}

export const ApiContext = createContext<ApiContextValue | null>(null);
