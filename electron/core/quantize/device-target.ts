// Main-thread half of optimizing for a device: checks, before any work, that the target device is
// known, paired and answering, reads its board (CPU features, onnxruntime) and takes a release for
// the candidates' manifests. The job's worker times candidates on it (device-timing.ts).
import { AppError } from '../api/errors.js';
import type { DeviceContext } from '../devices/device-context.js';
import { deviceError, isUnreachable } from '../devices/device-errors.js';
import { hardwareOf } from '../devices/hardware-fields.js';
import { nextRelease, observeRelease } from '../devices/release-counter.js';
import type { DeviceTimingTarget } from './device-timing.js';

export async function resolveTimingTarget(ctx: DeviceContext, deviceId: string, manifestName: string): Promise<DeviceTimingTarget> {
  const device = ctx.store.get(deviceId);
  if (!device) {
    throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device with id ${deviceId} is in the inventory, so nothing can be timed on it. List them with \`edgefleet devices\`, or leave out --device to time on this workstation.`);
  }
  // Throws DEVICE_NOT_PAIRED or DEVICE_PAIRING_REVOKED with what to do.
  const creds = ctx.credentials(deviceId);
  const offline = () =>
    new AppError('DEVICE_OFFLINE', `${device.name} is offline`, `${device.name} (${device.address}) does not answer, so the candidates cannot be timed on it. Bring it online (edgefleet devices refresh), or leave out --device to time on this workstation.`);
  if (device.state === 'offline') throw offline();
  const link = ctx.link(deviceId, 10_000);
  try {
    const status = await link.call('status');
    observeRelease(ctx.registry.db, status);
    let hardware = ctx.store.hardware(deviceId);
    if (!hardware?.board) {
      const info = await link.call('info').catch(() => null);
      if (info) {
        ctx.store.upsert(deviceId, { hardware: hardwareOf(info) });
        hardware = ctx.store.hardware(deviceId);
      }
    }
    const key = await ctx.consoleKey();
    return { device: creds, keyPath: key.privateKeyPath, release: nextRelease(ctx.registry.db), manifestName, board: hardware?.board ?? null };
  } catch (err) {
    if (isUnreachable(err)) {
      ctx.store.upsert(deviceId, { state: 'offline' });
      ctx.changed.now(deviceId);
      throw offline();
    }
    throw err instanceof AppError ? err : deviceError(err, link.where);
  } finally {
    await link.close();
  }
}
