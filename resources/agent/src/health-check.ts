// The health check of a trial model: it loads, runs a self-test input of the model's own input shapes,
// gives finite outputs, and its median self-test run stays under the bound the console set.
import * as ort from 'onnxruntime-node';
import type { HealthReport } from '../../device-protocol/messages.js';
import type { GraphOptimization } from '../../device-protocol/profile-result.js';
import { buildFeeds, inputSpecs } from '../../../electron/core/profiling/inputs.js';
import { percentile } from '../../../electron/core/util/stats.js';

export interface HealthBounds {
  maxLatencyMs: number;
  runs: number;
}

export interface HealthOutcome {
  report: HealthReport;
  /** The loaded session when healthy, to serve without loading the model twice. */
  session: ort.InferenceSession | null;
}

/**
 * onnxruntime's worker threads spin after each run by default, waiting for the next: on a device that
 * serves now and then (a camera at a few frames a second) that burns a core for nothing and heats the
 * board. With spinning off, latency stays the same for these models and idle CPU drops to zero.
 */
export const sessionOptions: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  executionProviders: ['cpu'],
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
};

/**
 * --graph-optimization: the level every session of this agent runs at, serving and profiling alike. Below
 * 'all' onnxruntime does not fuse QDQ into integer kernels, so an INT8 model runs as float kernels with
 * its conversions around them: an honest stand-in for a board without INT8 fast paths. Set once at start.
 */
export function useGraphOptimization(level: GraphOptimization): void {
  sessionOptions.graphOptimizationLevel = level;
}

export function graphOptimization(): GraphOptimization {
  return (sessionOptions.graphOptimizationLevel ?? 'all') as GraphOptimization;
}

export async function checkModel(file: string, bounds: HealthBounds): Promise<HealthOutcome> {
  const report = (fields: Partial<HealthReport>): HealthReport => ({
    ok: false,
    loaded: false,
    finite: false,
    runs: 0,
    latencyMs: null,
    maxLatencyMs: bounds.maxLatencyMs,
    reason: null,
    checkedAt: new Date().toISOString(),
    ...fields,
  });
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, sessionOptions);
  } catch (err) {
    return { report: report({ reason: `The model does not load: ${firstLine(err)}` }), session: null };
  }
  try {
    const outcome = await selfTest(session, bounds);
    const healthy = report({ loaded: true, ...outcome });
    if (healthy.ok) return { report: healthy, session };
    await session.release();
    return { report: healthy, session: null };
  } catch (err) {
    await session.release();
    return { report: report({ loaded: true, reason: `The self-test failed: ${firstLine(err)}` }), session: null };
  }
}

/** Self-test of a loaded session; also used again when a trial's healthy window ends. */
export async function selfTest(session: ort.InferenceSession, bounds: HealthBounds): Promise<Partial<HealthReport>> {
  const feeds = await buildFeeds(inputSpecs(session));
  await session.run(feeds); // warm-up: the first run allocates.
  const times: number[] = [];
  let finite = true;
  for (let i = 0; i < bounds.runs; i++) {
    const t0 = performance.now();
    const out = await session.run(feeds);
    times.push(performance.now() - t0);
    for (const tensor of Object.values(out)) if (!allFinite(tensor)) finite = false;
  }
  const latencyMs = percentile(times, 50);
  const fast = latencyMs <= bounds.maxLatencyMs;
  const reason = !finite
    ? 'The model gives NaN or infinite outputs on the self-test input.'
    : !fast
      ? `The median self-test run took ${latencyMs.toFixed(1)} ms, over the ${bounds.maxLatencyMs} ms bound.`
      : null;
  return { ok: finite && fast, finite, runs: bounds.runs, latencyMs, reason };
}

function allFinite(tensor: ort.Tensor): boolean {
  const data = tensor.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return true;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
}
