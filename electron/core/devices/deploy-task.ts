// The `devices.deploy` job, run in a worker: one signed manifest for the artifact, then per device
// (a bounded number at once) upload with resume, verify, activate on trial and confirm if asked.
// One device failing never stops the others; each ends in its own phase.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeployDeviceProgress } from '../api/types.js';
import { AgentClient } from '../device-protocol/agent-client.js';
import { signManifest, type DeviceStatus, type Manifest, type SignedManifest } from '../device-protocol/messages.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { parseAddress } from './address.js';
import { readConsoleKey } from './console-key.js';
import { deployingProgress } from './deploy-progress.js';
import { deviceError, isUnreachable } from './device-errors.js';
import { runPool } from './pool.js';
import { etaSeconds, RateMeter } from './rate-meter.js';

export interface DeployTaskInput {
  modelId: string;
  artifactPath: string;
  manifest: Omit<Manifest, 'created'>;
  keyPath: string;
  devices: DeviceCredentials[];
  activate: boolean;
  confirm: boolean;
  maxLatencyMs?: number;
  healthyWindowSec?: number;
  concurrency: number;
  chunkBytes?: number;
}

export interface DeployTaskResult {
  modelId: string;
  devices: DeployDeviceProgress[];
  /** The last status each device reported, for the inventory; null when it could not be read. */
  statuses: Record<string, DeviceStatus | null>;
}

const uploadAttempts = 3;

export async function deployTask(input: DeployTaskInput, ctx: TaskContext): Promise<DeployTaskResult> {
  const key = readConsoleKey(input.keyPath);
  const manifest: Manifest = { ...input.manifest, created: new Date().toISOString() };
  const signed: SignedManifest = { manifest, signature: signManifest(key.privateKey, manifest) };
  const rows: DeployDeviceProgress[] = input.devices.map((d) => ({
    deviceId: d.id,
    name: d.name,
    phase: 'queued',
    bytes: 0,
    totalBytes: manifest.size,
    rateBps: null,
    etaSec: null,
    error: null,
  }));
  const settled = (d: DeployDeviceProgress) => ['trial', 'confirmed', 'reverted', 'failed'].includes(d.phase) || (!input.activate && d.phase === 'verify');
  let lastSent = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastSent < 100) return;
    lastSent = now;
    ctx.progress(deployingProgress(rows, settled));
  };
  report(true);
  const statuses: Record<string, DeviceStatus | null> = {};

  await runPool(input.devices, input.concurrency, async (device, i) => {
    const row = rows[i];
    const set = (patch: Partial<DeployDeviceProgress>) => {
      const phaseChanged = patch.phase !== undefined && patch.phase !== row.phase;
      Object.assign(row, patch);
      report(phaseChanged);
    };
    const { host, port } = parseAddress(device.address);
    const client = new AgentClient({ host, port, fingerprint: device.fingerprint, token: device.token, timeoutMs: 120_000 });
    try {
      throwIfCancelled(ctx.signal);
      set({ phase: 'upload' });
      await uploadWithRetry(client, input, signed, ctx.signal, (bytes, rate) =>
        set({ bytes, rateBps: rate, etaSec: etaSeconds(manifest.size - bytes, rate), ...(bytes >= manifest.size ? { phase: 'verify' } : {}) }),
      );
      set({ phase: 'verify', bytes: manifest.size, etaSec: 0 });
      if (!input.activate) {
        statuses[device.id] = await client.status().catch(() => null);
        return;
      }
      set({ phase: 'activate' });
      const act = await client.activate({
        ...(input.maxLatencyMs !== undefined ? { maxLatencyMs: input.maxLatencyMs } : {}),
        healthyWindowSec: input.confirm ? 0 : (input.healthyWindowSec ?? 0),
      });
      statuses[device.id] = act.status;
      if (act.outcome === 'reverted') {
        set({ phase: 'reverted', error: { code: 'TRIAL_UNHEALTHY', title: 'The model failed its health check on the device', detail: `${act.health.reason ?? 'The self-test failed.'} The device went back to its previous model.` } });
        return;
      }
      if (!input.confirm) {
        set({ phase: 'trial' });
        return;
      }
      set({ phase: 'health-check' });
      const now = await client.status();
      statuses[device.id] = now;
      if (now.state !== 'trial' || now.active?.manifest.sha256 !== manifest.sha256) {
        set({ phase: 'reverted', error: { code: 'TRIAL_ENDED', title: 'The device left the trial on its own', detail: now.lastEvent?.detail ?? 'The trial ended before it was confirmed.' } });
        return;
      }
      statuses[device.id] = await client.confirm();
      set({ phase: 'confirmed' });
    } catch (err) {
      const e = ctx.signal.aborted ? new AppError('CANCELLED', 'Cancelled', 'The deployment was cancelled.') : deviceError(err, device.address);
      set({ phase: 'failed', error: toErrorData(e), rateBps: null, etaSec: null });
      statuses[device.id] ??= await client.status().catch(() => null);
    } finally {
      client.close();
    }
  });
  report(true);
  throwIfCancelled(ctx.signal);
  return { modelId: input.modelId, devices: rows, statuses };
}

/** Uploads, resuming after a dropped connection from the offset the device holds. */
async function uploadWithRetry(
  client: AgentClient,
  input: DeployTaskInput,
  signed: SignedManifest,
  signal: AbortSignal,
  onBytes: (bytes: number, rateBps: number | null) => void,
): Promise<void> {
  const meter = new RateMeter();
  for (let attempt = 1; ; attempt++) {
    try {
      // One streamed request over a kept-alive connection unless a chunk size is asked for; the
      // progress shows bytes sent (the device makes them durable every few MB and at the end).
      await client.upload(input.artifactPath, signed, {
        ...(input.chunkBytes ? { chunkBytes: input.chunkBytes } : {}),
        signal,
        onSent: (bytes) => {
          meter.add(Date.now(), bytes);
          onBytes(Math.min(bytes, input.manifest.size - 1), meter.rate());
        },
        onProgress: (s) => {
          meter.add(Date.now(), s.offset);
          onBytes(s.offset, meter.rate());
        },
      });
      return;
    } catch (err) {
      if (attempt >= uploadAttempts || !isUnreachable(err) || signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
