// `edgefleet rollout start|status|pause|resume|abort|rollback|list`: staged rollouts for pipelines.
import type { RolloutDetail, RolloutStatus, RolloutSummary } from '../../core/api/types.js';
import type { Core } from '../../core/core.js';
import { gateKey } from '../../core/api/gate-key.js';
import { formatGateValue, parseGate } from '../../core/rollouts/gates.js';
import { parseStagePercents } from '../../core/rollouts/stages.js';
import { openCore, intOption } from '../context.js';
import { ExitStatus } from '../exit-status.js';
import { printJson, UsageError } from '../output.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { resolveModel } from './deploy.js';

/** Exit codes of a rollout that was waited for (2 stays bad input, 1 an internal error). */
export const rolloutExit: Partial<Record<RolloutStatus, number>> = { completed: 0, halted: 3, 'rolled-back': 4, aborted: 5 };

const subcommands = ['start', 'status', 'pause', 'resume', 'abort', 'rollback', 'list'] as const;
type Sub = (typeof subcommands)[number];

/** "30s", "5m", "1h", "500ms" or a plain number of seconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UsageError(`--soak "${text}" is not a duration; write e.g. 30s, 5m, 1h or 500ms`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** "BASE,FACTOR,CEILING", e.g. 2,2,50. */
export function parseRate(text: string): { base: number; factor: number; ceiling: number } {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
    throw new UsageError(`--rate "${text}" must be BASE,FACTOR,CEILING, e.g. 2,2,50 (2 devices a minute, doubling each stage, at most 50 a minute)`);
  }
  return { base: parts[0], factor: parts[1], ceiling: parts[2] };
}

function stageLine(d: RolloutDetail): string {
  if (d.stage < 0) return 'not started';
  const st = d.stages[d.stage];
  return `stage ${d.stage + 1}/${d.stageCount} (${st.label}) ${st.phase ?? ''}`.trim();
}

function countsLine(s: RolloutSummary): string {
  return Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([phase, n]) => `${n} ${phase}`)
    .join(', ');
}

function describe(d: RolloutDetail): string {
  const lines = [`${d.id}  ${d.status}  ${d.modelName} → ${d.selector}  ${stageLine(d)}`, `  devices: ${countsLine(d)} (of ${d.deviceCount})`];
  if (d.reason) lines.push(`  reason: ${d.reason}`);
  for (const st of d.stages) {
    if (!st.gateResults) continue;
    const gates = st.gateResults.map((g) => `${gateKey(g)} ${g.status}${g.value === null ? '' : ` ${formatGateValue(g.kind, g.value)}`}`).join('; ');
    lines.push(`  gates after stage ${st.index + 1}: ${st.outcome}: ${gates}`);
  }
  for (const dev of d.devices) if (dev.error) lines.push(`  ${dev.name} (${dev.id}) ${dev.phase}: ${dev.error}`);
  if (d.lateMatches.length) lines.push(`  ${d.lateMatches.length} devices joined the target after the start (not added): ${d.lateMatches.join(', ')}`);
  return lines.join('\n');
}

const noDriver = 'A console drives the rollout: it goes on while `edgefleet serve` (or the app) runs, or with `edgefleet rollout resume ID --wait`.\n';

function oneId(sub: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`rollout ${sub} takes one rollout ID`);
  return positionals[0];
}

/** Waits for the rollout to settle, driving it when no console does; a line per change on stderr. */
async function waitAndReport(core: Core, id: string, json: boolean): Promise<void> {
  let last = '';
  const state = await core.rollouts.waitFor(id, {
    drive: true,
    onChange: () => {
      if (json) return;
      const d = core.rollouts.detail(id);
      const line = `${d.status} ${stageLine(d)}: ${countsLine(d)}`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    },
  });
  finish(core.rollouts.detail(id), json);
  const code = rolloutExit[state.status];
  if (code === undefined || code !== 0) throw new ExitStatus(code ?? 1);
}

function finish(d: RolloutDetail, json: boolean): void {
  if (json) printJson(d);
  else process.stdout.write(`${describe(d)}\n`);
}

export const rolloutCommand: Command = {
  name: 'rollout',
  usage:
    'rollout start MODEL|ID --target SELECTOR [--stages 5,25,100 | --rate BASE,FACTOR,CEILING] [--gate KIND<=MAX[@MIN] …] [--soak 30s] [--policy rollback|halt] [--concurrency N] [--seed S] [--wait] [--json]\n' +
    '  rollout status|pause|resume|abort ID [--wait] [--json]   rollout rollback ID [--target SELECTOR] [--wait] [--json]   rollout list [--json] [--home DIR]',
  summary:
    'Staged rollouts with health gates. SELECTOR: device:ID, tag:T, group:G or all, comma-separated. ' +
    '--rate: stage k starts min(CEILING, BASE·FACTOR^k) devices, spread evenly over a minute. ' +
    'With --wait the exit code says how it ended: 0 completed, 3 halted, 4 rolled back, 5 aborted (2 bad input, 1 internal error)',
  options: {
    target: { type: 'string' },
    stages: { type: 'string' },
    rate: { type: 'string' },
    gate: { type: 'string', multiple: true },
    soak: { type: 'string' },
    policy: { type: 'string' },
    concurrency: { type: 'string' },
    seed: { type: 'string' },
    wait: { type: 'boolean' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    target: ['SELECTOR', 'Which devices: device:ID, tag:T, group:G or all, comma-separated (start; rollback: only these)'],
    stages: ['5,25,100', 'Cumulative percentages of the devices per stage'],
    rate: ['BASE,FACTOR,CEILING', 'Stage k starts min(CEILING, BASE·FACTOR^k) devices, spread over a minute'],
    gate: ['KIND<=MAX[@MIN]', 'A health gate checked after each stage; metric:NAME<=1.05x gates on an application metric'],
    soak: ['DURATION', 'How long each stage runs before its gates are read (30s, 5m, 1h, 500ms)'],
    policy: ['rollback|halt', 'What a failed gate does'],
    concurrency: ['N', 'Devices deployed to at once'],
    seed: ['S', 'Seed of the order devices are picked in'],
    wait: 'Wait until the rollout settles (driving it if no console does); the exit code says how it ended',
  },
  subcommands: [
    { name: 'start', usage: 'rollout start MODEL|ID --target SELECTOR [--stages 5,25,100 | --rate BASE,FACTOR,CEILING] [--gate KIND<=MAX[@MIN] …] [--soak 30s] [--policy rollback|halt] [--concurrency N] [--seed S] [--wait] [--json] [--home DIR]', summary: 'Start a staged rollout of a model to the selected devices', options: ['target', 'stages', 'rate', 'gate', 'soak', 'policy', 'concurrency', 'seed', 'wait', 'json', 'home'] },
    { name: 'status', usage: 'rollout status ID [--wait] [--json] [--home DIR]', summary: 'Show a rollout: stage, device counts, gate results', options: ['wait', 'json', 'home'] },
    { name: 'pause', usage: 'rollout pause ID [--json] [--home DIR]', summary: 'Pause a rollout', options: ['json', 'home'] },
    { name: 'resume', usage: 'rollout resume ID [--wait] [--json] [--home DIR]', summary: 'Resume a paused rollout (or take over one whose console went away)', options: ['wait', 'json', 'home'] },
    { name: 'abort', usage: 'rollout abort ID [--json] [--home DIR]', summary: 'Stop a rollout; devices keep what they run', options: ['json', 'home'] },
    { name: 'rollback', usage: 'rollout rollback ID [--target SELECTOR] [--wait] [--json] [--home DIR]', summary: "Roll the rollout's devices back to their previous model", options: ['target', 'wait', 'json', 'home'] },
    { name: 'list', usage: 'rollout list [--json] [--home DIR]', summary: 'List the rollouts', options: ['json', 'home'] },
  ],
  async run({ values, positionals }) {
    const [sub, ...rest] = positionals;
    if (!subcommands.includes(sub as Sub)) throw new UsageError(`rollout needs one of ${subcommands.join(', ')}`);
    const json = Boolean(values.json);
    const wait = Boolean(values.wait);
    if (wait && ['pause', 'abort', 'list'].includes(sub)) throw new UsageError(`--wait does not apply to rollout ${sub}`);
    const core = openCore(values.home as string | undefined);
    try {
      switch (sub as Sub) {
        case 'start': {
          if (rest.length !== 1) throw new UsageError('rollout start takes one MODEL file or registry id');
          const target = values.target as string | undefined;
          if (!target) throw new UsageError('rollout start needs --target SELECTOR (e.g. tag:line-3 or all)');
          if (values.stages !== undefined && values.rate !== undefined) throw new UsageError('give --stages or --rate, not both');
          const policy = values.policy as string | undefined;
          if (policy !== undefined && policy !== 'rollback' && policy !== 'halt') throw new UsageError(`--policy must be rollback or halt, got "${policy}"`);
          const input = {
            modelId: await resolveModel(core, rest[0], json),
            selector: target,
            stages: values.stages === undefined ? undefined : parseStagePercents(values.stages as string),
            rate: values.rate === undefined ? undefined : parseRate(values.rate as string),
            gates: values.gate === undefined ? undefined : (values.gate as string[]).map(parseGate),
            policy,
            soakMs: values.soak === undefined ? undefined : parseDuration(values.soak as string),
            concurrency: values.concurrency === undefined ? undefined : intOption(values.concurrency as string, 'concurrency', 4, 1),
            seed: values.seed as string | undefined,
            start: true,
          };
          const created = unwrap<RolloutDetail>(await core.call('rollouts.create', input));
          if (!wait) {
            if (!json) process.stderr.write(noDriver);
            return finish(created, json);
          }
          if (!json) process.stderr.write(`${created.id}: ${created.deviceCount} devices in ${created.stageCount} stages\n`);
          return await waitAndReport(core, created.id, json);
        }
        case 'status': {
          const id = oneId(sub, rest);
          if (wait) return await waitAndReport(core, id, json);
          return finish(unwrap<RolloutDetail>(await core.call('rollouts.get', { id })), json);
        }
        case 'pause':
        case 'abort':
          return finish(unwrap<RolloutDetail>(await core.call(`rollouts.${sub}`, { id: oneId(sub, rest) })), json);
        case 'resume': {
          const id = oneId(sub, rest);
          const d = unwrap<RolloutDetail>(await core.call('rollouts.resume', { id }));
          if (wait) return await waitAndReport(core, id, json);
          if (!json && !d.driver?.live) process.stderr.write(noDriver);
          return finish(d, json);
        }
        case 'rollback': {
          const id = oneId(sub, rest);
          const d = unwrap<RolloutDetail>(await core.call('rollouts.rollback', { id, target: values.target as string | undefined }));
          if (!wait) return finish(d, json);
          if (!core.rollouts.lease.heldElsewhere(id)) core.rollouts.drive(id);
          return await waitAndReport(core, id, json);
        }
        case 'list': {
          if (rest.length > 0) throw new UsageError('rollout list takes no arguments');
          const list = unwrap<RolloutSummary[]>(await core.call('rollouts.list', {}));
          if (json) return printJson(list);
          if (list.length === 0) return void process.stdout.write('No rollouts yet. Start one with `edgefleet rollout start MODEL --target SELECTOR`.\n');
          for (const r of list) process.stdout.write(`${r.id}  ${r.status.padEnd(12)} ${r.modelName} → ${r.selector}  ${countsLine(r)}  ${r.createdAt}\n`);
          return;
        }
      }
    } finally {
      await core.close();
    }
  },
};
