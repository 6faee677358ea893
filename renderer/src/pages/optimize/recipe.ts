// The recipe form's state, what each mode means, and the recipe it sends. Pure: no React.
import type { OptimizeDefaults, OptimizeMode, OptimizeRecipe } from '../../../../electron/core/api/types.js';

export interface ModeInfo {
  mode: OptimizeMode;
  label: string;
  /** One line: what it does and where it pays off. */
  explanation: string;
  quantized: boolean;
}

export const modes: readonly ModeInfo[] = [
  { mode: 'static', label: 'INT8 static', quantized: true, explanation: 'INT8 with calibration: smallest and fastest on CPUs with VNNI/dot-product.' },
  { mode: 'dynamic', label: 'INT8 dynamic', quantized: true, explanation: 'INT8 weights, activations quantized at run time: no calibration, best for MatMul-heavy models.' },
  { mode: 'fp16', label: 'FP16', quantized: false, explanation: 'Half the size, same accuracy; fast on GPUs/NPUs with FP16.' },
  { mode: 'ort', label: 'ORT format', quantized: false, explanation: 'ORT format for minimal/mobile builds, with the operator list.' },
  { mode: 'optimized', label: 'Optimized ONNX', quantized: false, explanation: 'Graph optimizations baked into a portable ONNX.' },
  { mode: 'tune', label: 'Tune INT8', quantized: true, explanation: 'INT8 keeping the most sensitive layers in float until top-1 drop ≤ budget.' },
];

export const modeInfo = (mode: OptimizeMode): ModeInfo => modes.find((m) => m.mode === mode) ?? modes[0]!;

/** Short name of a variant's mode for tables and chips. */
export function modeLabel(mode: OptimizeMode | 'float'): string {
  return mode === 'float' ? 'FP32 (parent)' : modeInfo(mode).label;
}

export type PathKey = keyof OptimizeDefaults;

export interface RecipeForm {
  mode: OptimizeMode;
  method: 'minmax' | 'percentile' | 'entropy';
  perChannel: boolean;
  activationType: 'uint8' | 'int8';
  /** Comma-separated node names or op types. */
  exclude: string;
  /** Points of top-1 (0.5 = half a point). */
  maxDropPts: string;
  /** Percent (98 = 98 %). */
  minAgreementPct: string;
  minSqnrDb: string;
  strict: boolean;
  /** The paired device every candidate is timed on; '' times them on this workstation. */
  deviceId: string;
}

export const initialForm: RecipeForm = {
  mode: 'static',
  method: 'percentile',
  perChannel: true,
  activationType: 'uint8',
  exclude: '',
  maxDropPts: '0.5',
  // Empty: the core's defaults for the mode apply (INT8 97 % / 20 dB, conversions 99 % / 30 dB).
  minAgreementPct: '',
  minSqnrDb: '',
  strict: false,
  deviceId: '',
};

/** Which options a mode uses. */
export function applies(mode: OptimizeMode) {
  const int8 = mode === 'static' || mode === 'tune' || mode === 'dynamic';
  return {
    int8,
    method: mode === 'static' || mode === 'tune',
    perChannel: int8,
    activationType: mode === 'static' || mode === 'tune',
    exclude: int8 || mode === 'fp16',
    calibration: mode === 'static' || mode === 'tune',
    maxDrop: mode === 'tune',
  };
}

export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const num = (text: string): number | null => {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

export type FieldErrors = Partial<Record<'maxDropPts' | 'minAgreementPct' | 'minSqnrDb' | PathKey, string>>;

/** Per-field problems a person can fix before running; empty when the recipe can be sent. */
export function validate(form: RecipeForm, paths: OptimizeDefaults): FieldErrors {
  const errors: FieldErrors = {};
  const use = applies(form.mode);
  const drop = num(form.maxDropPts);
  if (use.maxDrop && (drop === null || drop < 0 || drop > 100)) errors.maxDropPts = '0 to 100 points';
  const agr = num(form.minAgreementPct);
  if (form.minAgreementPct.trim() !== '' && (agr === null || agr < 0 || agr > 100)) errors.minAgreementPct = '0 to 100 %';
  const sqnr = num(form.minSqnrDb);
  if (form.minSqnrDb.trim() !== '' && (sqnr === null || sqnr < -100 || sqnr > 200)) errors.minSqnrDb = '-100 to 200 dB';
  if (use.calibration && !paths.calibrationNpy) errors.calibrationNpy = `${modeInfo(form.mode).label} needs calibration inputs (.npy)`;
  if (form.mode === 'tune') {
    if (!paths.evalInputsNpy) errors.evalInputsNpy = 'Tuning needs labelled evaluation inputs';
    if (!paths.evalLabelsNpy) errors.evalLabelsNpy = 'Tuning needs the labels of the evaluation inputs';
  }
  return errors;
}

/** The recipe as the core takes it: only the options the mode uses, fractions instead of percents. */
export function buildRecipe(form: RecipeForm, paths: OptimizeDefaults): OptimizeRecipe {
  const use = applies(form.mode);
  const recipe: OptimizeRecipe = { mode: form.mode };
  if (use.method) recipe.method = form.method;
  if (use.perChannel) recipe.perChannel = form.perChannel;
  if (use.activationType) recipe.activationType = form.activationType;
  const exclude = splitList(form.exclude);
  if (use.exclude && exclude.length > 0) recipe.exclude = exclude;
  if (use.calibration && paths.calibrationNpy) recipe.calibrationNpy = paths.calibrationNpy;
  if (paths.evalInputsNpy) recipe.evalInputsNpy = paths.evalInputsNpy;
  if (paths.evalLabelsNpy) recipe.evalLabelsNpy = paths.evalLabelsNpy;
  const drop = num(form.maxDropPts);
  if (use.maxDrop && drop !== null) recipe.maxDrop = drop / 100;
  const agr = num(form.minAgreementPct);
  if (agr !== null) recipe.minAgreement = agr / 100;
  const sqnr = num(form.minSqnrDb);
  if (sqnr !== null) recipe.minSqnrDb = sqnr;
  return recipe;
}

/** The top-1 budget a variant is judged by: its own recipe's, else what the form says now (fraction). */
export function budgetOf(recipe: OptimizeRecipe | null, form: RecipeForm): number {
  if (recipe?.maxDrop !== undefined) return recipe.maxDrop;
  const pts = num(form.maxDropPts);
  return pts === null ? 0.005 : pts / 100;
}
