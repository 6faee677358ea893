import { useCallback, useState } from 'react';
import type { Channel, Input, Result } from '../../../../electron/core/api/contract.js';
import type { ErrorData } from '../../../../electron/core/api/types.js';
import { toErrorData } from '../../api/api-error.js';
import { useApi } from '../../store/useApi.js';

export interface Action<C extends Channel> {
  busy: boolean;
  error: ErrorData | null;
  result: Result<C> | null;
  /** Calls the channel; resolves with its result, or null when it failed (the error is kept). */
  run: (input: Input<C>) => Promise<Result<C> | null>;
  reset: () => void;
}

/** One request that changes something, with its busy state, last result and last error, for a dialog. */
export function useAction<C extends Channel>(channel: C): Action<C> {
  const client = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [result, setResult] = useState<Result<C> | null>(null);
  const run = useCallback(
    async (input: Input<C>) => {
      setBusy(true);
      setError(null);
      setResult(null);
      try {
        const r = await client.invoke(channel, input);
        setResult(r);
        return r;
      } catch (err) {
        setError(toErrorData(err));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [client, channel],
  );
  const reset = useCallback(() => {
    setError(null);
    setResult(null);
  }, []);
  return { busy, error, result, run, reset };
}
