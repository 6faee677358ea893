// Starts a `devices.deploy` job and, when it ends, records what each device reported.
import { AppError } from '../api/errors.js';
import type { DeployResult, Job } from '../api/types.js';
import type { JobManager } from '../jobs/job-manager.js';
import { artifactPath } from '../registry/artifact-store.js';
import { requireRunnableModel } from '../registry/runnable-model.js';
import type { DeviceContext } from './device-context.js';
import { isDowngrade, nextRelease, observeRelease } from './release-counter.js';
import { statusPatch } from './status-fields.js';

export interface DeployRequest {
  modelId: string;
  deviceIds: string[];
  activate: boolean;
  confirm: boolean;
  maxLatencyMs?: number;
  healthyWindowSec?: number;
  concurrency: number;
  /** Deploy even where the model is older than the one the device runs (signed per device as a downgrade). */
  allowDowngrade?: boolean;
  /** false: send full models only, never deltas (default true). */
  delta?: boolean;
}

export async function startDeploy(ctx: DeviceContext, jobs: JobManager, req: DeployRequest): Promise<Job> {
  const model = requireRunnableModel(ctx.registry, req.modelId);
  const devices = [...new Set(req.deviceIds)].map((id) => ctx.credentials(id));
  if (!req.allowDowngrade) refuseDowngrades(ctx, model, devices);
  const key = await ctx.consoleKey();
  const label = devices.length === 1 ? devices[0].name : `${devices.length} devices`;
  return jobs.start(
    'devices.deploy',
    {
      modelId: model.id,
      artifactPath: artifactPath(ctx.home, model.sha256),
      manifest: { name: model.name, version: String(model.version), sha256: model.sha256, size: model.sizeBytes, release: nextRelease(ctx.registry.db) },
      downgrade: Boolean(req.allowDowngrade),
      keyPath: key.privateKeyPath,
      devices,
      activate: req.activate,
      confirm: req.confirm,
      maxLatencyMs: req.maxLatencyMs,
      healthyWindowSec: req.healthyWindowSec,
      concurrency: req.concurrency,
      home: ctx.home,
      delta: req.delta !== false,
    },
    {
      title: `Deploy ${model.name} v${model.version} to ${label}`,
      onSuccess: (r): DeployResult => {
        for (const d of r.devices) {
          const status = r.statuses[d.deviceId];
          observeRelease(ctx.registry.db, status);
          if (status) ctx.store.upsert(d.deviceId, statusPatch(status));
          else if (d.error?.code === 'DEVICE_UNREACHABLE') ctx.store.upsert(d.deviceId, { state: 'offline' });
          // A revert is the device's last change (its status carries the event); health stays what it serves now.
          if (d.phase === 'reverted' && !status?.lastEvent) {
            ctx.store.upsert(d.deviceId, { lastChange: { kind: 'trial-unhealthy', at: new Date().toISOString(), detail: d.error?.detail ?? 'The trial ended before it was confirmed.', reverted: true } });
          }
        }
        ctx.changed.now(...r.devices.map((d) => d.deviceId));
        return { modelId: r.modelId, devices: r.devices };
      },
    },
  );
}

/** The console's own check (the device's is the release counter): going back to an older version of a model is asked for explicitly. */
function refuseDowngrades(ctx: DeviceContext, model: { id: string; name: string; version: number }, devices: { id: string }[]): void {
  const older = devices.flatMap((d) => {
    const active = ctx.store.get(d.id)?.activeModel;
    return isDowngrade(model, active) ? [`${ctx.store.get(d.id)!.name} (${d.id}) runs v${active!.version}`] : [];
  });
  if (older.length === 0) return;
  const ids = devices.slice(0, 3).map((d) => `--device ${d.id}`).join(' ') + (devices.length > 3 ? ' …' : '');
  throw new AppError(
    'MODEL_DOWNGRADE',
    'Older model refused',
    `${model.name} v${model.version} is older than what ${older.length === 1 ? 'this device runs' : 'these devices run'}: ${older.slice(0, 5).join(', ')}${older.length > 5 ? ` and ${older.length - 5} more` : ''}. To go back to it on purpose: edgefleet deploy ${model.id} ${ids} --allow-downgrade (recorded in the audit log). To return to the model a device ran before, roll it back: edgefleet rollback --device ID.`,
  );
}
