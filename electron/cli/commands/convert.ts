import type { OptimizeRecipe } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { UsageError } from '../output.js';
import { convertTfliteToFile } from '../tflite-convert-flow.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, runRecipe, safetyOptionDocs, safetyOptions, safetyRecipe } from './quantize.js';

export const convertCommand: Command = {
  name: 'convert',
  usage: `convert MODEL -o OUT --to onnx|fp16|ort|optimized [--nchw-io] [--signature KEY] [--calibration NPY|DIR] [--eval-inputs NPY|DIR [--eval-labels NPY]] ${IMAGE_USAGE} [--min-agreement P] [--min-sqnr DB] [--device ID] [--strict] [--json] [--home DIR]`,
  summary: 'TFLite to ONNX (outputs proved equal to TFLite\'s), FP16 (float32 IO kept), ORT format for minimal builds (with its operator list), or an optimized ONNX',
  options: { ...safetyOptions, to: { type: 'string' }, calibration: { type: 'string' }, 'nchw-io': { type: 'boolean' }, signature: { type: 'string' } },
  optionDocs: {
    ...safetyOptionDocs,
    to: ['onnx|fp16|ort|optimized', 'ONNX from a .tflite file, FP16 weights and compute (float32 inputs and outputs kept), ORT format with its operator list, or an optimized ONNX'],
    'nchw-io': '(--to onnx) Rank-4 inputs and outputs in NCHW instead of TFLite\'s NHWC',
    signature: ['KEY', '(--to onnx) Convert the subgraph of this TFLite signature (default: the main one)'],
    calibration: ['NPY|DIR', 'Representative inputs (a .npy file or a folder of images) used to check the result'],
  },
  async run(args) {
    const to = args.values.to;
    if (to === 'onnx') {
      const { values, positionals } = args;
      if (values.device !== undefined) throw new UsageError('--device applies to --to fp16, ort and optimized: a TFLite conversion is proved against TFLite on this workstation');
      if (positionals.length !== 1) throw new UsageError('convert takes one MODEL file');
      if (typeof values.output !== 'string') throw new UsageError('convert needs -o OUT, the file to write');
      const core = openCore(typeof values.home === 'string' ? values.home : undefined);
      try {
        await convertTfliteToFile(core, {
          model: positionals[0],
          output: values.output,
          nchwIo: Boolean(values['nchw-io']),
          signature: typeof values.signature === 'string' ? values.signature : undefined,
          strict: Boolean(values.strict),
          json: Boolean(values.json),
        });
      } finally {
        await core.close();
      }
      return;
    }
    if (args.values['nchw-io'] || args.values.signature) throw new UsageError('--nchw-io and --signature apply to --to onnx (a .tflite file) only');
    if (to !== 'fp16' && to !== 'ort' && to !== 'optimized') throw new UsageError('--to must be onnx, fp16, ort or optimized');
    const calibration = typeof args.values.calibration === 'string' ? args.values.calibration : undefined;
    const recipe: OptimizeRecipe = { mode: to, calibrationNpy: calibration, ...safetyRecipe(args.values) };
    await runRecipe(args, recipe, 'convert');
  },
};
