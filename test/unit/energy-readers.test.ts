// The energy readers against sysfs trees recorded from the kernel documentation of each driver
// (test/fixtures/sysfs/README.md): which source each board measures with, its unit, resolution and
// wrap, and the joules between two readings, the test rewriting the counter files of a temp copy in between.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEnergy, discoverEnergySources } from '../../resources/agent/src/energy/discover-energy.js';
import { EnergyMeter, type MeterClock } from '../../resources/agent/src/energy/energy-meter.js';
import { sourceInfo, type EnergySource } from '../../resources/agent/src/energy/energy-source.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/sysfs');
const temps: string[] = [];

function copyTree(board: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ef-sysfs-${board}-`));
  temps.push(dir);
  cpSync(path.join(fixtures, board), dir, { recursive: true });
  return dir;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function put(root: string, rel: string, value: string | number): void {
  writeFileSync(path.join(root, rel), `${value}\n`);
}

/** A clock the test moves by hand, and no timer: the test decides when the meter samples. */
function manualClock(): MeterClock & { t: number } {
  return { t: 0, now() { return this.t; } };
}

function source(root: string, id: string): EnergySource {
  const s = discoverEnergySources(root).sources.find((x) => x.id === id);
  if (!s) throw new Error(`no source ${id}`);
  return s;
}

describe('Intel laptop (intel-rapl package, core, uncore, dram; i915 energy; battery)', () => {
  it('picks the package counter and lists the rest with their scope, unit, resolution and wrap', () => {
    const d = discoverEnergySources(path.join(fixtures, 'intel-laptop'));
    expect(d.best && sourceInfo(d.best)).toEqual({
      available: true,
      id: 'powercap:intel-rapl:0',
      name: 'RAPL package-0 (CPU package: cores, caches and uncore, not the board)',
      driver: 'powercap',
      scope: 'package',
      kind: 'counter',
      unit: 'µJ',
      resolution: { value: 61.035, unit: 'µJ', note: expect.stringContaining('2³²') },
      wrapRangeUj: 262143328850,
      // A quarter of one wrap at twice the 64 W short-term limit is 512 s: the 10 s cap applies.
      sampleIntervalMs: 10_000,
      reading: { value: 84303262515, unit: 'µJ', files: ['sys/class/powercap/intel-rapl:0/energy_uj'] },
    });
    expect(d.sources.map((s) => [s.id, s.scope, s.kind])).toEqual([
      ['powercap:intel-rapl:0', 'package', 'counter'],
      ['battery:BAT0', 'battery', 'counter'],
      ['hwmon:hwmon4:energy1', 'device', 'counter'],
      ['powercap:intel-rapl:0:0', 'core', 'counter'],
      ['powercap:intel-rapl:0:1', 'uncore', 'counter'],
      ['powercap:intel-rapl:0:2', 'dram', 'counter'],
    ]);
    expect(d.unavailable).toEqual([]);
  });

  it('gives the joules between two readings of the package counter', () => {
    const root = copyTree('intel-laptop');
    const clock = manualClock();
    const meter = new EnergyMeter(source(root, 'powercap:intel-rapl:0'), { clock, timer: null });
    meter.start();
    put(root, 'sys/class/powercap/intel-rapl:0/energy_uj', 84303262515 + 12_345_678);
    clock.t = 2000;
    expect(meter.stop()).toEqual({ sourceId: 'powercap:intel-rapl:0', joules: 12.345678, seconds: 2, averageWatts: 6.172839, samples: 2, wraps: 0 });
  });

  it('a counter that wraps at max_energy_range_uj between readings adds the range once', () => {
    const root = copyTree('intel-laptop');
    const file = 'sys/class/powercap/intel-rapl:0/energy_uj';
    put(root, file, 262143328850 - 1_000_000);
    const clock = manualClock();
    const meter = new EnergyMeter(source(root, 'powercap:intel-rapl:0'), { clock, timer: null });
    meter.start();
    put(root, file, 262143328850 - 250_000);
    clock.t = 1000;
    meter.sample();
    put(root, file, 2_000_000);
    clock.t = 2000;
    const m = meter.stop();
    expect(m.wraps).toBe(1);
    expect(m.joules).toBeCloseTo(3, 9);
  });

  it('reads the i915 hwmon energy1_input counter (µJ) and the battery energy_now (µWh)', () => {
    const root = copyTree('intel-laptop');
    const gpu = new EnergyMeter(source(root, 'hwmon:hwmon4:energy1'), { clock: manualClock(), timer: null });
    const bat = new EnergyMeter(source(root, 'battery:BAT0'), { clock: manualClock(), timer: null });
    gpu.start();
    bat.start();
    put(root, 'sys/class/hwmon/hwmon4/energy1_input', 3184512940 + 4_500_000);
    // 2.5 mWh drawn = 9 J.
    put(root, 'sys/class/power_supply/BAT0/energy_now', 41520000 - 2500);
    expect(gpu.stop().joules).toBeCloseTo(4.5, 9);
    expect(bat.stop().joules).toBeCloseTo(9, 9);
  });

  it('a battery on the charger is not available, and plugging it in mid-measurement fails the measurement', () => {
    const root = copyTree('intel-laptop');
    const meter = new EnergyMeter(source(root, 'battery:BAT0'), { clock: manualClock(), timer: null });
    meter.start();
    put(root, 'sys/class/power_supply/BAT0/status', 'Charging');
    expect(() => meter.stop()).toThrow(/status became Charging/);
    const d = discoverEnergySources(root);
    expect(d.sources.some((s) => s.id === 'battery:BAT0')).toBe(false);
    expect(d.unavailable).toEqual([expect.objectContaining({ id: 'battery:BAT0', reason: expect.stringContaining('status is Charging'), fix: expect.stringContaining('Unplug the charger') })]);
  });
});

describe('AMD desktop (RAPL package and core through intel-rapl, amdgpu power)', () => {
  it("picks the package counter with AMD's 15.26 µJ step and 65.5 kJ wrap over the GPU's sampled power", () => {
    const d = discoverEnergySources(path.join(fixtures, 'amd-desktop'));
    expect(d.best).toMatchObject({ id: 'powercap:intel-rapl:0', scope: 'package', wrapRangeUj: 65532610987, resolution: { value: 15.258 }, sampleIntervalMs: 10_000 });
    expect(d.sources.map((s) => [s.id, s.kind, s.unit])).toEqual([
      ['powercap:intel-rapl:0', 'counter', 'µJ'],
      ['hwmon:hwmon2:power1', 'power-sampled', 'µW'],
      ['powercap:intel-rapl:0:0', 'counter', 'µJ'],
    ]);
    expect(d.sources[1].name).toBe('hwmon amdgpu PPT');
  });

  it('gives the joules across a wrap of the AMD range and integrates the GPU power', () => {
    const root = copyTree('amd-desktop');
    const file = 'sys/class/powercap/intel-rapl:0/energy_uj';
    put(root, file, 65532610987 - 40_000_000);
    const clock = manualClock();
    const cpu = new EnergyMeter(source(root, 'powercap:intel-rapl:0'), { clock, timer: null });
    const gpu = new EnergyMeter(source(root, 'hwmon:hwmon2:power1'), { clock, timer: null });
    cpu.start();
    gpu.start();
    put(root, file, 60_000_000);
    put(root, 'sys/class/hwmon/hwmon2/power1_average', 53_000_000);
    clock.t = 1000;
    expect(cpu.stop()).toMatchObject({ joules: 100, wraps: 1 });
    // (17 W + 53 W) / 2 over 1 s.
    expect(gpu.stop().joules).toBeCloseTo(35, 9);
  });
});

describe('Jetson Orin Nano (INA3221 VDD_IN, VDD_CPU_GPU_CV, VDD_SOC)', () => {
  it('picks the VDD_IN board input over the rails, with the current step of its 5 mΩ shunt', () => {
    const d = discoverEnergySources(path.join(fixtures, 'jetson-orin-nano'));
    expect(d.sources.map((s) => [s.name, s.scope, s.reading.value])).toEqual([
      ['INA3221 VDD_IN (board input)', 'board', 5064 * 1032],
      ['INA3221 VDD_CPU_GPU_CV (rail)', 'rail', 5056 * 176],
      ['INA3221 VDD_SOC (rail)', 'rail', 5056 * 296],
    ]);
    expect(d.best).toMatchObject({ kind: 'power-sampled', unit: 'µW', wrapRangeUj: null, sampleIntervalMs: 26, resolution: { value: 5064 * 8, unit: 'µW' } });
    expect(d.best!.reading.files).toEqual(['sys/class/hwmon/hwmon1/in1_input', 'sys/class/hwmon/hwmon1/curr1_input']);
  });

  it('integrates mV × mA samples with the trapezoid rule', () => {
    const root = copyTree('jetson-orin-nano');
    const clock = manualClock();
    const meter = new EnergyMeter(source(root, 'ina3221:hwmon1:1'), { clock, timer: null });
    meter.start();
    put(root, 'sys/class/hwmon/hwmon1/curr1_input', 2064);
    clock.t = 1000;
    meter.sample();
    clock.t = 2000;
    // (5.226048 W + 10.452096 W) / 2 × 1 s + 10.452096 W × 1 s
    const m = meter.stop();
    expect(m.joules).toBeCloseTo(18.291168, 9);
    expect(m.samples).toBe(3);
  });

  it('skips a channel labelled NC and a disabled one', () => {
    const root = copyTree('jetson-orin-nano');
    put(root, 'sys/class/hwmon/hwmon1/in2_label', 'NC');
    put(root, 'sys/class/hwmon/hwmon1/in3_enable', 0);
    expect(discoverEnergySources(root).sources.map((s) => s.name)).toEqual(['INA3221 VDD_IN (board input)']);
  });
});

describe('Raspberry Pi 5 (no PMIC sensor in sysfs)', () => {
  it('says not available with the reason, never 0 W', () => {
    const d = discoverEnergySources(path.join(fixtures, 'raspberry-pi-5'));
    expect(d.best).toBeNull();
    expect(d.sources).toEqual([]);
    expect(d.unavailable).toEqual([
      expect.objectContaining({ id: 'rpi5-pmic', reason: expect.stringContaining('hwmon here: cpu_thermal, rp1_adc, rpi_volt, pwmfan'), fix: expect.stringContaining('USB-C power meter') }),
    ]);
    expect(describeEnergy(d)).toMatch(/^Energy: not available\. Raspberry Pi 5 PMIC/);
    expect(describeEnergy(d)).not.toMatch(/0 W/);
  });

  it('a kernel that does expose a power sensor is used instead', () => {
    const root = copyTree('raspberry-pi-5');
    put(root, 'sys/class/hwmon/hwmon1/power1_input', 4_100_000);
    const d = discoverEnergySources(root);
    expect(d.best).toMatchObject({ id: 'hwmon:hwmon1:power1', kind: 'power-sampled' });
    expect(d.unavailable).toEqual([]);
  });
});

describe('battery laptop (charge_now µAh × voltage_now µV)', () => {
  it('measures the discharge as charge steps × their mean voltage, ignoring the mouse battery', () => {
    const root = copyTree('battery-laptop');
    const d = discoverEnergySources(root);
    expect(d.sources.map((s) => s.id)).toEqual(['battery:BAT0']);
    expect(d.best).toMatchObject({ scope: 'battery', reading: { value: 3120000, unit: 'µAh' } });
    const clock = manualClock();
    const meter = new EnergyMeter(d.best!, { clock, timer: null });
    meter.start();
    put(root, 'sys/class/power_supply/BAT0/charge_now', 3119000);
    put(root, 'sys/class/power_supply/BAT0/voltage_now', 15380000);
    clock.t = 60_000;
    // 1 mAh at a mean of 15.4 V = 15.4 mWh = 55.44 J.
    expect(meter.stop().joules).toBeCloseTo(55.44, 9);
  });
});
