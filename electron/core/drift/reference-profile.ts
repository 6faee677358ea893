// A model version's drift reference: run the model (onnxruntime-node) over its calibration or
// evaluation data, read through the same DataSource as calibration and evaluation, take the same
// per-sample statistics the agent takes (device-protocol/drift/tensor-stats), and cut each numeric
// statistic's histogram at its exact deciles, so every bin holds a tenth of the reference.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { ImagePreprocess } from '../api/types.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { openDataSource, readBatches } from '../quantize/data/data-source.js';
import { infer, loadRunner } from '../quantize/model-runner.js';
import { referenceFormat, type ReferenceProfileData } from '../../../resources/device-protocol/drift/reference-data.js';
import { SketchSet, type DriftEdges } from '../../../resources/device-protocol/drift/sketch-set.js';
import { inputStats, outputStats, type StatValues } from '../../../resources/device-protocol/drift/tensor-stats.js';

export interface ReferenceProfileRequest {
  /** A file path or the model's bytes. */
  model: string | Uint8Array;
  /** An .npy file or an image folder, as for calibration and evaluation. */
  data: string;
  split: 'calibration' | 'evaluation';
  preprocess?: ImagePreprocess;
  batch?: number;
  maxSamples?: number;
  /** Histogram bins per numeric statistic; default 10 (deciles). */
  bins?: number;
  compression?: number;
  signal?: AbortSignal;
}

/** Fewer reference samples make decile edges too noisy to judge a device against. */
export const minReferenceSamples = 100;

export async function buildReferenceProfile(req: ReferenceProfileRequest): Promise<ReferenceProfileData> {
  const bytes = typeof req.model === 'string' ? await fsp.readFile(req.model) : req.model;
  const model = createHash('sha256').update(bytes).digest('hex');
  const runner = await loadRunner(bytes);
  const src = await openDataSource(req.data, { name: runner.input, shape: runner.shape }, req.preprocess);
  const values = new Map<string, StatValues>();
  let rows = 0;
  let skipped = 0;
  try {
    const fixed = typeof runner.shape?.[0] === 'number' ? runner.shape[0] : null;
    for await (const b of readBatches(src, req.batch ?? 32, req.maxSamples ?? Infinity, fixed)) {
      if (req.signal) throwIfCancelled(req.signal);
      const out = await infer(runner, b.data, b.shape);
      const ins = inputStats(runner.input, { data: b.data, dims: b.shape });
      rows += ins.rows;
      skipped += ins.skipped;
      const outDims = [b.shape[0], out.length / b.shape[0]];
      for (const s of [...ins.stats, ...outputStats(runner.output, { data: out, dims: outDims })]) collect(values, s);
    }
  } finally {
    await src.close();
    await runner.session.release();
  }
  if (rows < minReferenceSamples) {
    throw new AppError('DRIFT_REFERENCE_SMALL', 'Too few samples for a drift reference', `${path.basename(req.data)} gave ${rows} samples; a reference profile needs at least ${minReferenceSamples} so its decile bins mean something. Use a larger calibration or evaluation set.`);
  }
  const edges: DriftEdges = {};
  for (const [key, s] of values) if (s.kind === 'numeric') edges[key] = quantileEdges(s.values, req.bins ?? 10);
  const set = new SketchSet(model, 0, 0, { compression: req.compression, edges });
  set.samples = rows;
  set.skipped = skipped;
  set.add([...values.values()]);
  return {
    format: referenceFormat,
    v: 1,
    model,
    source: { file: path.basename(req.data), split: req.split, rows },
    createdAt: new Date().toISOString(),
    sketches: set.toJSON(),
  };
}

function collect(into: Map<string, StatValues>, s: StatValues): void {
  const have = into.get(s.key);
  if (!have) into.set(s.key, s.kind === 'numeric' ? { ...s, values: [...s.values] } : { ...s, labels: [...s.labels] });
  else if (have.kind === 'numeric' && s.kind === 'numeric') for (const v of s.values) have.values.push(v);
  else if (have.kind === 'categorical' && s.kind === 'categorical') for (const l of s.labels) have.labels.push(l);
}

/** Interior cut points at the exact k/bins quantiles (type 7), ties dropped so edges ascend strictly. */
export function quantileEdges(values: readonly number[], bins: number): number[] {
  const xs = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const rank = (k / bins) * (xs.length - 1);
    const lo = Math.floor(rank);
    const e = Number((xs[lo] + (xs[Math.min(lo + 1, xs.length - 1)] - xs[lo]) * (rank - lo)).toPrecision(7));
    if (!edges.length || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}
