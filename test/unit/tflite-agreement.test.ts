// The tolerance rules of the conversion proof, at their edges.
import { describe, expect, it } from 'vitest';
import { compareOutput, summarize } from '../../electron/core/tflite/verify/agreement.js';
import type { NamedTensor } from '../../electron/core/tflite/verify/tensor-data.js';

const t = (data: number[], dtype: NamedTensor['dtype'] = 'uint8', shape = [1, data.length]): NamedTensor => ({
  name: 'out',
  dtype,
  shape,
  data: dtype === 'float32' ? Float32Array.from(data) : dtype === 'int32' ? Int32Array.from(data) : Uint8Array.from(data),
});
const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('quantized outputs', () => {
  const ref = ramp(200, (i) => (i === 7 ? 250 : i % 100));
  it('pass at 4 quanta on one element and fail at 5', () => {
    const four = ref.map((v, i) => (i === 3 ? v + 4 : v));
    const five = ref.map((v, i) => (i === 3 ? v + 5 : v));
    expect(compareOutput(t(ref), t(four), true)).toMatchObject({ pass: true, maxQuanta: 4 });
    expect(compareOutput(t(ref), t(five), true)).toMatchObject({ pass: false, maxQuanta: 5, why: expect.stringMatching(/5 quanta at element 3/) });
  });
  it('need 99 % of elements within one quantum', () => {
    const twoOff = (k: number) => ref.map((v, i) => (i < k ? v + 2 : v));
    expect(compareOutput(t(ref), t(twoOff(2)), true).pass).toBe(true); // 1 % off
    expect(compareOutput(t(ref), t(twoOff(3)), true)).toMatchObject({ pass: false, why: expect.stringMatching(/more than 1 quantum/) });
  });
  it('need the same top-1, unless the reference itself has a near-tie', () => {
    // The reference's best two classes are 2 quanta apart: either answer is right.
    const tie = ref.map((v, i) => (i === 8 ? 248 : v));
    const swapped = tie.map((v, i) => (i === 7 ? 247 : i === 8 ? 249 : v));
    expect(compareOutput(t(tie), t(swapped), true)).toMatchObject({ pass: true, top1Same: true });
    // A clear winner that changes is a different answer.
    expect(compareOutput(t([10, 200, 30]), t([10, 196, 199]), true)).toMatchObject({ pass: false, top1Same: false });
  });
});

describe('float outputs', () => {
  const ref = ramp(50, (i) => Math.sin(i) * 4);
  it('pass within 1e-4 of the output range and fail beyond it', () => {
    expect(compareOutput(t(ref, 'float32'), t(ref.map((v, i) => (i === 5 ? v + 3.5e-4 : v)), 'float32'), false).pass).toBe(true);
    expect(compareOutput(t(ref, 'float32'), t(ref.map((v, i) => (i === 5 ? v + 5e-4 : v)), 'float32'), false).pass).toBe(false);
  });
  it('treat NaN on both sides as equal and on one side as a failure', () => {
    const withNan = [...ref.slice(0, 10), NaN];
    expect(compareOutput(t(withNan, 'float32'), t(withNan, 'float32'), false).pass).toBe(true);
    expect(compareOutput(t(withNan, 'float32'), t([...ref.slice(0, 10), 1], 'float32'), false)).toMatchObject({ pass: false, why: expect.stringMatching(/NaN/) });
  });
  it('give an all-zero reference an absolute floor', () => {
    expect(compareOutput(t([0, 0, 0], 'float32'), t([0, 5e-7, 0], 'float32'), false).pass).toBe(true);
    expect(compareOutput(t([0, 0, 0], 'float32'), t([0, 5e-6, 0], 'float32'), false).pass).toBe(false);
  });
});

describe('everything else', () => {
  it('integer outputs must be equal', () => {
    expect(compareOutput(t([1, 2, 3], 'int32'), t([1, 2, 3], 'int32'), false)).toMatchObject({ kind: 'exact', pass: true });
    expect(compareOutput(t([1, 2, 3], 'int32'), t([1, 2, 4], 'int32'), false)).toMatchObject({ kind: 'exact', pass: false });
  });
  it('a shape mismatch fails with the shapes named', () => {
    expect(compareOutput(t([1, 2, 3, 4], 'float32', [1, 4]), t([1, 2, 3, 4], 'float32', [4, 1]), false)).toMatchObject({ pass: false, why: expect.stringMatching(/\[4, 1\].*\[1, 4\]/) });
  });
  it('summarize names the failing output, or the worst figures', () => {
    const ok = compareOutput(t([1, 2], 'float32'), t([1, 2], 'float32'), false);
    const bad = { ...compareOutput(t([1, 2]), t([1, 9]), true), name: 'logits' };
    expect(summarize([ok])).toMatch(/1 output within tolerance/);
    expect(summarize([ok, bad])).toMatch(/output "logits": 7 quanta/);
  });
});
