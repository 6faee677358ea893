// The `devices.profile` job, run in a worker: the device profiles its active model with the same
// profiler as the workstation and sends the result back.
import type { ProfileResult } from '../api/types.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { deviceError } from './device-errors.js';
import { openLink } from './open-link.js';

export interface DeviceProfileInput {
  device: DeviceCredentials;
  runs: number;
}

export async function deviceProfileTask(input: DeviceProfileInput): Promise<ProfileResult> {
  const link = openLink(input.device, 15 * 60_000);
  try {
    return await link.call('profile', { runs: input.runs, warmup: Math.min(10, Math.ceil(input.runs / 10)) });
  } catch (err) {
    throw deviceError(err, link.where);
  } finally {
    await link.close();
  }
}
