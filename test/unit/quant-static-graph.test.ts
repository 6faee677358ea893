import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type onnx } from '../../electron/core/onnx/codec.js';
import { makeNode } from '../../electron/core/quantize/graph/nodes.js';
import { floatTensor } from '../../electron/core/quantize/graph/tensors.js';
import { measureKernelCoverage } from '../../electron/core/quantize/kernel-coverage.js';
import { planStatic } from '../../electron/core/quantize/static-plan.js';
import { applyStatic } from '../../electron/core/quantize/static-qdq.js';

/** x[N,2,4,4] → Conv(4 filters 1×1) → Relu → Flatten → MatMul([64,3]) → Softmax */
function tinyModel(): onnx.ModelProto {
  const w = Array.from({ length: 8 }, (_, i) => (i % 3) - 1 + i / 10);
  const m = Array.from({ length: 64 * 3 }, (_, i) => Math.sin(i) / 8);
  const bytes = encodeModel({
    ir_version: 8,
    opset_import: [{ version: 13 }],
    graph: {
      name: 'tiny',
      node: [
        makeNode('Conv', ['x', 'w', 'b'], ['c'], 'conv', { kernel_shape: [1, 1] }),
        makeNode('Relu', ['c'], ['r'], 'relu'),
        makeNode('Flatten', ['r'], ['f'], 'flatten'),
        makeNode('MatMul', ['f', 'm'], ['y'], 'matmul'),
        makeNode('Softmax', ['y'], ['p'], 'softmax', { axis: -1 }),
      ],
      initializer: [floatTensor('w', [4, 2, 1, 1], w), floatTensor('b', [4], [0.1, -0.2, 0.3, 0]), floatTensor('m', [64, 3], m)],
      input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N' }, { dim_value: 2 }, { dim_value: 4 }, { dim_value: 4 }] } } } }],
      output: [{ name: 'p', type: { tensor_type: { elem_type: 1 } } }],
    },
  });
  return decodeModel(bytes);
}

const ranges = new Map([
  ['x', { min: -1, max: 1 }],
  ['r', { min: 0, max: 3 }],
  ['c', { min: -3, max: 3 }],
  ['f', { min: 0, max: 3 }],
  ['y', { min: -2, max: 2 }],
]);

describe('static QDQ on a small graph', () => {
  it('folds the Relu, shares Flatten params, fixes Softmax to [0, 1], and runs integer kernels', async () => {
    const model = tinyModel();
    const plan = planStatic(model, []);
    expect(Object.fromEntries(plan.decisions.map((d) => [d.name, d.status]))).toEqual({
      conv: 'quantized', relu: 'folded', flatten: 'quantized', matmul: 'quantized', softmax: 'quantized',
    });
    // Conv's output takes the Relu's range; Flatten reuses it; the Softmax output is the graph output.
    expect(plan.tensors.get('c')).toEqual({ kind: 'range', of: 'r' });
    expect(plan.tensors.get('f')).toEqual({ kind: 'same', as: 'c' });
    expect(plan.tensors.has('p')).toBe(false);
    expect(plan.calibrate.sort()).toEqual(['r', 'x', 'y']);

    applyStatic(plan, ranges, { activationType: 'uint8', perChannel: true });
    const ops = model.graph!.node!.map((n) => n.op_type);
    expect(ops).not.toContain('Relu');
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(4); // x, c, f, y
    const wdq = model.graph!.node!.find((n) => n.op_type === 'DequantizeLinear' && n.output![0].startsWith('w'));
    expect(wdq?.attribute?.find((a) => a.name === 'axis')?.i).toBe(0);

    const bytes = encodeModel(model);
    const x = new ort.Tensor('float32', Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)), [1, 2, 4, 4]);
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
    const out = (await session.run({ x })).p.data as Float32Array;
    await session.release();
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'quant-graph-'));
    try {
      const cov = await measureKernelCoverage(bytes, { x }, tmp);
      expect(cov.kernels.QLinearConv).toBe(1);
      expect(cov.coverage).toBe(1);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('leaves excluded nodes and op types float', () => {
    const plan = planStatic(tinyModel(), ['matmul', 'Softmax']);
    const status = Object.fromEntries(plan.decisions.map((d) => [d.name, [d.status, d.reason]]));
    expect(status.matmul).toEqual(['float', 'excluded by option']);
    expect(status.softmax).toEqual(['float', 'excluded by option']);
    expect(status.conv[0]).toBe('quantized');
  });
});
