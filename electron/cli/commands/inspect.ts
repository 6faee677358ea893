import { formatInspectReport } from '../../core/inspect/format-report.js';
import type { InspectReport } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress } from '../run-job.js';
import type { Command } from './command.js';

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'inspect MODEL [--json] [--home DIR]',
  summary: 'Describe a model: IO, opsets, ops, parameters, MACs, and whether onnxruntime can load it',
  options: { json: { type: 'boolean' }, home: { type: 'string' } },
  async run({ values, positionals }) {
    const [path] = positionals;
    if (!path || positionals.length > 1) throw new UsageError('inspect takes one MODEL file');
    const core = openCore(values.home as string | undefined);
    try {
      const report = await callWithProgress<InspectReport>(core, 'models.inspect', { path }, Boolean(values.json));
      if (values.json) printJson(report);
      else process.stdout.write(formatInspectReport(report).join('\n') + '\n');
    } finally {
      await core.close();
    }
  },
};
