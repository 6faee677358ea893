import type { Job, ModelSummary } from '../../core/api/types.js';
import { formatBytes } from '../../core/jobs/progress.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { callWithProgress, unwrap } from '../run-job.js';
import { isTfliteConversion } from '../../core/api/tflite-conversion.js';
import { agreementLine } from '../tflite-convert-flow.js';
import type { Command } from './command.js';

function table(models: ModelSummary[]): string {
  if (models.length === 0) return 'No models yet. Import one with `edgefleet models import FILE`.';
  const rows = models.map((m) => [m.id, m.name, `v${m.version}`, formatBytes(m.sizeBytes), m.sha256.slice(0, 12), m.summary]);
  const head = ['ID', 'NAME', 'VERSION', 'SIZE', 'SHA256', 'SUMMARY'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export const modelsCommand: Command = {
  name: 'models',
  usage: 'models import FILE [--name N] [--json] | models list [--json]   [--home DIR]',
  summary: 'The model registry: import model files (content-addressed, idempotent) and list them',
  options: { name: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: { name: ['N', 'Name the model gets in the registry (import)'] },
  subcommands: [
    { name: 'import', usage: 'models import FILE [--name N] [--json] [--home DIR]', summary: 'Import a model file (content-addressed: importing the same file again changes nothing)', options: ['name', 'json', 'home'] },
    { name: 'list', usage: 'models list [--json] [--home DIR]', summary: 'List the models in the registry', options: ['json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    const json = Boolean(values.json);
    if (sub !== 'import' && sub !== 'list') throw new UsageError('models needs a subcommand: import FILE, or list');
    if (sub === 'import' && rest.length !== 1) throw new UsageError('models import takes one FILE');
    if (sub === 'list' && rest.length !== 0) throw new UsageError('models list takes no arguments');
    const core = openCore(values.home as string | undefined);
    try {
      if (sub === 'list') {
        const models = unwrap<ModelSummary[]>(await core.call('models.list', {}));
        if (json) printJson(models);
        else process.stdout.write(table(models) + '\n');
        return;
      }
      const job = await callWithProgress<Job>(core, 'models.import', { path: rest[0], name: values.name }, json);
      const { modelId, created, sourceModelId } = job.result as { modelId: string; created: boolean; sourceModelId?: string };
      const model = core.registry.getModel(modelId)!;
      const source = sourceModelId ? core.registry.getModel(sourceModelId) : null;
      if (json) printJson({ created, model, ...(source ? { source } : {}) });
      else {
        const verb = created ? 'Imported' : 'Already in the registry:';
        process.stdout.write(`${verb} ${model.name} v${model.version} (${model.id}, sha256 ${model.sha256.slice(0, 12)}…)\n`);
        if (source && isTfliteConversion(model.recipe)) {
          process.stdout.write(`  converted from the TFLite file ${source.name} v${source.version} (${source.id}); outputs ${agreementLine(model.recipe.agreement)}\n`);
        } else if (model.inspect?.tflite && !model.inspect.tflite.convertible) {
          process.stdout.write(`  kept as TFLite only: it does not convert to ONNX (${model.inspect.tflite.unsupported.map((u) => `${u.op} ×${u.count}`).join(', ')})\n`);
        }
      }
    } finally {
      await core.close();
    }
  },
};
