// FedAvg, trimmed mean and the weighted loss of the federated round engine (electron/core/federated/aggregation.ts).
import { describe, expect, it } from 'vitest';
import { aggregate, decodeParameters, encodeParameters, fedAvg, trimCount, trimmedMean, weightedMean } from '../../electron/core/federated/aggregation.js';

const u = (deviceId: string, parameters: number[], samples: number) => ({ deviceId, parameters, samples });

describe('fedAvg', () => {
  it('weights each update by its samples', () => {
    const out = fedAvg([u('a', [1, 10], 1), u('b', [3, 20], 3)]);
    expect(Array.from(out)).toEqual([2.5, 17.5]);
  });

  it('equal samples give the plain mean; one update gives itself', () => {
    expect(Array.from(fedAvg([u('a', [0, 4], 5), u('b', [2, 0], 5)]))).toEqual([1, 2]);
    expect(Array.from(fedAvg([u('a', [0.5, -1], 7)]))).toEqual([0.5, -1]);
  });

  it('refuses updates of different shapes, no updates, no samples and non-finite values, naming the device', () => {
    expect(() => fedAvg([u('a', [1, 2], 1), u('b', [1], 1)])).toThrow(/b sent 1 parameters, a sent 2/);
    expect(() => fedAvg([])).toThrow(/No device sent an update/);
    expect(() => fedAvg([u('a', [1], 0), u('b', [2], 0)])).toThrow(/0 training samples/);
    expect(() => fedAvg([u('a', [1, Number.NaN], 1)])).toThrow(/a's update has NaN at parameter 1/);
  });
});

describe('trimmedMean', () => {
  it('drops 10 % from each side of every coordinate (one of ten), unweighted', () => {
    const updates = Array.from({ length: 10 }, (_, i) => u(`d${i}`, [i, -i], 1 + i));
    updates[9] = u('wild', [1000, -1000], 1_000_000);
    // Coordinate 0: values 0..8 and 1000; drop 0 and 1000, mean of 1..8 = 4.5.
    expect(Array.from(trimmedMean(updates))).toEqual([4.5, -4.5]);
    // FedAvg on the same updates follows the wild device.
    expect(fedAvg(updates)[0]).toBeGreaterThan(900);
  });

  it('with fewer than ten updates nothing is trimmed (the plain mean)', () => {
    expect(trimCount(9)).toBe(0);
    expect(trimCount(10)).toBe(1);
    expect(trimCount(25)).toBe(2);
    expect(Array.from(trimmedMean([u('a', [1], 1), u('b', [3], 100)]))).toEqual([2]);
  });

  it('aggregate() picks by kind; fedprox aggregates like fedavg', () => {
    const ups = [u('a', [0], 1), u('b', [4], 3)];
    expect(Array.from(aggregate('fedavg', ups))).toEqual([3]);
    expect(Array.from(aggregate('fedprox', ups))).toEqual([3]);
    expect(Array.from(aggregate('trimmed-mean', ups))).toEqual([2]);
  });
});

describe('weightedMean and the float32 wire format', () => {
  it('weights losses by held-out windows, skipping empty ones', () => {
    expect(weightedMean([{ weight: 1, value: 1 }, { weight: 3, value: 3 }, { weight: 0, value: 100 }])).toBe(2.5);
    expect(weightedMean([])).toBeNull();
  });

  it('round-trips little-endian float32 and refuses a wrong length', () => {
    const p = Float32Array.from([1.5, -2.25, 3e-7]);
    expect(Array.from(decodeParameters(encodeParameters(p), 'x', 3))).toEqual(Array.from(p));
    expect(() => decodeParameters(encodeParameters(p), "dev's update", 4)).toThrow(/dev's update is 12 bytes; 4 float32 parameters \(16 bytes\)/);
  });
});
