// The rollout's work on one device, each step idempotent: it reads the device's status first and
// does only what is still missing, so a step sent again after a restart never deploys twice.
import { toErrorData } from '../api/errors.js';
import type { DeviceContext } from '../devices/device-context.js';
import { deployToDevice, type DeployPatch } from '../devices/deploy-device.js';
import { deviceError } from '../devices/device-errors.js';
import { toDeviceTelemetry } from '../devices/health.js';
import { manifestFor, nextRelease, observeRelease, signFor } from '../devices/release-counter.js';
import { statusPatch } from '../devices/status-fields.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { signManifest, type DeviceStatus, type SignedManifest } from '../../../resources/device-protocol/messages.js';
import { setDesiredState } from '../devices/mqtt/desired-publisher.js';
import { artifactPath } from '../registry/artifact-store.js';
import type { PreviousModel, RolloutFacts } from './rollout-facts.js';
import type { RolloutEvent, RolloutSpec } from './rollout-types.js';

export interface StepDeps {
  ctx: DeviceContext;
  facts: RolloutFacts;
  spec: RolloutSpec;
  signed: SignedManifest;
  signal: AbortSignal;
  onProgress: (deviceId: string, patch: DeployPatch) => void;
  /**
   * The device's link, kept by the runner from deploy to confirm so the steps of one device share a
   * connection; `done` releases it (after the device's last step, or a failure).
   */
  links: { get(deviceId: string): DeviceLink; done(deviceId: string): void };
}

function message(err: unknown, where: string): string {
  const e = toErrorData(deviceError(err, where));
  return `${e.title}: ${e.detail}`;
}

async function withLink<T>(deps: StepDeps, deviceId: string, last: boolean, work: (link: DeviceLink) => Promise<T>): Promise<T> {
  const link = deps.links.get(deviceId);
  let ok = false;
  try {
    const out = await work(link);
    ok = true;
    return out;
  } finally {
    if (last || !ok) deps.links.done(deviceId);
  }
}

function remember(deps: StepDeps, deviceId: string, status: DeviceStatus | null): void {
  observeRelease(deps.ctx.registry.db, status);
  if (!status || !deps.ctx.store.get(deviceId)) return;
  // An event since the rollout began is its doing (ISO 8601 UTC strings order as times).
  const since = deps.spec.createdAt;
  const ours = status.lastEvent !== null && (!since || status.lastEvent.at >= since);
  deps.ctx.store.upsert(deviceId, statusPatch(status, ours ? deps.spec.id : undefined));
  deps.ctx.changed.now(deviceId);
}

function previousOf(status: DeviceStatus): PreviousModel {
  const m = status.active?.manifest;
  return { sha256: m?.sha256 ?? null, name: m?.name ?? null, version: m?.version ?? null };
}

/** Counters when the new model went on trial: the gates count requests and errors from here. */
async function markDeployed(deps: StepDeps, link: DeviceLink, deviceId: string): Promise<void> {
  try {
    const t = await link.call('telemetry', { limit: 1 });
    const tel = toDeviceTelemetry(t.current);
    deps.ctx.store.addTelemetry(deviceId, tel);
    deps.facts.setMark(deps.spec.id, deviceId, { at: tel.at, requests: tel.requests, errors: tel.errors });
  } catch {
    deps.facts.setMark(deps.spec.id, deviceId, { at: new Date().toISOString(), requests: 0, errors: 0 });
  }
}

/**
 * The rollout's manifest as this device takes it: as signed once for the whole rollout (so a resumed
 * upload continues), or without the release fields for an agent from before release counters.
 */
async function signedForDevice(deps: StepDeps, deviceId: string, status: DeviceStatus): Promise<SignedManifest> {
  const manifest = manifestFor(deps.signed.manifest, { deviceId, status, downgrade: false });
  if (manifest.release === deps.signed.manifest.release) return deps.signed;
  return { manifest, signature: signManifest((await deps.ctx.consoleKey()).privateKey, manifest) };
}

/** Upload, verify and activate on trial, unless the device already runs the model. */
export async function deployStep(deps: StepDeps, deviceId: string): Promise<RolloutEvent> {
  const target = deps.signed.manifest.sha256;
  const id = deps.spec.id;
  try {
    const event = await withLink(deps, deviceId, false, async (link): Promise<RolloutEvent> => {
      const status = await link.call('status');
      // Recorded before the first upload and kept after: what ran before the rollout reached the device.
      deps.facts.recordPrevious(id, deviceId, previousOf(status));
      if (status.active?.manifest.sha256 === target) {
        // Already there (a deploy before a restart got through, or it ran the model before): never twice.
        remember(deps, deviceId, status);
        await markDeployed(deps, link, deviceId);
        deps.onProgress(deviceId, { phase: status.state === 'trial' ? 'trial' : 'confirmed', bytes: deps.signed.manifest.size, etaSec: 0 });
        return { type: 'device-deployed', deviceId };
      }
      // deployToDevice reports its error through the progress patch.
      let lastError: string | null = null;
      const outcome = await deployToDevice(
        link,
        {
          artifactPath: artifactPath(deps.ctx.home, target),
          signed: await signedForDevice(deps, deviceId, status),
          activate: true,
          confirm: false,
          healthyWindowSec: 0,
          signal: deps.signal,
          // A delta against the model the device runs, built once for the whole rollout (devices/delta-cache.ts).
          delta: { home: deps.ctx.home, status, privateKey: (await deps.ctx.consoleKey()).privateKey, enabled: true },
        },
        (patch) => {
          if (patch.error) lastError = `${patch.error.title}: ${patch.error.detail}`;
          deps.onProgress(deviceId, patch);
        },
      );
      remember(deps, deviceId, outcome.status);
      if (outcome.phase === 'trial') {
        await markDeployed(deps, link, deviceId);
        return { type: 'device-deployed', deviceId };
      }
      const error = lastError ?? outcome.status?.lastEvent?.detail ?? 'The deploy did not finish.';
      return outcome.phase === 'reverted' ? { type: 'device-reverted', deviceId, error } : { type: 'device-failed', deviceId, error };
    });
    // The link stays open for the device's gates and confirmation only when it is on trial.
    if (event.type !== 'device-deployed') deps.links.done(deviceId);
    return event;
  } catch (err) {
    return { type: 'device-failed', deviceId, error: message(err, deviceId) };
  }
}

export async function confirmStep(deps: StepDeps, deviceId: string): Promise<RolloutEvent> {
  const target = deps.signed.manifest.sha256;
  try {
    return await withLink(deps, deviceId, true, async (link) => {
      let status = await link.call('status');
      if (status.active?.manifest.sha256 === target && status.state === 'trial') status = await link.call('confirm', link.preconditions ? { expectTrialSha256: target } : {});
      remember(deps, deviceId, status);
      if (status.active?.manifest.sha256 === target && status.state === 'running') {
        await followDesired(deps, deviceId, status);
        return { type: 'device-confirmed', deviceId };
      }
      return { type: 'device-confirm-failed', deviceId, error: status.lastEvent?.detail ?? 'The device no longer runs the new model.' };
    });
  } catch (err) {
    return { type: 'device-confirm-failed', deviceId, error: message(err, deviceId) };
  }
}

/**
 * Back to the model the device ran before the rollout: the agent's own rollback when its other slot
 * (or the trial's) holds that model, else a fresh deploy of it from the registry. A device that
 * cannot take it back keeps what it runs and is flagged.
 */
/**
 * A device behind a broker keeps the rollout's outcome as its desired state: the model it confirmed
 * (the manifest it accepted, signed again: ed25519 gives the same signature), or none after a
 * rollback, so a device reflashed or restored later converges to what the console decided.
 */
async function followDesired(deps: StepDeps, deviceId: string, status: DeviceStatus | null): Promise<void> {
  if (deps.ctx.store.get(deviceId)?.transport !== 'mqtt') return;
  try {
    const manifest = status?.active?.manifest;
    const model = manifest ? deps.ctx.registry.findBySha256(manifest.sha256) : null;
    const want = manifest && model ? { model, signed: { manifest, signature: signManifest((await deps.ctx.consoleKey()).privateKey, manifest) } } : null;
    await setDesiredState(deps.ctx, deviceId, want, `rollout ${deps.spec.id}${want ? '' : ' (rolled back)'}`);
  } catch (err) {
    process.stderr.write(`edgefleet: rollout ${deps.spec.id}: desired state of ${deviceId}: ${(err as Error).message}\n`);
  }
}

export async function rollbackStep(deps: StepDeps, deviceId: string): Promise<RolloutEvent> {
  const prev = deps.facts.get(deps.spec.id, deviceId).previous;
  if (prev === undefined) return { type: 'device-rolled-back', deviceId };
  try {
    return await withLink(deps, deviceId, true, async (link) => {
      let status = await link.call('status');
      const rolledBack = async (): Promise<RolloutEvent> => {
        await followDesired(deps, deviceId, null);
        return { type: 'device-rolled-back', deviceId };
      };
      const back = () => status.active?.manifest.sha256 === prev.sha256 && status.state === 'running';
      if (prev.sha256 === null) {
        remember(deps, deviceId, status);
        return { type: 'device-rollback-failed', deviceId, error: `it ran no model before the rollout, so it keeps ${status.active?.manifest.name ?? 'nothing'}` };
      }
      if (back()) return rolledBack();
      if (status.state === 'trial' || status.previous?.manifest.sha256 === prev.sha256) {
        const active = status.active?.manifest.sha256;
        status = await link.call('rollback', link.preconditions && active ? { ifActiveSha256: active } : {});
        remember(deps, deviceId, status);
        if (back()) return rolledBack();
      }
      const model = deps.ctx.registry.findBySha256(prev.sha256);
      if (!model) {
        return { type: 'device-rollback-failed', deviceId, error: `its previous model (${prev.name ?? prev.sha256.slice(0, 12)}) is not in the registry; it keeps ${status.active?.manifest.name ?? 'nothing'}` };
      }
      const key = await deps.ctx.consoleKey();
      // Older content on purpose: a downgrade for this device under a new release (the counter never goes back).
      const manifest = { name: model.name, version: String(model.version), sha256: model.sha256, size: model.sizeBytes, created: deps.signed.manifest.created, release: nextRelease(deps.ctx.registry.db) };
      const outcome = await deployToDevice(
        link,
        { artifactPath: artifactPath(deps.ctx.home, model.sha256), signed: signFor(key.privateKey, manifest, { deviceId, status, downgrade: true }), activate: true, confirm: true, signal: deps.signal },
        () => undefined,
      );
      status = outcome.status ?? status;
      remember(deps, deviceId, status);
      if (outcome.phase === 'confirmed' && back()) return rolledBack();
      return { type: 'device-rollback-failed', deviceId, error: `re-deploying ${model.name} v${model.version} ended ${outcome.phase}; it keeps ${status.active?.manifest.name ?? 'nothing'}` };
    });
  } catch (err) {
    return { type: 'device-rollback-failed', deviceId, error: message(err, deviceId) };
  }
}
