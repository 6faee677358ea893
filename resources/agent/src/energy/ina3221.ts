// The INA3221 on NVIDIA Jetson boards (JetPack 5+, hwmon driver ina3221, Documentation/hwmon/ina3221.rst):
// per channel a bus voltage inN_input (mV), a current currN_input (mA), a label inN_label and the shunt
// resistor shuntN_resistor (µΩ). Power is V × I, sampled: mV × mA = µW. The board's input rail is VDD_IN
// (POM_5V_IN on older boards); the others are rails inside it. NC channels are not connected.
import path from 'node:path';
import type { EnergySource, UnavailableEnergySource } from './energy-source.js';
import { hwmonDir } from './hwmon-energy.js';
import type { SysfsTree } from './sysfs-tree.js';

const boardInputs = new Set(['VDD_IN', 'POM_5V_IN']);

/** The chip's 13-bit ADC: 40 µV per shunt-voltage step, 8 mV per bus-voltage step (datasheet). */
const shuntStepUv = 40;

export function readIna3221(tree: SysfsTree): { sources: EnergySource[]; unavailable: UnavailableEnergySource[] } {
  const sources: EnergySource[] = [];
  const unavailable: UnavailableEnergySource[] = [];
  for (const hw of tree.list(hwmonDir)) {
    const dir = path.posix.join(hwmonDir, hw);
    if (tree.maybeText(`${dir}/name`) !== 'ina3221') continue;
    const intervalMs = tree.maybeNumber(`${dir}/update_interval`) ?? 100;
    for (const ch of [1, 2, 3]) {
      const label = tree.maybeText(`${dir}/in${ch}_label`) ?? `channel ${ch}`;
      if (label === 'NC' || tree.maybeText(`${dir}/in${ch}_enable`) === '0') continue;
      const vFile = `${dir}/in${ch}_input`;
      const iFile = `${dir}/curr${ch}_input`;
      const id = `ina3221:${hw}:${ch}`;
      const name = `INA3221 ${label}${boardInputs.has(label) ? ' (board input)' : ' (rail)'}`;
      // Two files, read one after the other: the driver has no atomic V·I, which its averaging makes harmless.
      const read = () => tree.number(vFile) * tree.number(iFile);
      let first: number;
      try {
        first = read();
      } catch (err) {
        unavailable.push({ available: false, id, name, driver: 'ina3221', reason: (err as Error).message.replace(/^Energy reading failed: /, ''), fix: 'The ina3221 hwmon files are world-readable: check the channel is enabled (inN_enable).' });
        continue;
      }
      const shunt = tree.maybeNumber(`${dir}/shunt${ch}_resistor`);
      const mv = tree.maybeNumber(vFile) ?? 0;
      // The driver reports whole mA; the ADC step is 40 µV over the shunt, whichever is coarser.
      const stepMa = shunt ? Math.max(1, (shuntStepUv / shunt) * 1000) : 1;
      sources.push({
        available: true,
        id,
        name,
        driver: 'ina3221',
        scope: boardInputs.has(label) ? 'board' : 'rail',
        kind: 'power-sampled',
        unit: 'µW',
        resolution: {
          value: Math.round(mv * stepMa),
          unit: 'µW',
          note: shunt ? `current step ${stepMa} mA (40 µV over the ${shunt / 1000} mΩ shunt) at ${mv} mV; bus voltage 8 mV steps` : 'current in whole mA at the present voltage (no shunt resistor file)',
        },
        wrapRangeUj: null,
        sampleIntervalMs: Math.max(10, intervalMs),
        reading: { value: first, unit: 'µW', files: [vFile, iFile] },
        read,
      });
    }
  }
  return { sources, unavailable };
}
