// Accuracy-driven mixed precision: start from full static INT8; while the top-1 drop against float
// exceeds the budget, keep the layers that hurt most (sensitivity ranking) in float. Prefixes of the
// ranking grow by doubling, then a bisection finds the shortest prefix within budget, then kept layers
// go back to INT8 one at a time, largest first, while the budget still holds. The answer is the
// smallest (then fastest) model of all those measured that meets the budget.
import { AppError } from '../api/errors.js';
import type { ImagePreprocess } from '../api/types.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { evaluateModel } from './evaluate.js';
import type { Range } from './quant-params.js';
import type { NodeDecision } from './report-types.js';
import { measureSensitivity, type LayerSensitivity } from './sensitivity.js';
import { buildStatic, type StaticBuildOptions } from './static-build.js';

export interface TuneStep {
  keptFloat: string[];
  top1: number;
  sizeBytes: number;
  latencyP50Ms: number;
}

export interface TuneRequest extends StaticBuildOptions {
  parent: Uint8Array;
  ranges: Map<string, Range>;
  /** Samples for the sensitivity ranking (the calibration file). */
  calibrationNpy: string;
  /** An .npy file or an image folder; without evalLabelsNpy the folder must be labelled. */
  evalInputsNpy: string;
  evalLabelsNpy?: string | null;
  preprocess?: ImagePreprocess;
  maxDrop: number;
  /** Cap on eval samples per step (all by default). */
  evalSamples?: number;
  /** Cap on measured steps, the full INT8 one included (default 14). */
  maxSteps?: number;
  signal?: AbortSignal;
  onStep?: (step: TuneStep, count: number) => void;
}

export interface TuneResult {
  bytes: Uint8Array;
  decisions: NodeDecision[];
  keptFloat: string[];
  floatTop1: number;
  steps: TuneStep[];
  withinBudget: boolean;
  sensitivity: LayerSensitivity[] | null;
}

export async function tuneStatic(req: TuneRequest): Promise<TuneResult> {
  const evalOf = (model: Uint8Array) => evaluateModel({ model, inputsNpy: req.evalInputsNpy, labelsNpy: req.evalLabelsNpy, preprocess: req.preprocess, maxSamples: req.evalSamples, latencySamples: 20, signal: req.signal });
  const float = await evalOf(req.parent);
  if (float.top1 === null) {
    throw new AppError('TUNE_NEEDS_DATA', 'Tuning needs labelled eval data', `${req.evalInputsNpy} has no labels: give evalLabelsNpy, or use an image folder with one subfolder per class.`);
  }
  const floatTop1 = float.top1!;
  const steps: TuneStep[] = [];
  const built = new Map<string, { bytes: Uint8Array; decisions: NodeDecision[] }>();
  const within = (s: TuneStep) => floatTop1 - s.top1 <= req.maxDrop + 1e-9;

  const measure = async (keep: string[]): Promise<TuneStep> => {
    const key = [...keep].sort().join('|');
    const seen = steps.find((s) => [...s.keptFloat].sort().join('|') === key);
    if (seen) return seen;
    if (req.signal) throwIfCancelled(req.signal);
    const b = buildStatic(req.parent, keep, req.ranges, req);
    if (!b) throw new AppError('QUANT_NOTHING_TO_DO', 'Nothing to quantize', 'No node of the model can be quantized in static mode.');
    const r = await evalOf(b.bytes);
    const step = { keptFloat: keep, top1: r.top1!, sizeBytes: b.bytes.byteLength, latencyP50Ms: r.latencyMs.p50 };
    steps.push(step);
    built.set(key, b);
    req.onStep?.(step, steps.length);
    return step;
  };
  const finish = (sensitivity: LayerSensitivity[] | null): TuneResult => {
    const ok = steps.filter(within);
    const best = ok.length
      ? ok.reduce((a, b) => (b.sizeBytes < a.sizeBytes || (b.sizeBytes === a.sizeBytes && b.latencyP50Ms < a.latencyP50Ms) ? b : a))
      : steps.reduce((a, b) => (b.top1 > a.top1 ? b : a));
    const b = built.get([...best.keptFloat].sort().join('|'))!;
    return { bytes: b.bytes, decisions: b.decisions, keptFloat: best.keptFloat, floatTop1, steps, withinBudget: ok.length > 0, sensitivity };
  };

  if (within(await measure([]))) return finish(null);
  const sens = await measureSensitivity(req.parent, req.ranges, { ...req, samplesNpy: req.calibrationNpy, preprocess: req.preprocess, signal: req.signal });
  const ranked = sens.layers.map((l) => l.node);
  const maxSteps = req.maxSteps ?? 14;
  const prefix = (k: number) => ranked.slice(0, k);

  // Doubling, then bisection, for the shortest passing prefix.
  let lo = 0;
  let hi = -1;
  for (let k = 1; steps.length < maxSteps; k = Math.min(k * 2, ranked.length)) {
    if (within(await measure(prefix(k)))) {
      hi = k;
      break;
    }
    lo = k;
    if (k === ranked.length) break;
  }
  if (hi < 0) return finish(sens.layers);
  while (hi - lo > 1 && steps.length < maxSteps) {
    const mid = (lo + hi) >> 1;
    if (within(await measure(prefix(mid)))) hi = mid;
    else lo = mid;
  }
  // Hand the largest kept layers back to INT8 while the budget holds.
  let keep = prefix(hi);
  const size = new Map(sens.layers.map((l) => [l.node, l.params]));
  for (const layer of [...keep].sort((a, b) => (size.get(b) ?? 0) - (size.get(a) ?? 0))) {
    if (steps.length >= maxSteps || keep.length <= 1) break;
    const fewer = keep.filter((k) => k !== layer);
    if (within(await measure(fewer))) keep = fewer;
  }
  return finish(sens.layers);
}
