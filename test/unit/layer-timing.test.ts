// The per-layer check of tune --device, on synthetic device times: a quantized layer slower in INT8
// than in float on the device is named, with both times, for tuning to keep it float. And the words
// that say where a timing was taken (SLOWER_THAN_PARENT, the CLI, the Optimize page).
import { describe, expect, it } from 'vitest';
import type { ProfileRow } from '../../electron/core/api/types.js';
import { conversionOwners, layerTimes, slowerInInt8, slowerReason, timePerLayer } from '../../electron/core/quantize/layer-timing.js';
import { whereTimed } from '../../electron/core/api/timing-words.js';
import { variantFlags } from '../../electron/core/quantize/variant-flags.js';

const row = (name: string, nodes: string[], meanUs: number, opType = 'Conv'): ProfileRow => ({
  name,
  opType,
  nodes,
  fused: nodes.length > 1,
  calls: 30,
  meanUs,
  p50Us: meanUs,
  share: 0,
  outputShape: null,
  provider: 'CPUExecutionProvider',
});

const layers = [
  { name: 'conv1', opType: 'Conv' },
  { name: 'dw2', opType: 'Conv' },
  { name: 'fc', opType: 'Gemm' },
];
// Float: conv1 fused with its Relu; layout nodes cover nothing.
const floatRows = [row('conv1', ['conv1', 'relu1'], 400), row('ReorderInput', [], 30, 'ReorderInput'), row('dw2', ['dw2'], 200), row('fc', ['fc'], 100, 'Gemm')];
// INT8: each integer kernel covers its DequantizeLinear/QuantizeLinear and the float node; dw2 is slower there.
const int8Rows = [
  row('conv1_quant', ['conv1_x_dq', 'conv1_w_dq', 'conv1', 'relu1', 'conv1_q'], 150, 'QLinearConv'),
  row('dw2_quant', ['dw2_x_dq', 'dw2', 'dw2_q'], 260, 'QLinearConv'),
  row('fc_quant', ['fc'], 104, 'QGemm'),
  row('dq_tail', ['tail_dq'], 20, 'DequantizeLinear'),
];

describe('per-layer device times, float against INT8', () => {
  it('matches rows through the float node each covers', () => {
    expect(layerTimes(floatRows, int8Rows, layers)).toEqual([
      { node: 'conv1', opType: 'Conv', floatMs: 0.4, int8Ms: 0.15 },
      { node: 'dw2', opType: 'Conv', floatMs: 0.2, int8Ms: 0.26 },
      { node: 'fc', opType: 'Gemm', floatMs: 0.1, int8Ms: 0.104 },
    ]);
  });

  it('keeps float only what is slower in INT8 beyond the margin, largest loss first', () => {
    const times = layerTimes(floatRows, int8Rows, layers);
    // fc is 4 % slower: within the 5 % a short profile cannot resolve.
    expect(slowerInInt8(times).map((t) => t.node)).toEqual(['dw2']);
    expect(slowerInInt8(times, 0.01, 0.001).map((t) => t.node)).toEqual(['dw2', 'fc']);
    // A layer too short to time is left alone.
    expect(slowerInInt8([{ node: 'tiny', opType: 'Add', floatMs: 0.001, int8Ms: 0.003 }])).toEqual([]);
  });

  it('says why, with the device and both times', () => {
    const [dw2] = slowerInInt8(layerTimes(floatRows, int8Rows, layers));
    expect(slowerReason(dw2, 'kiosk-3', 'kept')).toBe('kept float: INT8 slower on kiosk-3 (0.260 ms vs 0.200 ms)');
    expect(slowerReason(dw2, 'kiosk-3', 'budget')).toMatch(/^INT8 slower on kiosk-3 \(0\.260 ms vs 0\.200 ms\), but keeping it float broke the accuracy budget: left INT8$/);
    expect(slowerReason(dw2, 'kiosk-3', 'bound')).toMatch(/but the quantizer does not keep it float on its own: left INT8$/);
  });

  it('shares a row covering several layers and skips layers a profile does not show', () => {
    const shared = [row('fused', ['a', 'b'], 300)];
    expect([...timePerLayer(shared, new Set(['a', 'b', 'c']))]).toEqual([
      ['a', 0.15],
      ['b', 0.15],
    ]);
    expect(layerTimes(shared, [row('a', ['a'], 100)], [{ name: 'a', opType: 'Conv' }, { name: 'b', opType: 'Conv' }])).toEqual([{ node: 'a', opType: 'Conv', floatMs: 0.15, int8Ms: 0.1 }]);
  });
});

describe('unfused conversions (a runtime without the INT8 fast path)', () => {
  const node = (name: string, opType: string, inputs: string[], outputs: string[]) => ({ name, opType, domain: '', inputs, outputs });
  // x -> Q -> DQ -> conv1 (weights through their own DQ) -> Q -> DQ -> conv2; the second activation DQ also feeds an Add no one quantized.
  const graph = [
    node('x_Q', 'QuantizeLinear', ['x', 's', 'z'], ['x_q']),
    node('x_DQ', 'DequantizeLinear', ['x_q', 's', 'z'], ['x_dq']),
    node('w1_DQ', 'DequantizeLinear', ['w1_q', 'ws'], ['w1']),
    node('conv1', 'Conv', ['x_dq', 'w1'], ['y1']),
    node('y1_Q', 'QuantizeLinear', ['y1', 's', 'z'], ['y1_q']),
    node('y1_DQ', 'DequantizeLinear', ['y1_q', 's', 'z'], ['y1_dq']),
    node('w2_DQ', 'DequantizeLinear', ['w2_q', 'ws'], ['w2']),
    node('conv2', 'Conv', ['y1_dq', 'w2'], ['y2']),
    node('add', 'Add', ['y1_dq', 'y2'], ['out']),
  ];
  const names = new Set(['conv1', 'conv2']);

  it('charges each Q/DQ to the layer it converts for', () => {
    expect(Object.fromEntries(conversionOwners(graph, names))).toEqual({ x_DQ: ['conv1'], w1_DQ: ['conv1'], y1_Q: ['conv1'], y1_DQ: ['conv2'], w2_DQ: ['conv2'] });
  });

  it('a layer whose conversions run on their own is slower in INT8, and only with the graph is it seen', () => {
    const f = [row('conv1', ['conv1'], 100), row('conv2', ['conv2'], 100), row('add', ['add'], 10, 'Add')];
    // The same float kernels, with every conversion a row of its own (x_Q converts the graph input: no layer's).
    const q = [row('x_Q', ['x_Q'], 15, 'QuantizeLinear'), row('x_DQ', ['x_DQ'], 15, 'DequantizeLinear'), row('w1_DQ', ['w1_DQ'], 20, 'DequantizeLinear'), row('conv1', ['conv1'], 100), row('y1_Q', ['y1_Q'], 15, 'QuantizeLinear'), row('y1_DQ', ['y1_DQ'], 15, 'DequantizeLinear'), row('w2_DQ', ['w2_DQ'], 2, 'DequantizeLinear'), row('conv2', ['conv2'], 100), row('add', ['add'], 10, 'Add')];
    const quantized = [{ name: 'conv1', opType: 'Conv' }, { name: 'conv2', opType: 'Conv' }];
    expect(layerTimes(f, q, quantized).map((t) => t.int8Ms)).toEqual([0.1, 0.1]);
    const times = layerTimes(f, q, quantized, graph);
    expect(times.map((t) => [t.node, +t.int8Ms.toFixed(6)])).toEqual([
      ['conv1', 0.15],
      ['conv2', 0.117],
    ]);
    expect(slowerInInt8(times).map((t) => t.node)).toEqual(['conv1', 'conv2']);
    // Fused kernels are charged as before: a row covering the layer goes to it alone, whatever Q/DQ it also covers.
    const fused = [row('conv1_quant', ['x_DQ', 'w1_DQ', 'conv1', 'y1_Q'], 50, 'QLinearConv'), row('conv2_quant', ['y1_DQ', 'w2_DQ', 'conv2'], 40, 'QLinearConv')];
    expect(layerTimes(f, fused, quantized, graph).map((t) => t.int8Ms)).toEqual([0.05, 0.04]);
  });
});

describe('where a timing was taken, in words', () => {
  const device = { kind: 'device' as const, deviceId: 'ef-1', deviceName: 'kiosk-3', cpu: 'ARM Cortex-A76', runtime: 'onnxruntime-node 1.30.0', board: null };
  it('names the device, its CPU and whether it has integer dot-product instructions', () => {
    expect(whereTimed({ ...device, cpuFeatures: ['asimd', 'asimdhp'] })).toBe('on device kiosk-3 (ARM Cortex-A76, no dot-product)');
    expect(whereTimed({ ...device, cpuFeatures: ['asimd', 'asimddp', 'i8mm'] })).toBe('on device kiosk-3 (ARM Cortex-A76, dot-product: asimddp, i8mm)');
    expect(whereTimed({ ...device, cpuFeatures: [] })).toBe('on device kiosk-3 (ARM Cortex-A76, CPU features unknown)');
  });
  it('is this CPU for the workstation, and for variants made before targets', () => {
    expect(whereTimed({ kind: 'workstation', cpu: 'x', cpuFeatures: ['avx512_vnni'], runtime: 'r' })).toBe('on this CPU');
    expect(whereTimed(undefined)).toBe('on this CPU');
  });
  it('goes into SLOWER_THAN_PARENT', () => {
    const base = { sizeBytes: 1, top1: null, top5: null, agreement: null, sqnrDb: null, integerCoverage: null, evaluatedOn: null, flags: [] };
    const parent = { ...base, latencyP50Ms: 1, latencyRatio: 1 };
    const flags = variantFlags({ ...base, latencyP50Ms: 1.5, latencyRatio: 1.5, timing: { ...device, cpuFeatures: ['asimd'] } }, parent, { minAgreement: 0, minSqnrDb: 0, maxDrop: 1 });
    expect(flags.find((f) => f.code === 'SLOWER_THAN_PARENT')!.message).toBe("Runs at 1.50× the parent's batch-1 latency (1.50 ms against 1.00 ms) on device kiosk-3 (ARM Cortex-A76, no dot-product).");
  });
});
