// The ab.* channels: start an A/B assignment (cohorts by deterministic bucketing, each deployed and
// confirmed by the deploy job), its statistics from the cohorts' telemetry, stop, and promote.
import { randomUUID } from 'node:crypto';
import { AppError } from '../api/errors.js';
import type { EventBus } from '../api/event-bus.js';
import type { Handlers } from '../api/dispatch.js';
import type { Envelope } from '../api/contract.js';
import type { AbAssignment, AbStatus, AbVariant, DeployResult } from '../api/types.js';
import type { DeviceContext } from '../devices/device-context.js';
import { startDeploy } from '../devices/deploy-job.js';
import { runPool } from '../devices/pool.js';
import type { JobManager } from '../jobs/job-manager.js';
import { buildAbStatus } from './ab-report.js';
import { AbStore } from './ab-store.js';
import { deviceAbSample, type DeviceAbSample } from './ab-telemetry.js';
import { assignCohorts } from './bucketing.js';
import { resolveTargets } from './selector.js';
import { requireRunnableModel } from '../registry/runnable-model.js';

type AbChannels = 'ab.start' | 'ab.list' | 'ab.get' | 'ab.promote' | 'ab.stop';

export interface AbDeps {
  ctx: DeviceContext;
  jobs: JobManager;
  bus: EventBus;
  /** Runs another channel through the core (promote hands over to rollouts.create). */
  call(channel: string, input: unknown): Promise<Envelope<unknown>>;
  /** Whether the core serves a channel (rollouts.create may not be wired yet). */
  serves(channel: string): boolean;
  /** Telemetry summaries fetched per device (the agent keeps 720 by default). */
  historyLimit?: number;
}

const variantNames = 'ABCDEFGH';

export function abHandlers(deps: AbDeps): Pick<Handlers, AbChannels> {
  const { ctx, jobs, bus } = deps;
  const store = new AbStore(ctx.registry.db);

  const save = (a: AbAssignment): AbAssignment => {
    store.update(a);
    bus.emit('ab.changed', { id: a.id, state: a.state });
    return a;
  };

  /** A deploying assignment whose jobs have all ended becomes running (or failed). */
  const settle = (a: AbAssignment): AbAssignment => {
    if (a.state !== 'deploying') return a;
    const results: (DeployResult | null)[] = [];
    for (const jobId of a.deployJobIds) {
      let job;
      try {
        job = jobs.get(jobId);
      } catch {
        // Another console process runs (or ran) the deployment: it settles the assignment. One that
        // died meanwhile leaves it deploying, and `ab stop` ends it.
        return a;
      }
      if (job.state === 'queued' || job.state === 'running') return a;
      results.push(job.state === 'succeeded' ? (job.result as DeployResult) : null);
    }
    const variants = a.variants.map((v, i): AbVariant => {
      const confirmed = new Set((results[i]?.devices ?? []).filter((d) => d.phase === 'confirmed').map((d) => d.deviceId));
      return { ...v, failedDeviceIds: v.deviceIds.filter((d) => !confirmed.has(d)) };
    });
    const empty = variants.filter((v) => v.failedDeviceIds.length === v.deviceIds.length).map((v) => v.name);
    if (empty.length) {
      return save({
        ...a,
        variants,
        state: 'failed',
        error: { code: 'AB_DEPLOY_FAILED', title: 'A cohort could not be deployed', detail: `No device of variant ${empty.join(', ')} confirmed its model; see the deploy jobs for each device's error.` },
      });
    }
    return save({ ...a, variants, state: 'running', servingSince: new Date().toISOString() });
  };

  const watch = (a: AbAssignment): void => {
    void Promise.allSettled(a.deployJobIds.map((id) => jobs.wait(id))).then(() => {
      const current = store.get(a.id);
      if (current) settle(current);
    });
  };

  const samplesOf = async (a: AbAssignment): Promise<{ samples: Map<string, DeviceAbSample>; unreachable: string[] }> => {
    const samples = new Map<string, DeviceAbSample>();
    const unreachable: string[] = [];
    if (!a.servingSince) return { samples, unreachable };
    const work = a.variants.flatMap((v) => {
      const failed = new Set(v.failedDeviceIds);
      const model = { name: v.modelName, version: String(v.modelVersion) };
      return v.deviceIds.filter((d) => !failed.has(d)).map((deviceId) => ({ deviceId, model }));
    });
    await runPool(work, 16, async ({ deviceId, model }) => {
      let link;
      try {
        link = ctx.link(deviceId, 10_000);
        const { history, current } = await link.call('telemetry', { limit: deps.historyLimit ?? 10_000 });
        const all = history.length && history[history.length - 1].seq === current.seq ? history : [...history, current];
        samples.set(deviceId, deviceAbSample(all, { since: a.servingSince!, until: a.stoppedAt, model }));
      } catch {
        unreachable.push(deviceId);
      } finally {
        link?.close();
      }
    });
    return { samples, unreachable: unreachable.sort() };
  };

  const status = async (id: string): Promise<AbStatus> => {
    const a = settle(store.require(id));
    const { samples, unreachable } = await samplesOf(a);
    return buildAbStatus({ assignment: a, samples, unreachable });
  };

  return {
    'ab.start': async ({ selector, variants, control, seed, concurrency }) => {
      const inventory = ctx.store.list();
      const targets = resolveTargets(selector, inventory);
      if (targets.length === 0) throw new AppError('AB_NO_DEVICES', 'No devices selected', `"${selector}" matches no device in the inventory. Check the tags and groups in the Fleet page.`);
      const unpaired = inventory.filter((d) => targets.includes(d.id) && !d.paired).map((d) => d.name);
      if (unpaired.length) throw new AppError('AB_TARGET_UNPAIRED', 'Devices not paired', `${unpaired.join(', ')} match the selector but are not paired: pair them or narrow the selector.`);
      const busy = store.busyDevices(targets);
      if (busy.length) {
        throw new AppError('AB_DEVICES_BUSY', 'Devices already in an A/B assignment', `${busy.length} selected devices (first: ${busy[0].deviceId}) are in assignment ${busy[0].assignmentId}: stop it first with \`edgefleet ab stop ${busy[0].assignmentId}\`.`);
      }
      const models = variants.map((v) => requireRunnableModel(ctx.registry, v.modelId));
      const id = `ab-${randomUUID().slice(0, 8)}`;
      const drawSeed = seed ?? id;
      const names = variants.map((_, i) => variantNames[i]);
      const { cohorts, unassigned } = assignCohorts(drawSeed, targets, variants.map((v, i) => ({ id: names[i], percent: v.percent })), control ? { control: 'equal' } : {});
      const empty = names.filter((n) => cohorts[n].length === 0);
      if (empty.length) {
        throw new AppError('AB_COHORT_EMPTY', 'A cohort would be empty', `With ${targets.length} selected devices, variant ${empty.join(', ')} gets none: select more devices or raise the percentages.`);
      }
      const largest = Math.max(...variants.slice(1).map((v) => v.percent));
      const assignment: AbAssignment = {
        id,
        selector,
        seed: drawSeed,
        state: 'deploying',
        createdAt: new Date().toISOString(),
        servingSince: null,
        stoppedAt: null,
        variants: variants.map((v, i) => ({
          name: names[i],
          modelId: models[i].id,
          modelName: models[i].name,
          modelVersion: models[i].version,
          percent: control && i === 0 ? largest : v.percent,
          control: control && i === 0,
          deviceIds: cohorts[names[i]],
          failedDeviceIds: [],
        })),
        unassigned,
        deployJobIds: [],
        promotion: null,
        error: null,
      };
      store.insert(assignment);
      for (const v of assignment.variants) {
        const job = await startDeploy(ctx, jobs, { modelId: v.modelId, deviceIds: v.deviceIds, activate: true, confirm: true, concurrency });
        assignment.deployJobIds.push(job.id);
      }
      save(assignment);
      watch(assignment);
      return assignment;
    },
    'ab.list': () => store.list().map(settle),
    'ab.get': ({ id }) => status(id),
    'ab.stop': ({ id }) => {
      const a = settle(store.require(id));
      if (a.state !== 'deploying' && a.state !== 'running') {
        throw new AppError('AB_NOT_ACTIVE', 'Assignment not active', `Assignment ${id} is ${a.state}; only a deploying or running one can be stopped.`);
      }
      for (const jobId of a.deployJobIds) {
        try {
          jobs.cancel(jobId);
        } catch {
          // A job of an earlier console: nothing to cancel here.
        }
      }
      return save({ ...a, state: 'stopped', stoppedAt: new Date().toISOString() });
    },
    'ab.promote': async ({ id, variant, soakMs }) => {
      const current = await status(id);
      const a = current.assignment;
      if (a.state !== 'running' && a.state !== 'stopped') {
        throw new AppError('AB_NOT_PROMOTABLE', 'Nothing to promote', `Assignment ${id} is ${a.state}; only a running or stopped assignment can be promoted.`);
      }
      const chosen = variant ? findVariant(a, variant) : a.variants.find((v) => v.name === current.winner);
      if (!chosen) {
        throw new AppError('AB_NO_WINNER', 'No winner to promote', `${current.verdict} Name the variant to promote (e.g. --variant ${a.variants[0].name}).`);
      }
      const serving = new Set(chosen.deviceIds.filter((d) => !chosen.failedDeviceIds.includes(d)));
      const selection = [...a.variants.flatMap((v) => v.deviceIds), ...a.unassigned];
      const rest = selection.filter((d) => !serving.has(d)).sort();
      if (rest.length === 0) throw new AppError('AB_NOTHING_LEFT', 'Nothing left to promote to', `Every device of ${a.selector} already runs ${chosen.modelName} v${chosen.modelVersion}.`);
      const promotion = await promote(chosen, rest, a, soakMs);
      return save({ ...a, state: 'promoted', stoppedAt: a.stoppedAt ?? new Date().toISOString(), promotion });
    },
  };

  async function promote(chosen: AbVariant, rest: string[], a: AbAssignment, soakMs: number | undefined): Promise<NonNullable<AbAssignment['promotion']>> {
    const list = rest.map((d) => `device:${d}`).join(',');
    if (deps.serves('rollouts.create')) {
      // The rollout freezes its own device list: the rest of the selection, or the whole selector when
      // the list is too long to spell out (devices already on the model then redeploy as a no-op).
      const env = await deps.call('rollouts.create', { modelId: chosen.modelId, selector: list.length <= 2000 ? list : a.selector, seed: a.seed, ...(soakMs === undefined ? {} : { soakMs }) });
      if (!env.ok) throw new AppError(env.error.code, env.error.title, env.error.detail);
      return { variant: chosen.name, kind: 'rollout', id: (env.result as { id: string }).id, deviceIds: rest };
    }
    const job = await startDeploy(ctx, jobs, { modelId: chosen.modelId, deviceIds: rest, activate: true, confirm: true, concurrency: 8 });
    return { variant: chosen.name, kind: 'deploy', id: job.id, deviceIds: rest };
  }
}

function findVariant(a: AbAssignment, wanted: string): AbVariant {
  const v = a.variants.find((x) => x.name.toLowerCase() === wanted.toLowerCase() || x.modelId === wanted);
  if (!v) throw new AppError('AB_VARIANT_UNKNOWN', 'No such variant', `Assignment ${a.id} has variants ${a.variants.map((x) => x.name).join(', ')}; "${wanted}" is none of them.`);
  return v;
}
