// Finds every energy source a board has and picks the one to measure with: whole-board, platform and
// package counters before batteries, GPUs and single rails; a counter before a sampled power sensor of
// the same scope. What exists but cannot be read is listed with the reason and the fix.
import type { EnergyScope, EnergySource, UnavailableEnergySource } from './energy-source.js';
import { readBatteries } from './battery.js';
import { readHwmon } from './hwmon-energy.js';
import { readIna3221 } from './ina3221.js';
import { readPowercap } from './powercap.js';
import { readRpi5Pmic } from './rpi5-pmic.js';
import { nodeSysfsReader, SysfsTree, type SysfsReader } from './sysfs-tree.js';

export interface EnergyDiscovery {
  /** The source to measure with; null when the board has none: energy is then "not available", never 0 W. */
  best: EnergySource | null;
  /** Every readable source, best first (best included). */
  sources: EnergySource[];
  unavailable: UnavailableEnergySource[];
}

const scopeOrder: EnergyScope[] = ['board', 'platform', 'package', 'battery', 'device', 'core', 'uncore', 'dram', 'rail'];

function rank(s: EnergySource): number {
  return scopeOrder.indexOf(s.scope) * 2 + (s.kind === 'counter' ? 0 : 1);
}

export function discoverEnergySources(sysRoot = '/', reader: SysfsReader = nodeSysfsReader): EnergyDiscovery {
  const tree = new SysfsTree(sysRoot, reader);
  const found = [readPowercap(tree), readHwmon(tree), readIna3221(tree), readBatteries(tree)];
  const hwmon = found[1].sources;
  const sources = found.flatMap((f) => f.sources);
  // Stable sort: sources of one rank keep the kernel's order (package-0 before package-1).
  sources.sort((a, b) => rank(a) - rank(b));
  const unavailable = [...found.flatMap((f) => f.unavailable), ...readRpi5Pmic(tree, hwmon)];
  return { best: sources[0] ?? null, sources, unavailable };
}

/** One line for a person: what is measured, or why nothing is. */
export function describeEnergy(d: EnergyDiscovery): string {
  if (d.best) return `Energy: ${d.best.name}, ${d.best.kind === 'counter' ? 'counter' : 'sampled power'} (${d.sources.length - 1} other source${d.sources.length === 2 ? '' : 's'}).`;
  if (d.unavailable.length === 0) return 'Energy: not available (this board has no energy counter or power sensor the kernel exposes).';
  return `Energy: not available. ${d.unavailable.map((u) => `${u.name}: ${u.reason} ${u.fix}`).join(' ')}`;
}
