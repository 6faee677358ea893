// What the agent's info says about energy: the board's source from a recorded sysfs tree, the reason
// and fix for a root-only counter, and on this virtual machine (no /sys/class/powercap) plainly none.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { energyInfo } from '../../resources/agent/src/energy/energy-info.js';
import { deviceInfoSchema, energyInfoSchema } from '../../resources/device-protocol/messages.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/sysfs');

describe('energy in device info', () => {
  it('names the source a board measures with, valid under the protocol schema', () => {
    const info = energyInfo(path.join(fixtures, 'intel-laptop'));
    expect(energyInfoSchema.parse(info)).toEqual(info);
    expect(info).toMatchObject({ available: true, driver: 'powercap', kind: 'counter', unit: 'µJ' });
    expect(info.available && info.others).toBeGreaterThanOrEqual(0);
  });

  it('says why a counter that exists cannot be read, and how to fix it', () => {
    const info = energyInfo('/', { best: null, sources: [], unavailable: [{ available: false, id: 'powercap:intel-rapl:0', name: 'RAPL package-0', driver: 'powercap', reason: '/sys/class/powercap/intel-rapl:0/energy_uj: permission denied (EACCES)', fix: 'Install the udev rule.' }] });
    expect(info).toEqual({ available: false, reason: 'RAPL package-0: /sys/class/powercap/intel-rapl:0/energy_uj: permission denied (EACCES)', fix: 'Install the udev rule.' });
  });

  it('on this machine: not available, naming the missing /sys/class/powercap (never 0 W)', () => {
    const info = energyInfo();
    expect(info.available).toBe(false);
    if (info.available) return;
    expect(info.reason).toContain('/sys/class/powercap does not exist');
    expect(JSON.stringify(info)).not.toMatch(/"(value|powerW|energyJ)":0\b/);
    // The info response with it passes the protocol schema (the field is optional for older agents).
    const base = { deviceId: 'd', name: 'n', agentVersion: '1', arch: 'x64', platform: 'linux', cpu: 'c', cores: 2, totalMemoryBytes: 1, runtime: { name: 'r', version: '1' }, consoleName: null, servePort: null };
    expect(deviceInfoSchema.safeParse({ ...base, energy: info }).success).toBe(true);
    expect(deviceInfoSchema.safeParse({ ...base }).success).toBe(true);
    expect(deviceInfoSchema.safeParse({ ...base, energy: { available: false } }).success).toBe(false);
  });
});
