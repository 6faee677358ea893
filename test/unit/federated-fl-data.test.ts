// The agent's local data for federated rounds: the model's scale from its metadata, the split by time
// with no reading shared between training and held-out windows, the float32 wire form, and the secure
// round settings of the device protocol staying the SecAgg+ RoundConfig.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundConfigSchema } from '../../electron/core/federated/secagg/messages.js';
import { SecAggServer } from '../../electron/core/federated/secagg/server.js';
import { flScaleOf, splitByTime } from '../../resources/agent/src/federated/fl-data.js';
import { decodeFloats, derivedSeed, encodeFloats } from '../../resources/agent/src/federated/fl-service.js';
import { parseNabCsv, seriesStats, slidingWindows } from '../../resources/agent/src/federated/sensor-windows.js';
import { deviceOps, flSecureConfigSchema } from '../../resources/device-protocol/messages.js';

const root = path.join(import.meta.dirname, '../..');
const sensorModel = new Uint8Array(readFileSync(path.join(root, 'resources/models/sensor-autoencoder/model.onnx')));
const mobilenet = new Uint8Array(readFileSync(path.join(root, 'resources/models/mobilenetv2-digits/model.onnx')));

describe('flScaleOf', () => {
  it('reads the NAB series stats and the windowing the shipped sensor autoencoder carries', () => {
    const rows = parseNabCsv(readFileSync(path.join(root, 'resources/datasets/nab-machine-temperature/machine_temperature_system_failure.csv'), 'utf8'));
    const stats = seriesStats(rows.map((r) => r.value));
    const scale = flScaleOf(sensorModel);
    expect(scale).toEqual({ mean: expect.any(Number), std: expect.any(Number), window: 32, stride: 4 });
    expect(scale.mean).toBeCloseTo(stats.mean, 9);
    expect(scale.std).toBeCloseTo(stats.std, 9);
  });

  it('refuses a model without the federated metadata', () => {
    expect(() => flScaleOf(mobilenet)).toThrow(expect.objectContaining({ code: 'FL_MODEL_NOT_FEDERATED' }));
    expect(() => flScaleOf(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'FL_MODEL_NOT_FEDERATED' }));
  });
});

describe('splitByTime', () => {
  it('holds out the latest windows and trains only on windows that end before them', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i);
    const windows = slidingWindows(values, 32, 4);
    const { train, heldOut } = splitByTime(windows, 32, 4, 0.2);
    expect(heldOut.length).toBe(Math.ceil(windows.length * 0.2));
    expect(heldOut.at(-1)).toEqual(windows.at(-1));
    const lastTrained = train.at(-1)!.at(-1)!;
    expect(lastTrained).toBeLessThan(heldOut[0][0]);
    // The gap is no wider than it must be: the next window would share a reading.
    expect(windows[train.length].at(-1)!).toBeGreaterThanOrEqual(heldOut[0][0]);
  });

  it('leaves nothing to train on when the data is shorter than the gap', () => {
    const windows = slidingWindows(Float32Array.from({ length: 40 }, (_, i) => i), 32, 4);
    expect(splitByTime(windows, 32, 4, 0.5).train).toEqual([]);
  });
});

describe('fl wire forms', () => {
  it('round-trips float32 parameters through base64 and derives a stable seed', () => {
    const v = Float32Array.from([0, -1.5, 3.25, 1e-7, -0]);
    expect(decodeFloats(encodeFloats(v))).toEqual(v);
    expect(() => decodeFloats('AAA=')).toThrow(expect.objectContaining({ code: 'FL_SHAPE_MISMATCH' }));
    expect(derivedSeed('round-1', 'dev-a')).toBe(derivedSeed('round-1', 'dev-a'));
    expect(derivedSeed('round-1', 'dev-a')).not.toBe(derivedSeed('round-1', 'dev-b'));
  });

  it('keeps the secure settings of fl-train the SecAgg+ RoundConfig', () => {
    expect(Object.keys(flSecureConfigSchema.shape).sort()).toEqual(Object.keys(roundConfigSchema.shape).sort());
    const server = new SecAggServer({ roundId: 'r', clientIds: ['a', 'b', 'c'], paramCount: 1220, numShares: 3, threshold: 2 });
    expect(flSecureConfigSchema.parse(server.config)).toEqual(server.config);
    const req = { roundId: 'round-0001', expectActiveSha256: 'a'.repeat(64), epochs: 1, batchSize: 32, learningRate: 0.01, timeBudgetMs: 1000 };
    expect(deviceOps['fl-train'].request.parse({ ...req, secure: { config: server.config } })).toMatchObject({ proxMu: 0, heldOutFraction: 0.2 });
    expect(deviceOps['fl-train'].request.safeParse({ ...req, roundId: 'short' }).success).toBe(false);
    expect(deviceOps['fl-train'].request.safeParse({ ...req, extra: 1 }).success).toBe(false);
  });
});
