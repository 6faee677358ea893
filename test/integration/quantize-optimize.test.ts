// runOptimize end to end on the sample model and the tiny transformer: variants are made in the
// job's tmp dir, checked against the parent, and refused in strict mode with nothing left behind.
import { existsSync, mkdtempSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../electron/core/api/types.js';
import { AppError } from '../../electron/core/api/errors.js';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { runOptimize, runSensitivity } from '../../electron/core/quantize/optimize-task.js';
import { countOps } from '../helpers/model-ops.js';

const dir = path.join(import.meta.dirname, '../../resources/models/mobilenetv2-digits');
const parentPath = path.join(dir, 'model.onnx');
const calibrationNpy = path.join(dir, 'calibration.npy');
const evalInputsNpy = path.join(dir, 'eval_inputs.npy');
const evalLabelsNpy = path.join(dir, 'eval_labels.npy');
const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { fp32_top1_torch: number; n_eval: number };
const tt = path.join(import.meta.dirname, '../../resources/models/tiny-transformer');

let root: string;
const job = () => {
  const tmpDir = mkdtempSync(path.join(root, 'job-'));
  const phases: JobProgress['phase'][] = [];
  return { ctx: localContext(root, tmpDir, (p) => phases.push(p.phase)), tmpDir, phases };
};

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-optimize-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runsOnce(file: string, shape: number[]): Promise<void> {
  const s = await ort.InferenceSession.create(file);
  const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape) });
  expect(Object.values(out)[0].data.length).toBeGreaterThan(0);
  await s.release();
}

describe('runOptimize', () => {
  it('static INT8 with eval data: metrics, parent metrics, flags, float nodes', async () => {
    const { ctx, tmpDir, phases } = job();
    const r = await runOptimize({ parentPath, strict: false, recipe: { mode: 'static', calibrationNpy, evalInputsNpy, evalLabelsNpy } }, ctx);
    const m = r.metrics;
    console.log('static', { ...m, floatNodes: m.floatNodes?.length });
    expect(path.dirname(r.outputPath)).toBe(tmpDir);
    expect(r.format).toBe('onnx');
    expect(m.sizeBytes / r.parentMetrics!.sizeBytes).toBeLessThan(0.3);
    expect(Math.abs(r.parentMetrics!.top1! - meta.fp32_top1_torch)).toBeLessThanOrEqual(1 / meta.n_eval);
    expect(r.parentMetrics!.top1! - m.top1!).toBeLessThanOrEqual(0.01);
    expect(m.agreement).toBeGreaterThan(0.95);
    expect(m.sqnrDb).toBeGreaterThan(20);
    expect(m.integerCoverage).toBe(1);
    expect(m.latencyRatio).toBeGreaterThan(0);
    expect(m.latencyRatio).toBeCloseTo(m.latencyP50Ms! / r.parentMetrics!.latencyP50Ms!, 6);
    expect(m.evaluatedOn).toBe(`eval_inputs.npy (${meta.n_eval} samples)`);
    expect(m.floatNodes).toEqual([]);
    expect(r.report!.nodesQuantized).toBe(countOps(parentPath, 'Conv', 'Add', 'GlobalAveragePool', 'Flatten', 'Gemm'));
    for (const f of m.flags) expect(['SLOWER_THAN_PARENT', 'LOW_AGREEMENT']).toContain(f.code);
    expect(phases).toEqual(expect.arrayContaining(['calibrating', 'quantizing', 'evaluating', 'profiling', 'done']));
    expect(phases.filter((p) => p === 'done')).toHaveLength(1);
    expect((await fsp.readdir(tmpDir)).sort()).toEqual(['model.onnx']);
  });

  it('strict mode refuses a variant that fails a check and leaves nothing', async () => {
    const { ctx, tmpDir } = job();
    const err = await runOptimize({ parentPath, strict: true, recipe: { mode: 'static', calibrationNpy, minSqnrDb: 200 } }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SAFETY_NET');
    expect((err as AppError).detail).toMatch(/LOW_SQNR: .* dB, below the required 200 dB/);
    expect((err as AppError).detail).toContain('To fix');
    expect(await fsp.readdir(tmpDir)).toEqual([]);
  });

  it('without strict the same recipe succeeds with an error flag', async () => {
    const { ctx } = job();
    const r = await runOptimize({ parentPath, strict: false, recipe: { mode: 'static', calibrationNpy, minSqnrDb: 200 } }, ctx);
    expect(r.metrics.flags.find((f) => f.code === 'LOW_SQNR')?.level).toBe('error');
    expect(r.metrics.flags.map((f) => f.code)).toContain('NOT_EVALUATED');
    expect(r.metrics.evaluatedOn).toBe('calibration.npy (128 samples)');
    expect(r.parentMetrics!.top1).toBeNull();
  });

  it('ORT format: loads, runs, lists required operators', async () => {
    const { ctx } = job();
    const r = await runOptimize({ parentPath, strict: true, recipe: { mode: 'ort', evalInputsNpy, evalLabelsNpy } }, ctx);
    console.log('ort', r.metrics);
    expect(r.format).toBe('ort');
    expect(r.outputPath.endsWith('.ort')).toBe(true);
    await runsOnce(r.outputPath, [1, 3, 32, 32]);
    expect(r.metrics.requiredOperators).toEqual(expect.arrayContaining(['ai.onnx;13;Gemm']));
    for (const op of r.metrics.requiredOperators!) expect(op).toMatch(/^[a-z.]+;\d+;[A-Za-z]+$/);
    expect(r.metrics.agreement).toBe(1);
    expect(r.metrics.top1).toBeCloseTo(r.parentMetrics!.top1!, 6);
    expect(r.report).toBeNull();
  });

  it('optimized ONNX: loads, runs, matches the parent', async () => {
    const { ctx } = job();
    const r = await runOptimize({ parentPath, strict: true, recipe: { mode: 'optimized', calibrationNpy } }, ctx);
    expect(r.format).toBe('onnx');
    await runsOnce(r.outputPath, [1, 3, 32, 32]);
    expect(r.metrics.agreement).toBe(1);
    expect(r.metrics.sqnrDb).toBeGreaterThan(60);
    expect(r.metrics.integerCoverage).toBeNull();
  });

  it('float16 without any data compares on random inputs', async () => {
    const { ctx } = job();
    const r = await runOptimize({ parentPath, strict: false, recipe: { mode: 'fp16' } }, ctx);
    expect(r.metrics.evaluatedOn).toMatch(/^random inputs \(16 of \[3, 32, 32\]\) \(16 samples\)$/);
    expect(r.metrics.sqnrDb).toBeGreaterThan(30);
    expect(r.metrics.sizeBytes / r.parentMetrics!.sizeBytes).toBeLessThan(0.52);
  });

  it('dynamic INT8 on the tiny transformer: agreement ≥ 0.99, size ≤ 0.3×', async () => {
    const { ctx } = job();
    const r = await runOptimize({ parentPath: path.join(tt, 'model.onnx'), strict: true, recipe: { mode: 'dynamic', evalInputsNpy: path.join(tt, 'samples.npy'), evalLabelsNpy: path.join(tt, 'labels.npy') } }, ctx);
    console.log('dynamic transformer', r.metrics);
    expect(r.metrics.agreement).toBeGreaterThanOrEqual(0.99);
    expect(r.metrics.sizeBytes / r.parentMetrics!.sizeBytes).toBeLessThanOrEqual(0.3);
    expect(r.metrics.integerCoverage).toBeGreaterThan(0.5);
  });
});

describe('runSensitivity', () => {
  it('one row per quantizable layer, worst first', async () => {
    const { ctx } = job();
    const t0 = Date.now();
    const r = await runSensitivity({ parentPath, calibrationNpy }, ctx);
    console.log('sensitivity', Date.now() - t0, 'ms', r.fullInt8OutputSqnrDb, r.rows.slice(0, 3));
    expect(r.modelName).toBe('model');
    // The layers with weights: every Conv and the classifier's Gemm.
    expect(r.rows).toHaveLength(countOps(parentPath, 'Conv', 'Gemm'));
    expect(r.rows.filter((x) => x.opType === 'Conv')).toHaveLength(countOps(parentPath, 'Conv'));
    expect(new Set(r.rows.map((x) => x.node)).size).toBe(r.rows.length);
    for (let i = 1; i < r.rows.length; i++) expect(r.rows[i].outputSqnrDb).toBeGreaterThanOrEqual(r.rows[i - 1].outputSqnrDb);
    for (const row of r.rows) {
      expect(row.tensorSqnrDb).toBeGreaterThan(10);
      // One quantized layer loses less than all of them.
      expect(row.outputSqnrDb).toBeGreaterThan(r.fullInt8OutputSqnrDb);
    }
    expect(existsSync(ctx.tmpDir)).toBe(true);
  });
});
