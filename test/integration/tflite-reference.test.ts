// The TFLite reference runner: the real TFLite C library (tfjs-tflite-node's addon), one child process
// per model, on real fixture files, on a file that crashes the library and on files that are not models.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { referenceAvailable, runReference, type ReferenceResult } from '../../electron/core/tflite/verify/reference-runner.js';
import type { NamedTensor } from '../../electron/core/tflite/verify/tensor-data.js';
import { repoRoot } from '../helpers/agent-process.js';

const fixtures = join(repoRoot, 'test/fixtures/tflite');
const fixture = (name: string) => join(fixtures, name);
const scratch = mkdtempSync(join(tmpdir(), 'ef-tflite-ref-'));

function ok(r: ReferenceResult): Extract<ReferenceResult, { ok: true }> {
  if (!r.ok) throw new Error(`the reference did not run: ${r.reason}`);
  return r;
}
const bytes = (t: NamedTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
const f32 = (name: string, shape: number[], values: number[]): NamedTensor => ({ name, dtype: 'float32', shape, data: Float32Array.from(values) });

/**
 * micro-simple_add_model.tflite with its Model table's vtable cut from 20 bytes to 8, so the table keeps
 * only `version` and `operator_codes`: no subgraphs, no buffers. The library's verifier accepts it and the
 * interpreter dereferences the missing subgraphs (SIGSEGV, every time).
 */
function modelWithoutSubgraphs(): string {
  const b = readFileSync(fixture('micro-simple_add_model.tflite'));
  const root = b.readUInt32LE(0);
  const vtable = root - b.readInt32LE(root);
  expect([vtable, b.readUInt16LE(vtable)]).toEqual([12, 20]);
  b.writeUInt16LE(8, vtable);
  const path = join(scratch, 'no-subgraphs.tflite');
  writeFileSync(path, b);
  return path;
}

describe('the TFLite reference runner', () => {
  it('finds the library (a devDependency) and names its version', async () => {
    expect(await referenceAvailable()).toEqual({ ok: true, version: '0.0.2' });
  });

  it('runs the float sine model: outputs ~sin(x) for the inputs given, under the model\'s own names', async () => {
    for (const x of [0.5, Math.PI / 2, 3, (3 * Math.PI) / 2, 6]) {
      const r = ok(await runReference(fixture('micro-hello_world_float.tflite'), [f32('x', [1, 1], [x])], { seed: 1 }));
      expect(r.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual([['serving_default_dense_input:0', 'float32', [1, 1]]]);
      expect(r.outputs).toHaveLength(1);
      expect(r.outputs[0]).toMatchObject({ name: 'StatefulPartitionedCall:0', dtype: 'float32', shape: [1, 1] });
      expect(Math.abs(r.outputs[0].data[0] as number - Math.sin(x)), `x = ${x}`).toBeLessThan(0.05);
    }
  });

  it('runs a uint8 MobileNet on seeded uint8 inputs over the whole range: 1001 uint8 class scores', async () => {
    const r = ok(await runReference(fixture('t2o-mobilenet_v1_0.25_128_quant.tflite'), 'seeded', { seed: 1 }));
    const [input] = r.inputs;
    expect(input).toMatchObject({ dtype: 'uint8', shape: [1, 128, 128, 3] });
    expect(input.data).toBeInstanceOf(Uint8Array);
    expect(Math.min(...input.data as Uint8Array)).toBe(0);
    expect(Math.max(...input.data as Uint8Array)).toBe(255);
    expect(r.outputs[0]).toMatchObject({ dtype: 'uint8', shape: [1, 1001] });
    expect(r.outputs[0].data).toBeInstanceOf(Uint8Array);
    expect(new Set(r.outputs[0].data as Uint8Array).size, 'the scores are not all one value').toBeGreaterThan(1);
  });

  it('runs an int8 model with per-axis weights, int8 in and out', async () => {
    const file = fixture('micro-micro_speech_quantized.tflite');
    const model = readTflite(new Uint8Array(readFileSync(file)), 'micro_speech');
    expect(model.subgraphs[0].tensors.some((t) => (t.quantization?.scale.length ?? 0) > 1), 'the file has per-axis scales').toBe(true);
    const r = ok(await runReference(file, 'seeded', { seed: 2 }));
    expect(r.inputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 1960] });
    expect(r.inputs[0].data).toBeInstanceOf(Int8Array);
    expect(Math.min(...r.inputs[0].data as Int8Array)).toBeLessThan(0);
    expect(r.outputs[0]).toMatchObject({ dtype: 'int8', shape: [1, 4] });
    expect(r.outputs[0].data).toBeInstanceOf(Int8Array);
  });

  it('feeds several inputs by their TFLite names: the swapping model hands inputs 2 and 0 back swapped', async () => {
    const file = fixture('mediapipe-3in3out_model_swaps_input_2_and_0.tflite');
    // Given in the opposite order to the model's: matched by name, not position.
    const given = [f32('model_second_input:0', [1, 1], [2]), f32('model_first_input:0', [1, 1], [1]), f32('model_third_input:0', [1, 1], [3])];
    const r = ok(await runReference(file, given, { seed: 1 }));
    expect(r.inputs.map((t) => [t.name, t.data[0]])).toEqual([['model_third_input:0', 3], ['model_first_input:0', 1], ['model_second_input:0', 2]]);
    expect(r.outputs.map((t) => [t.name, t.data[0]])).toEqual([['model_second_input:0', 2], ['model_first_input:0', 1], ['model_third_input:0', 3]]);
  });

  it('makes the same seeded inputs for the same seed and others for another seed (two int8 inputs)', async () => {
    const file = fixture('micro-simple_add_model.tflite');
    const [a, b, c] = [ok(await runReference(file, 'seeded', { seed: 5 })), ok(await runReference(file, 'seeded', { seed: 5 })), ok(await runReference(file, 'seeded', { seed: 6 }))];
    expect(a.inputs.map((t) => [t.dtype, t.shape])).toEqual([['int8', [1, 128, 128, 1]], ['int8', [1, 128, 128, 1]]]);
    expect(a.inputs.map(bytes)).toEqual(b.inputs.map(bytes));
    expect(a.outputs.map(bytes)).toEqual(b.outputs.map(bytes));
    expect(bytes(a.inputs[0]).equals(bytes(a.inputs[1])), 'the two inputs differ').toBe(false);
    expect(bytes(a.inputs[0]).equals(bytes(c.inputs[0]))).toBe(false);
    expect(bytes(a.outputs[0]).equals(bytes(c.outputs[0]))).toBe(false);
  });

  it('hands int64 outputs back as int64 (ARG_MAX)', async () => {
    const r = ok(await runReference(fixture('litert-quant-argmax.tflite'), 'seeded', { seed: 1 }));
    expect(r.outputs[0]).toMatchObject({ dtype: 'int64', shape: [1] });
    expect(r.outputs[0].data).toBeInstanceOf(BigInt64Array);
  });

  it('refuses an output whose shape the run decides (WHERE), which the library hands back cut short', async () => {
    const r = await runReference(fixture('litert-quant-where.tflite'), 'seeded', { seed: 1 });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/output "indices" has a shape decided at run time \(\[\d+, 2\]\)/) });
  });

  it('turns a crash of the library into a reason, and runs the next model as before', async () => {
    const r = await runReference(modelWithoutSubgraphs(), 'seeded', { seed: 1 });
    expect(r).toEqual({ ok: false, reason: 'the TFLite runtime crashed on this model (SIGSEGV)' });
    const next = ok(await runReference(fixture('micro-hello_world_float.tflite'), [f32('x', [1, 1], [Math.PI / 2])], { seed: 1 }));
    expect(next.outputs[0].data[0]).toBeGreaterThan(0.95);
  });

  it('gives a reason for files that are not models, or not there', async () => {
    const garbage = join(scratch, 'garbage.tflite');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    expect(await runReference(garbage, 'seeded', { seed: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the TFLite runtime refused the model/) });
    expect(await runReference(fixture('litert-test_model_broken.tflite'), 'seeded', { seed: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/refused the model/) });
    expect(await runReference(join(scratch, 'absent.tflite'), 'seeded', { seed: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the model file cannot be read \(ENOENT/) });
  });

  it('names the model\'s refusal in one line (an unresolved custom op)', async () => {
    const r = await runReference(fixture('coral-mobilenet_v1_0.25_128_quant_edgetpu.tflite'), 'seeded', { seed: 1 });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/unresolved custom op: edgetpu-custom-op/) });
    expect(r.ok ? '' : r.reason).not.toMatch(/\n|See instructions/);
  });

  it('refuses given inputs that do not fit the model, naming the input', async () => {
    const file = fixture('micro-hello_world_float.tflite');
    expect(await runReference(file, [f32('x', [1, 2], [1, 2])], { seed: 1 })).toMatchObject({ ok: false, reason: 'input "serving_default_dense_input:0" needs 1 values, got 2' });
    const int8: NamedTensor = { name: 'x', dtype: 'int8', shape: [1, 1], data: Int8Array.of(3) };
    expect(await runReference(file, [int8], { seed: 1 })).toMatchObject({ ok: false, reason: 'input "serving_default_dense_input:0" is float32 in the model, got int8' });
  });

  it('stops a run that passes its time limit', async () => {
    const r = await runReference(fixture('t2o-mobilenet_v1_0.25_128_quant.tflite'), 'seeded', { seed: 1, timeoutMs: 1 });
    expect(r).toEqual({ ok: false, reason: 'the TFLite runtime did not finish within 0.001 s' });
  });

  it('says plainly that there is no reference runtime where tfjs-tflite-node cannot be resolved', () => {
    // The runner's own files, copied where no node_modules is above them.
    const root = mkdtempSync(join(tmpdir(), 'ef-no-tflite-'));
    const files = ['tflite/verify/reference-runner.ts', 'tflite/verify/reference-child.ts', 'tflite/verify/tensor-data.ts', 'util/seeded-random.ts'];
    for (const f of files) {
      mkdirSync(join(root, 'core', f, '..'), { recursive: true });
      copyFileSync(join(repoRoot, 'electron/core', f), join(root, 'core', f));
    }
    const script = join(root, 'probe.mts');
    writeFileSync(script, [
      `import { referenceAvailable, runReference } from './core/tflite/verify/reference-runner.ts';`,
      `console.log(JSON.stringify([await referenceAvailable(), await runReference(${JSON.stringify(fixture('micro-hello_world_float.tflite'))}, 'seeded', { seed: 1 })]));`,
    ].join('\n'));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8' });
    const reason = 'no TFLite runtime on this machine (the development dependency tfjs-tflite-node is not installed or not built)';
    expect(JSON.parse(out)).toEqual([{ ok: false, reason }, { ok: false, reason }]);
  });
});
