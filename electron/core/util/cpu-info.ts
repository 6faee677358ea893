import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { CpuInfo } from '../api/types.js';

// Integer dot-product instructions decide how fast INT8 kernels run.
const int8Flags = ['avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8', 'avx2', 'asimddp', 'i8mm', 'sve'];

export function cpuInfo(): CpuInfo {
  const cpus = os.cpus();
  let flags: string[] = [];
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
    flags = line.split(':')[1]?.trim().split(/\s+/) ?? [];
  } catch {
    // Not Linux: features stay unknown.
  }
  return {
    model: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    int8Features: int8Flags.filter((f) => flags.includes(f)),
  };
}
