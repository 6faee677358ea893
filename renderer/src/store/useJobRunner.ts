import { useCallback, useState } from 'react';
import type { ErrorData, Job } from '../../../electron/core/api/types.js';
import { toErrorData } from '../api/api-error.js';
import { useApiContext } from './useApi.js';
import { useJob } from './useJob.js';

export interface JobRunner {
  /** The job last started here, kept live by events. */
  job: Job | undefined;
  /** The error from starting it (the request itself failed). */
  error: ErrorData | null;
  starting: boolean;
  start: (run: () => Promise<Job>) => Promise<Job | null>;
  cancel: () => void;
  reset: () => void;
  clearError: () => void;
}

/** Starts a job-returning request and follows that job through the event store. */
export function useJobRunner(initialJobId: string | null = null): JobRunner {
  const { client, store } = useApiContext();
  const [jobId, setJobId] = useState<string | null>(initialJobId);
  const [error, setError] = useState<ErrorData | null>(null);
  const [starting, setStarting] = useState(false);
  const job = useJob(jobId);

  const start = useCallback(
    async (run: () => Promise<Job>) => {
      setError(null);
      setStarting(true);
      try {
        const started = await run();
        store.upsertJob(started);
        setJobId(started.id);
        return started;
      } catch (err) {
        setError(toErrorData(err));
        return null;
      } finally {
        setStarting(false);
      }
    },
    [store],
  );

  const cancel = useCallback(() => {
    if (!jobId) return;
    client.invoke('jobs.cancel', { id: jobId }).then(
      (j) => store.upsertJob(j),
      (err: unknown) => setError(toErrorData(err)),
    );
  }, [client, store, jobId]);

  const reset = useCallback(() => {
    setJobId(null);
    setError(null);
  }, []);

  const clearError = useCallback(() => setError(null), []);

  return { job, error, starting, start, cancel, reset, clearError };
}
