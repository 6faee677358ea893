import type { Job } from '../../../electron/core/api/types.js';
import { useStore } from './useStore.js';

/** One job by id (undefined until known), updated live. */
export function useJob(id: string | null | undefined): Job | undefined {
  return useStore((s) => (id ? s.jobs.get(id) : undefined));
}
