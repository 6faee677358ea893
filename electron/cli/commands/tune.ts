import { UsageError } from '../output.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, runRecipe, safetyOptionDocs, safetyOptions, safetyRecipe } from './quantize.js';

export const tuneCommand: Command = {
  name: 'tune',
  usage: `tune MODEL -o OUT --calibration NPY|DIR --eval-inputs NPY|DIR [--eval-labels NPY] ${IMAGE_USAGE} [--max-drop 0.005] [--min-agreement P] [--min-sqnr DB] [--device ID] [--strict] [--json] [--home DIR]`,
  summary: 'Accuracy-driven mixed precision: INT8, keeping the most sensitive layers float until top-1 drop ≤ budget',
  options: { ...safetyOptions, calibration: { type: 'string' }, 'max-drop': { type: 'string' } },
  optionDocs: {
    ...safetyOptionDocs,
    calibration: ['NPY|DIR', 'Calibration inputs: a .npy file or a folder of images'],
    'max-drop': ['FRACTION', 'Largest top-1 drop allowed against float (default 0.005, half a point)'],
  },
  async run(args) {
    const { values } = args;
    const calibration = typeof values.calibration === 'string' ? values.calibration : undefined;
    if (!calibration || !values['eval-inputs']) {
      throw new UsageError('tune needs --calibration and --eval-inputs (with --eval-labels unless it is a folder of class subfolders)');
    }
    const maxDrop = values['max-drop'] === undefined ? 0.005 : Number(values['max-drop']);
    if (!Number.isFinite(maxDrop) || maxDrop < 0 || maxDrop >= 1) throw new UsageError('--max-drop is a fraction, e.g. 0.005 for half a point');
    await runRecipe(args, { mode: 'tune', calibrationNpy: calibration, maxDrop, ...safetyRecipe(values) }, 'tune');
  },
};
