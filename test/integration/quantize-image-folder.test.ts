// Image folders as data end to end: static INT8 calibrated on the sample's PNGs (runOptimize), and
// the built CLI's evaluate on the labelled folder against the same split as .npy.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { runOptimize } from '../../electron/core/quantize/optimize-task.js';

const root = path.join(import.meta.dirname, '../..');
const dir = path.join(root, 'resources/models/mobilenetv2-digits');
const model = path.join(dir, 'model.onnx');
const images = path.join(dir, 'eval_images');
const bin = path.join(root, 'scripts', 'edgefleet.js');
const preprocess = { size: [32, 32] as [number, number], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], layout: 'NCHW' as const };
const flags = ['--size', '32,32', '--mean', '0.5,0.5,0.5', '--std', '0.25,0.25,0.25', '--layout', 'NCHW'];
// The fixture's own record: the float model's top-1 in PyTorch on the eval split, and the split's size.
const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { fp32_top1_torch: number; n_eval: number };
// The PNGs hold eval_inputs.npy rounded to 8 bits (half a step at most): that may flip a near tie or
// two, never more than 1 % of the split, so folder and .npy agree on top-1 to within that.
const ROUNDING = 0.01;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function edgefleet(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('image folders as data', () => {
  it('static INT8 calibrated and evaluated on the labelled image folder', async () => {
    const tmpDir = mkdtempSync(path.join(tmp, 'job-'));
    const recipe = { mode: 'static' as const, calibrationNpy: images, evalInputsNpy: images, preprocess };
    const r = await runOptimize({ parentPath: model, strict: true, recipe }, localContext(tmp, tmpDir));
    console.log('static on images', { top1: r.metrics.top1, parent: r.parentMetrics?.top1, agreement: r.metrics.agreement, evaluatedOn: r.metrics.evaluatedOn });
    expect(Math.abs(r.parentMetrics!.top1! - meta.fp32_top1_torch)).toBeLessThanOrEqual(ROUNDING);
    expect(r.parentMetrics!.top1! - r.metrics.top1!).toBeLessThanOrEqual(0.01);
    expect(r.metrics.evaluatedOn).toBe(`eval_images (${meta.n_eval} samples)`);
  });

  it('edgefleet evaluate: the folder gives the top-1 of eval_inputs.npy, to within 8-bit rounding', () => {
    const npy = edgefleet('evaluate', model, '--inputs', path.join(dir, 'eval_inputs.npy'), '--labels', path.join(dir, 'eval_labels.npy'), '--json');
    const folder = edgefleet('evaluate', model, '--inputs', images, ...flags, '--json');
    expect(npy.code, npy.stderr).toBe(0);
    expect(folder.code, folder.stderr).toBe(0);
    const [a, b] = [JSON.parse(npy.stdout), JSON.parse(folder.stdout)];
    // ORT on the .npy agrees with PyTorch's figure to within one sample (float rounding between runtimes).
    expect(Math.abs(a.top1 - meta.fp32_top1_torch)).toBeLessThanOrEqual(1 / meta.n_eval);
    expect(a.samples).toBe(meta.n_eval);
    expect(b.samples).toBe(meta.n_eval);
    expect(Math.abs(b.top1 - a.top1)).toBeLessThanOrEqual(ROUNDING);
  });

  it('edgefleet quantize calibrates on an image folder and records the folder hash in the lineage', () => {
    const home = mkdtempSync(path.join(tmp, 'home-'));
    const out = path.join(tmp, 'static-from-images.onnx');
    const r = edgefleet('quantize', model, '-o', out, '--mode', 'static', '--calibration', images, ...flags, '--json', '--home', home);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { output: string; variant: { id: string } };
    expect(existsSync(result.output)).toBe(true);
    const list = JSON.parse(edgefleet('models', 'list', '--json', '--home', home).stdout) as { id: string; parentId: string | null; recipe: { calibrationNpy?: string } | null }[];
    const variant = list.find((m) => m.id === result.variant.id)!;
    expect(variant.parentId).not.toBeNull();
    expect(variant.recipe?.calibrationNpy).toBe(images);
  });

  it('bad preprocessing options are usage errors (exit 2)', () => {
    for (const bad of [['--size', '32'], ['--mean', '0.5,0.5'], ['--layout', 'CHW'], ['--std', '0']]) {
      const r = edgefleet('evaluate', model, '--inputs', images, ...bad);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toContain(bad[0]);
    }
  });
});
