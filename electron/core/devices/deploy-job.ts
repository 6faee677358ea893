// Starts a `devices.deploy` job and, when it ends, records what each device reported.
import type { DeployResult, Job } from '../api/types.js';
import type { JobManager } from '../jobs/job-manager.js';
import { artifactPath } from '../registry/artifact-store.js';
import type { DeviceContext } from './device-context.js';
import { statusPatch } from './status-fields.js';

export interface DeployRequest {
  modelId: string;
  deviceIds: string[];
  activate: boolean;
  confirm: boolean;
  maxLatencyMs?: number;
  healthyWindowSec?: number;
  concurrency: number;
}

export async function startDeploy(ctx: DeviceContext, jobs: JobManager, req: DeployRequest): Promise<Job> {
  const model = ctx.registry.requireModel(req.modelId);
  const devices = [...new Set(req.deviceIds)].map((id) => ctx.credentials(id));
  const key = await ctx.consoleKey();
  const label = devices.length === 1 ? devices[0].name : `${devices.length} devices`;
  return jobs.start(
    'devices.deploy',
    {
      modelId: model.id,
      artifactPath: artifactPath(ctx.home, model.sha256),
      manifest: { name: model.name, version: String(model.version), sha256: model.sha256, size: model.sizeBytes },
      keyPath: key.privateKeyPath,
      devices,
      activate: req.activate,
      confirm: req.confirm,
      maxLatencyMs: req.maxLatencyMs,
      healthyWindowSec: req.healthyWindowSec,
      concurrency: req.concurrency,
    },
    {
      title: `Deploy ${model.name} v${model.version} to ${label}`,
      onSuccess: (r): DeployResult => {
        for (const d of r.devices) {
          const status = r.statuses[d.deviceId];
          if (status) ctx.store.upsert(d.deviceId, statusPatch(status));
          else if (d.error?.code === 'DEVICE_UNREACHABLE') ctx.store.upsert(d.deviceId, { state: 'offline' });
          if (d.phase === 'reverted') ctx.store.upsert(d.deviceId, { health: 'error' });
        }
        ctx.changed.now(...r.devices.map((d) => d.deviceId));
        return { modelId: r.modelId, devices: r.devices };
      },
    },
  );
}
