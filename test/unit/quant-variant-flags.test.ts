import { describe, expect, it } from 'vitest';
import type { VariantMetrics } from '../../electron/core/api/types.js';
import { requiredOperators, requiredOperatorsConfig } from '../../electron/core/quantize/convert.js';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { makeNode } from '../../electron/core/quantize/graph/nodes.js';
import { gaussian } from '../../electron/core/quantize/sample-inputs.js';
import { safetyNetDetail, thresholdsFor, variantFlags } from '../../electron/core/quantize/variant-flags.js';

const metrics = (m: Partial<VariantMetrics>): VariantMetrics => ({
  sizeBytes: 100, latencyP50Ms: 1, latencyRatio: 0.5, top1: 0.9, top5: 1, agreement: 1, sqnrDb: 40, integerCoverage: 1, evaluatedOn: 'x', flags: [], ...m,
});

describe('safety-net thresholds and flags', () => {
  it('defaults by mode, recipe overrides', () => {
    expect(thresholdsFor({ mode: 'static' })).toEqual({ minAgreement: 0.97, minSqnrDb: 20, maxDrop: 0.01 });
    expect(thresholdsFor({ mode: 'fp16' }).minSqnrDb).toBe(30);
    expect(thresholdsFor({ mode: 'tune', minSqnrDb: 15, minAgreement: 0.9, maxDrop: 0.02 })).toEqual({ minAgreement: 0.9, minSqnrDb: 15, maxDrop: 0.02 });
  });

  it('a good variant raises nothing', () => {
    expect(variantFlags(metrics({}), metrics({ top1: 0.905 }), thresholdsFor({ mode: 'static' }))).toEqual([]);
  });

  it('each check raises its flag at its level', () => {
    const flags = variantFlags(metrics({ latencyRatio: 1.2, agreement: 0.95, sqnrDb: 12, top1: 0.85 }), metrics({ top1: 0.9 }), thresholdsFor({ mode: 'static' }));
    expect(flags.map((f) => [f.code, f.level])).toEqual([
      ['SLOWER_THAN_PARENT', 'warning'], ['LOW_AGREEMENT', 'error'], ['LOW_SQNR', 'error'], ['ACCURACY_DROP', 'error'],
    ]);
    expect(flags[3].message).toContain('5.00 points');
    const detail = safetyNetDetail(flags, 'static');
    expect(detail).toContain('LOW_SQNR: Output SQNR against the parent is 12.0 dB, below the required 20 dB.');
    expect(detail).not.toContain('SLOWER');
    expect(detail).toContain('To fix: try the entropy');
  });

  it('no labels: NOT_EVALUATED warning, no accuracy check', () => {
    const flags = variantFlags(metrics({ top1: null, top5: null }), metrics({ top1: null }), thresholdsFor({ mode: 'fp16' }));
    expect(flags.map((f) => f.code)).toEqual(['NOT_EVALUATED']);
  });
});

describe('required operators', () => {
  it('domain;opset;op per operator, grouped into the config format', () => {
    const bytes = encodeModel({
      ir_version: 8,
      opset_import: [{ version: 13 }, { domain: 'com.microsoft', version: 1 }],
      graph: {
        node: [makeNode('Relu', ['x'], ['a'], 'r'), makeNode('FusedConv', ['a'], ['b'], 'f', {}, 'com.microsoft'), makeNode('Add', ['b', 'a'], ['y'], 'add'), makeNode('Relu', ['y'], ['z'], 'r2')],
        input: [{ name: 'x' }],
        output: [{ name: 'z' }],
      },
    });
    const rows = requiredOperators(bytes);
    expect(rows).toEqual(['ai.onnx;13;Add', 'ai.onnx;13;Relu', 'com.microsoft;1;FusedConv']);
    expect(requiredOperatorsConfig(rows)).toBe('ai.onnx;13;Add,Relu\ncom.microsoft;1;FusedConv\n');
  });
});

describe('random inputs', () => {
  it('are seeded standard normal', () => {
    const a = gaussian(20000, 3);
    expect(gaussian(20000, 3)).toEqual(a);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const varc = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(varc - 1)).toBeLessThan(0.05);
  });
});
