import { evaluateModel } from '../../core/quantize/evaluate.js';
import { printJson, UsageError } from '../output.js';
import type { Command } from './command.js';
import { IMAGE_USAGE, imageOptionDocs, imageOptions, imagePreprocess } from './quantize.js';

export const evaluateCommand: Command = {
  name: 'evaluate',
  usage: `evaluate MODEL --inputs NPY|DIR [--labels NPY] ${IMAGE_USAGE} [--reference MODEL] [--json]`,
  summary: 'Top-1/top-5 accuracy, agreement and SQNR against a reference, batch-1 latency, size',
  options: { ...imageOptions, inputs: { type: 'string' }, labels: { type: 'string' }, reference: { type: 'string' }, json: { type: 'boolean' } },
  optionDocs: {
    ...imageOptionDocs,
    inputs: ['NPY|DIR', 'Inputs: a .npy file, or a folder of class subfolders of images (which gives the labels)'],
    labels: ['NPY', 'Labels of --inputs as a .npy file'],
    reference: ['MODEL', 'A model to compare against: agreement, SQNR and its latency'],
  },
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('evaluate takes one MODEL file');
    const inputs = values.inputs;
    if (typeof inputs !== 'string') throw new UsageError('evaluate needs --inputs NPY|DIR (a folder with class subfolders gives the labels)');
    const preprocess = imagePreprocess(values);
    const labels = typeof values.labels === 'string' ? values.labels : null;
    const reference = typeof values.reference === 'string' ? values.reference : null;
    const r = await evaluateModel({ model: positionals[0], inputsNpy: inputs, labelsNpy: labels, preprocess, reference });
    if (values.json) return printJson(r);
    const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
    const lines = [
      `samples     ${r.samples}`,
      `top-1       ${pct(r.top1)}${r.top5 === null ? '' : `   top-5 ${pct(r.top5)}`}`,
      ...(reference ? [`agreement   ${pct(r.agreement)}   SQNR ${r.sqnrDb === null ? '—' : `${r.sqnrDb.toFixed(1)} dB`} against ${reference}`] : []),
      `latency p50 ${r.latencyMs.p50.toFixed(3)} ms (batch 1)${r.referenceLatencyMs ? `, reference ${r.referenceLatencyMs.p50.toFixed(3)} ms` : ''}`,
      `size        ${(r.sizeBytes / 2 ** 20).toFixed(2)} MiB`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  },
};
