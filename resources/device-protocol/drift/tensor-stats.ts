// What is sketched of one inference: per sample (the first axis of a rank ≥ 2 tensor is the batch),
// the mean and standard deviation of the input tensor and, for small vectors such as sensor features,
// each feature; of the output, the top-1 softmax confidence and the predicted class (or, for a
// one-wide output such as an anomaly score, the score itself). The agent and the reference profile
// both call these, so device and reference statistics are the same numbers.

export type StatGroup = 'input' | 'output';

/** A tensor as onnxruntime hands it over (only float data is sketched). */
export interface TensorLike {
  data: unknown;
  dims: readonly number[];
}

export type StatValues =
  | { key: string; group: StatGroup; kind: 'numeric'; values: number[] }
  | { key: string; group: StatGroup; kind: 'categorical'; classes: number; labels: number[] };

/** Inputs with at most this many values per sample get one sketch per feature. */
export const maxFeatures = 32;

function floatData(t: TensorLike): Float32Array | Float64Array | null {
  return t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : null;
}

function rowsOf(t: TensorLike, length: number): number {
  const rows = t.dims.length >= 2 ? t.dims[0] : 1;
  return rows > 0 && length % rows === 0 ? rows : 0;
}

/** Per-sample statistics of one input; rows holding NaN or ±Infinity are counted in `skipped`, not sketched. */
export function inputStats(name: string, t: TensorLike): { rows: number; skipped: number; stats: StatValues[] } {
  const data = floatData(t);
  if (!data || data.length === 0) return { rows: 0, skipped: 0, stats: [] };
  const rows = rowsOf(t, data.length);
  if (!rows) return { rows: 0, skipped: 0, stats: [] };
  const size = data.length / rows;
  const means: number[] = [];
  const stds: number[] = [];
  const features = size <= maxFeatures ? Array.from({ length: size }, () => [] as number[]) : null;
  let skipped = 0;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    let sq = 0;
    let finite = true;
    for (let i = r * size; i < (r + 1) * size; i++) {
      const v = data[i];
      if (!Number.isFinite(v)) {
        finite = false;
        break;
      }
      sum += v;
      sq += v * v;
    }
    if (!finite) {
      skipped++;
      continue;
    }
    const mean = sum / size;
    means.push(mean);
    stds.push(Math.sqrt(Math.max(0, sq / size - mean * mean)));
    if (features) for (let f = 0; f < size; f++) features[f].push(data[r * size + f]);
  }
  const stats: StatValues[] = [
    { key: `${name}.mean`, group: 'input', kind: 'numeric', values: means },
    { key: `${name}.std`, group: 'input', kind: 'numeric', values: stds },
  ];
  if (features && size > 1) features.forEach((values, f) => stats.push({ key: `${name}[${f}]`, group: 'input', kind: 'numeric', values }));
  return { rows, skipped, stats };
}

/**
 * Statistics of one output of shape [N, C] (or [C]). A last axis wider than 1 is read as class logits:
 * top-1 softmax confidence (as the agent's telemetry computes it) and the argmax class; a last axis of
 * 1 is a score. Higher ranks (detection boxes, segmentation maps) are not sketched: their last axis is
 * not one answer per sample.
 */
export function outputStats(name: string, t: TensorLike): StatValues[] {
  const data = floatData(t);
  if (!data || data.length === 0 || t.dims.length > 2) return [];
  const classes = t.dims.length ? t.dims[t.dims.length - 1] : 1;
  if (!(classes > 0) || data.length % classes !== 0) return [];
  const rows = data.length / classes;
  if (classes === 1) return [{ key: `${name}.score`, group: 'output', kind: 'numeric', values: Array.from(data).filter(Number.isFinite) }];
  const top1: number[] = [];
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let max = -Infinity;
    let finite = true;
    for (let c = 0; c < classes; c++) {
      const v = data[r * classes + c];
      if (!Number.isFinite(v)) finite = false;
      if (v > max) {
        max = v;
        best = c;
      }
    }
    if (!finite) continue;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(data[r * classes + c] - max);
    top1.push(1 / sum);
    labels.push(best);
  }
  return [
    { key: `${name}.top1`, group: 'output', kind: 'numeric', values: top1 },
    { key: `${name}.class`, group: 'output', kind: 'categorical', classes, labels },
  ];
}
