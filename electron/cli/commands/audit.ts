import type { AuditEntry } from '../../core/api/types.js';
import { auditCsv } from '../../core/audit/csv.js';
import { intOption, openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';

export const auditCommand: Command = {
  name: 'audit',
  usage: 'audit [--action A] [--target T] [--outcome O] [--since ISO] [--limit N] [--json | --csv] [--home DIR]',
  summary: 'The append-only audit log: who did what, to which target, with which outcome (newest first)',
  options: {
    action: { type: 'string' },
    target: { type: 'string' },
    outcome: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    action: ['A', 'Only entries of this action (e.g. devices.deploy)'],
    target: ['T', 'Only entries about this target'],
    outcome: ['O', 'Only entries with this outcome'],
    since: ['ISO', 'Only entries at or after this time (ISO 8601)'],
    limit: ['N', 'At most N entries (default 500)'],
    csv: 'Print CSV instead of a table',
  },
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UsageError('audit takes no arguments');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    const core = openCore(values.home as string | undefined);
    try {
      const entries = unwrap<AuditEntry[]>(
        await core.call('audit.list', {
          action: values.action,
          target: values.target,
          outcome: values.outcome,
          since: values.since,
          limit: intOption(values.limit as string | undefined, 'limit', 500, 1),
        }),
      );
      if (values.json) return printJson(entries);
      if (values.csv) return void process.stdout.write(auditCsv(entries));
      if (entries.length === 0) return void process.stdout.write('The audit log has no matching entries.\n');
      for (const e of entries) {
        const when = e.at.replace('T', ' ').slice(0, 19);
        process.stdout.write(`${when}  ${e.outcome.padEnd(9)} ${e.action.padEnd(24)} ${e.target}${e.detail ? `  (${e.detail})` : ''}  ${e.actor}\n`);
      }
    } finally {
      await core.close();
    }
  },
};
