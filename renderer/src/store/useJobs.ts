import type { Job } from '../../../electron/core/api/types.js';
import { useStore } from './useStore.js';

/** All jobs the core knows, newest first, kept current by `jobs.updated` events. */
export function useJobs(): readonly Job[] {
  return useStore((s) => s.jobList);
}

export function useJobsStatus() {
  const loaded = useStore((s) => s.jobsLoaded);
  const error = useStore((s) => s.jobsError);
  return { loaded, error };
}
