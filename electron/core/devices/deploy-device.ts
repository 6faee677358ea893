// One device's deploy, over any link: upload with resume, verify, activate on trial, confirm if
// asked. The deploy job and the rollout engine both run it; each reports phases its own way.
// With delta options the upload is a delta where the device can take one (see delta-plan.ts); a
// device that cannot rebuild it (its base is gone or damaged) gets the full model, once, at once.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeployDeviceProgress } from '../api/types.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { deltaFallbackCodes } from '../../../resources/device-protocol/delta/delta-errors.js';
import { uploadBytes, type DeviceStatus, type SignedManifest } from '../../../resources/device-protocol/messages.js';
import { dropDelta } from './delta-cache.js';
import { planDelta, type DeltaOptions } from './delta-plan.js';
import { deviceError, isUnreachable } from './device-errors.js';
import { etaSeconds, RateMeter } from './rate-meter.js';

export interface DeviceDeployOptions {
  artifactPath: string;
  signed: SignedManifest;
  activate: boolean;
  confirm: boolean;
  maxLatencyMs?: number;
  healthyWindowSec?: number;
  chunkBytes?: number;
  signal: AbortSignal;
  /** Send a delta where the device can take one; absent: the full model. */
  delta?: DeltaOptions;
}

export type DeployPatch = Partial<Omit<DeployDeviceProgress, 'deviceId' | 'name'>>;

export interface DeviceDeployOutcome {
  phase: DeployDeviceProgress['phase'];
  /** The last status the device reported; null when it could not be read. */
  status: DeviceStatus | null;
}

const uploadAttempts = 3;

/** Never throws: a failure ends in phase `failed` (or `reverted`) with the error reported through `set`. */
export async function deployToDevice(link: DeviceLink, o: DeviceDeployOptions, set: (patch: DeployPatch) => void): Promise<DeviceDeployOutcome> {
  let status: DeviceStatus | null = null;
  const end = (phase: DeployDeviceProgress['phase'], patch: DeployPatch = {}): DeviceDeployOutcome => {
    set({ phase, ...patch });
    return { phase, status };
  };
  try {
    if (o.signal.aborted) throw cancelled();
    set({ phase: 'upload' });
    await upload(link, o, set);
    if (!o.activate) {
      status = await link.call('status').catch(() => null);
      return { phase: 'verify', status };
    }
    set({ phase: 'activate' });
    const act = await link.call('activate', {
      ...(o.maxLatencyMs !== undefined ? { maxLatencyMs: o.maxLatencyMs } : {}),
      healthyWindowSec: o.confirm ? 0 : (o.healthyWindowSec ?? 0),
      ...(link.preconditions ? { expectStagedSha256: o.signed.manifest.sha256 } : {}),
    });
    status = act.status;
    if (act.outcome === 'reverted') {
      return end('reverted', {
        error: { code: 'TRIAL_UNHEALTHY', title: 'The model failed its health check on the device', detail: `${act.health.reason ?? 'The self-test failed.'} The device went back to its previous model.` },
      });
    }
    if (!o.confirm) return end('trial');
    set({ phase: 'health-check' });
    status = await link.call('status');
    if (status.state !== 'trial' || status.active?.manifest.sha256 !== o.signed.manifest.sha256) {
      return end('reverted', { error: { code: 'TRIAL_ENDED', title: 'The device left the trial on its own', detail: status.lastEvent?.detail ?? 'The trial ended before it was confirmed.' } });
    }
    status = await link.call('confirm', link.preconditions ? { expectTrialSha256: o.signed.manifest.sha256 } : {});
    return end('confirmed');
  } catch (err) {
    const e = o.signal.aborted ? cancelled() : deviceError(err, link.where);
    status ??= await link.call('status').catch(() => null);
    return end('failed', { error: toErrorData(e), rateBps: null, etaSec: null });
  }
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'Cancelled', 'The deployment was cancelled.');
}

/** The delta where one fits, else (or when the device cannot rebuild it) the full model; progress in the bytes sent. */
async function upload(link: DeviceLink, o: DeviceDeployOptions, set: (patch: DeployPatch) => void): Promise<void> {
  const send = async (artifact: string, signed: SignedManifest) => {
    const size = uploadBytes(signed.manifest);
    set({ bytes: 0, totalBytes: size });
    await uploadWithRetry(link, artifact, signed, o, (bytes, rate) => set({ bytes, rateBps: rate, etaSec: etaSeconds(size - bytes, rate), ...(bytes >= size ? { phase: 'verify' } : {}) }));
    set({ phase: 'verify', bytes: size, etaSec: 0 });
  };
  const { plan, transfer } = o.delta ? await planDelta(link, o.signed, o.delta) : { plan: null, transfer: null };
  if (transfer) set({ transfer });
  if (!plan) return send(o.artifactPath, o.signed);
  try {
    await send(plan.path, plan.signed);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const refused = typeof code === 'string' && (deltaFallbackCodes.has(code) || code === 'ARTIFACT_HASH_MISMATCH');
    if (!refused || o.signal.aborted) throw err;
    // A delta the device found damaged is built again for the next device; a missing base is the device's.
    if (code !== 'DELTA_BASE_MISSING') await dropDelta(o.delta!.home, plan.base, o.signed.manifest.sha256).catch(() => undefined);
    const e = toErrorData(err);
    set({ phase: 'upload', transfer: { mode: 'full', bytes: o.signed.manifest.size, reason: `the device refused the delta (${e.code}: ${e.detail}); sent the full model instead` } });
    await send(o.artifactPath, o.signed);
  }
}

/** Uploads, resuming after a dropped connection from the offset the device holds. */
async function uploadWithRetry(link: DeviceLink, artifact: string, signed: SignedManifest, o: DeviceDeployOptions, onBytes: (bytes: number, rateBps: number | null) => void): Promise<void> {
  const meter = new RateMeter();
  const size = uploadBytes(signed.manifest);
  for (let attempt = 1; ; attempt++) {
    try {
      // The progress shows bytes sent; the device makes them durable every few MB and at the end.
      await link.upload(artifact, signed, {
        ...(o.chunkBytes ? { chunkBytes: o.chunkBytes } : {}),
        signal: o.signal,
        onSent: (bytes) => {
          meter.add(Date.now(), bytes);
          onBytes(Math.min(bytes, size - 1), meter.rate());
        },
        onProgress: (s) => {
          meter.add(Date.now(), s.offset);
          onBytes(s.offset, meter.rate());
        },
      });
      return;
    } catch (err) {
      if (attempt >= uploadAttempts || !isUnreachable(err) || o.signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
