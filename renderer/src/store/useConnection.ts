import type { ConnectionState } from '../api/api-client.js';
import { useStore } from './useStore.js';

export function useConnection(): ConnectionState {
  return useStore((s) => s.connection);
}
