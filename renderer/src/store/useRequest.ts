import { useCallback, useEffect, useRef, useState } from 'react';
import type { Channel, Input, Result } from '../../../electron/core/api/contract.js';
import type { ErrorData } from '../../../electron/core/api/types.js';
import { toErrorData } from '../api/api-error.js';
import type { Topic } from './event-store.js';
import { useApiContext } from './useApi.js';
import { useStore } from './useStore.js';

export interface RequestState<T> {
  data: T | undefined;
  error: ErrorData | null;
  loading: boolean;
  reload: () => void;
}

/** Which change events make a channel's answer stale. */
function topicsOf(channel: Channel): Topic[] {
  if (channel.startsWith('models.')) return ['models', 'profiles'];
  if (channel.startsWith('profiling.')) return ['profiles'];
  if (channel.startsWith('devices.')) return ['devices'];
  return [];
}

/**
 * Fetches `channel` with `input` when deps change and again when a relevant change event arrives.
 * Refetches when the input (compared as JSON) or deps change. Pass `null` as input to skip the request.
 * Keeps the last data while refetching after a change event.
 */
export function useRequest<C extends Channel>(
  channel: C,
  input: Input<C> | null,
  deps: readonly unknown[] = [],
): RequestState<Result<C>> {
  const { client } = useApiContext();
  const topics = topicsOf(channel);
  const version = useStore((s) => topics.reduce((acc, t) => acc + s.versions[t], 0));
  // Answers are tagged with the deps they were asked for, so a new selection never shows the old answer.
  const key = JSON.stringify([channel, input, ...deps]);
  const [answer, setAnswer] = useState<{ key: string; data?: Result<C>; error: ErrorData | null } | null>(null);
  const [loading, setLoading] = useState(input !== null);
  const [nonce, setNonce] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;

  useEffect(() => {
    const current = inputRef.current;
    if (current === null) {
      setLoading(false);
      return;
    }
    let alive = true;
    setLoading(true);
    client.invoke(channel, current).then(
      (result) => {
        if (!alive) return;
        setAnswer({ key, data: result, error: null });
        setLoading(false);
      },
      (err: unknown) => {
        if (!alive) return;
        setAnswer((prev) => ({ key, data: prev?.key === key ? prev.data : undefined, error: toErrorData(err) }));
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
    // `key` stands for channel, input and deps; the input itself is read from the ref.
  }, [client, key, version, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const fresh = answer?.key === key ? answer : null;
  return { data: fresh?.data, error: fresh?.error ?? null, loading: loading || (input !== null && !fresh), reload };
}
