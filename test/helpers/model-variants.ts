// New versions of the sample model the way real updates change one: a classifier head fine-tuned
// (only the last Gemm's weight and bias), every float weight nudged (a full fine-tune with a small
// learning rate), and the same float model quantized to INT8 twice with different calibration.
// Each is a valid model (the float ones through the project's ONNX codec, the INT8 ones through its
// quantizer), so the tests and the bench measure deltas of files a user would have.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel, encodeModel } from '../../electron/core/onnx/codec.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { quantizeModel } from '../../electron/core/quantize/quantize-model.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const sampleModelPath = path.join(root, 'resources', 'models', 'mobilenetv2-digits', 'model.onnx');
export const sampleCalibrationPath = path.join(root, 'resources', 'models', 'mobilenetv2-digits', 'calibration.npy');

/** The sample with every FLOAT initializer passed through `change(name, values)`. */
export function changedFloats(change: (name: string, values: Float32Array) => void, model = sampleModelPath): Uint8Array {
  const m = decodeModel(readFileSync(model));
  for (const t of m.graph!.initializer!) {
    if (t.data_type !== 1 || !t.raw_data?.length) continue;
    const v = new Float32Array(Uint8Array.from(t.raw_data).buffer);
    change(t.name!, v);
    t.raw_data = new Uint8Array(v.buffer);
  }
  return encodeModel(m);
}

/** The name of the weight and bias inputs of the model's last Gemm (the classifier head). */
export function headTensors(model = sampleModelPath): string[] {
  const gemms = decodeModel(readFileSync(model)).graph!.node!.filter((n) => n.op_type === 'Gemm');
  return gemms.at(-1)!.input!.slice(1);
}

/** Head-only fine-tune: the last Gemm's weight and bias retrained (here: moved deterministically). */
export function headFineTune(seed = 1): Uint8Array {
  const head = new Set(headTensors());
  return changedFloats((name, v) => {
    if (!head.has(name)) return;
    for (let i = 0; i < v.length; i++) v[i] = v[i] * 0.9 + Math.sin(i * seed + seed) * 0.01;
  });
}

/** Every float weight ×(1 + 1e-3): a full fine-tune's dense, small change. */
export function denseNudge(): Uint8Array {
  return changedFloats((_name, v) => {
    for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i] * (1 + 1e-3));
  });
}

/** Every float weight moved by one unit in the last place, up and down in turn. */
export function ulpNudge(): Uint8Array {
  return changedFloats((_name, v) => {
    const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
    for (let i = 0; i < bits.length; i++) bits[i] += i % 2 ? 1 : -1;
  });
}

/**
 * The sample quantized to static INT8 (QDQ, per channel) twice, calibrated with minmax and with
 * percentile: the same weights, other activation scales and biases. Written under `dir`.
 */
export async function requantizedPair(dir: string): Promise<{ base: Uint8Array; target: Uint8Array }> {
  const ctx = localContext(dir, dir);
  const out: Uint8Array[] = [];
  for (const method of ['minmax', 'percentile'] as const) {
    const output = path.join(dir, `sample-int8-${method}.onnx`);
    await quantizeModel({ model: sampleModelPath, output, mode: 'static', method, perChannel: true, calibrationNpy: sampleCalibrationPath, calibrationSamples: 64, safetyNet: false }, ctx);
    out.push(readFileSync(output));
  }
  return { base: out[0], target: out[1] };
}
