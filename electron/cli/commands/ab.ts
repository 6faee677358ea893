// `edgefleet ab start|status|promote|stop|list`: A/B assignments from the command line.
import { formatMetricLevel, formatMetricRatio } from '../../core/api/app-metric-format.js';
import { AppError } from '../../core/api/errors.js';
import type { AbAssignment, AbInterval, AbStatus, Job } from '../../core/api/types.js';
import type { Core } from '../../core/core.js';
import { openCore } from '../context.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { resolveModel } from './deploy.js';

const subcommands = ['start', 'status', 'promote', 'stop', 'list'] as const;
type Sub = (typeof subcommands)[number];

/** MODEL:PERCENT, split at the last colon (a path may hold colons). */
export function parseVariant(text: string): { model: string; percent: number } {
  const at = text.lastIndexOf(':');
  const percent = at > 0 ? Number(text.slice(at + 1)) : NaN;
  if (at <= 0 || text.slice(at + 1).trim() === '' || !(percent > 0 && percent <= 100)) {
    throw new UsageError(`--variant "${text}" must be MODEL:PERCENT with a percentage above 0 and at most 100, e.g. --variant model.onnx:50`);
  }
  return { model: text.slice(0, at), percent };
}

function cohortLines(a: AbAssignment): string[] {
  return a.variants.map((v) => {
    const failed = v.failedDeviceIds.length ? `, ${v.failedDeviceIds.length} failed` : '';
    return `  ${v.name}${v.control ? ' (control)' : ''}: ${v.modelName} v${v.modelVersion}, ${v.percent} %, ${v.deviceIds.length} devices${failed}`;
  });
}

function describeAssignment(a: AbAssignment): string {
  const lines = [`${a.id}  ${a.state}  target ${a.selector}  seed ${a.seed}`, ...cohortLines(a)];
  if (a.unassigned.length) lines.push(`  ${a.unassigned.length} devices of the selection in no cohort (they keep what they run)`);
  if (a.promotion) lines.push(`  promoted ${a.promotion.variant} to ${a.promotion.deviceIds.length} devices by ${a.promotion.kind} ${a.promotion.id}`);
  if (a.error) lines.push(`  ${a.error.title}: ${a.error.detail}`);
  return lines.join('\n');
}

function ci(i: AbInterval): string {
  if (i.estimate === null) return '–';
  const range = i.low !== null && i.high !== null ? ` [${i.low.toFixed(2)}, ${i.high.toFixed(2)}]` : '';
  return `${i.estimate.toFixed(2)}${range}`;
}

function describeStatus(s: AbStatus): string {
  const head = ['VARIANT', 'MODEL', 'DEVICES', 'REQUESTS', 'ERRORS', 'P50 MS [95% CI]', 'P95 MS [95% CI]', 'CONFIDENCE'];
  const rows = s.variants.map((v) => [
    `${v.name}${v.control ? ' (control)' : ''}`,
    `${v.modelName} v${v.modelVersion}`,
    `${v.devicesReporting}/${v.devices}`,
    String(v.requests),
    v.errorRate === null ? '–' : `${(v.errorRate * 100).toFixed(2)} %`,
    ci(v.latencyP50Ms),
    ci(v.latencyP95Ms),
    v.confidenceMean === null ? '–' : v.confidenceMean.toFixed(3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const table = [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  const lines = [`${s.assignment.id}  ${s.assignment.state}  serving since ${s.assignment.servingSince ?? '–'}`, ...table, ...metricTable(s), '', s.verdict];
  if (s.unreachable.length) lines.push(`Not reachable for telemetry: ${s.unreachable.join(', ')}`);
  return lines.join('\n');
}

/** The application's own metrics: each variant's level, and each comparison's ratio to its baseline. */
function metricTable(s: AbStatus): string[] {
  const names = [...new Set(s.variants.flatMap((v) => Object.keys(v.metrics)))].sort();
  if (!names.length) return [];
  const head = ['METRIC', ...s.variants.map((v) => v.name), ...s.comparisons.map((c) => `${c.variant}/${c.baseline} [95% CI]`)];
  const rows = names.map((n) => [n, ...s.variants.map((v) => formatMetricLevel(v.metrics[n])), ...s.comparisons.map((c) => formatMetricRatio(c.metrics[n]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return ['', ...[head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd())];
}

async function waitJobs(core: Core, ids: string[]): Promise<Job[]> {
  return Promise.all(ids.map((id) => core.jobs.wait(id)));
}

async function start(core: Core, values: Record<string, unknown>, json: boolean): Promise<void> {
  const target = values.target as string | undefined;
  if (!target) throw new UsageError('ab start needs --target SELECTOR (e.g. tag:line-3 or all)');
  const specs = ((values.variant as string[] | undefined) ?? []).map(parseVariant);
  if (specs.length < 2) throw new UsageError('ab start needs at least two --variant MODEL:PERCENT');
  const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency must be a whole number ≥ 1');
  const variants = [];
  for (const s of specs) variants.push({ modelId: await resolveModel(core, s.model, json), percent: s.percent });
  const started = unwrap<AbAssignment>(
    await core.call('ab.start', { selector: target, variants, control: Boolean(values.control), seed: values.seed, concurrency }),
  );
  if (!json) process.stderr.write(`${started.id}: deploying ${started.variants.length} cohorts…\n`);
  await waitJobs(core, started.deployJobIds);
  const a = unwrap<AbAssignment[]>(await core.call('ab.list', {})).find((x) => x.id === started.id)!;
  if (json) printJson(a);
  else process.stdout.write(describeAssignment(a) + '\n');
  if (a.state === 'failed') throw new AppError(a.error?.code ?? 'AB_DEPLOY_FAILED', a.error?.title ?? 'A/B assignment failed', a.error?.detail ?? 'A cohort could not be deployed.');
}

async function promote(core: Core, id: string, variant: string | undefined, json: boolean): Promise<void> {
  const a = unwrap<AbAssignment>(await core.call('ab.promote', { id, variant }));
  const p = a.promotion!;
  if (p.kind === 'deploy') {
    const [job] = await waitJobs(core, [p.id]);
    if (job.state !== 'succeeded') throw new AppError('AB_PROMOTE_FAILED', 'Promotion deploy failed', `The deploy job ${job.id} ended ${job.state}${job.error ? `: ${job.error.detail}` : ''}.`);
  }
  if (json) printJson(a);
  else {
    const follow = p.kind === 'rollout' ? ` (follow it with \`edgefleet rollout status ${p.id}\`)` : '';
    process.stdout.write(`Promoted ${p.variant} to ${p.deviceIds.length} devices by ${p.kind} ${p.id}${follow}\n`);
  }
}

export const abCommand: Command = {
  name: 'ab',
  usage:
    'ab start --target SELECTOR --variant MODEL:PERCENT --variant MODEL:PERCENT [--control] [--seed S] [--concurrency N] [--json] | ab status ID [--json] | ab promote ID [--variant NAME] | ab stop ID | ab list [--json]   [--home DIR]',
  summary: 'A/B assignments: model versions on cohorts of a selection, per-variant statistics with significance, promote the winner',
  options: {
    target: { type: 'string' },
    variant: { type: 'string', multiple: true },
    control: { type: 'boolean' },
    seed: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    target: ['SELECTOR', 'Which devices: device:ID, tag:T, group:G or all, comma-separated (start)'],
    variant: ['MODEL:PERCENT', 'A cohort for start (at least two); with promote, the NAME of the variant to promote'],
    control: 'The first variant is the control: its cohort is made as large as the largest other one (start)',
    seed: ['S', 'Seed of the cohort assignment (start)'],
    concurrency: ['N', 'Devices deployed to at once (start; default 8)'],
  },
  subcommands: [
    { name: 'start', usage: 'ab start --target SELECTOR --variant MODEL:PERCENT --variant MODEL:PERCENT [--control] [--seed S] [--concurrency N] [--json] [--home DIR]', summary: 'Deploy model versions to cohorts of the selected devices', options: ['target', 'variant', 'control', 'seed', 'concurrency', 'json', 'home'] },
    { name: 'status', usage: 'ab status ID [--json] [--home DIR]', summary: 'Per-variant statistics with confidence intervals and a verdict', options: ['json', 'home'] },
    { name: 'promote', usage: 'ab promote ID [--variant NAME] [--json] [--home DIR]', summary: 'Give the winner (or the named variant) to every device of the assignment', options: ['variant', 'json', 'home'] },
    { name: 'stop', usage: 'ab stop ID [--json] [--home DIR]', summary: 'End the assignment; devices keep the model they run', options: ['json', 'home'] },
    { name: 'list', usage: 'ab list [--json] [--home DIR]', summary: 'List the A/B assignments', options: ['json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (!subcommands.includes(sub as Sub)) throw new UsageError(`ab needs a subcommand: ${subcommands.join(', ')}`);
    const needsId = sub === 'status' || sub === 'promote' || sub === 'stop';
    if (needsId && rest.length !== 1) throw new UsageError(`ab ${sub} takes one assignment ID (see \`edgefleet ab list\`)`);
    if (!needsId && rest.length !== 0) throw new UsageError(`ab ${sub} takes no positional arguments`);
    const json = Boolean(values.json);
    const core = openCore(values.home as string | undefined);
    try {
      switch (sub as Sub) {
        case 'start':
          return await start(core, values, json);
        case 'status': {
          const s = unwrap<AbStatus>(await core.call('ab.get', { id: rest[0] }));
          if (json) printJson(s);
          else process.stdout.write(describeStatus(s) + '\n');
          return;
        }
        case 'promote': {
          const variants = values.variant as string[] | undefined;
          if (variants && variants.length > 1) throw new UsageError('ab promote takes at most one --variant NAME');
          return await promote(core, rest[0], variants?.[0], json);
        }
        case 'stop': {
          const a = unwrap<AbAssignment>(await core.call('ab.stop', { id: rest[0] }));
          if (json) printJson(a);
          else process.stdout.write(`${a.id} stopped; its devices keep the model they run.\n`);
          return;
        }
        case 'list': {
          const all = unwrap<AbAssignment[]>(await core.call('ab.list', {}));
          if (json) printJson(all);
          else process.stdout.write((all.length ? all.map(describeAssignment).join('\n') : 'No A/B assignments yet. Start one with `edgefleet ab start`.') + '\n');
          return;
        }
      }
    } finally {
      await core.close();
    }
  },
};
