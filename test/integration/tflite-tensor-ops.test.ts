// Element-wise, activation, shape and slice operators (issue 17): every fixture file that uses them and
// converts is compared with the TFLite C library, and single-operator files written here cover the
// variants no fixture has (each mask bit of STRIDED_SLICE, broadcasting, integer division, options).
// Each reference run is its own child process.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { readTflite } from '../../electron/core/tflite/read-tflite.js';
import { attemptConversion, convertTflite, findUnsupported } from '../../electron/core/tflite/to-onnx/convert.js';
import { activationOps } from '../../electron/core/tflite/to-onnx/ops/activation-ops.js';
import { elementwiseOps } from '../../electron/core/tflite/to-onnx/ops/elementwise-ops.js';
import { shapeOps } from '../../electron/core/tflite/to-onnx/ops/shape-ops.js';
import { sliceOps } from '../../electron/core/tflite/to-onnx/ops/slice-ops.js';
import { compareOutput } from '../../electron/core/tflite/verify/agreement.js';
import { runOnnx } from '../../electron/core/tflite/verify/ort-run.js';
import { referenceAvailable, runReference } from '../../electron/core/tflite/verify/reference-runner.js';
import type { NamedTensor } from '../../electron/core/tflite/verify/tensor-data.js';
import { verifyConversion } from '../../electron/core/tflite/verify/verify-conversion.js';
import { repoRoot } from '../helpers/agent-process.js';
import { singleOpModel, type OpSpec, type TensorSpec } from '../helpers/tflite-single-op.js';

const fixtures = join(repoRoot, 'test/fixtures/tflite');
const work = mkdtempSync(join(tmpdir(), 'tflite-tensor-ops-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mine = new Set(Object.keys({ ...elementwiseOps, ...activationOps, ...shapeOps, ...sliceOps }));

const f32 = (shape: number[], data?: number[]): TensorSpec => ({ shape, ...(data ? { data } : {}) });
const i32 = (shape: number[], data?: number[]): TensorSpec => ({ shape, dtype: 'int32', ...(data ? { data } : {}) });
const bool = (shape: number[]): TensorSpec => ({ shape, dtype: 'bool' });
const feed = (name: string, dtype: 'float32' | 'int32', shape: number[], values: number[]): NamedTensor =>
  ({ name, dtype, shape, data: dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values) });
/** n values spread over [lo, hi], never 0 when avoidZero (division, logarithms). */
const spread = (n: number, lo: number, hi: number, avoidZero = false) =>
  Array.from({ length: n }, (_, i) => {
    const v = lo + ((hi - lo) * ((i * 7919) % n)) / Math.max(1, n - 1);
    return avoidZero && Math.abs(v) < 0.05 ? 0.37 : v;
  });

const first = (t: NamedTensor) => Array.from(t.data as ArrayLike<number>, Number).slice(0, 12).join(',');

function convertSpec(spec: OpSpec, name: string) {
  const bytes = singleOpModel(spec);
  const path = join(work, `${name.replace(/[^a-z0-9]+/gi, '-')}.tflite`);
  writeFileSync(path, bytes);
  return { path, attempt: attemptConversion(readTflite(bytes, path), { fileName: path }) };
}

/** Converts the one-op file, runs it in TFLite and onnxruntime on the same inputs, and compares every output. */
async function expectAgreement(name: string, spec: OpSpec, inputs: NamedTensor[] | 'seeded' = 'seeded') {
  const { path, attempt } = convertSpec(spec, name);
  expect(attempt.ok, attempt.ok ? '' : JSON.stringify(attempt.unsupported)).toBe(true);
  if (!attempt.ok) return;
  const ref = await runReference(path, inputs, { seed: 7 });
  expect(ref.ok, ref.ok ? '' : ref.reason).toBe(true);
  if (!ref.ok) return;
  const { outputs } = await runOnnx(encodeModel(attempt.conversion.model), ref.inputs, { level: 'basic' });
  expect(outputs.length).toBe(ref.outputs.length);
  ref.outputs.forEach((r, k) => {
    const c = compareOutput(r, outputs[k], false);
    expect(c.pass, `output ${k}: ${c.why} (TFLite ${first(r)} / ONNX ${first(outputs[k])})`).toBe(true);
  });
}

/** For variants the reference TFLite (2.9) predates: onnxruntime's output against values worked out by hand. */
async function expectOnnx(name: string, spec: OpSpec, inputs: NamedTensor[], shape: number[], values: number[]) {
  const { attempt } = convertSpec(spec, name);
  expect(attempt.ok, attempt.ok ? '' : JSON.stringify(attempt.unsupported)).toBe(true);
  if (!attempt.ok) return;
  const { outputs } = await runOnnx(encodeModel(attempt.conversion.model), inputs, { level: 'basic' });
  expect(outputs[0].shape).toEqual(shape);
  Array.from(outputs[0].data as ArrayLike<number>, Number).forEach((v, i) => expect(v).toBeCloseTo(values[i], 5));
}

function expectRefusal(name: string, spec: OpSpec, op: string, reason: RegExp) {
  const { path, attempt } = convertSpec(spec, name);
  expect(attempt.ok).toBe(false);
  if (attempt.ok) return;
  expect(attempt.unsupported.map((u) => u.op)).toEqual([op]);
  expect(attempt.unsupported[0].reasons.join('; ')).toMatch(reason);
  // What a user sees: one AppError naming the operator and why.
  let err: unknown;
  try {
    convertTflite(readTflite(new Uint8Array(readFileSync(path)), 'model.tflite'), { fileName: 'model.tflite' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('TFLITE_UNSUPPORTED');
  expect((err as AppError).detail).toContain(op);
}

const arange = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('TFLite tensor operators', () => {
  it('the TFLite reference runtime is installed (a devDependency): the comparisons below are real', async () => {
    expect(await referenceAvailable()).toMatchObject({ ok: true });
  });
});

describe('fixture files using these operators agree with TFLite', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.tflite')).sort().flatMap((file) => {
    try {
      const model = readTflite(new Uint8Array(readFileSync(join(fixtures, file))), file);
      const ops = new Set(model.subgraphs[0]?.operators.map((o) => o.opcode) ?? []);
      if (![...ops].some((o) => mine.has(o))) return [];
      return findUnsupported(model).length === 0 ? [file] : [];
    } catch {
      return [];
    }
  });

  it('finds the fixture files', () => {
    expect(files).toContain('t2o-stridedslice-beginmask.float32.tflite');
    expect(files.length).toBeGreaterThan(40);
  });

  it.each(files)('%s', { timeout: 120_000 }, async (file) => {
    const model = readTflite(new Uint8Array(readFileSync(join(fixtures, file))), file);
    const conversion = convertTflite(model, { fileName: file });
    const agreement = await verifyConversion(join(fixtures, file), encodeModel(conversion.model), conversion, 1);
    if (file.includes('where')) {
      // WHERE's coordinates have a shape the run decides, which the reference library cannot hand back whole; the graph must still run.
      expect(agreement.status, agreement.summary).toBe('unverified');
      return;
    }
    expect(agreement.status, agreement.summary).toBe('agreed');
  });
});

describe('element-wise operators agree with TFLite', { timeout: 60_000 }, () => {
  const x = f32([1, 2, 3, 4]);
  it('ADD broadcasting [4] with fused RELU6', () => expectAgreement('add-relu6', {
    op: 'ADD', inputs: [x, f32([4])], outputs: [f32([1, 2, 3, 4])], options: { type: 'AddOptions', fields: { fusedActivationFunction: 3 } },
  }, [feed('in0', 'float32', [1, 2, 3, 4], spread(24, -8, 8)), feed('in1', 'float32', [4], [1, 2, 3, -1])]));
  it('SUB of int32 tensors, broadcast [2,1] − [3]', () => expectAgreement('sub-int', { op: 'SUB', inputs: [i32([2, 1]), i32([3])], outputs: [i32([2, 3])] }));
  it('MUL with a constant and fused RELU_N1_TO_1', () => expectAgreement('mul-relu1', {
    op: 'MUL', inputs: [x, f32([1, 1, 1, 4], [3, -2, 0.5, 4])], outputs: [f32([1, 2, 3, 4])], options: { type: 'MulOptions', fields: { fusedActivationFunction: 2 } },
  }));
  // TFLite's kernels clamp only for RELU, RELU6 and RELU_N1_TO_1 (CalculateActivationRange): a fused TANH is not applied.
  it('MUL with fused TANH, which TFLite does not apply', () => expectAgreement('mul-tanh', {
    op: 'MUL', inputs: [x, f32([1, 1, 1, 4], [3, -2, 0.5, 4])], outputs: [f32([1, 2, 3, 4])], options: { type: 'MulOptions', fields: { fusedActivationFunction: 4 } },
  }));
  it('DIV of floats', () => expectAgreement('div', { op: 'DIV', inputs: [f32([2, 3]), f32([3])], outputs: [f32([2, 3])] },
    [feed('in0', 'float32', [2, 3], spread(6, -3, 3)), feed('in1', 'float32', [3], [0.5, -2, 3])]));
  it('MAXIMUM and MINIMUM broadcast', async () => {
    await expectAgreement('max', { op: 'MAXIMUM', inputs: [f32([2, 3]), f32([1, 3])], outputs: [f32([2, 3])] });
    await expectAgreement('min', { op: 'MINIMUM', inputs: [f32([2, 3]), f32([])], outputs: [f32([2, 3])] });
  });
  const signs = [-7, -6, -5, -1, 0, 1, 5, 6, 7, -7, 7, 3];
  const divisors = [2, -2, 3, -3, 2, -3, 2, -2, 3, -3, -3, 3];
  it('FLOOR_DIV rounds toward −∞ for floats and int32', async () => {
    await expectAgreement('floordiv-f', { op: 'FLOOR_DIV', inputs: [f32([12]), f32([12])], outputs: [f32([12])] },
      [feed('in0', 'float32', [12], signs.map((v) => v + 0.5)), feed('in1', 'float32', [12], divisors)]);
    await expectAgreement('floordiv-i', { op: 'FLOOR_DIV', inputs: [i32([12]), i32([12])], outputs: [i32([12])] },
      [feed('in0', 'int32', [12], signs), feed('in1', 'int32', [12], divisors)]);
  });
  it('FLOOR_MOD takes the divisor’s sign for floats and int32', async () => {
    await expectAgreement('floormod-f', { op: 'FLOOR_MOD', inputs: [f32([12]), f32([12])], outputs: [f32([12])] },
      [feed('in0', 'float32', [12], signs.map((v) => v + 0.25)), feed('in1', 'float32', [12], divisors)]);
    await expectAgreement('floormod-i', { op: 'FLOOR_MOD', inputs: [i32([12]), i32([12])], outputs: [i32([12])] },
      [feed('in0', 'int32', [12], signs), feed('in1', 'int32', [12], divisors)]);
  });
  it.each(['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'] as const)('%s on int32 with broadcasting', (op) =>
    expectAgreement(op, { op, inputs: [i32([3, 4]), i32([4])], outputs: [bool([3, 4])] }));
  it.each(['LOGICAL_AND', 'LOGICAL_OR'] as const)('%s', (op) => expectAgreement(op, { op, inputs: [bool([2, 3]), bool([2, 3])], outputs: [bool([2, 3])] }));
  it('LOGICAL_NOT', () => expectAgreement('not', { op: 'LOGICAL_NOT', inputs: [bool([5])], outputs: [bool([5])] }));
  it('SELECT with a rank-1 condition picks whole rows', () => expectAgreement('select', {
    op: 'SELECT', inputs: [bool([4]), f32([4, 3]), f32([4, 3])], outputs: [f32([4, 3])],
  }));
  it('SELECT_V2 broadcasts its condition', () => expectAgreement('select-v2', {
    op: 'SELECT_V2', inputs: [bool([3]), f32([2, 3]), f32([1])], outputs: [f32([2, 3])],
  }));
  const unaryCases: [OpSpec['op'], number[]][] = [
    ['ABS', spread(10, -3, 3)], ['NEG', spread(10, -3, 3)], ['EXP', spread(10, -3, 3)], ['LOG', spread(10, 0.1, 9)],
    ['SQRT', spread(10, 0.1, 9)], ['RSQRT', spread(10, 0.1, 9)], ['SQUARE', spread(10, -3, 3)], ['SIN', spread(10, -6, 6)],
    ['COS', spread(10, -6, 6)], ['FLOOR', spread(10, -3, 3)], ['CEIL', spread(10, -3, 3)],
    // Halves round to even.
    ['ROUND', [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.5, 4.5]],
  ];
  it.each(unaryCases)('%s', (op, values) => expectAgreement(op, { op, inputs: [f32([10])], outputs: [f32([10])] }, [feed('in0', 'float32', [10], values)]));
  it('SIGN (newer than the reference runtime)', () =>
    expectOnnx('sign', { op: 'SIGN', inputs: [f32([5])], outputs: [f32([5])] }, [feed('in0', 'float32', [5], [-2, -0.5, 0, 0.5, 2])], [5], [-1, -1, 0, 1, 1]));
  it('CAST float32 → int32 truncates; int32 → float32; bool → float32', async () => {
    await expectAgreement('cast-fi', { op: 'CAST', inputs: [f32([6])], outputs: [i32([6])] }, [feed('in0', 'float32', [6], [-2.7, -1.2, -0.5, 0.5, 1.9, 3])]);
    await expectAgreement('cast-if', { op: 'CAST', inputs: [i32([6])], outputs: [f32([6])] });
    await expectAgreement('cast-bf', { op: 'CAST', inputs: [bool([6])], outputs: [f32([6])] });
  });
});

describe('activations agree with TFLite', { timeout: 60_000 }, () => {
  const wide = [feed('in0', 'float32', [2, 8], spread(16, -7, 7))];
  const act = (op: OpSpec['op'], options?: OpSpec['options'], extra: TensorSpec[] = []): OpSpec =>
    ({ op, inputs: [f32([2, 8]), ...extra], outputs: [f32([2, 8])], ...(options ? { options } : {}) });
  it.each(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'ELU'] as const)('%s', (op) => expectAgreement(op, act(op), wide));
  it('LEAKY_RELU with alpha 0.3', () => expectAgreement('leaky', act('LEAKY_RELU', { type: 'LeakyReluOptions', fields: { alpha: 0.3 } }), wide));
  it('PRELU with an alpha per channel, broadcast over NHWC', () => expectAgreement('prelu', {
    op: 'PRELU', inputs: [f32([1, 2, 2, 3]), f32([1, 1, 3], [0.1, 0.5, -2])], outputs: [f32([1, 2, 2, 3])],
  }));
  it('GELU exact and with the tanh approximation', async () => {
    await expectAgreement('gelu', act('GELU', { type: 'GeluOptions', fields: { approximate: false } }), wide);
    await expectAgreement('gelu-tanh', act('GELU', { type: 'GeluOptions', fields: { approximate: true } }), wide);
  });
  it('RELU_0_TO_1 (newer than the reference runtime): clips to [0, 1]', () =>
    expectOnnx('relu01', { op: 'RELU_0_TO_1', inputs: [f32([4])], outputs: [f32([4])] }, [feed('in0', 'float32', [4], [-1, 0.25, 0.75, 3])], [4], [0, 0.25, 0.75, 1]));
});

describe('shape operators agree with TFLite', { timeout: 60_000 }, () => {
  it('RESHAPE with a constant shape holding -1', () => expectAgreement('reshape', { op: 'RESHAPE', inputs: [f32([2, 3, 4]), i32([2], [-1, 6])], outputs: [f32([4, 6])] }));
  it('RESHAPE from the new_shape option alone', () => expectAgreement('reshape-opt', {
    op: 'RESHAPE', inputs: [f32([2, 6])], outputs: [f32([3, 4])], options: { type: 'ReshapeOptions', fields: { newShape: [3, 4] } },
  }));
  it('RESHAPE with the legacy empty shape tensor (shape [0]) makes a scalar', () => expectAgreement('reshape-scalar', { op: 'RESHAPE', inputs: [f32([1, 1]), i32([0], [])], outputs: [f32([])] }));
  it('RESHAPE with a shape computed at run time', () => expectAgreement('reshape-dyn', { op: 'RESHAPE', inputs: [f32([12]), i32([2])], outputs: [f32([3, 4])] },
    [feed('in0', 'float32', [12], spread(12, -1, 1)), feed('in1', 'int32', [2], [2, 6])]));
  it('SQUEEZE named dims (negative) and every 1-dim', async () => {
    await expectAgreement('squeeze-dims', { op: 'SQUEEZE', inputs: [f32([1, 3, 1, 2])], outputs: [f32([1, 3, 2])], options: { type: 'SqueezeOptions', fields: { squeezeDims: [-2] } } });
    await expectAgreement('squeeze-all', { op: 'SQUEEZE', inputs: [f32([1, 3, 1, 2])], outputs: [f32([3, 2])], options: { type: 'SqueezeOptions' } });
  });
  it('SQUEEZE of every 1-dim keeps a dynamic batch (stored as 1) and runs at batch 2', () => expectOnnx('squeeze-dyn', {
    op: 'SQUEEZE', inputs: [{ shape: [1, 3, 1, 2], signature: [-1, 3, 1, 2] }], outputs: [{ shape: [1, 3, 2], signature: [-1, 3, 2] }], options: { type: 'SqueezeOptions' },
  }, [feed('in0', 'float32', [2, 3, 1, 2], arange(12))], [2, 3, 2], arange(12)));
  it('EXPAND_DIMS with a negative axis', () => expectAgreement('expand', { op: 'EXPAND_DIMS', inputs: [f32([2, 3]), i32([1], [-1])], outputs: [f32([2, 3, 1])] }));
  it('TRANSPOSE', () => expectAgreement('transpose', { op: 'TRANSPOSE', inputs: [f32([2, 3, 4]), i32([3], [2, 0, 1])], outputs: [f32([4, 2, 3])] }));
  it('CONCATENATION on axis -1 with a constant', () => expectAgreement('concat', {
    op: 'CONCATENATION', inputs: [f32([2, 2]), f32([2, 3]), f32([2, 1], [5, -5])], outputs: [f32([2, 6])],
    options: { type: 'ConcatenationOptions', fields: { axis: -1 } },
  }));
  it('CONCATENATION of int32 tensors', () => expectAgreement('concat-int', {
    op: 'CONCATENATION', inputs: [i32([2]), i32([3])], outputs: [i32([5])], options: { type: 'ConcatenationOptions', fields: { axis: 0 } },
  }));
  it('PAD and PADV2 with a constant value', async () => {
    await expectAgreement('pad', { op: 'PAD', inputs: [f32([1, 2, 3]), i32([3, 2], [0, 1, 2, 0, 1, 3])], outputs: [f32([2, 4, 7])] });
    await expectAgreement('padv2', { op: 'PADV2', inputs: [f32([2, 3]), i32([2, 2], [1, 0, 0, 2]), f32([], [0.5])], outputs: [f32([3, 5])] });
  });
  it('PAD with paddings computed at run time', () => expectAgreement('pad-dyn', { op: 'PAD', inputs: [f32([2, 3]), i32([2, 2])], outputs: [f32([5, 4])] },
    [feed('in0', 'float32', [2, 3], spread(6, -1, 1)), feed('in1', 'int32', [2, 2], [1, 2, 0, 1])]));
  it.each([['REFLECT', 0], ['SYMMETRIC', 1]] as const)('MIRROR_PAD %s', (_, mode) => expectAgreement(`mirror-${mode}`, {
    op: 'MIRROR_PAD', inputs: [f32([1, 3, 4, 2]), i32([4, 2], [0, 0, 2, 1, 1, 2, 0, 0])], outputs: [f32([1, 6, 7, 2])],
    options: { type: 'MirrorPadOptions', fields: { mode } },
  }));
  it('BROADCAST_TO', () => expectAgreement('broadcast', { op: 'BROADCAST_TO', version: 2, inputs: [f32([3, 1]), i32([3], [2, 3, 4])], outputs: [f32([2, 3, 4])] }));
  it('SHAPE as int32', () => expectAgreement('shape', {
    op: 'SHAPE', inputs: [f32([2, 3, 5])], outputs: [i32([3])], options: { type: 'ShapeOptions', fields: { outType: 2 } },
  }));
  it('FILL with a run-time value', () => expectAgreement('fill', { op: 'FILL', inputs: [i32([2], [2, 3]), f32([])], outputs: [f32([2, 3])] }));
  it('ZEROS_LIKE of float32 and int32', async () => {
    await expectAgreement('zeros-f', { op: 'ZEROS_LIKE', inputs: [f32([2, 3])], outputs: [f32([2, 3])] });
    await expectAgreement('zeros-i', { op: 'ZEROS_LIKE', inputs: [i32([4])], outputs: [i32([4])] });
  });
  it.each([[false, false], [true, false], [false, true], [true, true]])('CUMSUM exclusive=%s reverse=%s', (exclusive, reverse) => expectAgreement(`cumsum-${exclusive}-${reverse}`, {
    op: 'CUMSUM', inputs: [f32([2, 4]), i32([], [1])], outputs: [f32([2, 4])], options: { type: 'CumsumOptions', fields: { exclusive, reverse } },
  }));
  it('WHERE gives the int64 coordinates of true elements', async () => {
    const cond = { name: 'in0', dtype: 'bool' as const, shape: [2, 3], data: Uint8Array.from([1, 0, 1, 0, 0, 1]) };
    await expectOnnx('where', { op: 'WHERE', inputs: [bool([2, 3])], outputs: [{ shape: [3, 2], dtype: 'int64' }] }, [cond], [3, 2], [0, 0, 0, 2, 1, 2]);
  });
});

describe('slicing and gathering agree with TFLite', { timeout: 60_000 }, () => {
  const x = f32([2, 3, 4]);
  const ss = (begin: number[], end: number[], strides: number[], fields: Record<string, number | boolean>, out: number[], input = x): OpSpec => ({
    op: 'STRIDED_SLICE',
    inputs: [input, i32([begin.length], begin), i32([end.length], end), i32([strides.length], strides)],
    outputs: [f32(out)],
    options: { type: 'StridedSliceOptions', fields },
  });
  it('STRIDED_SLICE begin_mask', () => expectAgreement('ss-begin', ss([1, 2, 1], [2, 3, 3], [1, 1, 1], { beginMask: 0b101 }, [2, 1, 3])));
  it('STRIDED_SLICE end_mask', () => expectAgreement('ss-end', ss([1, 0, 1], [1, 2, 2], [1, 1, 1], { endMask: 0b101 }, [1, 2, 3])));
  it('STRIDED_SLICE negative strides with both masks and negative indices', () =>
    expectAgreement('ss-neg', ss([-1, 2, -2], [0, 0, 0], [-1, -1, -2], { beginMask: 0b001, endMask: 0b010 }, [2, 3, 1])));
  it('STRIDED_SLICE shrink_axis_mask (negative index too)', () => expectAgreement('ss-shrink', ss([-1, 1, 0], [0, 2, 4], [1, 1, 2], { shrinkAxisMask: 0b011 }, [2])));
  it('STRIDED_SLICE shrink with begin_mask takes the first element, as TFLite does', () =>
    expectAgreement('ss-shrink-begin', ss([2, 1, 0], [3, 2, 4], [1, 1, 1], { beginMask: 0b011, shrinkAxisMask: 0b011 }, [4])));
  it('STRIDED_SLICE ellipsis_mask', () => expectAgreement('ss-ellipsis', ss([0, 1], [0, 3], [1, 1], { ellipsisMask: 0b01 }, [2, 3, 2])));
  it('STRIDED_SLICE ellipsis in the middle with shrink after it', () =>
    expectAgreement('ss-ellipsis-mid', ss([1, 0, 2], [2, 0, 3], [1, 1, 1], { ellipsisMask: 0b010, shrinkAxisMask: 0b100 }, [1, 3])));
  it('STRIDED_SLICE new_axis_mask', () => expectAgreement('ss-newaxis', ss([0, 0, 1], [0, 2, 3], [1, 1, 1], { newAxisMask: 0b001 }, [1, 2, 2, 4])));
  it('STRIDED_SLICE new axis after an ellipsis, with a shrunk last dim', () =>
    expectAgreement('ss-mix', ss([0, 0, 3], [0, 0, 4], [1, 1, 1], { ellipsisMask: 0b001, newAxisMask: 0b010, shrinkAxisMask: 0b100 }, [2, 3, 1])));
  it('STRIDED_SLICE with fewer entries than dims takes the rest whole', () => expectAgreement('ss-short', ss([1], [2], [1], {}, [1, 3, 4])));
  it('STRIDED_SLICE offset (newer than the reference runtime): end counts from begin', () =>
    expectOnnx('ss-offset', ss([1, 1], [1, 2], [1, 1], { offset: true }, [1, 2], f32([2, 4])),
      [feed('in0', 'float32', [2, 4], arange(8))], [1, 2], [5, 6]));
  it('SLICE with size -1', () => expectAgreement('slice', { op: 'SLICE', inputs: [x, i32([3], [1, 0, 1]), i32([3], [1, -1, 2])], outputs: [f32([1, 3, 2])] }));
  it('GATHER on axis 1 with int32 indices', () => expectAgreement('gather', {
    op: 'GATHER', inputs: [x, i32([2, 2], [2, 0, 1, 1])], outputs: [f32([2, 2, 2, 4])], options: { type: 'GatherOptions', fields: { axis: 1 } },
  }));
  it('GATHER_ND', () => expectAgreement('gather-nd', { op: 'GATHER_ND', inputs: [x, i32([2, 2], [1, 2, 0, 1])], outputs: [f32([2, 4])] }));
  it('SPLIT with its axis as input 0 (negative)', () => expectAgreement('split', {
    op: 'SPLIT', inputs: [i32([], [-1]), x], outputs: [f32([2, 3, 2]), f32([2, 3, 2])], options: { type: 'SplitOptions', fields: { numSplits: 2 } },
  }));
  it('SPLIT of an int16-quantized tensor (opset 21, where Split names its outputs)', async () => {
    const q = { shape: [2, 4], dtype: 'int16' as const, quant: { scale: 0.01, zeroPoint: 0 } };
    const { attempt } = convertSpec({ op: 'SPLIT', inputs: [i32([], [1]), q], outputs: [{ ...q, shape: [2, 2] }, { ...q, shape: [2, 2] }], options: { type: 'SplitOptions', fields: { numSplits: 2 } } }, 'split-16');
    expect(attempt.ok && attempt.conversion.opset).toBe(21);
    if (!attempt.ok) return;
    const { outputs } = await runOnnx(encodeModel(attempt.conversion.model), [{ name: 'in1', dtype: 'int16', shape: [2, 4], data: Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }], { level: 'basic' });
    expect(outputs.map((o) => Array.from(o.data as ArrayLike<number>))).toEqual([[1, 2, 5, 6], [3, 4, 7, 8]]);
  });
  it('SPLIT_V with a -1 size', () => expectAgreement('split-v', {
    op: 'SPLIT_V', inputs: [x, i32([3], [1, -1, 1]), i32([], [2])], outputs: [f32([2, 3, 1]), f32([2, 3, 2]), f32([2, 3, 1])],
    options: { type: 'SplitVOptions', fields: { numSplits: 3 } },
  }));
  it('PACK on axis 1', () => expectAgreement('pack', {
    op: 'PACK', inputs: [f32([2, 3]), f32([2, 3]), f32([2, 3])], outputs: [f32([2, 3, 3])], options: { type: 'PackOptions', fields: { valuesCount: 3, axis: 1 } },
  }));
  it('UNPACK on axis -1', () => expectAgreement('unpack', {
    op: 'UNPACK', inputs: [f32([2, 3])], outputs: [f32([2]), f32([2]), f32([2])], options: { type: 'UnpackOptions', fields: { num: 3, axis: -1 } },
  }));
  it('TILE', () => expectAgreement('tile', { op: 'TILE', inputs: [f32([2, 3]), i32([2], [2, 1])], outputs: [f32([4, 3])] }));
});

describe('variants that cannot convert are refused with a reason', () => {
  it('GATHER with batch_dims', () => expectRefusal('gather-batch', {
    op: 'GATHER', inputs: [f32([2, 3]), i32([2, 1], [0, 1])], outputs: [f32([2, 1])], options: { type: 'GatherOptions', fields: { axis: 1, batchDims: 1 } },
  }, 'GATHER', /batch_dims/));
  it('STRIDED_SLICE with begin computed at run time', () => expectRefusal('ss-dyn', {
    op: 'STRIDED_SLICE', inputs: [f32([4]), i32([1]), i32([1], [3]), i32([1], [1])], outputs: [f32([3])], options: { type: 'StridedSliceOptions' },
  }, 'STRIDED_SLICE', /begin \(input 1\) is computed at run time/));
  it('CAST of a quantized tensor', () => expectRefusal('cast-q', {
    op: 'CAST', inputs: [{ shape: [4], dtype: 'int8', quant: { scale: 0.1, zeroPoint: 3 } }], outputs: [f32([4])],
  }, 'CAST', /stored integers/));
  it('an integer ADD with a fused activation', () => expectRefusal('add-int-relu', {
    op: 'ADD', inputs: [i32([3]), i32([3])], outputs: [i32([3])], options: { type: 'AddOptions', fields: { fusedActivationFunction: 1 } },
  }, 'ADD', /fused activation on a int32/));
});
