// Accuracy-driven mixed precision: start from full static INT8; while the top-1 drop against float
// exceeds the budget, keep the layers that hurt most (sensitivity ranking) in float. Prefixes of the
// ranking grow by doubling, then a bisection finds the shortest prefix within budget, then kept layers
// go back to INT8 one at a time, largest first, while the budget still holds. The answer is the
// smallest (then fastest) model of all those measured that meets the budget.
// With a device's latency oracle every step is timed on the device, and a last pass compares the
// device's per-layer times of the float parent and the chosen mix: a quantized layer slower in INT8
// there goes back to float, if the rebuilt model still meets the budget (see layer-timing.ts).
import { AppError } from '../api/errors.js';
import type { ImagePreprocess, LayerTimingDecision } from '../api/types.js';
import { throwIfCancelled } from '../jobs/task-types.js';
import { evaluateModel } from './evaluate.js';
import type { LatencyOracle, ModelTiming } from './latency-oracle.js';
import { readGraphNodes } from '../profiling/graph-nodes.js';
import { layerTimes, slowerInInt8, slowerReason } from './layer-timing.js';
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
  /** Times every step there (a device) instead of in this process, and enables the per-layer pass. */
  latency?: LatencyOracle;
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
  /** With a device: quantized layers slower in INT8 there, and whether they went back to float. */
  deviceLayers?: LayerTimingDecision[];
  /** Why a kept-float layer is float, where it is not the accuracy search (a device's per-layer pass). */
  floatReasons?: Record<string, string>;
}

const keyOf = (keep: readonly string[]) => [...keep].sort().join('|');

export async function tuneStatic(req: TuneRequest): Promise<TuneResult> {
  const evalOf = (model: Uint8Array) =>
    evaluateModel({ model, inputsNpy: req.evalInputsNpy, labelsNpy: req.evalLabelsNpy, preprocess: req.preprocess, maxSamples: req.evalSamples, latencySamples: 20, latencyOracle: req.latency, signal: req.signal });
  const float = await evalOf(req.parent);
  if (float.top1 === null) {
    throw new AppError('TUNE_NEEDS_DATA', 'Tuning needs labelled eval data', `${req.evalInputsNpy} has no labels: give evalLabelsNpy, or use an image folder with one subfolder per class.`);
  }
  const floatTop1 = float.top1!;
  const steps: TuneStep[] = [];
  const built = new Map<string, { bytes: Uint8Array; decisions: NodeDecision[] }>();
  const timings = new Map<string, ModelTiming>();
  const within = (s: TuneStep) => floatTop1 - s.top1 <= req.maxDrop + 1e-9;

  const measure = async (keep: string[]): Promise<TuneStep> => {
    const key = keyOf(keep);
    const seen = steps.find((s) => keyOf(s.keptFloat) === key);
    if (seen) return seen;
    if (req.signal) throwIfCancelled(req.signal);
    const b = buildStatic(req.parent, keep, req.ranges, req);
    if (!b) throw new AppError('QUANT_NOTHING_TO_DO', 'Nothing to quantize', 'No node of the model can be quantized in static mode.');
    const r = await evalOf(b.bytes);
    const step = { keptFloat: keep, top1: r.top1!, sizeBytes: b.bytes.byteLength, latencyP50Ms: r.latencyMs.p50 };
    steps.push(step);
    built.set(key, b);
    if (r.timing) timings.set(key, r.timing);
    req.onStep?.(step, steps.length);
    return step;
  };
  const finish = (sensitivity: LayerSensitivity[] | null): TuneResult => {
    const ok = steps.filter(within);
    const best = ok.length
      ? ok.reduce((a, b) => (b.sizeBytes < a.sizeBytes || (b.sizeBytes === a.sizeBytes && b.latencyP50Ms < a.latencyP50Ms) ? b : a))
      : steps.reduce((a, b) => (b.top1 > a.top1 ? b : a));
    const b = built.get(keyOf(best.keptFloat))!;
    return { bytes: b.bytes, decisions: b.decisions, keptFloat: best.keptFloat, floatTop1, steps, withinBudget: ok.length > 0, sensitivity };
  };

  const search = async (): Promise<TuneResult> => {
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
  };
  const found = await search();
  if (req.latency?.source.kind !== 'device' || !float.timing) return found;

  // The device's per-layer pass: INT8 layers slower there than in float go back to float.
  const deviceName = req.latency.source.deviceName;
  const chosen = timings.get(keyOf(found.keptFloat));
  if (!chosen) return { ...found, deviceLayers: [] };
  const quantized = found.decisions.filter((d) => d.status === 'quantized' && !found.keptFloat.includes(d.name));
  const slow = slowerInInt8(layerTimes(float.timing.perLayer, chosen.perLayer, quantized, readGraphNodes(built.get(keyOf(found.keptFloat))!.bytes).nodes));
  if (slow.length === 0) return { ...found, deviceLayers: [] };
  const keep = [...found.keptFloat, ...slow.map((l) => l.node)];
  let step: TuneStep;
  try {
    step = await measure(keep);
  } catch (err) {
    // Every layer the quantizer would quantize is slower in INT8 there: no INT8 variant can be faster on it.
    if (!(err instanceof AppError && err.code === 'QUANT_NOTHING_TO_DO')) throw err;
    const worst = slow[0];
    throw new AppError(
      'TUNE_NO_GAIN_ON_DEVICE',
      `INT8 does not pay off on ${deviceName}`,
      `Every one of the ${slow.length} quantized layers ran slower in INT8 than in float on ${deviceName} (${req.latency.source.runtime}; the worst, ${worst.node}: ${worst.int8Ms.toFixed(3)} ms vs ${worst.floatMs.toFixed(3)} ms), so no tuned model would be faster there. Keep the float model on that device, or try FP16; nothing was registered.`,
    );
  }
  const b = built.get(keyOf(keep))!;
  // A node the quantizer quantizes with its neighbours whatever is asked (it stays quantized) cannot go back alone.
  const nowFloat = new Set(b.decisions.filter((d) => d.status === 'float').map((d) => d.name));
  const kept = within(step) && slow.some((l) => nowFloat.has(l.node));
  const outcome = (l: { node: string }) => (!nowFloat.has(l.node) ? 'bound' : kept ? 'kept' : 'budget');
  const deviceLayers = slow.map((l) => ({ ...l, keptFloat: outcome(l) === 'kept', reason: slowerReason(l, deviceName, outcome(l)) }));
  if (!kept) return { ...found, deviceLayers };
  const floatReasons = Object.fromEntries(deviceLayers.filter((l) => l.keptFloat).map((l) => [l.node, l.reason]));
  const keptFloat = keep.filter((n) => found.keptFloat.includes(n) || nowFloat.has(n));
  return { ...found, bytes: b.bytes, decisions: b.decisions, keptFloat, withinBudget: true, deviceLayers, floatReasons };
}
