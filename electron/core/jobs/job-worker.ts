// Runs one task off the main thread. Talks to the JobManager in {type, ...} messages.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../api/errors.js';
import type { JobProgress } from '../api/types.js';

interface WorkerInput {
  kind: string;
  input: unknown;
  home: string;
  tmpDir: string;
}

const port = parentPort;
if (!port) throw new Error('job-worker must run as a worker thread');
const { kind, input, home, tmpDir } = workerData as WorkerInput;
const abort = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') abort.abort();
});

try {
  const { tasks } = await import('./tasks.js');
  const task = (tasks as Record<string, (i: unknown, c: unknown) => Promise<unknown>>)[kind];
  if (!task) throw new Error(`Unknown task kind ${kind}`);
  const result = await task(input, {
    progress: (progress: JobProgress) => port.postMessage({ type: 'progress', progress }),
    signal: abort.signal,
    home,
    tmpDir,
  });
  port.postMessage({ type: 'result', result });
} catch (err) {
  const cancelled = (err as Error)?.name === 'CancelledError' || abort.signal.aborted;
  port.postMessage({ type: cancelled ? 'cancelled' : 'error', error: toErrorData(err) });
}
