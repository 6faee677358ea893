// `edgefleet fl round start|status|abort|rollback|list`: federated rounds for pipelines. With --wait the
// exit code says how the round ended: 0 registered, 3 rejected (not better), 4 failed, 5 aborted.
import { privacySpent } from '../../core/api/privacy-spent.js';
import type { FlRound, FlRoundSummary } from '../../core/api/types.js';
import type { Core } from '../../core/core.js';
import { roundExit } from '../../core/federated/round-engine.js';
import { isFinal } from '../../core/federated/round-machine.js';
import { ExitStatus } from '../exit-status.js';
import { printJson, UsageError } from '../output.js';
import { openCore } from '../context.js';
import { unwrap } from '../run-job.js';
import type { Command } from './command.js';
import { resolveModel } from './deploy.js';
import { parseDuration } from './rollout.js';

const actions = ['start', 'status', 'abort', 'promote', 'rollback', 'list'] as const;
type Action = (typeof actions)[number];

function num(value: unknown, name: string, opts: { int?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new UsageError(`--${name} must be ${opts.int ? 'a whole number' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${String(value)}"`);
  }
  return n;
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(String(value)) / 1000;
  } catch {
    throw new UsageError(`--${name} "${String(value)}" is not a duration; write e.g. 90s, 10m or 1h`);
  }
}

const dpFlags = ['dp-noise', 'dp-clip', 'dp-delta', 'max-epsilon'] as const;

/** --dp-noise, --dp-clip, --dp-delta and --max-epsilon go together: all four or none. */
function dpOption(values: Record<string, unknown>): { noiseMultiplier: number; clipNorm: number; delta: number; maxEpsilon: number } | undefined {
  const given = dpFlags.filter((f) => values[f] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < dpFlags.length) throw new UsageError(`differential privacy needs all of ${dpFlags.map((f) => `--${f}`).join(', ')}; missing ${dpFlags.filter((f) => values[f] === undefined).map((f) => `--${f}`).join(', ')}`);
  return { noiseMultiplier: num(values['dp-noise'], 'dp-noise')!, clipNorm: num(values['dp-clip'], 'dp-clip')!, delta: num(values['dp-delta'], 'dp-delta')!, maxEpsilon: num(values['max-epsilon'], 'max-epsilon')! };
}

function fmt(x: number | null): string {
  return x === null ? '–' : x.toPrecision(4);
}

export function describeRound(r: FlRound): string {
  const lines = [`${r.id}  ${r.phase}  ${r.modelName} on ${r.selector}  ${r.aggregation}${r.secure ? ' secure' : ''}  participants ${r.participants}/${r.selectCount} (min ${r.minClients})`];
  if (r.reason) lines.push(`  reason: ${r.reason}`);
  if (r.config.seed !== undefined) lines.push(`  seed: ${r.config.seed} (run again with --seed to reproduce it)`);
  if (r.lossBefore !== null) lines.push(`  held-out loss: ${fmt(r.lossBefore)} → ${fmt(r.lossAfter)}`);
  if (r.privacy) {
    const p = r.privacy;
    lines.push(`  privacy: ε ${fmt(p.epsilon)} this round, ${fmt(p.total)} for the model's lineage of max ${p.maxEpsilon} (δ ${p.delta}, noise ${p.noiseMultiplier}, clip ${p.clipNorm}${p.clippedFraction !== null ? `, ${Math.round(p.clippedFraction * 100)}% of updates clipped` : ''})`);
  }
  for (const s of r.secagg) lines.push(`  SecAgg ${s.stage}: ${s.answered} of ${s.asked} answered, ${s.dropped} dropped, ${s.rejected} rejected (threshold ${s.threshold})`);
  if (r.candidateModelId) lines.push(`  registered: ${r.candidateModelId} (ship it with \`edgefleet rollout start ${r.candidateModelId} --target ${r.selector}\`)`);
  for (const d of r.devices) lines.push(`  ${d.name} (${d.deviceId}) ${d.status}${d.reason ? `: ${d.reason}` : ''}${d.samples !== null ? `  ${d.samples} windows, loss ${fmt(d.lossBefore)} → ${fmt(d.lossAfter)}` : ''}`);
  for (const ro of r.rollouts) lines.push(`  ${ro.kind}: rollout ${ro.id} of ${ro.modelId} (${ro.at})`);
  return lines.join('\n');
}

function finish(r: FlRound, json: boolean): void {
  if (json) printJson(r);
  else process.stdout.write(`${describeRound(r)}\n`);
}

/** Waits for the round to end, driving it when no console does; a line per timeline event on stderr. */
async function waitAndReport(core: Core, id: string, json: boolean): Promise<void> {
  let seen = 0;
  const started = Date.now();
  const r = await core.federated.waitFor(id, {
    drive: true,
    onChange: (round) => {
      if (json) return;
      for (const e of round.events.slice(seen)) process.stderr.write(`${e.at.slice(11, 19)} ${e.detail}\n`);
      seen = round.events.length;
    },
  });
  if (!json) process.stderr.write(`${r.phase} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  finish(r, json);
  const code = isFinal(r.phase) ? roundExit[r.phase as keyof typeof roundExit] : 1;
  if (code !== 0) throw new ExitStatus(code);
}

function oneId(action: string, rest: string[]): string {
  if (rest.length !== 1) throw new UsageError(`fl round ${action} takes one round ID`);
  return rest[0];
}

const startUsage =
  'fl round start MODEL|ID --target SELECTOR [--min-clients N] [--clients N] [--deadline 10m] [--epochs N] [--batch-size N] [--lr X] [--prox-mu X] [--clip-norm X] [--time-budget 60s] [--aggregation fedavg|fedprox|trimmed-mean [--trim F]] [--secure] [--num-shares N] [--threshold N] [--max-cpu PERCENT] [--max-temp C] [--dp-noise Z --dp-clip C --dp-delta D --max-epsilon E] [--seed TEXT] [--wait] [--json]';

export const flCommand: Command = {
  name: 'fl',
  usage: `${startUsage}\n  fl round status ID [--wait] [--json]   fl round abort ID [--json]   fl round promote ID [--stages 5,25,100] [--json]   fl round rollback ID [--json]   fl round list [--json] [--home DIR]`,
  summary:
    'Federated learning rounds: devices train the model on their own data and send only updates (or, with --secure, masked updates), ' +
    'the console aggregates them and registers the result as a new version when it beats the current one on the devices\u2019 held-out data. ' +
    'With --wait the exit code says how the round ended: 0 registered, 3 rejected (not better), 4 failed, 5 aborted (2 bad input)',
  options: {
    target: { type: 'string' },
    'min-clients': { type: 'string' },
    clients: { type: 'string' },
    deadline: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    'prox-mu': { type: 'string' },
    'clip-norm': { type: 'string' },
    'time-budget': { type: 'string' },
    aggregation: { type: 'string' },
    trim: { type: 'string' },
    secure: { type: 'boolean' },
    'num-shares': { type: 'string' },
    threshold: { type: 'string' },
    'max-cpu': { type: 'string' },
    'max-temp': { type: 'string' },
    'dp-noise': { type: 'string' },
    'dp-clip': { type: 'string' },
    'dp-delta': { type: 'string' },
    'max-epsilon': { type: 'string' },
    seed: { type: 'string' },
    stages: { type: 'string' },
    wait: { type: 'boolean' },
    json: { type: 'boolean' },
    home: { type: 'string' },
  },
  optionDocs: {
    target: ['SELECTOR', 'Which devices may take part: device:ID, tag:T, group:G or all, comma-separated'],
    'min-clients': ['N', 'Quorum: the round fails when fewer devices are eligible or train (default 2)'],
    clients: ['N', 'Participants wanted (default 10); up to 1.3× as many are asked, the first N to train count'],
    deadline: ['DURATION', 'How long devices have to train and aggregate (default 10m)'],
    epochs: ['N', 'Local epochs per device (default 1)'],
    'batch-size': ['N', 'Local batch size (default 32)'],
    lr: ['X', 'Learning rate, (0, 1] (default 0.001)'],
    'prox-mu': ['X', 'FedProx proximal term μ (default 0)'],
    'clip-norm': ['X', 'Clip each local gradient to this norm'],
    'time-budget': ['DURATION', 'Longest local training on a device (default 60s)'],
    aggregation: ['fedavg|fedprox|trimmed-mean', 'How updates are combined (default fedavg; trimmed-mean only without --secure)'],
    trim: ['F', 'trimmed-mean: the share of each coordinate\u2019s values dropped from each side, 0.01 to 0.45 (default 0.1; it must drop at least one of minClients)'],
    secure: 'Secure aggregation (SecAgg+): the console sees only the sum of the updates, never one device\u2019s',
    'num-shares': ['N', 'SecAgg+ neighbourhood size (secure only)'],
    threshold: ['N', 'SecAgg+ shares needed to rebuild a dropped device\u2019s secret (secure only)'],
    'max-cpu': ['PERCENT', 'Leave out devices whose latest telemetry shows more agent CPU load, percent of one core (default: no limit)'],
    'max-temp': ['C', 'Leave out devices whose latest telemetry shows a hotter SoC (default: no limit)'],
    'dp-noise': ['Z', 'Differential privacy: Gaussian noise multiplier z (noise z·C/n on the mean update); needs the other --dp-* and --max-epsilon'],
    'dp-clip': ['C', 'Differential privacy: clip each device\u2019s update (local − global) to this L2 norm (with --secure, on the device)'],
    'dp-delta': ['D', 'Differential privacy: δ of the (ε, δ) guarantee, at most 0.01'],
    'max-epsilon': ['E', 'Privacy budget of the model\u2019s lineage: a round that would take ε past it does not start'],
    seed: ['TEXT', 'Makes the round reproducible: the same seed picks the same devices and trains the same updates from the same model and data (DP noise stays random)'],
    stages: ['5,25,100', 'Stages of the rollout fl round promote starts'],
    wait: 'Wait until the round ends (driving it if no console does); the exit code says how it ended',
  },
  subcommands: [
    {
      name: 'round',
      usage: `${startUsage} [--home DIR]\n  fl round status ID [--wait] [--json] [--home DIR]   fl round abort ID [--json]   fl round promote ID [--stages 5,25,100] [--json]   fl round rollback ID [--json]   fl round list [--json]`,
      summary: 'Start, follow, abort, promote, roll back or list federated rounds',
      options: ['target', 'min-clients', 'clients', 'deadline', 'epochs', 'batch-size', 'lr', 'prox-mu', 'clip-norm', 'time-budget', 'aggregation', 'trim', 'secure', 'num-shares', 'threshold', 'max-cpu', 'max-temp', 'dp-noise', 'dp-clip', 'dp-delta', 'max-epsilon', 'seed', 'stages', 'wait', 'json', 'home'],
    },
  ],
  async run({ values, positionals }) {
    const [, action, ...rest] = positionals;
    if (!actions.includes(action as Action)) throw new UsageError(`fl round needs one of ${actions.join(', ')}`);
    const json = Boolean(values.json);
    const wait = Boolean(values.wait);
    if (wait && !['start', 'status'].includes(action)) throw new UsageError(`--wait does not apply to fl round ${action}`);
    const core = openCore(values.home as string | undefined);
    try {
      switch (action as Action) {
        case 'start': {
          if (rest.length !== 1) throw new UsageError('fl round start takes one MODEL file or registry id');
          const target = values.target as string | undefined;
          if (!target) throw new UsageError('fl round start needs --target SELECTOR (e.g. tag:line-3 or all)');
          const aggregation = values.aggregation as string | undefined;
          if (aggregation !== undefined && !['fedavg', 'fedprox', 'trimmed-mean'].includes(aggregation)) throw new UsageError(`--aggregation must be fedavg, fedprox or trimmed-mean, got "${aggregation}"`);
          const input = {
            modelId: await resolveModel(core, rest[0], json),
            selector: target,
            minClients: num(values['min-clients'], 'min-clients', { int: true, min: 1 }),
            selectCount: num(values.clients, 'clients', { int: true, min: 1 }),
            deadlineSec: seconds(values.deadline, 'deadline'),
            epochs: num(values.epochs, 'epochs', { int: true, min: 1 }),
            batchSize: num(values['batch-size'], 'batch-size', { int: true, min: 1 }),
            learningRate: num(values.lr, 'lr'),
            proxMu: num(values['prox-mu'], 'prox-mu', { min: 0 }),
            clipNorm: num(values['clip-norm'], 'clip-norm'),
            timeBudgetSec: seconds(values['time-budget'], 'time-budget'),
            aggregation,
            trimFraction: num(values.trim, 'trim'),
            secure: Boolean(values.secure),
            numShares: num(values['num-shares'], 'num-shares', { int: true }),
            threshold: num(values.threshold, 'threshold', { int: true }),
            maxCpuPercent: num(values['max-cpu'], 'max-cpu'),
            maxTemperatureC: num(values['max-temp'], 'max-temp'),
            dp: dpOption(values),
            seed: values.seed as string | undefined,
          };
          const deadline = input.deadlineSec;
          if (deadline !== undefined) input.deadlineSec = Math.round(deadline);
          const round = unwrap<FlRound>(await core.call('fl.start', input));
          if (!wait || isFinal(round.phase)) {
            if (!json && !isFinal(round.phase)) process.stderr.write('A console drives the round: it goes on while `edgefleet serve` (or the app) runs, or with `edgefleet fl round status ID --wait`.\n');
            finish(round, json);
            if (wait && isFinal(round.phase) && round.phase !== 'registered') throw new ExitStatus(roundExit[round.phase as keyof typeof roundExit]);
            return;
          }
          if (!json) process.stderr.write(`${round.id}: ${round.devices.filter((d) => d.status === 'selected').length} devices selected\n`);
          return await waitAndReport(core, round.id, json);
        }
        case 'status': {
          const id = oneId(action, rest);
          if (wait) return await waitAndReport(core, id, json);
          return finish(unwrap<FlRound>(await core.call('fl.get', { id })), json);
        }
        case 'abort':
          return finish(unwrap<FlRound>(await core.call('fl.abort', { id: oneId(action, rest) })), json);
        case 'promote': {
          const stages = values.stages === undefined ? undefined : String(values.stages).split(',').map((p) => Number(p.trim()));
          return finish(unwrap<FlRound>(await core.call('fl.promote', { id: oneId(action, rest), stages })), json);
        }
        case 'rollback':
          return finish(unwrap<FlRound>(await core.call('fl.rollback', { id: oneId(action, rest) })), json);
        case 'list': {
          if (rest.length > 0) throw new UsageError('fl round list takes no arguments');
          const list = unwrap<FlRoundSummary[]>(await core.call('fl.list', {}));
          if (json) return printJson(list);
          if (list.length === 0) return void process.stdout.write('No federated rounds yet. Start one with `edgefleet fl round start MODEL --target SELECTOR`.\n');
          for (const r of list) {
            const eps = r.privacy ? `  ${privacySpent(r)}` : '';
            process.stdout.write(`${r.id}  ${r.phase.padEnd(11)} ${r.modelName}  ${r.aggregation}${r.secure ? ' secure' : ''}  ${r.participants} in of ${r.selectCount} selected, ${r.droppedCount} dropped  ${fmt(r.lossBefore)} → ${fmt(r.lossAfter)}${eps}  ${r.createdAt}\n`);
          }
          return;
        }
      }
    } finally {
      await core.close();
    }
  },
};
