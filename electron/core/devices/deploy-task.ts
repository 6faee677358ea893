// The `devices.deploy` job, run in a worker: one manifest for the artifact under a new release
// counter, then per device (a bounded number at once) its signed form (see release-counter.ts) and
// deployToDevice over its link (see deploy-device.ts).
// One device failing never stops the others; each ends in its own phase.
import { AppError, toErrorData } from '../api/errors.js';
import type { DeployDeviceProgress } from '../api/types.js';
import type { DeviceStatus, Manifest } from '../../../resources/device-protocol/messages.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { readConsoleKey } from './console-key.js';
import { deployToDevice } from './deploy-device.js';
import { deviceError } from './device-errors.js';
import { deployingProgress } from './deploy-progress.js';
import { openLink } from './open-link.js';
import { runPool } from './pool.js';
import { signFor } from './release-counter.js';

export interface DeployTaskInput {
  modelId: string;
  artifactPath: string;
  /** With the release the main thread took from the console's counter. */
  manifest: Omit<Manifest, 'created'>;
  /** An explicit downgrade (edgefleet deploy --allow-downgrade): each device's manifest is signed for it alone. */
  downgrade?: boolean;
  keyPath: string;
  devices: DeviceCredentials[];
  activate: boolean;
  confirm: boolean;
  maxLatencyMs?: number;
  healthyWindowSec?: number;
  concurrency: number;
  chunkBytes?: number;
  /** The console's home: deltas are built from its artifact store and cached there (absent: full models only). */
  home?: string;
  /** false: full models only (edgefleet deploy --no-delta). */
  delta?: boolean;
}

export interface DeployTaskResult {
  modelId: string;
  devices: DeployDeviceProgress[];
  /** The last status each device reported, for the inventory; null when it could not be read. */
  statuses: Record<string, DeviceStatus | null>;
}

export async function deployTask(input: DeployTaskInput, ctx: TaskContext): Promise<DeployTaskResult> {
  const key = readConsoleKey(input.keyPath);
  const manifest: Manifest = { ...input.manifest, created: new Date().toISOString() };
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
    const link = openLink(device, 120_000);
    try {
      // Says whether the agent keeps a release counter (see manifestFor).
      let before: DeviceStatus;
      try {
        before = await link.call('status');
      } catch (err) {
        const e = ctx.signal.aborted ? new AppError('CANCELLED', 'Cancelled', 'The deployment was cancelled.') : deviceError(err, link.where);
        Object.assign(row, { phase: 'failed', error: toErrorData(e) });
        statuses[device.id] = null;
        report(true);
        return;
      }
      const signed = signFor(key.privateKey, manifest, { deviceId: device.id, status: before, downgrade: Boolean(input.downgrade) });
      const outcome = await deployToDevice(
        link,
        {
          artifactPath: input.artifactPath,
          signed,
          activate: input.activate,
          confirm: input.confirm,
          maxLatencyMs: input.maxLatencyMs,
          healthyWindowSec: input.healthyWindowSec,
          chunkBytes: input.chunkBytes,
          signal: ctx.signal,
          ...(input.home ? { delta: { home: input.home, status: before, privateKey: key.privateKey, enabled: input.delta !== false } } : {}),
        },
        (patch) => {
          const phaseChanged = patch.phase !== undefined && patch.phase !== row.phase;
          Object.assign(row, patch);
          report(phaseChanged);
        },
      );
      statuses[device.id] = outcome.status;
    } finally {
      await link.close();
    }
  });
  report(true);
  throwIfCancelled(ctx.signal);
  return { modelId: input.modelId, devices: rows, statuses };
}
