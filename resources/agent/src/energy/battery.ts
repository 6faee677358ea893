// Battery discharge (Documentation/ABI/testing/sysfs-class-power): energy_now (µWh), or charge_now (µAh)
// with voltage_now (µV), while status is Discharging. It is whole-system energy through a fuel gauge:
// coarse, slow to update, and meaningless on the charger. read() returns µJ drawn since the source was
// found, so the meter treats it as a counter that never wraps; a reading while not discharging throws.
import path from 'node:path';
import { AppError } from '../../../device-protocol/error-data.js';
import type { EnergySource, UnavailableEnergySource } from './energy-source.js';
import type { SysfsTree } from './sysfs-tree.js';

const classDir = 'sys/class/power_supply';

/** µWh → µJ; and µAh × µV = 10⁻¹² Wh = 3.6·10⁻³ µJ. */
const ujPerUwh = 3600;
const ujPerUahUv = 3.6e-3;

export function readBatteries(tree: SysfsTree): { sources: EnergySource[]; unavailable: UnavailableEnergySource[] } {
  const sources: EnergySource[] = [];
  const unavailable: UnavailableEnergySource[] = [];
  for (const supply of tree.list(classDir)) {
    const dir = path.posix.join(classDir, supply);
    if (tree.maybeText(`${dir}/type`) !== 'Battery') continue;
    // A mouse's or headset's battery (scope Device) says nothing about this machine.
    if (tree.maybeText(`${dir}/scope`) === 'Device') continue;
    const id = `battery:${supply}`;
    const name = `Battery ${supply} discharge (whole system)`;
    const status = tree.maybeText(`${dir}/status`) ?? 'Unknown';
    const hasEnergy = tree.maybeNumber(`${dir}/energy_now`) !== null;
    const hasCharge = tree.maybeNumber(`${dir}/charge_now`) !== null && tree.maybeNumber(`${dir}/voltage_now`) !== null;
    if (!hasEnergy && !hasCharge) {
      unavailable.push({ available: false, id, name, driver: 'battery', reason: `${dir} has neither energy_now nor charge_now with voltage_now.`, fix: 'This fuel gauge reports no remaining energy: use another source listed here.' });
      continue;
    }
    if (status !== 'Discharging') {
      unavailable.push({ available: false, id, name, driver: 'battery', reason: `${dir}/status is ${status}: the battery measures energy only while it alone powers the machine.`, fix: 'Unplug the charger for the measurement (status Discharging).' });
      continue;
    }
    const checkDischarging = () => {
      const now = tree.maybeText(`${dir}/status`);
      if (now !== 'Discharging') throw new AppError('ENERGY_READ_FAILED', 'Energy reading failed', `${dir}/status became ${now ?? 'unreadable'} during the measurement: the charger was plugged in; measure again on battery.`);
    };
    if (hasEnergy) {
      const file = `${dir}/energy_now`;
      const start = tree.number(file);
      sources.push({
        ...common(id, name),
        resolution: { value: null, unit: 'mWh', note: "the fuel gauge's; sysfs does not state it, and energy_now often changes only every few seconds: measure long blocks" },
        reading: { value: start, unit: 'µWh', files: [file] },
        read: () => {
          checkDischarging();
          return (start - tree.number(file)) * ujPerUwh;
        },
      });
    } else {
      const qFile = `${dir}/charge_now`;
      const vFile = `${dir}/voltage_now`;
      let prevQ = tree.number(qFile);
      let prevV = tree.number(vFile);
      let drawnUj = 0;
      sources.push({
        ...common(id, name),
        resolution: { value: null, unit: 'µAh', note: "the fuel gauge's; sysfs does not state it. Energy is each charge step × the mean voltage over it" },
        reading: { value: prevQ, unit: 'µAh', files: [qFile, vFile] },
        // Q·V at two instants is not energy (the voltage sags under load); ΔQ × mean V over each step is.
        read: () => {
          checkDischarging();
          const q = tree.number(qFile);
          const v = tree.number(vFile);
          drawnUj += (prevQ - q) * ((prevV + v) / 2) * ujPerUahUv;
          prevQ = q;
          prevV = v;
          return drawnUj;
        },
      });
    }
  }
  return { sources, unavailable };
}

function common(id: string, name: string) {
  return { available: true as const, id, name, driver: 'battery' as const, scope: 'battery' as const, kind: 'counter' as const, unit: 'µJ' as const, wrapRangeUj: null, sampleIntervalMs: 1000 };
}
