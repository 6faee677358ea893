// Runs a variant and its parent over the same samples: top-1 agreement and SQNR of the variant
// against the parent, top-1/top-5 of both when labels are given, and batch-1 latency of both
// measured interleaved (parent, variant, variant, parent, ...) so that drift hits both alike.
import { throwIfCancelled } from '../jobs/task-types.js';
import { percentile } from '../util/stats.js';
import type { ImagePreprocess } from '../api/types.js';
import { openDataSource, readBatches } from './data/data-source.js';
import { readLabels, topK } from './evaluate.js';
import { infer, loadRunner, timeInfer, type Runner } from './model-runner.js';
import type { LatencyOracle, ModelTiming } from './latency-oracle.js';
import { OutputComparison } from './output-comparison.js';

export interface SideBySideRequest {
  parent: string | Uint8Array;
  variant: string | Uint8Array;
  /** An .npy file or an image folder (which gives the labels when labelsNpy is absent). */
  inputsNpy: string;
  labelsNpy?: string | null;
  preprocess?: ImagePreprocess;
  maxSamples?: number;
  /** Interleaved timed pairs at batch 1, after 5 warm-up pairs (default 60). */
  latencyRuns?: number;
  /** Times parent and variant there (parent first, so the variant ends staged on a device) instead of interleaved here. */
  latencyOracle?: LatencyOracle;
  signal?: AbortSignal;
  onCompare?: (done: number, total: number) => void;
  onLatency?: (run: number, runs: number) => void;
}

export interface Accuracy {
  top1: number | null;
  top5: number | null;
}

export interface SideBySideResult {
  samples: number;
  agreement: number;
  sqnrDb: number;
  variant: Accuracy & { latencyP50Ms: number };
  parent: Accuracy & { latencyP50Ms: number };
  /** A batch-1 row of the inputs, for kernel profiling. */
  firstRow: { data: Float32Array; shape: number[] };
  /** With a latency oracle: its timings of both. */
  timing?: { parent: ModelTiming; variant: ModelTiming };
}

class TopK {
  top1 = 0;
  top5 = 0;
  classes = 0;
  add(row: Float32Array, label: number): void {
    this.classes = row.length;
    const ranked = topK(row, 5);
    if (ranked[0] === label) this.top1++;
    if (ranked.includes(label)) this.top5++;
  }
  result(n: number): Accuracy {
    return { top1: n ? this.top1 / n : null, top5: n && this.classes >= 5 ? this.top5 / n : null };
  }
}

export async function sideBySide(req: SideBySideRequest): Promise<SideBySideResult> {
  const variant = await loadRunner(req.variant);
  let parent: Runner | null = null;
  try {
    parent = await loadRunner(req.parent);
    const src = await openDataSource(req.inputsNpy, { name: parent.input, shape: parent.shape }, req.preprocess);
    try {
      const labels = req.labelsNpy ? await readLabels(req.labelsNpy) : src.labels;
      const total = Math.min(src.rows, req.maxSamples ?? Infinity, labels?.length ?? Infinity);
      const fixed = typeof parent.shape?.[0] === 'number' ? parent.shape[0] : null;
      const cmp = new OutputComparison();
      const vAcc = new TopK();
      const pAcc = new TopK();
      const rowShape = src.rowShape;
      const rowSize = rowShape.reduce((a, b) => a * b, 1);
      const timed: Float32Array[] = [];
      let samples = 0;
      for await (const b of readBatches(src, 32, total, fixed)) {
        if (req.signal) throwIfCancelled(req.signal);
        const n = b.shape[0];
        const out = await infer(variant, b.data, b.shape);
        const ref = await infer(parent, b.data, b.shape);
        const classes = out.length / n;
        for (let s = 0; s < n; s++) {
          const o = out.subarray(s * classes, (s + 1) * classes);
          const r = ref.subarray(s * classes, (s + 1) * classes);
          cmp.add(o, r);
          if (labels) {
            vAcc.add(o, labels[b.start + s]);
            pAcc.add(r, labels[b.start + s]);
          }
          if (timed.length < 20) timed.push(b.data.slice(s * rowSize, (s + 1) * rowSize));
        }
        samples += n;
        req.onCompare?.(samples, total);
      }
      const shape = [1, ...rowShape];
      let timing: SideBySideResult['timing'];
      let pLat: number;
      let vLat: number;
      if (req.latencyOracle) {
        req.onLatency?.(0, 2);
        const p = await req.latencyOracle.time(req.parent, req.signal);
        req.onLatency?.(1, 2);
        const v = await req.latencyOracle.time(req.variant, req.signal);
        req.onLatency?.(2, 2);
        timing = { parent: p, variant: v };
        [pLat, vLat] = [p.p50Ms, v.p50Ms];
      } else {
        [pLat, vLat] = await interleavedLatency(parent, variant, timed, shape, req.latencyRuns ?? 60, req);
      }
      return {
        samples,
        agreement: cmp.agreement(),
        sqnrDb: cmp.sqnrDb(),
        variant: { ...vAcc.result(labels ? samples : 0), latencyP50Ms: vLat },
        parent: { ...pAcc.result(labels ? samples : 0), latencyP50Ms: pLat },
        firstRow: { data: timed[0], shape },
        ...(timing ? { timing } : {}),
      };
    } finally {
      await src.close();
    }
  } finally {
    await variant.session.release();
    await parent?.session.release();
  }
}

/** p50 batch-1 latency of a and b (ms), timed in alternating order on the same rows. */
export async function interleavedLatency(a: Runner, b: Runner, rows: Float32Array[], shape: number[], runs: number, req: Pick<SideBySideRequest, 'signal' | 'onLatency'> = {}): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  const warmup = 5;
  for (let i = 0; i < runs + warmup; i++) {
    if (req.signal) throwIfCancelled(req.signal);
    const row = rows[i % rows.length];
    const first = i % 2 === 0;
    const x = first ? await timeInfer(a, row, shape) : 0;
    const y = await timeInfer(b, row, shape);
    const x2 = first ? x : await timeInfer(a, row, shape);
    if (i >= warmup) {
      ta.push(x2);
      tb.push(y);
      req.onLatency?.(i - warmup + 1, runs);
    }
  }
  return [percentile(ta, 50), percentile(tb, 50)];
}
