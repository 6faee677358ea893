// What info() says about energy: the source the agent would measure with, or in plain words why there
// is none, naming the sysfs folders it looked in (a VM has no /sys/class/powercap at all).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EnergyInfo } from '../../../device-protocol/messages.js';
import { discoverEnergySources, type EnergyDiscovery } from './discover-energy.js';
import { sourceInfo, type EnergySource } from './energy-source.js';

const classDirs = ['sys/class/powercap', 'sys/class/hwmon', 'sys/class/power_supply'];

/**
 * Where sysfs is: '/' on a board. EDGEFLEET_AGENT_SYSFS_ROOT points the agent at another tree: a test's
 * copy of a recorded board, or a container that mounts the host's sysfs elsewhere.
 */
export function energySysRoot(): string {
  return process.env.EDGEFLEET_AGENT_SYSFS_ROOT || '/';
}

export function energyInfo(sysRoot = '/', discovery: EnergyDiscovery = discoverEnergySources(sysRoot)): EnergyInfo {
  if (discovery.best) return { ...sourceInfo(discovery.best), others: discovery.sources.length - 1 };
  if (discovery.unavailable.length) {
    return {
      available: false,
      reason: discovery.unavailable.map((u) => `${u.name}: ${u.reason}`).join('; '),
      fix: [...new Set(discovery.unavailable.map((u) => u.fix))].join(' '),
    };
  }
  const looked = classDirs.map((d) => {
    const abs = path.join(sysRoot, d);
    return existsSync(abs) ? `${abs} has no energy counter or power sensor` : `${abs} does not exist`;
  });
  return {
    available: false,
    reason: `No energy counter or power sensor the kernel exposes: ${looked.join(', ')}.`,
    fix: 'Energy per inference needs a board with powercap (Intel RAPL, recent AMD), an hwmon power or energy sensor, INA3221 rails (Jetson), the Raspberry Pi 5 PMIC or a battery; a virtual machine has none.',
  };
}

/** The source to measure with now, or the plain reason and fix why the board has none. */
export function energySourceOrReason(sysRoot = energySysRoot()): { source: EnergySource; reason: null } | { source: null; reason: string } {
  const found = discoverEnergySources(sysRoot);
  if (found.best) return { source: found.best, reason: null };
  const info = energyInfo(sysRoot, found);
  return { source: null, reason: info.available ? 'No energy source.' : `${info.reason} ${info.fix}` };
}
