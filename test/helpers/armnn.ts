// Arm NN (Debian's python3-pyarmnn, CpuRef backend) as a second TFLite runtime: runs a .tflite file on
// given inputs in a Python child process (so a crash in Arm NN is a result, not a crashed test run).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NamedTensor } from '../../electron/core/tflite/verify/tensor-data.js';
import { encodeNpy, parseNpy, type NpyArray } from '../../electron/core/util/npy.js';
import { repoRoot } from './agent-process.js';

export type ArmnnResult = { ok: true; outputs: NamedTensor[] } | { ok: false; refused: boolean; reason: string };

/** Inputs and outputs are named by TFLite tensor name. */
export function runArmnn(model: string, inputs: NamedTensor[]): Promise<ArmnnResult> {
  const dir = mkdtempSync(join(tmpdir(), 'armnn-'));
  const args = inputs.map((t, k) => {
    const file = join(dir, `input_${k}.npy`);
    writeFileSync(file, encodeNpy({ dtype: t.dtype, shape: t.shape, data: t.data } as NpyArray));
    return `${t.name}=${file}`;
  });
  return new Promise((resolve) => {
    // Only Debian's /usr/bin/python3 sees the python3-pyarmnn module.
    execFile('/usr/bin/python3', [join(repoRoot, 'test/helpers/armnn-run.py'), model, dir, ...args], { timeout: 120_000 }, (err, _out, stderr) => {
      try {
        if (err) {
          const reason = stderr.split('\n').filter((l) => l && !/does not support .* parser functionality/.test(l)).join(' ').trim();
          resolve({ ok: false, refused: err.code === 3, reason: reason || `exit ${err.code ?? err.signal}` });
          return;
        }
        const names = JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8')) as string[];
        resolve({
          ok: true,
          outputs: names.map((name, k) => {
            const a = parseNpy(new Uint8Array(readFileSync(join(dir, `output_${k}.npy`))));
            return { name, dtype: a.dtype, shape: a.shape, data: a.data } as NamedTensor;
          }),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
