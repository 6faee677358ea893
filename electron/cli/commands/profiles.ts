import type { ProfileComparison, ProfileSummary } from '../../core/api/types.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

function formatComparison(c: ProfileComparison): string[] {
  const lines = [
    `A ${c.a.modelName} on ${c.a.device.name}: p50 ${c.a.latencyMs.p50.toFixed(3)} ms`,
    `B ${c.b.modelName} on ${c.b.device.name}: p50 ${c.b.latencyMs.p50.toFixed(3)} ms`,
    `Speed-up of B over A: ${c.speedup.toFixed(2)}x`,
    '',
    `${'LAYER'.padEnd(48)} ${'OP'.padEnd(20)} ${'A µs'.padStart(10)} ${'B µs'.padStart(10)} ${'SPEED-UP'.padStart(9)}`,
  ];
  for (const r of c.rows) {
    const f = (v: number | null) => (v === null ? '—' : v.toFixed(1)).padStart(10);
    const s = r.speedup === null ? '—' : `${r.speedup.toFixed(2)}x`;
    lines.push(`${r.key.slice(0, 48).padEnd(48)} ${r.opType.slice(0, 20).padEnd(20)} ${f(r.aUs)} ${f(r.bUs)} ${s.padStart(9)}`);
  }
  return lines;
}

export const profilesCommand: Command = {
  name: 'profiles',
  usage: 'profiles list [--model ID] [--json] | profiles compare A B [--json]   [--home DIR]',
  summary: 'Stored profiles: list them, or compare two layer by layer',
  options: { model: { type: 'string' }, json: { type: 'boolean' }, home: { type: 'string' } },
  optionDocs: { model: ['ID', 'Only the profiles of this model (list)'] },
  subcommands: [
    { name: 'list', usage: 'profiles list [--model ID] [--json] [--home DIR]', summary: 'List the stored profiles', options: ['model', 'json', 'home'] },
    { name: 'compare', usage: 'profiles compare A B [--json] [--home DIR]', summary: 'Compare two stored profiles layer by layer (speed-up of B over A)', options: ['json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (sub === 'list' ? rest.length !== 0 : sub !== 'compare' || rest.length !== 2) {
      throw new UsageError('profiles needs: list [--model ID], or compare A B');
    }
    const core = openCore(values.home as string | undefined);
    try {
      if (sub === 'list') {
        const list = unwrap<ProfileSummary[]>(await core.call('profiling.list', { modelId: values.model }));
        if (values.json) printJson(list);
        else if (list.length === 0) process.stdout.write('No stored profiles. Run `edgefleet profile MODEL`.\n');
        else {
          for (const p of list) {
            const when = p.createdAt.replace('T', ' ').slice(0, 19);
            process.stdout.write(`${p.id}  ${when}  ${p.modelName}  ${p.device.name}  p50 ${p.latencyMs.p50.toFixed(3)} ms\n`);
          }
        }
        return;
      }
      const cmp = unwrap<ProfileComparison>(await core.call('profiling.compare', { a: rest[0], b: rest[1] }));
      if (values.json) printJson(cmp);
      else process.stdout.write(formatComparison(cmp).join('\n') + '\n');
    } finally {
      await core.close();
    }
  },
};
