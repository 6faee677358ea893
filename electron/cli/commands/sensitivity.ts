import type { Job, SensitivityReport } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress } from '../run-job.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, imageOptionDocs, imageOptions, imagePreprocess } from './quantize.js';
import { resolve } from 'node:path';

export const sensitivityCommand: Command = {
  name: 'sensitivity',
  usage: `sensitivity MODEL --calibration NPY|DIR ${IMAGE_USAGE} [--json] [--home DIR]`,
  summary: 'Per-layer INT8 sensitivity: output SQNR when only that layer is quantized, worst first',
  options: { ...imageOptions, calibration: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: { ...imageOptionDocs, calibration: ['NPY|DIR', 'Calibration inputs: a .npy file or a folder of images'] },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('sensitivity takes one MODEL file');
    if (typeof values.calibration !== 'string') throw new UsageError('sensitivity needs --calibration NPY|DIR');
    const preprocess = imagePreprocess(values);
    const json = Boolean(values.json);
    const core = openCore(typeof values.home === 'string' ? values.home : undefined);
    try {
      const imported = await callWithProgress<Job>(core, 'models.import', { path: positionals[0] }, json);
      const { modelId } = imported.result as { modelId: string };
      const job = await callWithProgress<Job>(core, 'optimize.sensitivity', { modelId, calibrationNpy: resolve(values.calibration), ...(preprocess ? { preprocess } : {}) }, json);
      const report = job.result as SensitivityReport;
      if (json) return printJson(report);
      process.stdout.write(`Full INT8 output SQNR: ${report.fullInt8OutputSqnrDb.toFixed(1)} dB. Worst layers first (keep these float first):\n`);
      for (const r of report.rows.slice(0, 25)) {
        const t = r.tensorSqnrDb === null ? '' : `   own output ${r.tensorSqnrDb.toFixed(1)} dB`;
        process.stdout.write(`  ${r.outputSqnrDb.toFixed(1).padStart(6)} dB  ${r.opType.padEnd(10)} ${r.node}${t}\n`);
      }
      if (report.rows.length > 25) process.stdout.write(`  … ${report.rows.length - 25} more (--json for all)\n`);
    } finally {
      await core.close();
    }
  },
};
