// Quantizes the sample MobileNetV2 three ways and checks accuracy, size and that onnxruntime really
// runs integer kernels. Figures are printed for the report.
import { mkdtempSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { encodeModel } from '../../electron/core/onnx/codec.js';
import { evaluateModel, type EvaluateResult } from '../../electron/core/quantize/evaluate.js';
import { makeNode } from '../../electron/core/quantize/graph/nodes.js';
import { measureKernelCoverage } from '../../electron/core/quantize/kernel-coverage.js';
import { quantizeModel } from '../../electron/core/quantize/quantize-model.js';
import { encodeNpy } from '../../electron/core/util/npy.js';
import { countOps } from '../helpers/model-ops.js';

const dir = path.join(import.meta.dirname, '../../resources/models/mobilenetv2-digits');
const model = path.join(dir, 'model.onnx');
const calibration = path.join(dir, 'calibration.npy');
const evalInputs = path.join(dir, 'eval_inputs.npy');
const evalLabels = path.join(dir, 'eval_labels.npy');
const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { fp32_top1_torch: number; n_eval: number };

let tmp: string;
let float: EvaluateResult;
const ctx = () => localContext(tmp, tmp);
const evaluate = (file: string) => evaluateModel({ model: file, inputsNpy: evalInputs, labelsNpy: evalLabels, reference: model, latencySamples: 30 });
const feeds = () => ({ input: new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.25), [1, 3, 32, 32]) });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-quant-'));
  float = await evaluateModel({ model, inputsNpy: evalInputs, labelsNpy: evalLabels, latencySamples: 30 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('quantize the sample model', () => {
  it('float baseline matches the fixture', () => {
    expect(float.samples).toBe(meta.n_eval);
    // PyTorch's figure from the fixture; ORT may differ by a sample through float rounding.
    expect(Math.abs(float.top1! - meta.fp32_top1_torch)).toBeLessThanOrEqual(1 / meta.n_eval);
  });

  it('static INT8 QDQ, per channel, percentile: within 0.5 points, ≤ 0.30× size, all integer kernels', async () => {
    const output = path.join(tmp, 'static.onnx');
    const report = await quantizeModel({ model, output, mode: 'static', method: 'percentile', perChannel: true, calibrationNpy: calibration }, ctx());
    const r = await evaluate(output);
    const cov = await measureKernelCoverage(output, feeds(), tmp);
    console.log('static', { top1: r.top1, float: float.top1, agreement: r.agreement, sqnrDb: r.sqnrDb, sizeRatio: report.sizeRatio, latencyRatio: r.latencyMs.p50 / r.referenceLatencyMs!.p50, safetyNet: report.safetyNet, coverage: cov });
    expect(report.nodesQuantized).toBe(countOps(model, 'Conv', 'Add', 'GlobalAveragePool', 'Flatten', 'Gemm'));
    expect(report.nodesFolded).toBe(countOps(model, 'Clip')); // every Clip (ReLU6) folded into its Conv
    expect(float.top1! - r.top1!).toBeLessThanOrEqual(0.005);
    expect(report.sizeRatio).toBeLessThanOrEqual(0.3);
    expect(cov.coverage).toBe(1);
    expect(cov.kernels.QLinearConv).toBe(countOps(model, 'Conv'));
    expect(report.safetyNet!.agreement).toBeGreaterThan(0.9);
  });

  it('dynamic INT8: Gemm through integer kernels, Conv left float', async () => {
    const output = path.join(tmp, 'dynamic.onnx');
    const report = await quantizeModel({ model, output, mode: 'dynamic', perChannel: true, calibrationNpy: calibration }, ctx());
    const r = await evaluate(output);
    const cov = await measureKernelCoverage(output, feeds(), tmp);
    console.log('dynamic', { top1: r.top1, agreement: r.agreement, sqnrDb: r.sqnrDb, sizeRatio: report.sizeRatio, latencyRatio: r.latencyMs.p50 / r.referenceLatencyMs!.p50, coverage: cov, notes: report.notes });
    expect(report.nodesQuantized).toBe(1);
    expect(report.nodes.find((n) => n.opType === 'Conv')!.status).toBe('float');
    expect(cov.integerKernels).toBe(1);
    expect(r.agreement).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(float.top1! - r.top1!)).toBeLessThanOrEqual(0.005);
  });

  it('float16: ≤ 0.52× size and ≥ 99.5 % agreement', async () => {
    const output = path.join(tmp, 'fp16.onnx');
    const report = await quantizeModel({ model, output, mode: 'fp16', calibrationNpy: calibration }, ctx());
    const r = await evaluate(output);
    console.log('fp16', { top1: r.top1, agreement: r.agreement, sqnrDb: r.sqnrDb, sizeRatio: report.sizeRatio, latencyRatio: r.latencyMs.p50 / r.referenceLatencyMs!.p50 });
    expect(report.sizeRatio).toBeLessThanOrEqual(0.52);
    expect(r.agreement).toBeGreaterThanOrEqual(0.995);
    expect(r.sqnrDb).toBeGreaterThan(40);
  });
});

describe('quantize refuses bad input and leaves no file', () => {
  async function expectAppError(p: Promise<unknown>, code: string, ...words: string[]): Promise<void> {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    for (const w of words) expect((err as AppError).detail).toContain(w);
  }
  const leftovers = async (name: string) => (await fsp.readdir(tmp)).filter((f) => f.includes(name));

  it('a model with nothing to quantize', async () => {
    const relu = path.join(tmp, 'relu.onnx');
    await fsp.writeFile(relu, encodeModel({
      ir_version: 8,
      opset_import: [{ version: 13 }],
      graph: {
        name: 'relu',
        node: [makeNode('Relu', ['x'], ['y'], 'relu')],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N' }, { dim_value: 4 }] } } } }],
        output: [{ name: 'y', type: { tensor_type: { elem_type: 1 } } }],
      },
    }));
    await expectAppError(quantizeModel({ model: relu, output: path.join(tmp, 'relu-q.onnx'), mode: 'dynamic' }, ctx()), 'QUANT_NOTHING_TO_DO', 'Relu');
    expect(await leftovers('relu-q')).toEqual([]);
  });

  it('calibration data of the wrong shape names both shapes', async () => {
    const bad = path.join(tmp, 'bad-shape.npy');
    await fsp.writeFile(bad, encodeNpy({ dtype: 'float32', shape: [2, 1, 32, 32], data: new Float32Array(2 * 32 * 32) }));
    await expectAppError(
      quantizeModel({ model, output: path.join(tmp, 'shape-q.onnx'), mode: 'static', calibrationNpy: bad }, ctx()),
      'QUANT_DATA_SHAPE', '[2, 1, 32, 32]', '3, 32, 32]',
    );
    expect(await leftovers('shape-q')).toEqual([]);
  });

  it('NaN in calibration data names the file and the sample', async () => {
    const bad = path.join(tmp, 'nan.npy');
    const data = new Float32Array(3 * 3 * 32 * 32);
    data[2 * 3072 + 5] = NaN;
    await fsp.writeFile(bad, encodeNpy({ dtype: 'float32', shape: [3, 3, 32, 32], data }));
    await expectAppError(quantizeModel({ model, output: path.join(tmp, 'nan-q.onnx'), mode: 'static', calibrationNpy: bad }, ctx()), 'QUANT_DATA_NOT_FINITE', 'nan.npy', 'sample 2');
  });

  it('cancelling during calibration leaves no output', async () => {
    const ac = new AbortController();
    const c = { ...ctx(), signal: ac.signal, progress: () => ac.abort() };
    const err = await quantizeModel({ model, output: path.join(tmp, 'cancel-q.onnx'), mode: 'static', calibrationNpy: calibration }, c).catch((e: Error) => e);
    expect((err as Error).name).toBe('CancelledError');
    expect(await leftovers('cancel-q')).toEqual([]);
  });
});
