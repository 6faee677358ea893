// The optimize.timeOnDevices job, in a worker: a float model and each of its variants timed on each
// chosen device with the optimize device timer (device-timing.ts): one staged upload and one
// `profile {staged: true}` per model and device, never activated. One device failing does not stop
// the others: failures are collected per model and device. The main thread stores the profiles.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { toErrorData } from '../api/errors.js';
import type { ProfileResult, TimeOnDevicesResult } from '../api/types.js';
import { throwIfCancelled, type TaskContext } from '../jobs/task-types.js';
import { deviceTimer, type DeviceTimingTarget } from './device-timing.js';

export interface TimeOnDevicesInput {
  /** The parent first, then its variants. */
  models: { modelId: string; label: string; path: string }[];
  targets: DeviceTimingTarget[];
}

export interface TimeOnDevicesTaskResult {
  profiles: { modelId: string; deviceId: string; profile: ProfileResult }[];
  failures: TimeOnDevicesResult['failures'];
}

// A device that stops answering fails every model after it: its remaining models are skipped.
const GONE = new Set(['DEVICE_UNREACHABLE', 'DEVICE_OFFLINE']);

export async function runTimeOnDevices(input: TimeOnDevicesInput, ctx: TaskContext): Promise<TimeOnDevicesTaskResult> {
  const total = input.models.length * input.targets.length;
  const out: TimeOnDevicesTaskResult = { profiles: [], failures: [] };
  let done = 0;
  for (const target of input.targets) {
    const scratch = await fsp.mkdtemp(path.join(ctx.tmpDir, 'time-'));
    const timer = deviceTimer(target, scratch);
    try {
      for (const [i, model] of input.models.entries()) {
        throwIfCancelled(ctx.signal);
        ctx.progress({ phase: 'analysing', fraction: done / total, message: `${model.label} on ${target.device.name} (${done + 1} of ${total})` });
        try {
          const timing = await timer.time(model.path, ctx.signal);
          const profile = timer.profileOf(timing.modelSha256);
          if (profile) out.profiles.push({ modelId: model.modelId, deviceId: target.device.id, profile });
        } catch (err) {
          throwIfCancelled(ctx.signal);
          const e = toErrorData(err);
          out.failures.push({ modelId: model.modelId, deviceId: target.device.id, deviceName: target.device.name, title: e.title, detail: e.detail });
          if (GONE.has(e.code)) {
            for (const skipped of input.models.slice(i + 1)) {
              out.failures.push({ modelId: skipped.modelId, deviceId: target.device.id, deviceName: target.device.name, title: 'Skipped', detail: `${target.device.name} stopped answering: ${e.title}.` });
            }
            done += input.models.length - i - 1;
            break;
          }
        } finally {
          done++;
        }
      }
    } finally {
      await timer.close().catch(() => {});
      await fsp.rm(scratch, { recursive: true, force: true });
    }
  }
  ctx.progress({ phase: 'done', fraction: 1 });
  return out;
}
