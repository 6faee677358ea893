// Shape inference and MAC counts on small graphs. Where a shape is concrete, ONNX Runtime
// runs the model and its output shape is the reference.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { onnx } from '../../electron/core/onnx/generated/onnx.js';
import { openModelBytes, requireOnnx } from '../../electron/core/onnx/format-registry.js';
import { analyseOnnx } from '../../electron/core/inspect/analyse-onnx.js';
import { inferGraphShapes } from '../../electron/core/inspect/shape-inference.js';
import { AttrType, encode, floatTensor, int64Tensor, model, valueInfo, writeTemp } from '../fixtures/onnx-models.js';

const ints = (name: string, values: number[]): onnx.IAttributeProto => ({ name, type: AttrType.INTS, ints: values });
const int = (name: string, value: number): onnx.IAttributeProto => ({ name, type: AttrType.INT, i: value });
const str = (name: string, value: string): onnx.IAttributeProto => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(value) });

/** One node from X (and weights) to Y, Y's shape left for inference. */
function single(op: string, xDims: (number | string)[], attrs: onnx.IAttributeProto[], weights: onnx.ITensorProto[] = []) {
  return model({
    name: op,
    node: [{ name: op.toLowerCase(), op_type: op, input: ['X', ...weights.map((w) => w.name!)], output: ['Y'], attribute: attrs }],
    input: [valueInfo('X', xDims)],
    initializer: weights,
    output: [valueInfo('Y', null)],
  });
}

async function ortOutputShape(m: onnx.IModelProto, xDims: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(writeTemp('shape.onnx', m));
  try {
    const x = new ort.Tensor('float32', new Float32Array(xDims.reduce((a, b) => a * b, 1)), xDims);
    const out = await session.run({ X: x });
    return [...out.Y.dims];
  } finally {
    await session.release();
  }
}

function inferredY(m: onnx.IModelProto) {
  return inferGraphShapes(m.graph!).shape('Y');
}

async function analyse(m: onnx.IModelProto) {
  return analyseOnnx(requireOnnx(await openModelBytes('test.onnx', encode(m))));
}

describe('window ops agree with ONNX Runtime', () => {
  const cases: [string, onnx.IModelProto, number[]][] = [
    ['Conv with strides, asymmetric pads and dilations', single('Conv', [1, 3, 17, 19], [ints('strides', [2, 3]), ints('pads', [1, 2, 0, 1]), ints('dilations', [1, 2])], [floatTensor('W', [8, 3, 3, 5])]), [1, 3, 17, 19]],
    ['depthwise Conv, SAME_UPPER, stride 2', single('Conv', [1, 4, 11, 10], [int('group', 4), str('auto_pad', 'SAME_UPPER'), ints('strides', [2, 2])], [floatTensor('W', [4, 1, 3, 3])]), [1, 4, 11, 10]],
    ['Conv VALID', single('Conv', [1, 2, 9, 9], [str('auto_pad', 'VALID'), ints('strides', [2, 2])], [floatTensor('W', [3, 2, 4, 4])]), [1, 2, 9, 9]],
    ['MaxPool with ceil_mode', single('MaxPool', [1, 2, 10, 11], [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1)]), [1, 2, 10, 11]],
    ['AveragePool with pads', single('AveragePool', [1, 2, 7, 7], [ints('kernel_shape', [2, 3]), ints('pads', [1, 1, 0, 1]), ints('strides', [2, 1])]), [1, 2, 7, 7]],
    ['ConvTranspose with output_padding', single('ConvTranspose', [1, 4, 5, 6], [ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), ints('output_padding', [1, 0])], [floatTensor('W', [4, 2, 3, 3])]), [1, 4, 5, 6]],
    ['GlobalAveragePool', single('GlobalAveragePool', [2, 5, 7, 3], []), [2, 5, 7, 3]],
    ['Flatten axis 2', single('Flatten', [2, 3, 4, 5], [int('axis', 2)]), [2, 3, 4, 5]],
    ['Transpose', single('Transpose', [2, 3, 4], [ints('perm', [2, 0, 1])]), [2, 3, 4]],
    ['Reshape with 0 and -1', single('Reshape', [2, 3, 4], [], [int64Tensor('S', [0, -1, 2])]), [2, 3, 4]],
    ['Gemm transB', single('Gemm', [6, 5], [int('transB', 1)], [floatTensor('B', [7, 5])]), [6, 5]],
    ['MatMul with broadcast batch', single('MatMul', [2, 1, 3, 4], [], [floatTensor('B', [5, 4, 6])]), [2, 1, 3, 4]],
  ];
  for (const [title, m, dims] of cases) {
    it(title, async () => {
      expect(inferredY(m)).toEqual(await ortOutputShape(m, dims));
    });
  }
});

describe('shape inference with symbolic dims', () => {
  it('follows Shape -> Gather -> Unsqueeze -> Concat -> Reshape (a PyTorch flatten)', () => {
    const m = model({
      node: [
        { op_type: 'Shape', input: ['X'], output: ['s'] },
        { op_type: 'Constant', output: ['zero'], attribute: [{ name: 'value', type: AttrType.TENSOR, t: { data_type: 7, dims: [], int64_data: [0] } }] },
        { op_type: 'Gather', input: ['s', 'zero'], output: ['n'], attribute: [int('axis', 0)] },
        { op_type: 'Unsqueeze', input: ['n', 'axes'], output: ['n1'] },
        { op_type: 'Concat', input: ['n1', 'minus1'], output: ['target'], attribute: [int('axis', 0)] },
        { op_type: 'Reshape', input: ['X', 'target'], output: ['Y'] },
      ],
      input: [valueInfo('X', [2, 8, 3, 3])],
      initializer: [int64Tensor('axes', [0]), int64Tensor('minus1', [-1])],
      output: [valueInfo('Y', null)],
    });
    expect(inferredY(m)).toEqual([2, 72]);
  });

  it('keeps a symbolic batch through Conv, pool, Flatten and Gemm', () => {
    const m = model({
      node: [
        { op_type: 'Conv', input: ['X', 'W'], output: ['c'], attribute: [ints('pads', [1, 1, 1, 1])] },
        { op_type: 'Relu', input: ['c'], output: ['r'] },
        { op_type: 'GlobalAveragePool', input: ['r'], output: ['p'] },
        { op_type: 'Flatten', input: ['p'], output: ['f'] },
        { op_type: 'Gemm', input: ['f', 'B'], output: ['Y'], attribute: [int('transB', 1)] },
      ],
      input: [valueInfo('X', ['N', 3, 8, 8])],
      initializer: [floatTensor('W', [16, 3, 3, 3]), floatTensor('B', [10, 16])],
      output: [valueInfo('Y', null)],
    });
    const table = inferGraphShapes(m.graph!);
    expect(table.shape('c')).toEqual(['N', 16, 8, 8]);
    expect(table.shape('f')).toEqual(['N', 16]);
    expect(table.shape('Y')).toEqual(['N', 10]);
  });
});

describe('MACs', () => {
  it('counts Conv as N*M*outH*outW*(C/group)*kH*kW with a symbolic batch as 1', async () => {
    const m = single('Conv', ['batch', 3, 17, 19], [ints('strides', [2, 3]), ints('pads', [1, 2, 0, 1]), ints('dilations', [1, 2])], [floatTensor('W', [8, 3, 3, 5])]);
    const [, , h, w] = await ortOutputShape(m, [1, 3, 17, 19]);
    const report = await analyse(m);
    expect(report.macs.perNode).toEqual([{ name: 'conv', opType: 'Conv', macs: 8 * h * w * 3 * 3 * 5 }]);
    expect(report.macs.total).toBe(8 * h * w * 45);
  });

  it('counts grouped Conv with C/group', async () => {
    const report = await analyse(single('Conv', [1, 8, 6, 6], [int('group', 8), ints('pads', [1, 1, 1, 1])], [floatTensor('W', [8, 1, 3, 3])]));
    expect(report.macs.total).toBe(8 * 6 * 6 * 1 * 9);
  });

  it('counts Gemm, MatMul and ConvTranspose', async () => {
    expect((await analyse(single('Gemm', ['N', 64], [int('transB', 1)], [floatTensor('B', [32, 64])]))).macs.total).toBe(64 * 32);
    expect((await analyse(single('MatMul', [2, 1, 3, 4], [], [floatTensor('B', [5, 4, 6])]))).macs.total).toBe(2 * 5 * 3 * 4 * 6);
    expect((await analyse(single('ConvTranspose', [1, 4, 5, 6], [ints('strides', [2, 2])], [floatTensor('W', [4, 2, 3, 3])]))).macs.total).toBe(4 * 5 * 6 * 2 * 9);
  });

  it('lists a node as unresolved when its weight shape is unknown', async () => {
    const m = model({
      node: [{ name: 'dynamic_conv', op_type: 'Conv', input: ['X', 'W'], output: ['Y'] }],
      input: [valueInfo('X', [1, 3, 8, 8]), valueInfo('W', null)],
      output: [valueInfo('Y', null)],
    });
    const report = await analyse(m);
    expect(report.macs).toEqual({ total: 0, perNode: [], unresolved: ['dynamic_conv'] });
  });

  it('counts nodes inside subgraphs, and op counts include them', async () => {
    const branch = (name: string): onnx.IGraphProto => ({
      name,
      node: [{ name: `${name}_mm`, op_type: 'MatMul', input: ['X', 'B'], output: [`${name}_out`] }],
      output: [valueInfo(`${name}_out`, [2, 3])],
    });
    const m = model({
      node: [{ name: 'choose', op_type: 'If', input: ['C'], output: ['Y'], attribute: [
        { name: 'then_branch', type: AttrType.GRAPH, g: branch('then') },
        { name: 'else_branch', type: AttrType.GRAPH, g: branch('else') },
      ] }],
      input: [valueInfo('C', [], 9), valueInfo('X', [2, 4])],
      initializer: [floatTensor('B', [4, 3])],
      output: [valueInfo('Y', [2, 3])],
    });
    const report = await analyse(m);
    expect(report.nodeCount).toBe(3);
    expect(report.opCounts).toEqual({ If: 1, MatMul: 2 });
    const perNode = report.macs.perNode.map((n) => `${n.name}=${n.macs}`).sort();
    expect(perNode).toEqual(['else_mm=24', 'then_mm=24']);
  });
});
