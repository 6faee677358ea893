// One device's deploy, over any link: upload with resume, verify, activate on trial, confirm if
// asked. The deploy job and the rollout engine both run it; each reports phases its own way.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeployDeviceProgress } from '../api/types.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import type { DeviceStatus, SignedManifest } from '../../../resources/device-protocol/messages.js';
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
}

export type DeployPatch = Partial<Omit<DeployDeviceProgress, 'deviceId' | 'name' | 'totalBytes'>>;

export interface DeviceDeployOutcome {
  phase: DeployDeviceProgress['phase'];
  /** The last status the device reported; null when it could not be read. */
  status: DeviceStatus | null;
}

const uploadAttempts = 3;

/** Never throws: a failure ends in phase `failed` (or `reverted`) with the error reported through `set`. */
export async function deployToDevice(link: DeviceLink, o: DeviceDeployOptions, set: (patch: DeployPatch) => void): Promise<DeviceDeployOutcome> {
  const size = o.signed.manifest.size;
  let status: DeviceStatus | null = null;
  const end = (phase: DeployDeviceProgress['phase'], patch: DeployPatch = {}): DeviceDeployOutcome => {
    set({ phase, ...patch });
    return { phase, status };
  };
  try {
    if (o.signal.aborted) throw cancelled();
    set({ phase: 'upload' });
    await uploadWithRetry(link, o, (bytes, rate) => set({ bytes, rateBps: rate, etaSec: etaSeconds(size - bytes, rate), ...(bytes >= size ? { phase: 'verify' } : {}) }));
    set({ phase: 'verify', bytes: size, etaSec: 0 });
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

/** Uploads, resuming after a dropped connection from the offset the device holds. */
async function uploadWithRetry(link: DeviceLink, o: DeviceDeployOptions, onBytes: (bytes: number, rateBps: number | null) => void): Promise<void> {
  const meter = new RateMeter();
  const size = o.signed.manifest.size;
  for (let attempt = 1; ; attempt++) {
    try {
      // The progress shows bytes sent; the device makes them durable every few MB and at the end.
      await link.upload(o.artifactPath, o.signed, {
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
