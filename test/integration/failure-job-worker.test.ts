// A job worker thread that dies in the middle of a job, by process.exit or by an exception nothing
// catches (the worker's EDGEFLEET_JOB_CRASH_AT fail point, read when the worker starts): the job fails
// with error data a person can read, its scratch folder goes, and the next job runs on a new worker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/core/api/event-bus.js';
import type { InspectReport, Job } from '../../electron/core/api/types.js';
import { JobManager } from '../../electron/core/jobs/job-manager.js';
import { sampleModelPath } from '../helpers/agent-process.js';

const open: { jobs: JobManager; home: string }[] = [];
afterEach(async () => {
  delete process.env.EDGEFLEET_JOB_CRASH_AT;
  for (const o of open.splice(0)) {
    await o.jobs.close();
    rmSync(o.home, { recursive: true, force: true });
  }
});

function newManager(): { jobs: JobManager; home: string; updates: Job[] } {
  const home = mkdtempSync(join(tmpdir(), 'ef-failure-jobs-'));
  const bus = new EventBus();
  const updates: Job[] = [];
  bus.on((event, payload) => {
    if (event === 'jobs.updated') updates.push(payload as Job);
  });
  const jobs = new JobManager({ home, bus, maxConcurrent: 1 });
  open.push({ jobs, home });
  return { jobs, home, updates };
}

/** Starts an inspect job on a worker that will crash at the job's first progress report. */
function startCrashing(jobs: JobManager, how: 'exit' | 'uncaught'): Job {
  process.env.EDGEFLEET_JOB_CRASH_AT = how;
  try {
    // The worker is spawned inside start() and takes its environment then.
    return jobs.start('models.inspect', { path: sampleModelPath }, { title: 'Inspect sample' });
  } finally {
    delete process.env.EDGEFLEET_JOB_CRASH_AT;
  }
}

function expectReadableError(job: Job): void {
  expect(job.state).toBe('failed');
  expect(job.error).not.toBeNull();
  const { title, detail } = job.error!;
  expect(title.length).toBeGreaterThan(3);
  expect(title).not.toMatch(/Error:|\n/);
  expect(detail).not.toContain('\n');
  expect(JSON.stringify(job.error)).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
  expect(Object.keys(job.error!).sort()).toEqual(['code', 'detail', 'title']);
}

describe('a job worker crashing mid-job', () => {
  it('fails the job with WORKER_EXIT when the worker thread exits, then runs the next job', async () => {
    const { jobs, home, updates } = newManager();
    const crashed = await jobs.wait(startCrashing(jobs, 'exit').id);
    expectReadableError(crashed);
    expect(crashed.error).toMatchObject({ code: 'WORKER_EXIT', title: 'The job stopped unexpectedly' });
    expect(crashed.error!.detail).toContain('code 70');
    // The crash point sits in the task's first progress report: the job was running on its worker.
    expect(updates.some((u) => u.id === crashed.id && u.state === 'running')).toBe(true);
    expect(existsSync(join(home, 'tmp', crashed.id))).toBe(false);
    expect(jobs.idleWorkers).toBe(0);

    const report: InspectReport = await jobs.run('models.inspect', { path: sampleModelPath }, 'Inspect again');
    expect(report.nodeCount).toBeGreaterThan(50);
    expect(jobs.workerStats).toEqual({ spawned: 2, reused: 0 });
  });

  it('fails the job with the exception as data when the worker dies of an uncaught exception, then runs the next job', async () => {
    const { jobs, home } = newManager();
    const crashed = await jobs.wait(startCrashing(jobs, 'uncaught').id);
    expectReadableError(crashed);
    expect(crashed.error!.detail).toContain('an exception nothing caught ended the worker');
    expect(existsSync(join(home, 'tmp', crashed.id))).toBe(false);

    const next = jobs.start('models.inspect', { path: sampleModelPath }, { title: 'Inspect again' });
    const done = await jobs.wait(next.id);
    expect(done.state).toBe('succeeded');
    expect(jobs.workerStats).toEqual({ spawned: 2, reused: 0 });
  });

  it('does not hand a crashed worker to the job queued behind the crashing one', async () => {
    const { jobs } = newManager();
    const crashing = startCrashing(jobs, 'exit');
    // Queued while the first runs (maxConcurrent 1): it must start on a fresh worker once the first dies.
    const queued = jobs.start('models.inspect', { path: sampleModelPath }, { title: 'Queued behind' });
    expect(jobs.get(queued.id).state).toBe('queued');
    expect((await jobs.wait(crashing.id)).state).toBe('failed');
    expect((await jobs.wait(queued.id)).state).toBe('succeeded');
    expect(jobs.workerStats.spawned).toBe(2);
  });
});
