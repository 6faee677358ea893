// The console's store of device drift windows on a real SQLite registry: a good window is stored once
// however often it is read back, merged per device and model; a bad sketch is a protocol problem of the
// device (its lastError names the device and the field), never a crash, and the good ones still go in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/core/api/event-bus.js';
import { DeviceContext } from '../../electron/core/devices/device-context.js';
import { Registry } from '../../electron/core/registry/registry.js';
import { SketchSet } from '../../resources/device-protocol/drift/sketch-set.js';
import type { TelemetrySummary } from '../../resources/device-protocol/messages.js';

const home = mkdtempSync(path.join(tmpdir(), 'ef-drift-store-'));
const registry = Registry.open(home);
const ctx = new DeviceContext(home, registry, new EventBus());
const model = 'a'.repeat(64);

afterAll(() => {
  registry.close();
  rmSync(home, { recursive: true, force: true });
});

function window(startMs: number, values: number[]) {
  const set = new SketchSet(model, startMs, startMs + 1000);
  set.samples = values.length;
  set.add([{ key: 'input.mean', group: 'input', kind: 'numeric', values }]);
  return set.toJSON();
}

const summary = (drift: unknown[]) => ({ seq: 1, drift }) as unknown as TelemetrySummary;

describe('drift store', () => {
  it('stores windows once, merges them per device and model, and records a bad sketch as the device\'s problem', () => {
    ctx.store.upsert('dev-1', { name: 'one', address: '127.0.0.1:1' });
    const w1 = window(0, [1, 2, 3]);
    const w2 = window(5000, [4, 5]);
    ctx.ingestWindows('dev-1', [summary([w1]), summary([w1, w2])]);
    expect(ctx.drift.windows('dev-1').map((w) => w.startMs)).toEqual([0, 5000]);
    expect(ctx.drift.merged('dev-1', model, 0)?.samples).toBe(5);
    expect(ctx.drift.merged('dev-1', model, 3000)?.samples).toBe(2);
    expect(ctx.drift.merged('dev-1', 'b'.repeat(64), 0)).toBeNull();
    expect(ctx.store.get('dev-1')?.lastError ?? null).toBeNull();

    const bad = { ...window(9000, [1]), samples: 'many' };
    expect(() => ctx.ingestWindows('dev-1', [summary([bad, window(10_000, [7])])])).not.toThrow();
    expect(ctx.drift.windows('dev-1').map((w) => w.startMs)).toEqual([0, 5000, 10_000]);
    const err = ctx.store.get('dev-1')?.lastError;
    expect(err?.code).toBe('DRIFT_SKETCH_INVALID');
    expect(err?.detail).toContain('device dev-1');
    expect(err?.detail).toContain('sketch.samples');
  });

  it('ignores windows of a device that is not in the inventory', () => {
    expect(() => ctx.ingestWindows('unknown', [summary([window(0, [1])])])).not.toThrow();
    expect(ctx.drift.windows('unknown')).toEqual([]);
  });
});
