// Real onnxruntime runs of the sample model.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/api/errors.js';
import type { JobProgress, ProfileResult } from '../../electron/core/api/types.js';
import type { TaskContext } from '../../electron/core/jobs/task-types.js';
import { decodeModel } from '../../electron/core/onnx/codec.js';
import { compareProfiles } from '../../electron/core/profiling/compare.js';
import { profileModel } from '../../electron/core/profiling/profiler.js';
import { quantizeModel } from '../../electron/core/quantize/quantize-model.js';
import { encodeNpy } from '../../electron/core/util/npy.js';

const modelPath = path.resolve('resources/models/mobilenetv2-digits/model.onnx');
const inputsNpy = path.resolve('resources/models/mobilenetv2-digits/eval_inputs.npy');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'profiler-test-'));

function context(progress: JobProgress[] = [], signal = new AbortController().signal): TaskContext {
  return { progress: (p) => progress.push(p), signal, home: tmp, tmpDir: mkdtempSync(path.join(tmp, 'job-')) };
}

let profile: ProfileResult;
const progress: JobProgress[] = [];

beforeAll(async () => {
  profile = await profileModel({ path: modelPath, runs: 40, warmup: 5, threads: 1 }, context(progress));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('profileModel on mobilenetv2-digits', () => {
  it('covers every original Conv node exactly once across the rows', () => {
    const graph = decodeModel(readFileSync(modelPath)).graph!;
    const convs = graph.node!.filter((n) => n.op_type === 'Conv').map((n) => n.name!);
    expect(convs.length).toBeGreaterThan(0);
    const counts = new Map<string, number>();
    for (const r of profile.rows) for (const n of r.nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
    for (const c of convs) expect(counts.get(c), c).toBe(1);
    // The residual Adds fused into nchwc Convs are covered too, each once.
    const adds = graph.node!.filter((n) => n.op_type === 'Add').map((n) => n.name!);
    for (const a of adds) expect(counts.get(a), a).toBe(1);
  });

  it('maps the integer kernels of a static INT8 (QDQ) variant back to the original Convs and compares row by row', async () => {
    const int8Path = path.join(tmp, 'int8.onnx');
    await quantizeModel(
      { model: modelPath, output: int8Path, mode: 'static', calibrationNpy: path.resolve('resources/models/mobilenetv2-digits/calibration.npy'), safetyNet: false },
      context(),
    );
    const int8 = await profileModel({ path: int8Path, runs: 20, warmup: 3, threads: 1 }, context());
    const graph = decodeModel(readFileSync(modelPath)).graph!;
    const convs = graph.node!.filter((n) => n.op_type === 'Conv').map((n) => n.name!);
    const integerRows = int8.rows.filter((r) => r.opType === 'QLinearConv');
    expect(integerRows.length).toBe(convs.length);
    const covered = new Set(integerRows.flatMap((r) => r.nodes));
    for (const c of convs) expect(covered.has(c), c).toBe(true);
    const cmp = compareProfiles(profile, int8);
    const matched = cmp.rows.filter((r) => r.aUs !== null && r.bUs !== null && r.opType === 'Conv');
    // Each Conv is covered once on either side, so every float Conv row finds its integer kernel.
    const floatConvRows = cmp.rows.filter((r) => r.aUs !== null && r.opType === 'Conv');
    expect(floatConvRows.length).toBeGreaterThan(0);
    expect(matched.length).toBe(floatConvRows.length);
  });

  it('marks fused, renamed and inserted nodes', () => {
    const nchwc = profile.rows.filter((r) => r.name.endsWith('_nchwc'));
    expect(nchwc.length).toBeGreaterThan(0);
    for (const r of nchwc) expect(r.fused).toBe(true);
    const reorders = profile.rows.filter((r) => r.opType.startsWith('Reorder'));
    for (const r of reorders) expect(r).toMatchObject({ fused: true, nodes: [] });
    const fusedClip = profile.rows.find((r) => r.nodes.includes('/features/features.0/features.0.0/Conv'))!;
    expect(fusedClip.nodes).toEqual(['/features/features.0/features.0.0/Conv', '/features/features.0/features.0.2/Clip']);
    expect(fusedClip.outputShape).toBe('1x16x16x16');
    const gemm = profile.rows.find((r) => r.opType === 'Gemm')!;
    expect(gemm).toMatchObject({ name: '/classifier/classifier.1/Gemm', nodes: ['/classifier/classifier.1/Gemm'], fused: false, calls: 1, outputShape: '1x10' });
    for (const r of profile.rows) expect(r.provider).toBe('CPUExecutionProvider');
  });

  it('reports shares that add up, and node times that fit in the run time', () => {
    const shares = profile.rows.reduce((s, r) => s + r.share, 0);
    expect(Math.abs(shares - 1)).toBeLessThan(0.01);
    expect(Math.abs(profile.opBreakdown.reduce((s, o) => s + o.share, 0) - 1)).toBeLessThan(0.01);
    expect(profile.opBreakdown[0].opType).toBe('Conv');
    const summed = profile.rows.reduce((s, r) => s + r.meanUs, 0);
    expect(profile.nodeTimeUs).toBeCloseTo(summed, 6);
    // What the profiler guarantees, whatever the load: one thread runs the kernels one after another
    // inside each traced run, so every time is non-negative and node time fits in the run time. How
    // much of the run the kernels take depends on the machine, so no ratio is asserted.
    for (const r of profile.rows) {
      expect(r.meanUs, r.name).toBeGreaterThanOrEqual(0);
      expect(r.p50Us, r.name).toBeGreaterThanOrEqual(0);
      expect(r.calls, r.name).toBeGreaterThanOrEqual(1);
      expect(r.share, r.name).toBeGreaterThanOrEqual(0);
    }
    expect(profile.nodeTimeUs).toBeGreaterThan(0);
    expect(profile.nodeTimeUs).toBeLessThanOrEqual(profile.runTimeUs);
  });

  it('measures ordered latency stats, memory and metadata', () => {
    const l = profile.latencyMs;
    expect(l.min).toBeGreaterThan(0);
    expect(l.min).toBeLessThanOrEqual(l.p50);
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    expect(profile.peakMemoryBytes).toBeGreaterThan(10 << 20);
    expect(profile.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(profile).toMatchObject({
      modelId: null,
      modelName: 'model.onnx',
      runtime: { name: 'onnxruntime-node', version: '1.30.0' },
      options: { runs: 40, warmup: 5, threads: 1, input: 'random' },
      device: { id: 'workstation', arch: process.arch, platform: process.platform },
    });
  });

  it('reports warm-up, profiling and trace parsing progress', () => {
    const phases = new Set(progress.map((p) => p.phase));
    expect([...phases]).toEqual(['warmup', 'profiling', 'parsing-trace']);
    const fractions = progress.map((p) => p.fraction).filter((f): f is number => typeof f === 'number');
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.at(-1)).toBe(1);
  });

  it('compares with itself at speedup 1', () => {
    const c = compareProfiles(profile, profile);
    expect(c.speedup).toBe(1);
    expect(c.rows.length).toBe(profile.rows.length);
    for (const r of c.rows) expect(r.speedup).toBe(1);
  });
});

describe('profileModel inputs and cancellation', () => {
  it('feeds the first sample of an .npy batch', async () => {
    const p = await profileModel({ path: modelPath, runs: 3, warmup: 1, threads: 1, inputNpy: inputsNpy }, context());
    expect(p.options.input).toBe('eval_inputs.npy');
    expect(p.rows.length).toBeGreaterThan(50);
  });

  it('rejects an .npy of the wrong shape, naming both shapes', async () => {
    const bad = path.join(tmp, 'bad.npy');
    writeFileSync(bad, encodeNpy({ dtype: 'float32', shape: [2, 3, 16, 16], data: new Float32Array(2 * 3 * 16 * 16) }));
    const err = await profileModel({ path: modelPath, runs: 1, warmup: 0, threads: 1, inputNpy: bad }, context()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).detail).toContain('[2, 3, 16, 16]');
    expect((err as AppError).detail).toContain('[batch, 3, 32, 32]');
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(profileModel({ path: modelPath, runs: 5, warmup: 0, threads: 1 }, context([], ac.signal))).rejects.toMatchObject({ name: 'CancelledError' });
  });
});
