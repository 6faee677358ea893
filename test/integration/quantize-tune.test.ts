// Mixed-precision tuning on the sample model with a budget full INT8 misses.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { runOptimize } from '../../electron/core/quantize/optimize-task.js';

const dir = path.join(import.meta.dirname, '../../resources/models/mobilenetv2-digits');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-tune-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('keeps sensitive layers float until the top-1 budget is met, then picks the smallest', async () => {
  // minmax INT8 of the sample scores 0.9198 against float 0.9176; a budget of -0.4 points (a gain
  // of at least 0.4) is not met by full INT8, so tuning has to keep layers in float.
  const maxDrop = -0.004;
  const recipe = {
    mode: 'tune' as const,
    method: 'minmax' as const,
    maxDrop,
    calibrationNpy: path.join(dir, 'calibration.npy'),
    evalInputsNpy: path.join(dir, 'eval_inputs.npy'),
    evalLabelsNpy: path.join(dir, 'eval_labels.npy'),
  };
  const r = await runOptimize({ parentPath: path.join(dir, 'model.onnx'), strict: false, recipe }, localContext(tmp, tmp));
  const steps = r.metrics.tuning!.steps;
  console.log('tune', JSON.stringify(steps), r.metrics.top1, r.parentMetrics!.top1);
  expect(steps.length).toBeGreaterThan(1);
  expect(steps[0].keptFloat).toEqual([]);
  const floatTop1 = r.parentMetrics!.top1!;
  expect(floatTop1 - steps[0].top1).toBeGreaterThan(maxDrop);
  const passing = steps.filter((s) => floatTop1 - s.top1 <= maxDrop + 1e-9);
  expect(passing.length).toBeGreaterThan(0);
  expect(floatTop1 - r.metrics.top1!).toBeLessThanOrEqual(maxDrop + 1e-9);
  expect(r.metrics.flags.map((f) => f.code)).not.toContain('ACCURACY_DROP');
  const smallest = Math.min(...passing.map((s) => s.sizeBytes));
  expect(r.metrics.sizeBytes).toBe(smallest);
  const kept = r.metrics.floatNodes!.filter((n) => n.reason?.includes('tuning')).map((n) => n.name).sort();
  expect(passing.some((s) => [...s.keptFloat].sort().join() === kept.join())).toBe(true);
  expect(r.metrics.integerCoverage).toBeLessThan(1);
});

it('returns full INT8 in one step when it already meets the budget', async () => {
  const recipe = {
    mode: 'tune' as const,
    maxDrop: 0.01,
    calibrationNpy: path.join(dir, 'calibration.npy'),
    evalInputsNpy: path.join(dir, 'eval_inputs.npy'),
    evalLabelsNpy: path.join(dir, 'eval_labels.npy'),
  };
  const r = await runOptimize({ parentPath: path.join(dir, 'model.onnx'), strict: false, recipe }, localContext(tmp, mkdtempSync(path.join(tmp, 'j-'))));
  expect(r.metrics.tuning!.steps).toHaveLength(1);
  expect(r.metrics.floatNodes).toEqual([]);
});
