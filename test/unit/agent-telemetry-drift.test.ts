// The agent's telemetry summaries carry each finished drift window exactly once, in the summary after
// it finished, and nothing while a window is still open.
import { describe, expect, it } from 'vitest';
import { DriftWindow } from '../../resources/agent/src/drift-window.js';
import { Telemetry } from '../../resources/agent/src/telemetry.js';

const ctx = { model: null, state: 'running' as const };
const tensor = (v: number) => ({ data: new Float32Array(12).fill(v).map((x, i) => x + i / 100), dims: [1, 12] });

describe('telemetry with drift windows', () => {
  it('attaches each finished window once', async () => {
    let now = 1_000_000;
    const drift = new DriftWindow({ windowMs: 1000, now: () => now });
    const t = new Telemetry(10, drift);
    drift.record({ input: tensor(0.5) }, { out: { data: new Float32Array([1, 2]), dims: [1, 2] } }, 'm'.repeat(64));
    expect((await t.summarize(ctx)).drift).toBeUndefined();
    now += 1500;
    const s = await t.summarize(ctx);
    expect(s.drift).toHaveLength(1);
    expect(s.drift![0]).toMatchObject({ v: 1, model: 'm'.repeat(64), samples: 1 });
    expect((await t.summarize(ctx)).drift).toBeUndefined();
    drift.record({ input: tensor(0.7) }, {}, 'm'.repeat(64));
    now += 1500;
    expect((await t.summarize(ctx)).drift).toHaveLength(1);
    // The history keeps them for consoles that read it later.
    expect(t.recent(10).flatMap((x) => x.drift ?? [])).toHaveLength(2);
  });
});
