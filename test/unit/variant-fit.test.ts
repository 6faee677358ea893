import { describe, expect, it } from 'vitest';
import type { BoardInfo, InspectReport, VariantPrecision } from '../../electron/core/api/types.js';
import { fitWarnings, precisionFromGraph, variantPrecision, type LineageModel } from '../../electron/core/devices/variant-fit.js';

const os = { type: 'Linux', release: '6.1.0', distro: 'Debian GNU/Linux 12 (bookworm)' };
const ort = { version: '1.30.0', executionProviders: ['cpu'] };
const board = (cpu: string, cpuFeatures: string[], model: string | null = null): BoardInfo => ({ cpu, model, cpuFeatures, os, onnxruntime: ort });

// As the agent reports them (board-info.ts keeps only the features it lists).
const pi4 = { arch: 'arm64', board: board('ARM Cortex-A72', ['asimd'], 'Raspberry Pi 4 Model B Rev 1.1') };
const orin = { arch: 'arm64', board: board('ARM Cortex-A78AE', ['asimd', 'asimdhp', 'asimddp']) };
// Jetson AGX Xavier's Carmel cores: fp16 arithmetic, no dot product.
const xavier = { arch: 'arm64', board: board('NVIDIA Carmel', ['asimd', 'asimdhp'], 'Jetson-AGX') };
const haswell = { arch: 'x64', board: board('Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz', ['avx2', 'fma']) };
const icelake = { arch: 'x64', board: board('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz', ['avx2', 'fma', 'avx512f', 'avx512_vnni']) };
const alderlake = { arch: 'x64', board: board('12th Gen Intel(R) Core(TM) i7-1265U', ['avx2', 'fma', 'avx_vnni']) };

const p = (kind: VariantPrecision['kind'], activationType: VariantPrecision['activationType'] = null): VariantPrecision => ({ kind, activationType, label: kind });
const codes = (...args: Parameters<typeof fitWarnings>) => fitWarnings(...args).map((w) => w.code);

describe('fit rules', () => {
  it('FP16 on x86 is emulated (slower than float32), whatever the CPU', () => {
    for (const t of [haswell, icelake, alderlake]) expect(codes(p('fp16'), t)).toEqual(['FP16_EMULATED']);
    const [w] = fitWarnings(p('fp16'), haswell);
    expect(w.title).toBe('FP16 runs slower than float32 on this board');
    expect(w.detail).toContain('x86');
    expect(w.detail).toContain('slower than its float32 parent');
  });

  it('FP16 on arm64 without asimdhp is emulated; with asimdhp it is partial', () => {
    expect(codes(p('fp16'), pi4)).toEqual(['FP16_EMULATED']);
    expect(fitWarnings(p('fp16'), pi4)[0].detail).toContain('ARM Cortex-A72 (Raspberry Pi 4 Model B Rev 1.1) has no half-precision arithmetic (asimdhp)');
    expect(codes(p('fp16'), orin)).toEqual(['FP16_PARTIAL']);
    expect(codes(p('fp16'), xavier)).toEqual(['FP16_PARTIAL']);
  });

  it('INT8 on arm64 without dot product gains little, and quotes the ratio measured where it was made', () => {
    for (const kind of ['int8-static', 'int8-dynamic'] as const) {
      expect(codes(p(kind, 'uint8'), pi4)).toEqual(['INT8_NO_DOT_PRODUCT']);
      expect(codes(p(kind, 'int8'), xavier)).toEqual(['INT8_NO_DOT_PRODUCT']);
    }
    const metrics = { latencyRatio: 0.412 } as Parameters<typeof fitWarnings>[2];
    expect(fitWarnings(p('int8-static', 'uint8'), pi4, metrics)[0].detail).toContain('ran at 0.41× the float model');
    const slower = { latencyRatio: 1.04 } as Parameters<typeof fitWarnings>[2];
    expect(fitWarnings(p('int8-dynamic', 'uint8'), pi4, slower)[0].detail).toContain('no faster than the float model (1.04× its latency)');
    expect(fitWarnings(p('int8-static', 'uint8'), pi4)[0].detail).not.toContain('ran at');
  });

  it('INT8 on arm64 with asimddp: nothing; ARM has no U8S8 saturation, whatever the activation type', () => {
    for (const act of ['uint8', 'int8'] as const) expect(codes(p('int8-static', act), orin)).toEqual([]);
    expect(codes(p('int8-dynamic', 'uint8'), orin)).toEqual([]);
  });

  it('INT8 on x86 without VNNI may saturate (U8S8), for uint8 and int8 activations and dynamic INT8', () => {
    expect(codes(p('int8-static', 'uint8'), haswell)).toEqual(['INT8_U8S8_SATURATION']);
    const int8Acts = fitWarnings(p('int8-static', 'int8'), haswell)[0];
    expect(int8Acts.code).toBe('INT8_U8S8_SATURATION');
    expect(int8Acts.detail).toContain('int8 activations do not avoid this');
    expect(fitWarnings(p('int8-dynamic', 'uint8'), haswell)[0].detail).toContain('Dynamic quantization makes uint8 activations');
    expect(fitWarnings(p('int8-static', 'uint8'), haswell)[0].detail).toContain('reduce_range');
  });

  it('INT8 on x86 with AVX-512 VNNI or AVX-VNNI: nothing', () => {
    for (const t of [icelake, alderlake]) {
      for (const kind of ['int8-static', 'int8-dynamic'] as const) expect(codes(p(kind, 'int8'), t)).toEqual([]);
    }
  });

  it('float models, unknown precisions, unreported boards and empty feature lists get nothing', () => {
    for (const t of [pi4, orin, haswell, icelake]) {
      expect(codes(p('float'), t)).toEqual([]);
      expect(codes(p('unknown'), t)).toEqual([]);
    }
    expect(codes(p('fp16'), { arch: 'x64', board: null })).toEqual([]);
    expect(codes(p('int8-static', 'uint8'), { arch: 'arm64', board: board('ARM Cortex-A72', []) })).toEqual([]);
    // A microcontroller: no rules for its architecture.
    expect(codes(p('int8-static', 'uint8'), { arch: 'armv7e-m', board: board('Cortex-M7', ['asimd']) })).toEqual([]);
  });
});

const inspect = (opCounts: Record<string, number>, weightBytes: Record<string, number>, format = 'onnx') => ({ format, opCounts, weightBytes }) as unknown as InspectReport;

describe('variant precision', () => {
  const models = new Map<string, LineageModel>();
  const add = (id: string, parentId: string | null, recipe: unknown, graph: InspectReport | null = null) => models.set(id, { id, parentId, recipe, inspect: graph });
  const get = (id: string) => models.get(id) ?? null;
  add('float', null, null, inspect({ Conv: 52 }, { FLOAT: 9_000_000 }));
  add('static-u8', 'float', { mode: 'static', calibrationNpy: '/c.npy' });
  add('static-s8', 'float', { mode: 'static', activationType: 'int8' });
  add('tuned', 'float', { mode: 'tune', activationType: 'uint8' });
  add('dynamic', 'float', { mode: 'dynamic' });
  add('fp16', 'float', { mode: 'fp16' }, inspect({ Conv: 52, Cast: 2 }, { FLOAT16: 4_500_000 }));
  add('ort-of-float', 'float', { mode: 'ort' });
  add('tflite', null, null, inspect({}, {}, 'tflite'));
  add('tflite-int8', 'tflite', { mode: 'from-tflite', quantized: true, nchwIo: false, signature: null, opset: 13, agreement: null, notes: [] });
  add('ort-of-tflite-int8', 'tflite-int8', { mode: 'ort' });
  add('imported-qdq', null, null, inspect({ QuantizeLinear: 40, DequantizeLinear: 90, Conv: 52 }, { INT8: 2_300_000, FLOAT: 10_000 }));
  add('imported-dynamic', null, null, inspect({ DynamicQuantizeLinear: 3, MatMulInteger: 3 }, { INT8: 300_000 }));
  add('imported-fp16', null, null, inspect({ Conv: 10 }, { FLOAT16: 100_000, FLOAT: 40 }));
  add('ort-file', null, null, null);

  it('reads the recipe EdgeFleet made the variant with, activation type included', () => {
    expect(variantPrecision(get, 'static-u8')).toMatchObject({ kind: 'int8-static', activationType: 'uint8' });
    expect(variantPrecision(get, 'static-s8')).toMatchObject({ kind: 'int8-static', activationType: 'int8', label: 'static INT8 (QDQ), int8 activations, int8 weights' });
    expect(variantPrecision(get, 'tuned')).toMatchObject({ kind: 'int8-static', activationType: 'uint8' });
    expect(variantPrecision(get, 'dynamic')).toMatchObject({ kind: 'int8-dynamic', activationType: 'uint8' });
    expect(variantPrecision(get, 'fp16')).toMatchObject({ kind: 'fp16' });
    expect(variantPrecision(get, 'float')).toMatchObject({ kind: 'float' });
  });

  it('an ORT-format variant computes like its parent; a quantized TFLite conversion is static INT8', () => {
    expect(variantPrecision(get, 'ort-of-float')).toMatchObject({ kind: 'float' });
    expect(variantPrecision(get, 'tflite-int8')).toMatchObject({ kind: 'int8-static', activationType: null });
    expect(variantPrecision(get, 'ort-of-tflite-int8')).toMatchObject({ kind: 'int8-static' });
  });

  it('reads an imported graph by its operators and weight types; unknown without either', () => {
    expect(variantPrecision(get, 'imported-qdq')).toMatchObject({ kind: 'int8-static' });
    expect(variantPrecision(get, 'imported-dynamic')).toMatchObject({ kind: 'int8-dynamic' });
    expect(variantPrecision(get, 'imported-fp16')).toMatchObject({ kind: 'fp16' });
    expect(variantPrecision(get, 'ort-file')).toMatchObject({ kind: 'unknown' });
    expect(variantPrecision(get, 'missing')).toMatchObject({ kind: 'unknown' });
    expect(precisionFromGraph(inspect({}, {}, 'tflite')).kind).toBe('unknown');
  });
});
