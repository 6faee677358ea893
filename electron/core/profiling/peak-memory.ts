// Peak resident memory of this process while a model runs.
// On Linux the kernel's own high-water mark (VmHWM in /proc/self/status) is exact; it is reset first
// by writing 5 to /proc/self/clear_refs so that earlier work in this process does not count. Where
// that is not possible, the peak of process.memoryUsage.rss() sampled between runs is used instead.
import { readFileSync, writeFileSync } from 'node:fs';

export class PeakMemory {
  private sampled = 0;
  private readonly hwmReset: boolean;

  constructor() {
    this.hwmReset = resetHighWaterMark();
    this.sample();
  }

  sample(): void {
    this.sampled = Math.max(this.sampled, process.memoryUsage.rss());
  }

  peakBytes(): number {
    this.sample();
    const hwm = this.hwmReset ? readHighWaterMark() : null;
    return hwm !== null ? Math.max(hwm, this.sampled) : this.sampled;
  }
}

function resetHighWaterMark(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return readHighWaterMark() !== null;
  } catch {
    return false;
  }
}

function readHighWaterMark(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
