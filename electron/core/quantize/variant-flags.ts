// The safety net's verdict on a variant: thresholds from the recipe and the flags they raise.
import type { OptimizeRecipe, VariantFlag, VariantMetrics } from '../api/types.js';
import { whereTimed } from '../api/timing-words.js';

export interface Thresholds {
  minAgreement: number;
  minSqnrDb: number;
  maxDrop: number;
}

const INT8_MODES = new Set(['static', 'dynamic', 'tune']);

export function thresholdsFor(recipe: OptimizeRecipe): Thresholds {
  // Graph conversions (ort, optimized) should be as close to the parent as float16 or closer. INT8 moves
  // borderline samples across class boundaries both ways (the sample gains top-1 at 98 % agreement), so its
  // agreement floor is lower; the accuracy check against labels is the one that guards INT8.
  const int8 = INT8_MODES.has(recipe.mode);
  return {
    minAgreement: recipe.minAgreement ?? (int8 ? 0.97 : 0.99),
    minSqnrDb: recipe.minSqnrDb ?? (int8 ? 20 : 30),
    maxDrop: recipe.maxDrop ?? 0.01,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export function variantFlags(m: VariantMetrics, parent: VariantMetrics | null, t: Thresholds): VariantFlag[] {
  const flags: VariantFlag[] = [];
  if (m.latencyRatio !== null && m.latencyRatio > 1) {
    flags.push({ level: 'warning', code: 'SLOWER_THAN_PARENT', message: `Runs at ${m.latencyRatio.toFixed(2)}× the parent's batch-1 latency (${m.latencyP50Ms?.toFixed(2)} ms against ${parent?.latencyP50Ms?.toFixed(2)} ms) ${whereTimed(m.timing)}.` });
  }
  if (m.agreement !== null && m.agreement < t.minAgreement) {
    flags.push({ level: 'error', code: 'LOW_AGREEMENT', message: `Top-1 agreement with the parent is ${pct(m.agreement)}, below the required ${pct(t.minAgreement)}.` });
  }
  if (m.sqnrDb !== null && m.sqnrDb < t.minSqnrDb) {
    flags.push({ level: 'error', code: 'LOW_SQNR', message: `Output SQNR against the parent is ${m.sqnrDb.toFixed(1)} dB, below the required ${t.minSqnrDb} dB.` });
  }
  if (m.top1 !== null && parent?.top1 != null) {
    const drop = parent.top1 - m.top1;
    if (drop > t.maxDrop) {
      flags.push({ level: 'error', code: 'ACCURACY_DROP', message: `Top-1 fell from ${pct(parent.top1)} to ${pct(m.top1)} (${(drop * 100).toFixed(2)} points; allowed ${(t.maxDrop * 100).toFixed(2)}).` });
    }
  }
  if (m.top1 === null) {
    flags.push({ level: 'warning', code: 'NOT_EVALUATED', message: 'Accuracy was not measured: no labelled evaluation data was given (agreement and SQNR are against the parent).' });
  }
  return flags;
}

/** The detail of a SAFETY_NET error: the failed checks with their figures and what to try. */
export function safetyNetDetail(flags: VariantFlag[], mode: OptimizeRecipe['mode']): string {
  const failed = flags.filter((f) => f.level === 'error');
  const tips: Record<string, string> = {
    static: 'try the entropy or percentile calibration method, more or more typical calibration samples, per-channel weights, excluding the most sensitive layers (see the sensitivity report), or the tune mode with an accuracy budget',
    tune: 'allow a larger accuracy drop or give more calibration samples',
    dynamic: 'exclude the layers that lose most, or use float16',
    fp16: 'add the failing ops to the float16 block list, or keep the float model',
    ort: 'use the optimized ONNX conversion instead, or report the model',
    optimized: 'convert to ORT format without optimizations, or report the model',
  };
  return `${failed.map((f) => `${f.code}: ${f.message}`).join(' ')} To fix: ${tips[mode] ?? 'try another recipe'}.`;
}
