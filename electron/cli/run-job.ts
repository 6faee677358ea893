import { AppError } from '../core/api/errors.js';
import type { Envelope } from '../core/api/contract.js';
import type { Job } from '../core/api/types.js';
import type { Core } from '../core/core.js';
import { progressPrinter } from './output.js';

/** Unwraps an envelope into its result, or throws its error for the CLI's one-line report. */
export function unwrap<R>(env: Envelope<unknown>): R {
  if (!env.ok) throw new AppError(env.error.code, env.error.title, env.error.detail);
  return env.result as R;
}

/** Calls a channel while showing the progress of the jobs it runs; Ctrl-C cancels them. */
export async function callWithProgress<R>(core: Core, channel: string, input: unknown, quiet = false): Promise<R> {
  const printer = progressPrinter(quiet);
  const off = core.bus.on((event, payload) => {
    if (event === 'jobs.updated') printer.progress((payload as Job).progress);
  });
  const stop = () => {
    for (const job of core.jobs.list()) if (job.state === 'running' || job.state === 'queued') core.jobs.cancel(job.id);
  };
  process.once('SIGINT', stop);
  try {
    const result = unwrap<R>(await core.call(channel, input));
    if (!isJob(result)) return result;
    const job = await core.jobs.wait(result.id);
    if (job.state === 'failed' && job.error) throw new AppError(job.error.code, job.error.title, job.error.detail);
    if (job.state === 'cancelled') throw new AppError('CANCELLED', 'Cancelled', 'The job was cancelled; nothing was saved.');
    return job as R;
  } finally {
    process.off('SIGINT', stop);
    off();
    printer.done();
  }
}

function isJob(value: unknown): value is Job {
  const v = value as Job | null;
  return !!v && typeof v === 'object' && typeof v.id === 'string' && typeof v.state === 'string' && 'progress' in v;
}
