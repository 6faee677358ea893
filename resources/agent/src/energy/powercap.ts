// Linux powercap zones (Documentation/power/powercap/powercap.rst): RAPL on Intel since Sandy Bridge and
// on AMD Zen through the same intel-rapl driver. Each zone has a name (package-N, core, uncore, dram,
// psys), a cumulative energy_uj and the max_energy_range_uj at which it wraps back to 0.
import path from 'node:path';
import type { EnergyScope, EnergySource, UnavailableEnergySource } from './energy-source.js';
import { describeReadError, errnoCode, SysfsReadError, type SysfsTree } from './sysfs-tree.js';

const classDir = 'sys/class/powercap';

/** The most a meter waits between readings, whatever the wrap range (a reading every 10 s costs nothing). */
const maxSampleMs = 10_000;

const scopes: Record<string, { scope: EnergyScope; words: string }> = {
  package: { scope: 'package', words: 'CPU package: cores, caches and uncore, not the board' },
  psys: { scope: 'platform', words: 'platform: the SoC and what the firmware counts beside it' },
  core: { scope: 'core', words: 'CPU cores only' },
  uncore: { scope: 'uncore', words: 'uncore, usually the integrated GPU' },
  dram: { scope: 'dram', words: 'memory' },
};

export const powercapFix =
  'Let the agent\'s group read the counter, not the agent run as root: install resources/agent/udev/90-edgefleet-energy.rules in /etc/udev/rules.d/ and run `udevadm trigger --subsystem-match=powercap --action=add` (or once, until reboot: `sudo chgrp edgefleet FILE && sudo chmod 0440 FILE`).';

export function readPowercap(tree: SysfsTree): { sources: EnergySource[]; unavailable: UnavailableEnergySource[] } {
  const sources: EnergySource[] = [];
  const unavailable: UnavailableEnergySource[] = [];
  for (const zone of tree.list(classDir)) {
    const dir = path.posix.join(classDir, zone);
    const zoneName = tree.maybeText(`${dir}/name`);
    // Control types (intel-rapl, intel-rapl-mmio) have no name and no counter of their own.
    if (zoneName === null) continue;
    const kind = scopes[zoneName.replace(/-\d+$/, '')] ?? { scope: 'rail' as const, words: 'a power zone the kernel names so' };
    const id = `powercap:${zone}`;
    const name = `RAPL ${zoneName} (${kind.words})`;
    const energyFile = `${dir}/energy_uj`;
    let first: number;
    let wrap: number;
    try {
      first = tree.number(energyFile);
      wrap = tree.number(`${dir}/max_energy_range_uj`);
    } catch (err) {
      unavailable.push({ available: false, id, name, driver: 'powercap', ...why(tree, energyFile, err) });
      continue;
    }
    // sysfs scales the hardware's 32-bit count to µJ, so one step of it is the range over 2^32.
    const step = wrap / 2 ** 32;
    const limitUw = Math.max(0, ...tree.list(dir).filter((f) => /^constraint_\d+_(power_limit|max_power)_uw$/.test(f)).map((f) => tree.maybeNumber(`${dir}/${f}`) ?? 0));
    // A quarter of one wrap at twice the highest power limit: two wraps between readings cannot happen.
    const wrapMs = limitUw > 0 ? (wrap / (2 * limitUw)) * 1000 : Infinity;
    sources.push({
      available: true,
      id,
      name,
      driver: 'powercap',
      scope: kind.scope,
      kind: 'counter',
      unit: 'µJ',
      resolution: step >= 0.01
        ? { value: round(step, 3), unit: 'µJ', note: 'max_energy_range_uj ÷ 2³² (the hardware counts 32-bit steps; sysfs reports µJ)' }
        : { value: null, unit: 'µJ', note: 'sysfs reports µJ; the hardware step is not exposed' },
      wrapRangeUj: wrap,
      sampleIntervalMs: Math.max(1, Math.min(maxSampleMs, Math.floor(wrapMs / 4))),
      reading: { value: first, unit: 'µJ', files: [energyFile] },
      read: () => tree.number(energyFile),
    });
  }
  return { sources, unavailable };
}

function why(tree: SysfsTree, file: string, err: unknown): { reason: string; fix: string } {
  const bad = err instanceof SysfsReadError ? err : new SysfsReadError(file, errnoCode(err), describeReadError(err));
  if (bad.errno === 'EACCES' || bad.errno === 'EPERM') {
    return {
      reason: `${bad.file}: ${bad.words}. RAPL counters are readable only by root since Linux 5.10 (CVE-2020-8694, the PLATYPUS power side channel).`,
      fix: powercapFix.replace(/FILE/g, tree.abs(bad.file)),
    };
  }
  return { reason: `${bad.file}: ${bad.words}.`, fix: 'This kernel lists the zone without a readable counter: use another source listed here.' };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
