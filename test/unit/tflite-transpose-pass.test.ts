// The transpose pass on small NHWC-wrapped graphs: each model runs in onnxruntime-node before and after the
// pass on the same seeded input, and must give the same outputs with the expected number of Transposes.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, onnx } from '../../electron/core/onnx/codec.js';
import { optimizeTransposes } from '../../electron/core/tflite/to-onnx/transpose-pass.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { FLOAT, model, valueInfo } from '../fixtures/onnx-models.js';

const DT = onnx.TensorProto.DataType;
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** A graph under construction, with the converter's wrapping: NHWC tensors, each Conv wrapped in Transposes. */
class Builder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];
  private k = 0;
  private readonly rnd = seededRandom('transpose-pass-weights');

  name(base: string): string {
    return `${base}_${this.k++}`;
  }

  node(op: string, inputs: string[], attribute: onnx.IAttributeProto[] = [], outputs = 1): string[] {
    const out = Array.from({ length: outputs }, () => this.name(op.toLowerCase()));
    this.nodes.push({ name: this.name(op), op_type: op, input: inputs, output: out, attribute });
    return out;
  }

  one(op: string, inputs: string[], attribute: onnx.IAttributeProto[] = []): string {
    return this.node(op, inputs, attribute)[0];
  }

  transpose(x: string, perm: number[]): string {
    return this.one('Transpose', [x], [ints('perm', perm)]);
  }

  floats(dims: number[], values?: number[]): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(values ?? Array.from({ length: n }, () => this.rnd() * 2 - 1));
    return this.init({ data_type: FLOAT, dims, raw_data: new Uint8Array(data.buffer) });
  }

  init(t: onnx.ITensorProto): string {
    const name = this.name('c');
    this.inits.push({ ...t, name });
    return name;
  }

  /** Conv 3x3 (same padding) from cin to cout channels, on an NHWC tensor, as the converter wraps it. */
  conv(x: string, cin: number, cout: number): string {
    const inner = this.one('Conv', [this.transpose(x, TO_NCHW), this.floats([cout, cin, 3, 3]), this.floats([cout])], [ints('pads', [1, 1, 1, 1])]);
    return this.transpose(inner, TO_NHWC);
  }

  /** Inputs are [name, dims], outputs [graph name, tensor, element type]; an output tensor is renamed to its graph name. */
  model(inputs: [string, number[]][], outputs: [string, string, number?][], opset = 13): onnx.IModelProto {
    for (const [graphName, tensor] of outputs) {
      for (const n of this.nodes) {
        n.output = n.output!.map((o) => (o === tensor ? graphName : o));
        n.input = n.input!.map((i) => (i === tensor ? graphName : i));
      }
    }
    return model(
      { name: 'g', node: this.nodes, initializer: this.inits, input: inputs.map(([n, d]) => valueInfo(n, d)), output: outputs.map(([n, , type]) => valueInfo(n, null, type ?? FLOAT)) },
      opset,
    );
  }
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}
function int(name: string, value: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

async function run(bytes: Uint8Array, feeds: Record<string, number[]>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const input: Record<string, ort.Tensor> = {};
  const decl = decodeModel(bytes).graph!.input!;
  for (const v of decl) {
    const dims = v.type!.tensor_type!.shape!.dim!.map((d) => Number(d.dim_value));
    const rnd = seededRandom(`input-${v.name}`);
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rnd() * 2 - 1);
    input[v.name!] = new ort.Tensor('float32', data, feeds[v.name!] ?? dims);
  }
  try {
    return await session.run(input);
  } finally {
    await session.release();
  }
}

const countOps = (m: onnx.IModelProto, op: string) => m.graph!.node!.filter((n) => n.op_type === op).length;
const find = (m: onnx.IModelProto, op: string) => m.graph!.node!.filter((n) => n.op_type === op);
const producerOf = (m: onnx.IModelProto, name: string) => m.graph!.node!.find((n) => n.output!.includes(name));

/** Runs the pass; asserts the same outputs (within 1e-6 of the largest magnitude) and the expected Transpose count. */
async function check(m: onnx.IModelProto, expectTransposes: number, opset = 13): Promise<onnx.IModelProto> {
  const before = encodeModel(m);
  const ioBefore = JSON.stringify([m.graph!.input, m.graph!.output]);
  const countBefore = countOps(m, 'Transpose');
  const stats = optimizeTransposes(m.graph!, { opset });
  const after = encodeModel(m);
  expect(JSON.stringify([m.graph!.input, m.graph!.output])).toBe(ioBefore);
  expect(countOps(m, 'Transpose')).toBe(expectTransposes);
  expect(stats).toEqual({ removed: countBefore - expectTransposes, remaining: expectTransposes });
  const [want, got] = [await run(before, {}), await run(after, {})];
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const name of Object.keys(want)) {
    expect(got[name].dims).toEqual(want[name].dims);
    const a = Array.from(want[name].data as ArrayLike<number | bigint>, (v) => Number(v));
    const b = Array.from(got[name].data as ArrayLike<number | bigint>, (v) => Number(v));
    const scale = Math.max(1e-30, ...a.map(Math.abs));
    const worst = Math.max(0, ...a.map((v, i) => Math.abs(v - b[i])));
    expect(worst / scale, `output ${name}`).toBeLessThanOrEqual(1e-6);
  }
  return m;
}

/** The nodes from `to` back up to `from`, following first inputs: none of them may be a Transpose. */
function pathOps(m: onnx.IModelProto, from: onnx.INodeProto, to: onnx.INodeProto): string[] {
  const ops: string[] = [];
  let cur = producerOf(m, to.input![0]);
  while (cur && cur !== from) {
    ops.push(cur.op_type!);
    cur = producerOf(m, cur.input![0]);
  }
  expect(cur, 'path reaches the first node').toBe(from);
  return ops;
}

describe('optimizeTransposes', () => {
  it('Conv → Relu → Conv keeps only the two boundary Transposes', async () => {
    const b = new Builder();
    const y = b.conv(b.one('Relu', [b.conv('X', 3, 4)]), 4, 2);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', y]]), 2);
    const [c1, c2] = find(m, 'Conv');
    expect(pathOps(m, c1, c2)).toEqual(['Relu']);
    expect(producerOf(m, 'Y')!.op_type).toBe('Transpose');
  });

  it.each([
    ['[C]', [4]],
    ['[1,1,1,C]', [1, 1, 1, 4]],
    ['[W,C]', [5, 4]],
  ])('Conv → Add(constant NHWC bias %s) → Conv: the bias is permuted, the Transposes go', async (_label, dims) => {
    const b = new Builder();
    const y = b.conv(b.one('Add', [b.conv('X', 3, 4), b.floats(dims)]), 4, 2);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', y]]), 2);
    const add = find(m, 'Add')[0];
    const bias = m.graph!.initializer!.find((t) => t.name === add.input![1])!;
    expect(bias.dims!.map(Number)).toEqual(dims.length === 2 ? [1, 4, 1, 5] : [1, 4, 1, 1]);
  });

  it('a residual Add of two NCHW-wrapped branches runs in NCHW', async () => {
    const b = new Builder();
    const a = b.one('Relu', [b.conv('X', 3, 4)]);
    const y = b.conv(b.one('Add', [a, b.conv(a, 4, 4)]), 4, 2);
    const m = await check(b.model([['X', [1, 6, 6, 3]]], [['Y', y]]), 2);
    const add = find(m, 'Add')[0];
    expect(add.input!.map((i) => producerOf(m, i)!.op_type)).toEqual(['Relu', 'Conv']);
  });

  it('two convolutions of the same NHWC input share one input Transpose', async () => {
    const b = new Builder();
    const y = b.conv(b.one('Add', [b.conv('X', 3, 4), b.conv('X', 3, 4)]), 4, 2);
    await check(b.model([['X', [1, 6, 6, 3]]], [['Y', y]]), 2);
  });

  it('Concat on the NHWC channel axis 3 becomes a Concat on axis 1', async () => {
    const b = new Builder();
    const y = b.conv(b.one('Concat', [b.conv('X', 3, 4), b.conv('X', 3, 2)], [int('axis', 3)]), 6, 2);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', y]]), 2);
    expect(Number(find(m, 'Concat')[0].attribute!.find((a) => a.name === 'axis')!.i)).toBe(1);
  });

  it('a per-tensor Q/DQ pair between convolutions', async () => {
    const b = new Builder();
    const scale = b.floats([], [0.02]);
    const zp = b.init({ data_type: DT.UINT8, dims: [], int32_data: [128] });
    const dq = b.one('DequantizeLinear', [b.one('QuantizeLinear', [b.conv('X', 3, 4), scale, zp]), scale, zp]);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', b.conv(dq, 4, 2)]]), 2);
    const [c1, c2] = find(m, 'Conv');
    expect(pathOps(m, c1, c2)).toEqual(['DequantizeLinear', 'QuantizeLinear']);
  });

  it('a per-axis Q/DQ pair (NHWC axis 3) between convolutions moves its axis to 1', async () => {
    const b = new Builder();
    const scale = b.floats([4], [0.01, 0.02, 0.03, 0.04]);
    const zp = b.init({ data_type: DT.INT8, dims: [4], int32_data: [0, 3, -2, 1] });
    const q = b.one('QuantizeLinear', [b.conv('X', 3, 4), scale, zp], [int('axis', 3)]);
    const dq = b.one('DequantizeLinear', [q, scale, zp], [int('axis', -1)]);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', b.conv(dq, 4, 2)]]), 2);
    for (const n of [...find(m, 'QuantizeLinear'), ...find(m, 'DequantizeLinear')]) {
      expect(Number(n.attribute!.find((a) => a.name === 'axis')!.i)).toBe(1);
    }
  });

  it('ReduceMean over the NHWC spatial axes [1,2] with keepdims reduces NCHW axes [2,3]', async () => {
    const b = new Builder();
    const mean = b.one('ReduceMean', [b.conv('X', 3, 4)], [ints('axes', [1, 2]), int('keepdims', 1)]);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', b.conv(mean, 4, 2)]]), 2);
    expect(find(m, 'ReduceMean')[0].attribute!.find((a) => a.name === 'axes')!.ints!.map(Number)).toEqual([2, 3]);
  });

  it('ReduceMean without keepdims is left alone (its output has another rank)', async () => {
    const b = new Builder();
    const mean = b.one('ReduceMean', [b.conv('X', 3, 4)], [ints('axes', [1, 2]), int('keepdims', 0)]);
    await check(b.model([['X', [1, 5, 5, 3]]], [['Y', mean]]), 2);
  });

  it('fan-out to a graph output and to another conv: only the output keeps its Transpose', async () => {
    const b = new Builder();
    const a = b.conv('X', 3, 4);
    const y2 = b.conv(a, 4, 2);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y1', a], ['Y2', y2]]), 3);
    const [c1, c2] = find(m, 'Conv');
    expect(pathOps(m, c1, c2)).toEqual([]);
    expect(producerOf(m, 'Y1')!.op_type).toBe('Transpose');
  });

  it('fan-out into two branches that both cancel is duplicated and then removed', async () => {
    const b = new Builder();
    const a = b.conv('X', 3, 4);
    const y1 = b.conv(b.one('Relu', [a]), 4, 2);
    const y2 = b.conv(b.one('Sigmoid', [a]), 4, 2);
    await check(b.model([['X', [1, 5, 5, 3]]], [['Y1', y1], ['Y2', y2]]), 3);
  });

  it('fan-out where no branch cancels is not duplicated', async () => {
    const b = new Builder();
    const t = b.transpose('X', TO_NHWC);
    await check(b.model([['X', [1, 3, 4, 5]]], [['Y1', b.one('Relu', [t])], ['Y2', b.one('Sigmoid', [t])]]), 1);
  });

  it('fan-out where one branch cancels and one cannot (Reshape) sinks only into the one that cancels', async () => {
    const b = new Builder();
    const a = b.conv('X', 3, 4);
    const y1 = b.conv(b.one('Relu', [a]), 4, 2);
    const y2 = b.one('Reshape', [a, b.init({ data_type: DT.INT64, dims: [2], int64_data: [1, -1] })]);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y1', y1], ['Y2', y2]]), 3);
    expect(producerOf(m, find(m, 'Reshape')[0].input![0])!.op_type).toBe('Transpose');
  });

  it('a Transpose whose consumer is Reshape is left alone', async () => {
    const b = new Builder();
    const shape = b.init({ data_type: DT.INT64, dims: [2], int64_data: [1, -1] });
    const y = b.one('Reshape', [b.conv('X', 3, 4), shape]);
    const m = await check(b.model([['X', [1, 5, 5, 3]]], [['Y', y]]), 2);
    expect(producerOf(m, find(m, 'Reshape')[0].input![0])!.attribute![0].ints!.map(Number)).toEqual(TO_NHWC);
  });

  it('an Add with a non-constant NHWC graph input gets one inverse Transpose when that removes two', async () => {
    const b = new Builder();
    const y = b.conv(b.one('Add', [b.conv('X', 3, 4), 'R']), 4, 2);
    await check(b.model([['X', [1, 5, 5, 3]], ['R', [1, 5, 5, 4]]], [['Y', y]]), 3);
  });

  const i64 = (b: Builder, v: number[]) => b.init({ data_type: DT.INT64, dims: [v.length], int64_data: v });
  it.each<[string, number, (b: Builder, x: string) => string]>([
    ['Pad (pads input)', 4, (b, x) => b.one('Pad', [x, i64(b, [0, 1, 2, 0, 0, 2, 0, 0])])],
    ['Slice (constant axes, one of them the channel axis)', 3, (b, x) => b.one('Slice', [x, i64(b, [1, 0]), i64(b, [4, 3]), i64(b, [2, -1])])],
    ['Slice (no axes, int32 indices)', 4, (b, x) => b.one('Slice', [x, ...[[0, 1, 0, 0], [1, 4, 5, 4]].map((v) => b.init({ data_type: DT.INT32, dims: [4], int32_data: v }))])],
    ['Softmax (opset 13, last axis)', 4, (b, x) => b.one('Softmax', [x], [int('axis', -1)])],
    ['ReduceSum (axes input, channel axis)', 1, (b, x) => b.one('ReduceSum', [x, i64(b, [3])], [int('keepdims', 1)])],
    ['Clip', 4, (b, x) => b.one('Clip', [x, b.floats([], [-0.2]), b.floats([], [0.3])])],
    ['Where (constant condition and else)', 4, (b, x) => b.one('Where', [b.init({ data_type: DT.BOOL, dims: [4], int32_data: [1, 0, 0, 1] }), x, b.floats([1, 5, 1])])],
    ['PRelu (slope [C])', 4, (b, x) => b.one('PRelu', [x, b.floats([4])])],
    ['Mul of the tensor by itself', 4, (b, x) => b.one('Mul', [x, x])],
    ['Split on the channel axis, then Concat', 4, (b, x) => b.one('Concat', b.node('Split', [x, i64(b, [1, 3])], [int('axis', 3)], 2).reverse(), [int('axis', -1)])],
  ])('Conv → %s → Conv', async (_label, channels, op) => {
    const b = new Builder();
    const mid = op(b, b.conv('X', 3, 4));
    await check(b.model([['X', [1, 5, 5, 3]]], [['Y', b.conv(mid, channels, 2)]]), 2);
  });

  it('Softmax is not moved when the opset is not known to be 13 or later', async () => {
    const b = new Builder();
    const y = b.conv(b.one('Softmax', [b.conv('X', 3, 4)], [int('axis', 3)]), 4, 2);
    const m = b.model([['X', [1, 5, 5, 3]]], [['Y', y]]);
    optimizeTransposes(m.graph!);
    expect(countOps(m, 'Transpose')).toBe(4);
  });

  const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  it.each<[string, onnx.ITensorProto]>([
    ['float raw_data', { data_type: DT.FLOAT, raw_data: bytesOf(Float32Array.from({ length: 24 }, (_, i) => i / 7)) }],
    ['float float_data', { data_type: DT.FLOAT, float_data: Array.from({ length: 24 }, (_, i) => i / 3) }],
    ['int8 int32_data', { data_type: DT.INT8, int32_data: Array.from({ length: 24 }, (_, i) => i * 5 - 60) }],
    ['uint8 int32_data', { data_type: DT.UINT8, int32_data: Array.from({ length: 24 }, (_, i) => i * 10) }],
    ['int32 int32_data', { data_type: DT.INT32, int32_data: Array.from({ length: 24 }, (_, i) => i * 100_000 - 7) }],
    ['int64 int64_data', { data_type: DT.INT64, int64_data: Array.from({ length: 24 }, (_, i) => i * 1_000_000_007) }],
    ['float16 int32_data', { data_type: DT.FLOAT16, int32_data: Array.from({ length: 24 }, (_, i) => 0x3c00 + i * 17) }],
  ])('a Transpose of an initializer (%s) is folded into a permuted initializer', async (_label, t) => {
    const b = new Builder();
    const c = b.init({ ...t, dims: [1, 2, 3, 4] });
    b.transpose(c, TO_NCHW);
    const m = b.model([], [['Y', b.nodes[0].output![0], t.data_type!]]);
    const before = encodeModel(m);
    optimizeTransposes(m.graph!, { opset: 13 });
    expect(countOps(m, 'Transpose')).toBe(0);
    const folded = m.graph!.initializer!;
    expect(folded).toHaveLength(1);
    expect(folded[0].dims!.map(Number)).toEqual([1, 4, 2, 3]);
    const [want, got] = [await run(before, {}), await run(encodeModel(m), {})];
    expect(got.Y.dims).toEqual(want.Y.dims);
    expect(bytesOf(got.Y.data as ArrayBufferView)).toEqual(bytesOf(want.Y.data as ArrayBufferView));
  });

  it('a Transpose of an initializer that is also read elsewhere folds into a copy', async () => {
    const b = new Builder();
    const c = b.floats([1, 2, 3, 4]);
    const y = b.one('Add', [b.transpose(c, TO_NCHW), 'X']);
    const m = await check(b.model([['X', [1, 4, 2, 3]]], [['Y', y], ['Z', b.one('Neg', [c])]]), 0);
    expect(m.graph!.initializer!.map((t) => t.dims!.map(Number))).toEqual([[1, 2, 3, 4], [1, 4, 2, 3]]);
  });

  it('a cancelling pair right before a graph output keeps the output name', async () => {
    const b = new Builder();
    const y = b.transpose(b.transpose(b.one('Relu', ['X']), TO_NHWC), TO_NCHW);
    const m = await check(b.model([['X', [1, 2, 3, 4]]], [['Y', y]]), 0);
    expect(producerOf(m, 'Y')!.op_type).toBe('Relu');
  });

  it('a cancelling pair between a graph input and a graph output becomes an Identity', async () => {
    const b = new Builder();
    const y = b.transpose(b.transpose('X', TO_NHWC), TO_NCHW);
    const m = await check(b.model([['X', [1, 2, 3, 4]]], [['Y', y]]), 0);
    expect(producerOf(m, 'Y')!.op_type).toBe('Identity');
  });

  it('a Transpose read from inside an If branch stays, though nothing in the main graph reads it any more', async () => {
    const b = new Builder();
    const t = b.transpose('X', TO_NHWC);
    const branch = (op: string): onnx.IGraphProto => ({ name: op, node: [{ op_type: op, input: [t], output: [`${op}_out`] }], output: [valueInfo(`${op}_out`, null)] });
    const cond = b.init({ data_type: DT.BOOL, dims: [], int32_data: [1] });
    const z = b.one('If', [cond], [
      { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('Neg') },
      { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('Abs') },
    ]);
    const m = await check(b.model([['X', [1, 2, 3, 4]]], [['Y', b.transpose(t, TO_NCHW)], ['Z', z]]), 1);
    expect(producerOf(m, 'Y')!.op_type).toBe('Identity');
  });

  it('leaves Transposes without a usable perm as they are', () => {
    const b = new Builder();
    const y = b.one('Transpose', [b.one('Transpose', ['X'])]);
    const bad = b.one('Relu', [b.one('Transpose', [y], [ints('perm', [0, 0, 1, 2])])]);
    const m = b.model([['X', [1, 2, 3, 4]]], [['Y', bad]]);
    const before = JSON.stringify(onnx.GraphProto.toObject(onnx.GraphProto.fromObject(m.graph!)));
    expect(optimizeTransposes(m.graph!, { opset: 13 })).toEqual({ removed: 0, remaining: 3 });
    expect(JSON.stringify(onnx.GraphProto.toObject(onnx.GraphProto.fromObject(m.graph!)))).toBe(before);
  });
});
