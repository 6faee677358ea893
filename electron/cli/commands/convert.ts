import type { OptimizeRecipe } from '../../core/api/types.js';
import { UsageError } from '../output.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, runRecipe, safetyOptionDocs, safetyOptions, safetyRecipe } from './quantize.js';

export const convertCommand: Command = {
  name: 'convert',
  usage: `convert MODEL -o OUT --to fp16|ort|optimized [--calibration NPY|DIR] [--eval-inputs NPY|DIR [--eval-labels NPY]] ${IMAGE_USAGE} [--min-agreement P] [--min-sqnr DB] [--strict] [--json] [--home DIR]`,
  summary: 'FP16 (float32 IO kept), ORT format for minimal builds (with its operator list), or an optimized ONNX',
  options: { ...safetyOptions, to: { type: 'string' }, calibration: { type: 'string' } },
  optionDocs: {
    ...safetyOptionDocs,
    to: ['fp16|ort|optimized', 'FP16 weights and compute (float32 inputs and outputs kept), ORT format with its operator list, or an optimized ONNX'],
    calibration: ['NPY|DIR', 'Representative inputs (a .npy file or a folder of images) used to check the result'],
  },
  async run(args) {
    const to = args.values.to;
    if (to !== 'fp16' && to !== 'ort' && to !== 'optimized') throw new UsageError('--to must be fp16, ort or optimized');
    const calibration = typeof args.values.calibration === 'string' ? args.values.calibration : undefined;
    const recipe: OptimizeRecipe = { mode: to, calibrationNpy: calibration, ...safetyRecipe(args.values) };
    await runRecipe(args, recipe, 'convert');
  },
};
