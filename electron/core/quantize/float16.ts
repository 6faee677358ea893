// float32 ↔ IEEE 754 binary16 bit patterns (Node 20 has no Float16Array).
// Conversion rounds to nearest even; finite values beyond the float16 range clamp to ±65504
// (a weight of 1e5 becoming Infinity would poison every sum it joins), Infinity stays Infinity,
// NaN stays a quiet NaN, and values below the smallest subnormal round to a signed zero.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const FLOAT16_MAX = 65504;

export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant !== 0 ? sign | 0x7e00 : sign | 0x7c00;
  // Unbiased exponent; float16 normal numbers have -14 ≤ e ≤ 15.
  const e = exp - 127;
  if (e > 15) return sign | 0x7bff;
  if (e >= -14) {
    let h = ((e + 15) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    // A carry into the exponent past 30 would give Infinity: clamp to the largest finite value.
    if ((h & 0x7fff) >= 0x7c00) return sign | 0x7bff;
    return sign | h;
  }
  if (e < -25) return sign;
  // Subnormal: value = m × 2^-24 with the implicit leading one made explicit.
  const full = mant | 0x800000;
  const shift = -e - 14 + 13;
  let h = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h++;
  return sign | h;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}
