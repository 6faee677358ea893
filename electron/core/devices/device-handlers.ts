// The devices.* and demo.* channels: inventory, pairing, deployment and profiling on devices.
import { AppError } from '../api/errors.js';
import type { Handlers } from '../api/dispatch.js';
import type { DeviceDetail, DeviceSummary, ProfileResult } from '../api/types.js';
import type { JobManager } from '../jobs/job-manager.js';
import type { DeviceLink } from '../../../resources/device-protocol/device-link.js';
import { activeModelFit, checkFit } from './check-fit.js';
import type { DeviceContext } from './device-context.js';
import { deviceError, isUnreachable } from './device-errors.js';
import type { DemoFleet } from './demo-fleet.js';
import { startDeploy } from './deploy-job.js';
import { addDevice, pairDevice } from './pair-device.js';
import { hardwareOf } from './hardware-fields.js';
import { discoverFor, refreshDevices } from './refresh-devices.js';
import { readExchanges } from './protocol-log.js';
import { recordFailure } from './record-failure.js';
import { statusPatch } from './status-fields.js';
import { deviceDrift } from '../drift/device-drift.js';

type DeviceChannels =
  | 'devices.list'
  | 'devices.listRows'
  | 'devices.get'
  | 'devices.refresh'
  | 'devices.discover'
  | 'devices.add'
  | 'devices.pair'
  | 'devices.update'
  | 'devices.remove'
  | 'devices.deploy'
  | 'devices.appMetrics'
  | 'devices.drift'
  | 'devices.checkFit'
  | 'devices.confirm'
  | 'devices.rollback'
  | 'devices.profile'
  | 'demo.start'
  | 'demo.stop';

export function deviceHandlers(deps: { ctx: DeviceContext; jobs: JobManager; demo: DemoFleet }): Pick<Handlers, DeviceChannels> {
  const { ctx, jobs } = deps;
  const { store, registry } = ctx;

  const known = (id: string): DeviceSummary => {
    const d = store.get(id);
    if (!d) throw new AppError('DEVICE_NOT_FOUND', 'Device not found', `No device with id ${id} is in the inventory.`);
    return d;
  };

  /** Runs one call on a paired device and records what it reports (or that it is unreachable). */
  const onDevice = async <T>(id: string, call: (link: DeviceLink) => Promise<T>, timeoutMs?: number): Promise<T> => {
    const link = ctx.link(id, timeoutMs);
    try {
      return await call(link);
    } catch (err) {
      if (isUnreachable(err)) {
        store.upsert(id, { state: 'offline' });
        ctx.changed.now(id);
      }
      throw deviceError(err, link.where);
    } finally {
      link.close();
    }
  };

  const slotChange = async (id: string, op: 'confirm' | 'rollback'): Promise<DeviceSummary> => {
    const status = await onDevice(id, (link) => link.call(op, {}));
    const device = store.upsert(id, statusPatch(status));
    ctx.changed.now(id);
    return device;
  };

  return {
    'devices.list': () => store.list(),
    'devices.listRows': () => store.listRows(),
    'devices.get': async ({ id }): Promise<DeviceDetail> => {
      let device = known(id);
      if (device.paired) {
        // Info once for a device paired before the console kept its hardware (or provisioned over SSH).
        const needInfo = store.hardware(id) === null;
        // A status it cannot read: the page shows why (lastError) beside the slots it last reported.
        const read = await onDevice(
          id,
          async (link) => ({ status: await link.call('status'), info: needInfo ? await link.call('info').catch(() => null) : null }),
          5000,
        ).catch((err: unknown) => {
          recordFailure(store, id, err);
          return null;
        });
        device = read ? store.upsert(id, { ...statusPatch(read.status), ...(read.info ? { hardware: hardwareOf(read.info) } : {}), lastError: null }) : known(id);
      }
      const hardware = store.hardware(id);
      const board = hardware?.board ?? null;
      // Unreachable: the slots it last reported (the device state says offline).
      return {
        ...device,
        slots: store.slots(id),
        history: store.history(id),
        profiles: store.profiles(id),
        exchanges: readExchanges(ctx.home, id, 10),
        board,
        hardware,
        activeModelFit: activeModelFit(registry, device, { arch: device.arch, board }),
      };
    },
    'devices.refresh': ({ ids }) => refreshDevices(ctx, ids),
    'devices.discover': ({ seconds }) => discoverFor(ctx, seconds),
    'devices.add': ({ address }) => addDevice(ctx, address),
    'devices.pair': ({ address, code, fingerprint }) => pairDevice(ctx, address, code, fingerprint),
    'devices.update': ({ id, name, tags, groups }) => {
      known(id);
      const device = store.upsert(id, { name, tags, groups });
      ctx.changed.now(id);
      return device;
    },
    'devices.remove': ({ id }) => {
      const removed = store.remove(id);
      if (removed) ctx.changed.now(id);
      return { removed };
    },
    'devices.deploy': (input) => startDeploy(ctx, jobs, input),
    'devices.appMetrics': ({ id, hours }) => {
      known(id);
      const sinceMs = Date.now() - hours * 3_600_000;
      return { since: new Date(sinceMs).toISOString(), models: ctx.appMetrics.byModel(id, sinceMs) };
    },
    'devices.drift': ({ id, hours }) => deviceDrift(known(id), ctx.drift, ctx.references, Date.now() - hours * 3_600_000),
    'devices.checkFit': ({ modelId, deviceIds }) => checkFit(registry, store, modelId, deviceIds),
    'devices.confirm': ({ id }) => slotChange(id, 'confirm'),
    'devices.rollback': ({ id }) => slotChange(id, 'rollback'),
    'devices.profile': async ({ id, modelId, runs }) => {
      const device = known(id);
      const creds = ctx.credentials(id);
      const status = await onDevice(id, (link) => link.call('status'), 10_000);
      const active = status.active?.manifest ?? null;
      if (!active) throw new AppError('NO_MODEL', 'No model deployed', `${device.name} runs no model yet: deploy one before profiling on it.`);
      if (modelId) {
        const wanted = registry.requireModel(modelId);
        if (wanted.sha256 !== active.sha256) {
          throw new AppError(
            'MODEL_NOT_ACTIVE',
            'That model is not active on the device',
            `${device.name} runs ${active.name} ${active.version}; deploy ${wanted.name} v${wanted.version} to it first (edgefleet deploy ${wanted.id} --device ${id}).`,
          );
        }
      }
      return jobs.start(
        'devices.profile',
        { device: creds, runs },
        {
          title: `Profile ${active.name} ${active.version} on ${device.name} (${runs} runs)`,
          onSuccess: (p: ProfileResult) => {
            const owner = registry.findBySha256(p.modelSha256);
            const stored: ProfileResult = {
              ...p,
              modelId: owner?.id ?? null,
              modelName: owner ? `${owner.name} v${owner.version}` : p.modelName,
              device: { id, name: device.name, arch: p.device.arch, platform: p.device.platform, cpu: p.device.cpu },
            };
            registry.saveProfile(stored);
            ctx.bus.emit('profiles.changed', { id: stored.id, modelId: stored.modelId });
            ctx.changed.now(id);
            return { profileId: stored.id };
          },
        },
      );
    },
    'demo.start': async ({ devices }) => ({ devices: await deps.demo.start(devices) }),
    'demo.stop': async () => ({ stopped: await deps.demo.stop() }),
  };
}
