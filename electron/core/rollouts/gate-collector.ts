// Turns what the devices report into gate observations: each device's telemetry since the new model
// went on trial (pulled fresh into the inventory's history), against its baseline before the rollout,
// and its drift: the device's sketch windows of the new model, merged, against the model's reference.
import { toErrorData } from '../api/errors.js';
import type { DeviceTelemetry } from '../api/types.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { judgeDrift } from '../../../resources/device-protocol/drift/judge.js';
import type { DeviceContext } from '../devices/device-context.js';
import { toDeviceTelemetry } from '../devices/health.js';
import { runPool } from '../devices/pool.js';
import type { DeviceFacts } from './rollout-facts.js';
import { defaultEnergySeconds, observeEnergy } from './energy-observe.js';
import type { DeviceObservation } from './gates.js';
import type { RolloutState } from './rollout-types.js';

/** Pulls each device's latest telemetry into the inventory (the telemetry feed does this too while a console runs). */
export async function refreshTelemetry(ctx: DeviceContext, deviceIds: readonly string[], concurrency: number, links?: LinkSource): Promise<void> {
  await runPool(deviceIds, concurrency, async (id) => {
    let link: DeviceLink | null = null;
    try {
      link = links ? links.get(id) : ctx.link(id, 10_000);
      // The history too: drift windows ride on whichever summary followed them (the agent's own ticks included).
      const t = await link.call('telemetry', { limit: driftHistory });
      ctx.store.addTelemetry(id, toDeviceTelemetry(t.current));
      ctx.ingestWindows(id, [...t.history, t.current]);
      if (!links) link.close();
    } catch {
      // An unreachable device keeps its stored history; its gates judge what is known.
      if (links) links.done(id);
      else link?.close();
    }
  });
}

/** Summaries read back per device for their drift windows: 10 minutes of the agent's 5-second ticks. */
const driftHistory = 120;

/** The runner's links, kept open between a device's steps. */
export interface LinkSource {
  get(deviceId: string): DeviceLink;
  done(deviceId: string): void;
}

/** One device's observation, from its rollout phase, facts and the history since its deploy mark. */
export function observe(deviceId: string, phase: RolloutState['devices'][string]['phase'], facts: DeviceFacts, history: readonly DeviceTelemetry[]): DeviceObservation {
  const obs: DeviceObservation = { deviceId };
  if (phase === 'trial' || phase === 'confirmed') obs.deploy = 'ok';
  else if (phase === 'failed' || phase === 'reverted') obs.deploy = 'failed';
  const mark = facts.mark;
  if (!mark || obs.deploy !== 'ok') return obs;
  const since = history.filter((t) => t.at >= mark.at);
  const last = since.at(-1);
  if (!last) return obs;
  // A counter that went down means the runtime restarted: count from zero after it.
  let restarts = 0;
  let prev = { requests: mark.requests, errors: mark.errors };
  let requests = 0;
  let errors = 0;
  for (const t of since) {
    if (t.requests < prev.requests) {
      restarts++;
      prev = { requests: 0, errors: 0 };
    }
    requests += t.requests - prev.requests;
    errors += Math.max(0, t.errors - prev.errors);
    prev = { requests: t.requests, errors: t.errors };
  }
  obs.restarts = restarts;
  obs.requests = requests;
  obs.errors = errors;
  if (requests > 0) {
    obs.p95Ms = last.latencyMs?.p95 ?? null;
    obs.confidenceMean = last.confidenceMean;
  }
  obs.baselineP95Ms = facts.baseline?.p95Ms ?? null;
  obs.baselineConfidenceMean = facts.baseline?.confidenceMean ?? null;
  return obs;
}

export async function collectObservations(
  ctx: DeviceContext,
  state: RolloutState,
  facts: Map<string, DeviceFacts>,
  deviceIds: readonly string[],
  links?: LinkSource,
): Promise<DeviceObservation[]> {
  const serving = deviceIds.filter((id) => ['trial', 'confirmed'].includes(state.devices[id]?.phase));
  // Devices confirmed in earlier stages have no link kept open; use fresh ones for them.
  const onTrial = new Set(serving.filter((id) => state.devices[id].phase === 'trial'));
  await Promise.all([
    refreshTelemetry(ctx, serving.filter((id) => onTrial.has(id)), state.spec.maxConcurrency, links),
    refreshTelemetry(ctx, serving.filter((id) => !onTrial.has(id)), state.spec.maxConcurrency),
  ]);
  const none: DeviceFacts = { baseline: null, previous: undefined, mark: null };
  const observations = deviceIds.map((id) => ({ ...observe(id, state.devices[id].phase, facts.get(id) ?? none, ctx.store.history(id)), deviceName: ctx.store.get(id)?.name }));
  if (state.spec.gates.some((g) => g.kind === 'metric')) observeAppMetrics(ctx, state, facts, observations);
  const energyGate = state.spec.gates.find((g) => g.kind === 'energy-ratio');
  if (energyGate) {
    const model = state.spec.modelSha256 ?? ctx.registry.getModel(state.spec.modelId)?.sha256 ?? null;
    await observeEnergy(ctx, observations, model, energyGate.seconds ?? defaultEnergySeconds, state.spec.maxConcurrency);
  }
  if (state.spec.gates.some((g) => g.kind === 'input-drift' || g.kind === 'score-drift')) {
    const model = state.spec.modelSha256 ?? ctx.registry.getModel(state.spec.modelId)?.sha256 ?? null;
    for (const o of observations) {
      const mark = facts.get(o.deviceId)?.mark;
      if (o.deploy === 'ok' && mark && model) await observeDrift(ctx, o, model, Date.parse(mark.at));
    }
  }
  return observations;
}

/**
 * The application's metrics of each serving device: under the new model since its deploy mark, and
 * under the model it ran before, up to that mark (what the device's history still held).
 */
export function observeAppMetrics(ctx: DeviceContext, state: RolloutState, facts: Map<string, DeviceFacts>, observations: DeviceObservation[]): void {
  const model = state.spec.modelName && state.spec.modelVersion ? { name: state.spec.modelName, version: state.spec.modelVersion } : modelOf(ctx, state.spec.modelId);
  if (!model) return;
  for (const o of observations) {
    const f = facts.get(o.deviceId);
    const markMs = f?.mark ? Date.parse(f.mark.at) : NaN;
    if (o.deploy !== 'ok' || !Number.isFinite(markMs)) continue;
    const previous = f?.previous?.name && f.previous.version ? { name: f.previous.name, version: f.previous.version } : null;
    o.appMetrics = {
      candidate: ctx.appMetrics.totals(o.deviceId, { model, sinceMs: markMs }),
      baseline: previous ? ctx.appMetrics.totals(o.deviceId, { model: previous, untilMs: markMs }) : {},
    };
  }
}

function modelOf(ctx: DeviceContext, modelId: string): { name: string; version: string } | null {
  const m = ctx.registry.getModel(modelId);
  return m ? { name: m.name, version: String(m.version) } : null;
}

/** Fills a serving device's drift PSIs, or says why they stay null. */
export async function observeDrift(ctx: DeviceContext, obs: DeviceObservation, model: string, sinceMs: number): Promise<void> {
  obs.inputDriftPsi = null;
  obs.scoreDriftPsi = null;
  let merged;
  try {
    merged = ctx.drift.merged(obs.deviceId, model, Number.isFinite(sinceMs) ? sinceMs : 0);
  } catch (err) {
    obs.driftNote = toErrorData(err).detail;
    return;
  }
  if (!merged) {
    obs.driftNote = 'no drift window of the new model has arrived yet.';
    return;
  }
  const ref = await ctx.references.get(model);
  if (!ref.profile) {
    obs.driftNote = ref.reason;
    return;
  }
  try {
    const j = judgeDrift(ref.profile, merged);
    if (!j.enough) {
      obs.driftNote = `${j.samples} samples so far; ${j.minSamples} are needed before drift is judged.`;
      return;
    }
    obs.inputDriftPsi = j.worst.input?.psi ?? null;
    obs.scoreDriftPsi = j.worst.output?.psi ?? null;
    if (!j.worst.input || !j.worst.output) obs.driftNote = `the windows carry none of the reference's ${!j.worst.input ? 'input' : 'output'} statistics (${j.missing.slice(0, 3).join(', ')}).`;
  } catch (err) {
    obs.driftNote = toErrorData(err).detail;
  }
}
