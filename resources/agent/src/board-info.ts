// What the board is, for the console: the CPU by name (arm64 kernels name only implementer and part
// numbers), the instruction-set features inference kernels depend on, the OS, and the execution
// providers this onnxruntime build carries. Read once: none of it changes while the agent runs.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import type { BoardInfo } from '../../device-protocol/messages.js';

/** NEON, fp16, dot product, i8mm, SVE on arm64; AVX2, AVX-512, VNNI, AMX on x86. */
const inferenceFeatures = ['asimd', 'asimdhp', 'asimddp', 'i8mm', 'bf16', 'sve', 'sve2', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8'];

/** Arm Ltd (implementer 0x41) core part numbers. */
const armParts: Record<string, string> = {
  '0xd03': 'Cortex-A53', '0xd04': 'Cortex-A35', '0xd05': 'Cortex-A55', '0xd07': 'Cortex-A57', '0xd08': 'Cortex-A72', '0xd09': 'Cortex-A73',
  '0xd0a': 'Cortex-A75', '0xd0b': 'Cortex-A76', '0xd0c': 'Neoverse-N1', '0xd0d': 'Cortex-A77', '0xd41': 'Cortex-A78', '0xd42': 'Cortex-A78AE',
  '0xd44': 'Cortex-X1', '0xd46': 'Cortex-A510', '0xd47': 'Cortex-A710', '0xd48': 'Cortex-X2', '0xd49': 'Neoverse-N2', '0xd4b': 'Cortex-A78C',
  '0xd80': 'Cortex-A520', '0xd81': 'Cortex-A720', '0xd82': 'Cortex-X4',
};

function field(text: string, name: string): string | null {
  const m = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(text);
  return m ? m[1].trim() : null;
}

/** The CPU name, board model and inference features in a /proc/cpuinfo text. */
export function parseCpuinfo(text: string): { cpu: string | null; model: string | null; cpuFeatures: string[] } {
  const flags = (field(text, 'flags') ?? field(text, 'Features') ?? '').split(/\s+/);
  let cpu = field(text, 'model name');
  const part = field(text, 'CPU part');
  if (!cpu && field(text, 'CPU implementer') === '0x41' && part) cpu = `ARM ${armParts[part] ?? `core ${part}`}`;
  return { cpu, model: field(text, 'Model'), cpuFeatures: inferenceFeatures.filter((f) => flags.includes(f)) };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

let cached: BoardInfo | null = null;

export function boardInfo(): BoardInfo {
  if (cached) return cached;
  const parsed = parseCpuinfo(readText('/proc/cpuinfo'));
  // Device trees name the board (Raspberry Pi, Jetson, i.MX) where cpuinfo does not.
  const model = parsed.model ?? (readText('/proc/device-tree/model').replace(/\0/g, '').trim() || null);
  const distro = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readText('/etc/os-release'))?.[1] ?? null;
  const providers = ort.listSupportedBackends().filter((b) => b.bundled).map((b) => b.name);
  cached = {
    cpu: parsed.cpu ?? os.cpus()[0]?.model ?? 'unknown',
    model,
    cpuFeatures: parsed.cpuFeatures,
    os: { type: os.type(), release: os.release(), distro },
    onnxruntime: { version: ort.env.versions.node ?? ort.env.versions.common, executionProviders: providers },
  };
  return cached;
}
