// Process and machine figures for telemetry: RSS, this process's CPU use, load average and the
// hottest thermal zone where Linux exposes one.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SystemStats {
  rssBytes: number;
  /** CPU time of this process since the previous sample, as a percentage of one core. */
  cpuPercent: number;
  loadAvg1: number;
  temperatureC: number | null;
}

const thermalRoot = '/sys/class/thermal';

export class SystemSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  async sample(): Promise<SystemStats> {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return {
      rssBytes: process.memoryUsage.rss(),
      cpuPercent: ((cpu.user + cpu.system) / elapsedUs) * 100,
      loadAvg1: os.loadavg()[0],
      temperatureC: await readTemperature(),
    };
  }
}

async function readTemperature(): Promise<number | null> {
  let zones: string[];
  try {
    zones = (await fsp.readdir(thermalRoot)).filter((z) => z.startsWith('thermal_zone'));
  } catch {
    return null;
  }
  let hottest: number | null = null;
  for (const zone of zones) {
    try {
      const milli = Number((await fsp.readFile(path.join(thermalRoot, zone, 'temp'), 'utf8')).trim());
      if (Number.isFinite(milli) && (hottest === null || milli / 1000 > hottest)) hottest = milli / 1000;
    } catch {
      // Some zones refuse reads (disabled sensors); skip them.
    }
  }
  return hottest;
}
