// Turns what the devices report into gate observations: each device's telemetry since the new model
// went on trial (pulled fresh into the inventory's history), against its baseline before the rollout.
import type { DeviceTelemetry } from '../api/types.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { DeviceContext } from '../devices/device-context.js';
import { toDeviceTelemetry } from '../devices/health.js';
import { runPool } from '../devices/pool.js';
import type { DeviceFacts } from './rollout-facts.js';
import type { DeviceObservation } from './gates.js';
import type { RolloutState } from './rollout-types.js';

/** Pulls each device's latest telemetry into the inventory (the telemetry feed does this too while a console runs). */
export async function refreshTelemetry(ctx: DeviceContext, deviceIds: readonly string[], concurrency: number, links?: LinkSource): Promise<void> {
  await runPool(deviceIds, concurrency, async (id) => {
    let link: DeviceLink | null = null;
    try {
      link = links ? links.get(id) : ctx.link(id, 10_000);
      const t = await link.call('telemetry', { limit: 1 });
      ctx.store.addTelemetry(id, toDeviceTelemetry(t.current));
      if (!links) link.close();
    } catch {
      // An unreachable device keeps its stored history; its gates judge what is known.
      if (links) links.done(id);
      else link?.close();
    }
  });
}

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
  return deviceIds.map((id) => observe(id, state.devices[id].phase, facts.get(id) ?? none, ctx.store.history(id)));
}
