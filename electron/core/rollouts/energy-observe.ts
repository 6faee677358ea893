// The energy-ratio gate's observations: each serving device measures its new model against the one it
// ran before (the agent's `energy` operation: idle, interleaved ABBA blocks, idle), once per device and
// model: a measurement holds the device's queue for a minute or more, so later judgements reuse it.
import { toErrorData } from '../api/errors.js';
import type { DeviceContext } from '../devices/device-context.js';
import { runPool } from '../devices/pool.js';
import type { EnergyComparison } from '../../../resources/device-protocol/messages.js';
import type { DeviceObservation } from './gates.js';

/** Load seconds per measurement when the gate names none: the "at least a minute". */
export const defaultEnergySeconds = 60;
const idleSec = 5;
/** A measurement older than this is taken again. */
const reuseMs = 60 * 60_000;

const measured = new WeakMap<DeviceContext, Map<string, EnergyComparison>>();

export async function observeEnergy(ctx: DeviceContext, observations: DeviceObservation[], candidateSha256: string | null, seconds: number, concurrency: number): Promise<void> {
  const cache = measured.get(ctx) ?? new Map<string, EnergyComparison>();
  measured.set(ctx, cache);
  const serving = observations.filter((o) => o.deploy === 'ok');
  await runPool(serving, concurrency, async (o) => {
    const key = `${o.deviceId}\0${candidateSha256}`;
    let m = cache.get(key);
    if (!m || Date.now() - Date.parse(m.measuredAt) > reuseMs) {
      const link = ctx.link(o.deviceId, (seconds + 2 * idleSec + 60) * 1000);
      try {
        m = await link.call('energy', { candidate: 'active', seconds, idleSec, ...(candidateSha256 ? { expectCandidateSha256: candidateSha256 } : {}) });
        cache.set(key, m);
      } catch (err) {
        const e = toErrorData(err);
        o.energyNote = e.code === 'NOT_FOUND' ? 'its agent cannot measure energy (an older agent: upgrade it).' : `${e.title}: ${e.detail}`;
        return;
      } finally {
        await link.close();
      }
    }
    o.energy = { pairs: m.pairs, idlePowerW: m.idlePowerW };
  });
}
