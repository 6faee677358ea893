// The dependency-free trainer: exact gradients (checked against finite differences), Adam that learns
// the NAB machine-temperature windows, FedProx pulling towards the global model, the time budget,
// gradient clipping, and an event loop that keeps turning while it trains.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { AdamOptimizer, clipGradientNorm, DenseAutoencoder, type ProxTerm } from '../../resources/agent/src/federated/dense-autoencoder.js';
import { parseNabCsv, parseNabLabels, slidingWindows, splitForDevices, windowLabels, zNormalize } from '../../resources/agent/src/federated/sensor-windows.js';
import { trainLocal } from '../../resources/agent/src/federated/train-local.js';

const nabDir = path.join(import.meta.dirname, '../../resources/datasets/nab-machine-temperature');
const rows = parseNabCsv(readFileSync(path.join(nabDir, 'machine_temperature_system_failure.csv'), 'utf8'));
const anomalies = parseNabLabels(readFileSync(path.join(nabDir, 'combined_windows.json'), 'utf8'), 'machine_temperature_system_failure.csv');
const { values, stats } = zNormalize(rows);
const windows = slidingWindows(values, 32, 8);
const sizes = [32, 16, 4, 16, 32];

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] ** 2;
  return Math.sqrt(sum);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dense autoencoder', () => {
  it('computes exact gradients, FedProx term included (finite differences)', () => {
    const model = DenseAutoencoder.create([5, 4, 3, 4, 5], 3);
    const random = seededRandom(11);
    for (let k = 0; k < model.layers.length; k++) model.layers[k].bias.forEach((_, j, b) => (b[j] = random() * 0.2 - 0.1));
    const rows = 6;
    const batch = Float32Array.from({ length: rows * 5 }, () => random() * 2 - 1);
    const global = Float32Array.from(model.parameters, (w) => w + (random() - 0.5) * 0.2);
    for (const prox of [undefined, { mu: 0.7, global }] as (ProxTerm | undefined)[]) {
      const grad = new Float64Array(model.parameterCount);
      model.lossAndGradient(batch, rows, grad, prox);
      const scratch = new Float64Array(model.parameterCount);
      const numeric = new Float64Array(model.parameterCount);
      const p = model.parameters;
      for (let i = 0; i < p.length; i++) {
        const w = p[i];
        const [up, down] = [Math.fround(w + 1e-3), Math.fround(w - 1e-3)];
        p[i] = up;
        const lossUp = model.lossAndGradient(batch, rows, scratch, prox);
        p[i] = down;
        const lossDown = model.lossAndGradient(batch, rows, scratch, prox);
        p[i] = w;
        numeric[i] = (lossUp - lossDown) / (up - down);
      }
      const diff = grad.map((g, i) => g - numeric[i]);
      expect(norm(diff) / (norm(grad) + norm(numeric))).toBeLessThan(1e-3);
      for (let i = 0; i < grad.length; i++) expect(Math.abs(diff[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(numeric[i])));
    }
  });

  it('starts from the same weights for the same seed, and flattens and restores them', () => {
    const a = DenseAutoencoder.create(sizes, 18);
    expect(a.parameterCount).toBe(32 * 16 + 16 + 16 * 4 + 4 + 4 * 16 + 16 + 16 * 32 + 32);
    expect(DenseAutoencoder.create(sizes, 18).parameters).toEqual(a.parameters);
    expect(DenseAutoencoder.create(sizes, 19).parameters).not.toEqual(a.parameters);
    const flat = a.flatten();
    const b = new DenseAutoencoder(sizes);
    b.setParameters(flat);
    expect(b.scores(windows.slice(0, 10))).toEqual(a.scores(windows.slice(0, 10)));
    flat[0] += 1;
    expect(a.parameters[0]).not.toBe(flat[0]);
    expect(() => b.setParameters(new Float32Array(3))).toThrow(/has 1220 parameters; 3 were given/);
    expect(() => new DenseAutoencoder([32, 8, 16])).toThrow(/ends with as many values as it starts with/);
  });
});

describe('local training', () => {
  it('Adam cuts the reconstruction error of NAB windows, and anomalies score higher after', async () => {
    const model = DenseAutoencoder.create(sizes, 18);
    const result = await trainLocal({ model, windows, epochs: 5, batchSize: 64, learningRate: 3e-3, seed: 1 });
    expect(result).toMatchObject({ samples: windows.length, samplesSeen: 5 * windows.length, epochsRun: 5, stoppedBy: 'epochs', clippedSteps: 0 });
    expect(result.lossAfter).toBeLessThan(result.lossBefore / 10);
    const labels = windowLabels(rows, 32, 8, anomalies);
    const scores = model.scores(windows);
    const mean = (want: boolean) => {
      const picked = Array.from(scores).filter((_, i) => labels[i] === want);
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    };
    expect(mean(true)).toBeGreaterThan(1.5 * mean(false));
  });

  it('is deterministic for a seed', async () => {
    const [a, b] = [DenseAutoencoder.create(sizes, 18), DenseAutoencoder.create(sizes, 18)];
    const some = windows.slice(0, 500);
    await trainLocal({ model: a, windows: some, epochs: 2, batchSize: 32, learningRate: 1e-3, seed: 5 });
    await trainLocal({ model: b, windows: some, epochs: 2, batchSize: 32, learningRate: 1e-3, seed: 5 });
    expect(b.parameters).toEqual(a.parameters);
  });

  it('FedProx with a large mu stays closer to the global model than without', async () => {
    const device = splitForDevices(rows, 4, 3)[2];
    const local = slidingWindows(zNormalize(device.rows, stats).values, 32, 4);
    const global = DenseAutoencoder.create(sizes, 18);
    const [plain, prox] = [global.clone(), global.clone()];
    const opts = { windows: local, epochs: 3, batchSize: 64, learningRate: 3e-3, seed: 2 };
    const r0 = await trainLocal({ model: plain, ...opts });
    const r1 = await trainLocal({ model: prox, ...opts, proxMu: 1 });
    expect(distance(prox.parameters, global.parameters)).toBeLessThan(0.3 * distance(plain.parameters, global.parameters));
    // It still learns, only less far from the global model.
    expect(r1.lossAfter).toBeLessThan(r1.lossBefore);
    expect(r0.lossAfter).toBeLessThan(r1.lossAfter);
  });

  it('stops at the time budget', async () => {
    let t = 0;
    const result = await trainLocal({
      model: DenseAutoencoder.create(sizes, 18),
      windows: windows.slice(0, 640),
      epochs: 100,
      batchSize: 64,
      learningRate: 1e-3,
      seed: 1,
      timeBudgetMs: 250,
      now: () => (t += 10),
    });
    expect(result).toMatchObject({ stoppedBy: 'time-budget', epochsRun: 2, samples: 640 });
    expect(result.samplesSeen).toBeLessThan(100 * 640);

    const started = performance.now();
    const real = await trainLocal({ model: DenseAutoencoder.create([512, 32, 8, 32, 512], 1), windows: Array.from({ length: 256 }, () => new Float32Array(512).fill(0.5)), epochs: 10_000, batchSize: 64, learningRate: 1e-3, seed: 1, timeBudgetMs: 150 });
    expect(real.stoppedBy).toBe('time-budget');
    expect(real.epochsRun).toBeLessThan(10_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('keeps the event loop turning between batches and awaits shouldYield after each', async () => {
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 1);
    let yields = 0;
    const result = await trainLocal({
      model: DenseAutoencoder.create([512, 32, 8, 32, 512], 1),
      windows: Array.from({ length: 1024 }, (_, i) => new Float32Array(512).fill(Math.sin(i))),
      epochs: 2,
      batchSize: 64,
      learningRate: 1e-3,
      seed: 1,
      shouldYield: async () => {
        yields++;
      },
    });
    clearInterval(timer);
    expect(yields).toBeGreaterThanOrEqual(result.steps);
    expect(ticks).toBeGreaterThan(10);
    expect(longestGap).toBeLessThan(200);
  });

  it('clips every gradient Adam sees to clipNorm', async () => {
    expect(clipGradientNorm(Float64Array.from([3, 4]), 10)).toBe(5);
    const long = Float64Array.from([3, 4]);
    expect(clipGradientNorm(long, 1)).toBe(5);
    expect(Array.from(long)).toEqual([0.6000000000000001, 0.8]);

    const seen = (clipNorm?: number) => {
      const norms: number[] = [];
      const step = AdamOptimizer.prototype.step;
      vi.spyOn(AdamOptimizer.prototype, 'step').mockImplementation(function (this: AdamOptimizer, params, grad) {
        norms.push(norm(grad));
        step.call(this, params, grad);
      });
      const model = DenseAutoencoder.create(sizes, 18);
      return trainLocal({ model, windows: windows.slice(0, 1024), epochs: 2, batchSize: 64, learningRate: 3e-3, seed: 1, clipNorm }).then((r) => {
        vi.restoreAllMocks();
        return { r, norms };
      });
    };
    const free = await seen();
    expect(Math.max(...free.norms)).toBeGreaterThan(0.2);
    const clipped = await seen(0.05);
    expect(clipped.norms).toHaveLength(clipped.r.steps);
    expect(Math.max(...clipped.norms)).toBeLessThanOrEqual(0.05 * (1 + 1e-9));
    expect(clipped.r.clippedSteps).toBeGreaterThan(0);
    expect(clipped.r.lossAfter).toBeLessThan(clipped.r.lossBefore);
  });

  it('refuses bad options and bad windows', async () => {
    const model = DenseAutoencoder.create(sizes, 18);
    const base = { model, windows: windows.slice(0, 10), epochs: 1, batchSize: 4, learningRate: 1e-3, seed: 1 };
    await expect(trainLocal({ ...base, epochs: 0 })).rejects.toMatchObject({ code: 'TRAINING_OPTIONS_INVALID', detail: expect.stringMatching(/epochs/) });
    await expect(trainLocal({ ...base, learningRate: NaN })).rejects.toMatchObject({ detail: expect.stringMatching(/learningRate/) });
    await expect(trainLocal({ ...base, windows: [new Float32Array(31)] })).rejects.toMatchObject({ detail: 'Window 0 has 31 values; the model takes 32.' });
    await expect(trainLocal({ ...base, windows: [new Float32Array(32).fill(NaN)] })).rejects.toMatchObject({ detail: expect.stringMatching(/not a finite number/) });
    await expect(trainLocal({ ...base, windows: [] })).rejects.toMatchObject({ detail: 'There are no windows to train on.' });
  });

  it('puts the model back when training diverges', async () => {
    const model = DenseAutoencoder.create(sizes, 18);
    const before = model.flatten();
    // Adam moves each weight by about the learning rate: at 1e38 float32 weights overflow within steps.
    await expect(trainLocal({ model, windows: windows.slice(0, 64), epochs: 5, batchSize: 8, learningRate: 1e38, seed: 1 })).rejects.toMatchObject({ code: 'TRAINING_DIVERGED' });
    expect(model.parameters).toEqual(before);
  });
});
