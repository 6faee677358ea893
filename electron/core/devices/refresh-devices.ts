// Reads status and the latest telemetry of paired devices once, for consoles without a live feed
// (the CLI) and for a Refresh button: the inventory then says what the devices say now.
import { AppError } from '../api/errors.js';
import type { DeviceSummary } from '../api/types.js';
import type { DeviceContext } from './device-context.js';
import { deviceError } from './device-errors.js';
import { judgeHealth, toDeviceTelemetry } from './health.js';
import { runPool } from './pool.js';
import { recordFailure } from './record-failure.js';
import { statusPatch } from './status-fields.js';

export async function refreshDevices(ctx: DeviceContext, ids?: string[]): Promise<DeviceSummary[]> {
  const { store } = ctx;
  const targets = (ids ? ids.map((id) => ctx.credentials(id)) : store.list().flatMap((d) => (d.paired ? [ctx.credentials(d.id)] : [])));
  await runPool(targets, 8, async (c) => {
    const link = ctx.link(c.id, 10_000);
    try {
      const status = await link.call('status');
      const { current } = await link.call('telemetry', { limit: 1 });
      const t = toDeviceTelemetry(current);
      const known = store.get(c.id);
      store.addTelemetry(c.id, t, { ...statusPatch(status), health: judgeHealth(known?.telemetry ?? null, t, undefined, known?.drift ?? null), lastError: null });
      ctx.ingestWindows(c.id, [current]);
    } catch (err) {
      // One device failing must not hide the others: it is marked offline or in error, with the reason
      // (the summary's lastError says which devices this refresh could not read); the rest go on.
      recordFailure(store, c.id, deviceError(err, link.where));
    } finally {
      link.close();
      ctx.changed.mark(c.id);
    }
  });
  return targets.map((c) => store.get(c.id)!).filter(Boolean);
}

/** Browses mDNS for a while in a console that does not browse all the time (the CLI). */
export async function discoverFor(ctx: DeviceContext, seconds: number): Promise<DeviceSummary[]> {
  if (process.env.EDGEFLEET_DISCOVERY === 'off') {
    throw new AppError('DISCOVERY_OFF', 'Discovery is turned off', 'EDGEFLEET_DISCOVERY=off is set in this environment; unset it to browse the network for agents, or add a device by address.');
  }
  const { Discovery } = await import('./discovery.js');
  const discovery = new Discovery(ctx);
  try {
    await new Promise((r) => setTimeout(r, seconds * 1000));
  } finally {
    await discovery.close();
  }
  return ctx.store.list();
}

