// Mixed-precision tuning on the sample model with a budget full INT8 misses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localContext } from '../../electron/core/jobs/task-types.js';
import { runOptimize } from '../../electron/core/quantize/optimize-task.js';

const dir = path.join(import.meta.dirname, '../../resources/models/mobilenetv2-digits');
const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { n_eval: number };
// Half an eval sample: a budget this far either side of full INT8's own drop is met or missed by it for certain.
const halfSample = 0.5 / meta.n_eval;
const data = {
  method: 'minmax' as const,
  calibrationNpy: path.join(dir, 'calibration.npy'),
  evalInputsNpy: path.join(dir, 'eval_inputs.npy'),
  evalLabelsNpy: path.join(dir, 'eval_labels.npy'),
};
let tmp: string;
/** float top-1 minus full INT8 top-1, measured here rather than taken from an earlier run. */
let int8Drop: number;

function tune(maxDrop: number) {
  return runOptimize({ parentPath: path.join(dir, 'model.onnx'), strict: false, recipe: { mode: 'tune', maxDrop, ...data } }, localContext(tmp, mkdtempSync(path.join(tmp, 'j-'))));
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'edgefleet-tune-'));
  // Any model meets a budget of a full 100 points: one step, full INT8, and both accuracies measured.
  const probe = await tune(1);
  expect(probe.metrics.tuning!.steps).toHaveLength(1);
  expect(probe.metrics.tuning!.steps[0].keptFloat).toEqual([]);
  int8Drop = probe.parentMetrics!.top1! - probe.metrics.tuning!.steps[0].top1;
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('keeps sensitive layers float until the top-1 budget is met, then picks the smallest', async () => {
  // Half a sample tighter than full INT8's measured drop: full INT8 misses it, so tuning must keep layers float.
  const maxDrop = int8Drop - halfSample;
  const r = await tune(maxDrop);
  const steps = r.metrics.tuning!.steps;
  expect(steps.length).toBeGreaterThan(1);
  expect(steps[0].keptFloat).toEqual([]);
  const floatTop1 = r.parentMetrics!.top1!;
  expect(floatTop1 - steps[0].top1).toBeCloseTo(int8Drop, 9);
  expect(floatTop1 - steps[0].top1).toBeGreaterThan(maxDrop);
  const passing = steps.filter((s) => floatTop1 - s.top1 <= maxDrop + 1e-9);
  expect(passing.length, `no mix met a drop of ${maxDrop}: ${JSON.stringify(steps)}`).toBeGreaterThan(0);
  expect(floatTop1 - r.metrics.top1!).toBeLessThanOrEqual(maxDrop + 1e-9);
  expect(r.metrics.flags.map((f) => f.code)).not.toContain('ACCURACY_DROP');
  const smallest = Math.min(...passing.map((s) => s.sizeBytes));
  expect(r.metrics.sizeBytes).toBe(smallest);
  const kept = r.metrics.floatNodes!.filter((n) => n.reason?.includes('tuning')).map((n) => n.name).sort();
  expect(passing.some((s) => [...s.keptFloat].sort().join() === kept.join())).toBe(true);
  expect(r.metrics.integerCoverage).toBeLessThan(1);
}, 300_000);

it('returns full INT8 in one step when it already meets the budget', async () => {
  const r = await tune(int8Drop + halfSample);
  expect(r.metrics.tuning!.steps).toHaveLength(1);
  expect(r.metrics.floatNodes).toEqual([]);
}, 300_000);
