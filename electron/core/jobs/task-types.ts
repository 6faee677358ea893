import type { JobProgress } from '../api/types.js';

export interface TaskContext {
  progress(p: JobProgress): void;
  signal: AbortSignal;
  home: string;
  /** A scratch folder that is removed when the job ends, whatever the outcome. */
  tmpDir: string;
}

export type TaskFn<I, R> = (input: I, ctx: TaskContext) => Promise<R>;

/** Throws a cancellation error when the job was cancelled; call it between units of work. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) {
    const err = new Error('Cancelled');
    err.name = 'CancelledError';
    throw err;
  }
}

/** A context for running a task in-process (CLI, tests): progress goes to the given callback. */
export function localContext(home: string, tmpDir: string, onProgress: (p: JobProgress) => void = () => {}): TaskContext {
  return { progress: onProgress, signal: new AbortController().signal, home, tmpDir };
}
