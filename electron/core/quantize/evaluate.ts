// Accuracy and speed of a model on labelled samples, optionally against a reference model
// (top-1 agreement and SQNR of the first output), with batch-1 latency on a subset.
import { promises as fsp } from 'node:fs';
import { throwIfCancelled } from '../jobs/task-types.js';
import { readNpy } from '../util/npy.js';
import { mean, percentile } from '../util/stats.js';
import type { ImagePreprocess } from '../api/types.js';
import { openDataSource, readBatches } from './data/data-source.js';
import { infer, loadRunner as load, type Runner } from './model-runner.js';
import type { LatencyOracle, ModelTiming } from './latency-oracle.js';
import { OutputComparison } from './output-comparison.js';

export interface EvaluateRequest {
  /** A file path or the model's bytes. */
  model: string | Uint8Array;
  /** An .npy file or an image folder (which gives the labels when labelsNpy is absent). */
  inputsNpy: string;
  labelsNpy?: string | null;
  preprocess?: ImagePreprocess;
  reference?: string | Uint8Array | null;
  batch?: number;
  /** Samples timed at batch 1 (after 5 warm-up runs); default 50. */
  latencySamples?: number;
  maxSamples?: number;
  /** Times the model (and the reference) there instead of in this process, e.g. on a device; absent: here. */
  latencyOracle?: LatencyOracle;
  signal?: AbortSignal;
}

export interface EvaluateResult {
  /** null without labels. */
  top1: number | null;
  top5: number | null;
  agreement: number | null;
  sqnrDb: number | null;
  latencyMs: { p50: number; mean: number };
  /** The reference's batch-1 latency on the same samples, when a reference was given. */
  referenceLatencyMs: { p50: number; mean: number } | null;
  sizeBytes: number;
  samples: number;
  /** With a latency oracle: its timing of the model (per-layer rows included). */
  timing?: ModelTiming;
}

export async function readLabels(file: string): Promise<number[]> {
  const arr = await readNpy(file);
  return Array.from(arr.data as ArrayLike<number | bigint>, (v) => Number(v));
}

async function latency(r: Runner, rows: Float32Array[], rowShape: number[], signal?: AbortSignal): Promise<{ p50: number; mean: number }> {
  const times: number[] = [];
  for (let i = 0; i < rows.length + 5; i++) {
    if (signal) throwIfCancelled(signal);
    const row = rows[i % rows.length];
    const t0 = process.hrtime.bigint();
    await infer(r, row, [1, ...rowShape]);
    if (i >= 5) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { p50: percentile(times, 50), mean: mean(times) };
}

export async function evaluateModel(req: EvaluateRequest): Promise<EvaluateResult> {
  const runner = await load(req.model);
  const ref = req.reference ? await load(req.reference) : null;
  const src = await openDataSource(req.inputsNpy, { name: runner.input, shape: runner.shape }, req.preprocess);
  try {
    const labels = req.labelsNpy ? await readLabels(req.labelsNpy) : src.labels;
    const total = Math.min(src.rows, req.maxSamples ?? Infinity, labels?.length ?? Infinity);
    const fixed = typeof runner.shape?.[0] === 'number' ? runner.shape[0] : null;
    const cmp = new OutputComparison();
    let top1 = 0;
    let top5 = 0;
    let classes = 0;
    let samples = 0;
    const timed: Float32Array[] = [];
    const rowShape = src.rowShape;
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const latencyCount = req.latencySamples ?? 50;
    for await (const b of readBatches(src, req.batch ?? 32, total, fixed)) {
      if (req.signal) throwIfCancelled(req.signal);
      const n = b.shape[0];
      const out = await infer(runner, b.data, b.shape);
      classes = out.length / n;
      const refOut = ref ? await infer(ref, b.data, b.shape) : null;
      for (let s = 0; s < n; s++) {
        const row = out.subarray(s * classes, (s + 1) * classes);
        if (labels) {
          const label = labels[b.start + s];
          const ranked = topK(row, 5);
          if (ranked[0] === label) top1++;
          if (ranked.includes(label)) top5++;
        }
        if (refOut) cmp.add(row, refOut.subarray(s * classes, (s + 1) * classes));
        if (timed.length < latencyCount) timed.push(b.data.slice(s * rowSize, (s + 1) * rowSize));
      }
      samples += n;
    }
    const oracle = req.latencyOracle;
    const timing = oracle ? await oracle.time(req.model, req.signal) : undefined;
    const lat = timing ? { p50: timing.p50Ms, mean: timing.meanMs } : await latency(runner, timed, rowShape, req.signal);
    const refTiming = oracle && req.reference ? await oracle.time(req.reference, req.signal) : null;
    const refLat = refTiming ? { p50: refTiming.p50Ms, mean: refTiming.meanMs } : ref ? await latency(ref, timed, rowShape, req.signal) : null;
    const sizeBytes = typeof req.model === 'string' ? (await fsp.stat(req.model)).size : req.model.byteLength;
    return {
      top1: labels ? top1 / samples : null,
      top5: labels && classes >= 5 ? top5 / samples : null,
      agreement: ref ? cmp.agreement() : null,
      sqnrDb: ref ? cmp.sqnrDb() : null,
      latencyMs: lat,
      referenceLatencyMs: refLat,
      sizeBytes,
      samples,
      ...(timing ? { timing } : {}),
    };
  } finally {
    await src.close();
    await runner.session.release();
    await ref?.session.release();
  }
}

/** Indices of the k largest values, largest first. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let pos = idx.length;
    while (pos > 0 && values[idx[pos - 1]] < values[i]) pos--;
    if (pos < k) {
      idx.splice(pos, 0, i);
      if (idx.length > k) idx.pop();
    }
  }
  return idx;
}
