// Runs tasks off the main thread, one at a time, for as long as the JobManager keeps this worker:
// a worker that finished a job waits warm (modules loaded) for the next. Talks in {type, ...} messages.
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../api/errors.js';
import type { JobProgress } from '../api/types.js';

export interface RunMessage {
  type: 'run';
  jobId: string;
  kind: string;
  input: unknown;
  home: string;
  tmpDir: string;
}

/**
 * Fail point for crash tests, like the agent's crash points: EDGEFLEET_JOB_CRASH_AT=exit or =uncaught
 * ends this worker thread at a job's first progress report, by process.exit (a library that exits) or
 * by an exception outside the job's promise chain (a stream failing with no error listener).
 */
const crashAt = process.env.EDGEFLEET_JOB_CRASH_AT ?? '';

function crashPoint(): void {
  if (crashAt === 'exit') process.exit(70);
  if (crashAt === 'uncaught') {
    setImmediate(() => {
      throw new Error('Crash point: an exception nothing caught ended the worker');
    });
  }
}

const port = parentPort;
if (!port) throw new Error('job-worker must run as a worker thread');
let current: { jobId: string; abort: AbortController } | null = null;

port.on('message', (m: RunMessage | { type: 'cancel'; jobId: string }) => {
  if (m.type === 'cancel') {
    if (current?.jobId === m.jobId) current.abort.abort();
  } else if (m.type === 'run') {
    void run(m);
  }
});

async function run(m: RunMessage): Promise<void> {
  const abort = new AbortController();
  current = { jobId: m.jobId, abort };
  const send = (msg: Record<string, unknown>) => port!.postMessage({ ...msg, jobId: m.jobId });
  try {
    const { tasks } = await import('./tasks.js');
    const task = (tasks as Record<string, (i: unknown, c: unknown) => Promise<unknown>>)[m.kind];
    if (!task) throw new Error(`Unknown task kind ${m.kind}`);
    const result = await task(m.input, {
      progress: (progress: JobProgress) => {
        crashPoint();
        send({ type: 'progress', progress });
      },
      signal: abort.signal,
      home: m.home,
      tmpDir: m.tmpDir,
    });
    send({ type: 'result', result });
  } catch (err) {
    const cancelled = (err as Error)?.name === 'CancelledError' || abort.signal.aborted;
    send({ type: cancelled ? 'cancelled' : 'error', error: toErrorData(err) });
  } finally {
    current = null;
  }
}
