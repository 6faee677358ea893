import { describe, expect, it } from 'vitest';
import {
  channelRanges,
  computeQParams,
  dequantize,
  quantize,
  quantizeBias,
  quantizeWeights,
  roundHalfEven,
} from '../../electron/core/quantize/quant-params.js';

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour, like numpy.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 2, 3]);
  });
});

describe('computeQParams', () => {
  it('uint8 asymmetric: scale = (max - min) / 255, zero point = round(-min / scale)', () => {
    // [-1, 2]: scale 3/255, zp = round(255/3) = round(85) = 85
    const p = computeQParams(-1, 2, 'uint8', false);
    expect(p.scale).toBe(Math.fround(3 / 255));
    expect(p.zeroPoint).toBe(85);
  });

  it('always includes 0 in the range', () => {
    // [2, 6] becomes [0, 6]: zero point 0
    expect(computeQParams(2, 6, 'uint8', false)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: 0 });
    // [-4, -1] becomes [-4, 0]: zero point 255
    expect(computeQParams(-4, -1, 'uint8', false)).toEqual({ scale: Math.fround(4 / 255), zeroPoint: 255 });
  });

  it('int8 symmetric uses ±127 and zero point 0', () => {
    expect(computeQParams(-0.5, 1.27, 'int8', true)).toEqual({ scale: Math.fround(1.27 / 127), zeroPoint: 0 });
  });

  it('int8 asymmetric uses -128..127', () => {
    // [0, 2.55]: scale 0.01, zp = -128 - 0/0.01 = -128
    const p = computeQParams(0, 2.55, 'int8', false);
    expect(p.scale).toBe(Math.fround(2.55 / 255));
    expect(p.zeroPoint).toBe(-128);
  });

  it('zero point rounds half to even', () => {
    // A width of 255/16 gives the exact scale 1/16; -min/scale is then 0.5 or 1.5.
    expect(computeQParams(-0.03125, 15.90625, 'uint8', false)).toEqual({ scale: 0.0625, zeroPoint: 0 });
    expect(computeQParams(-0.09375, 15.84375, 'uint8', false)).toEqual({ scale: 0.0625, zeroPoint: 2 });
  });

  it('a degenerate range gives scale 1', () => {
    expect(computeQParams(0, 0, 'uint8', false)).toEqual({ scale: 1, zeroPoint: 0 });
    expect(computeQParams(0, 0, 'int8', true)).toEqual({ scale: 1, zeroPoint: 0 });
  });
});

describe('quantize / dequantize', () => {
  it('rounds, offsets and saturates', () => {
    const p = { scale: 0.5, zeroPoint: 10 };
    // 0.25/0.5 = 0.5 → 0 (even) → 10; 0.75/0.5 = 1.5 → 2 → 12; -10 → -20+10 → clamp 0; 200 → 400+10 → 255
    expect([...quantize([0.25, 0.75, -10, 200, 1], p, 'uint8')]).toEqual([10, 12, 0, 255, 12]);
    expect([...dequantize([10, 12, 0], p)]).toEqual([0, 1, -5]);
  });

  it('int8 saturates at -128 and 127', () => {
    expect([...quantize([-1000, 1000, -1.5], { scale: 1, zeroPoint: 0 }, 'int8')]).toEqual([-128, 127, -2]);
  });
});

describe('per-channel weights', () => {
  // dims [2, 3] (two output channels of three values), axis 0
  const w = [0.1, -0.2, 0.4, 1, 2, -3];

  it('computes one range per channel', () => {
    expect(channelRanges(w, [2, 3], 0)).toEqual([
      { min: -0.2, max: 0.4 },
      { min: -3, max: 2 },
    ]);
    expect(channelRanges(w, [2, 3], 1)).toEqual([
      { min: 0, max: 1 },
      { min: -0.2, max: 2 },
      { min: -3, max: 0.4 },
    ]);
  });

  it('quantizes each channel with its own symmetric scale', () => {
    const q = quantizeWeights(w, [2, 3], 'int8', 0);
    expect(q.params.map((p) => p.scale)).toEqual([Math.fround(0.4 / 127), Math.fround(3 / 127)]);
    expect(q.params.every((p) => p.zeroPoint === 0)).toBe(true);
    // 0.1/(0.4/127) = 31.75 → 32; -0.2 → -63.5 → -64; 0.4 → 127; 1/(3/127) = 42.33 → 42; 2 → 84.67 → 85; -3 → -127
    expect([...q.data]).toEqual([32, -64, 127, 42, 85, -127]);
  });

  it('per tensor uses one scale', () => {
    const q = quantizeWeights(w, [2, 3], 'int8', null);
    expect(q.params).toEqual([{ scale: Math.fround(3 / 127), zeroPoint: 0 }]);
    expect(q.axis).toBeNull();
  });

  it('handles empty tensors', () => {
    const q = quantizeWeights([], [0, 3], 'int8', 0);
    expect(q.data.length).toBe(0);
    expect(q.params).toEqual([]);
  });
});

describe('quantizeBias', () => {
  it('uses input scale × weight scale per channel and int32', () => {
    const b = quantizeBias([0.5, -1], 0.1, [0.01, 0.02]);
    expect(b.scales).toEqual([Math.fround(0.1 * 0.01), Math.fround(0.1 * 0.02)]);
    // 0.5 / 0.001 = 500; -1 / 0.002 = -500
    expect([...b.data]).toEqual([500, -500]);
  });

  it('per tensor: one scale for all', () => {
    const b = quantizeBias([0.3, 0.6], 0.5, [0.2]);
    expect(b.scales).toEqual([Math.fround(0.1)]);
    expect([...b.data]).toEqual([3, 6]);
  });

  it('rejects a mismatched scale count', () => {
    expect(() => quantizeBias([1, 2, 3], 1, [1, 2])).toThrow(RangeError);
  });
});
