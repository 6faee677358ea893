import { useContext } from 'react';
import type { ApiClient } from '../api/api-client.js';
import { ApiContext, type ApiContextValue } from './api-context.js';

export function useApiContext(): ApiContextValue {
  const ctx = useContext(ApiContext);
  if (!ctx) throw new Error('useApi must be used inside <ApiProvider>');
  return ctx;
}

/** The API client, for calls that change things (import, run, cancel). */
export function useApi(): ApiClient {
  return useApiContext().client;
}
