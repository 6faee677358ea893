import type { OptimizeRecipe } from '../../core/api/types.js';
import { UsageError } from '../output.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, runRecipe, safetyOptions, safetyRecipe } from './quantize.js';

export const convertCommand: Command = {
  name: 'convert',
  usage: `convert MODEL -o OUT --to fp16|ort|optimized [--calibration NPY|DIR] [--eval-inputs NPY|DIR [--eval-labels NPY]] ${IMAGE_USAGE} [--strict] [--json]`,
  summary: 'FP16 (float32 IO kept), ORT format for minimal builds (with its operator list), or an optimized ONNX',
  options: { ...safetyOptions, to: { type: 'string' }, calibration: { type: 'string' } },
  async run(args) {
    const to = args.values.to;
    if (to !== 'fp16' && to !== 'ort' && to !== 'optimized') throw new UsageError('--to must be fp16, ort or optimized');
    const calibration = typeof args.values.calibration === 'string' ? args.values.calibration : undefined;
    const recipe: OptimizeRecipe = { mode: to, calibrationNpy: calibration, ...safetyRecipe(args.values) };
    await runRecipe(args, recipe, 'convert');
  },
};
