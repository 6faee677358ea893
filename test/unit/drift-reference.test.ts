// The real fixture (mobilenetv2-digits, the same files as /work/shared/fixtures/mobilenetv2-digits): its
// reference profile from the evaluation split, then a device's collector fed through onnxruntime with the
// evaluation inputs as they are and shifted three ways.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReferenceProfile } from '../../electron/core/drift/reference-profile.js';
import { readNpy } from '../../electron/core/util/npy.js';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { DriftWindow } from '../../resources/agent/src/drift-window.js';
import { judgeDrift, type DriftJudgement } from '../../resources/device-protocol/drift/judge.js';
import { readReferenceProfile, referenceEdges, type ReferenceProfile } from '../../resources/device-protocol/drift/reference-data.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';

const fixture = path.resolve('resources/models/mobilenetv2-digits');
const modelPath = path.join(fixture, 'model.onnx');
const rowSize = 3 * 32 * 32;

let profile: ReferenceProfile;
let session: ort.InferenceSession;
let inputs: Float32Array;
let labels: number[];
let lastClassCounts: number[] | null = null;

beforeAll(async () => {
  const data = await buildReferenceProfile({ model: modelPath, data: path.join(fixture, 'eval_inputs.npy'), split: 'evaluation' });
  // Stored and read back as the console would.
  profile = readReferenceProfile(JSON.parse(JSON.stringify(data)));
  session = await ort.InferenceSession.create(modelPath);
  inputs = (await readNpy(path.join(fixture, 'eval_inputs.npy'))).data as Float32Array;
  labels = Array.from((await readNpy(path.join(fixture, 'eval_labels.npy'))).data as BigInt64Array, Number);
});
afterAll(async () => {
  await session?.release();
});

/** A device serving one request per sample for 10 minutes (two 5-minute windows), judged on its merged windows. */
async function onDevice(rows: Float32Array[]): Promise<DriftJudgement> {
  let now = Date.UTC(2026, 11, 4, 12, 0, 0);
  const win = new DriftWindow({ now: () => now, edges: referenceEdges(profile) });
  for (const [i, row] of rows.entries()) {
    now += Math.floor((10 * 60_000) / rows.length);
    const feeds = { input: new ort.Tensor('float32', row, [1, 3, 32, 32]) };
    const outputs = await session.run(feeds);
    win.record(feeds, outputs, profile.sketches.model);
    if (i === 0) expect(win.windows()).toEqual([]);
  }
  // What travels: JSON, read back by the console's validating reader, then merged.
  const sent = JSON.parse(JSON.stringify(win.flush())) as unknown[];
  expect(sent.length).toBe(2);
  const merged = SketchSet.fromJSON(sent[0], 'device');
  merged.merge(SketchSet.fromJSON(sent[1], 'device'));
  lastClassCounts = merged.classCounts('logits.class');
  return judgeDrift(profile, merged);
}

const evalRows = () => Array.from({ length: labels.length }, (_, i) => inputs.slice(i * rowSize, (i + 1) * rowSize));
const psiOf = (j: DriftJudgement, key: string) => j.features.find((f) => f.key === key)!.psi;

describe('drift against the fixture reference profile', () => {
  it('profile: every numeric statistic cut at its deciles, one bin a tenth of the reference each', () => {
    expect(profile.sketches.samples).toBe(449);
    expect(profile.data.source).toEqual({ file: 'eval_inputs.npy', split: 'evaluation', rows: 449 });
    expect(profile.sketches.entries().map((e) => e.key).sort()).toEqual(['input.mean', 'input.std', 'logits.class', 'logits.top1']);
    for (const key of ['input.mean', 'input.std', 'logits.top1']) {
      const h = profile.sketches.histogram(key)!;
      expect(h.edges.length).toBe(9);
      expect(h.total).toBe(449);
      // A tenth each, give or take ties: the digits' pixel values are quantized, so means repeat.
      for (const c of h.counts) expect(Math.abs(c - 44.9)).toBeLessThanOrEqual(10);
    }
    // The predicted classes of a 92 %-accurate model: every digit present.
    expect(profile.sketches.classCounts('logits.class')!.every((c) => c > 20)).toBe(true);
  });

  it('the evaluation inputs served on a device show no drift (PSI < 0.1 on every statistic)', async () => {
    const j = await onDevice(evalRows());
    expect(j.enough).toBe(true);
    expect(j.missing).toEqual([]);
    expect(j.features.length).toBe(4);
    for (const f of j.features) expect(f.psi).toBeLessThan(0.1);
    expect(j.worst.overall!.level).toBe('ok');
  });

  it('brighter images (+0.2 of full scale, clipped) cross 0.25 on the input mean', async () => {
    const rows = evalRows().map((r) => r.map((x) => Math.min(2, x + 0.8)));
    const j = await onDevice(rows);
    expect(psiOf(j, 'input.mean')).toBeGreaterThan(0.25);
    expect(j.worst.input!.level).toBe('act');
  });

  // The digits are light strokes on a black background at the bottom of the range, so clipped noise mostly
  // lifts the background: it moves the per-image mean (and the model's confidence) before the std.
  it('gaussian noise (σ = 0.1 of full scale, clipped) crosses 0.25 on the input mean and on the top-1 confidence', async () => {
    const rnd = seededRandom(5);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const rows = evalRows().map((r) => r.map((x) => Math.max(-2, Math.min(2, x + 0.4 * gauss()))));
    const j = await onDevice(rows);
    expect(psiOf(j, 'input.mean')).toBeGreaterThan(0.25);
    expect(psiOf(j, 'logits.top1')).toBeGreaterThan(0.25);
    expect(j.worst.input!.level).toBe('act');
    expect(j.worst.output!.level).toBe('act');
  });

  // A 92 %-accurate model keeps predicting a removed class for some other digits, so how far the predicted
  // classes move depends on the class: every removal reaches "watch", and "act" where the model then
  // (nearly) stops predicting it.
  it('one class missing from what the device sees shifts the predicted classes, not the inputs', async () => {
    let clean = 0;
    for (let c = 0; c < 10; c++) {
      const j = await onDevice(evalRows().filter((_, i) => labels[i] !== c));
      expect(j.enough).toBe(true);
      const p = psiOf(j, 'logits.class');
      expect(p).toBeGreaterThan(0.1);
      expect(j.worst.output!.key).toBe('logits.class');
      expect(psiOf(j, 'input.mean')).toBeLessThan(0.1);
      expect(psiOf(j, 'input.std')).toBeLessThan(0.1);
      if (lastClassCounts![c] <= 2) {
        clean++;
        expect(p).toBeGreaterThan(0.25);
        expect(j.worst.output!.level).toBe('act');
      }
    }
    expect(clean).toBeGreaterThan(0);
  });

  it('refuses a reference from too few samples', async () => {
    await expect(buildReferenceProfile({ model: modelPath, data: path.join(fixture, 'calibration.npy'), split: 'calibration', maxSamples: 50 })).rejects.toMatchObject({ code: 'DRIFT_REFERENCE_SMALL' });
  });
});
