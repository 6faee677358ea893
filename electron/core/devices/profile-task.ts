// The `devices.profile` job, run in a worker: the device profiles its active model with the same
// profiler as the workstation and sends the result back.
import type { ProfileResult } from '../api/types.js';
import { AgentClient } from '../device-protocol/agent-client.js';
import type { DeviceCredentials } from '../registry/device-store.js';
import { parseAddress } from './address.js';
import { deviceError } from './device-errors.js';

export interface DeviceProfileInput {
  device: DeviceCredentials;
  runs: number;
}

export async function deviceProfileTask(input: DeviceProfileInput): Promise<ProfileResult> {
  const { host, port } = parseAddress(input.device.address);
  const client = new AgentClient({ host, port, fingerprint: input.device.fingerprint, token: input.device.token, timeoutMs: 15 * 60_000 });
  try {
    return await client.profile({ runs: input.runs, warmup: Math.min(10, Math.ceil(input.runs / 10)) });
  } catch (err) {
    throw deviceError(err, input.device.address);
  }
}
