import { AppError } from '../../core/api/errors.js';
import type { ImagePreprocess, OptimizeRecipe } from '../../core/api/types.js';
import { parsePreprocess } from '../../core/quantize/data/preprocess.js';
import { openCore } from '../context.js';
import { optimizeToFile } from '../optimize-flow.js';
import { UsageError } from '../output.js';
import type { Command, OptionDoc, ParsedArgs } from './command.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function number(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${String(v)}"`);
  return n;
}

/** How image folders given as data become model inputs (quantize, convert, tune, sensitivity, evaluate). */
export const imageOptions = {
  size: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  layout: { type: 'string' },
} as const;

export const IMAGE_USAGE = '[--size H,W] [--mean a,b,c] [--std a,b,c] [--layout NCHW|NHWC]';

export const imageOptionDocs: Record<keyof typeof imageOptions, OptionDoc> = {
  size: ['H,W', 'Resize images of an image folder to H×W'],
  mean: ['a,b,c', 'Per-channel mean subtracted from image pixels'],
  std: ['a,b,c', 'Per-channel standard deviation image pixels are divided by'],
  layout: ['NCHW|NHWC', 'Layout of the image tensors the model takes'],
};

export function imagePreprocess(values: ParsedArgs['values']): ImagePreprocess | undefined {
  try {
    return parsePreprocess({ size: str(values.size), mean: str(values.mean), std: str(values.std), layout: str(values.layout) });
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(err.detail);
    throw err;
  }
}

/** Options shared by quantize, convert and tune: safety thresholds, evaluation data and its preprocessing. */
export const safetyOptions = {
  ...imageOptions,
  'eval-inputs': { type: 'string' },
  'eval-labels': { type: 'string' },
  'min-agreement': { type: 'string' },
  'min-sqnr': { type: 'string' },
  strict: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  device: { type: 'string' },
  json: { type: 'boolean' },
  home: { type: 'string' },
} as const;

/** --json and --home are described by help.ts for every command. */
export const safetyOptionDocs: Omit<Record<keyof typeof safetyOptions, OptionDoc>, 'json' | 'home'> = {
  ...imageOptionDocs,
  'eval-inputs': ['NPY|DIR', 'Evaluation inputs: a .npy file, or a folder of class subfolders of images'],
  'eval-labels': ['NPY', 'Labels of --eval-inputs as a .npy file'],
  'min-agreement': ['P', 'Least top-1 agreement with the float parent, a fraction or a percentage'],
  'min-sqnr': ['DB', 'Least output SQNR against the float parent, in dB'],
  strict: 'Fail (exit 2) instead of warning when a safety check does not pass',
  output: ['OUT', 'The model file to write'],
  device: ['ID', 'Time the parent and every candidate on this paired device (sent to its staging, never activated) instead of this workstation'],
};

export function safetyRecipe(values: ParsedArgs['values']): Partial<OptimizeRecipe> {
  const minAgreement = number(values['min-agreement'], 'min-agreement');
  return {
    evalInputsNpy: str(values['eval-inputs']),
    evalLabelsNpy: str(values['eval-labels']),
    minAgreement: minAgreement === undefined ? undefined : minAgreement > 1 ? minAgreement / 100 : minAgreement,
    minSqnrDb: number(values['min-sqnr'], 'min-sqnr'),
    preprocess: imagePreprocess(values),
  };
}

export async function runRecipe(args: ParsedArgs, recipe: OptimizeRecipe, verb: string): Promise<void> {
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError(`${verb} takes one MODEL file`);
  const output = str(values.output);
  if (!output) throw new UsageError(`${verb} needs -o OUT, the file to write`);
  const deviceId = str(values.device);
  if (values.device !== undefined && !deviceId) throw new UsageError('--device needs a device ID (see edgefleet devices)');
  const core = openCore(str(values.home));
  try {
    await optimizeToFile(core, { model: positionals[0], output, recipe, strict: Boolean(values.strict), json: Boolean(values.json), ...(deviceId ? { deviceId } : {}) });
  } finally {
    await core.close();
  }
}

export const quantizeCommand: Command = {
  name: 'quantize',
  usage:
    `quantize MODEL -o OUT --mode static|dynamic [--calibration NPY|DIR] [--method minmax|percentile|entropy] [--per-tensor] [--activation uint8|int8] [--exclude A,B] [--eval-inputs NPY|DIR [--eval-labels NPY]] ${IMAGE_USAGE} [--min-agreement P] [--min-sqnr DB] [--device ID] [--strict] [--json] [--home DIR]`,
  summary: 'INT8 quantization (static QDQ with calibration, or dynamic); the result is checked against its parent',
  options: {
    ...safetyOptions,
    mode: { type: 'string' },
    calibration: { type: 'string' },
    method: { type: 'string' },
    'per-tensor': { type: 'boolean' },
    activation: { type: 'string' },
    exclude: { type: 'string' },
  },
  optionDocs: {
    ...safetyOptionDocs,
    mode: ['static|dynamic', 'Static QDQ quantization with calibration data, or dynamic (weights only)'],
    calibration: ['NPY|DIR', 'Calibration inputs: a .npy file or a folder of images (needed for static)'],
    method: ['minmax|percentile|entropy', 'How activation ranges are chosen from calibration (static)'],
    'per-tensor': 'One scale per weight tensor instead of per channel',
    activation: ['uint8|int8', 'Type of quantized activations'],
    exclude: ['A,B', 'Node names to keep float'],
  },
  async run(args) {
    const { values } = args;
    const mode = str(values.mode);
    if (mode !== 'static' && mode !== 'dynamic') throw new UsageError('--mode must be static or dynamic');
    const method = str(values.method);
    if (method !== undefined && !['minmax', 'percentile', 'entropy'].includes(method)) {
      throw new UsageError('--method must be minmax, percentile or entropy');
    }
    const activation = str(values.activation);
    if (activation !== undefined && activation !== 'uint8' && activation !== 'int8') throw new UsageError('--activation must be uint8 or int8');
    if (mode === 'static' && !values.calibration) throw new UsageError('static quantization needs --calibration NPY|DIR');
    const recipe: OptimizeRecipe = {
      mode,
      method: method as OptimizeRecipe['method'],
      perChannel: !values['per-tensor'],
      activationType: activation as OptimizeRecipe['activationType'],
      exclude: str(values.exclude)?.split(',').map((s) => s.trim()).filter(Boolean),
      calibrationNpy: str(values.calibration),
      ...safetyRecipe(values),
    };
    await runRecipe(args, recipe, 'quantize');
  },
};
