import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, toErrorData } from '../api/errors.js';
import type { ErrorData, Job, JobProgress } from '../api/types.js';
import type { EventBus } from '../api/event-bus.js';
import type { RunMessage } from './job-worker.js';
import type { TaskInput, TaskKind, TaskResult } from './tasks.js';

interface JobEntry<K extends TaskKind = TaskKind> {
  job: Job;
  kind: K;
  input: TaskInput<K>;
  onSuccess?: (result: TaskResult<K>) => unknown;
  worker: Worker | null;
  cancelRequested: boolean;
  waiters: ((job: Job) => void)[];
  lastEmit: number;
}

export interface JobManagerOptions {
  home: string;
  bus: EventBus;
  maxConcurrent?: number;
  /** Finished jobs kept in the list. */
  keepFinished?: number;
}

/**
 * The worker entry. From dist it is plain JS; when the core runs from TypeScript sources (tests, `tsx`),
 * the worker registers tsx itself first, since `--import` in a worker's execArgv does not apply loaders.
 */
function spawnWorker(): Worker {
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  if (!fromSource) return new Worker(new URL('./job-worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./job-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

interface IdleWorker {
  worker: Worker;
  timer: NodeJS.Timeout;
  /** Ends the wait: removes the listeners the wait added (never others': Worker needs its own). */
  stopWaiting(): void;
}

/** How long a warm worker waits for the next job, and how many jobs one worker runs before it retires. */
const idleMs = 60_000;
const maxJobsPerWorker = 50;

/**
 * Runs long work in worker threads, one job at a time per worker, with progress events and
 * cancellation. A worker that finished its job cleanly waits warm for the next one (its modules are
 * loaded: a deploy starts in milliseconds rather than after a module load); a cancelled or crashed
 * one is thrown away.
 */
export class JobManager {
  private readonly entries = new Map<string, JobEntry>();
  private readonly queue: string[] = [];
  private readonly idle: IdleWorker[] = [];
  private readonly jobsRun = new WeakMap<Worker, number>();
  private running = 0;
  private readonly maxConcurrent: number;
  private readonly keepFinished: number;

  constructor(private readonly opts: JobManagerOptions) {
    this.maxConcurrent = opts.maxConcurrent ?? 2;
    this.keepFinished = opts.keepFinished ?? 100;
  }

  /** Workers started, jobs that found a warm one, and those waiting now (for tests and diagnostics). */
  readonly workerStats = { spawned: 0, reused: 0 };

  get idleWorkers(): number {
    return this.idle.length;
  }

  start<K extends TaskKind>(
    kind: K,
    input: TaskInput<K>,
    opts: { title: string; onSuccess?: (result: TaskResult<K>) => unknown },
  ): Job {
    const job: Job = {
      id: randomUUID(),
      kind,
      title: opts.title,
      state: 'queued',
      progress: { phase: 'queued', fraction: 0 },
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      result: null,
    };
    const entry: JobEntry<K> = { job, kind, input, onSuccess: opts.onSuccess, worker: null, cancelRequested: false, waiters: [], lastEmit: 0 };
    this.entries.set(job.id, entry as unknown as JobEntry);
    this.queue.push(job.id);
    this.emit(entry as unknown as JobEntry, true);
    this.pump();
    return { ...job };
  }

  /** Starts a job and resolves with its result, or rejects with its error as an AppError. */
  async run<K extends TaskKind>(kind: K, input: TaskInput<K>, title: string): Promise<TaskResult<K>> {
    let raw: TaskResult<K> | undefined;
    const job = this.start(kind, input, {
      title,
      onSuccess: (r) => {
        raw = r;
        return null;
      },
    });
    const done = await this.wait(job.id);
    if (done.state === 'succeeded') return raw as TaskResult<K>;
    const e = done.error ?? { code: 'CANCELLED', title: 'Cancelled', detail: 'The job was cancelled.' };
    throw new AppError(e.code, e.title, e.detail);
  }

  list(): Job[] {
    return [...this.entries.values()].map((e) => ({ ...e.job })).reverse();
  }

  get(id: string): Job {
    const e = this.entries.get(id);
    if (!e) throw new AppError('JOB_NOT_FOUND', 'No such job', `There is no job with id ${id}.`);
    return { ...e.job };
  }

  wait(id: string): Promise<Job> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(new AppError('JOB_NOT_FOUND', 'No such job', `There is no job with id ${id}.`));
    if (isFinished(e.job)) return Promise.resolve({ ...e.job });
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  cancel(id: string): Job {
    const e = this.entries.get(id);
    if (!e) throw new AppError('JOB_NOT_FOUND', 'No such job', `There is no job with id ${id}.`);
    if (e.job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(id), 1);
      this.finish(e, 'cancelled', null, null);
    } else if (e.job.state === 'running' && e.worker) {
      e.cancelRequested = true;
      const worker = e.worker;
      worker.postMessage({ type: 'cancel', jobId: id });
      // Work that does not look at its signal is stopped hard; partial output lives in the job's tmp dir.
      setTimeout(() => {
        if (e.job.state === 'running') void worker.terminate();
      }, 1500).unref();
    }
    return { ...e.job };
  }

  /** Cancels everything and waits for the workers to stop. */
  async close(): Promise<void> {
    for (const id of [...this.queue]) this.cancel(id);
    const running = [...this.entries.values()].filter((e) => e.worker);
    const idle = this.idle.splice(0);
    for (const w of idle) clearTimeout(w.timer);
    await Promise.all([...running.map((e) => e.worker!.terminate()), ...idle.map((w) => w.worker.terminate())]);
  }

  private takeWorker(): Worker {
    const warm = this.idle.pop();
    if (!warm) {
      this.workerStats.spawned++;
      return spawnWorker();
    }
    this.workerStats.reused++;
    warm.stopWaiting();
    warm.worker.ref();
    return warm.worker;
  }

  /** Keeps a worker that ended its job cleanly for the next one; it does not keep the process alive. */
  private park(worker: Worker): void {
    const jobsRun = (this.jobsRun.get(worker) ?? 0) + 1;
    this.jobsRun.set(worker, jobsRun);
    if (jobsRun >= maxJobsPerWorker || this.idle.length >= this.maxConcurrent) {
      void worker.terminate();
      return;
    }
    const drop = () => {
      const i = this.idle.indexOf(entry);
      if (i >= 0) this.idle.splice(i, 1);
      entry.stopWaiting();
      void worker.terminate();
    };
    const entry: IdleWorker = {
      worker,
      timer: setTimeout(drop, idleMs),
      stopWaiting: () => {
        clearTimeout(entry.timer);
        worker.off('exit', drop);
        worker.off('error', drop);
      },
    };
    entry.timer.unref();
    worker.on('exit', drop);
    worker.on('error', drop);
    worker.unref();
    this.idle.push(entry);
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const e = this.entries.get(id);
      if (e) this.launch(e);
    }
  }

  private launch(e: JobEntry): void {
    this.running++;
    const tmpDir = join(this.opts.home, 'tmp', e.job.id);
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    e.job.state = 'running';
    e.job.startedAt = new Date().toISOString();
    this.emit(e, true);
    const worker = this.takeWorker();
    e.worker = worker;
    let settled = false;
    /** reusable: the worker said how the job ended and can take another. */
    const settle = (state: Job['state'], result: unknown, error: ErrorData | null, reusable = false) => {
      if (settled) return;
      settled = true;
      e.worker = null;
      this.running--;
      rmSync(tmpDir, { recursive: true, force: true });
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable && !e.cancelRequested) this.park(worker);
      else void worker.terminate();
      this.finish(e, state, result, error);
      this.pump();
    };
    const run: RunMessage = { type: 'run', jobId: e.job.id, kind: e.kind, input: e.input, home: this.opts.home, tmpDir };
    worker.postMessage(run);
    const onMessage = (m: { type: string; jobId?: string; progress?: JobProgress; result?: unknown; error?: ErrorData }) => {
      if (m.jobId !== e.job.id) return;
      if (m.type === 'progress' && m.progress) {
        const newPhase = m.progress.phase !== e.job.progress.phase;
        e.job.progress = m.progress;
        this.emit(e, newPhase);
      } else if (m.type === 'result') {
        try {
          const jobResult = e.onSuccess ? e.onSuccess(m.result as never) : m.result;
          settle('succeeded', jobResult ?? null, null, true);
        } catch (err) {
          settle('failed', null, toErrorData(err), true);
        }
      } else if (m.type === 'cancelled') {
        settle('cancelled', null, null);
      } else if (m.type === 'error') {
        settle('failed', null, m.error ?? toErrorData(new Error('Unknown error')), true);
      }
    };
    const onError = (err: Error) => settle('failed', null, toErrorData(err));
    const onExit = (code: number) => {
      if (e.cancelRequested) settle('cancelled', null, null);
      else {
        const detail = `The worker running this job exited (code ${code}) before it finished. Try again; if it repeats, the input may crash the runtime.`;
        settle('failed', null, { code: 'WORKER_EXIT', title: 'The job stopped unexpectedly', detail });
      }
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }

  private finish(e: JobEntry, state: Job['state'], result: unknown, error: ErrorData | null): void {
    e.job.state = state;
    e.job.finishedAt = new Date().toISOString();
    e.job.result = result;
    e.job.error = error;
    if (state === 'succeeded') e.job.progress = { phase: 'done', fraction: 1 };
    this.emit(e, true);
    for (const w of e.waiters.splice(0)) w({ ...e.job });
    this.trim();
  }

  private trim(): void {
    const finished = [...this.entries.values()].filter((x) => isFinished(x.job));
    for (const old of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) {
      this.entries.delete(old.job.id);
    }
  }

  /** Every change of phase goes out; updates within a phase at most every 100 ms. */
  private emit(e: JobEntry, force: boolean): void {
    const now = Date.now();
    if (!force && now - e.lastEmit < 100) return;
    e.lastEmit = now;
    this.opts.bus.emit('jobs.updated', { ...e.job });
  }
}

function isFinished(job: Job): boolean {
  return job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled';
}
