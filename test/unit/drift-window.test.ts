import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../electron/core/util/seeded-random.js';
import { DriftWindow } from '../../resources/agent/src/drift-window.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';

const model = 'c'.repeat(64);
const minute = 60_000;

function clock(start = Date.UTC(2026, 11, 4, 12, 0, 0)) {
  const c = { t: start, now: () => c.t };
  return c;
}

/** One image-model inference: a [1, 3, 32, 32] input of random values and 10 logits. */
function imageInference(rnd: () => number) {
  const input = new Float32Array(3 * 32 * 32).map(() => rnd() * 4 - 2);
  const logits = new Float32Array(10).map(() => rnd() * 10);
  return { inputs: { input: { data: input, dims: [1, 3, 32, 32] } }, outputs: { logits: { data: logits, dims: [1, 10] } } };
}

describe('DriftWindow', () => {
  it('rolls a window every 5 minutes on the injected clock, aligned to the minute grid', () => {
    const c = clock();
    const w = new DriftWindow({ now: c.now });
    const rnd = seededRandom(1);
    const start = c.t;
    for (let i = 0; i < 30; i++) {
      c.t = start + i * 20_000;
      const { inputs, outputs } = imageInference(rnd);
      w.record(inputs, outputs, model);
    }
    // 30 inferences 20 s apart span 9 min 40 s: one window finished, one open.
    const done = w.windows();
    expect(done.length).toBe(1);
    expect(done[0].startMs).toBe(Date.UTC(2026, 11, 4, 12, 0, 0));
    expect(done[0].endMs).toBeLessThanOrEqual(done[0].startMs + 5 * minute);
    expect(done[0].samples).toBe(15);
    c.t += 5 * minute;
    expect(w.windows().map((x) => x.samples)).toEqual([15, 15]);
  });

  it('starts a new window when the model changes, and keeps a bounded history', () => {
    const c = clock();
    const w = new DriftWindow({ now: c.now, historyLimit: 3 });
    const rnd = seededRandom(2);
    const { inputs, outputs } = imageInference(rnd);
    w.record(inputs, outputs, model);
    w.record(inputs, outputs, 'd'.repeat(64));
    expect(w.flush().map((x) => x.model)).toEqual([model, 'd'.repeat(64)]);
    for (let i = 0; i < 5; i++) {
      c.t += 5 * minute;
      w.record(inputs, outputs, model);
    }
    expect(w.flush().length).toBe(3);
  });

  it('sends sketches, never raw input values: no input value in the payload, size independent of the traffic', () => {
    const c = clock();
    const rnd = seededRandom(3);
    const sizes: number[] = [];
    let payload = '';
    const seen = new Set<string>();
    for (const n of [300, 3000]) {
      const w = new DriftWindow({ now: c.now });
      for (let i = 0; i < n; i++) {
        const { inputs, outputs } = imageInference(rnd);
        // Values no per-sample statistic can take here (means ≈ 0, stds ≈ 1.15, confidences in [0, 1]):
        // if any shows up in the payload, raw input went out.
        if (i < 50) for (const v of inputs.input.data) if (v < -0.2 || v > 1.3) seen.add(v.toPrecision(7));
        w.record(inputs, outputs, model);
      }
      payload = JSON.stringify(w.flush());
      sizes.push(payload.length);
    }
    // 3000 inferences carried 36 MB of input; the window is a few KB, and 10× the traffic leaves it about the same.
    expect(sizes[1]).toBeLessThan(16_000);
    expect(sizes[1]).toBeLessThan(sizes[0] * 1.5);
    const numbers = new Set(payload.match(/-?\d+\.\d+(e-?\d+)?/g)!.map((t) => Number(t).toPrecision(7)));
    const leaked = [...seen].filter((v) => numbers.has(v));
    expect(leaked).toEqual([]);
    expect(seen.size).toBeGreaterThan(50_000);
    const [sent] = JSON.parse(payload);
    // Every digest counts one value per sample, none one per input element.
    for (const stat of Object.values(sent.stats) as { kind: string; digest?: { n: number } }[]) if (stat.kind === 'numeric') expect(stat.digest!.n).toBe(3000);
    expect(Object.keys(sent.stats).sort()).toEqual(['input.mean', 'input.std', 'logits.class', 'logits.top1']);
    expect(SketchSet.fromJSON(sent).samples).toBe(3000);
  });

  it('sketches each feature of a small sensor vector, and counts rows holding NaN instead of sketching them', () => {
    const c = clock();
    const w = new DriftWindow({ now: c.now });
    const rnd = seededRandom(4);
    for (let i = 0; i < 100; i++) {
      const x = new Float32Array(4 * 6).map(() => rnd());
      if (i === 7) x[5] = NaN;
      w.record({ sensors: { data: x, dims: [4, 6] } }, { score: { data: new Float32Array(4).map(() => rnd()), dims: [4, 1] } }, model);
    }
    const [sent] = w.flush();
    expect(sent.samples).toBe(400);
    expect(sent.skipped).toBe(1);
    expect(Object.keys(sent.stats).sort()).toEqual(['score.score', 'sensors.mean', 'sensors.std', ...Array.from({ length: 6 }, (_, f) => `sensors[${f}]`)].sort());
    const features = SketchSet.fromJSON(JSON.parse(JSON.stringify(sent)));
    expect(features.digest('sensors[0]')!.count).toBe(399);
    expect(features.digest('score.score')!.count).toBe(400);
    expect(features.digest('sensors[3]')!.quantile(0.5)).toBeCloseTo(0.5, 1);
  });

  it('bins at the reference edges it was given', () => {
    const c = clock();
    const w = new DriftWindow({ now: c.now, edges: { 'logits.top1': [0.5, 0.9] } });
    const rnd = seededRandom(5);
    for (let i = 0; i < 20; i++) {
      const { inputs, outputs } = imageInference(rnd);
      w.record(inputs, outputs, model);
    }
    const [sent] = w.flush();
    const stat = sent.stats['logits.top1'];
    expect(stat.kind === 'numeric' && stat.hist?.edges).toEqual([0.5, 0.9]);
    expect(stat.kind === 'numeric' && stat.hist!.counts.reduce((a, b) => a + b, 0)).toBe(20);
    expect(sent.stats['input.mean'].kind === 'numeric' && sent.stats['input.mean'].hist).toBeUndefined();
  });
});
