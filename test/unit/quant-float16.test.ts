import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16Array, toFloat16Array } from '../../electron/core/quantize/float16.js';

const hex = (x: number): string => float32ToFloat16Bits(x).toString(16).padStart(4, '0');

describe('float32 → float16', () => {
  it('converts exact values', () => {
    expect(hex(0)).toBe('0000');
    expect(hex(-0)).toBe('8000');
    expect(hex(1)).toBe('3c00');
    expect(hex(-2)).toBe('c000');
    expect(hex(0.5)).toBe('3800');
    expect(hex(65504)).toBe('7bff');
    expect(hex(6.103515625e-5)).toBe('0400'); // smallest normal
  });

  it('rounds to nearest even', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1)
    expect(hex(1 + 2 ** -11)).toBe('3c00');
    // 1 + 3·2^-11 is halfway between 1+2^-10 (odd) and 1+2^-9 (even)
    expect(hex(1 + 3 * 2 ** -11)).toBe('3c02');
    expect(hex(1 + 2 ** -11 + 2 ** -20)).toBe('3c01');
  });

  it('clamps finite values beyond the range to ±65504', () => {
    expect(hex(65520)).toBe('7bff');
    expect(hex(1e10)).toBe('7bff');
    expect(hex(-3.4e38)).toBe('fbff');
  });

  it('keeps Infinity and NaN', () => {
    expect(hex(Infinity)).toBe('7c00');
    expect(hex(-Infinity)).toBe('fc00');
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('converts subnormals', () => {
    expect(hex(2 ** -24)).toBe('0001'); // smallest subnormal
    expect(hex(3 * 2 ** -24)).toBe('0003');
    expect(hex(2 ** -15)).toBe('0200');
    expect(hex(-(2 ** -24))).toBe('8001');
    // half the smallest subnormal is a tie: rounds to even (0); a bit more rounds up
    expect(hex(2 ** -25)).toBe('0000');
    expect(hex(2 ** -25 * 1.01)).toBe('0001');
    expect(hex(1e-10)).toBe('0000');
    // 1.5 × smallest subnormal: tie between 1 (odd) and 2 (even)
    expect(hex(1.5 * 2 ** -24)).toBe('0002');
    // the largest subnormal rounding up carries into the smallest normal
    expect(hex(6.1e-5)).toBe('03ff');
    expect(hex(2 ** -14 - 2 ** -26)).toBe('0400');
  });
});

describe('float16 → float32', () => {
  it('decodes normals, subnormals and specials', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x8000)).toBe(-0);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  it('round-trips every float16 value', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const back = toFloat16Array(fromFloat16Array(bits));
    for (let i = 0; i < 65536; i++) {
      const isNaN16 = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (!isNaN16) expect(back[i]).toBe(i);
    }
  });
});
