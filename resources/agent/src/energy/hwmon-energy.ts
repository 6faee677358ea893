// hwmon energy and power sensors (Documentation/hwmon/sysfs-interface.rst): energyN_input is a
// cumulative µJ count, powerN_input / powerN_average an instantaneous or averaged µW value that a
// meter integrates. The ABI states no wrap range and no resolution. INA3221 rails have their own reader.
import path from 'node:path';
import type { EnergyScope, EnergySource, UnavailableEnergySource } from './energy-source.js';
import type { SysfsTree } from './sysfs-tree.js';

export const hwmonDir = 'sys/class/hwmon';

/** Drivers with a reader of their own (voltage × current rails). */
const ownReaders = new Set(['ina3221']);

/** Drivers of GPUs: their sensors cover that device, not the board. */
const gpuDrivers = new Set(['amdgpu', 'i915', 'xe', 'nouveau', 'radeon']);

export function readHwmon(tree: SysfsTree): { sources: EnergySource[]; unavailable: UnavailableEnergySource[] } {
  const sources: EnergySource[] = [];
  const unavailable: UnavailableEnergySource[] = [];
  for (const hw of tree.list(hwmonDir)) {
    const dir = path.posix.join(hwmonDir, hw);
    const driver = tree.maybeText(`${dir}/name`) ?? hw;
    if (ownReaders.has(driver)) continue;
    const files = tree.list(dir);
    const scope: EnergyScope = gpuDrivers.has(driver) ? 'device' : driver === 'power_meter' ? 'platform' : 'rail';
    const intervalMs = tree.maybeNumber(`${dir}/update_interval`);
    for (const f of files) {
      const m = /^(energy|power)(\d+)_(input|average)$/.exec(f);
      if (!m) continue;
      const [, what, n, suffix] = m;
      // powerN_input is the newer reading; powerN_average only when there is no input beside it.
      if (what === 'power' && suffix === 'average' && files.includes(`power${n}_input`)) continue;
      if (what === 'energy' && suffix !== 'input') continue;
      const label = tree.maybeText(`${dir}/${what}${n}_label`) ?? `${what}${n}`;
      const file = `${dir}/${f}`;
      const id = `hwmon:${hw}:${what}${n}`;
      const name = `hwmon ${driver} ${label}`;
      let first: number;
      try {
        first = tree.number(file);
      } catch (err) {
        unavailable.push({ available: false, id, name, driver: 'hwmon', reason: (err as Error).message.replace(/^Energy reading failed: /, ''), fix: 'hwmon sensors are world-readable; a driver that refuses a reading has no value now: use another source listed here.' });
        continue;
      }
      const counter = what === 'energy';
      sources.push({
        available: true,
        id,
        name,
        driver: 'hwmon',
        scope,
        kind: counter ? 'counter' : 'power-sampled',
        unit: counter ? 'µJ' : 'µW',
        resolution: { value: null, unit: counter ? 'µJ' : 'µW', note: `the hwmon ABI does not state it (driver ${driver})` },
        wrapRangeUj: null,
        sampleIntervalMs: counter ? 1000 : Math.max(10, intervalMs ?? tree.maybeNumber(`${dir}/power${n}_average_interval`) ?? 100),
        reading: { value: first, unit: counter ? 'µJ' : 'µW', files: [file] },
        read: () => tree.number(file),
      });
    }
  }
  return { sources, unavailable };
}
