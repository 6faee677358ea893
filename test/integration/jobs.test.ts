import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/core/api/event-bus.js';
import type { InspectReport, Job } from '../../electron/core/api/types.js';
import { JobManager } from '../../electron/core/jobs/job-manager.js';

const sample = new URL('../../resources/models/mobilenetv2-digits/model.onnx', import.meta.url).pathname;
let home: string;
let bus: EventBus;
let jobs: JobManager;
const updates: Job[] = [];

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ef-jobs-'));
  bus = new EventBus();
  bus.on((event, payload) => {
    if (event === 'jobs.updated') updates.push(payload as Job);
  });
  jobs = new JobManager({ home, bus, maxConcurrent: 1 });
});

afterAll(async () => {
  await jobs.close();
  rmSync(home, { recursive: true, force: true });
});

describe('JobManager with real worker threads', () => {
  it('runs a task off the main thread and reports typed progress', async () => {
    const report: InspectReport = await jobs.run('models.inspect', { path: sample }, 'Inspect sample');
    expect(report.nodeCount).toBeGreaterThan(50);
    const phases = updates.map((u) => u.progress.phase);
    expect(phases).toContain('decoding');
    expect(updates.at(-1)?.state).toBe('succeeded');
    expect(jobs.list()[0]).toMatchObject({ kind: 'models.inspect', state: 'succeeded', title: 'Inspect sample' });
  });

  it('keeps the worker warm after a clean job and runs the next job on it', async () => {
    expect(jobs.idleWorkers).toBe(1);
    const before = { ...jobs.workerStats };
    const report: InspectReport = await jobs.run('models.inspect', { path: sample }, 'Inspect again');
    expect(report.nodeCount).toBeGreaterThan(50);
    expect(jobs.workerStats).toEqual({ spawned: before.spawned, reused: before.reused + 1 });
    expect(jobs.idleWorkers).toBe(1);
  });

  it('reports a failure as error data', async () => {
    const junk = join(home, 'junk.onnx');
    writeFileSync(junk, 'not a model at all');
    const job = jobs.start('models.inspect', { path: junk }, { title: 'Inspect junk' });
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('failed');
    expect(done.error?.title).toBeTruthy();
    expect(done.error?.detail).toContain('junk.onnx');
  });

  it('queues beyond the concurrency limit and cancels a queued job without running it', async () => {
    const first = jobs.start('profiling.run', { path: sample, runs: 100000, warmup: 0, threads: 1 }, { title: 'long' });
    const second = jobs.start('models.inspect', { path: sample }, { title: 'waits' });
    expect(jobs.get(second.id).state).toBe('queued');
    expect(jobs.cancel(second.id).state).toBe('cancelled');
    // Time passing, on purpose: the long job keeps running, untouched by the cancel of the queued one.
    await new Promise((r) => setTimeout(r, 300));
    expect(jobs.get(first.id).state).toBe('running');
    jobs.cancel(first.id);
    const done = await jobs.wait(first.id);
    expect(done.state).toBe('cancelled');
    expect(done.result).toBeNull();
    // A cancelled job's worker is thrown away, never reused (a short wait: nor parked a moment later).
    await new Promise((r) => setTimeout(r, 100));
    expect(jobs.idleWorkers).toBe(0);
    // The job's scratch folder (ORT trace files) is gone.
    expect(existsSync(join(home, 'tmp', first.id))).toBe(false);
    expect(readdirSync(join(home, 'tmp'))).toEqual([]);
  });
});
